// storage.cpp — choosing the implementation for a location (a postgresql:// URI or an SQLite file), and the wording shared by every implementation.
#include "engine/storage/storage.hpp"

#include "engine/storage/postgres/pg_storage.hpp"
#include "engine/storage/sqlite/sqlite_storage.hpp"

namespace entitle {

namespace {
std::string& process_actor_slot() {
  static std::string actor = "entitle";
  return actor;
}
}  // namespace

void set_process_actor(const std::string& actor) { process_actor_slot() = actor; }
std::string process_actor() { return process_actor_slot(); }

bool is_server_location(const std::string& location) { return is_postgres_location(location); }

std::unique_ptr<Storage> open_storage(const std::string& location) {
  if (is_postgres_location(location)) return std::make_unique<PgStorage>(location);
  return std::make_unique<SqliteStorage>(location);
}
std::unique_ptr<Storage> open_storage_to_audit(const std::string& location) {
  if (is_postgres_location(location)) return std::make_unique<PgStorage>(location, PgStorage::Access::ReadOnly);
  return std::make_unique<SqliteStorage>(location, SqliteStorage::kSchemaVersion, SqliteStorage::Access::ReadOnly);
}

std::optional<StorageError> database_failure(const std::string& location, const std::exception& e) {
  if (is_postgres_location(location)) return PgStorage::failure_of(pg_redacted(location), e);
  return SqliteStorage::failure_of(location, e);
}

StorageError damaged_value(const std::string& location, const std::string& table, const std::string& key,
                           const std::string& column, const std::string& expected, const std::string& found) {
  std::string shown = clip_text(found, kEchoBytes, false);
  return StorageError("the case database '" + location + "' is damaged: table " + table + ", row " + key + ", column " + column +
                      ": expected " + expected + ", found " + shown);
}

}  // namespace entitle
