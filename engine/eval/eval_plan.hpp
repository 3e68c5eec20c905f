// eval_plan.hpp — what both evaluators (the compiled one and the explaining interpreter) work out once per rule set:
// standards' rows by specificity, each program's choices, which programs are top-ups.
#pragma once
#include <utility>
#include <vector>

#include "engine/ir/ruleset.hpp"

namespace entitle {

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

EvalPlan make_eval_plan(const ir::RuleSet& rs);

/// Level names of a standard row's region, by the length of its code: national, province, …
extern const char* const kRegionLevelNames[5];

}  // namespace entitle
