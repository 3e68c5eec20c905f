// json_writer.hpp — compact JSON written straight into a string (no tree): objects, arrays, keys and values in the
// order they are written, strings escaped exactly as nlohmann's dump() escapes them (so outputs stay byte-identical).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace entitle {

class JsonWriter {
public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { value_start(); out_ += '{'; first_.push_back(true); return *this; }
  JsonWriter& end_object() { out_ += '}'; first_.pop_back(); return *this; }
  JsonWriter& begin_array() { value_start(); out_ += '['; first_.push_back(true); return *this; }
  JsonWriter& end_array() { out_ += ']'; first_.pop_back(); return *this; }
  /// The key of the next value in the current object.
  JsonWriter& key(std::string_view k) {
    separate();
    append_string(out_, k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonWriter& string(std::string_view s) { value_start(); append_string(out_, s); return *this; }
  JsonWriter& boolean(bool b) { value_start(); out_ += b ? "true" : "false"; return *this; }
  JsonWriter& null() { value_start(); out_ += "null"; return *this; }
  JsonWriter& integer(long long v) { value_start(); out_ += std::to_string(v); return *this; }
  /// `"key":value` pairs already written as JSON text, inside the current object (a fragment made once, reused).
  JsonWriter& fields(std::string_view pairs) {
    separate();
    out_ += pairs;
    return *this;
  }
  /// A value already written as JSON text.
  JsonWriter& raw(std::string_view json) { value_start(); out_ += json; return *this; }
  JsonWriter& strings(const std::vector<std::string>& list) {
    begin_array();
    for (const auto& s : list) string(s);
    return end_array();
  }

  /// Appends `s` as a JSON string literal: quotes, \" \\ \b \f \n \r \t, other control bytes as \u00xx, everything
  /// else (UTF-8 included) as it is; text that is not UTF-8 is escaped by nlohmann's own replacing dump.
  static void append_string(std::string& out, std::string_view s);

private:
  void separate() {
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
  void value_start() {
    if (after_key_) after_key_ = false;
    else separate();
  }
  std::string& out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace entitle
