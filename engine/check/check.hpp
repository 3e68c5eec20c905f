// check.hpp — turns parsed rule files into a typed, checked rule set, reporting every problem it finds.
#pragma once
#include <optional>
#include <vector>

#include "engine/diag/diagnostic.hpp"
#include "engine/ir/ruleset.hpp"
#include "engine/syntax/ast.hpp"

namespace entitle {

/// Resolves names, checks types, orders definitions (reporting cycles), checks standards' timelines and
/// decision tables. Returns the rule set when there are no errors (warnings allowed).
std::optional<ir::RuleSet> check_rule_files(const SourceManager& sm, const std::vector<ast::RuleFile>& files,
                                            DiagnosticSink& sink);

}  // namespace entitle
