// household_input.cpp — JSON / JSON Lines household files.
#include "cli/household_input.hpp"

#include <fstream>
#include <sstream>

namespace entitle::cli {

bool read_households(const std::string& path, const ir::RuleSet& rs,
                     const std::function<void(const Household&)>& on_household,
                     const std::function<void(const InputError&)>& on_error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  // One pretty-printed object, or one object per line.
  std::vector<std::pair<std::size_t, std::string>> records;
  std::string error;
  std::size_t first_line_end = text.find('\n');
  std::string first_line = text.substr(0, first_line_end);
  bool single = first_line.find_first_not_of(" \t\r") == std::string::npos || !parse_json(first_line, error);
  if (single) {
    records.emplace_back(1, text);
  } else {
    std::istringstream lines(text);
    std::string line;
    for (std::size_t n = 1; std::getline(lines, line); ++n)
      if (line.find_first_not_of(" \t\r") != std::string::npos) records.emplace_back(n, line);
  }
  for (const auto& [line_no, record_text] : records) {
    std::string label = path + ":" + std::to_string(line_no);
    auto record = parse_json(record_text, error);
    if (!record) {
      on_error({label, "", "not valid JSON: " + error});
      continue;
    }
    Household hh;
    std::vector<InputError> errors;
    if (!load_household(rs, *record, label, hh, errors)) {
      for (const auto& e : errors) on_error(e);
      continue;
    }
    on_household(hh);
  }
  return true;
}

}  // namespace entitle::cli
