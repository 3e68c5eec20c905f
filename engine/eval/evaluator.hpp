// evaluator.hpp — decides every program of a rule set for one household and month.
#pragma once
#include "engine/eval/household.hpp"
#include "engine/eval/result.hpp"
#include "engine/ir/ruleset.hpp"
#include "engine/values/calendar.hpp"

namespace entitle {

class Evaluator {
public:
  explicit Evaluator(const ir::RuleSet& rs) : rs_(rs) {}
  /// Pure: the same rule set, household and month always give the same result. With `explain`, the result
  /// carries the explanation tree and, for programs not granted, the conditions that failed and by how much.
  HouseholdResult evaluate(const Household& hh, Month month, bool explain, Coverage* coverage = nullptr) const;
  /// A coverage record sized for this rule set, nothing exercised yet.
  Coverage empty_coverage() const;

private:
  const ir::RuleSet& rs_;
};

/// How a value is shown in results and explanations (money with two decimals when exact, "…" when not).
std::string format_value(const ir::RuleSet& rs, const ir::Type& type, const struct Value& v);

}  // namespace entitle
