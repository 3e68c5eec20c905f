// run_repository.hpp — batch runs and their decisions. A household's decisions and its "done" mark are written in one
// transaction, so a run killed at any moment resumes with nothing lost, duplicated or half-written. Every value read
// back is checked: a damaged row is a StorageError naming the database, table, row and column, never a silent zero.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/eval/result.hpp"
#include "engine/values/rational.hpp"

namespace entitle {

/// The largest amount a stored decision may hold (yuan): far above any benefit, and small enough that the sums of a
/// county's decisions over years cannot overflow exact arithmetic. A larger stored amount is a damaged row.
constexpr std::int64_t kMaxStoredAmount = 100000000;

struct RunInfo {
  std::int64_t id = 0;
  std::string ruleset, period_from, period_to, status;
  std::int64_t households = 0, bad_records = 0;
  std::string kind = "batch";          // batch | preview (a standard amendment's impact preview)
  std::string started, finished;       // UTC
  std::string approved_by, approved_at;  // empty until a county user approves the run (it is then the decision of record)
};

/// One decision as a batch stores it and diff, arrears, replay and the impact report read it back. Stored are the
/// decisions that are not a plain refusal: granted, amount undetermined, undetermined, excluded, choice needed, and a
/// refusal that carries review reasons. A finished household with no row for a program and month was not granted it.
struct StoredDecision {
  std::string household, period, program;
  std::string per;                          // month | semester | year | once
  DecisionKind kind = DecisionKind::NotGranted;
  std::optional<Rational> amount;           // Granted: the amount per `per` (also kept for a partly undetermined
                                            // member-level program: the granted members' sum)
  std::optional<Rational> option_amount;    // ChoiceNeeded: the amount if this program is chosen
  std::vector<std::string> members;         // granted members
  std::vector<std::string> missing;         // facts and values still missing
  std::vector<std::string> review;          // reasons the case must be reviewed (复核)
  std::vector<std::string> choice;          // ChoiceNeeded: the programs to choose between
  std::vector<StaleValue> stale;            // standard values used past their renewal: the decision is provisional
  std::string exception;                    // the exception (route) that decided it; empty for the base rule
  std::string excluded_by;                  // Excluded: the program granted instead

  /// Granted with a known amount: what is paid.
  bool paid() const { return kind == DecisionKind::Granted && amount.has_value(); }
  /// Undetermined, or granted with the amount undetermined: nothing can be counted.
  bool undetermined() const { return kind == DecisionKind::Undetermined || kind == DecisionKind::AmountUndetermined; }
};

struct HouseholdOutcome {
  std::string household_id, input_hash, error;
  std::vector<StoredDecision> decisions;  // `household` of each may be left empty: household_id is written
};

/// The kind whose decision_kind_name() is `name`, or none.
std::optional<DecisionKind> decision_kind_from_name(const std::string& name);

class RunRepository {
public:
  virtual ~RunRepository() = default;

  /// The unfinished run for the same rule set and months, to resume; or none.
  virtual std::optional<RunInfo> find_unfinished(const std::string& ruleset, const std::string& from, const std::string& to,
                                                 const std::string& kind = "batch") = 0;
  virtual RunInfo create(const std::string& ruleset, const std::string& from, const std::string& to,
                         const std::string& kind = "batch") = 0;
  /// Marks a complete run approved by `user` (the decision of record for its months). False when it is not complete.
  virtual bool approve(std::int64_t run, const std::string& user) = 0;
  /// The latest approved run covering `period`, or none.
  virtual std::optional<RunInfo> approved_for(const std::string& period) = 0;
  /// Every run that decided this household (finished it), newest first, with the months it covers.
  virtual std::vector<RunInfo> runs_of_household(const std::string& household) = 0;
  virtual std::optional<RunInfo> get(std::int64_t id) = 0;
  /// The run, or a StorageError naming the missing id.
  RunInfo require(std::int64_t id);
  /// Every stored decision of a run for the months from..to (inclusive, "YYYY-MM").
  virtual void for_each_decision(std::int64_t run, const std::string& from, const std::string& to,
                                 const std::function<void(const StoredDecision&)>& each) = 0;
  /// The stored decisions of one household in a run for one month, by program.
  virtual std::vector<StoredDecision> decisions_of(std::int64_t run, const std::string& household, const std::string& period) = 0;
  /// Every run, by id.
  virtual std::vector<RunInfo> list() = 0;
  /// Writes a chunk of households (their done-marks and decisions, and the run's counts) in one transaction of its own.
  virtual void write(std::int64_t run, const std::vector<HouseholdOutcome>& chunk) = 0;
  virtual void finish(std::int64_t run) = 0;
  virtual std::int64_t done_count(std::int64_t run) = 0;
  /// Households finished in a run without an error, with the input hash their decisions were made from.
  virtual std::map<std::string, std::string> finished_households(std::int64_t run) = 0;
  /// A household finished in a run: its input hash and error (empty when none); none when not finished there.
  virtual std::optional<std::pair<std::string, std::string>> household_in_run(std::int64_t run, const std::string& household) = 0;
  /// Up to `limit` households of a run that ended in an error, as "ID: error", by id.
  virtual std::vector<std::string> error_examples(std::int64_t run, int limit) = 0;
};

}  // namespace entitle
