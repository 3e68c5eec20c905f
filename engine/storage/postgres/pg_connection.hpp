// pg_connection.hpp — SqlConnection over one libpq connection: what the SQL repositories run on PostgreSQL. Statements
// keep the repositories' `?` and `?N` placeholders (turned into `$N`); a statement run a second time on the same
// connection is prepared on the server once and reused; rows written together go in one COPY; a query whose rows may be
// many is read through a cursor.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "engine/storage/sql/sql_connection.hpp"

struct pg_conn;

namespace entitle {

/// An error PostgreSQL reported: its message and SQLSTATE ("53100" disk full, "08006" connection failure, …).
class PgError : public std::runtime_error {
public:
  PgError(const std::string& message, std::string sqlstate) : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

private:
  std::string sqlstate_;
};

/// `sql` with SQLite's placeholders (`?` numbered in order, `?N` the N-th again) written as PostgreSQL's (`$N`),
/// leaving quoted text and identifiers alone; `count` gets the highest number used.
std::string pg_placeholders(const std::string& sql, int& count);

/// A connection URI as it may be shown: without its password.
std::string pg_redacted(const std::string& uri);

class PgConnection final : public SqlConnection {
public:
  /// Connects to `uri` (postgresql://…); a PgError when it cannot.
  explicit PgConnection(const std::string& uri);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  SqlDialect dialect() const override { return SqlDialect::Postgres; }
  std::unique_ptr<SqlStatement::Impl> prepare(const std::string& sql) override;
  /// A cursor (DECLARE … FETCH FORWARD a page at a time), in the open transaction or a read-only one of its own.
  std::unique_ptr<SqlStatement::Impl> prepare_stream(const std::string& sql) override;
  void exec(const std::string& sql) override;
  void begin_write() override;
  void begin_read() override;
  void commit() override;
  void rollback() override;
  bool in_transaction() override;
  bool connected() override;
  /// The rows in one COPY … FROM STDIN (text format).
  std::size_t insert_rows(const SqlRows& rows) override;

  /// The libpq connection, for the statements of this file.
  pg_conn* handle() { return conn_; }
  /// The name of the server-side prepared statement for `sql`, preparing it the second time it is run; "" the first
  /// time (it is then run unprepared).
  std::string prepared_name(const std::string& sql, int params);
  /// A cursor is opened (beginning a read-only transaction when none is open): its name.
  std::string cursor_opened();
  /// How a cursor ends: its DECLARE failed, it was read to its end, or it was left before its end.
  enum class CursorEnd { NotDeclared, ReadToEnd, Left };
  /// The cursor `name` is done with; the transaction begun for cursors ends with the last of them. Never throws.
  void cursor_closed(const std::string& name, CursorEnd end);

private:
  pg_conn* conn_ = nullptr;
  std::map<std::string, std::string> prepared_;  // SQL → statement name ("" : run once, not yet prepared)
  int prepared_count_ = 0;                        // statements prepared on this connection: the next name's number
  int cursors_open_ = 0, cursor_serial_ = 0;
  bool cursor_transaction_ = false;  // the open transaction was begun for cursors, and ends with the last of them
};

/// The advisory lock every write transaction takes (pg_advisory_xact_lock): one writer at a time, as the ledger's chain
/// of entries needs, and as SQLite's BEGIN IMMEDIATE gives.
constexpr std::int64_t kPgWriteLock = 0x656e7469746c6501;  // "entitle" 01

}  // namespace entitle
