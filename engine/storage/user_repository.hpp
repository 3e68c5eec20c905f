// user_repository.hpp — users (name, role, townships, password hash) and their sessions in the case database.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace entitle {

struct UserRecord {
  std::string name, role, password_hash, created;
  std::vector<std::string> townships;  // 9-digit township or 6-digit county codes
};

struct SessionRecord {
  std::string token_hash, user, csrf;
  std::int64_t created = 0, last_seen = 0;  // unix seconds
};

class UserRepository {
public:
  virtual ~UserRepository() = default;
  /// Adds a user; false when the name is taken.
  virtual bool add(const UserRecord& user) = 0;
  virtual std::optional<UserRecord> find(const std::string& name) = 0;
  /// Every user, by name.
  virtual std::vector<UserRecord> list() = 0;

  virtual void create_session(const SessionRecord& s) = 0;
  virtual std::optional<SessionRecord> find_session(const std::string& token_hash) = 0;
  virtual void touch_session(const std::string& token_hash, std::int64_t now) = 0;
  virtual void delete_session(const std::string& token_hash) = 0;
  /// Deletes sessions created before `created_before` or idle since before `seen_before`.
  virtual void purge_sessions(std::int64_t created_before, std::int64_t seen_before) = 0;
};

}  // namespace entitle
