// record_source.hpp — household files as a stream of records: JSON Lines, one JSON object, or CSV (one row per
// member, docs/data-formats.md). Each record keeps its file:line label for error messages.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "engine/base/json_tree.hpp"

namespace entitle {

struct RawRecord {
  std::string label;              // "file:line"
  std::optional<JsonNode> json;   // the record, or nothing when it could not be read
  std::string error;              // why it could not be read
  std::string text;               // the record's JSON text as read (for JSON sources), to store without re-writing
};

/// Calls `each` for every record of the file, in order. Returns false (with `error`) when the file cannot be read.
bool read_records(const std::string& path, const std::function<void(RawRecord&&)>& each, std::string& error);

/// The CSV columns, in the documented order.
const std::vector<std::string>& csv_columns();

}  // namespace entitle
