// sql_connection.hpp — what the SQL repositories need of a database connection, whatever the backend: statements with
// positional parameters (`?`, or `?N` for the N-th one used again), typed column values, and transactions. SQLite
// (storage/sqlite/) and PostgreSQL (storage/postgres/) implement it; the repositories in storage/sql/ are written once
// against it, in the SQL both backends read alike.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace entitle {

/// How a stored value is typed, as read back (SQLite: its storage class; PostgreSQL: its column's type).
enum class SqlType { Null, Integer, Real, Text, Blob };

/// Which SQL a connection speaks, for the few statements the backends write differently.
enum class SqlDialect { Sqlite, Postgres };

class SqlValue;

/// A prepared statement. Parameters are bound by position from 1; `step()` runs it (the first call) and moves to the
/// next row; `reset()` makes it ready to run again with new parameters.
class SqlStatement {
public:
  /// What a backend provides.
  class Impl {
  public:
    virtual ~Impl() = default;
    virtual void bind_int64(int index, std::int64_t value) = 0;
    virtual void bind_text(int index, std::string_view value) = 0;
    virtual void bind_null(int index) = 0;
    virtual bool step() = 0;
    /// Runs a statement that returns no rows; how many rows it changed.
    virtual int exec() = 0;
    virtual void reset() = 0;
    virtual void clear_bindings() = 0;
    virtual int column_count() = 0;
    virtual SqlType column_type(int index) = 0;
    virtual std::int64_t column_int64(int index) = 0;
    /// The value as text (a number as its decimal digits); valid until the next step or reset.
    virtual std::string_view column_text(int index) = 0;
    virtual const char* column_name(int index) = 0;
  };

  SqlStatement(class SqlConnection& connection, const std::string& sql);
  explicit SqlStatement(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
  /// A query read a piece at a time (SqlConnection::prepare_stream).
  static SqlStatement streamed(class SqlConnection& connection, const std::string& sql);

  template <typename Int, typename = std::enable_if_t<std::is_integral_v<Int>>>
  void bind(int index, Int value) {
    impl_->bind_int64(index, static_cast<std::int64_t>(value));
  }
  void bind(int index, const std::string& value) { impl_->bind_text(index, value); }
  void bind(int index, const char* value) { impl_->bind_text(index, value); }
  void bind_null(int index) { impl_->bind_null(index); }
  bool step() { return impl_->step(); }
  int exec() { return impl_->exec(); }
  void reset() { impl_->reset(); }
  void clear_bindings() { impl_->clear_bindings(); }
  int column_count() { return impl_->column_count(); }
  SqlValue column(int index);

private:
  std::unique_ptr<Impl> impl_;
};

/// One column of the statement's current row, read on demand.
class SqlValue {
public:
  SqlValue(SqlStatement::Impl& st, int index) : st_(&st), index_(index) {}
  SqlType type() const { return st_->column_type(index_); }
  bool is_null() const { return type() == SqlType::Null; }
  bool is_integer() const { return type() == SqlType::Integer; }
  bool is_text() const { return type() == SqlType::Text; }
  bool is_real() const { return type() == SqlType::Real; }
  std::int64_t int64() const { return st_->column_int64(index_); }
  int int32() const { return static_cast<int>(st_->column_int64(index_)); }
  std::string text() const { return std::string(st_->column_text(index_)); }
  std::string_view bytes() const { return st_->column_text(index_); }
  const char* name() const { return st_->column_name(index_); }

private:
  SqlStatement::Impl* st_;
  int index_;
};

inline SqlValue SqlStatement::column(int index) { return SqlValue(*impl_, index); }

/// One connection to a case database. Used by one thread at a time.
class SqlConnection {
public:
  virtual ~SqlConnection() = default;
  virtual SqlDialect dialect() const = 0;
  virtual std::unique_ptr<SqlStatement::Impl> prepare(const std::string& sql) = 0;
  /// A query whose rows may be too many to hold at once (every decision of a run): read a piece at a time. Only
  /// reads may run on the connection while it is being read. SQLite steps through any query so: a plain statement.
  virtual std::unique_ptr<SqlStatement::Impl> prepare_stream(const std::string& sql) { return prepare(sql); }
  /// Runs SQL without parameters or rows (several statements separated by ';' allowed).
  virtual void exec(const std::string& sql) = 0;
  /// Begins a write transaction that holds the database's write lock from its start, so a read followed by a write
  /// inside it cannot interleave with another writer's (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock).
  virtual void begin_write() = 0;
  /// Begins a read-only transaction that sees one snapshot of the database throughout.
  virtual void begin_read() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual bool in_transaction() = 0;
  /// False once a server connection is lost for good (SQLite: always true).
  virtual bool connected() { return true; }
  /// Appends `rows` to their table; how many. A prepared INSERT per row here; PostgreSQL sends them in one COPY.
  virtual std::size_t insert_rows(const class SqlRows& rows);

  /// The first column of the first row of a query without parameters.
  std::int64_t query_int64(const std::string& sql) {
    SqlStatement st(*this, sql);
    st.step();
    return st.column(0).int64();
  }
};

inline SqlStatement::SqlStatement(SqlConnection& connection, const std::string& sql) : impl_(connection.prepare(sql)) {}
inline SqlStatement SqlStatement::streamed(SqlConnection& connection, const std::string& sql) {
  return SqlStatement(connection.prepare_stream(sql));
}

}  // namespace entitle
