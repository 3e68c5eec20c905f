// storage.hpp — the case database as the rest of the engine sees it: one connection, the repositories over it, and
// write transactions. `open_storage` picks the implementation from the location (today an SQLite file path; the
// implementations live in engine/storage/<backend>/ and are the only code that holds SQL).
//
// A Storage is one connection: use it from one thread at a time (the service opens one per thread). Its repositories
// live as long as it does and share its connection, so what they do between begin_write() and commit() is one
// transaction.
#pragma once
#include <memory>
#include <string>

#include "engine/storage/audit_log.hpp"
#include "engine/storage/casework_repository.hpp"
#include "engine/storage/household_repository.hpp"
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

  /// Begins a write transaction that holds the write lock from its start (SQLite: BEGIN IMMEDIATE). Everything done
  /// through this storage's repositories until commit() belongs to it; rolled back when destroyed uncommitted.
  virtual WriteTransaction begin_write() = 0;

  /// A StorageError for a stored value that is not what its column holds (see damaged_value), naming this database.
  StorageError damaged(const std::string& table, const std::string& key, const std::string& column, const std::string& expected,
                       const std::string& found) const {
    return damaged_value(location(), table, key, column, expected, found);
  }
};

/// Opens the case database at `location` (an SQLite file path, created when absent) and upgrades an older schema; a
/// newer schema, or a file that is not a case database, is a StorageError naming it.
std::unique_ptr<Storage> open_storage(const std::string& location);

}  // namespace entitle
