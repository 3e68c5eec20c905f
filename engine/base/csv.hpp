// csv.hpp — RFC 4180 CSV rows: quoted fields, doubled quotes, CRLF or LF, UTF-8 (an initial BOM is dropped).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace entitle {

struct CsvRow {
  std::size_t line = 0;  // line where the row starts (1-based)
  std::vector<std::string> cells;
};

/// Splits text into rows. An unterminated quote ends the text with an error message in `error`.
std::vector<CsvRow> parse_csv(std::string_view text, std::string& error);

}  // namespace entitle
