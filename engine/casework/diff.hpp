// diff.hpp — `entitle diff`: what changes between two runs, per program and per township: monthly and annual cost
// before and after, undetermined decisions counted with their missing facts, every loser, the cases to review, and
// for each changed household the real cause, found by comparing the two decisions' explanation trees.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/api/rules_loader.hpp"
#include "engine/eval/result.hpp"
#include "engine/storage/storage.hpp"
#include "engine/values/calendar.hpp"
#include "engine/values/rational.hpp"

namespace entitle {

enum class Change { NewlyEligible, NoLongerEligible, Increased, Decreased, Unchanged, Undetermined };
const char* change_label(Change c);  // Chinese label for reports

struct ChangeCounts {
  std::int64_t count[6] = {0, 0, 0, 0, 0, 0};
  Rational delta;         // new − old, per the program's own period (per month, semester, year or once)
  Rational annual_delta;  // new − old over a year: monthly × 12, semesterly × 2, yearly × 1; 0 for once
  Rational once_delta;    // programs paid once: new − old
};

/// One program across both runs (households finished in both), for the month compared.
struct ProgramSummary {
  std::string program, label, per;  // per: month | semester | year | once
  ChangeCounts changes;
  Rational before, after;           // sums of known granted amounts, per `per`
  std::int64_t paid_before = 0, paid_after = 0;
  std::int64_t undetermined_before = 0, undetermined_after = 0;        // eligibility undetermined
  std::int64_t amount_unknown_before = 0, amount_unknown_after = 0;    // granted, amount undetermined
  std::int64_t partly_unknown_after = 0;  // granted with an amount, but some member's part still undetermined
  std::int64_t excluded_after = 0, choice_needed_after = 0, review_after = 0, provisional_after = 0;
  std::vector<std::pair<std::string, std::int64_t>> top_missing;  // the later run's most common missing facts (≤ 3)
  bool once() const { return per == "once"; }
};

/// A standard value in force for the compared month that differs between the two rule sets.
struct ChangedStandard {
  std::string standard, label, region, key;
  std::string old_value, old_from, new_value, new_from;  // value "" when none is in force
  std::string cite;                                       // the new value's source
};

struct ChangedHousehold {
  std::string household, township, program;
  Change change = Change::Unchanged;
  std::string per;
  std::optional<DecisionKind> old_kind, new_kind;   // none: no stored row (not granted)
  std::string old_amount, new_amount, delta;       // "" when not paid / undetermined
  std::string annual_delta;                        // "" for once programs and undetermined changes
  Rational delta_value;                            // new − old per period (0 when undetermined)
  std::vector<std::string> reasons;                // the differing values nearest the decision, in Chinese with codes
  std::string reason;                              // reasons joined by "; "
  std::vector<std::string> review;                 // the later decision's review reasons
  bool provisional = false;                        // the later decision used a standard value past its renewal
  bool offset = false;  // a decrease (a top-up) matched by increases of the same household's other programs: the
                        // household is not paid less, so it is not listed among those who lose
};

/// A case of the later run to review (复核): its decision carries review reasons, or is provisional (stale values).
struct ReviewCase {
  std::string household, township, program;
  DecisionKind kind = DecisionKind::NotGranted;
  std::string amount;                 // "" when not paid
  std::string per;
  std::vector<std::string> reasons;   // review reasons
  std::vector<StaleValue> stale;      // standard values past their renewal
};

struct DiffReport {
  std::int64_t from_run = 0, to_run = 0;
  std::string from_period, to_period, from_ruleset, to_ruleset;
  std::int64_t households_compared = 0;            // finished (without error) in both runs
  std::int64_t only_in_from = 0, only_in_to = 0;   // finished in one run only: not compared
  std::int64_t records_changed = 0;                // compared households whose record version differs
  std::vector<std::string> program_order;          // programs in declaration order
  std::map<std::string, ProgramSummary> programs;
  std::map<std::string, std::map<std::string, ChangeCounts>> by_township;  // township → program → counts
  std::map<std::string, std::string> township_names;
  std::vector<ChangedStandard> changed_standards;
  std::vector<ChangedHousehold> changes;           // every household × program that changed, by household
  std::vector<ReviewCase> review;                  // later-run decisions with review reasons
  std::vector<ReviewCase> provisional;             // later-run decisions using stale standard values
  std::vector<std::pair<std::string, std::int64_t>> stale_values;  // each stale value described, with its count
  // Totals over programs paid monthly, per semester and per year (amounts known):
  Rational annual_before, annual_after;  // yuan per year
  Rational once_before, once_after;      // programs paid once, not in the annual totals
  Rational monthly_before() const { return annual_before / Rational(12); }
  Rational monthly_after() const { return annual_after / Rational(12); }
};

/// Compares the runs' decisions for one month each: the latest month both cover, else each run's last month.
/// Each changed household is evaluated again, with explanations, under each run's rule set and with the record
/// version each run used, to name the cause. Throws StorageError naming a run that does not exist or a damaged row.
DiffReport diff_runs(Storage& db, std::int64_t from_run, std::int64_t to_run);

/// A run's rule set rebuilt from the source stored in the database; a StorageError naming the database when it is
/// missing or no longer checks.
std::unique_ptr<LoadedRules> stored_rules(Storage& db, const std::string& hash);

/// The programs of a run's rule set with what they are paid per: a stored decision naming another program, or paid
/// per another period, is a damaged row (a StorageError naming the database, table, row and column).
class RunPrograms {
public:
  RunPrograms(Storage& db, std::int64_t run, const ir::RuleSet& rs);
  void check(const StoredDecision& d) const;

private:
  Storage& db_;
  std::int64_t run_;
  std::map<std::string, std::string> per_;  // program → month | semester | year | once
  std::string names_;
};

/// Why one program's decision differs between two explained evaluations (`before` under `old_rules` for
/// `old_month`, `after` under `new_rules` for `new_month`): the two explanation trees are walked in parallel from
/// the program; a node equal on both sides is not followed; the leaves of the differing region are reported
/// (standards, household facts, definitions whose inputs did not differ), with a change of route (exception)
/// and of the members covered. At most `limit` leaves, nearest the program first. Chinese, with codes in brackets.
std::vector<std::string> explain_change(const LoadedRules& old_rules, const HouseholdResult& before, Month old_month,
                                        const LoadedRules& new_rules, const HouseholdResult& after, Month new_month,
                                        const std::string& program, bool record_changed, std::size_t limit = 4);

/// Writes report.html (with losers-N.html, review-N.html and changes-N.html pages of 200 rows), changes.csv,
/// losers.csv, review.csv and summary.csv into `dir`; returns the path of report.html.
std::string write_diff_report(const DiffReport& report, const std::string& dir);

/// The report's summary as text (what `entitle diff` prints). Deterministic.
std::string render_diff_text(const DiffReport& report);

/// The CSVs' byte-order mark: Excel opens a UTF-8 file as UTF-8 (Chinese text) only with it.
inline constexpr const char* kCsvBom = "\xEF\xBB\xBF";
/// A CSV cell, quoted when it holds a comma, quote or line break.
std::string csv_cell(const std::string& s);

/// Money with a sign: "+80.00", "-20.00", "0.00"; rounded half up to the fen when not a whole number of fen.
std::string signed_money(const Rational& r);
/// Money rounded half up to the fen: "440.00".
std::string money_text(const Rational& r);

}  // namespace entitle
