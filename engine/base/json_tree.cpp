// json_tree.cpp — builds JsonNode trees with nlohmann::json's SAX parser, keeping number texts.
#include "engine/base/json_tree.hpp"

#include <nlohmann/json.hpp>

#include "engine/base/source.hpp"

namespace entitle {
namespace {

class TreeBuilder : public nlohmann::json_sax<nlohmann::json> {
public:
  JsonNode root;
  std::string error;
  std::string duplicate_key;

  bool null() override { return put(JsonNode{}); }
  bool boolean(bool v) override {
    JsonNode n;
    n.kind = JsonNode::Kind::Bool;
    n.flag = v;
    return put(std::move(n));
  }
  bool number_integer(number_integer_t v) override { return number(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(std::to_string(v)); }
  bool number_float(number_float_t, const string_t& s) override { return number(s); }  // keeps the text s; the parsed double is dropped
  bool string(string_t& v) override {
    JsonNode n;
    n.kind = JsonNode::Kind::String;
    n.text = v;
    return put(std::move(n));
  }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return open(JsonNode::Kind::Object); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(JsonNode::Kind::Array); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    JsonNode* top = stack_.back();
    // Each key is checked against the others (a linear search): bounded, so a hostile object cannot take minutes.
    if (top->fields.size() >= kMaxJsonKeys) {
      error = "an object has more than " + std::to_string(kMaxJsonKeys) + " keys";
      return false;
    }
    if (top->find(k)) {
      error = "the key \"" + clip_text(k, kEchoBytes, false) + "\" appears twice in one object";
      return false;
    }
    pending_key_ = k;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    error = "at byte " + std::to_string(position) + ": " + ex.what();
    auto p = error.find("[json.exception.");
    if (p != std::string::npos) {
      auto q = error.find("] ", p);
      if (q != std::string::npos) error.erase(p, q + 2 - p);
    }
    error = clip_text(error, 240, false);  // the library quotes what it last read, which may be a 5 MB token
    return false;
  }

private:
  bool number(const std::string& s) {
    JsonNode n;
    n.kind = JsonNode::Kind::Number;
    n.text = s;
    return put(std::move(n));
  }
  bool put(JsonNode n) {
    if (stack_.empty()) {
      root = std::move(n);
      return true;
    }
    JsonNode* top = stack_.back();
    if (top->kind == JsonNode::Kind::Array) top->items.push_back(std::move(n));
    else top->fields.emplace_back(pending_key_, std::move(n));
    return true;
  }
  bool open(JsonNode::Kind k) {
    if (stack_.size() >= 64) {
      error = "objects and lists are nested more than 64 deep";
      return false;
    }
    JsonNode n;
    n.kind = k;
    if (stack_.empty()) {
      root = std::move(n);
      stack_.push_back(&root);
      return true;
    }
    JsonNode* top = stack_.back();
    if (top->kind == JsonNode::Kind::Array) {
      top->items.push_back(std::move(n));
      stack_.push_back(&top->items.back());
    } else {
      top->fields.emplace_back(pending_key_, std::move(n));
      stack_.push_back(&top->fields.back().second);
    }
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
  std::vector<JsonNode*> stack_;
  std::string pending_key_;
};

}  // namespace

const char* json_kind_name(JsonNode::Kind k) {
  switch (k) {
    case JsonNode::Kind::Null: return "null";
    case JsonNode::Kind::Bool: return "true/false";
    case JsonNode::Kind::Number: return "a number";
    case JsonNode::Kind::String: return "a string";
    case JsonNode::Kind::Array: return "a list";
    case JsonNode::Kind::Object: return "an object";
  }
  return "?";
}

namespace {
void write_string(std::string& out, const std::string& s) {
  out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
void write(std::string& out, const JsonNode& n) {
  switch (n.kind) {
    case JsonNode::Kind::Null: out += "null"; break;
    case JsonNode::Kind::Bool: out += n.flag ? "true" : "false"; break;
    case JsonNode::Kind::Number: out += n.text; break;
    case JsonNode::Kind::String: write_string(out, n.text); break;
    case JsonNode::Kind::Array:
      out += '[';
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        if (i) out += ',';
        write(out, n.items[i]);
      }
      out += ']';
      break;
    case JsonNode::Kind::Object:
      out += '{';
      for (std::size_t i = 0; i < n.fields.size(); ++i) {
        if (i) out += ',';
        write_string(out, n.fields[i].first);
        out += ':';
        write(out, n.fields[i].second);
      }
      out += '}';
      break;
  }
}
}  // namespace

std::string to_json_text(const JsonNode& node) {
  std::string out;
  write(out, node);
  return out;
}

std::optional<JsonNode> parse_json(std::string_view text, std::string& error) {
  TreeBuilder b;
  bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &b, nlohmann::json::input_format_t::json, true);
  if (!ok) {
    error = b.error.empty() ? "not valid JSON" : b.error;
    return std::nullopt;
  }
  return std::move(b.root);
}

}  // namespace entitle
