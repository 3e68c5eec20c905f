// sql_rows.cpp — the INSERT a row of SqlRows is written with, and the row-by-row way of writing them.
#include "engine/storage/sql/sql_rows.hpp"

#include <stdexcept>

#include "engine/storage/sql/sql_connection.hpp"

namespace entitle {

std::string SqlRows::insert_sql() const {
  std::string names, marks;
  for (const std::string& c : columns_) {
    if (!names.empty()) names += ", ", marks += ", ";
    names += "\"" + c + "\"";  // quoted: a column may be named like a keyword ("user")
    marks += '?';
  }
  return "INSERT INTO " + table_ + "(" + names + ") VALUES (" + marks + ")";
}

std::size_t SqlConnection::insert_rows(const SqlRows& rows) {
  if (rows.empty()) return 0;
  const std::size_t width = rows.columns().size();
  if (rows.cells().size() % width != 0) throw std::logic_error("SqlRows for " + rows.table() + ": an unfinished row");
  SqlStatement st(*this, rows.insert_sql());
  const auto& cells = rows.cells();
  for (std::size_t at = 0; at < cells.size(); at += width) {
    for (std::size_t c = 0; c < width; ++c) {
      const SqlRows::Cell& cell = cells[at + c];
      int index = static_cast<int>(c) + 1;
      switch (cell.kind) {
        case SqlRows::Kind::Null: st.bind_null(index); break;
        case SqlRows::Kind::Integer: st.bind(index, cell.integer); break;
        case SqlRows::Kind::Text: st.bind(index, cell.text); break;
      }
    }
    st.exec();
    st.reset();
  }
  return rows.row_count();
}

}  // namespace entitle
