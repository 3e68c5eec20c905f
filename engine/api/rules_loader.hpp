// rules_loader.hpp — loads a rule-set directory: every *.rules file below it, parsed, checked and hashed.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/source.hpp"
#include "engine/diag/diagnostic.hpp"
#include "engine/ir/ruleset.hpp"

namespace entitle {

/// The most one rule file may hold (the largest shipped file is 17 KB), and all the files of a rule set together
/// (the shipped library is 172 KB). Larger ones are refused with RuleFileTooLarge before they are parsed.
constexpr std::size_t kMaxRuleFileBytes = std::size_t(1) << 20;
constexpr std::size_t kMaxRuleSetBytes = std::size_t(8) << 20;

struct LoadedRules {
  std::string root;  // the directory as given
  SourceManager sources;
  DiagnosticSink diagnostics;
  std::optional<ir::RuleSet> rules;  // set when there are no errors
};

/// Reads DIR/**/*.rules in sorted path order (or one file when DIR is a file). The content hash covers every
/// file's relative path and bytes, so the same rules always carry the same hash.
std::unique_ptr<LoadedRules> load_rules(const std::string& dir);

/// The same, with more files after the directory's (relative name, text): a county's adopted standard amendments.
/// They are part of the rule set's content hash.
std::unique_ptr<LoadedRules> load_rules(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& extra);

/// The same from in-memory files (name, text), in the order given; for tests and tools.
std::unique_ptr<LoadedRules> load_rules_from_texts(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace entitle
