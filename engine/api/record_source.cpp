// record_source.cpp — JSON Lines / JSON / CSV readers producing household records.
#include "engine/api/record_source.hpp"

#include <filesystem>
#include <fstream>
#include <limits>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "engine/api/json_lines.hpp"
#include "engine/base/json_fast.hpp"
#include "engine/base/csv.hpp"
#include "engine/base/source.hpp"

namespace entitle {
namespace {

const std::vector<std::string> kColumns = {
    "household_id", "region", "area", "assets_deposits", "assets_vehicles", "assets_homes", "assets_home_area_per_capita",
    "status_dibao_since", "status_dibao_amount", "member_id", "name", "id_number", "relation", "birth_date", "sex",
    "lives_with_household", "excluded", "disability_grade", "disability_kind", "self_care_failed", "serious_illness",
    "school_stage", "school_boarding", "school_public", "employed", "orphan", "orphan_care", "long_term_care_needed",
    "incomes"};
const std::set<std::string> kHouseholdColumns = {"household_id", "region", "area", "assets_deposits", "assets_vehicles",
                                                 "assets_homes", "assets_home_area_per_capita", "status_dibao_since",
                                                 "status_dibao_amount"};
const std::set<std::string> kIntegerColumns = {"assets_vehicles", "assets_homes", "disability_grade", "self_care_failed"};
const std::set<std::string> kBoolColumns = {"lives_with_household", "serious_illness", "school_boarding", "school_public",
                                            "employed", "long_term_care_needed"};

JsonNode str(const std::string& s) {
  JsonNode n;
  n.kind = JsonNode::Kind::String;
  n.text = s;
  return n;
}

JsonNode object() {
  JsonNode n;
  n.kind = JsonNode::Kind::Object;
  return n;
}

/// A CSV cell as the JSON value the record format expects; a cell that is not a valid boolean or integer stays text
/// so the record validation names it.
JsonNode cell_value(const std::string& column, const std::string& v) {
  if (kBoolColumns.count(column)) {
    JsonNode n;
    n.kind = JsonNode::Kind::Bool;
    if (v == "true" || v == "1" || v == "是") { n.flag = true; return n; }
    if (v == "false" || v == "0" || v == "否") { n.flag = false; return n; }
    return str(v);
  }
  if (kIntegerColumns.count(column) && !v.empty() && v.find_first_not_of("0123456789") == std::string::npos) {
    JsonNode n;
    n.kind = JsonNode::Kind::Number;
    n.text = v;
    return n;
  }
  return str(v);
}

void set(JsonNode& obj, const std::string& key, JsonNode value) {
  for (auto& [k, v] : obj.fields)
    if (k == key) {
      v = std::move(value);
      return;
    }
  obj.fields.emplace_back(key, std::move(value));
}

/// "wage:1200:month;pension_basic:1700:year" → incomes list; returns an error text when a part is malformed.
std::string parse_incomes(const std::string& text, JsonNode& out) {
  out.kind = JsonNode::Kind::Array;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ';')) {
    if (part.empty()) continue;
    auto a = part.find(':'), b = part.rfind(':');
    if (a == std::string::npos || a == b)
      return "incomes: expected kind:amount:per items separated by ';' (e.g. wage:1200:month), found \"" + clip_text(part) + "\"";
    JsonNode inc = object();
    set(inc, "kind", str(part.substr(0, a)));
    set(inc, "amount", str(part.substr(a + 1, b - a - 1)));
    set(inc, "per", str(part.substr(b + 1)));
    out.items.push_back(std::move(inc));
  }
  return "";
}

/// The schema fields a CSV column fills, from the household down: assets_deposits → assets.deposits.
std::vector<std::string> column_fields(const std::string& column) {
  if (column == "household_id") return {"id"};
  if (column == "region" || column == "area") return {column};
  if (column.rfind("assets_", 0) == 0) return {"assets", column.substr(7)};
  if (column.rfind("status_", 0) == 0) return {"status", column.substr(7)};
  if (column == "member_id") return {"members", "id"};
  if (column.rfind("disability_", 0) == 0) return {"members", "disability", column.substr(11)};
  if (column.rfind("school_", 0) == 0) return {"members", "school", column.substr(7)};
  return {"members", column};
}

std::string trimmed(const std::string& s) {
  std::size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

bool read_csv(const std::string& path, const std::string& text, const std::function<void(RawRecord&&)>& each, std::string& error,
              const ir::RuleSet* rs) {
  if (!is_valid_utf8(text)) {  // Excel's default for Chinese is GBK: said as such, never stored as mojibake
    std::size_t good = first_invalid_utf8(text);
    std::size_t line = 1 + std::count(text.begin(), text.begin() + long(good), '\n');
    error = path + ":" + std::to_string(line) + ": 文件不是 UTF-8 文字（可能是 GBK 编码）；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入 (the file is not UTF-8 text)";
    return false;
  }
  std::string csv_error;
  auto rows = parse_csv(text, csv_error);
  if (rows.empty()) {
    error = "the CSV file '" + path + "' has no header row";
    return false;
  }
  // header text → the columns it may name (more than one: an ambiguous label)
  std::map<std::string, std::vector<std::string>> by_label;
  if (rs)
    for (const auto& [column, labels] : csv_column_labels(*rs))
      for (const auto& label : labels) by_label[label].push_back(column);
  std::map<std::string, std::size_t> col;
  std::map<std::string, std::string> written_as;
  for (std::size_t i = 0; i < rows[0].cells.size(); ++i) {
    const std::string name = trimmed(rows[0].cells[i]);
    std::string column;
    if (std::find(kColumns.begin(), kColumns.end(), name) != kColumns.end()) {
      column = name;
    } else if (auto it = by_label.find(name); it != by_label.end() && it->second.size() == 1) {
      column = it->second[0];
    } else if (it != by_label.end()) {
      std::string which;
      for (const auto& c : it->second) which += (which.empty() ? "" : " 或 ") + c;
      error = path + ":1: 列名“" + clip_text(name) + "”可指 " + which + "，无法确定是哪一列；请改用列名 (the header label '" + clip_text(name) +
              "' is shared by " + std::to_string(it->second.size()) + " columns)";
      return false;
    } else {
      error = path + ":1: unknown column '" + clip_text(name) + "' — 未知的列名；列名可用字段名或其中文标签 (docs/data-formats.md)";
      return false;
    }
    if (col.count(column)) {
      error = path + ":1: 列 " + column + " 出现了两次（“" + clip_text(written_as[column]) + "”和“" + clip_text(name) + "”） (column " + column + " is given twice)";
      return false;
    }
    col[column] = i;
    written_as[column] = name;
  }
  for (const char* required : {"household_id", "member_id"})
    if (!col.count(required)) {
      error = path + ":1: the header has no '" + std::string(required) + "' column";
      return false;
    }
  // Consecutive rows with the same household_id make one household.
  std::size_t r = 1;
  while (r < rows.size()) {
    auto cell = [&](std::size_t row, const std::string& name) -> std::string {
      auto it = col.find(name);
      return it == col.end() || it->second >= rows[row].cells.size() ? "" : rows[row].cells[it->second];
    };
    std::string id = cell(r, "household_id");
    std::size_t first = r;
    RawRecord rec;
    rec.label = path + ":" + std::to_string(rows[first].line);
    JsonNode hh = object(), assets = object(), status = object(), members;
    members.kind = JsonNode::Kind::Array;
    std::string problem;
    std::size_t bytes = 0;
    for (; r < rows.size() && cell(r, "household_id") == id; ++r) {
      for (const std::string& c : rows[r].cells) bytes += c.size() + 1;
      if (bytes > kMaxRecordBytes && problem.empty())
        problem = "第 " + std::to_string(rows[first].line) + "–" + std::to_string(rows[r].line) + " 行的这户记录超过 " +
                  std::to_string(kMaxRecordBytes) + " 字节的上限 (a household's rows may hold at most " + std::to_string(kMaxRecordBytes) +
                  " bytes)";
      if (rows[r].cells.size() != rows[0].cells.size() && problem.empty())
        problem = "line " + std::to_string(rows[r].line) + " has " + std::to_string(rows[r].cells.size()) + " cells, the header " +
                  std::to_string(rows[0].cells.size());
      JsonNode m = object();
      for (const auto& [name, index] : col) {
        if (index >= rows[r].cells.size()) continue;
        const std::string& v = rows[r].cells[index];
        if (v.empty()) continue;
        if (kHouseholdColumns.count(name)) {
          std::string key = name == "household_id" ? "id" : name;
          JsonNode* target = &hh;
          if (name.rfind("assets_", 0) == 0) target = &assets, key = name.substr(7);
          if (name.rfind("status_", 0) == 0) target = &status, key = name.substr(7);
          const JsonNode* before = target->find(key);
          if (before && before->text != v && problem.empty())
            problem = "line " + std::to_string(rows[r].line) + ": column " + name + " is \"" + clip_text(v) + "\" but an earlier row of household " +
                      clip_text(id) + " says \"" + clip_text(before->text) + "\"";
          set(*target, key, cell_value(name, v));
        } else if (name == "member_id") {
          set(m, "id", str(v));
        } else if (name == "disability_grade" || name == "disability_kind") {
          JsonNode d = m.find("disability") ? *m.find("disability") : object();
          set(d, name == "disability_grade" ? "grade" : "kind", cell_value(name, v));
          set(m, "disability", d);
        } else if (name.rfind("school_", 0) == 0) {
          JsonNode s = m.find("school") ? *m.find("school") : object();
          set(s, name.substr(7), cell_value(name, v));
          set(m, "school", s);
        } else if (name == "incomes") {
          JsonNode incomes;
          std::string e = parse_incomes(v, incomes);
          if (!e.empty() && problem.empty()) problem = "line " + std::to_string(rows[r].line) + ": " + e;
          set(m, "incomes", incomes);
        } else {
          set(m, name, cell_value(name, v));
        }
      }
      members.items.push_back(std::move(m));
    }
    if (!assets.fields.empty()) set(hh, "assets", assets);
    if (!status.fields.empty()) set(hh, "status", status);
    set(hh, "members", members);
    if (!problem.empty()) rec.error = problem;
    else rec.json = std::move(hh);
    each(std::move(rec));
  }
  if (!csv_error.empty()) error = path + ": " + csv_error;
  return csv_error.empty();
}

}  // namespace

const std::vector<std::string>& csv_columns() { return kColumns; }

std::vector<std::pair<std::string, std::vector<std::string>>> csv_column_labels(const ir::RuleSet& rs) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const std::string& column : kColumns) {
    std::vector<std::string> labels;
    std::vector<const ir::FieldDef*> fields;
    int entity = rs.root_entity;
    for (const std::string& name : column_fields(column)) {
      int f = entity >= 0 ? rs.entities[entity].find_field(name) : -1;
      if (f < 0) {
        fields.clear();
        break;
      }
      fields.push_back(&rs.entities[entity].fields[f]);
      ir::TypeKind k = fields.back()->type.kind;
      entity = k == ir::TypeKind::Entity || k == ir::TypeKind::List ? fields.back()->type.ref : -1;
    }
    auto add = [&](const std::string& l) {
      if (!l.empty() && l != column && std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
    };
    if (!fields.empty()) {
      const std::string& leaf = fields.back()->label;
      add(leaf);
      add(short_label(leaf));
      if (fields.size() == 3) {  // a member's sub-object: 残疾 + 类别
        add(short_label(fields[1]->label) + leaf);
        add(short_label(fields[1]->label) + short_label(leaf));
      }
    }
    out.emplace_back(column, std::move(labels));
  }
  return out;
}

std::string record_too_long_message(std::uintmax_t bytes) {
  return "记录有 " + std::to_string(bytes) + " 字节，超过每户记录 " + std::to_string(kMaxRecordBytes) +
         " 字节的上限 (a household record may hold at most " + std::to_string(kMaxRecordBytes) + " bytes)";
}

void read_one_document(const std::string& path, const std::string& text, std::uintmax_t file_bytes,
                       const std::function<void(RawRecord&&)>& each) {
  RawRecord rec;
  rec.label = path + ":1";
  if (file_bytes > kMaxRecordBytes || text.size() > kMaxRecordBytes + 1) {  // bounded like a line (+1: the newline added)
    std::uintmax_t bytes = std::max<std::uintmax_t>(file_bytes, text.size() - 1);
    rec.error = record_too_long_message(bytes);
    each(std::move(rec));
    return;
  }
  rec.json = parse_json(text, rec.error);
  if (!rec.json) rec.error = "not valid JSON: " + rec.error;
  each(std::move(rec));
}

void load_raw_record(RawRecord&& rec, const ir::RuleSet& rs, const LoadOptions& options,
                     const std::function<void(const Household&)>& on_household,
                     const std::function<void(const InputError&)>& on_error) {
  if (!rec.json) {
    on_error({rec.label, "", rec.error});
    return;
  }
  Household hh;
  std::vector<InputError> errors;
  if (!load_household(rs, *rec.json, rec.label, hh, errors, options)) {
    for (const auto& e : errors) on_error(e);
    return;
  }
  on_household(hh);
}

bool load_household_file(const std::string& path, const ir::RuleSet& rs, const LoadOptions& options,
                         const std::function<void(const Household&)>& on_household,
                         const std::function<void(const InputError&)>& on_error) {
  std::string error;
  bool ok = read_records(path, [&](RawRecord&& rec) { load_raw_record(std::move(rec), rs, options, on_household, on_error); },
                         error, &rs);
  if (ok) return true;
  bool unreadable = error.rfind("cannot read", 0) == 0;  // the caller says so; anything else is a bad part of the file
  if (!unreadable) on_error({path, "", error});
  return !unreadable;
}

bool read_records(const std::string& path, const std::function<void(RawRecord&&)>& each, std::string& error, const ir::RuleSet* rs) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read household file '" + path + "'";
    return false;
  }
  std::error_code ec;
  std::uintmax_t file_bytes = std::filesystem::file_size(path, ec);
  if (ec) file_bytes = 0;  // not a regular file (a pipe): read as it comes, each record still bounded below
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".csv") == 0) {
    if (file_bytes > kMaxCsvBytes) {  // a CSV file is read whole
      error = path + ": CSV 文件有 " + std::to_string(file_bytes) + " 字节，超过 " + std::to_string(kMaxCsvBytes) +
              " 字节的上限；请拆分文件或改用 JSON Lines (a CSV file may hold at most " + std::to_string(kMaxCsvBytes) + " bytes)";
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return read_csv(path, ss.str(), each, error, rs);
  }
  auto too_long = [&](std::size_t line_no, std::uintmax_t bytes) {
    RawRecord rec;
    rec.label = path + ":" + std::to_string(line_no);
    rec.error = record_too_long_message(bytes);
    each(std::move(rec));
  };
  // JSON Lines are read line by line (a million households never sit in memory at once), each line at most
  // kMaxRecordBytes; a first line that is not a whole JSON value means the file is one pretty-printed object.
  JsonLinesReader reader(in, kMaxRecordBytes);
  JsonLinesReader::Line l;
  FastJsonParser parser;  // parse_json's trees and errors, faster
  std::string parse_error;
  bool first = true;
  auto blank = [](std::string_view t) { return t.find_first_not_of(" \t\r") == std::string_view::npos; };
  while (reader.next(l)) {
    if (l.too_long) {
      too_long(l.number, l.too_long);
      first = false;
      continue;
    }
    if (first) {
      first = false;
      if (blank(l.text) || !parse_json(l.text, parse_error)) {
        if (file_bytes > kMaxRecordBytes) {  // one pretty-printed record, bounded like a line
          too_long(1, file_bytes);
          return true;
        }
        read_one_document(path, std::string(l.text) + "\n" + reader.rest(), file_bytes, each);
        return true;
      }
    }
    if (!blank(l.text)) {
      RawRecord rec;
      rec.label = path + ":" + std::to_string(l.number);
      rec.json.emplace();
      if (!parser.parse(l.text, *rec.json, rec.error)) {
        rec.json.reset();
        rec.error = "not valid JSON: " + rec.error;
      } else {
        rec.text = std::string(l.text);
      }
      each(std::move(rec));
    }
  }
  return true;
}

}  // namespace entitle
