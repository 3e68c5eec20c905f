// json_fast.cpp — FastJsonParser: simdjson's DOM parser (run-time CPU dispatch) into a reused JsonNode, deferring to
// parse_json where the two parsers could disagree, so the tree and every error message are parse_json's.
#include "engine/base/json_fast.hpp"

#include <simdjson.h>

#include <cstring>

namespace entitle {

struct FastJsonParser::Impl {
  simdjson::dom::parser parser;  // dispatches at run time to the best kernel the CPU has (AVX-512, AVX2, SSE4.2, …)
  std::string padded;            // the document copied with simdjson's padding after it
  // Nodes a shorter list or object gave up, kept with their memory for the next longer one (records differ in
  // their numbers of members and incomes; destroying and rebuilding the difference would allocate every record).
  std::vector<JsonNode> spare_items;
  std::vector<std::pair<std::string, JsonNode>> spare_fields;
};

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

/// Nesting parse_json allows (its TreeBuilder refuses the 65th open container).
constexpr int kMaxDepth = 64;

/// Why the fast path gives up on a document: parse_json decides it instead.
struct Defer {};

/// Gives the node's children to the spares (a node that was a list or object in the last record).
void release_children(FastJsonParser::Impl& im, JsonNode& n) {
  for (auto& item : n.items) im.spare_items.push_back(std::move(item));
  for (auto& field : n.fields) im.spare_fields.push_back(std::move(field));
  n.items.clear();
  n.fields.clear();
}

void set_scalar(FastJsonParser::Impl& im, JsonNode& n, JsonNode::Kind kind) {
  n.kind = kind;
  n.flag = false;
  n.text.clear();
  if (!n.items.empty() || !n.fields.empty()) release_children(im, n);
}

void fill(FastJsonParser::Impl& im, element e, JsonNode& n, int depth) {
  switch (e.type()) {
    case element_type::OBJECT: {
      if (depth + 1 > kMaxDepth) throw Defer{};
      n.kind = JsonNode::Kind::Object;
      n.flag = false;
      n.text.clear();
      if (!n.items.empty()) {
        for (auto& item : n.items) im.spare_items.push_back(std::move(item));
        n.items.clear();
      }
      std::size_t count = 0;
      for (auto [key, value] : simdjson::dom::object(e)) {
        if (count >= kMaxJsonKeys) throw Defer{};
        for (std::size_t i = 0; i < count; ++i)
          if (n.fields[i].first == key) throw Defer{};  // parse_json names the duplicate key
        if (count == n.fields.size()) {
          if (im.spare_fields.empty()) {
            n.fields.emplace_back();
          } else {
            n.fields.push_back(std::move(im.spare_fields.back()));
            im.spare_fields.pop_back();
          }
        }
        n.fields[count].first.assign(key.data(), key.size());
        fill(im, value, n.fields[count].second, depth + 1);
        ++count;
      }
      while (n.fields.size() > count) {
        im.spare_fields.push_back(std::move(n.fields.back()));
        n.fields.pop_back();
      }
      return;
    }
    case element_type::ARRAY: {
      if (depth + 1 > kMaxDepth) throw Defer{};
      n.kind = JsonNode::Kind::Array;
      n.flag = false;
      n.text.clear();
      if (!n.fields.empty()) {
        for (auto& field : n.fields) im.spare_fields.push_back(std::move(field));
        n.fields.clear();
      }
      std::size_t count = 0;
      for (element item : simdjson::dom::array(e)) {
        if (count == n.items.size()) {
          if (im.spare_items.empty()) {
            n.items.emplace_back();
          } else {
            n.items.push_back(std::move(im.spare_items.back()));
            im.spare_items.pop_back();
          }
        }
        fill(im, item, n.items[count], depth + 1);
        ++count;
      }
      while (n.items.size() > count) {
        im.spare_items.push_back(std::move(n.items.back()));
        n.items.pop_back();
      }
      return;
    }
    case element_type::STRING: {
      std::string_view s(e);
      set_scalar(im, n, JsonNode::Kind::String);
      n.text.assign(s.data(), s.size());
      return;
    }
    // parse_json keeps an integer as its decimal text, which is what these give; a number with a fraction or an
    // exponent keeps its source text there, which simdjson does not keep: parse_json reads those.
    case element_type::INT64:
      set_scalar(im, n, JsonNode::Kind::Number);
      n.text = std::to_string(std::int64_t(e));
      return;
    case element_type::UINT64:
      set_scalar(im, n, JsonNode::Kind::Number);
      n.text = std::to_string(std::uint64_t(e));
      return;
    case element_type::DOUBLE:
      throw Defer{};
    case element_type::BOOL:
      set_scalar(im, n, JsonNode::Kind::Bool);
      n.flag = bool(e);
      return;
    case element_type::NULL_VALUE:
      set_scalar(im, n, JsonNode::Kind::Null);
      return;
  }
  throw Defer{};
}

/// Bytes the fast path leaves to parse_json: control bytes (parse_json refuses them inside strings; a line's trailing
/// \r is only whitespace) and \u escapes (surrogate pairs are where parsers differ most).
bool needs_parse_json(std::string_view text) {
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  unsigned char low = 0;  // written without an early exit so the compiler vectorises it
  for (char c : text) low |= static_cast<unsigned char>(c) < 0x20;
  if (low) return true;
  for (const char* p = text.data(); (p = static_cast<const char*>(std::memchr(p, '\\', std::size_t(text.data() + text.size() - p))));) {
    if (p + 1 < text.data() + text.size() && p[1] == 'u') return true;
    p += 2;  // an escape is two bytes at least: skips the escaped character (a backslash too)
    if (p >= text.data() + text.size()) break;
  }
  return false;
}

}  // namespace

FastJsonParser::FastJsonParser() : impl_(std::make_unique<Impl>()) {}
FastJsonParser::~FastJsonParser() = default;

bool FastJsonParser::parse(std::string_view text, JsonNode& out, std::string& error) {
  if (!needs_parse_json(text)) {
    Impl& im = *impl_;
    im.padded.assign(text.data(), text.size());
    im.padded.append(simdjson::SIMDJSON_PADDING, ' ');
    element root;
    // Only an object or an array at the top: a bare scalar document is rare and parse_json words it.
    if (!im.parser.parse(im.padded.data(), text.size(), false).get(root) &&
        (root.type() == element_type::OBJECT || root.type() == element_type::ARRAY)) {
      try {
        fill(*impl_, root, out, 0);
        return true;
      } catch (const Defer&) {
      }
    }
  }
  ++deferred_;
  auto tree = parse_json(text, error);
  if (!tree) return false;
  out = std::move(*tree);
  return true;
}

}  // namespace entitle
