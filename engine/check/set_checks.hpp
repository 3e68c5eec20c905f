// set_checks.hpp — checks over the whole bound rule set: dependency cycles, standards' timelines, decision tables,
// exceptions that provably conflict.
#pragma once
#include <vector>

#include "engine/diag/diagnostic.hpp"
#include "engine/ir/ruleset.hpp"

namespace entitle::check {

/// The dependency graph of a rule set: definitions, standards, and three vertices per program (its own
/// eligibility, its final decision after exclusions and choices, its amount and members).
struct ProgramGraph {
  const ir::RuleSet& rs;
  int D, S;
  std::vector<std::vector<int>> out;
  std::vector<int> node_depth;  // per expression node: 1 for a leaf, else 1 + its deepest kid
  std::vector<int> weight;      // per vertex: its deepest expression

  /// `exclusions`: include the edges of declared exclusions (for cycles), or only what the rules read.
  ProgramGraph(const ir::RuleSet& r, bool exclusions);
  int own_vertex(int p) const { return D + S + 3 * p; }
  int final_vertex(int p) const { return D + S + 3 * p + 1; }
  int amount_vertex(int p) const { return D + S + 3 * p + 2; }
  void refs(int node, int from);
  void add(int from, int to);
  std::string name(int v) const;
  SourceSpan span(int v) const;
  bool reaches(int from, int to) const;
};

/// Definitions, standards and programs that depend on each other in a circle (names the whole circle); without
/// one, a chain of them (with their expressions) deeper than kMaxEvaluationDepth, which evaluation would recurse.
void check_cycles(const ir::RuleSet& rs, DiagnosticSink& sink);
/// How deep evaluation may recurse: expression nodes along the deepest path, a use of a definition, standard or
/// program counting kReferenceDepth. Measured (RelWithDebInfo): about 0.45 KB of stack per node and 2.2 KB per
/// definition in a chain, so the limit stays near 1 MB of stack, an eighth of a thread's 8 MB.
constexpr int kMaxEvaluationDepth = 2000;
constexpr int kReferenceDepth = 4;
/// Every pair of programs declared once (exclusive, choice, compatible or top_up); an exclusive member program over
/// a household program must keep its persons out of the household program's members; a top-up must read what it
/// tops up.
void check_combinations(const ir::RuleSet& rs, DiagnosticSink& sink);
/// Each standard's values per region and key: oldest first, no two in force at once; gaps are warnings.
void check_timelines(const ir::RuleSet& rs, DiagnosticSink& sink);
/// Decision tables: rows that leave inputs unmatched (gaps) and, for hit policy unique, rows that overlap.
void check_tables(const ir::RuleSet& rs, DiagnosticSink& sink);
/// Two exceptions with the same condition text but different results.
void check_exception_conflicts(const ir::RuleSet& rs, const SourceManager& sm, const std::vector<ir::ExceptionDef>& exs,
                               DiagnosticSink& sink);

}  // namespace entitle::check
