// run_store.cpp — SQL for runs, run_households and decisions.
#include "engine/storage/run_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace entitle {
namespace {
RunInfo read_run(SQLite::Statement& st) {
  RunInfo r;
  r.id = st.getColumn(0).getInt64();
  r.ruleset = st.getColumn(1).getString();
  r.period_from = st.getColumn(2).getString();
  r.period_to = st.getColumn(3).getString();
  r.status = st.getColumn(4).getString();
  r.households = st.getColumn(5).getInt64();
  r.bad_records = st.getColumn(6).getInt64();
  return r;
}
const char* kRunColumns = "SELECT id, ruleset, period_from, period_to, status, households, bad_records FROM runs ";
}  // namespace

std::optional<RunInfo> RunStore::find_unfinished(const std::string& ruleset, const std::string& from, const std::string& to) {
  SQLite::Statement st(db_.db(), std::string(kRunColumns) +
                                     "WHERE ruleset = ? AND period_from = ? AND period_to = ? AND status = 'running' ORDER BY id DESC LIMIT 1");
  st.bind(1, ruleset);
  st.bind(2, from);
  st.bind(3, to);
  if (st.executeStep()) return read_run(st);
  return std::nullopt;
}

RunInfo RunStore::create(const std::string& ruleset, const std::string& from, const std::string& to) {
  SQLite::Statement st(db_.db(),
                       "INSERT INTO runs(ruleset, period_from, period_to, started, status) VALUES (?, ?, ?, datetime('now'), 'running')");
  st.bind(1, ruleset);
  st.bind(2, from);
  st.bind(3, to);
  st.exec();
  return *get(db_.db().getLastInsertRowid());
}

std::optional<RunInfo> RunStore::get(std::int64_t id) {
  SQLite::Statement st(db_.db(), std::string(kRunColumns) + "WHERE id = ?");
  st.bind(1, id);
  if (st.executeStep()) return read_run(st);
  return std::nullopt;
}

std::vector<RunInfo> RunStore::list() {
  std::vector<RunInfo> out;
  SQLite::Statement st(db_.db(), std::string(kRunColumns) + "ORDER BY id");
  while (st.executeStep()) out.push_back(read_run(st));
  return out;
}

void RunStore::write(std::int64_t run, const std::vector<HouseholdOutcome>& chunk) {
  SQLite::Transaction t(db_.db());
  SQLite::Statement done(db_.db(), "INSERT INTO run_households(run_id, household_id, input_hash, error) VALUES (?, ?, ?, ?)");
  SQLite::Statement dec(db_.db(),
                        "INSERT INTO decisions(run_id, household_id, period, program, eligible, amount, per, members, missing) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::int64_t bad = 0;
  for (const HouseholdOutcome& h : chunk) {
    done.bind(1, run);
    done.bind(2, h.household_id);
    done.bind(3, h.input_hash);
    if (h.error.empty()) done.bind(4);
    else done.bind(4, h.error), ++bad;
    done.exec();
    done.reset();
    for (const DecisionRow& d : h.decisions) {
      dec.bind(1, run);
      dec.bind(2, h.household_id);
      dec.bind(3, d.period);
      dec.bind(4, d.program);
      if (d.undetermined) dec.bind(5);
      else dec.bind(5, 1);
      if (d.amount.empty()) dec.bind(6);
      else dec.bind(6, d.amount);
      dec.bind(7, d.per);
      dec.bind(8, d.members);
      if (d.missing.empty()) dec.bind(9);
      else dec.bind(9, d.missing);
      dec.exec();
      dec.reset();
    }
  }
  SQLite::Statement upd(db_.db(), "UPDATE runs SET households = households + ?, bad_records = bad_records + ? WHERE id = ?");
  upd.bind(1, static_cast<std::int64_t>(chunk.size()));
  upd.bind(2, bad);
  upd.bind(3, run);
  upd.exec();
  t.commit();
}

void RunStore::finish(std::int64_t run) {
  SQLite::Statement st(db_.db(), "UPDATE runs SET status = 'complete', finished = datetime('now') WHERE id = ?");
  st.bind(1, run);
  st.exec();
}

std::int64_t RunStore::done_count(std::int64_t run) {
  SQLite::Statement st(db_.db(), "SELECT count(*) FROM run_households WHERE run_id = ?");
  st.bind(1, run);
  st.executeStep();
  return st.getColumn(0).getInt64();
}

}  // namespace entitle

namespace entitle {

std::map<std::string, std::string> RunStore::finished_households(std::int64_t run) {
  std::map<std::string, std::string> out;
  SQLite::Statement st(db_.db(), "SELECT household_id, input_hash FROM run_households WHERE run_id = ? AND error IS NULL");
  st.bind(1, run);
  while (st.executeStep()) out[st.getColumn(0).getString()] = st.getColumn(1).getString();
  return out;
}

}  // namespace entitle

namespace entitle {

RunInfo RunStore::require(std::int64_t id) {
  if (auto r = get(id)) return *r;
  throw StorageError("there is no run " + std::to_string(id) + " in the database");
}

void RunStore::for_each_decision(std::int64_t run, const std::string& from, const std::string& to,
                                 const std::function<void(const StoredDecision&)>& each) {
  SQLite::Statement st(db_.db(), "SELECT household_id, program, period, eligible, amount, per FROM decisions "
                                 "WHERE run_id = ? AND period >= ? AND period <= ?");
  st.bind(1, run);
  st.bind(2, from);
  st.bind(3, to);
  StoredDecision d;
  while (st.executeStep()) {
    d.household = st.getColumn(0).getString();
    d.program = st.getColumn(1).getString();
    d.period = st.getColumn(2).getString();
    d.eligible_unknown = st.getColumn(3).isNull();
    d.amount = st.getColumn(4).isNull() ? std::string() : st.getColumn(4).getString();
    d.per = st.getColumn(5).getString();
    each(d);
  }
}

}  // namespace entitle
