// storage.cpp — choosing the implementation for a location (a postgresql:// URI or an SQLite file), and the wording shared by every implementation.
#include "engine/storage/storage.hpp"

#include "engine/storage/postgres/pg_connection.hpp"  // pg_redacted
#include "engine/storage/postgres/pg_storage.hpp"
#include "engine/storage/sql/sql_move.hpp"
#include "engine/storage/sqlite/sqlite_storage.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

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

namespace {
std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The signing key goes with the ledger: copied to the target's key file when that has none (owner-only).
std::string carry_key(const SqlStorage& from, const SqlStorage& to) {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("ENTITLE_LEDGER_KEY"); env && *env)
    return std::string("两个数据库都用 ENTITLE_LEDGER_KEY 指定的密钥 ") + env + " (both sign with the key ENTITLE_LEDGER_KEY names)";
  std::string src = from.default_key_file(), dst = to.default_key_file();
  std::error_code ec;
  if (src.empty() || !fs::exists(src, ec))
    return "源数据库旁没有密钥文件 '" + src + "'：新数据库将使用新密钥签名，核验时显示密钥更换 (no key file beside the source: the new database signs with a new key)";
  if (dst.empty())
    return "新数据库没有默认密钥位置，请设置 ENTITLE_LEDGER_KEY 为 '" + src + "' (set ENTITLE_LEDGER_KEY to the moved key file)";
  if (fs::exists(dst, ec)) {
    if (file_text(dst) == file_text(src)) return "密钥文件 '" + dst + "' 已是同一密钥 (the key file there holds the same key)";
    return "'" + dst + "' 已有另一密钥：新记录将以它签名，核验时显示密钥更换 (a different key is already there: new entries are signed with it)";
  }
  fs::create_directories(fs::path(dst).parent_path(), ec);
  fs::copy_file(src, dst, ec);
  if (ec) throw StorageError("无法把签名密钥复制到 '" + dst + "' (cannot copy the signing key there: " + ec.message() + ")");
  fs::permissions(dst, fs::perms::owner_read | fs::perms::owner_write, ec);
  return "签名密钥已复制到 '" + dst + "' (the signing key was copied there)";
}
}  // namespace

MoveResult move_case_database(const std::string& from, const std::string& to,
                              const std::function<void(const std::string&, std::int64_t)>& progress) {
  namespace fs = std::filesystem;
  if (!is_postgres_location(from) && !fs::is_regular_file(from))
    throw StorageError("案件数据库文件 '" + from + "' 不存在 (the case database '" + from + "' does not exist)");
  if (!is_postgres_location(to) && fs::exists(to))
    throw StorageError("目标文件 '" + to + "' 已存在：只能迁移到新的案件数据库 (the target file '" + to + "' exists; move into a new file)");
  if (is_postgres_location(from) == is_postgres_location(to) && !is_postgres_location(from))
    throw StorageError("migrate-db 在 SQLite 与 PostgreSQL 之间迁移；复制 SQLite 文件请用 sqlite3 .backup (migrate-db moves between SQLite and "
                       "PostgreSQL; to copy an SQLite file use sqlite3's .backup)");
  std::unique_ptr<SqlStorage> source, target;
  int source_version = 0, target_version = 0;
  if (is_postgres_location(from)) {
    auto s = std::make_unique<PgStorage>(from);
    source_version = s->schema_version();
    source = std::move(s);
  } else {
    auto s = std::make_unique<SqliteStorage>(from);
    source_version = s->schema_version();
    source = std::move(s);
  }
  if (is_postgres_location(to)) {
    auto t = std::make_unique<PgStorage>(to, PgStorage::Access::MoveTarget);
    target_version = t->schema_version();
    target = std::move(t);
  } else {
    auto t = std::make_unique<SqliteStorage>(to, SqliteStorage::kSchemaVersion, SqliteStorage::Access::MoveTarget);
    target_version = t->schema_version();
    target = std::move(t);
  }
  if (source_version != target_version) throw StorageError("the source and the target have different schema versions");
  BatchLockHolder me = BatchLockHolder::this_process("import", "migrate-db");
  BatchLock source_lock = source->lock_batch("", me), target_lock = target->lock_batch("", me);
  MoveResult result;
  for (const MovedTable& t : copy_case_database(*source, *target, [&](const MovedTable& t) {
         if (progress) progress(t.table, t.rows);
       }))
    result.tables.emplace_back(t.table, t.rows);
  result.key_note = carry_key(*source, *target);
  return result;
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
