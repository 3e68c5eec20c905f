// arrears.cpp — month-by-month differences between what was paid and what is due.
#include "engine/casework/arrears.hpp"

#include <fstream>
#include <set>
#include <tuple>

#include "engine/casework/diff.hpp"

namespace entitle {
namespace {

struct Paid {
  bool undetermined = false;
  Rational amount;
};
using Key = std::tuple<std::string, std::string, std::string>;  // household, program, period

std::map<Key, Paid> monthly_decisions(Storage& db, const RunInfo& info, const std::string& from, const std::string& to) {
  std::map<Key, Paid> out;
  auto rules = stored_rules(db, info.ruleset);
  RunPrograms programs(db, info.id, *rules->rules);  // a decision for a program the run's rules do not have is damage
  db.runs().for_each_decision(info.id, from, to, [&](const StoredDecision& d) {
    programs.check(d);
    if (d.per != "month") return;
    Paid p;
    p.undetermined = d.undetermined();
    if (d.paid()) p.amount = *d.amount;  // excluded, choice needed, refused: nothing paid
    out[{d.household, d.program, d.period}] = p;
  });
  return out;
}

}  // namespace

ArrearsReport compute_arrears(Storage& db, std::int64_t paid_run, std::int64_t recalculated_run) {
  RunRepository& runs = db.runs();
  auto a = runs.require(paid_run), b = runs.require(recalculated_run);
  ArrearsReport rep;
  rep.paid_run = paid_run;
  rep.recalculated_run = recalculated_run;
  rep.from = std::max(a.period_from, b.period_from);
  rep.to = std::min(a.period_to, b.period_to);
  if (rep.from > rep.to)
    throw StorageError("runs " + std::to_string(paid_run) + " (" + a.period_from + "…" + a.period_to + ") and " +
                       std::to_string(recalculated_run) + " (" + b.period_from + "…" + b.period_to + ") share no month");
  auto paid = monthly_decisions(db, a, rep.from, rep.to), due = monthly_decisions(db, b, rep.from, rep.to);
  auto in_a = runs.finished_households(paid_run), in_b = runs.finished_households(recalculated_run);
  std::map<std::pair<std::string, std::string>, ArrearsLine> lines;
  std::set<Key> keys;
  for (const auto& kv : paid) keys.insert(kv.first);
  for (const auto& kv : due) keys.insert(kv.first);
  for (const Key& k : keys) {
    const auto& [hid, program, period] = k;
    if (!in_a.count(hid) || !in_b.count(hid)) continue;
    auto p = paid.find(k), d = due.find(k);
    if ((p != paid.end() && p->second.undetermined) || (d != due.end() && d->second.undetermined)) {
      ++rep.undetermined;
      continue;
    }
    Rational before = p == paid.end() ? Rational(0) : p->second.amount, after = d == due.end() ? Rational(0) : d->second.amount;
    if (before == after) continue;
    ArrearsLine& line = lines[{hid, program}];
    line.household = hid;
    line.program = program;
    line.amount = line.amount + (after - before);
    ++line.months;
    line.detail += (line.detail.empty() ? "" : "; ") + period + ": " + before.to_fixed(2) + " → " + after.to_fixed(2);
  }
  auto townships = db.households().townships();
  for (auto& [key, line] : lines) {
    auto tw = townships.find(line.household);
    if (tw != townships.end()) line.township = tw->second;
    if (line.amount.sign() > 0) rep.arrears_by_program[line.program] = rep.arrears_by_program[line.program] + line.amount;
    if (line.amount.sign() < 0) rep.overpaid_by_program[line.program] = rep.overpaid_by_program[line.program] - line.amount;
    if (line.amount.sign() != 0) rep.lines.push_back(line);
  }
  return rep;
}

void write_arrears_csv(const ArrearsReport& r, const std::string& path) {
  // UTF-8 with a byte-order mark and Chinese headers, so that Excel opens it as Chinese text.
  std::ofstream out(path, std::ios::binary);
  out << kCsvBom << "家庭编号,乡镇代码,项目代码,补发(正)或多发(负)金额,有差额的月数,逐月明细\r\n";
  for (const auto& l : r.lines)
    out << csv_cell(l.household) << ',' << csv_cell(l.township) << ',' << csv_cell(l.program) << ',' << l.amount.to_fixed(2) << ','
        << l.months << ',' << csv_cell(l.detail) << "\r\n";
}

}  // namespace entitle
