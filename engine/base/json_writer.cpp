// json_writer.cpp — JsonWriter's string escaping, the same bytes nlohmann's dump(-1, ' ', false, replace) writes.
#include "engine/base/json_writer.hpp"

#include <nlohmann/json.hpp>

#include "engine/base/source.hpp"

namespace entitle {

void JsonWriter::append_string(std::string& out, std::string_view s) {
  bool plain = true;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || c == '"' || c == '\\' || u >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) {  // the common case: ASCII without anything to escape
    out += '"';
    out += s;
    out += '"';
    return;
  }
  if (!is_valid_utf8(s)) {
    out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  static const char* const kHex = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[static_cast<unsigned char>(c) >> 4];
          out += kHex[static_cast<unsigned char>(c) & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace entitle
