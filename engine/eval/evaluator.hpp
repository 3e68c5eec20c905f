// evaluator.hpp — decides every program of a rule set for one household and month.
#pragma once
#include <memory>

#include "engine/eval/household.hpp"
#include "engine/eval/result.hpp"
#include "engine/ir/ruleset.hpp"
#include "engine/values/calendar.hpp"

namespace entitle {

/// Working memory of evaluations, reused from one household to the next so a batch does not allocate per
/// household. One per thread; never shared between concurrent evaluations.
class EvalScratch {
public:
  EvalScratch();
  ~EvalScratch();
  EvalScratch(const EvalScratch&) = delete;
  EvalScratch& operator=(const EvalScratch&) = delete;
  struct Impl;
  std::unique_ptr<Impl> impl;
};

class Evaluator {
public:
  explicit Evaluator(const ir::RuleSet& rs);
  /// Pure: the same rule set, household and month always give the same result. With `explain`, the result
  /// carries the explanation tree and, for programs not granted, the conditions that failed and by how much.
  HouseholdResult evaluate(const Household& hh, Month month, bool explain, Coverage* coverage = nullptr) const;
  /// The same, reusing `scratch` (the fast path for batches).
  HouseholdResult evaluate(const Household& hh, Month month, bool explain, Coverage* coverage, EvalScratch& scratch) const;
  /// A coverage record sized for this rule set, nothing exercised yet.
  Coverage empty_coverage() const;

private:
  const ir::RuleSet& rs_;
  /// Per standard, its rows from the most specific region (longest code, keyed rows first) to the least.
  std::vector<std::vector<const ir::StandardRow*>> rows_by_specificity_;
};

/// How a value is shown in results and explanations (money with two decimals when exact, "…" when not).
std::string format_value(const ir::RuleSet& rs, const ir::Type& type, const struct Value& v);

}  // namespace entitle
