// sql_users.hpp — users and sessions in SQL, for SQLite and PostgreSQL alike.
#pragma once
#include "engine/storage/user_repository.hpp"

namespace entitle {

class SqlStorage;

class SqlUserRepository final : public UserRepository {
public:
  explicit SqlUserRepository(SqlStorage& s) : s_(s) {}
  bool add(const UserRecord& user) override;
  std::optional<UserRecord> find(const std::string& name) override;
  std::vector<UserRecord> list() override;
  void create_session(const SessionRecord& s) override;
  std::optional<SessionRecord> find_session(const std::string& token_hash) override;
  void touch_session(const std::string& token_hash, std::int64_t now) override;
  void delete_session(const std::string& token_hash) override;
  void purge_sessions(std::int64_t created_before, std::int64_t seen_before) override;

private:
  SqlStorage& s_;
};

}  // namespace entitle
