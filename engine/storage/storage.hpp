// storage.hpp — the case database as the rest of the engine sees it: one connection, the repositories over it, and
// write transactions. `open_storage` picks the implementation from the location (an SQLite file path or a
// postgresql:// URI; the implementations live in engine/storage/<backend>/ and are the only code that holds SQL).
//
// A Storage is one connection: use it from one thread at a time (the service opens one per thread). Its repositories
// live as long as it does and share its connection, so what they do between begin_write() and commit() is one
// transaction.
#pragma once
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/storage/audit_log.hpp"
#include "engine/storage/batch_lock.hpp"
#include "engine/storage/casework_repository.hpp"
#include "engine/storage/household_repository.hpp"
#include "engine/storage/ledger.hpp"
#include "engine/storage/ruleset_repository.hpp"
#include "engine/storage/run_repository.hpp"
#include "engine/storage/storage_error.hpp"
#include "engine/storage/user_repository.hpp"
#include "engine/storage/write_transaction.hpp"

namespace entitle {

class Storage {
public:
  virtual ~Storage() = default;
  Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  /// Where the database is, as it was opened (named in error messages).
  virtual const std::string& location() const = 0;

  virtual HouseholdRepository& households() = 0;
  virtual RunRepository& runs() = 0;
  virtual RulesetRepository& rulesets() = 0;
  virtual UserRepository& users() = 0;
  virtual AuditLog& audit() = 0;
  virtual CaseworkRepository& casework() = 0;
  /// The tamper-evident ledger: every write transaction that changes a protected row appends one signed entry.
  virtual Ledger& ledger() = 0;

  /// Begins a write transaction that holds the write lock from its start (SQLite: BEGIN IMMEDIATE). Everything done
  /// through this storage's repositories until commit() belongs to it; rolled back when destroyed uncommitted.
  virtual WriteTransaction begin_write() = 0;

  /// The batch lock for `scope` ("" is the whole database), taken without waiting, with `me` recorded as its holder;
  /// none when another holds it (then `*holder`, when given, is who, as it recorded itself). Every bulk writer takes
  /// it: a batch or impact preview (run_batch) and an import, so two never write the same database at once and a
  /// batch decides a well-defined set of households. It is released when the BatchLock is destroyed or its process
  /// dies, however (kill -9 leaves no stale lock). An implementation that cannot lock a part of the database locks the
  /// whole of it whatever the scope (SQLite: flock() on the file DB.batch-lock beside it).
  virtual std::optional<BatchLock> try_lock_batch(const std::string& scope, const BatchLockHolder& me,
                                                  BatchLockHolder* holder = nullptr) = 0;
  /// try_lock_batch, or a BatchBusy naming who holds the lock.
  BatchLock lock_batch(const std::string& scope, const BatchLockHolder& me) {
    BatchLockHolder other;
    if (auto lock = try_lock_batch(scope, me, &other)) return std::move(*lock);
    throw BatchBusy(location(), other);
  }

  /// When `e` is this implementation's own error about the database itself — the disk full, an I/O error — the
  /// StorageError that says so, naming the database (Chinese first, English in brackets); otherwise none.
  virtual std::optional<StorageError> database_failure(const std::exception& e) const = 0;
  /// False once the connection to a database server has been lost (the server restarted, the connection was ended):
  /// this Storage is then of no further use and is opened again. A file is always connected.
  virtual bool connected() { return true; }
  /// Whether a transaction is open on the connection (between requests of a server, none should be).
  virtual bool in_transaction() = 0;

  /// A StorageError for a stored value that is not what its column holds (see damaged_value), naming this database.
  StorageError damaged(const std::string& table, const std::string& key, const std::string& column, const std::string& expected,
                       const std::string& found) const {
    return damaged_value(location(), table, key, column, expected, found);
  }
};

/// Whether `location` names a database server (postgresql://… or postgres://…) rather than an SQLite file.
bool is_server_location(const std::string& location);
/// Opens the case database at `location` (an SQLite file path, created when absent, or a PostgreSQL URI whose database
/// exists) and upgrades an older schema; a newer schema, or a file that is not a case database, is a StorageError naming it.
std::unique_ptr<Storage> open_storage(const std::string& location);
/// Opens an existing case database only to read it, as an auditor does (`entitle audit`): nothing is created, upgraded
/// or signed, and no key file is made. A missing file, or a schema older than the ledger's, is a StorageError.
std::unique_ptr<Storage> open_storage_to_audit(const std::string& location);
/// What `move_case_database` did.
struct MoveResult {
  std::vector<std::pair<std::string, std::int64_t>> tables;  // table → rows copied
  std::string key_note;  // what became of the ledger's signing key (Chinese, English in brackets)
};
/// `entitle migrate-db`: moves the case database at `from` (an SQLite file or a PostgreSQL URI, upgraded first) into
/// `to` on the other backend — an empty PostgreSQL database, or a new SQLite file — with every row, its history, runs,
/// decisions and ledger as they were, holding both databases' batch locks; the ledger's signing key goes with it to
/// `to`'s key file when that has none. A StorageError when `to` is not empty (or the file exists), both are SQLite, or
/// the copy fails (then `to` holds nothing of it). `progress`: each table, copied.
MoveResult move_case_database(const std::string& from, const std::string& to,
                              const std::function<void(const std::string& table, std::int64_t rows)>& progress = nullptr);

/// Storage::database_failure for the database at `location` when its Storage is gone (the exception left its scope):
/// what the command line says about an error of the database itself, naming the file.
std::optional<StorageError> database_failure(const std::string& location, const std::exception& e);

}  // namespace entitle
