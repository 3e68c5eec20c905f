// json_tree.hpp — a small JSON tree that keeps numbers as their exact source text (money never passes through double).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace entitle {

struct JsonNode {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  bool flag = false;
  std::string text;  // number text or string value
  std::vector<JsonNode> items;
  std::vector<std::pair<std::string, JsonNode>> fields;  // in document order
  const JsonNode* find(std::string_view key) const {
    for (const auto& [k, v] : fields)
      if (k == key) return &v;
    return nullptr;
  }
};

const char* json_kind_name(JsonNode::Kind k);

/// Compact JSON text of a tree, fields in their order, numbers as their exact text.
std::string to_json_text(const JsonNode& node);

/// Keys one JSON object may have (a household record has about 20 per object).
constexpr std::size_t kMaxJsonKeys = 1000;

/// Parses one JSON document. On failure returns nullopt and sets `error` (with the byte position).
std::optional<JsonNode> parse_json(std::string_view text, std::string& error);

}  // namespace entitle
