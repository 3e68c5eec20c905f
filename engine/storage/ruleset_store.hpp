// ruleset_store.hpp — rule sets in the case database: full sources by content hash, and their standards' values.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/api/rules_loader.hpp"
#include "engine/storage/case_database.hpp"

namespace entitle {

/// Stores the rule set (idempotent: the hash is the key). Sources are stored relative to the rule-set root.
void store_ruleset(CaseDatabase& db, const LoadedRules& loaded);

/// The stored sources of a rule set, (relative file name, text) in order; empty when the hash is unknown.
std::vector<std::pair<std::string, std::string>> stored_sources(CaseDatabase& db, const std::string& hash);

}  // namespace entitle
