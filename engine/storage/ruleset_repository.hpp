// ruleset_repository.hpp — rule sets in the case database: full sources by content hash, and their standards' values.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "engine/api/rules_loader.hpp"

namespace entitle {

class RulesetRepository {
public:
  virtual ~RulesetRepository() = default;
  /// Stores the rule set and its standards' values (idempotent: the hash is the key; in one transaction of its own).
  /// Sources are stored relative to the rule-set root.
  virtual void store(const LoadedRules& loaded) = 0;
  /// The stored sources of a rule set, (relative file name, text) in order; empty when the hash is unknown.
  virtual std::vector<std::pair<std::string, std::string>> sources(const std::string& hash) = 0;
};

}  // namespace entitle
