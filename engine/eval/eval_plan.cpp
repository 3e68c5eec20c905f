// eval_plan.cpp — builds the per-rule-set plan both evaluators share.
#include "engine/eval/eval_plan.hpp"

#include <algorithm>

namespace entitle {

const char* const kRegionLevelNames[5] = {"全国 national", "省级 province", "地级 prefecture", "县级 county", "乡级 township"};

EvalPlan make_eval_plan(const ir::RuleSet& rs) {
  EvalPlan plan;
  for (const ir::Standard& st : rs.standards) {
    std::vector<const ir::StandardRow*> rows;
    for (const ir::StandardRow& row : st.rows) rows.push_back(&row);
    std::stable_sort(rows.begin(), rows.end(), [](const ir::StandardRow* a, const ir::StandardRow* b) {
      if (a->region.size() != b->region.size()) return a->region.size() > b->region.size();
      return a->key > b->key;  // a row for a key before a row for any key (-1)
    });
    plan.rows.push_back(std::move(rows));
  }
  if (rs.root_entity >= 0)
    if (int f = rs.entities[rs.root_entity].find_field("members"); f >= 0)
      plan.member_entity = rs.entities[rs.root_entity].fields[f].type.ref;
  plan.choices.resize(rs.programs.size());
  plan.top_up.assign(rs.programs.size(), false);
  for (const ir::Combination& c : rs.combinations) {
    if (c.kind == ir::CombinationKind::Choice)
      for (std::size_t i = 0; i < c.programs.size(); ++i) plan.choices[c.programs[i]].push_back({&c, int(i)});
    if (c.kind == ir::CombinationKind::TopUp) plan.top_up[c.programs[0]] = true;
  }
  return plan;
}

}  // namespace entitle
