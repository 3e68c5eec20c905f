// render.hpp — results as the JSON of shared/spec/household-format.md, and as text a caseworker reads (Chinese labels).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/source.hpp"
#include "engine/eval/household.hpp"
#include "engine/eval/result.hpp"
#include "engine/ir/ruleset.hpp"

namespace entitle {

/// One JSON object on one line: {"household","period","ruleset","entitlements":[…],"errors":[…]}; with
/// `explain`, each entitlement carries "reasons" (sentences, engine/explain/reasons.hpp) and "why_not", and the
/// result an "explanation" tree. `hh`, the household evaluated, names members by the record's names in the reasons
/// (without it, by the names the result carries, else by id); without `explain` it changes nothing.
std::string render_result_json(const ir::RuleSet& rs, const SourceManager& sm, const HouseholdResult& r, bool explain,
                               const Household* hh = nullptr);
/// render_result_json for many results of one rule set: the rule set's own texts (program names, labels, citations)
/// escaped once, each result appended to a buffer (bulk output: no string, no tree per result). The same bytes.
class ResultJsonWriter {
public:
  ResultJsonWriter(const ir::RuleSet& rs, const SourceManager& sm);
  void append(std::string& out, const HouseholdResult& r, bool explain, const Household* hh = nullptr) const;

private:
  const ir::RuleSet& rs_;
  const SourceManager& sm_;
  std::string ruleset_;                    // "ruleset":"sha256:…"
  std::vector<std::string> program_head_;  // per program: "program":"…","label":"…"
  std::vector<std::string> program_tail_;  // per program: "citation":"…"
};

/// A readable report; with `explain`, each program's reasons as sentences (each over the conditions it says, in
/// code form with their place in the rules) and the explanation tree with rules, citations, standards and facts.
std::string render_result_text(const ir::RuleSet& rs, const SourceManager& sm, const HouseholdResult& r, bool explain,
                               const Household* hh = nullptr);

/// "file:line" of a span.
/// Runs of blanks and line breaks as one space, trimmed: rule text on one line.
std::string collapse_whitespace(std::string_view text);

std::string location(const SourceManager& sm, const SourceSpan& s);

}  // namespace entitle
