// evaluator.hpp — decides every program of a rule set for one household and month.
#pragma once
#include <memory>
#include <optional>

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
  /// Entries compared while recording explanations with this scratch so far: a measure of work, for tests.
  std::uint64_t trace_probes() const;
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// What the evaluator works out once per rule set: standards' rows by specificity, each program's choices, which
/// programs are top-ups, and the options.
struct EvalPlan {
  /// Per standard, its rows from the most specific region (longest code, keyed rows first) to the least.
  std::vector<std::vector<const ir::StandardRow*>> rows;
  /// Per program, the choices it is an option of, with its position among the options.
  std::vector<std::vector<std::pair<const ir::Combination*, int>>> choices;
  /// Per program, whether it is declared a top-up (a top-up of 0.00 is not granted).
  std::vector<bool> top_up;
  /// The entity of the household's `members` list, or -1.
  int member_entity = -1;
  /// Standard values used past their renewal make decisions undetermined instead of provisional.
  bool strict_standards = false;
};

class Evaluator {
public:
  explicit Evaluator(const ir::RuleSet& rs);
  /// `--strict-standards`: a value used past its declared renewal is treated as unknown (undetermined).
  void set_strict_standards(bool strict) { plan_.strict_standards = strict; }
  /// Pure: the same rule set, household and month always give the same result. With `explain`, the result
  /// carries the explanation tree and, for programs not granted, the conditions that failed and by how much.
  HouseholdResult evaluate(const Household& hh, Month month, bool explain, Coverage* coverage = nullptr) const;
  /// The same, reusing `scratch` (the fast path for batches).
  HouseholdResult evaluate(const Household& hh, Month month, bool explain, Coverage* coverage, EvalScratch& scratch) const;
  /// One definition's value for one instance (the household, or the member with this id), as a test expects it.
  struct DefinitionValue {
    bool found = false;         // the instance exists
    bool undetermined = false;  // a needed fact is missing
    std::string text;           // the value as shown in explanations
    std::optional<Rational> number;  // numbers: the exact value
    std::string error;          // an evaluation error
  };
  DefinitionValue evaluate_definition(const Household& hh, Month month, int def, const std::string& instance_id) const;
  /// A coverage record sized for this rule set, nothing exercised yet.
  Coverage empty_coverage() const;

private:
  const ir::RuleSet& rs_;
  EvalPlan plan_;
};

/// How a value is shown in results and explanations (money with two decimals when exact, "…" when not).
std::string format_value(const ir::RuleSet& rs, const ir::Type& type, const struct Value& v);

}  // namespace entitle
