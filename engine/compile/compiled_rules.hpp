// compiled_rules.hpp — the rule set compiled once into an executable form apart from the IR: one closure per
// expression node (a function specialised to the node's operation, operand kinds and types, with its children and
// constants resolved), run over a household without explanation. It decides what the interpreter decides, missing
// facts and choices included; an error in the rules (division by zero, two exceptions that disagree, …) or a number
// that outgrows exact 64-bit arithmetic makes it decline, and the interpreter decides the household and reports it
// (engine/eval/evaluator.cpp).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/eval/eval_plan.hpp"
#include "engine/eval/household.hpp"
#include "engine/eval/result.hpp"
#include "engine/ir/ruleset.hpp"
#include "engine/values/calendar.hpp"

namespace entitle::compiled {

struct Machine;
struct Node;
/// A compiled expression: evaluates node `n` for the instance `self`.
using NodeFn = Value (*)(const Node& n, Machine& m, const Instance* self);

struct Node {
  NodeFn fn = nullptr;
  const Node* k0 = nullptr;  // first three operands, resolved
  const Node* k1 = nullptr;
  const Node* k2 = nullptr;
  std::vector<const Node*> kids;  // every operand (calls, tables)
  const ir::ExprNode* ir = nullptr;
  int a = -1;
  bool flag = false;
  Value constant;  // constants, built once
  Value operator()(Machine& m, const Instance* self) const { return fn(*this, m, self); }
};

/// Working memory of compiled evaluations, reused from household to household; one per thread.
class Scratch {
public:
  Scratch();
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  struct Impl;
  std::unique_ptr<Impl> impl;
  /// Households decided by the compiled form, and households it handed to the interpreter.
  std::uint64_t decided = 0, declined = 0;
};

class CompiledRules {
public:
  CompiledRules(const ir::RuleSet& rs, const EvalPlan& plan);
  CompiledRules(const CompiledRules&) = delete;
  CompiledRules& operator=(const CompiledRules&) = delete;
  /// Decides every program for the household and month into `out` and returns true; or returns false (leaving `out`
  /// unspecified) when the interpreter must decide it: the rules raise an error, or a number outgrows exact 64-bit
  /// arithmetic.
  bool evaluate(const Household& hh, Month month, Scratch& scratch, HouseholdResult& out) const;

  const ir::RuleSet& rules() const { return rs_; }
  const EvalPlan& plan() const { return plan_; }
  const Node& node(int id) const { return nodes_[std::size_t(id)]; }

private:
  const ir::RuleSet& rs_;
  const EvalPlan& plan_;
  std::vector<Node> nodes_;  // one per IR node, same index
};

}  // namespace entitle::compiled
