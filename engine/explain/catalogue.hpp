// catalogue.hpp — the rule catalogue a county office reads to check the rules against the regulations.
#pragma once
#include "engine/base/source.hpp"
#include "engine/explain/document.hpp"
#include "engine/ir/ruleset.hpp"

namespace entitle {

/// Every program with its label, conditions (as written and in words), amount, exceptions, warnings,
/// exclusions and the definitions it relies on; every standard with its timeline per region and the source of
/// each value; the regions; the decision tables; and the list of values no source gives yet.
Document build_catalogue(const ir::RuleSet& rs, const SourceManager& sm);

}  // namespace entitle
