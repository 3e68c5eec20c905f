// replay.hpp — `entitle replay`: re-decide a stored household from the database alone (the run's stored rule-set
// source and the exact record version its decisions were made from) and check the result against what was stored.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/api/rules_loader.hpp"
#include "engine/eval/household.hpp"
#include "engine/eval/result.hpp"
#include "engine/storage/storage.hpp"

namespace entitle {

struct Replay {
  std::unique_ptr<LoadedRules> rules;  // rebuilt from the stored source
  Household household;                 // the record version loaded under the stored rules
  HouseholdResult result;              // evaluated again, with the explanation
  std::string record;                  // the record version the run used
  std::vector<std::string> differences;  // empty: the replay reproduces every stored decision
};

/// Throws StorageError when the run, the household in that run, its rule set or its record version is missing.
Replay replay_decision(Storage& db, std::int64_t run, const std::string& household, const std::string& period);

}  // namespace entitle
