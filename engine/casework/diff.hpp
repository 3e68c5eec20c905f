// diff.hpp — `entitle diff`: what changes between two runs, per program and per township, with the monthly cost
// delta and, for each changed household, the standard or fact that changed.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "engine/storage/case_database.hpp"
#include "engine/values/rational.hpp"

namespace entitle {

enum class Change { NewlyEligible, NoLongerEligible, Increased, Decreased, Unchanged, Undetermined };
const char* change_label(Change c);  // Chinese label for reports

struct ChangeCounts {
  std::int64_t count[6] = {0, 0, 0, 0, 0, 0};
  Rational cost_delta;  // monthly programs: new − old, in yuan per month
};

struct ChangedHousehold {
  std::string household, township, program;
  Change change = Change::Unchanged;
  std::string old_amount, new_amount, delta;  // "" when not granted / undetermined
  std::string reason;                         // the standard or fact that changed
};

struct DiffReport {
  std::int64_t from_run = 0, to_run = 0;
  std::string from_period, to_period, from_ruleset, to_ruleset;
  std::map<std::string, ChangeCounts> by_program;
  std::map<std::string, std::map<std::string, ChangeCounts>> by_township;  // township → program → counts
  std::map<std::string, std::string> township_names;
  std::map<std::string, std::string> program_labels;
  std::vector<ChangedHousehold> changes;  // every household × program that is not unchanged
  Rational total_cost_delta;
};

/// Compares the runs' decisions for one month each: the latest month both cover, else each run's last month.
/// Throws StorageError naming a run that does not exist.
DiffReport diff_runs(CaseDatabase& db, std::int64_t from_run, std::int64_t to_run);

/// Writes changes.csv and summary.csv and report.html into `dir`; returns the path of the HTML report.
std::string write_diff_report(const DiffReport& report, const std::string& dir);

}  // namespace entitle
