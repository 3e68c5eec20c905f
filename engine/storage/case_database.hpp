// case_database.hpp — the SQLite case database: opening, versioned migrations, and the schema's tables.
#pragma once
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace entitle {

/// A problem with the database file itself (not with a record): unreadable, corrupt, or newer than this tool.
struct StorageError : std::runtime_error { using std::runtime_error::runtime_error; };

class CaseDatabase {
public:
  static constexpr int kSchemaVersion = 3;
  /// Opens `path` (creating it when absent) and upgrades an older schema; a newer one is refused by name.
  /// `upgrade_to` (tests only) stops the upgrade at an older version, to make a database as an older entitle did.
  explicit CaseDatabase(const std::string& path, int upgrade_to = kSchemaVersion);
  SQLite::Database& db() { return *db_; }
  const std::string& path() const { return path_; }
  int schema_version() const { return version_; }
  /// A StorageError for a stored value that is not what its column holds: names this database, the table, the
  /// row's key and the column, and shows the value found.
  StorageError damaged(const std::string& table, const std::string& key, const std::string& column,
                       const std::string& expected, const std::string& found) const;

private:
  void migrate(int target);
  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  int version_ = 0;
};

/// A write transaction that takes the database's write lock when it begins (BEGIN IMMEDIATE), so a read followed by
/// a write inside it cannot interleave with another writer's (no lost update). Rolled back unless committed.
class WriteTransaction {
public:
  explicit WriteTransaction(CaseDatabase& db) : t_(db.db(), SQLite::TransactionBehavior::IMMEDIATE) {}
  void commit() { t_.commit(); }

private:
  SQLite::Transaction t_;
};

}  // namespace entitle
