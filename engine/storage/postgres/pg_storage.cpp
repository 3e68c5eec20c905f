// pg_storage.cpp — connecting to a PostgreSQL case database and bringing its schema to this entitle's version. The
// version is kept in the table entitle_schema; each migration runs in one transaction under the write lock, so two
// processes that open a new database at once upgrade it once.
#include "engine/storage/postgres/pg_storage.hpp"

#include <cstdlib>
#include <filesystem>

#include "engine/storage/postgres/pg_connection.hpp"
#include "engine/storage/postgres/pg_migrations.hpp"
#include "engine/storage/sql/sql_ledger.hpp"

namespace entitle {

bool is_postgres_location(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

PgStorage::PgStorage(const std::string& uri, Access access, int upgrade_to)
    : SqlStorage(access == Access::ReadOnly), uri_(uri), shown_(pg_redacted(uri)), access_(access) {
  try {
    attach(std::make_unique<PgConnection>(uri));
  } catch (const PgError& e) {
    throw StorageError("无法连接案件数据库 '" + shown_ + "' (cannot connect to the case database '" + shown_ + "': " + e.what() + ")");
  }
  try {
    version_ = read_version();
  } catch (const PgError& e) {
    throw StorageError("cannot read the schema version of the case database '" + shown_ + "': " + e.what());
  }
  if (version_ > kSchemaVersion)
    throw StorageError("the case database '" + shown_ + "' has schema version " + std::to_string(version_) +
                       ", newer than this entitle understands (" + std::to_string(kSchemaVersion) + "); use a newer entitle");
  if (access == Access::ReadOnly && version_ < 4)
    throw StorageError("案件数据库 '" + shown_ + "' 的结构版本为 " + std::to_string(version_) +
                       "，还没有账本 (the case database '" + shown_ + "' has schema version " + std::to_string(version_) +
                       " and no ledger yet)");
  if (access != Access::ReadOnly) {
    if (default_key_file().size() && !std::getenv("ENTITLE_LEDGER_KEY")) {
      std::error_code ignored;  // load_or_create says what is wrong when the folder cannot be made
      std::filesystem::create_directories(std::filesystem::path(default_key_file()).parent_path(), ignored);
    }
    migrate(std::min(upgrade_to, kSchemaVersion));
  }
  open_repositories();
}

PgStorage::~PgStorage() = default;

int PgStorage::read_version() {
  SqlStatement has(sql(), "SELECT to_regclass('entitle_schema') IS NOT NULL, to_regclass('households') IS NOT NULL");
  has.step();
  bool versioned = has.column(0).text() == "t", other = has.column(1).text() == "t";
  if (!versioned) {
    if (other)
      throw StorageError("数据库 '" + shown_ + "' 中已有 households 表却没有 entitle_schema 表，不是 entitle 的案件数据库 (the database '" +
                         shown_ + "' holds a households table but no entitle_schema: it is not an entitle case database)");
    return 0;
  }
  SqlStatement v(sql(), "SELECT version FROM entitle_schema");
  if (!v.step() || !v.column(0).is_integer())
    throw StorageError("the case database '" + shown_ + "' is damaged: its table entitle_schema holds no version");
  return v.column(0).int32();
}

void PgStorage::migrate(int target) {
  const auto& migrations = pg_migrations();
  while (version_ < target) {
    try {
      sql().begin_write();  // the write lock: another process upgrading at the same moment waits, then finds it done
      int now = read_version();
      if (now != version_) {
        sql().rollback();
        version_ = now;
        continue;
      }
      if (version_ == 0) sql().exec("CREATE TABLE entitle_schema (version bigint NOT NULL); INSERT INTO entitle_schema VALUES (0)");
      sql().exec(migrations[static_cast<std::size_t>(version_)]);
      if (version_ + 1 == 4 && access_ != Access::MoveTarget) sql_ledger().genesis();
      sql().exec("UPDATE entitle_schema SET version = " + std::to_string(version_ + 1));
      sql().commit();
      ++version_;
    } catch (const PgError& e) {
      if (sql().in_transaction()) sql().rollback();
      throw StorageError("cannot upgrade the case database '" + shown_ + "' from schema version " + std::to_string(version_) + ": " +
                         e.what());
    }
  }
}

std::string PgStorage::default_key_file() const {
  std::string base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) base = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home) base = std::string(home) + "/.local/share";
  else return "";
  // The URI without user, password or options that do not name the database: host, port, socket folder, name.
  std::string name;
  for (char ch : shown_.substr(shown_.find("://") + 3)) name += (std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
  return base + "/entitle/ledger-keys/" + name + ".ledger-key";
}

}  // namespace entitle
