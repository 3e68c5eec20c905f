// diff.cpp — decisions of two runs side by side; costs per month and per year; the cause of each change from the two
// decisions' explanation trees (each run's rule set, each run's record version); the report as HTML pages and CSVs.
#include "engine/casework/diff.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "engine/base/json_tree.hpp"
#include "engine/explain/render.hpp"
#include "engine/casework/batch.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/storage/storage.hpp"
#include "engine/values/rounding.hpp"

namespace entitle {

// ====================================================================== small helpers

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string money_text(const Rational& r) { return round_to(r, RoundUnit::Fen, RoundMode::HalfUp).to_fixed(2); }

std::string signed_money(const Rational& r) { return (r.sign() > 0 ? "+" : "") + money_text(r); }

const char* change_label(Change c) {
  switch (c) {
    case Change::NewlyEligible: return "新增享受";
    case Change::NoLongerEligible: return "不再享受";
    case Change::Increased: return "金额增加";
    case Change::Decreased: return "金额减少";
    case Change::Unchanged: return "不变";
    case Change::Undetermined: return "无法确定";
  }
  return "";
}

namespace {

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string joined(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

const char* per_label(const std::string& per) {
  if (per == "month") return "按月";
  if (per == "semester") return "按学期";
  if (per == "year") return "按年";
  if (per == "once") return "一次性";
  return "";
}

std::string kind_label(const std::optional<DecisionKind>& k) {
  return decision_kind_label(k ? *k : DecisionKind::NotGranted);
}

std::string short_hash(const std::string& h) { return h.size() > 19 ? h.substr(0, 19) + "…" : h; }

std::unique_ptr<LoadedRules> rules_of(Storage& db, const std::string& hash) { return stored_rules(db, hash); }


// ====================================================================== explanation trees side by side

std::string node_name(const ir::RuleSet& rs, const TraceNode& n) {
  switch (n.kind) {
    case TraceNode::Kind::Program: return rs.programs[n.index].name;
    case TraceNode::Kind::Definition: return rs.entities[rs.defs[n.index].entity].name + "." + rs.defs[n.index].name;
    case TraceNode::Kind::Standard: return rs.standards[n.index].name;
  }
  return "";
}

std::string node_label(const ir::RuleSet& rs, const TraceNode& n) {
  switch (n.kind) {
    case TraceNode::Kind::Program: return rs.programs[n.index].label;
    case TraceNode::Kind::Definition: return rs.defs[n.index].label;
    case TraceNode::Kind::Standard: return rs.standards[n.index].label;
  }
  return "";
}

/// What identifies a node across two rule sets: its kind, rule name and subject (member path, or standard key).
std::string node_key(const ir::RuleSet& rs, const TraceNode& n) {
  return std::to_string(static_cast<int>(n.kind)) + ":" + node_name(rs, n) + "@" + n.subject;
}

/// The rule's own text, to tell whether the rule itself was edited between the rule sets.
std::string rule_text(const LoadedRules& l, const TraceNode& n) {
  const ir::RuleSet& rs = *l.rules;
  switch (n.kind) {
    case TraceNode::Kind::Program: return collapse_whitespace(l.sources.slice(rs.programs[n.index].span));
    case TraceNode::Kind::Definition: return collapse_whitespace(l.sources.slice(rs.defs[n.index].span));
    case TraceNode::Kind::Standard: return collapse_whitespace(l.sources.slice(rs.standards[n.index].span));
  }
  return "";
}

/// A value as a county office reads it.
std::string shown_value(const std::string& v) {
  if (v == "true") return "是";
  if (v == "false") return "否";
  if (v == "undetermined") return "待定";
  if (v == "not eligible") return "不符合";
  if (v == "eligible") return "符合";
  if (v == "(absent)") return "未填写";
  if (v == "(present)") return "已填写";
  if (v.rfind("eligible, ", 0) == 0) return "符合, " + v.substr(10);
  if (v.empty()) return "—";
  return v;
}

/// "最低生活保障标准 [dibao_standard rural]", "计入家庭收入 [income.counted, members[P1].incomes[0]]".
std::string node_title(const ir::RuleSet& rs, const TraceNode& n) {
  std::string label = node_label(rs, n), name = node_name(rs, n);
  std::string code = name;
  if (n.kind == TraceNode::Kind::Standard) {
    if (!n.subject.empty()) code += " " + n.subject;
  } else if (!n.subject.empty() && n.subject != "household") {
    code += ", " + n.subject;
  }
  return (label.empty() ? std::string() : label + " ") + "[" + code + "]";
}

std::string route_name(const ir::RuleSet& rs, const TraceNode& n) {
  if (n.exception.empty()) return "基本规则 [base]";
  const std::vector<ir::ExceptionDef>* exs = nullptr;
  if (n.kind == TraceNode::Kind::Program) exs = &rs.programs[n.index].exceptions;
  if (n.kind == TraceNode::Kind::Definition) exs = &rs.defs[n.index].exceptions;
  if (exs)
    for (const auto& ex : *exs)
      if (ex.name == n.exception && !ex.label.empty()) return ex.label + " [" + ex.name + "]";
  return "[" + n.exception + "]";
}

const Entitlement* entitlement_of(const ir::RuleSet& rs, const HouseholdResult& r, const std::string& program) {
  for (const Entitlement& e : r.entitlements)
    if (rs.programs[e.program].name == program) return &e;
  return nullptr;
}

std::string program_title(const ir::RuleSet& rs, const std::string& name) {
  for (const auto& p : rs.programs)
    if (p.name == name) return p.label + " [" + name + "]";
  return "[" + name + "]";
}

}  // namespace

std::vector<std::string> explain_change(const LoadedRules& old_rules, const HouseholdResult& before, Month old_month,
                                        const LoadedRules& new_rules, const HouseholdResult& after, Month new_month,
                                        const std::string& program, bool record_changed, std::size_t limit) {
  const ir::RuleSet& ors = *old_rules.rules;
  const ir::RuleSet& nrs = *new_rules.rules;
  std::vector<std::string> top, found;
  std::set<std::string> said;
  auto say = [&](std::vector<std::string>& into, std::string s) {
    if (said.insert(s).second) into.push_back(std::move(s));
  };
  const Entitlement* ea = entitlement_of(ors, before, program);
  const Entitlement* eb = entitlement_of(nrs, after, program);
  if (!ea || !eb) {
    top.push_back(!eb ? "规则集中已无此项目 [" + program + "]" : "新增项目 " + program_title(nrs, program));
    return top;
  }
  // What the decision itself says changed: another program granted instead, or the members covered.
  if (eb->excluded_by != ea->excluded_by) {
    if (!eb->excluded_by.empty()) say(top, "因享受" + program_title(nrs, eb->excluded_by) + "不予重复享受 [excluded_by]");
    else say(top, "不再因享受" + program_title(ors, ea->excluded_by) + "而排除 [excluded_by]");
  }
  bool granted_a = ea->eligible && *ea->eligible, granted_b = eb->eligible && *eb->eligible;
  if (granted_a && granted_b && ea->members != eb->members)
    say(top, "享受成员 [members]: " + (ea->members.empty() ? std::string("—") : joined(ea->members)) + " → " +
                 (eb->members.empty() ? std::string("—") : joined(eb->members)));
  // Why a definition or program with no differing input has another value.
  auto cause_of = [&](const TraceNode& a, const TraceNode& b) -> std::string {
    if (rule_text(old_rules, a) != rule_text(new_rules, b)) return "（规则已修改）";
    if (record_changed) return "（家庭记录已更新）";
    if (!(old_month == new_month)) return "（规则未变，随评估月份 " + old_month.to_string() + " → " + new_month.to_string() + " 变化）";
    return "";
  };
  auto leaf = [&](const TraceNode& a, const TraceNode& b) {
    std::string s = node_title(nrs, b) + ": " + shown_value(a.value) + " → " + shown_value(b.value);
    if (b.kind == TraceNode::Kind::Standard) {
      std::string where = a.region_code == b.region_code ? b.region_code : a.region_code + " → " + b.region_code;
      if (!where.empty()) s = node_title(nrs, b) + " " + where + ": " + shown_value(a.value) + " → " + shown_value(b.value);
      if (a.effective_from != b.effective_from)
        s += " (" + (a.effective_from.empty() ? std::string("—") : a.effective_from + " 起") + " → " +
             (b.effective_from.empty() ? std::string("—") : b.effective_from + " 起") + ")";
      else if (!b.effective_from.empty())
        s += " (" + b.effective_from + " 起)";
    } else {
      s += cause_of(a, b);
    }
    say(found, s);
  };
  // Walk both trees from the program, breadth first (nearest the program first). A node equal on both sides is not
  // followed; a differing node whose inputs all agree is a leaf of the differing region, and is what changed.
  std::deque<std::pair<int, int>> queue;
  std::set<std::pair<int, int>> seen;
  std::map<std::string, int> roots_a;
  for (int id : ea->trace_nodes) roots_a.emplace(node_key(ors, before.trace[id]), id);
  std::set<std::string> roots_b;
  for (int id : eb->trace_nodes) {
    const TraceNode& nb = after.trace[id];
    std::string key = node_key(nrs, nb);
    roots_b.insert(key);
    auto it = roots_a.find(key);
    if (it != roots_a.end()) {
      if (seen.insert({it->second, id}).second) queue.emplace_back(it->second, id);
    } else if (nb.value != "not eligible") {
      say(found, "新增 " + node_title(nrs, nb) + ": " + shown_value(nb.value));  // e.g. a member who joined
    }
  }
  for (int id : ea->trace_nodes) {
    const TraceNode& na = before.trace[id];
    if (!roots_b.count(node_key(ors, na)) && na.value != "not eligible")
      say(found, "不再包括 " + node_title(ors, na) + ": " + shown_value(na.value));  // e.g. a member who left
  }
  while (!queue.empty()) {
    auto [ia, ib] = queue.front();
    queue.pop_front();
    const TraceNode& na = before.trace[ia];
    const TraceNode& nb = after.trace[ib];
    bool route_differs = na.exception != nb.exception;
    if (na.value == nb.value && !route_differs) continue;
    if (route_differs) say(found, node_title(nrs, nb) + " 认定途径: " + route_name(ors, na) + " → " + route_name(nrs, nb));
    bool inputs_differ = false;
    for (const auto& [path, value] : nb.facts)
      for (const auto& [old_path, old_value] : na.facts)
        if (old_path == path && old_value != value) {
          say(found, "家庭记录 [" + path + "]: " + shown_value(old_value) + " → " + shown_value(value));
          inputs_differ = true;
        }
    std::map<std::string, int> kids_a;
    for (int c : na.children) kids_a.emplace(node_key(ors, before.trace[c]), c);
    for (int c : nb.children) {
      auto it = kids_a.find(node_key(nrs, after.trace[c]));
      if (it == kids_a.end()) continue;  // used on one side only: a consequence of a differing condition, not a cause
      const TraceNode& ca = before.trace[it->second];
      const TraceNode& cb = after.trace[c];
      if (ca.value == cb.value && ca.exception == cb.exception) continue;
      inputs_differ = true;
      if (seen.insert({it->second, c}).second) queue.emplace_back(it->second, c);
    }
    if (!inputs_differ && !route_differs) leaf(na, nb);
  }
  std::vector<std::string> out = top;
  for (std::size_t i = 0; i < found.size() && i < limit; ++i) out.push_back(found[i]);
  if (found.size() > limit) out.push_back("…另有 " + std::to_string(found.size() - limit) + " 项差异");
  if (out.empty()) {
    // Both explanations agree although the stored decisions differ: the runs were made by another engine.
    out.push_back("重新评估两次运行未见差异：存储的决定与重新评估不一致，请用 entitle replay 核对 (re-evaluation shows no difference)");
  }
  return out;
}

namespace {

// ====================================================================== standards changed between the rule sets

struct InForce {
  std::string value, from;
};

/// The value of a standard row in force on `day`, as the report shows it: a constant in the standard's unit
/// ("480.00"), with what was written when it differs ("5760 per year"); otherwise the expression as written.
std::optional<InForce> in_force(const LoadedRules& l, const ir::Standard& st, const ir::StandardRow& row, Date day) {
  const ir::RuleSet& rs = *l.rules;
  const ir::StandardValue* found = nullptr;
  for (const ir::StandardValue& v : row.values)
    if (!(day < v.from) && (!v.until || !(*v.until < day))) found = &v;
  if (!found) return std::nullopt;
  InForce out;
  out.from = found->from.to_string();
  if (found->expr < 0) {
    out.value = "未有来源 (unsourced)";
    return out;
  }
  const ir::ExprNode& n = rs.nodes[found->expr];
  std::string written = collapse_whitespace(l.sources.slice(n.span)) + (found->given_per.empty() ? "" : " per " + found->given_per);
  if (n.op == ir::Op::Const && n.kids.empty() && (n.type.kind == ir::TypeKind::Money || n.type.kind == ir::TypeKind::Decimal ||
                                                  n.type.kind == ir::TypeKind::Integer)) {
    Rational v = n.num * found->factor;
    std::string shown = st.type.kind == ir::TypeKind::Money ? money_text(v) : v.to_string();
    // "480.00"; a value written in another unit shows what was written: "480.00 (5760 per year)".
    out.value = found->given_per.empty() && found->factor == Rational(1) ? shown : shown + " (" + written + ")";
  } else {
    out.value = written;
  }
  return out;
}

std::vector<ChangedStandard> changed_standards(const LoadedRules& old_l, Month old_month, const LoadedRules& new_l, Month new_month) {
  const ir::RuleSet& ors = *old_l.rules;
  const ir::RuleSet& nrs = *new_l.rules;
  std::vector<ChangedStandard> out;
  auto key_name = [](const ir::RuleSet& rs, const ir::Standard& s, const ir::StandardRow& row) {
    return row.key >= 0 && s.key_enum >= 0 ? rs.enums[s.key_enum].values[row.key] : std::string();
  };
  auto find_standard = [](const ir::RuleSet& rs, const std::string& name) -> const ir::Standard* {
    for (const auto& s : rs.standards)
      if (s.name == name) return &s;
    return nullptr;
  };
  std::vector<std::string> names;
  for (const auto& s : nrs.standards) names.push_back(s.name);
  for (const auto& s : ors.standards)
    if (!find_standard(nrs, s.name)) names.push_back(s.name);
  for (const std::string& name : names) {
    const ir::Standard* so = find_standard(ors, name);
    const ir::Standard* sn = find_standard(nrs, name);
    // Rows by (region, key), in the new rule set's order, then rows only the old one has.
    std::vector<std::pair<std::string, std::string>> rows;
    std::map<std::pair<std::string, std::string>, std::pair<const ir::StandardRow*, const ir::StandardRow*>> by_key;
    for (const ir::Standard* s : {sn, so}) {
      if (!s) continue;
      const ir::RuleSet& rs = s == sn ? nrs : ors;
      for (const auto& row : s->rows) {
        std::pair<std::string, std::string> k{row.region.empty() ? "all" : row.region, key_name(rs, *s, row)};
        auto& slot = by_key[k];
        if (!slot.first && !slot.second) rows.push_back(k);
        (s == sn ? slot.second : slot.first) = &row;
      }
    }
    for (const auto& k : rows) {
      auto [ro, rn] = by_key[k];
      auto before = ro ? in_force(old_l, *so, *ro, old_month.first_day()) : std::nullopt;
      auto after = rn ? in_force(new_l, *sn, *rn, new_month.first_day()) : std::nullopt;
      std::string bv = before ? before->value : "", bf = before ? before->from : "";
      std::string av = after ? after->value : "", af = after ? after->from : "";
      if (bv == av && bf == af) continue;
      ChangedStandard c;
      c.standard = name;
      c.label = sn ? sn->label : so->label;
      c.region = k.first;
      c.key = k.second;
      c.old_value = bv;
      c.old_from = bf;
      c.new_value = av;
      c.new_from = af;
      if (rn && after)
        for (const auto& v : rn->values)
          if (v.from.to_string() == af) c.cite = v.cite.empty() ? sn->cite : v.cite;
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::string describe_standard(const ChangedStandard& c) {
  auto side = [](const std::string& v, const std::string& from) { return v.empty() ? std::string("—") : v + "，" + from + " 起"; };
  return c.label + " [" + c.standard + (c.key.empty() ? "" : " " + c.key) + "] " + c.region + ": " + side(c.old_value, c.old_from) +
         " → " + side(c.new_value, c.new_from);
}

std::string describe_stale(const StaleValue& v) {
  std::string renewal = v.renewal == "yearly" ? "应每年更新" : v.renewal.empty() ? "已过更新期" : "应按 " + v.renewal + " 更新";
  return (v.label.empty() ? std::string() : v.label + " ") + "[" + v.standard + (v.key.empty() ? "" : " " + v.key) + "] " + v.region +
         ": " + v.from + " 起的取值，" + renewal;
}

// ====================================================================== the decisions of both runs

/// What the diff keeps of a stored decision: enough to classify and to cost it.
struct Decision {
  std::optional<DecisionKind> kind;  // none: no row (not granted)
  std::optional<Rational> amount;    // paid amount
  bool undetermined() const { return kind && (*kind == DecisionKind::Undetermined || *kind == DecisionKind::AmountUndetermined); }
  bool paid() const { return amount.has_value(); }
};

using Key = std::pair<std::string, std::string>;  // (household, program)

/// How one step moved a program's decision: "+40.00" between two amounts, "不符合 → 符合, 240.00" otherwise; ""
/// when the step leaves the decision as it was.
std::string step_change(const ir::RuleSet& ra, const HouseholdResult& x, const ir::RuleSet& rb, const HouseholdResult& y,
                        const std::string& program) {
  const Entitlement* a = entitlement_of(ra, x, program);
  const Entitlement* b = entitlement_of(rb, y, program);
  if (!a || !b) return "";
  DecisionKind ka = effective_kind(*a), kb = effective_kind(*b);
  if (ka == DecisionKind::Granted && kb == DecisionKind::Granted)
    return a->amount == b->amount ? std::string() : signed_money(b->amount - a->amount);
  auto text = [](DecisionKind k, const Entitlement& e) {
    return std::string(decision_kind_label(k)) + (k == DecisionKind::Granted ? ", " + e.amount.to_fixed(2) : "");
  };
  std::string ta = text(ka, *a), tb = text(kb, *b);
  return ta == tb ? std::string() : ta + " → " + tb;
}

/// The households whose reasons are needed, evaluated again with explanations under both runs.
struct ReasonJob {
  std::string household, record_a, record_b;
  bool record_changed = false;
  std::vector<std::size_t> changes;  // indices into DiffReport::changes
};

void explain_jobs(std::vector<ReasonJob>& jobs, DiffReport& rep, const LoadedRules& old_rules, const LoadedRules& new_rules,
                  Month old_month, Month new_month) {
  Evaluator ev_old(*old_rules.rules), ev_new(*new_rules.rules);
  std::atomic<std::size_t> next{0};
  auto work = [&]() {
    EvalScratch scratch_old, scratch_new;
    for (std::size_t j; (j = next++) < jobs.size();) {
      ReasonJob& job = jobs[j];
      std::vector<std::string> failure;
      auto load = [&](const LoadedRules& l, const std::string& text, Household& hh) {
        std::string error;
        auto json = parse_json(text, error);
        std::vector<InputError> errors;
        if (!json) {
          failure.push_back("记录不是有效的 JSON (stored record is not valid JSON): " + error);
          return false;
        }
        if (!load_household(*l.rules, *json, "household " + job.household, hh, errors)) {
          std::string all;
          for (const auto& e : errors) all += (all.empty() ? "" : "; ") + e.to_string();
          failure.push_back("记录在规则集 " + short_hash(l.rules->hash) + " 下无法读取: " + all);
          return false;
        }
        return true;
      };
      Household ha, hb, ha_new;
      bool ok = load(old_rules, job.record_a, ha) && load(new_rules, job.record_b, hb);
      // When both the record and the rules (or the month) changed, the change is split in two steps, each explained
      // on its own: the earlier record under the later rules and month, then the later record. So a decrease is
      // labelled by what made it go down, even when a standard rose at the same time.
      bool rules_moved = old_rules.rules->hash != new_rules.rules->hash || !(old_month == new_month);
      bool split = ok && job.record_changed && rules_moved;
      HouseholdResult ra, rb, rm;
      if (split) {
        std::vector<std::string> saved = failure;
        split = load(new_rules, job.record_a, ha_new);
        failure = saved;  // the earlier record not loading under the later rules only means no split
      }
      if (ok) {
        try {
          ra = ev_old.evaluate(ha, old_month, true, nullptr, scratch_old);
          rb = ev_new.evaluate(hb, new_month, true, nullptr, scratch_new);
          if (split) rm = ev_new.evaluate(ha_new, new_month, true, nullptr, scratch_new);
        } catch (const std::exception& e) {
          failure.push_back(std::string("重新评估失败: ") + e.what());
          ok = false;
        }
      }
      const char* rules_step = old_rules.rules->hash == new_rules.rules->hash ? "评估月份变化"
                               : old_month == new_month                      ? "规则/标准变化"
                                                                             : "规则/标准与评估月份变化";
      for (std::size_t idx : job.changes) {
        ChangedHousehold& ch = rep.changes[idx];
        if (!ok) {
          ch.reasons = failure;
        } else if (!split) {
          ch.reasons = explain_change(old_rules, ra, old_month, new_rules, rb, new_month, ch.program, job.record_changed);
        } else {
          ch.reasons.clear();
          auto step = [&](const char* what, const LoadedRules& la, const HouseholdResult& x, Month mx, const HouseholdResult& y,
                          bool record) {
            std::string moved = step_change(*la.rules, x, *new_rules.rules, y, ch.program);
            if (moved.empty()) return;  // this step does not move this decision
            for (std::string& r : explain_change(la, x, mx, new_rules, y, new_month, ch.program, record))
              ch.reasons.push_back(std::string(what) + " (" + moved + "): " + r);
          };
          step(rules_step, old_rules, ra, old_month, rm, false);
          step("家庭记录变化", new_rules, rm, new_month, rb, true);
          if (ch.reasons.empty())
            ch.reasons = explain_change(old_rules, ra, old_month, new_rules, rb, new_month, ch.program, job.record_changed);
        }
        if (ch.offset) ch.reasons.insert(ch.reasons.begin(), "补差随本户其他待遇增加而减少，家庭合计未减少");
        ch.reason = joined(ch.reasons, "; ");
      }
    }
  };
  unsigned threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  if (jobs.size() < 64) threads = 1;
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace

std::unique_ptr<LoadedRules> stored_rules(Storage& db, const std::string& hash) {
  auto sources = db.rulesets().sources(hash);
  if (sources.empty()) throw StorageError("the rule set " + hash + " of this run is not in the case database '" + db.location() + "'");
  auto loaded = load_rules_from_texts(sources);
  if (!loaded->rules) {
    auto ds = loaded->diagnostics.sorted();
    throw StorageError("the rule set " + hash + " stored in the case database '" + db.location() + "' no longer checks" +
                       (ds.empty() ? std::string() : ": " + clip_text(ds.front().message, 200, false)));
  }
  return loaded;
}

RunPrograms::RunPrograms(Storage& db, std::int64_t run, const ir::RuleSet& rs) : db_(db), run_(run) {
  for (const auto& p : rs.programs) {
    per_[p.name] = ir::period_name(p.period);
    names_ += (names_.empty() ? "" : ", ") + p.name;
  }
}

void RunPrograms::check(const StoredDecision& d) const {
  std::string key = "(run " + std::to_string(run_) + ", household " + d.household + ", " + d.period + ", " + d.program + ")";
  auto it = per_.find(d.program);
  if (it == per_.end())
    throw db_.damaged("decisions", key, "program", "a program of the run's rule set (" + names_ + ")", "'" + d.program + "'");
  if (it->second != d.per)
    throw db_.damaged("decisions", key, "per", "'" + it->second + "', what " + d.program + " is paid per", "'" + d.per + "'");
}

DiffReport diff_runs(Storage& db, std::int64_t from_run, std::int64_t to_run) {
  RunRepository& runs = db.runs();
  HouseholdRepository& households = db.households();
  auto a = runs.require(from_run), b = runs.require(to_run);
  DiffReport rep;
  rep.from_run = from_run;
  rep.to_run = to_run;
  rep.from_ruleset = a.ruleset;
  rep.to_ruleset = b.ruleset;
  // The latest month both runs cover; otherwise each run's last month.
  std::string common = std::min(a.period_to, b.period_to);
  if (common >= std::max(a.period_from, b.period_from)) rep.from_period = rep.to_period = common;
  else rep.from_period = a.period_to, rep.to_period = b.period_to;
  Month old_month = *Month::parse(rep.from_period), new_month = *Month::parse(rep.to_period);
  auto old_rules = rules_of(db, a.ruleset);
  auto new_rules = rules_of(db, b.ruleset);
  const ir::RuleSet& ors = *old_rules->rules;
  const ir::RuleSet& nrs = *new_rules->rules;
  for (const ir::RuleSet* rs : {&ors, &nrs})
    for (const auto& r : rs->regions) rep.township_names[r.code.size() == 12 ? r.code.substr(0, 9) : r.code] = r.name;
  auto add_program = [&](const ir::RuleSet& rs, const ir::ProgramDef& p) {
    if (rep.programs.count(p.name)) return;
    rep.program_order.push_back(p.name);
    ProgramSummary& s = rep.programs[p.name];
    s.program = p.name;
    s.label = p.label;
    s.per = ir::period_name(p.period);
    (void)rs;
  };
  for (int p : nrs.program_order) add_program(nrs, nrs.programs[p]);
  for (int p : ors.program_order) add_program(ors, ors.programs[p]);
  rep.changed_standards = changed_standards(*old_rules, old_month, *new_rules, new_month);

  auto done_a = runs.finished_households(from_run), done_b = runs.finished_households(to_run);
  for (const auto& [id, hash] : done_a) {
    auto it = done_b.find(id);
    if (it == done_b.end()) ++rep.only_in_from;
    else {
      ++rep.households_compared;
      if (it->second != hash) ++rep.records_changed;
    }
  }
  for (const auto& kv : done_b)
    if (!done_a.count(kv.first)) ++rep.only_in_to;
  auto townships = households.townships();
  auto township_of_household = [&](const std::string& id) {
    auto it = townships.find(id);
    return it == townships.end() ? std::string() : it->second;
  };
  auto summary = [&](const std::string& program, const std::string& per) -> ProgramSummary& {
    auto it = rep.programs.find(program);
    if (it == rep.programs.end()) {
      rep.program_order.push_back(program);
      ProgramSummary& s = rep.programs[program];
      s.program = s.label = program;
      s.per = per;
      return s;
    }
    return it->second;
  };

  std::map<Key, Decision> olds, news;
  std::map<std::string, std::map<std::string, std::int64_t>> missing;  // program → fact → count (later run)
  RunPrograms programs_a(db, from_run, ors), programs_b(db, to_run, nrs);
  runs.for_each_decision(from_run, rep.from_period, rep.from_period, [&](const StoredDecision& d) {
    programs_a.check(d);
    if (!done_a.count(d.household) || !done_b.count(d.household)) return;
    ProgramSummary& s = summary(d.program, d.per);
    Decision& x = olds[{d.household, d.program}];
    x.kind = d.kind;
    if (d.paid()) x.amount = *d.amount, ++s.paid_before, s.before = s.before + *d.amount;
    if (d.kind == DecisionKind::Undetermined) ++s.undetermined_before;
    if (d.kind == DecisionKind::AmountUndetermined) ++s.amount_unknown_before;
  });
  std::map<Key, std::pair<std::vector<std::string>, bool>> later_flags;  // review reasons, provisional
  runs.for_each_decision(to_run, rep.to_period, rep.to_period, [&](const StoredDecision& d) {
    programs_b.check(d);
    if (!done_b.count(d.household)) return;
    if (!d.review.empty() || !d.stale.empty()) {
      ReviewCase rc;
      rc.household = d.household;
      rc.township = township_of_household(d.household);
      rc.program = d.program;
      rc.kind = d.kind;
      rc.per = d.per;
      if (d.paid()) rc.amount = d.amount->to_fixed(2);
      rc.reasons = d.review;
      rc.stale = d.stale;
      if (!d.review.empty()) rep.review.push_back(rc);
      if (!d.stale.empty()) rep.provisional.push_back(std::move(rc));
      later_flags[{d.household, d.program}] = {d.review, !d.stale.empty()};
    }
    if (!done_a.count(d.household)) return;  // costs and changes: households finished in both runs
    ProgramSummary& s = summary(d.program, d.per);
    Decision& x = news[{d.household, d.program}];
    x.kind = d.kind;
    if (d.paid()) x.amount = *d.amount, ++s.paid_after, s.after = s.after + *d.amount;
    switch (d.kind) {
      case DecisionKind::Undetermined: ++s.undetermined_after; break;
      case DecisionKind::AmountUndetermined: ++s.amount_unknown_after; break;
      case DecisionKind::Excluded: ++s.excluded_after; break;
      case DecisionKind::ChoiceNeeded: ++s.choice_needed_after; break;
      case DecisionKind::Granted: s.partly_unknown_after += d.missing.empty() ? 0 : 1; break;
      case DecisionKind::NotGranted: break;
    }
    if (!d.review.empty()) ++s.review_after;
    if (!d.stale.empty()) ++s.provisional_after;
    for (const std::string& f : d.missing) ++missing[d.program][f];
  });
  for (auto& [program, facts] : missing) {
    auto& top = rep.programs[program].top_missing;
    for (const auto& kv : facts) top.push_back(kv);
    std::stable_sort(top.begin(), top.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
    if (top.size() > 3) top.resize(3);
  }
  // Stale values: how many later decisions each one makes provisional.
  {
    std::map<std::string, std::int64_t> counts;
    std::vector<std::string> order;
    for (const ReviewCase& rc : rep.provisional)
      for (const StaleValue& v : rc.stale) {
        std::string d = describe_stale(v);
        if (!counts.count(d)) order.push_back(d);
        ++counts[d];
      }
    std::sort(order.begin(), order.end());
    for (const auto& d : order) rep.stale_values.emplace_back(d, counts[d]);
  }
  // Totals per year (and once).
  for (const auto& [name, s] : rep.programs) {
    if (s.once()) {
      rep.once_before = rep.once_before + s.before;
      rep.once_after = rep.once_after + s.after;
    } else {
      rep.annual_before = rep.annual_before + annual_amount(s.before, s.per).value_or(Rational(0));
      rep.annual_after = rep.annual_after + annual_amount(s.after, s.per).value_or(Rational(0));
    }
  }

  // Classify every household × program with a row in either run.
  std::set<Key> keys;
  for (const auto& kv : olds) keys.insert(kv.first);
  for (const auto& kv : news) keys.insert(kv.first);
  std::map<std::string, std::vector<std::size_t>> to_explain;  // household → its changes
  for (const Key& key : keys) {
    const auto& [hid, program] = key;
    auto o = olds.find(key), n = news.find(key);
    Decision od = o == olds.end() ? Decision{} : o->second, nd = n == news.end() ? Decision{} : n->second;
    Change c;
    if (od.undetermined() || nd.undetermined()) c = Change::Undetermined;
    else if (!od.paid() && nd.paid()) c = Change::NewlyEligible;
    else if (od.paid() && !nd.paid()) c = Change::NoLongerEligible;
    else if (od.paid() && *nd.amount > *od.amount) c = Change::Increased;
    else if (od.paid() && *nd.amount < *od.amount) c = Change::Decreased;
    else c = Change::Unchanged;
    ProgramSummary& s = rep.programs[program];
    Rational delta = (nd.paid() && !nd.undetermined() ? *nd.amount : Rational(0)) - (od.paid() && !od.undetermined() ? *od.amount : Rational(0));
    if (c == Change::Undetermined) delta = Rational(0);
    std::optional<Rational> annual = annual_amount(delta, s.per);
    std::string tw = township_of_household(hid);
    for (ChangeCounts* cc : {&s.changes, &rep.by_township[tw][program]}) {
      ++cc->count[static_cast<int>(c)];
      cc->delta = cc->delta + delta;
      if (annual) cc->annual_delta = cc->annual_delta + *annual;
      else cc->once_delta = cc->once_delta + delta;
    }
    if (c == Change::Unchanged) continue;
    // Undetermined in both runs the same way (e.g. a standard still not entered) is not a change to list.
    if (c == Change::Undetermined && od.kind == nd.kind) continue;
    ChangedHousehold ch;
    ch.household = hid;
    ch.township = tw;
    ch.program = program;
    ch.change = c;
    ch.per = s.per;
    ch.old_kind = od.kind;
    ch.new_kind = nd.kind;
    if (od.paid()) ch.old_amount = od.amount->to_fixed(2);
    if (nd.paid()) ch.new_amount = nd.amount->to_fixed(2);
    ch.delta_value = delta;
    if (c != Change::Undetermined) {
      ch.delta = signed_money(delta);
      if (annual) ch.annual_delta = signed_money(*annual);
    }
    auto flags = later_flags.find(key);
    if (flags != later_flags.end()) ch.review = flags->second.first, ch.provisional = flags->second.second;
    to_explain[hid].push_back(rep.changes.size());
    rep.changes.push_back(std::move(ch));
  }

  // A decrease matched by the same household's increases (a 补差 that shrinks as 低保 grows) is no loss.
  for (const auto& [hid, idx] : to_explain) {
    Rational household_delta;
    bool any_decrease = false;
    for (std::size_t i : idx) {
      const ChangedHousehold& c = rep.changes[i];
      if (c.change == Change::Undetermined) continue;
      if (auto annual = annual_amount(c.delta_value, c.per)) household_delta = household_delta + *annual;
      any_decrease = any_decrease || c.change == Change::Decreased;
    }
    if (!any_decrease || household_delta.sign() < 0) continue;
    for (std::size_t i : idx)
      if (rep.changes[i].change == Change::Decreased) rep.changes[i].offset = true;
  }

  // The cause of each change: both decisions explained again, each with its run's rule set and record version.
  std::vector<ReasonJob> jobs;
  auto flush = [&]() {
    explain_jobs(jobs, rep, *old_rules, *new_rules, old_month, new_month);
    jobs.clear();
  };
  for (auto& [hid, idx] : to_explain) {
    ReasonJob job;
    job.household = hid;
    job.changes = std::move(idx);
    const std::string& hash_a = done_a.at(hid);
    const std::string& hash_b = done_b.at(hid);
    auto record_a = households.record_version(hid, hash_a);
    if (!record_a)
      throw StorageError("the record version " + hash_a.substr(0, 12) + "… of household " + hid + " used by run " +
                         std::to_string(from_run) + " is not in the case database '" + db.location() + "'");
    job.record_a = std::move(*record_a);
    job.record_changed = hash_a != hash_b;
    if (job.record_changed) {
      auto record_b = households.record_version(hid, hash_b);
      if (!record_b)
        throw StorageError("the record version " + hash_b.substr(0, 12) + "… of household " + hid + " used by run " +
                           std::to_string(to_run) + " is not in the case database '" + db.location() + "'");
      job.record_b = std::move(*record_b);
    } else {
      job.record_b = job.record_a;
    }
    jobs.push_back(std::move(job));
    if (jobs.size() >= 2000) flush();
  }
  flush();
  return rep;
}

// ====================================================================== text

namespace {

std::string program_heading(const DiffReport& r, const std::string& program) {
  auto it = r.programs.find(program);
  std::string label = it == r.programs.end() ? program : it->second.label;
  return label == program ? "[" + program + "]" : label + " [" + program + "]";
}

/// Monthly figures of a program: its amounts per month (monthly), or its annual amounts spread over 12 months.
Rational monthly_of(const Rational& per_period, const std::string& per) {
  auto annual = annual_amount(per_period, per);
  return annual ? *annual / Rational(12) : Rational(0);
}

bool is_loser(const ChangedHousehold& c) {
  return c.change == Change::NoLongerEligible || (c.change == Change::Decreased && !c.offset);
}

}  // namespace

std::string render_diff_text(const DiffReport& r) {
  std::ostringstream o;
  o << "影响报告: 运行 " << r.from_run << " (" << r.from_period << ", 规则集 " << short_hash(r.from_ruleset) << ") → 运行 " << r.to_run
    << " (" << r.to_period << ", 规则集 " << short_hash(r.to_ruleset) << ")\n";
  o << "比较家庭 " << r.households_compared << " 户; 记录有更新 " << r.records_changed << " 户; 仅在一次运行中 "
    << r.only_in_from + r.only_in_to << " 户 (未比较)\n";
  o << "调整的标准 (" << r.to_period << " 起适用的取值):" << (r.changed_standards.empty() ? " 无\n" : "\n");
  for (const auto& c : r.changed_standards) o << "  " << describe_standard(c) << '\n';
  o << "支出 (金额已确定的决定, 元; 按学期 ×2、按年 ×1 折合全年, 全年 ÷12 折合每月):\n";
  for (const std::string& p : r.program_order) {
    const ProgramSummary& s = r.programs.at(p);
    std::int64_t open_before = s.undetermined_before + s.amount_unknown_before, open_after = s.undetermined_after + s.amount_unknown_after;
    if (s.once() || (s.paid_before == 0 && s.paid_after == 0 && open_before == 0 && open_after == 0)) continue;
    Rational ab = annual_amount(s.before, s.per).value_or(0), aa = annual_amount(s.after, s.per).value_or(0);
    o << "  " << program_heading(r, p) << " " << per_label(s.per) << ": 享受 " << s.paid_before << " → " << s.paid_after << " 户";
    if (open_before || open_after) o << " (另有待定 " << open_before << " → " << open_after << " 户, 不计入)";
    // A side none of whose decisions has a known amount is 待定, not 0.00.
    bool unknown_before = s.paid_before == 0 && open_before > 0, unknown_after = s.paid_after == 0 && open_after > 0;
    auto amount = [](const Rational& v, bool unknown) { return unknown ? std::string("待定") : money_text(v); };
    auto change = [&](const Rational& v) { return unknown_before || unknown_after ? std::string("待定") : signed_money(v); };
    o << "; 每月 " << amount(monthly_of(s.before, s.per), unknown_before) << " → " << amount(monthly_of(s.after, s.per), unknown_after) << " ("
      << change(monthly_of(s.after, s.per) - monthly_of(s.before, s.per)) << "); 全年 " << amount(ab, unknown_before) << " → "
      << amount(aa, unknown_after) << " (" << change(aa - ab) << ")\n";
  }
  o << "  合计: 每月 " << money_text(r.monthly_before()) << " → " << money_text(r.monthly_after()) << " ("
    << signed_money(r.monthly_after() - r.monthly_before()) << "); 全年 " << money_text(r.annual_before) << " → " << money_text(r.annual_after)
    << " (" << signed_money(r.annual_after - r.annual_before) << ")\n";
  bool any_once = false;
  for (const std::string& p : r.program_order) {
    const ProgramSummary& s = r.programs.at(p);
    if (!s.once() || (s.paid_before == 0 && s.paid_after == 0)) continue;
    if (!any_once) o << "一次性发放 (不计入每月、全年合计):\n";
    any_once = true;
    o << "  " << program_heading(r, p) << ": 享受 " << s.paid_before << " → " << s.paid_after << " 户; " << money_text(s.before) << " → "
      << money_text(s.after) << " (" << signed_money(s.after - s.before) << ")\n";
  }
  o << "变化户数:\n";
  for (const std::string& p : r.program_order) {
    const ChangeCounts& cc = r.programs.at(p).changes;
    std::int64_t any = 0;
    for (int i = 0; i < 6; ++i) any += cc.count[i];
    if (!any) continue;
    o << "  " << program_heading(r, p) << ":";
    for (int i = 0; i < 6; ++i) o << (i ? ", " : " ") << change_label(static_cast<Change>(i)) << ' ' << cc.count[i];
    o << '\n';
  }
  bool any_undetermined = false;
  for (const std::string& p : r.program_order) {
    const ProgramSummary& s = r.programs.at(p);
    if (!s.undetermined_before && !s.undetermined_after && !s.amount_unknown_before && !s.amount_unknown_after && !s.partly_unknown_after &&
        !s.choice_needed_after)
      continue;
    if (!any_undetermined) o << "待定 (不计入金额):\n";
    any_undetermined = true;
    o << "  " << program_heading(r, p) << ": 资格待定 " << s.undetermined_before << " → " << s.undetermined_after << ", 金额待定 "
      << s.amount_unknown_before << " → " << s.amount_unknown_after;
    if (s.partly_unknown_after) o << ", 部分成员待定 " << s.partly_unknown_after;
    if (s.choice_needed_after) o << ", 需选择其一 " << s.choice_needed_after;
    if (!s.top_missing.empty()) {
      o << "; 最常缺少:";
      for (std::size_t i = 0; i < s.top_missing.size(); ++i)
        o << (i ? "," : "") << ' ' << s.top_missing[i].first << " (" << s.top_missing[i].second << ")";
    }
    o << '\n';
  }
  std::int64_t losers = std::count_if(r.changes.begin(), r.changes.end(), is_loser);
  o << "减少或停发: " << losers << " 项; 全部变化 " << r.changes.size() << " 项\n";
  o << "需复核: " << r.review.size() << " 项; 临时决定 (使用逾期未更新的标准): " << r.provisional.size() << " 项\n";
  for (const auto& [what, n] : r.stale_values) o << "  " << n << " × " << what << '\n';
  return o.str();
}

// ====================================================================== HTML and CSV

namespace {

constexpr std::size_t kPageRows = 200;

const char* kStyle =
    "<style>body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;max-width:80em;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:.6em 0 1.4em;font-size:.9em}th,td{border:1px solid #bbb;padding:.25em .55em;vertical-align:top}"
    "th{background:#eef2f6}td.n{text-align:right;white-space:nowrap}.up{color:#1a7f37}.down{color:#b42318}.note{color:#555;font-size:.9em}"
    "nav a{margin-right:.8em}code{font-size:.9em}</style>";

std::string page_head(const std::string& title) {
  return "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + html_escape(title) + "</title>" + kStyle +
         "</head><body>";
}

std::string tname(const DiffReport& r, const std::string& code) {
  auto it = r.township_names.find(code);
  return it == r.township_names.end() ? code : it->second;
}

std::string plabel(const DiffReport& r, const std::string& p) {
  auto it = r.programs.find(p);
  return it == r.programs.end() ? p : it->second.label;
}

std::string money_cell(const Rational& v, bool sign = false) {
  return std::string("<td class=\"n") + (sign ? (v.sign() > 0 ? " up" : v.sign() < 0 ? " down" : "") : "") + "\">" +
         (sign ? signed_money(v) : money_text(v)) + "</td>";
}

std::string change_row(const DiffReport& r, const ChangedHousehold& c) {
  std::ostringstream h;
  h << "<tr><td>" << html_escape(c.household) << "</td><td>" << html_escape(tname(r, c.township)) << "</td><td>"
    << html_escape(plabel(r, c.program)) << " <code>" << html_escape(c.program) << "</code></td><td>" << change_label(c.change) << "</td><td>"
    << html_escape(kind_label(c.old_kind)) << "</td><td>" << html_escape(kind_label(c.new_kind)) << "</td><td class=n>" << c.old_amount
    << "</td><td class=n>" << c.new_amount << "</td><td class=n>" << c.delta << "</td><td class=n>" << c.annual_delta << "</td><td>";
  for (std::size_t i = 0; i < c.reasons.size(); ++i) h << (i ? "<br>" : "") << html_escape(c.reasons[i]);
  if (!c.review.empty()) h << "<br><b>需复核:</b> " << html_escape(joined(c.review, "; "));
  if (c.provisional) h << "<br><b>临时决定</b> (使用逾期未更新的标准)";
  h << "</td></tr>";
  return h.str();
}

const char* kChangeHeader =
    "<tr><th>家庭</th><th>乡镇</th><th>项目</th><th>变化</th><th>原决定</th><th>新决定</th><th>原金额</th><th>新金额</th><th>差额 (每期)</th>"
    "<th>全年差额</th><th>原因</th></tr>";

std::string review_row(const DiffReport& r, const ReviewCase& c, bool stale) {
  std::ostringstream h;
  h << "<tr><td>" << html_escape(c.household) << "</td><td>" << html_escape(tname(r, c.township)) << "</td><td>" << html_escape(plabel(r, c.program))
    << " <code>" << html_escape(c.program) << "</code></td><td>" << html_escape(decision_kind_label(c.kind)) << "</td><td class=n>" << c.amount
    << (c.amount.empty() ? "" : std::string(" ") + per_label(c.per)) << "</td><td>";
  if (stale)
    for (std::size_t i = 0; i < c.stale.size(); ++i) h << (i ? "<br>" : "") << html_escape(describe_stale(c.stale[i]));
  else
    for (std::size_t i = 0; i < c.reasons.size(); ++i) h << (i ? "<br>" : "") << html_escape(c.reasons[i]);
  h << "</td></tr>";
  return h.str();
}

const char* kReviewHeader = "<tr><th>家庭</th><th>乡镇</th><th>项目</th><th>决定</th><th>金额</th><th>原因</th></tr>";

/// Writes `rows` as pages NAME-1.html, NAME-2.html… of kPageRows rows each (at least one page), with links between
/// them; returns the links to every page, for the main report.
template <typename T, typename Row>
std::string write_pages(const std::filesystem::path& dir, const std::string& name, const std::string& title, const char* header,
                        const std::vector<const T*>& rows, Row row) {
  std::size_t pages = std::max<std::size_t>(1, (rows.size() + kPageRows - 1) / kPageRows);
  auto file = [&](std::size_t p) { return name + "-" + std::to_string(p) + ".html"; };
  for (std::size_t p = 1; p <= pages; ++p) {
    std::ostringstream h;
    std::size_t first = (p - 1) * kPageRows, last = std::min(rows.size(), p * kPageRows);
    h << page_head(title + " (" + std::to_string(p) + "/" + std::to_string(pages) + ")") << "<nav><a href=\"report.html\">返回报告</a>";
    if (p > 1) h << "<a href=\"" << file(p - 1) << "\">上一页</a>";
    if (p < pages) h << "<a href=\"" << file(p + 1) << "\">下一页</a>";
    h << "</nav><h1>" << html_escape(title) << "</h1><p>共 " << rows.size() << " 项; 第 " << p << "/" << pages << " 页, 第 "
      << (rows.empty() ? 0 : first + 1) << "–" << last << " 项。</p><table>" << header;
    for (std::size_t i = first; i < last; ++i) h << row(*rows[i]);
    h << "</table></body></html>\n";
    std::ofstream(dir / file(p), std::ios::binary) << h.str();
  }
  std::ostringstream links;
  links << "<p class=note>全部 " << rows.size() << " 项, 每页 " << kPageRows << " 项: ";
  for (std::size_t p = 1; p <= pages; ++p) links << "<a href=\"" << file(p) << "\">" << p << "</a> ";
  links << "</p>";
  return links.str();
}

void remove_old_pages(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    for (const char* prefix : {"losers-", "changes-", "review-", "provisional-"})
      if (n.rfind(prefix, 0) == 0 && e.path().extension() == ".html") {
        std::string middle = n.substr(std::string(prefix).size(), n.size() - std::string(prefix).size() - 5);
        if (!middle.empty() && std::all_of(middle.begin(), middle.end(), [](char c) { return c >= '0' && c <= '9'; })) fs::remove(e.path());
      }
  }
}

void write_changes_csv(const DiffReport& r, const std::filesystem::path& file, const std::vector<const ChangedHousehold*>& rows) {
  std::ofstream out(file, std::ios::binary);
  out << kCsvBom << "家庭编号,乡镇代码,乡镇,项目代码,项目,变化,原决定,新决定,发放周期,原金额,新金额,差额(每期),全年差额,原因,需复核原因,临时决定\r\n";
  for (const ChangedHousehold* c : rows)
    out << csv_cell(c->household) << ',' << csv_cell(c->township) << ',' << csv_cell(tname(r, c->township)) << ',' << csv_cell(c->program) << ','
        << csv_cell(plabel(r, c->program)) << ',' << change_label(c->change) << ',' << csv_cell(kind_label(c->old_kind)) << ','
        << csv_cell(kind_label(c->new_kind)) << ',' << per_label(c->per) << ',' << c->old_amount << ',' << c->new_amount << ',' << c->delta << ','
        << c->annual_delta << ',' << csv_cell(c->reason) << ',' << csv_cell(joined(c->review, "; ")) << ',' << (c->provisional ? "是" : "")
        << "\r\n";
}

}  // namespace

std::string write_diff_report(const DiffReport& r, const std::string& dir_text) {
  namespace fs = std::filesystem;
  fs::path dir(dir_text);
  fs::create_directories(dir);
  remove_old_pages(dir);
  std::vector<const ChangedHousehold*> all, losers;
  for (const auto& c : r.changes) {
    all.push_back(&c);
    if (is_loser(c)) losers.push_back(&c);
  }
  // Losers by township, then household: how a county office hands them to the townships.
  std::stable_sort(losers.begin(), losers.end(), [](const ChangedHousehold* x, const ChangedHousehold* y) {
    return std::tie(x->township, x->household) < std::tie(y->township, y->household);
  });
  std::vector<const ReviewCase*> review, provisional;
  for (const auto& c : r.review) review.push_back(&c);
  for (const auto& c : r.provisional) provisional.push_back(&c);

  // ---------------------------------------------------------------- CSV (UTF-8 with BOM, Chinese headers)
  write_changes_csv(r, dir / "changes.csv", all);
  write_changes_csv(r, dir / "losers.csv", losers);
  {
    std::ofstream out(dir / "review.csv", std::ios::binary);
    out << kCsvBom << "类别,家庭编号,乡镇代码,乡镇,项目代码,项目,决定,金额,发放周期,原因\r\n";
    auto line = [&](const ReviewCase& c, const char* what, const std::string& reasons) {
      out << what << ',' << csv_cell(c.household) << ',' << csv_cell(c.township) << ',' << csv_cell(tname(r, c.township)) << ','
          << csv_cell(c.program) << ',' << csv_cell(plabel(r, c.program)) << ',' << csv_cell(decision_kind_label(c.kind)) << ',' << c.amount << ','
          << per_label(c.per) << ',' << csv_cell(reasons) << "\r\n";
    };
    for (const auto& c : r.review) line(c, "需复核", joined(c.reasons, "; "));
    for (const auto& c : r.provisional) {
      std::vector<std::string> what;
      for (const auto& v : c.stale) what.push_back(describe_stale(v));
      line(c, "临时决定", joined(what, "; "));
    }
  }
  {
    std::ofstream out(dir / "summary.csv", std::ios::binary);
    out << kCsvBom << "乡镇代码,乡镇,项目代码,项目,发放周期,新增享受,不再享受,金额增加,金额减少,不变,无法确定,差额(每期),全年差额\r\n";
    for (const auto& [tw, programs] : r.by_township)
      for (const std::string& p : r.program_order) {
        auto it = programs.find(p);
        if (it == programs.end()) continue;
        const ChangeCounts& cc = it->second;
        const ProgramSummary& s = r.programs.at(p);
        out << csv_cell(tw) << ',' << csv_cell(tname(r, tw)) << ',' << csv_cell(p) << ',' << csv_cell(s.label) << ',' << per_label(s.per);
        for (int i = 0; i < 6; ++i) out << ',' << cc.count[i];
        out << ',' << money_text(cc.delta) << ',' << (s.once() ? std::string() : money_text(cc.annual_delta)) << "\r\n";
      }
  }

  // ---------------------------------------------------------------- report.html
  std::ostringstream h;
  h << page_head("标准调整影响报告");
  h << "<h1>标准调整影响报告 (impact report)</h1><p>比较运行 " << r.from_run << "（" << r.from_period << "，规则集 "
    << html_escape(short_hash(r.from_ruleset)) << "）与运行 " << r.to_run << "（" << r.to_period << "，规则集 " << html_escape(short_hash(r.to_ruleset))
    << "）。比较两次运行都已完成的家庭 " << r.households_compared << " 户，其中记录有更新的 " << r.records_changed << " 户";
  if (r.only_in_from + r.only_in_to) h << "；仅在一次运行中的 " << r.only_in_from + r.only_in_to << " 户未比较";
  h << "。</p>";
  Rational monthly_delta = r.monthly_after() - r.monthly_before(), annual_delta = r.annual_after - r.annual_before;
  h << "<p>支出变化合计（金额已确定的决定）: <b>每月 " << signed_money(monthly_delta) << " 元</b>，<b>全年 " << signed_money(annual_delta)
    << " 元</b>";
  if (r.once_before != Rational(0) || r.once_after != Rational(0)) h << "；一次性发放另计 " << signed_money(r.once_after - r.once_before) << " 元";
  h << "。</p>";
  h << "<h2>调整的标准</h2>";
  if (r.changed_standards.empty()) {
    h << "<p>两个规则集在比较月份适用的标准取值相同。</p>";
  } else {
    h << "<table><tr><th>标准</th><th>地区</th><th>类别</th><th>原取值</th><th>起始日期</th><th>新取值</th><th>起始日期</th><th>依据</th></tr>";
    for (const auto& c : r.changed_standards)
      h << "<tr><td>" << html_escape(c.label) << " <code>" << html_escape(c.standard) << "</code></td><td>" << html_escape(c.region) << " "
        << html_escape(tname(r, c.region) == c.region ? "" : tname(r, c.region)) << "</td><td>" << html_escape(c.key) << "</td><td class=n>"
        << html_escape(c.old_value.empty() ? "—" : c.old_value) << "</td><td>" << c.old_from << "</td><td class=n>"
        << html_escape(c.new_value.empty() ? "—" : c.new_value) << "</td><td>" << c.new_from << "</td><td>" << html_escape(c.cite) << "</td></tr>";
    h << "</table>";
  }
  // Costs: per month and per year, before, after, change.
  h << "<h2>支出 (元)</h2><p class=note>金额已确定的决定之和。按学期发放的项目全年 ×2，按年发放的 ×1；每月数为全年 ÷12 (折合)。"
       "资格或金额待定的决定不计入，见「待定」。</p>";
  h << "<table><tr><th>项目</th><th>发放周期</th><th>原享受户数</th><th>新享受户数</th><th>待定户数 (不计入) 原→新</th><th>原每月</th>"
       "<th>新每月</th><th>每月变化</th><th>原全年</th><th>新全年</th><th>全年变化</th></tr>";
  bool any_once = false;
  for (const std::string& p : r.program_order) {
    const ProgramSummary& s = r.programs.at(p);
    if (s.once()) {
      any_once = any_once || s.paid_before || s.paid_after;
      continue;
    }
    Rational ab = annual_amount(s.before, s.per).value_or(0), aa = annual_amount(s.after, s.per).value_or(0);
    std::int64_t open_before = s.undetermined_before + s.amount_unknown_before, open_after = s.undetermined_after + s.amount_unknown_after;
    // A program none of whose decisions has a known amount costs "待定", not 0.00.
    bool unknown_before = s.paid_before == 0 && open_before > 0, unknown_after = s.paid_after == 0 && open_after > 0;
    auto cell = [&](const Rational& v, bool unknown, bool sign = false) { return unknown ? std::string("<td class=n>待定</td>") : money_cell(v, sign); };
    h << "<tr><td>" << html_escape(s.label) << " <code>" << html_escape(p) << "</code></td><td>" << per_label(s.per)
      << (s.per == "month" ? "" : " (折合)") << "</td><td class=n>" << s.paid_before << "</td><td class=n>" << s.paid_after << "</td><td class=n>"
      << open_before << " → " << open_after << "</td>" << cell(ab / Rational(12), unknown_before) << cell(aa / Rational(12), unknown_after)
      << cell(aa / Rational(12) - ab / Rational(12), unknown_before || unknown_after, true) << cell(ab, unknown_before) << cell(aa, unknown_after)
      << cell(aa - ab, unknown_before || unknown_after, true) << "</tr>";
  }
  h << "<tr><th colspan=5>合计 (已确定金额)</th>" << money_cell(r.monthly_before()) << money_cell(r.monthly_after()) << money_cell(monthly_delta, true)
    << money_cell(r.annual_before) << money_cell(r.annual_after) << money_cell(annual_delta, true) << "</tr></table>";
  if (any_once) {
    h << "<h3>一次性发放 (不计入每月、全年合计)</h3><table><tr><th>项目</th><th>原户数</th><th>新户数</th><th>原金额</th><th>新金额</th><th>变化</th></tr>";
    for (const std::string& p : r.program_order) {
      const ProgramSummary& s = r.programs.at(p);
      if (!s.once() || (!s.paid_before && !s.paid_after)) continue;
      h << "<tr><td>" << html_escape(s.label) << " <code>" << html_escape(p) << "</code></td><td class=n>" << s.paid_before << "</td><td class=n>"
        << s.paid_after << "</td>" << money_cell(s.before) << money_cell(s.after) << money_cell(s.after - s.before, true) << "</tr>";
    }
    h << "</table>";
  }
  // Undetermined: counted, with what is missing.
  h << "<h2>待定 (不计入金额)</h2><table><tr><th>项目</th><th>资格待定 原→新</th><th>金额待定 原→新</th><th>部分成员待定</th>"
       "<th>需选择其一</th><th>因享受其他待遇排除</th><th>最常缺少的信息 (新)</th></tr>";
  bool any_undetermined = false;
  for (const std::string& p : r.program_order) {
    const ProgramSummary& s = r.programs.at(p);
    if (!s.undetermined_before && !s.undetermined_after && !s.amount_unknown_before && !s.amount_unknown_after && !s.partly_unknown_after &&
        !s.choice_needed_after && !s.excluded_after)
      continue;
    any_undetermined = true;
    h << "<tr><td>" << html_escape(s.label) << " <code>" << html_escape(p) << "</code></td><td class=n>" << s.undetermined_before << " → "
      << s.undetermined_after << "</td><td class=n>" << s.amount_unknown_before << " → " << s.amount_unknown_after << "</td><td class=n>"
      << s.partly_unknown_after << "</td><td class=n>" << s.choice_needed_after << "</td><td class=n>" << s.excluded_after << "</td><td>";
    for (std::size_t i = 0; i < s.top_missing.size(); ++i)
      h << (i ? "<br>" : "") << html_escape(s.top_missing[i].first) << " (" << s.top_missing[i].second << ")";
    h << "</td></tr>";
  }
  if (!any_undetermined) h << "<tr><td colspan=7>无</td></tr>";
  h << "</table>";
  // Counts per program, with a chart.
  h << "<h2>按项目: 变化户数</h2><table><tr><th>项目</th>";
  for (int i = 0; i < 6; ++i) h << "<th>" << change_label(static_cast<Change>(i)) << "</th>";
  h << "<th>差额 (每期)</th><th>全年差额</th></tr>";
  for (const std::string& p : r.program_order) {
    const ProgramSummary& s = r.programs.at(p);
    h << "<tr><td>" << html_escape(s.label) << " <code>" << html_escape(p) << "</code></td>";
    for (int i = 0; i < 6; ++i) h << "<td class=n>" << s.changes.count[i] << "</td>";
    h << money_cell(s.changes.delta, true) << (s.once() ? "<td class=n>—</td>" : money_cell(s.changes.annual_delta, true)) << "</tr>";
  }
  h << "</table>";
  static const char* kColours[] = {"#2e7d32", "#c62828", "#66bb6a", "#ef6c00", "#90a4ae", "#7e57c2"};
  std::int64_t widest = 1;
  for (const auto& [p, s] : r.programs) {
    std::int64_t t = 0;
    for (int i = 0; i < 4; ++i) t += s.changes.count[i];  // the four real changes; undetermined stays in the table
    widest = std::max(widest, t);
  }
  int row_h = 26, chart_w = 560, label_w = 230;
  h << "<h3>变化户数 (新增、不再享受、增加、减少)</h3><svg width=\"" << label_w + chart_w + 80 << "\" height=\""
    << (r.program_order.size() + 1) * row_h + 30 << "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\">";
  int y = 10;
  for (const std::string& p : r.program_order) {
    const ProgramSummary& s = r.programs.at(p);
    h << "<text x=\"0\" y=\"" << y + 15 << "\">" << html_escape(s.label) << "</text>";
    std::int64_t x = label_w;
    for (int i = 0; i < 4; ++i) {
      if (s.changes.count[i] == 0) continue;
      std::int64_t w = std::max<std::int64_t>(1, s.changes.count[i] * chart_w / widest);
      h << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"18\" fill=\"" << kColours[i] << "\"><title>"
        << change_label(static_cast<Change>(i)) << ": " << s.changes.count[i] << "</title></rect>";
      x += w;
    }
    y += row_h;
  }
  int lx = 0;
  for (int i = 0; i < 4; ++i) {
    h << "<rect x=\"" << lx << "\" y=\"" << y + 4 << "\" width=\"12\" height=\"12\" fill=\"" << kColours[i] << "\"/><text x=\"" << lx + 16
      << "\" y=\"" << y + 15 << "\">" << change_label(static_cast<Change>(i)) << "</text>";
    lx += 110;
  }
  h << "</svg>";
  // Per township: annual cost change, chart and table.
  std::vector<std::pair<std::string, Rational>> tw_cost;
  Rational most;
  for (const auto& [tw, programs] : r.by_township) {
    Rational sum;
    for (const auto& kv : programs) sum = sum + kv.second.annual_delta;
    tw_cost.emplace_back(tw, sum);
    Rational mag = sum.sign() < 0 ? -sum : sum;
    if (mag > most) most = mag;
  }
  h << "<h2>按乡镇: 全年支出变化</h2><svg width=\"" << label_w + chart_w + 120 << "\" height=\"" << tw_cost.size() * row_h + 10
    << "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\">";
  y = 5;
  for (const auto& [tw, cost] : tw_cost) {
    // Whole pixels from the exact ratio |cost| / largest |cost|.
    Rational ratio = most.sign() == 0 ? Rational(0) : (cost.sign() < 0 ? -cost : cost) * Rational(chart_w) / most;
    std::int64_t w = ratio.num() / ratio.den();
    h << "<text x=\"0\" y=\"" << y + 15 << "\">" << html_escape(tname(r, tw)) << " " << tw << "</text><rect x=\"" << label_w << "\" y=\"" << y
      << "\" width=\"" << w << "\" height=\"18\" fill=\"" << (cost.sign() >= 0 ? "#2e7d32" : "#c62828") << "\"/><text x=\"" << label_w + w + 6
      << "\" y=\"" << y + 15 << "\">" << signed_money(cost) << "</text>";
    y += row_h;
  }
  h << "</svg><p class=note>有变化的乡镇和项目 (新增、不再享受、增加、减少); 全部见 summary.csv。</p><table><tr><th>乡镇</th><th>代码</th><th>项目</th>";
  for (int i = 0; i < 6; ++i) h << "<th>" << change_label(static_cast<Change>(i)) << "</th>";
  h << "<th>每月变化</th><th>全年变化</th></tr>";
  for (const auto& [tw, programs] : r.by_township)
    for (const std::string& p : r.program_order) {
      auto it = programs.find(p);
      if (it == programs.end()) continue;
      const ChangeCounts& cc = it->second;
      if (cc.count[0] + cc.count[1] + cc.count[2] + cc.count[3] == 0) continue;
      bool once = r.programs.at(p).once();
      h << "<tr><td>" << html_escape(tname(r, tw)) << "</td><td>" << tw << "</td><td>" << html_escape(plabel(r, p)) << "</td>";
      for (int i = 0; i < 6; ++i) h << "<td class=n>" << cc.count[i] << "</td>";
      if (once) h << "<td class=n>—</td><td class=n>— (一次性 " << signed_money(cc.once_delta) << ")</td></tr>";
      else h << money_cell(cc.annual_delta / Rational(12), true) << money_cell(cc.annual_delta, true) << "</tr>";
    }
  h << "</table>";
  // Every loser: the first page here, every page beside this file, and losers.csv.
  h << "<h2 id=\"losers\">减少或停发 (" << losers.size() << " 项)</h2>";
  if (losers.empty()) {
    h << "<p>无。</p>";
  } else {
    h << write_pages(dir, "losers", "减少或停发", kChangeHeader, losers, [&](const ChangedHousehold& c) { return change_row(r, c); })
      << "<p class=note>按乡镇、家庭排列；全部见 losers.csv。</p><table>" << kChangeHeader;
    for (std::size_t i = 0; i < losers.size() && i < kPageRows; ++i) h << change_row(r, *losers[i]);
    h << "</table>";
  }
  // Cases to review and provisional decisions.
  h << "<h2 id=\"review\">需复核 (" << review.size() << " 项)</h2><p class=note>新一次运行中带有复核原因的决定（如在保对象本月不再符合原认定条件，或现可按其他途径认定）："
       "按规则作出的决定须经复核后执行。全部见 review.csv。</p>";
  if (review.empty()) {
    h << "<p>无。</p>";
  } else {
    h << write_pages(dir, "review", "需复核", kReviewHeader, review, [&](const ReviewCase& c) { return review_row(r, c, false); }) << "<table>"
      << kReviewHeader;
    for (std::size_t i = 0; i < review.size() && i < kPageRows; ++i) h << review_row(r, *review[i], false);
    h << "</table>";
  }
  h << "<h2 id=\"provisional\">临时决定: 使用逾期未更新的标准 (" << provisional.size() << " 项)</h2>";
  if (provisional.empty()) {
    h << "<p>无。</p>";
  } else {
    h << "<table><tr><th>标准取值</th><th>决定数</th></tr>";
    for (const auto& [what, n] : r.stale_values) h << "<tr><td>" << html_escape(what) << "</td><td class=n>" << n << "</td></tr>";
    h << "</table>"
      << write_pages(dir, "provisional", "临时决定 (使用逾期未更新的标准)", kReviewHeader, provisional,
                     [&](const ReviewCase& c) { return review_row(r, c, true); });
  }
  h << "<h2 id=\"changes\">全部变化 (" << all.size() << " 项)</h2>";
  if (all.empty()) h << "<p>无。</p>";
  else h << write_pages(dir, "changes", "全部变化", kChangeHeader, all, [&](const ChangedHousehold& c) { return change_row(r, c); })
         << "<p class=note>按家庭编号排列；全部见 changes.csv，按乡镇汇总见 summary.csv。</p>";
  h << "</body></html>\n";
  std::string path = (dir / "report.html").generic_string();
  std::ofstream(path, std::ios::binary) << h.str();
  return path;
}

}  // namespace entitle
