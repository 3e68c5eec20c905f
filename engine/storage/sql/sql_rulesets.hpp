// sql_rulesets.hpp — rule sets and their standards' values in SQL, for SQLite and PostgreSQL alike.
#pragma once
#include "engine/storage/ruleset_repository.hpp"

namespace entitle {

class SqlStorage;

class SqlRulesetRepository final : public RulesetRepository {
public:
  explicit SqlRulesetRepository(SqlStorage& s) : s_(s) {}
  void store(const LoadedRules& loaded) override;
  std::vector<std::pair<std::string, std::string>> sources(const std::string& hash) override;

private:
  SqlStorage& s_;
};

}  // namespace entitle
