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

/// Moves the nodes of `live` from index `keep` on to `spare`, with their memory.
template <typename Node>
void give_back(std::vector<Node>& live, std::vector<Node>& spare, std::size_t keep = 0) {
  while (live.size() > keep) {
    spare.push_back(std::move(live.back()));
    live.pop_back();
  }
}

/// Makes `live` hold a node at `index` (its size at most `index` before), taking a spare one when there is one.
template <typename Node>
void grow_to(std::vector<Node>& live, std::vector<Node>& spare, std::size_t index) {
  if (index < live.size()) return;
  if (spare.empty()) {
    live.emplace_back();
  } else {
    live.push_back(std::move(spare.back()));
    spare.pop_back();
  }
}

/// Gives the node's children to the spares (a node that was a list or object in the last record).
void release_children(FastJsonParser::Impl& im, JsonNode& n) {
  give_back(n.items, im.spare_items);
  give_back(n.fields, im.spare_fields);
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
      give_back(n.items, im.spare_items);
      std::size_t count = 0;
      for (auto [key, value] : simdjson::dom::object(e)) {
        if (count >= kMaxJsonKeys) throw Defer{};
        for (std::size_t i = 0; i < count; ++i)
          if (n.fields[i].first == key) throw Defer{};  // parse_json names the duplicate key
        grow_to(n.fields, im.spare_fields, count);
        n.fields[count].first.assign(key.data(), key.size());
        fill(im, value, n.fields[count].second, depth + 1);
        ++count;
      }
      give_back(n.fields, im.spare_fields, count);
      return;
    }
    case element_type::ARRAY: {
      if (depth + 1 > kMaxDepth) throw Defer{};
      n.kind = JsonNode::Kind::Array;
      n.flag = false;
      n.text.clear();
      give_back(n.fields, im.spare_fields);
      std::size_t count = 0;
      for (element item : simdjson::dom::array(e)) {
        grow_to(n.items, im.spare_items, count);
        fill(im, item, n.items[count], depth + 1);
        ++count;
      }
      give_back(n.items, im.spare_items, count);
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
