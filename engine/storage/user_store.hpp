// user_store.hpp — users (name, role, townships, password hash) and their sessions in the case database.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/storage/case_database.hpp"

namespace entitle {

struct UserRecord {
  std::string name, role, password_hash, created;
  std::vector<std::string> townships;  // 9-digit township or 6-digit county codes
};

struct SessionRecord {
  std::string token_hash, user, csrf;
  std::int64_t created = 0, last_seen = 0;  // unix seconds
};

class UserStore {
public:
  explicit UserStore(CaseDatabase& db) : db_(db) {}
  /// Adds a user; false when the name is taken.
  bool add(const UserRecord& user);
  std::optional<UserRecord> find(const std::string& name);
  std::vector<UserRecord> list();

  void create_session(const SessionRecord& s);
  std::optional<SessionRecord> find_session(const std::string& token_hash);
  void touch_session(const std::string& token_hash, std::int64_t now);
  void delete_session(const std::string& token_hash);
  /// Deletes sessions created before `created_before` or idle since before `seen_before`.
  void purge_sessions(std::int64_t created_before, std::int64_t seen_before);

private:
  CaseDatabase& db_;
};

}  // namespace entitle
