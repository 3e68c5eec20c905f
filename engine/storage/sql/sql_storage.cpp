// sql_storage.cpp — the repositories and write transactions every SQL backend shares.
#include "engine/storage/sql/sql_storage.hpp"

#include "engine/storage/sql/sql_audit_log.hpp"
#include "engine/storage/sql/sql_casework.hpp"
#include "engine/storage/sql/sql_households.hpp"
#include "engine/storage/sql/sql_ledger.hpp"
#include "engine/storage/sql/sql_rulesets.hpp"
#include "engine/storage/sql/sql_runs.hpp"
#include "engine/storage/sql/sql_users.hpp"

namespace entitle {

SqlStorage::SqlStorage(bool read_only) : read_only_(read_only) {}
SqlStorage::~SqlStorage() = default;

void SqlStorage::attach(std::unique_ptr<SqlConnection> connection) {
  sql_ = std::move(connection);
  ledger_ = std::make_unique<SqlLedger>(*this);
}

void SqlStorage::open_repositories() {
  households_ = std::make_unique<SqlHouseholdRepository>(*this);
  runs_ = std::make_unique<SqlRunRepository>(*this);
  rulesets_ = std::make_unique<SqlRulesetRepository>(*this);
  users_ = std::make_unique<SqlUserRepository>(*this);
  audit_ = std::make_unique<SqlAuditLog>(*this);
  casework_ = std::make_unique<SqlCaseworkRepository>(*this);
}

HouseholdRepository& SqlStorage::households() { return *households_; }
RunRepository& SqlStorage::runs() { return *runs_; }
RulesetRepository& SqlStorage::rulesets() { return *rulesets_; }
UserRepository& SqlStorage::users() { return *users_; }
AuditLog& SqlStorage::audit() { return *audit_; }
CaseworkRepository& SqlStorage::casework() { return *casework_; }
Ledger& SqlStorage::ledger() { return *ledger_; }

namespace {

/// A write transaction: begun with the database's write lock, its ledger entry sealed just before it commits (so the
/// entry and the rows it records stand or fall together); rolled back when destroyed uncommitted.
class SqlWriteTransaction final : public WriteTransaction::Backend {
public:
  SqlWriteTransaction(SqlConnection& sql, SqlLedger& ledger) : sql_(sql), ledger_(ledger) { sql_.begin_write(); }
  ~SqlWriteTransaction() override {
    if (committed_) return;
    ledger_.discard();
    try {
      sql_.rollback();
    } catch (...) {  // the connection is gone or the transaction already ended: nothing of it was committed
    }
  }
  void commit() override {
    ledger_.seal();
    sql_.commit();
    committed_ = true;
  }

private:
  SqlConnection& sql_;
  SqlLedger& ledger_;
  bool committed_ = false;
};

}  // namespace

WriteTransaction SqlStorage::begin_write() { return WriteTransaction(std::make_unique<SqlWriteTransaction>(*sql_, *ledger_)); }

void SqlStorage::in_write(const std::function<void()>& write) {
  if (sql_->in_transaction()) {  // inside begin_write(): its commit seals the entry
    write();
    return;
  }
  SqlWriteTransaction t(*sql_, *ledger_);
  write();
  t.commit();
}

}  // namespace entitle
