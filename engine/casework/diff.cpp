// diff.cpp — decisions of two runs side by side; reasons from re-evaluating changed households with explanations.
#include "engine/casework/diff.hpp"

#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/api/rules_loader.hpp"
#include "engine/base/json_tree.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/storage/ruleset_store.hpp"
#include "engine/storage/run_store.hpp"

namespace entitle {
namespace {

struct Decision {
  bool granted = false, undetermined = false;
  Rational amount;
  std::string per;
};

using DecisionMap = std::map<std::pair<std::string, std::string>, Decision>;  // (household, program)

DecisionMap load_decisions(RunStore& runs, std::int64_t run, const std::string& period) {
  DecisionMap out;
  runs.for_each_decision(run, period, period, [&](const StoredDecision& s) {
    Decision d;
    d.undetermined = s.eligible_unknown || s.amount.empty();  // an undetermined amount counts as undetermined
    d.granted = !s.eligible_unknown;
    if (!s.amount.empty()) d.amount = *Rational::parse_decimal(s.amount);
    d.per = s.per;
    out[{s.household, s.program}] = d;
  });
  return out;
}

std::unique_ptr<LoadedRules> rules_of(CaseDatabase& db, const std::string& hash) {
  auto sources = stored_sources(db, hash);
  if (sources.empty()) throw StorageError("the rule set " + hash + " of this run is not in the database");
  auto loaded = load_rules_from_texts(sources);
  if (!loaded->rules) throw StorageError("the stored rule set " + hash + " no longer checks");
  return loaded;
}

/// Standard values a household's evaluation used: "dibao_standard[rural]" → "440.00".
std::map<std::string, std::string> standards_used(const ir::RuleSet& rs, const Household& hh, Month m) {
  std::map<std::string, std::string> out;
  Evaluator ev(rs);
  HouseholdResult r = ev.evaluate(hh, m, true);
  for (const TraceNode& n : r.trace)
    if (n.kind == TraceNode::Kind::Standard)
      out[rs.standards[n.index].name + (n.subject.empty() ? "" : "[" + n.subject + "]")] = n.value;
  return out;
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

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

std::string signed_money(const Rational& r) { return (r.sign() > 0 ? "+" : "") + r.to_fixed(2); }

}  // namespace

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

DiffReport diff_runs(CaseDatabase& db, std::int64_t from_run, std::int64_t to_run) {
  RunStore runs(db);
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
  auto old_rules = rules_of(db, a.ruleset);
  auto new_rules = rules_of(db, b.ruleset);
  const ir::RuleSet& nrs = *new_rules->rules;
  for (const auto& p : nrs.programs) rep.program_labels[p.name] = p.label;
  for (const auto& r : nrs.regions) rep.township_names[r.code.size() == 12 ? r.code.substr(0, 9) : r.code] = r.name;
  DecisionMap olds = load_decisions(runs, from_run, rep.from_period), news = load_decisions(runs, to_run, rep.to_period);
  auto done_a = runs.finished_households(from_run), done_b = runs.finished_households(to_run);
  std::map<std::string, std::string> township;
  {
    SQLite::Statement st(db.db(), "SELECT id, township FROM households");
    while (st.executeStep()) township[st.getColumn(0).getString()] = st.getColumn(1).getString();
  }
  std::set<std::pair<std::string, std::string>> keys;
  for (const auto& kv : olds) keys.insert(kv.first);
  for (const auto& kv : news) keys.insert(kv.first);
  Month old_month = *Month::parse(rep.from_period), new_month = *Month::parse(rep.to_period);
  std::map<std::string, std::string> reason_cache;
  auto reason_for = [&](const std::string& hid) -> std::string {
    auto cached = reason_cache.find(hid);
    if (cached != reason_cache.end()) return cached->second;
    std::string reason;
    if (done_a[hid] != done_b[hid]) {
      reason = "家庭记录已更新 (household record changed)";
    } else {
      SQLite::Statement st(db.db(), "SELECT record FROM households WHERE id = ?");
      st.bind(1, hid);
      std::string error;
      std::optional<JsonNode> record;
      if (st.executeStep()) record = parse_json(st.getColumn(0).getString(), error);
      Household h_old, h_new;
      std::vector<InputError> errors;
      if (record && load_household(*old_rules->rules, *record, hid, h_old, errors) &&
          load_household(nrs, *record, hid, h_new, errors)) {
        auto before = standards_used(*old_rules->rules, h_old, old_month), after = standards_used(nrs, h_new, new_month);
        for (const auto& [name, value] : after) {
          auto it = before.find(name);
          std::string was = it == before.end() ? "—" : it->second;
          if (was != value) reason += (reason.empty() ? "" : "; ") + name + ": " + was + " → " + value;
        }
      }
      if (reason.empty()) reason = rep.from_ruleset == rep.to_ruleset ? "评估月份不同 (another month)" : "规则已修改 (rules changed)";
    }
    reason_cache[hid] = reason;
    return reason;
  };
  for (const auto& key : keys) {
    const std::string& hid = key.first;
    if (!done_a.count(hid) || !done_b.count(hid)) continue;  // only households finished in both runs
    auto o = olds.find(key), n = news.find(key);
    Decision od = o == olds.end() ? Decision{} : o->second, nd = n == news.end() ? Decision{} : n->second;
    Change c;
    if (od.undetermined || nd.undetermined) c = Change::Undetermined;
    else if (!od.granted && nd.granted) c = Change::NewlyEligible;
    else if (od.granted && !nd.granted) c = Change::NoLongerEligible;
    else if (nd.amount > od.amount) c = Change::Increased;
    else if (nd.amount < od.amount) c = Change::Decreased;
    else c = Change::Unchanged;
    std::string per = nd.per.empty() ? od.per : nd.per;
    Rational delta = (nd.granted && !nd.undetermined ? nd.amount : Rational(0)) - (od.granted && !od.undetermined ? od.amount : Rational(0));
    std::string tw = township[hid];
    for (ChangeCounts* cc : {&rep.by_program[key.second], &rep.by_township[tw][key.second]}) {
      ++cc->count[static_cast<int>(c)];
      if (per == "month" && c != Change::Undetermined) cc->cost_delta = cc->cost_delta + delta;
    }
    if (per == "month" && c != Change::Undetermined) rep.total_cost_delta = rep.total_cost_delta + delta;
    if (c == Change::Unchanged) continue;
    // Undetermined in both runs the same way (e.g. a standard still not entered) is not a change to list.
    if (c == Change::Undetermined && od.undetermined && nd.undetermined && od.granted == nd.granted) continue;
    ChangedHousehold ch;
    ch.household = hid;
    ch.township = tw;
    ch.program = key.second;
    ch.change = c;
    if (od.granted && !od.undetermined) ch.old_amount = od.amount.to_fixed(2);
    if (nd.granted && !nd.undetermined) ch.new_amount = nd.amount.to_fixed(2);
    if (c != Change::Undetermined) ch.delta = signed_money(delta);
    ch.reason = reason_for(hid);
    rep.changes.push_back(std::move(ch));
  }
  return rep;
}

std::string write_diff_report(const DiffReport& r, const std::string& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  auto tname = [&](const std::string& code) {
    auto it = r.township_names.find(code);
    return it == r.township_names.end() ? code : it->second;
  };
  // changes.csv — every changed household × program.
  {
    std::ofstream out(fs::path(dir) / "changes.csv", std::ios::binary);
    out << "household,township,township_name,program,change,old_amount,new_amount,delta,reason\n";
    for (const auto& c : r.changes)
      out << csv_cell(c.household) << ',' << c.township << ',' << csv_cell(tname(c.township)) << ',' << c.program << ','
          << change_label(c.change) << ',' << c.old_amount << ',' << c.new_amount << ',' << c.delta << ',' << csv_cell(c.reason) << '\n';
  }
  // summary.csv — per township and program.
  {
    std::ofstream out(fs::path(dir) / "summary.csv", std::ios::binary);
    out << "township,township_name,program,newly_eligible,no_longer_eligible,increased,decreased,unchanged,undetermined,monthly_cost_delta\n";
    for (const auto& [tw, programs] : r.by_township)
      for (const auto& [p, cc] : programs) {
        out << tw << ',' << csv_cell(tname(tw)) << ',' << p;
        for (int i = 0; i < 6; ++i) out << ',' << cc.count[i];
        out << ',' << cc.cost_delta.to_fixed(2) << '\n';
      }
  }
  // report.html — one page, no scripts, no network: tables and inline SVG charts.
  std::ostringstream h;
  h << "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>标准调整影响报告</title><style>"
       "body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;max-width:72em;margin:2em auto;padding:0 1em;color:#222}"
       "table{border-collapse:collapse;margin:.6em 0 1.4em;font-size:.9em}th,td{border:1px solid #bbb;padding:.25em .55em}"
       "th{background:#eef2f6}td.n{text-align:right}.up{color:#1a7f37}.down{color:#b42318}</style></head><body>";
  h << "<h1>标准调整影响报告 (impact report)</h1><p>比较运行 " << r.from_run << "（" << r.from_period << "，规则集 "
    << html_escape(r.from_ruleset.substr(0, 19)) << "…）与运行 " << r.to_run << "（" << r.to_period << "，规则集 "
    << html_escape(r.to_ruleset.substr(0, 19)) << "…）。按月发放项目的月度支出变化合计: <b>" << signed_money(r.total_cost_delta)
    << " 元/月</b>。</p>";
  h << "<h2>按项目</h2><table><tr><th>项目</th>";
  for (int i = 0; i < 6; ++i) h << "<th>" << change_label(static_cast<Change>(i)) << "</th>";
  h << "<th>月度支出变化 (元)</th></tr>";
  for (const auto& [p, cc] : r.by_program) {
    auto label = r.program_labels.count(p) ? r.program_labels.at(p) : p;
    h << "<tr><td>" << html_escape(label) << " (" << p << ")</td>";
    for (int i = 0; i < 6; ++i) h << "<td class=n>" << cc.count[i] << "</td>";
    h << "<td class=\"n " << (cc.cost_delta.sign() >= 0 ? "up" : "down") << "\">" << signed_money(cc.cost_delta) << "</td></tr>";
  }
  h << "</table>";
  // Chart: households by change, per program (horizontal stacked bars).
  static const char* kColours[] = {"#2e7d32", "#c62828", "#66bb6a", "#ef6c00", "#90a4ae", "#7e57c2"};
  std::int64_t widest = 1;
  for (const auto& [p, cc] : r.by_program) {
    std::int64_t t = 0;
    for (int i = 0; i < 4; ++i) t += cc.count[i];  // the four real changes; undetermined stays in the table
    widest = std::max(widest, t);
  }
  int row_h = 26, chart_w = 560, label_w = 230;
  h << "<h2>变化户数 (新增、不再享受、增加、减少)</h2><svg width=\"" << label_w + chart_w + 80 << "\" height=\"" << (r.by_program.size() + 1) * row_h + 30
    << "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\">";
  int y = 10;
  for (const auto& [p, cc] : r.by_program) {
    auto label = r.program_labels.count(p) ? r.program_labels.at(p) : p;
    h << "<text x=\"0\" y=\"" << y + 15 << "\">" << html_escape(label) << "</text>";
    std::int64_t x = label_w;
    for (int i = 0; i < 4; ++i) {
      if (cc.count[i] == 0) continue;
      std::int64_t w = std::max<std::int64_t>(1, cc.count[i] * chart_w / widest);
      h << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"18\" fill=\"" << kColours[i] << "\"><title>"
        << change_label(static_cast<Change>(i)) << ": " << cc.count[i] << "</title></rect>";
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
  // Chart and table: monthly cost change per township.
  std::vector<std::pair<std::string, Rational>> tw_cost;
  Rational most;
  for (const auto& [tw, programs] : r.by_township) {
    Rational sum;
    for (const auto& kv : programs) sum = sum + kv.second.cost_delta;
    tw_cost.emplace_back(tw, sum);
    Rational mag = sum.sign() < 0 ? -sum : sum;
    if (mag > most) most = mag;
  }
  h << "<h2>按乡镇: 月度支出变化</h2><svg width=\"" << label_w + chart_w + 120 << "\" height=\"" << tw_cost.size() * row_h + 10
    << "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\">";
  y = 5;
  for (const auto& [tw, cost] : tw_cost) {
    // Whole pixels from the exact ratio |cost| / largest |cost|.
    Rational ratio = most.sign() == 0 ? Rational(0) : (cost.sign() < 0 ? -cost : cost) * Rational(chart_w) / most;
    std::int64_t w = ratio.num() / ratio.den();
    h << "<text x=\"0\" y=\"" << y + 15 << "\">" << html_escape(tname(tw)) << " " << tw << "</text><rect x=\"" << label_w << "\" y=\"" << y
      << "\" width=\"" << w << "\" height=\"18\" fill=\"" << (cost.sign() >= 0 ? "#2e7d32" : "#c62828") << "\"/><text x=\""
      << label_w + w + 6 << "\" y=\"" << y + 15 << "\">" << signed_money(cost) << "</text>";
    y += row_h;
  }
  h << "</svg><table><tr><th>乡镇</th><th>代码</th><th>项目</th>";
  for (int i = 0; i < 6; ++i) h << "<th>" << change_label(static_cast<Change>(i)) << "</th>";
  h << "<th>月度支出变化 (元)</th></tr>";
  for (const auto& [tw, programs] : r.by_township)
    for (const auto& [p, cc] : programs) {
      h << "<tr><td>" << html_escape(tname(tw)) << "</td><td>" << tw << "</td><td>" << p << "</td>";
      for (int i = 0; i < 6; ++i) h << "<td class=n>" << cc.count[i] << "</td>";
      h << "<td class=n>" << signed_money(cc.cost_delta) << "</td></tr>";
    }
  h << "</table>";
  std::size_t shown = std::min<std::size_t>(r.changes.size(), 1000);
  h << "<h2>变化明细</h2><p>共 " << r.changes.size() << " 项" << (shown < r.changes.size() ? "，此处列出前 1000 项，全部见 changes.csv" : "")
    << "。</p><table><tr><th>家庭</th><th>乡镇</th><th>项目</th><th>变化</th><th>原金额</th><th>新金额</th><th>差额</th><th>原因</th></tr>";
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& c = r.changes[i];
    h << "<tr><td>" << html_escape(c.household) << "</td><td>" << html_escape(tname(c.township)) << "</td><td>" << c.program << "</td><td>"
      << change_label(c.change) << "</td><td class=n>" << c.old_amount << "</td><td class=n>" << c.new_amount << "</td><td class=n>" << c.delta
      << "</td><td>" << html_escape(c.reason) << "</td></tr>";
  }
  h << "</table></body></html>\n";
  std::string path = (fs::path(dir) / "report.html").generic_string();
  std::ofstream(path, std::ios::binary) << h.str();
  return path;
}

}  // namespace entitle
