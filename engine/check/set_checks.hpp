// set_checks.hpp — checks over the whole bound rule set: dependency cycles, standards' timelines, decision tables,
// exceptions that provably conflict.
#pragma once
#include <vector>

#include "engine/diag/diagnostic.hpp"
#include "engine/ir/ruleset.hpp"

namespace entitle::check {

/// Definitions, standards and programs that depend on each other in a circle (names the whole circle).
void check_cycles(const ir::RuleSet& rs, DiagnosticSink& sink);
/// Each standard's values per region and key: oldest first, no two in force at once; gaps are warnings.
void check_timelines(const ir::RuleSet& rs, DiagnosticSink& sink);
/// Decision tables: rows that leave inputs unmatched (gaps) and, for hit policy unique, rows that overlap.
void check_tables(const ir::RuleSet& rs, DiagnosticSink& sink);
/// Two exceptions with the same condition text but different results.
void check_exception_conflicts(const ir::RuleSet& rs, const SourceManager& sm, const std::vector<ir::ExceptionDef>& exs,
                               DiagnosticSink& sink);

}  // namespace entitle::check
