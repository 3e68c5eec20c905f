// sql_users.cpp — SQL for users and sessions.
#include "engine/storage/sql/sql_users.hpp"

#include "engine/storage/sql/sql_connection.hpp"

#include <nlohmann/json.hpp>

#include "engine/storage/sql/sql_ledger.hpp"
#include "engine/storage/sql/sql_storage.hpp"

namespace entitle {
namespace {

UserRecord read_user(const SqlStorage& db, SqlStatement& st) {
  UserRecord u;
  u.name = st.column(0).text();
  u.role = st.column(1).text();
  std::string townships = st.column(2).text();
  u.password_hash = st.column(3).text();
  u.created = st.column(4).text();
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

bool SqlUserRepository::add(const UserRecord& user) {
  SqlStatement st(s_.sql(), "INSERT INTO users(name, role, townships, password_hash, created) "
                                 "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO NOTHING");
  st.bind(1, user.name);
  st.bind(2, user.role);
  st.bind(3, nlohmann::json(user.townships).dump());
  st.bind(4, user.password_hash);
  st.bind(5, utc_timestamp());
  bool added = false;
  s_.in_write([&] {
    added = st.exec() == 1;
    if (added) s_.sql_ledger().touch("user:" + user.name);
  });
  return added;
}

std::optional<UserRecord> SqlUserRepository::find(const std::string& name) {
  SqlStatement st(s_.sql(), std::string(kUserColumns) + "WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return read_user(s_, st);
}

std::vector<UserRecord> SqlUserRepository::list() {
  std::vector<UserRecord> out;
  SqlStatement st(s_.sql(), std::string(kUserColumns) + "ORDER BY name");
  while (st.step()) out.push_back(read_user(s_, st));
  return out;
}

void SqlUserRepository::create_session(const SessionRecord& s) {
  SqlStatement st(s_.sql(), "INSERT INTO sessions(token_hash, \"user\", csrf, created, last_seen) VALUES (?, ?, ?, ?, ?)");
  st.bind(1, s.token_hash);
  st.bind(2, s.user);
  st.bind(3, s.csrf);
  st.bind(4, s.created);
  st.bind(5, s.last_seen);
  st.exec();
}

std::optional<SessionRecord> SqlUserRepository::find_session(const std::string& token_hash) {
  SqlStatement st(s_.sql(), "SELECT token_hash, \"user\", csrf, created, last_seen FROM sessions WHERE token_hash = ?");
  st.bind(1, token_hash);
  if (!st.step()) return std::nullopt;
  return SessionRecord{st.column(0).text(), st.column(1).text(), st.column(2).text(),
                       st.column(3).int64(), st.column(4).int64()};
}

void SqlUserRepository::touch_session(const std::string& token_hash, std::int64_t now) {
  SqlStatement st(s_.sql(), "UPDATE sessions SET last_seen = ? WHERE token_hash = ?");
  st.bind(1, now);
  st.bind(2, token_hash);
  st.exec();
}

void SqlUserRepository::delete_session(const std::string& token_hash) {
  SqlStatement st(s_.sql(), "DELETE FROM sessions WHERE token_hash = ?");
  st.bind(1, token_hash);
  st.exec();
}

void SqlUserRepository::purge_sessions(std::int64_t created_before, std::int64_t seen_before) {
  SqlStatement st(s_.sql(), "DELETE FROM sessions WHERE created < ? OR last_seen < ?");
  st.bind(1, created_before);
  st.bind(2, seen_before);
  st.exec();
}

}  // namespace entitle
