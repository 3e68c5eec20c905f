// pg_storage.hpp — the PostgreSQL implementation of Storage, for offices that share one case database: one libpq
// connection, the same versioned schema as SQLite's (pg_migrations.cpp), advisory locks for write transactions and
// bulk writers, and PostgreSQL's failures worded for people. The repositories are storage/sql/'s.
#pragma once
#include <string>

#include "engine/storage/sql/sql_storage.hpp"

namespace entitle {

class PgConnection;

/// Whether `location` names a PostgreSQL database (postgresql:// or postgres://) rather than an SQLite file.
bool is_postgres_location(const std::string& location);

class PgStorage final : public SqlStorage {
public:
  static constexpr int kSchemaVersion = 5;  // the same versions as SqliteStorage's
  /// MoveTarget: an empty database a case database is being moved into (migrate-db): migrated like ReadWrite but
  /// without the ledger's first entry, which comes with the moved ledger.
  enum class Access { ReadWrite, ReadOnly, MoveTarget };
  /// Connects to `uri` and upgrades an older schema (ReadWrite); a newer schema, or a database that holds other tables
  /// than a case database's, is a StorageError naming it. `upgrade_to` (tests only) stops at an older version.
  explicit PgStorage(const std::string& uri, Access access = Access::ReadWrite, int upgrade_to = kSchemaVersion);
  ~PgStorage() override;

  /// The URI without its password.
  const std::string& location() const override { return shown_; }
  /// $XDG_DATA_HOME (or ~/.local/share)/entitle/ledger-keys/<host, port and database>.ledger-key: every server and
  /// batch worker of a prefecture on one machine signs with the same key; elsewhere set ENTITLE_LEDGER_KEY.
  std::string default_key_file() const override;
  /// Session advisory locks on a connection of the lock's own: "" (the whole database) exclusively; another scope
  /// exclusively and the whole database shared, so workers on different townships run at once while an import, which
  /// locks the whole database, waits for none of them.
  std::optional<BatchLock> try_lock_batch(const std::string& scope, const BatchLockHolder& me, BatchLockHolder* holder) override;
  std::optional<StorageError> database_failure(const std::exception& e) const override;
  static std::optional<StorageError> failure_of(const std::string& location, const std::exception& e);

  int schema_version() const { return version_; }
  /// The full URI (with its password): for connections of its own (batch locks).
  const std::string& uri() const { return uri_; }

private:
  void migrate(int target);
  int read_version();
  std::string uri_, shown_;
  int version_ = 0;
  Access access_;
};

}  // namespace entitle
