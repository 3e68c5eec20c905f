// render.cpp — JSON and text renderings of a household's result and its explanation tree. Deterministic:
// programs in declaration order, trace nodes in first-use order, no timestamps.
#include "engine/explain/render.hpp"
#include "engine/base/json_writer.hpp"
#include "engine/explain/missing_words.hpp"
#include "engine/explain/reasons.hpp"

#include <nlohmann/json.hpp>
#include <functional>
#include <set>
#include <sstream>

namespace entitle {
namespace {

using json = nlohmann::ordered_json;

std::string per_label(ir::Period p) {
  switch (p) {
    case ir::Period::Month: return "元/月";
    case ir::Period::Semester: return "元/学期";
    case ir::Period::Year: return "元/年";
    case ir::Period::Once: return "元 (一次性)";
  }
  return "";
}

struct NodeInfo {
  std::string name, label, cite;
  SourceSpan span;
};

NodeInfo info(const ir::RuleSet& rs, const TraceNode& n) {
  switch (n.kind) {
    case TraceNode::Kind::Program: {
      const auto& p = rs.programs[n.index];
      return {p.name, p.label, p.cite, p.span};
    }
    case TraceNode::Kind::Definition: {
      const auto& d = rs.defs[n.index];
      return {rs.entities[d.entity].name + "." + d.name, d.label, d.cite, d.span};
    }
    case TraceNode::Kind::Standard: {
      const auto& s = rs.standards[n.index];
      return {s.name, s.label, s.cite, s.span};
    }
  }
  return {};
}

const char* kind_name(TraceNode::Kind k) {
  switch (k) {
    case TraceNode::Kind::Program: return "program";
    case TraceNode::Kind::Definition: return "definition";
    case TraceNode::Kind::Standard: return "standard";
  }
  return "";
}

json failed_json(const SourceManager& sm, const FailedCondition& f) {
  json j;
  j["subject"] = f.subject;
  j["condition"] = std::string(sm.slice(f.span));
  j["at"] = location(sm, f.span);
  if (!f.relation.empty()) {
    j["found"] = f.lhs + " " + f.relation + " " + f.rhs;
    if (!f.margin.empty()) j["short_by"] = f.margin;
  } else {
    j["found"] = f.lhs;
  }
  return j;
}

std::string failed_text(const SourceManager& sm, const FailedCondition& f) {
  std::string s = "未满足 " + f.subject + ": " + std::string(sm.slice(f.span));
  if (!f.relation.empty()) {
    s += " — 实际 " + f.lhs + " " + f.relation + " " + f.rhs;
    if (!f.margin.empty()) s += "，差 " + f.margin;
  } else {
    s += " — 为假";
  }
  return s + "  [" + location(sm, f.span) + "]";
}


/// A standard's value as written, without its citation (shown on its own line).
std::string written_text(const SourceManager& sm, const SourceSpan& span) {
  std::string text = collapse_whitespace(sm.slice(span));
  for (const char* marker : {" cite \"", " 依据 \""})
    if (auto at = text.find(marker); at != std::string::npos) text.resize(at);
  return text;
}

}  // namespace

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string location(const SourceManager& sm, const SourceSpan& s) {
  if (s.file >= sm.file_count()) return "";
  return sm.path(s.file) + ":" + std::to_string(sm.line_col(s.file, s.begin).line);
}

std::string render_result_json(const ir::RuleSet& rs, const SourceManager& sm, const HouseholdResult& r, bool explain,
                               const Household* hh) {
  std::string text;
  text.reserve(1024);
  ResultJsonWriter(rs, sm).append(text, r, explain, hh);
  return text;
}

ResultJsonWriter::ResultJsonWriter(const ir::RuleSet& rs, const SourceManager& sm) : rs_(rs), sm_(sm) {
  auto pair = [](std::string& out, const char* key, const std::string& value) {
    if (!out.empty()) out += ',';
    JsonWriter::append_string(out, key);
    out += ':';
    JsonWriter::append_string(out, value);
  };
  pair(ruleset_, "ruleset", rs.hash);
  for (const ir::ProgramDef& p : rs.programs) {
    std::string head, tail;
    pair(head, "program", p.name);
    pair(head, "label", p.label);
    pair(tail, "citation", p.cite);
    program_head_.push_back(std::move(head));
    program_tail_.push_back(std::move(tail));
  }
}

void ResultJsonWriter::append(std::string& text, const HouseholdResult& r, bool explain, const Household* hh) const {
  const ir::RuleSet& rs = rs_;
  const SourceManager& sm = sm_;
  // Written straight into the string (no tree); the explanation's parts are small trees dumped in place.
  JsonWriter out(text);
  auto dump = [](const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); };
  auto amount_or_null = [&](bool known, const Rational& a) {
    if (known) out.string(a.to_fixed(2));
    else out.null();
  };
  // "choice": the programs to choose between and what this one would pay if chosen (null: not known).
  auto choice = [&](const std::vector<std::string>& between, bool known, const Rational& amount) {
    out.key("choice").begin_object().key("between").strings(between).key("amount_if_chosen");
    amount_or_null(known, amount);
    out.end_object();
  };
  out.begin_object();
  out.key("household").string(r.household);
  out.key("period").string(r.period);
  out.fields(ruleset_);
  if (std::string name = rs.region_name(r.region); !name.empty()) out.key("region_name").string(name);
  out.key("entitlements").begin_array();
  for (const Entitlement& e : r.entitlements) {
    const ir::ProgramDef& p = rs.programs[e.program];
    out.begin_object();
    out.fields(program_head_[e.program]);
    out.key("eligible");
    if (e.eligible) out.boolean(*e.eligible);
    else out.null();
    out.key("decision").string(decision_kind_name(e.kind));
    out.key("amount");
    amount_or_null(e.eligible && !(*e.eligible && !e.missing.empty()), e.amount);
    out.key("per").string(ir::period_name(p.period));
    out.key("members").strings(e.members);
    if (p.entity != rs.root_entity) {
      out.key("by_member").begin_array();
      for (const MemberAmount& m : e.by_member)
        out.begin_object().key("member").string(m.member).key("amount").string(m.amount.to_fixed(2)).end_object();
      out.end_array();
    }
    if (!e.missing.empty()) out.key("missing").strings(e.missing);
    if (!e.exception.empty()) out.key("exception").string(e.exception);
    if (!e.excluded_by.empty()) out.key("excluded_by").string(e.excluded_by);
    if (!e.choice.empty()) choice(e.choice, e.option_amount_known, e.option_amount);
    bool any_member = false;
    for (const MemberDecision& d : e.member_decisions) {
      if (d.kind == DecisionKind::Granted || d.kind == DecisionKind::NotGranted) continue;
      if (!any_member) out.key("member_decisions").begin_array();
      any_member = true;
      out.begin_object();
      out.key("member").string(d.member);
      out.key("decision").string(decision_kind_name(d.kind));
      if (!d.excluded_by.empty()) out.key("excluded_by").string(d.excluded_by);
      if (!d.choice.empty()) choice(d.choice, d.amount_known, d.amount);
      if (!d.missing.empty()) out.key("missing").strings(d.missing);
      out.end_object();
    }
    if (any_member) out.end_array();
    if (!e.warnings.empty()) out.key("warnings").strings(e.warnings);
    if (!e.review.empty()) out.key("review").strings(e.review);
    if (e.provisional()) {
      out.key("provisional").boolean(true);
      out.key("stale_standards").begin_array();
      for (const StaleValue& v : e.stale)
        out.begin_object()
            .key("standard").string(v.standard)
            .key("label").string(v.label)
            .key("region").string(v.region)
            .key("key").string(v.key)
            .key("from").string(v.from)
            .key("renewal").string(v.renewal)
            .key("citation").string(v.cite)
            .end_object();
      out.end_array();
    }
    out.fields(program_tail_[e.program]);
    if (explain) {
      out.key("reasons").strings(reason_sentences(rs, r, e, hh));
      if (!e.failed.empty()) {
        out.key("why_not").begin_array();
        for (const FailedCondition& f : e.failed) out.raw(dump(failed_json(sm, f)));
        out.end_array();
      }
      if (!e.trace_nodes.empty()) {
        out.key("explanation").begin_array();
        for (int id : e.trace_nodes) out.integer(id);
        out.end_array();
      }
    }
    out.end_object();
  }
  out.end_array();
  out.key("errors").begin_array();
  for (const EvalError& e : r.errors) {
    out.begin_object().key("program").string(e.program).key("message").string(e.message).key("at").begin_array();
    for (const SourceSpan& s : e.spans) out.string(location(sm, s));
    out.end_array().end_object();
  }
  out.end_array();
  if (explain) {
    // The explanation's nodes, then each rule once (with its source text and citation) in the order of first use;
    // nodes refer to a rule by name.
    std::vector<std::size_t> first_use;
    std::set<std::string> seen;
    out.key("explanation").begin_array();
    for (std::size_t i = 0; i < r.trace.size(); ++i) {
      const TraceNode& n = r.trace[i];
      NodeInfo ni = info(rs, n);
      if (seen.insert(ni.name).second) first_use.push_back(i);
      out.begin_object();
      out.key("id").integer(static_cast<long long>(i));
      out.key("rule").string(ni.name);
      if (!n.subject.empty()) out.key(n.kind == TraceNode::Kind::Standard ? "key" : "subject").string(n.subject);
      out.key("value").string(n.value);
      if (!n.exception.empty()) out.key("exception").string(n.exception);
      if (n.kind == TraceNode::Kind::Standard && !n.region_code.empty()) {
        out.key("region_level").string(n.region_level);
        out.key("region").string(n.region_code);
        if (std::string name = rs.region_name(n.region_code); !name.empty()) out.key("region_name").string(name);
        out.key("effective_from").string(n.effective_from);
        if (!n.effective_until.empty()) out.key("effective_until").string(n.effective_until);
        out.key("value_at").string(location(sm, n.row_span));
        out.key("written").string(written_text(sm, n.row_span));
        if (!n.value_cite.empty()) out.key("value_citation").string(n.value_cite);
      }
      if (!n.facts.empty()) {
        out.key("facts").begin_array();
        for (const auto& [path, value] : n.facts) out.begin_object().key("fact").string(path).key("value").string(value).end_object();
        out.end_array();
      }
      out.key("inputs").begin_array();
      for (int c : n.children) out.integer(c);
      out.end_array();
      out.end_object();
    }
    out.end_array();
    out.key("rules").begin_object();
    for (std::size_t i : first_use) {
      const TraceNode& n = r.trace[i];
      NodeInfo ni = info(rs, n);
      out.key(ni.name).begin_object();
      out.key("kind").string(kind_name(n.kind));
      out.key("label").string(ni.label);
      out.key("at").string(location(sm, ni.span));
      out.key("citation").string(ni.cite);
      if (n.kind == TraceNode::Kind::Standard) out.key("unit").string(std::string("per ") + ir::per_unit_name(rs.standards[n.index].per));
      else out.key("source").string(sm.slice(ni.span));
      out.end_object();
    }
    out.end_object();
  }
  out.end_object();
}

std::string render_result_text(const ir::RuleSet& rs, const SourceManager& sm, const HouseholdResult& r, bool explain,
                               const Household* hh) {
  std::ostringstream out;
  out << "家庭 " << r.household;
  if (!r.region.empty()) {
    std::string name = rs.region_name(r.region);
    out << " · " << (name.empty() ? "" : name + " ") << r.region;
  }
  out << " · " << r.period << " · 规则集 " << rs.hash.substr(0, 19) << "…\n";
  std::vector<StaleValue> stale_all;  // every stale standard value the household's decisions used, listed once
  for (const Entitlement& e : r.entitlements) {
    const ir::ProgramDef& p = rs.programs[e.program];
    std::string head = p.label + " (" + p.name + ")";
    if (e.kind == DecisionKind::ChoiceNeeded) {
      out << "  ⇄ " << head << ": 需家庭选择其一 (";
      for (std::size_t i = 0; i < e.choice.size(); ++i) {
        std::string label = e.choice[i];
        for (const auto& q : rs.programs)
          if (q.name == e.choice[i]) label = q.label;
        out << (i ? " 或 " : "") << label;
      }
      out << ")，选择此项: " << (e.option_amount_known ? e.option_amount.to_fixed(2) + " " + per_label(p.period) : std::string("金额待定"))
          << "；记录选择前两项均不发放\n";
    } else if (!e.eligible) {
      out << "  ? " << head << ": 无法确定";
      if (!e.missing.empty()) {
        out << " — 缺少:";
        for (const auto& m : e.missing) out << ' ' << missing_in_words(rs, m) << ';';
      }
      out << '\n';
    } else if (*e.eligible) {
      out << "  ✔ " << head << ": ";
      if (!e.missing.empty()) {
        out << "符合条件，金额无法确定 — 缺少:";
        for (const auto& m : e.missing) out << ' ' << missing_in_words(rs, m) << ';';
      } else {
        out << e.amount.to_fixed(2) << ' ' << per_label(p.period);
      }
      if (!e.members.empty()) {
        out << "  对象:";
        for (const auto& m : e.members) out << ' ' << m;
      }
      if (!e.exception.empty()) out << "  (例外: " << e.exception << ")";
      out << '\n';
      for (const MemberAmount& m : e.by_member) out << "      " << m.member << ": " << m.amount.to_fixed(2) << '\n';
    } else {
      out << "  ✘ " << head << ": 不符合";
      if (!e.excluded_by.empty()) out << " — 已享受 " << e.excluded_by << "，二者不可兼得";
      out << '\n';
    }
    if (explain) {
      // The reasons as sentences, each with the conditions it says in code form and their place in the rules (the
      // reasons to review and the stale standards have their own lines below).
      for (const Reason& why : explain_reasons(rs, r, e, hh)) {
        if (why.kind == Reason::Kind::Review || why.kind == Reason::Kind::Provisional) continue;
        out << "      · " << why.text << '\n';
        std::set<std::string> said;
        for (int i : why.failed)
          if (std::string line = failed_text(sm, e.failed[i]); said.insert(line).second) out << "          " << line << '\n';
      }
    } else {
      for (const FailedCondition& f : e.failed) out << "      " << failed_text(sm, f) << '\n';
      for (const MemberDecision& d : e.member_decisions) {
        if (d.kind == DecisionKind::Excluded)
          out << "      " << d.member << ": 不重复享受 — 已享受 " << d.excluded_by << " (优先)\n";
        else if (d.kind == DecisionKind::ChoiceNeeded && e.kind != DecisionKind::ChoiceNeeded)
          out << "      " << d.member << ": 需家庭选择其一，选择此项: " << (d.amount_known ? d.amount.to_fixed(2) : std::string("金额待定")) << '\n';
      }
    }
    for (const std::string& w : e.warnings) out << "      ⚠ " << w << '\n';
    for (const std::string& w : e.review) out << "      ⚑ 需复核: " << w << '\n';
    if (e.provisional()) {
      out << "      ⏳ 暂定: 所用标准";
      for (std::size_t i = 0; i < e.stale.size(); ++i) out << (i ? "、" : " ") << "「" << e.stale[i].label << "」";
      out << " 已超过更新周期 (见文末)\n";
      for (const StaleValue& v : e.stale) {
        bool seen = false;
        for (const StaleValue& x : stale_all)
          seen = seen || (x.standard == v.standard && x.region == v.region && x.key == v.key && x.from == v.from);
        if (!seen) stale_all.push_back(v);
      }
    }
    if (!p.cite.empty()) out << "      依据: " << p.cite << '\n';
  }
  if (!stale_all.empty()) {
    out << "  ⏳ 暂定的决定使用了超过更新周期的标准，请县级民政部门录入或确认当期标准:\n";
    for (const StaleValue& v : stale_all) {
      std::string region = v.region == "all" ? "全国" : v.region;
      if (std::string name = rs.region_name(v.region); !name.empty()) region += " " + name;
      out << "      标准「" << v.label << "」(" << v.standard << ") " << region << (v.key.empty() ? "" : " " + v.key) << " 取值自 "
          << v.from << "，应" << (v.renewal == "yearly" ? "每年" : v.renewal) << "更新；来源: " << v.cite << '\n';
    }
  }
  for (const EvalError& e : r.errors) {
    out << "  ! 错误 (" << e.program << "): " << e.message;
    for (const SourceSpan& s : e.spans) out << "  [" << location(sm, s) << "]";
    out << '\n';
  }
  if (!explain || r.trace.empty()) return out.str();
  out << "说明 (explanation):\n";
  std::set<int> shown;
  std::function<void(int, const std::string&, bool)> walk = [&](int id, const std::string& indent, bool last) {
    const TraceNode& n = r.trace[id];
    NodeInfo ni = info(rs, n);
    out << indent << (last ? "└─ " : "├─ ");
    if (n.kind == TraceNode::Kind::Standard) out << "标准 ";
    out << ni.name;
    if (!ni.label.empty()) out << " 「" << ni.label << "」";
    if (!n.subject.empty() && n.kind != TraceNode::Kind::Standard) out << " @" << n.subject;
    if (n.kind == TraceNode::Kind::Standard && !n.subject.empty()) out << " [" << n.subject << "]";
    out << " = " << n.value;
    if (n.kind == TraceNode::Kind::Standard && !n.region_code.empty())
      out << " (" << n.region_level << " " << (rs.region_name(n.region_code).empty() ? "" : rs.region_name(n.region_code) + " ")
          << n.region_code << ", 自 " << n.effective_from
          << (n.effective_until.empty() ? "" : " 至 " + n.effective_until) << "; 原文: " << written_text(sm, n.row_span) << ")";
    if (!n.exception.empty()) out << " (例外: " << n.exception << ")";
    out << "  [" << location(sm, n.kind == TraceNode::Kind::Standard && !n.region_code.empty() ? n.row_span : ni.span) << "]";
    if (!shown.insert(id).second) {
      out << " (见上)\n";
      return;
    }
    out << '\n';
    std::string child_indent = indent + (last ? "   " : "│  ");
    if (!ni.cite.empty()) out << child_indent << "依据: " << ni.cite << '\n';
    if (!n.value_cite.empty()) out << child_indent << "取值依据: " << n.value_cite << '\n';
    for (const auto& [path, value] : n.facts) out << child_indent << "事实: " << path << " = " << value << '\n';
    for (std::size_t i = 0; i < n.children.size(); ++i) walk(n.children[i], child_indent, i + 1 == n.children.size());
  };
  for (const Entitlement& e : r.entitlements)
    for (std::size_t i = 0; i < e.trace_nodes.size(); ++i) walk(e.trace_nodes[i], "  ", i + 1 == e.trace_nodes.size());
  return out.str();
}

}  // namespace entitle
