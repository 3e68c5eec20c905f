// result_compare.cpp — compares every field of two results; the first difference is named by its path.
#include "engine/eval/result_compare.hpp"

namespace entitle {
namespace {

/// Accumulates the first difference found; later comparisons are skipped once one is found.
class Diff {
public:
  bool found() const { return !what_.empty(); }
  std::string take() { return std::move(what_); }

  void field(const std::string& path, const std::string& a, const std::string& b) {
    if (!found() && a != b) what_ = path + ": \"" + a + "\" vs \"" + b + "\"";
  }
  void field(const std::string& path, const Rational& a, const Rational& b) {
    if (!found() && a != b) what_ = path + ": " + a.to_string() + " vs " + b.to_string();
  }
  void field(const std::string& path, long long a, long long b) {
    if (!found() && a != b) what_ = path + ": " + std::to_string(a) + " vs " + std::to_string(b);
  }
  void field(const std::string& path, const SourceSpan& a, const SourceSpan& b) {
    field(path + ".file", a.file, b.file);
    field(path + ".begin", a.begin, b.begin);
    field(path + ".end", a.end, b.end);
  }
  template <typename T, typename Each>
  void list(const std::string& path, const std::vector<T>& a, const std::vector<T>& b, Each each) {
    field(path + ".size", (long long)a.size(), (long long)b.size());
    for (std::size_t i = 0; i < a.size() && !found(); ++i) each(path + "[" + std::to_string(i) + "]", a[i], b[i]);
  }
  void strings(const std::string& path, const std::vector<std::string>& a, const std::vector<std::string>& b) {
    list(path, a, b, [&](const std::string& p, const std::string& x, const std::string& y) { field(p, x, y); });
  }
  void ints(const std::string& path, const std::vector<int>& a, const std::vector<int>& b) {
    list(path, a, b, [&](const std::string& p, int x, int y) { field(p, x, y); });
  }

private:
  std::string what_;
};

void compare_failed(Diff& d, const std::string& p, const FailedCondition& a, const FailedCondition& b) {
  d.field(p + ".subject", a.subject, b.subject);
  d.field(p + ".span", a.span, b.span);
  d.field(p + ".lhs", a.lhs, b.lhs);
  d.field(p + ".rhs", a.rhs, b.rhs);
  d.field(p + ".relation", a.relation, b.relation);
  d.field(p + ".margin", a.margin, b.margin);
  d.field(p + ".node", a.node, b.node);
  d.field(p + ".order", a.order, b.order);
  d.field(p + ".tested", a.tested, b.tested);
  d.ints(p + ".via", a.via, b.via);
  d.field(p + ".decided", a.decided, b.decided);
  d.field(p + ".member", a.member, b.member);
  d.field(p + ".member_name", a.member_name, b.member_name);
  d.list(p + ".keys", a.keys, b.keys, [&](const std::string& q, const StandardKey& x, const StandardKey& y) {
    d.field(q + ".node", x.node, y.node);
    d.field(q + ".key", x.key, y.key);
    d.field(q + ".label", x.label, y.label);
  });
}

void compare_entitlement(Diff& d, const std::string& p, const Entitlement& a, const Entitlement& b) {
  d.field(p + ".program", a.program, b.program);
  d.field(p + ".kind", decision_kind_name(a.kind), decision_kind_name(b.kind));
  d.field(p + ".eligible", a.eligible ? (*a.eligible ? "true" : "false") : "unknown",
          b.eligible ? (*b.eligible ? "true" : "false") : "unknown");
  d.field(p + ".amount", a.amount, b.amount);
  d.strings(p + ".members", a.members, b.members);
  d.list(p + ".by_member", a.by_member, b.by_member, [&](const std::string& q, const MemberAmount& x, const MemberAmount& y) {
    d.field(q + ".member", x.member, y.member);
    d.field(q + ".amount", x.amount, y.amount);
  });
  d.strings(p + ".missing", a.missing, b.missing);
  d.field(p + ".exception", a.exception, b.exception);
  d.field(p + ".excluded_by", a.excluded_by, b.excluded_by);
  d.list(p + ".failed", a.failed, b.failed,
         [&](const std::string& q, const FailedCondition& x, const FailedCondition& y) { compare_failed(d, q, x, y); });
  d.strings(p + ".warnings", a.warnings, b.warnings);
  d.strings(p + ".review", a.review, b.review);
  d.list(p + ".stale", a.stale, b.stale, [&](const std::string& q, const StaleValue& x, const StaleValue& y) {
    d.field(q + ".standard", x.standard, y.standard);
    d.field(q + ".label", x.label, y.label);
    d.field(q + ".region", x.region, y.region);
    d.field(q + ".key", x.key, y.key);
    d.field(q + ".from", x.from, y.from);
    d.field(q + ".cite", x.cite, y.cite);
    d.field(q + ".renewal", x.renewal, y.renewal);
  });
  d.strings(p + ".choice", a.choice, b.choice);
  d.field(p + ".option_amount", a.option_amount, b.option_amount);
  d.field(p + ".option_amount_known", a.option_amount_known, b.option_amount_known);
  d.list(p + ".member_decisions", a.member_decisions, b.member_decisions,
         [&](const std::string& q, const MemberDecision& x, const MemberDecision& y) {
           d.field(q + ".member", x.member, y.member);
           d.field(q + ".kind", decision_kind_name(x.kind), decision_kind_name(y.kind));
           d.field(q + ".amount", x.amount, y.amount);
           d.field(q + ".amount_known", x.amount_known, y.amount_known);
           d.strings(q + ".missing", x.missing, y.missing);
           d.field(q + ".excluded_by", x.excluded_by, y.excluded_by);
           d.strings(q + ".choice", x.choice, y.choice);
           d.field(q + ".exception", x.exception, y.exception);
         });
  d.ints(p + ".trace_nodes", a.trace_nodes, b.trace_nodes);
}

}  // namespace

std::string first_difference(const HouseholdResult& a, const HouseholdResult& b) {
  Diff d;
  d.field("household", a.household, b.household);
  d.field("region", a.region, b.region);
  d.field("period", a.period, b.period);
  d.list("entitlements", a.entitlements, b.entitlements,
         [&](const std::string& p, const Entitlement& x, const Entitlement& y) { compare_entitlement(d, p, x, y); });
  d.list("errors", a.errors, b.errors, [&](const std::string& p, const EvalError& x, const EvalError& y) {
    d.field(p + ".program", x.program, y.program);
    d.field(p + ".message", x.message, y.message);
    d.list(p + ".spans", x.spans, y.spans, [&](const std::string& q, const SourceSpan& s, const SourceSpan& t) { d.field(q, s, t); });
  });
  d.field("trace.size", (long long)a.trace.size(), (long long)b.trace.size());
  return d.take();
}

}  // namespace entitle
