// sqlite_storage.hpp — the SQLite implementation of Storage: one SQLiteCpp connection (WAL, 10 s busy timeout), the
// versioned schema migrations, the batch lock (flock) and SQLite's failures; the repositories are storage/sql/'s.
#pragma once
#include <SQLiteCpp/Database.h>

#include <functional>
#include <memory>
#include <string>

#include "engine/storage/sql/sql_storage.hpp"

namespace entitle {

class SqliteStorage final : public SqlStorage {
public:
  static constexpr int kSchemaVersion = 5;
  /// ReadOnly: an existing file, opened read-only; no upgrade, no key file created (open_storage_to_audit).
  /// MoveTarget: a new file a case database is being moved into (migrate-db): migrated like ReadWrite but without the
  /// ledger's first entry, which comes with the moved ledger.
  enum class Access { ReadWrite, ReadOnly, MoveTarget };
  /// Opens `path` (creating it when absent) and upgrades an older schema; a newer one is refused by name.
  /// `upgrade_to` (tests only) stops the upgrade at an older version, to make a database as an older entitle did.
  explicit SqliteStorage(const std::string& path, int upgrade_to = kSchemaVersion, Access access = Access::ReadWrite);
  ~SqliteStorage() override;

  const std::string& location() const override { return path_; }
  /// DB.ledger-key beside the database; none for an in-memory one.
  std::string default_key_file() const override;
  /// flock() on the file `path` + ".batch-lock" (sqlite_batch_lock.cpp); whatever the scope, the whole database.
  std::optional<BatchLock> try_lock_batch(const std::string& scope, const BatchLockHolder& me, BatchLockHolder* holder) override;
  std::optional<StorageError> database_failure(const std::exception& e) const override;  // sqlite_failures.cpp
  /// The same for the database at `path`, without a connection (sqlite_failures.cpp).
  static std::optional<StorageError> failure_of(const std::string& path, const std::exception& e);

  /// The file, and its schema version (PRAGMA user_version).
  const std::string& path() const { return path_; }
  int schema_version() const { return version_; }
  /// The SQLite connection: for tests that look at or damage rows with SQL.
  SQLite::Database& db() { return *db_; }

private:
  void migrate(int target);
  std::string path_;
  Access access_;
  SQLite::Database* db_ = nullptr;  // owned by the SqliteConnection the base class holds
  int version_ = 0;
};

}  // namespace entitle
