// sqlite_rulesets.hpp — rule sets and their standards' values in SQLite.
#pragma once
#include "engine/storage/ruleset_repository.hpp"

namespace entitle {

class SqliteStorage;

class SqliteRulesetRepository final : public RulesetRepository {
public:
  explicit SqliteRulesetRepository(SqliteStorage& s) : s_(s) {}
  void store(const LoadedRules& loaded) override;
  std::vector<std::pair<std::string, std::string>> sources(const std::string& hash) override;

private:
  SqliteStorage& s_;
};

}  // namespace entitle
