// arrears.cpp — month-by-month differences between what was paid and what is due.
#include "engine/casework/arrears.hpp"

#include <SQLiteCpp/Statement.h>

#include <fstream>
#include <set>
#include <tuple>

#include "engine/storage/run_store.hpp"

namespace entitle {
namespace {

struct Paid {
  bool undetermined = false;
  Rational amount;
};
using Key = std::tuple<std::string, std::string, std::string>;  // household, program, period

std::map<Key, Paid> monthly_decisions(RunStore& runs, std::int64_t run, const std::string& from, const std::string& to) {
  std::map<Key, Paid> out;
  runs.for_each_decision(run, from, to, [&](const StoredDecision& d) {
    if (d.per != "month") return;
    Paid p;
    p.undetermined = d.amount.empty();
    if (!p.undetermined) p.amount = *Rational::parse_decimal(d.amount);
    out[{d.household, d.program, d.period}] = p;
  });
  return out;
}

}  // namespace

ArrearsReport compute_arrears(CaseDatabase& db, std::int64_t paid_run, std::int64_t recalculated_run) {
  RunStore runs(db);
  auto a = runs.require(paid_run), b = runs.require(recalculated_run);
  ArrearsReport rep;
  rep.paid_run = paid_run;
  rep.recalculated_run = recalculated_run;
  rep.from = std::max(a.period_from, b.period_from);
  rep.to = std::min(a.period_to, b.period_to);
  if (rep.from > rep.to)
    throw StorageError("runs " + std::to_string(paid_run) + " (" + a.period_from + "…" + a.period_to + ") and " +
                       std::to_string(recalculated_run) + " (" + b.period_from + "…" + b.period_to + ") share no month");
  auto paid = monthly_decisions(runs, paid_run, rep.from, rep.to), due = monthly_decisions(runs, recalculated_run, rep.from, rep.to);
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
  SQLite::Statement tw(db.db(), "SELECT township FROM households WHERE id = ?");
  for (auto& [key, line] : lines) {
    tw.bind(1, line.household);
    if (tw.executeStep()) line.township = tw.getColumn(0).getString();
    tw.reset();
    if (line.amount.sign() > 0) rep.arrears_by_program[line.program] = rep.arrears_by_program[line.program] + line.amount;
    if (line.amount.sign() < 0) rep.overpaid_by_program[line.program] = rep.overpaid_by_program[line.program] - line.amount;
    if (line.amount.sign() != 0) rep.lines.push_back(line);
  }
  return rep;
}

void write_arrears_csv(const ArrearsReport& r, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  out << "household,township,program,arrears,months,detail\n";
  for (const auto& l : r.lines)
    out << l.household << ',' << l.township << ',' << l.program << ',' << l.amount.to_fixed(2) << ',' << l.months << ",\"" << l.detail << "\"\n";
}

}  // namespace entitle
