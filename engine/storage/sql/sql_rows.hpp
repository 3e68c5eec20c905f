// sql_rows.hpp — rows gathered for one table and written together (SqlConnection::insert_rows): on PostgreSQL one
// COPY instead of a round trip per row; on SQLite a prepared INSERT per row, which is already fast there.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace entitle {

/// Rows for `table`'s `columns`, each cell a NULL, an integer or a text, added in column order.
class SqlRows {
public:
  enum class Kind : std::uint8_t { Null, Integer, Text };
  struct Cell {
    Kind kind;
    std::int64_t integer;
    std::string text;
  };

  SqlRows(std::string table, std::vector<std::string> columns) : table_(std::move(table)), columns_(std::move(columns)) {}

  /// Room for `rows` rows, so gathering them does not move what is gathered.
  void reserve_rows(std::size_t rows) { cells_.reserve(rows * columns_.size()); }

  void add(std::int64_t value) { cells_.push_back({Kind::Integer, value, {}}); }
  void add(int value) { add(static_cast<std::int64_t>(value)); }
  void add(std::string_view value) { cells_.push_back({Kind::Text, 0, std::string(value)}); }
  void add(const std::string& value) { add(std::string_view(value)); }
  void add(const char* value) { add(std::string_view(value)); }
  void add_null() { cells_.push_back({Kind::Null, 0, {}}); }
  /// A text, or NULL when it is empty.
  void add_text_or_null(const std::string& value) {
    if (value.empty()) add_null();
    else add(value);
  }

  const std::string& table() const { return table_; }
  const std::vector<std::string>& columns() const { return columns_; }
  const std::vector<Cell>& cells() const { return cells_; }
  std::size_t row_count() const { return columns_.empty() ? 0 : cells_.size() / columns_.size(); }
  bool empty() const { return cells_.empty(); }
  void clear() { cells_.clear(); }
  /// "INSERT INTO table(\"c1\", \"c2\", …) VALUES (?, ?, …)": the columns quoted.
  std::string insert_sql() const;

private:
  std::string table_;
  std::vector<std::string> columns_;
  std::vector<Cell> cells_;
};

}  // namespace entitle
