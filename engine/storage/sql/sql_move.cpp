// sql_move.cpp — copying a case database row by row into an empty one: the source's columns by name, written in bulk
// (SqlConnection::insert_rows: COPY on PostgreSQL), in one write transaction of the target that adds no ledger entry of its own (the moved ledger is the record).
#include "engine/storage/sql/sql_move.hpp"

#include "engine/storage/sql/sql_connection.hpp"

#include <optional>

#include "engine/storage/sql/sql_rows.hpp"
#include "engine/storage/sql/sql_storage.hpp"
#include "engine/storage/storage_error.hpp"

namespace entitle {
namespace {

constexpr std::size_t kRowsPerWrite = 5000;

std::int64_t copy_table(SqlConnection& from, SqlConnection& to, const std::string& table) {
  // The ledger in its order (an SQLite target keeps it as rowid order, which verify checks); the rest as stored.
  std::string order = table == "ledger_entries" ? " ORDER BY seq" : table == "ledger_items" ? " ORDER BY seq, subject"
                      : table == "audit_log"    ? " ORDER BY id" : "";
  SqlStatement read = SqlStatement::streamed(from, "SELECT * FROM " + table + order);
  std::optional<SqlRows> rows;  // the source's columns by name, written kRowsPerWrite rows at a time
  std::int64_t copied = 0, row_number = 0;
  while (read.step()) {
    ++row_number;
    if (!rows) {
      std::vector<std::string> columns;
      for (int c = 0; c < read.column_count(); ++c) columns.push_back(read.column(c).name());
      rows.emplace(table, std::move(columns));
    }
    for (int c = 0; c < read.column_count(); ++c) {
      SqlValue v = read.column(c);
      switch (v.type()) {
        case SqlType::Null: rows->add_null(); break;
        case SqlType::Integer: rows->add(v.int64()); break;
        case SqlType::Text: rows->add(v.bytes()); break;
        default: {
          const std::string& column = rows->columns()[static_cast<std::size_t>(c)];
          const bool real = v.type() == SqlType::Real;
          throw StorageError("表 " + table + " 第 " + std::to_string(row_number) + " 行的 " + column + " 列存有案件数据库不会存的" +
                             (real ? "浮点数" : "二进制值") + "，未迁移 (table " + table + ", row " + std::to_string(row_number) +
                             ", column " + column + ": a " + (real ? "REAL" : "BLOB") +
                             " value, which no case database stores; run entitle audit verify on the source)");
        }
      }
    }
    if (rows->row_count() == kRowsPerWrite) copied += static_cast<std::int64_t>(to.insert_rows(*rows)), rows->clear();
  }
  if (rows) copied += static_cast<std::int64_t>(to.insert_rows(*rows));
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
