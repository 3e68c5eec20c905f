// replay.cpp — reconstruct, re-evaluate, compare.
#include "engine/casework/replay.hpp"

#include <SQLiteCpp/Statement.h>

#include <map>
#include <nlohmann/json.hpp>

#include "engine/base/json_tree.hpp"
#include "engine/base/sha256.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/storage/ruleset_store.hpp"
#include "engine/storage/run_store.hpp"

namespace entitle {

Replay replay_decision(CaseDatabase& db, std::int64_t run_id, const std::string& household, const std::string& period) {
  RunStore runs(db);
  RunInfo run = runs.require(run_id);
  auto month = Month::parse(period);
  if (!month || period < run.period_from || period > run.period_to)
    throw StorageError("run " + std::to_string(run_id) + " covers " + run.period_from + " to " + run.period_to + ", not '" + period + "'");
  SQLite::Statement done(db.db(), "SELECT input_hash FROM run_households WHERE run_id = ? AND household_id = ?");
  done.bind(1, run_id);
  done.bind(2, household);
  if (!done.executeStep()) throw StorageError("household " + household + " was not decided in run " + std::to_string(run_id));
  std::string input_hash = done.getColumn(0).getString();
  Replay out;
  // The record version the run used: the current one or one kept in history, found by its hash.
  SQLite::Statement rec(db.db(), "SELECT record FROM households WHERE id = ?1 AND record_hash = ?2 "
                                 "UNION ALL SELECT record FROM household_history WHERE household_id = ?1 AND record_hash = ?2");
  rec.bind(1, household);
  rec.bind(2, input_hash);
  if (!rec.executeStep()) throw StorageError("the record version " + input_hash.substr(0, 12) + "… of household " + household + " is not in the database");
  out.record = rec.getColumn(0).getString();
  if (sha256_hex(out.record) != input_hash) throw StorageError("the stored record of household " + household + " does not match its hash");
  auto sources = stored_sources(db, run.ruleset);
  if (sources.empty()) throw StorageError("the rule set " + run.ruleset + " is not in the database");
  out.rules = load_rules_from_texts(sources);
  if (!out.rules->rules) throw StorageError("the stored rule set " + run.ruleset + " no longer checks");
  // load_rules_from_texts hashes the same names and texts the original load did, so the hash must agree.
  if (out.rules->rules->hash != run.ruleset)
    out.differences.push_back("rule set hash " + out.rules->rules->hash + " differs from the run's " + run.ruleset);
  std::string error;
  auto json = parse_json(out.record, error);
  Household hh;
  std::vector<InputError> errors;
  if (!json || !load_household(*out.rules->rules, *json, "household " + household, hh, errors))
    throw StorageError("the stored record of household " + household + " no longer loads under its rule set");
  out.result = Evaluator(*out.rules->rules).evaluate(hh, *month, true);
  // Compare with what the run stored (granted and undetermined rows; absent = not granted).
  std::map<std::string, std::pair<bool, std::string>> stored;  // program → (undetermined, amount)
  SQLite::Statement dec(db.db(), "SELECT program, eligible, amount FROM decisions WHERE run_id = ? AND household_id = ? AND period = ?");
  dec.bind(1, run_id);
  dec.bind(2, household);
  dec.bind(3, period);
  while (dec.executeStep())
    stored[dec.getColumn(0).getString()] = {dec.getColumn(1).isNull(), dec.getColumn(2).isNull() ? "" : dec.getColumn(2).getString()};
  for (const Entitlement& e : out.result.entitlements) {
    const std::string& name = out.rules->rules->programs[e.program].name;
    auto it = stored.find(name);
    std::string now = !e.eligible ? "undetermined" : !*e.eligible ? "not granted" : e.missing.empty() ? e.amount.to_fixed(2) : "amount undetermined";
    std::string then = it == stored.end() ? "not granted" : it->second.first ? "undetermined" : it->second.second.empty() ? "amount undetermined" : it->second.second;
    if (now != then) out.differences.push_back(name + ": stored " + then + ", replayed " + now);
  }
  return out;
}

}  // namespace entitle
