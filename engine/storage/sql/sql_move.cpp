// sql_move.cpp — copying a case database row by row into an empty one: multi-row INSERTs of the source's columns by
// name, in one write transaction of the target that adds no ledger entry of its own (the moved ledger is the record).
#include "engine/storage/sql/sql_move.hpp"

#include "engine/storage/sql/sql_connection.hpp"
#include "engine/storage/sql/sql_storage.hpp"
#include "engine/storage/storage_error.hpp"

namespace entitle {
namespace {

constexpr int kRowsPerInsert = 200;

std::string insert_sql(const std::string& table, const std::vector<std::string>& columns, int rows) {
  std::string sql = "INSERT INTO " + table + " (";
  for (std::size_t c = 0; c < columns.size(); ++c) sql += (c ? ", \"" : "\"") + columns[c] + "\"";
  sql += ") VALUES ";
  for (int r = 0; r < rows; ++r) {
    sql += r ? ", (" : "(";
    for (std::size_t c = 0; c < columns.size(); ++c) sql += c ? ", ?" : "?";
    sql += ")";
  }
  return sql;
}

// One buffered value: NULL, an integer or text.
struct Cell {
  SqlType type = SqlType::Null;
  std::int64_t integer = 0;
  std::string text;
};

std::int64_t copy_table(SqlConnection& from, SqlConnection& to, const std::string& table) {
  // The ledger in its order (an SQLite target keeps it as rowid order, which verify checks); the rest as stored.
  std::string order = table == "ledger_entries" ? " ORDER BY seq" : table == "ledger_items" ? " ORDER BY seq, subject"
                      : table == "audit_log"    ? " ORDER BY id" : "";
  SqlStatement read = SqlStatement::streamed(from, "SELECT * FROM " + table + order);
  std::vector<std::string> columns;
  std::vector<Cell> rows;  // kRowsPerInsert rows × columns, row-major
  std::unique_ptr<SqlStatement> full;
  std::int64_t copied = 0, row_number = 0;
  auto flush = [&](bool last) {
    int n = columns.empty() ? 0 : static_cast<int>(rows.size() / columns.size());
    if (n == 0) return;
    SqlStatement* st = nullptr;
    std::unique_ptr<SqlStatement> partial;
    if (n == kRowsPerInsert && !last) {
      if (!full) full = std::make_unique<SqlStatement>(to, insert_sql(table, columns, kRowsPerInsert));
      full->reset();
      st = full.get();
    } else {
      partial = std::make_unique<SqlStatement>(to, insert_sql(table, columns, n));
      st = partial.get();
    }
    int p = 1;
    for (const Cell& c : rows) {
      if (c.type == SqlType::Null) st->bind_null(p++);
      else if (c.type == SqlType::Integer) st->bind(p++, c.integer);
      else st->bind(p++, c.text);
    }
    st->exec();
    copied += n;
    rows.clear();
  };
  while (read.step()) {
    ++row_number;
    if (columns.empty())
      for (int c = 0; c < read.column_count(); ++c) columns.push_back(read.column(c).name());
    for (int c = 0; c < read.column_count(); ++c) {
      SqlValue v = read.column(c);
      Cell cell;
      cell.type = v.type();
      if (cell.type == SqlType::Integer) cell.integer = v.int64();
      else if (cell.type == SqlType::Text) cell.text = v.text();
      else if (cell.type != SqlType::Null)
        throw StorageError("表 " + table + " 第 " + std::to_string(row_number) + " 行的 " + columns[static_cast<std::size_t>(c)] +
                           " 列存有案件数据库不会存的" + (cell.type == SqlType::Real ? "浮点数" : "二进制值") + "，未迁移 (table " + table +
                           ", row " + std::to_string(row_number) + ", column " + columns[static_cast<std::size_t>(c)] + ": a " +
                           (cell.type == SqlType::Real ? "REAL" : "BLOB") +
                           " value, which no case database stores; run entitle audit verify on the source)");
      rows.push_back(std::move(cell));
    }
    if (rows.size() == columns.size() * kRowsPerInsert) flush(false);
  }
  flush(true);
  return copied;
}

}  // namespace

const std::vector<std::string>& moved_tables() {
  static const std::vector<std::string> tables = {
      "rulesets", "standards", "imports", "households", "household_history", "members", "runs", "run_households", "decisions",
      "users",    "audit_log", "case_decisions", "amendments", "settings", "ledger_entries", "ledger_items"};
  return tables;
}

std::vector<MovedTable> copy_case_database(SqlStorage& from, SqlStorage& to, const std::function<void(const MovedTable&)>& progress) {
  SqlConnection& src = from.sql();
  SqlConnection& dst = to.sql();
  for (const std::string& t : moved_tables())
    if (dst.query_int64("SELECT count(*) FROM " + t) != 0)
      throw StorageError("目标数据库 '" + to.location() + "' 的表 " + t + " 已有内容：只能迁移到空的案件数据库 (the target '" + to.location() +
                         "' is not empty: its table " + t + " has rows; move into a new, empty database)");
  std::vector<MovedTable> moved;
  src.begin_read();  // one snapshot of the source
  dst.begin_write();
  try {
    for (const std::string& t : moved_tables()) {
      moved.push_back({t, copy_table(src, dst, t)});
      if (progress) progress(moved.back());
    }
    if (dst.dialect() == SqlDialect::Postgres)  // the identity counters continue after the moved ids
      for (const char* t : {"imports", "runs", "audit_log", "case_decisions", "amendments"})
        dst.exec(std::string("SELECT setval(pg_get_serial_sequence('") + t + "', 'id'), coalesce((SELECT max(id) FROM " + t +
                 "), 0) + 1, false)");
    dst.commit();
    src.commit();
  } catch (...) {
    if (dst.in_transaction()) dst.rollback();
    if (src.in_transaction()) src.rollback();
    throw;
  }
  return moved;
}

}  // namespace entitle
