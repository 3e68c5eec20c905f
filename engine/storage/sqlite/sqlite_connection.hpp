// sqlite_connection.hpp — SqlConnection over one SQLiteCpp connection: what the SQL repositories run on SQLite.
#pragma once
#include <SQLiteCpp/Database.h>

#include <memory>

#include "engine/storage/sql/sql_connection.hpp"

namespace entitle {

class SqliteConnection final : public SqlConnection {
public:
  explicit SqliteConnection(std::unique_ptr<SQLite::Database> db) : owned_(std::move(db)), db_(*owned_) {}
  SqlDialect dialect() const override { return SqlDialect::Sqlite; }
  std::unique_ptr<SqlStatement::Impl> prepare(const std::string& sql) override;
  void exec(const std::string& sql) override { db_.exec(sql); }
  void begin_write() override { db_.exec("BEGIN IMMEDIATE"); }
  void begin_read() override { db_.exec("BEGIN DEFERRED"); }  // in WAL mode every read sees the database as of the first
  void commit() override { db_.exec("COMMIT"); }
  void rollback() override { db_.exec("ROLLBACK"); }
  bool in_transaction() override;

private:
  std::unique_ptr<SQLite::Database> owned_;
  SQLite::Database& db_;
};

}  // namespace entitle
