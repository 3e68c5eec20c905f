// run_store.hpp — batch runs and their decisions. A household's decisions and its "done" mark are written in one
// transaction, so a run killed at any moment resumes with nothing lost, duplicated or half-written.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/storage/case_database.hpp"

namespace entitle {

struct RunInfo {
  std::int64_t id = 0;
  std::string ruleset, period_from, period_to, status;
  std::int64_t households = 0, bad_records = 0;
};

struct DecisionRow {
  std::string period, program;
  bool undetermined = false;
  std::string amount;   // exact decimal; empty when undetermined
  std::string per;
  std::string members;  // JSON list
  std::string missing;  // JSON list, when undetermined
};

struct HouseholdOutcome {
  std::string household_id, input_hash, error;
  std::vector<DecisionRow> decisions;  // granted or undetermined only
};

/// A decision as stored: eligible NULL is undetermined; an empty amount with eligible 1 is an undetermined amount.
struct StoredDecision {
  std::string household, program, period, amount, per;
  bool eligible_unknown = false;
};

class RunStore {
public:
  explicit RunStore(CaseDatabase& db) : db_(db) {}
  /// The unfinished run for the same rule set and months, to resume; or none.
  std::optional<RunInfo> find_unfinished(const std::string& ruleset, const std::string& from, const std::string& to);
  RunInfo create(const std::string& ruleset, const std::string& from, const std::string& to);
  std::optional<RunInfo> get(std::int64_t id);
  /// The run, or a StorageError naming the missing id.
  RunInfo require(std::int64_t id);
  /// Every stored decision of a run for the months from..to (inclusive, "YYYY-MM").
  void for_each_decision(std::int64_t run, const std::string& from, const std::string& to,
                         const std::function<void(const StoredDecision&)>& each);
  std::vector<RunInfo> list();
  /// Writes a chunk of households in one transaction.
  void write(std::int64_t run, const std::vector<HouseholdOutcome>& chunk);
  void finish(std::int64_t run);
  std::int64_t done_count(std::int64_t run);
  /// Households finished in a run without an error, with the input hash their decisions were made from.
  std::map<std::string, std::string> finished_households(std::int64_t run);

private:
  CaseDatabase& db_;
};

}  // namespace entitle
