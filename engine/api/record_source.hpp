// record_source.hpp — household files as a stream of records: JSON Lines, one JSON object, or CSV (one row per
// member, docs/data-formats.md). Each record keeps its file:line label for error messages.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "engine/base/json_tree.hpp"
#include "engine/eval/household.hpp"
#include "engine/ir/ruleset.hpp"

namespace entitle {

struct RawRecord {
  std::string label;              // "file:line"
  std::optional<JsonNode> json;   // the record, or nothing when it could not be read
  std::string error;              // why it could not be read
  std::string text;               // the record's JSON text as read (for JSON sources), to store without re-writing
};

/// Calls `each` for every record of the file, in order. Returns false (with `error`) when the file cannot be read.
/// With a rule set, a CSV header may name a column by its field's label (`案卷编号` for household_id) as well as
/// by its name.
bool read_records(const std::string& path, const std::function<void(RawRecord&&)>& each, std::string& error,
                  const ir::RuleSet* rs = nullptr);

/// Reads FILE and loads each record against the rule set: `on_household` for each valid household, `on_error` for
/// each problem (a record that is not JSON, a CSV part that cannot be read, every field or household rule a record
/// breaks); never stops early. Returns false only when the file cannot be read at all. `entitle eval` reads
/// households through this.
bool load_household_file(const std::string& path, const ir::RuleSet& rs, const LoadOptions& options,
                         const std::function<void(const Household&)>& on_household,
                         const std::function<void(const InputError&)>& on_error);

/// "记录有 N 字节，超过每户记录 1048576 字节的上限 (…)": a record longer than kMaxRecordBytes.
std::string record_too_long_message(std::uintmax_t bytes);

/// A file that is one (pretty-printed) JSON household, its whole `text` in hand: the one record, labelled FILE:1, or
/// the error that it is not JSON or longer than a record may be (`file_bytes`: the file's size, 0 for a pipe).
void read_one_document(const std::string& path, const std::string& text, std::uintmax_t file_bytes,
                       const std::function<void(RawRecord&&)>& each);

/// What load_household_file does with each record: its reading error, its problems, or the household.
void load_raw_record(RawRecord&& rec, const ir::RuleSet& rs, const LoadOptions& options,
                     const std::function<void(const Household&)>& on_household,
                     const std::function<void(const InputError&)>& on_error);

/// The CSV columns, in the documented order.
const std::vector<std::string>& csv_columns();

/// The CSV columns with the header labels the rule set gives them, in the documented order: the label of the
/// column's field (`出生日期`), without a trailing remark in parentheses (`人均住房面积`), and for a member's
/// sub-object the sub-object's label before it (`残疾类别`, `在校学段`). A label two columns share is listed for
/// both and accepted for neither.
std::vector<std::pair<std::string, std::vector<std::string>>> csv_column_labels(const ir::RuleSet& rs);

}  // namespace entitle
