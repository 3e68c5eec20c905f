// sql_storage.hpp — the part of a Storage every SQL backend shares: the repositories of storage/sql/ over one
// SqlConnection, the ledger, and write transactions that seal the ledger's entry before they commit. SqliteStorage and
// PgStorage derive from it and add what differs: opening the connection, the schema's migrations, the batch lock and
// how the database's own failures are worded.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "engine/storage/sql/sql_connection.hpp"
#include "engine/storage/storage.hpp"

namespace entitle {

class SqlHouseholdRepository;
class SqlRunRepository;
class SqlRulesetRepository;
class SqlUserRepository;
class SqlAuditLog;
class SqlCaseworkRepository;
class SqlLedger;

class SqlStorage : public Storage {
public:
  ~SqlStorage() override;

  HouseholdRepository& households() override;
  RunRepository& runs() override;
  RulesetRepository& rulesets() override;
  UserRepository& users() override;
  AuditLog& audit() override;
  CaseworkRepository& casework() override;
  Ledger& ledger() override;
  WriteTransaction begin_write() override;
  bool connected() override { return sql_->connected(); }
  bool in_transaction() override { return sql_->in_transaction(); }

  /// Runs `write` in a write transaction whose ledger entry is sealed before it commits: the open one (begin_write)
  /// when there is one, else one of its own.
  void in_write(const std::function<void()>& write);
  SqlLedger& sql_ledger() { return *ledger_; }
  /// The connection the repositories run their SQL on.
  SqlConnection& sql() { return *sql_; }
  bool read_only() const { return read_only_; }
  /// Where the ledger's key pair is kept unless ENTITLE_LEDGER_KEY names a file; "" for a database nobody else sees
  /// (an ephemeral key).
  virtual std::string default_key_file() const = 0;

protected:
  explicit SqlStorage(bool read_only);
  /// For the backend's constructor: the connection, once open; then the ledger (migrations may write its first entry).
  void attach(std::unique_ptr<SqlConnection> connection);
  /// For the backend's constructor, after its migrations: the repositories.
  void open_repositories();

private:
  bool read_only_;
  // The connection is declared first, so the repositories' prepared statements are finalised before it closes.
  std::unique_ptr<SqlConnection> sql_;
  std::unique_ptr<SqlLedger> ledger_;
  std::unique_ptr<SqlHouseholdRepository> households_;
  std::unique_ptr<SqlRunRepository> runs_;
  std::unique_ptr<SqlRulesetRepository> rulesets_;
  std::unique_ptr<SqlUserRepository> users_;
  std::unique_ptr<SqlAuditLog> audit_;
  std::unique_ptr<SqlCaseworkRepository> casework_;
};

}  // namespace entitle
