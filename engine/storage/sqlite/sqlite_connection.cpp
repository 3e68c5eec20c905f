// sqlite_connection.cpp — SQLite statements behind SqlStatement: SQLiteCpp's, whose errors (SQLite::Exception, with
// SQLite's result code) sqlite_failures.cpp words for people.
#include "engine/storage/sqlite/sqlite_connection.hpp"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

namespace entitle {
namespace {

class SqliteStatement final : public SqlStatement::Impl {
public:
  SqliteStatement(SQLite::Database& db, const std::string& sql) : st_(db, sql) {}
  void bind_int64(int index, std::int64_t value) override { st_.bind(index, static_cast<int64_t>(value)); }
  void bind_text(int index, std::string_view value) override { st_.bind(index, std::string(value)); }
  void bind_null(int index) override { st_.bind(index); }
  bool step() override { return st_.executeStep(); }
  int exec() override { return st_.exec(); }
  void reset() override { st_.tryReset(); }
  void clear_bindings() override { st_.clearBindings(); }
  int column_count() override { return st_.getColumnCount(); }
  SqlType column_type(int index) override {
    switch (st_.getColumn(index).getType()) {
      case SQLITE_INTEGER: return SqlType::Integer;
      case SQLITE_FLOAT: return SqlType::Real;
      case SQLITE_TEXT: return SqlType::Text;
      case SQLITE_NULL: return SqlType::Null;
      default: return SqlType::Blob;
    }
  }
  std::int64_t column_int64(int index) override { return st_.getColumn(index).getInt64(); }
  std::string_view column_text(int index) override {
    const SQLite::Column c = st_.getColumn(index);
    if (c.getType() == SQLITE_BLOB)
      return std::string_view(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
    const char* text = c.getText("");  // converts a number to its text, as SQLite does
    return std::string_view(text, static_cast<std::size_t>(c.getBytes()));
  }
  const char* column_name(int index) override { return st_.getColumnName(index); }

private:
  SQLite::Statement st_;
};

}  // namespace

std::unique_ptr<SqlStatement::Impl> SqliteConnection::prepare(const std::string& sql) {
  return std::make_unique<SqliteStatement>(db_, sql);
}

bool SqliteConnection::in_transaction() { return !sqlite3_get_autocommit(db_.getHandle()); }

}  // namespace entitle
