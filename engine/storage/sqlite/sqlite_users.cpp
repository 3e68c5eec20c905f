// sqlite_users.cpp — SQL for users and sessions.
#include "engine/storage/sqlite/sqlite_users.hpp"

#include <SQLiteCpp/Statement.h>

#include <nlohmann/json.hpp>

#include "engine/storage/sqlite/sqlite_ledger.hpp"
#include "engine/storage/sqlite/sqlite_storage.hpp"

namespace entitle {
namespace {

UserRecord read_user(const SqliteStorage& db, SQLite::Statement& st) {
  UserRecord u;
  u.name = st.getColumn(0).getString();
  u.role = st.getColumn(1).getString();
  std::string townships = st.getColumn(2).getString();
  u.password_hash = st.getColumn(3).getString();
  u.created = st.getColumn(4).getString();
  auto j = nlohmann::json::parse(townships, nullptr, false);
  if (!j.is_array()) throw db.damaged("users", "(name " + u.name + ")", "townships", "a JSON list of codes", townships);
  for (const auto& t : j) {
    if (!t.is_string()) throw db.damaged("users", "(name " + u.name + ")", "townships", "a JSON list of codes", townships);
    u.townships.push_back(t.get<std::string>());
  }
  return u;
}

const char* kUserColumns = "SELECT name, role, townships, password_hash, created FROM users ";

}  // namespace

bool SqliteUserRepository::add(const UserRecord& user) {
  SQLite::Statement st(s_.db(), "INSERT INTO users(name, role, townships, password_hash, created) "
                                 "VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) ON CONFLICT(name) DO NOTHING");
  st.bind(1, user.name);
  st.bind(2, user.role);
  st.bind(3, nlohmann::json(user.townships).dump());
  st.bind(4, user.password_hash);
  bool added = false;
  s_.in_write([&] {
    added = st.exec() == 1;
    if (added) s_.sqlite_ledger().touch("user:" + user.name);
  });
  return added;
}

std::optional<UserRecord> SqliteUserRepository::find(const std::string& name) {
  SQLite::Statement st(s_.db(), std::string(kUserColumns) + "WHERE name = ?");
  st.bind(1, name);
  if (!st.executeStep()) return std::nullopt;
  return read_user(s_, st);
}

std::vector<UserRecord> SqliteUserRepository::list() {
  std::vector<UserRecord> out;
  SQLite::Statement st(s_.db(), std::string(kUserColumns) + "ORDER BY name");
  while (st.executeStep()) out.push_back(read_user(s_, st));
  return out;
}

void SqliteUserRepository::create_session(const SessionRecord& s) {
  SQLite::Statement st(s_.db(), "INSERT INTO sessions(token_hash, user, csrf, created, last_seen) VALUES (?, ?, ?, ?, ?)");
  st.bind(1, s.token_hash);
  st.bind(2, s.user);
  st.bind(3, s.csrf);
  st.bind(4, s.created);
  st.bind(5, s.last_seen);
  st.exec();
}

std::optional<SessionRecord> SqliteUserRepository::find_session(const std::string& token_hash) {
  SQLite::Statement st(s_.db(), "SELECT token_hash, user, csrf, created, last_seen FROM sessions WHERE token_hash = ?");
  st.bind(1, token_hash);
  if (!st.executeStep()) return std::nullopt;
  return SessionRecord{st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                       st.getColumn(3).getInt64(), st.getColumn(4).getInt64()};
}

void SqliteUserRepository::touch_session(const std::string& token_hash, std::int64_t now) {
  SQLite::Statement st(s_.db(), "UPDATE sessions SET last_seen = ? WHERE token_hash = ?");
  st.bind(1, now);
  st.bind(2, token_hash);
  st.exec();
}

void SqliteUserRepository::delete_session(const std::string& token_hash) {
  SQLite::Statement st(s_.db(), "DELETE FROM sessions WHERE token_hash = ?");
  st.bind(1, token_hash);
  st.exec();
}

void SqliteUserRepository::purge_sessions(std::int64_t created_before, std::int64_t seen_before) {
  SQLite::Statement st(s_.db(), "DELETE FROM sessions WHERE created < ? OR last_seen < ?");
  st.bind(1, created_before);
  st.bind(2, seen_before);
  st.exec();
}

}  // namespace entitle
