// test_runner.cpp — evaluates each test household at its month and compares with the expectations.
#include "engine/api/test_runner.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/eval/evaluator.hpp"
#include "engine/base/json_tree.hpp"
#include "engine/explain/render.hpp"

namespace entitle {
namespace {

std::string expected_text(const ir::RuleSet& rs, int node) {
  const ir::ExprNode& n = rs.nodes[node];
  if (n.type.kind == ir::TypeKind::Bool) return n.scalar ? "true" : "false";
  Rational v = n.op == ir::Op::Neg ? -rs.nodes[n.kids[0]].num : n.num;
  return v.has_at_most_decimals(2) ? v.to_fixed(2) : v.to_string();
}

Rational expected_number(const ir::RuleSet& rs, int node) {
  const ir::ExprNode& n = rs.nodes[node];
  return n.op == ir::Op::Neg ? -rs.nodes[n.kids[0]].num : n.num;
}

std::string shown(const std::optional<bool>& e) { return !e ? "undetermined" : *e ? "true" : "false"; }

/// Eligibility as the spec's three values: granted (even with the amount undetermined) is true; not granted and
/// excluded are false; undetermined and awaiting a choice are neither.
std::optional<bool> eligibility_of(DecisionKind k) {
  switch (k) {
    case DecisionKind::Granted: case DecisionKind::AmountUndetermined: return true;
    case DecisionKind::NotGranted: case DecisionKind::Excluded: return false;
    default: return std::nullopt;
  }
}

std::string missing_note(const std::vector<std::string>& missing) {
  if (missing.empty()) return "";
  std::string msg = " (missing:";
  for (const auto& m : missing) msg += " " + m;
  return msg + ")";
}

/// "expect member["P2"].counted = false", "expect household.per_capita = 255.56": exact comparison.
void check_definition(const ir::RuleSet& rs, const SourceManager& sm, const Evaluator& ev, const Household& hh, Month month,
                      const ir::TestExpectation& x, std::vector<std::string>& failures) {
  const ir::Definition& d = rs.defs[x.definition];
  std::string where = location(sm, x.span) + ": " + x.program + (x.subject.empty() ? "" : "[\"" + x.subject + "\"]") + "." + x.field;
  Evaluator::DefinitionValue got = ev.evaluate_definition(hh, month, x.definition, x.subject);
  if (!got.found) {
    failures.push_back(where + ": the household has no " + rs.entities[d.entity].name + " " + x.subject);
    return;
  }
  if (!got.error.empty()) {
    failures.push_back(where + ": evaluation error: " + got.error);
    return;
  }
  if (x.expect_undetermined || got.undetermined) {
    if (x.expect_undetermined != got.undetermined)
      failures.push_back(where + ": expected " + (x.expect_undetermined ? std::string("undetermined") : expected_text(rs, x.value)) +
                         ", got " + (got.undetermined ? std::string("undetermined") : got.text));
    return;
  }
  bool same;
  std::string want_text;
  if (got.number) {
    Rational want = expected_number(rs, x.value);
    same = *got.number == want;
    want_text = want.has_at_most_decimals(2) && d.type.kind == ir::TypeKind::Money ? want.to_fixed(2) : want.to_string();
  } else {
    const ir::ExprNode& n = rs.nodes[x.value];
    Value v;
    if (n.type.kind == ir::TypeKind::Bool) v = Value::boolean(n.scalar != 0);
    else v = Value::with_scalar(n.type.kind == ir::TypeKind::Enum ? Value::Tag::Enum
                                : n.type.kind == ir::TypeKind::Date ? Value::Tag::Date : Value::Tag::Month, n.scalar);
    if (n.type.kind == ir::TypeKind::Text) v = Value::pointer(Value::Tag::Text, &n.text);
    want_text = format_value(rs, d.type, v);
    same = want_text == got.text;
  }
  if (!same) failures.push_back(where + ": expected " + want_text + ", got " + (got.number ? got.number->to_string() : got.text));
}

}  // namespace

TestReport run_tests(const LoadedRules& loaded) {
  const ir::RuleSet& rs = *loaded.rules;
  const SourceManager& sm = loaded.sources;
  Evaluator ev(rs);
  TestReport report;
  report.coverage = ev.empty_coverage();
  for (const ir::TestCase& t : rs.tests) {
    TestOutcome o;
    o.name = t.name;
    o.span = t.span;
    std::string text = t.household_json, origin = location(sm, t.span);
    if (text.empty()) {
      namespace fs = std::filesystem;
      fs::path p = fs::path(sm.path(t.span.file)).parent_path() / t.household_origin;
      std::ifstream in(p);
      if (!in) {
        o.failures.push_back("cannot read household file " + p.generic_string());
        report.outcomes.push_back(o);
        continue;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      text = ss.str();
      origin = p.generic_string();
    }
    std::string error;
    auto record = parse_json(text, error);
    Household hh;
    std::vector<InputError> errors;
    if (!record) {
      o.failures.push_back("the household is not valid JSON: " + error);
    } else if (!load_household(rs, *record, origin, hh, errors, LoadOptions::evaluating(t.month))) {
      for (const auto& e : errors) o.failures.push_back(e.to_string());
    } else {
      HouseholdResult r = ev.evaluate(hh, t.month, false, &report.coverage);
      for (const auto& err : r.errors) o.failures.push_back("evaluation error in " + err.program + ": " + err.message);
      for (const ir::TestExpectation& x : t.expects) {
        if (x.definition >= 0) {
          check_definition(rs, sm, ev, hh, t.month, x, o.failures);
          continue;
        }
        const Entitlement* ent = nullptr;
        for (const auto& e : r.entitlements)
          if (e.program == x.program_index) ent = &e;
        if (!ent) continue;
        std::string where = location(sm, x.span) + ": " + x.program + "." + x.field + (x.member.empty() ? "" : "[" + x.member + "]");
        // For one member: that member's decision (member programs), or whether the household program covers them.
        const MemberDecision* md = nullptr;
        MemberDecision plain;  // a member simply granted or not granted is not listed in member_decisions
        bool member_level = rs.programs[x.program_index].entity != rs.root_entity;
        if (!x.member.empty() && member_level) {
          for (const auto& d : ent->member_decisions)
            if (d.member == x.member) md = &d;
          if (!md) {
            bool exists = false;
            for (const Instance& i : hh.instances) exists = exists || (i.entity == rs.programs[x.program_index].entity && i.id == x.member);
            if (!exists) {
              o.failures.push_back(where + ": the household has no member " + x.member);
              continue;
            }
            plain.member = x.member;
            plain.kind = DecisionKind::NotGranted;
            for (const MemberAmount& m : ent->by_member)
              if (m.member == x.member) plain.kind = DecisionKind::Granted, plain.amount = m.amount, plain.amount_known = true;
            md = &plain;
          }
        }
        DecisionKind kind = md ? md->kind : ent->kind;
        if (!x.member.empty() && !member_level) {
          bool covered = std::find(ent->members.begin(), ent->members.end(), x.member) != ent->members.end();
          if (ent->kind == DecisionKind::Granted || ent->kind == DecisionKind::AmountUndetermined)
            kind = covered ? ent->kind : DecisionKind::NotGranted;
        }
        if (x.field == "decision") {
          if (x.word != decision_kind_name(kind))
            o.failures.push_back(where + ": expected " + x.word + ", got " + decision_kind_name(kind) + missing_note(md ? md->missing : ent->missing));
        } else if (x.field == "review" || x.field == "provisional") {
          bool want = rs.nodes[x.value].scalar != 0;
          bool got = x.field == "review" ? !ent->review.empty() : ent->provisional();
          if (want != got) o.failures.push_back(where + ": expected " + shown(want) + ", got " + shown(got));
        } else if (x.field == "eligible") {
          std::optional<bool> want;
          if (!x.expect_undetermined) want = rs.nodes[x.value].scalar != 0;
          std::optional<bool> got = eligibility_of(kind);
          if (want != got)
            o.failures.push_back(where + ": expected " + shown(want) + ", got " + shown(got) + missing_note(md ? md->missing : ent->missing));
        } else if (x.expect_undetermined) {
          bool undetermined = kind == DecisionKind::Undetermined || kind == DecisionKind::AmountUndetermined ||
                              (kind == DecisionKind::ChoiceNeeded && !(md ? md->amount_known : ent->option_amount_known));
          if (!undetermined)
            o.failures.push_back(where + ": expected undetermined, got " +
                                 (kind == DecisionKind::Granted ? (md ? md->amount : ent->amount).to_fixed(2) : std::string(decision_kind_name(kind)) + " (0.00)"));
        } else {
          Rational want = expected_number(rs, x.value);
          std::optional<Rational> got;
          if (kind == DecisionKind::Granted) got = md ? md->amount : ent->amount;
          else if (kind == DecisionKind::ChoiceNeeded && (md ? md->amount_known : ent->option_amount_known))
            got = md ? md->amount : ent->option_amount;  // the amount if chosen
          else if (kind == DecisionKind::NotGranted || kind == DecisionKind::Excluded) got = Rational(0);
          if (!x.member.empty() && !member_level && kind == DecisionKind::Granted)  // the member's equal share
            got = ent->members.empty() ? Rational(0) : ent->amount / Rational(std::int64_t(ent->members.size()));
          if (!got || *got != want)
            o.failures.push_back(where + ": expected " + expected_text(rs, x.value) + ", got " +
                                 (got ? got->to_fixed(2) : std::string(decision_kind_name(kind))));
        }
      }
    }
    (o.failures.empty() ? report.passed : report.failed)++;
    report.outcomes.push_back(std::move(o));
  }
  return report;
}

std::string render_test_report(const LoadedRules& loaded, const TestReport& report) {
  const ir::RuleSet& rs = *loaded.rules;
  const SourceManager& sm = loaded.sources;
  const Coverage& c = report.coverage;
  std::ostringstream out;
  for (const TestOutcome& o : report.outcomes) {
    out << (o.failures.empty() ? "PASS " : "FAIL ") << o.name << "  [" << location(sm, o.span) << "]\n";
    for (const auto& f : o.failures) out << "     " << f << '\n';
  }
  std::vector<std::string> never;
  std::size_t defs = 0, excs = 0, exc_total = 0, granted = 0, refused = 0, rows = 0, rows_total = 0, stds = 0;
  for (std::size_t d = 0; d < rs.defs.size(); ++d) {
    const auto& def = rs.defs[d];
    std::string name = rs.entities[def.entity].name + "." + def.name;
    if (c.def_evaluated[d]) ++defs;
    else never.push_back("definition " + name + "  [" + location(sm, def.span) + "]");
    for (std::size_t i = 0; i < def.exceptions.size(); ++i, ++exc_total) {
      if (c.def_exception_applied[d][i]) ++excs;
      else never.push_back("exception " + def.exceptions[i].name + " of " + name + "  [" + location(sm, def.exceptions[i].span) + "]");
    }
  }
  for (std::size_t p = 0; p < rs.programs.size(); ++p) {
    const auto& pd = rs.programs[p];
    if (c.program_granted[p]) ++granted;
    else never.push_back("program " + pd.name + " never granted  [" + location(sm, pd.span) + "]");
    if (c.program_refused[p]) ++refused;
    else never.push_back("program " + pd.name + " never refused  [" + location(sm, pd.span) + "]");
    for (std::size_t i = 0; i < pd.exceptions.size(); ++i, ++exc_total) {
      if (c.program_exception_applied[p][i]) ++excs;
      else never.push_back("exception " + pd.exceptions[i].name + " of program " + pd.name + "  [" + location(sm, pd.exceptions[i].span) + "]");
    }
  }
  for (std::size_t t = 0; t < rs.tables.size(); ++t)
    for (std::size_t r = 0; r < rs.tables[t].rows.size(); ++r, ++rows_total) {
      if (c.table_row_hit[t][r]) ++rows;
      else never.push_back("row " + std::to_string(r + 1) + " of table " + rs.tables[t].name + "  [" + location(sm, rs.tables[t].row_spans[r]) + "]");
    }
  for (std::size_t s = 0; s < rs.standards.size(); ++s) {
    if (c.standard_used[s]) ++stds;
    else never.push_back("standard " + rs.standards[s].name + "  [" + location(sm, rs.standards[s].span) + "]");
  }
  out << "coverage: definitions " << defs << "/" << rs.defs.size() << ", exceptions " << excs << "/" << exc_total
      << ", programs granted " << granted << "/" << rs.programs.size() << " and refused " << refused << "/"
      << rs.programs.size() << ", table rows " << rows << "/" << rows_total << ", standards " << stds << "/"
      << rs.standards.size() << '\n';
  if (!never.empty()) {
    out << "never exercised by a test:\n";
    for (const auto& n : never) out << "  " << n << '\n';
  }
  out << report.passed << " passed, " << report.failed << " failed\n";
  return out.str();
}

}  // namespace entitle
