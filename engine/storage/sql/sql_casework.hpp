// sql_casework.hpp — caseworker decisions, standard amendments and settings in SQL, for SQLite and PostgreSQL alike.
#pragma once
#include "engine/storage/casework_repository.hpp"

namespace entitle {

class SqlStorage;

class SqlCaseworkRepository final : public CaseworkRepository {
public:
  explicit SqlCaseworkRepository(SqlStorage& s) : s_(s) {}
  std::int64_t add_decision(const CaseDecision& d) override;
  std::vector<CaseDecision> decisions_of(const std::string& household, bool with_result) override;
  std::int64_t add_amendment(const Amendment& a) override;
  void set_amendment_preview(std::int64_t id, std::int64_t preview_run, std::int64_t base_run) override;
  bool adopt_amendment(std::int64_t id, const std::string& user) override;
  std::optional<Amendment> amendment(std::int64_t id) override;
  std::vector<Amendment> amendments() override;
  std::optional<std::string> setting(const std::string& key) override;
  void set_setting(const std::string& key, const std::string& value) override;

private:
  SqlStorage& s_;
};

}  // namespace entitle
