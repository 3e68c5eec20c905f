// replay.cpp — reconstruct, re-evaluate, compare.
#include "engine/casework/replay.hpp"

#include <map>

#include "engine/base/json_tree.hpp"
#include "engine/casework/batch.hpp"
#include "engine/casework/diff.hpp"
#include "engine/eval/evaluator.hpp"

namespace entitle {

Replay replay_decision(Storage& db, std::int64_t run_id, const std::string& household, const std::string& period) {
  RunRepository& runs = db.runs();
  RunInfo run = runs.require(run_id);
  auto month = Month::parse(period);
  if (!month || period < run.period_from || period > run.period_to)
    throw StorageError("run " + std::to_string(run_id) + " covers " + run.period_from + " to " + run.period_to + ", not '" + period + "'");
  auto done = runs.household_in_run(run_id, household);
  if (!done) throw StorageError("household " + household + " was not decided in run " + std::to_string(run_id));
  const std::string& input_hash = done->first;
  Replay out;
  // The record version the run used: the current one or one kept in history, found by its hash.
  auto record = db.households().record_version(household, input_hash);
  if (!record) throw StorageError("the record version " + input_hash.substr(0, 12) + "… of household " + household + " is not in the database");
  out.record = *record;
  out.rules = stored_rules(db, run.ruleset);  // a StorageError naming the database when missing or damaged
  // load_rules_from_texts hashes the same names and texts the original load did, so the hash must agree.
  if (out.rules->rules->hash != run.ruleset)
    out.differences.push_back("rule set hash " + out.rules->rules->hash + " differs from the run's " + run.ruleset);
  std::string error;
  auto json = parse_json(out.record, error);
  std::vector<InputError> errors;
  if (!json || !load_household(*out.rules->rules, *json, "household " + household, out.household, errors))
    throw StorageError("the stored record of household " + household + " in the case database '" + db.location() +
                       "' no longer loads under its rule set: " + (json ? errors.empty() ? std::string("?") : errors.front().to_string() : error));
  out.result = Evaluator(*out.rules->rules).evaluate(out.household, *month, true);
  // Compare with what the run stored (rows for every decision but a plain refusal; absent = not granted).
  std::map<std::string, StoredDecision> stored;
  for (StoredDecision& d : runs.decisions_of(run_id, household, period)) stored[d.program] = std::move(d);
  auto describe = [](DecisionKind kind, const std::optional<Rational>& amount, const std::string& excluded_by) -> std::string {
    switch (kind) {
      case DecisionKind::Granted: return amount ? amount->to_fixed(2) : "amount undetermined";
      case DecisionKind::AmountUndetermined: return "amount undetermined";
      case DecisionKind::Undetermined: return "undetermined";
      case DecisionKind::NotGranted: return "not granted";
      case DecisionKind::Excluded: return "excluded by " + excluded_by;
      case DecisionKind::ChoiceNeeded: return "choice needed";
    }
    return "";
  };
  auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
    return s;
  };
  for (const Entitlement& e : out.result.entitlements) {
    const std::string& name = out.rules->rules->programs[e.program].name;
    StoredDecision now = stored_decision(*out.rules->rules, e, period);
    std::string replayed = describe(now.kind, now.amount, now.excluded_by);
    auto it = stored.find(name);
    std::string then = it == stored.end() ? "not granted" : describe(it->second.kind, it->second.amount, it->second.excluded_by);
    if (replayed != then) out.differences.push_back(name + ": stored " + then + ", replayed " + replayed);
    std::vector<std::string> stored_review = it == stored.end() ? std::vector<std::string>{} : it->second.review;
    if (stored_review != now.review)
      out.differences.push_back(name + ": stored review reasons [" + joined(stored_review) + "], replayed [" + joined(now.review) + "]");
  }
  return out;
}

}  // namespace entitle
