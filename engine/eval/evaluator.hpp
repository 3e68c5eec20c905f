// evaluator.hpp — decides every program of a rule set for one household and month.
#pragma once
#include <memory>
#include <optional>

#include "engine/compile/compiled_rules.hpp"
#include "engine/eval/eval_plan.hpp"
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
  /// Households this scratch's evaluations decided with the compiled form, and those it left to the interpreter.
  std::uint64_t compiled_decided() const;
  std::uint64_t compiled_declined() const;
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// Decides households two ways that give the same results: the compiled form (engine/compile/) for a decision without
/// its explanation, and the interpreter, which explains, names missing facts and reports errors in the rules. The
/// compiled form hands every household it cannot decide exactly as the interpreter would to the interpreter;
/// tests/unit/compiled_differential_test.cpp checks that both agree.
class Evaluator {
public:
  explicit Evaluator(const ir::RuleSet& rs);
  /// `--strict-standards`: a value used past its declared renewal is treated as unknown (undetermined).
  void set_strict_standards(bool strict) { plan_.strict_standards = strict; }
  /// Whether decisions without explanation try the compiled form first (the default); off, the interpreter decides
  /// every household (for the differential test and for measuring).
  void set_compiled(bool on) { use_compiled_ = on; }
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
  std::shared_ptr<const EvalPlan> compiled_plan_;  // the compiled form's own copy (copies of the evaluator share it)
  std::shared_ptr<const compiled::CompiledRules> compiled_;
  bool use_compiled_ = true;
};

/// ENTITLE_CROSS_CHECK=1 in the environment: every household the compiled form decides is decided by the interpreter
/// too, and a difference throws std::logic_error naming it (the unit tests run so).
bool cross_check_enabled();

/// How a value is shown in results and explanations (money with two decimals when exact, "…" when not).
std::string format_value(const ir::RuleSet& rs, const ir::Type& type, const struct Value& v);

}  // namespace entitle
