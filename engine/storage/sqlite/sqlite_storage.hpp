// sqlite_storage.hpp — the SQLite implementation of Storage: one SQLiteCpp connection (WAL, 10 s busy timeout),
// versioned schema migrations, and the SQLite repositories over that connection.
#pragma once
#include <SQLiteCpp/Database.h>

#include <functional>
#include <memory>
#include <string>

#include "engine/storage/storage.hpp"

namespace entitle {

class SqliteHouseholdRepository;
class SqliteRunRepository;
class SqliteRulesetRepository;
class SqliteUserRepository;
class SqliteAuditLog;
class SqliteCaseworkRepository;
class SqliteLedger;

class SqliteStorage final : public Storage {
public:
  static constexpr int kSchemaVersion = 5;
  /// ReadOnly: an existing file, opened read-only; no upgrade, no key file created (open_storage_to_audit).
  enum class Access { ReadWrite, ReadOnly };
  /// Opens `path` (creating it when absent) and upgrades an older schema; a newer one is refused by name.
  /// `upgrade_to` (tests only) stops the upgrade at an older version, to make a database as an older entitle did.
  explicit SqliteStorage(const std::string& path, int upgrade_to = kSchemaVersion, Access access = Access::ReadWrite);
  ~SqliteStorage() override;

  const std::string& location() const override { return path_; }
  HouseholdRepository& households() override;
  RunRepository& runs() override;
  RulesetRepository& rulesets() override;
  UserRepository& users() override;
  AuditLog& audit() override;
  CaseworkRepository& casework() override;
  WriteTransaction begin_write() override;
  Ledger& ledger() override;

  /// Runs `write` in a write transaction whose ledger entry is sealed before it commits: the open one (begin_write)
  /// when there is one, else one of its own (BEGIN IMMEDIATE).
  void in_write(const std::function<void()>& write);
  SqliteLedger& sqlite_ledger() { return *ledger_; }
  /// flock() on the file `path` + ".batch-lock" (sqlite_batch_lock.cpp); whatever the scope, the whole database.
  std::optional<BatchLock> try_lock_batch(const std::string& scope, const BatchLockHolder& me, BatchLockHolder* holder) override;
  std::optional<StorageError> database_failure(const std::exception& e) const override;  // sqlite_failures.cpp
  /// The same for the database at `path`, without a connection (sqlite_failures.cpp).
  static std::optional<StorageError> failure_of(const std::string& path, const std::exception& e);

  /// The file, and its schema version (PRAGMA user_version).
  const std::string& path() const { return path_; }
  int schema_version() const { return version_; }
  bool read_only() const { return access_ == Access::ReadOnly; }
  /// The connection: for the SQLite repositories, and for tests that look at or damage rows with SQL.
  SQLite::Database& db() { return *db_; }

private:
  void migrate(int target);
  std::string path_;
  Access access_;
  std::unique_ptr<SQLite::Database> db_;
  int version_ = 0;
  std::unique_ptr<SqliteLedger> ledger_;
  // Declared after the connection, so their prepared statements are finalised before it closes.
  std::unique_ptr<SqliteHouseholdRepository> households_;
  std::unique_ptr<SqliteRunRepository> runs_;
  std::unique_ptr<SqliteRulesetRepository> rulesets_;
  std::unique_ptr<SqliteUserRepository> users_;
  std::unique_ptr<SqliteAuditLog> audit_;
  std::unique_ptr<SqliteCaseworkRepository> casework_;
};

}  // namespace entitle
