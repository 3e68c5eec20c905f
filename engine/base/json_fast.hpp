// json_fast.hpp — the fast JSON record parser of bulk paths (eval over JSON Lines): simdjson filling a JsonNode in
// place, reusing its memory from one record to the next. It gives exactly parse_json's tree and error:
// whatever it does not vouch for (any error, \u escapes, control bytes, fractions, the depth and key limits) goes to
// parse_json.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/base/json_tree.hpp"

namespace entitle {

class FastJsonParser {
public:
  FastJsonParser();
  ~FastJsonParser();
  FastJsonParser(const FastJsonParser&) = delete;
  FastJsonParser& operator=(const FastJsonParser&) = delete;

  /// Parses one JSON document into `out`, reusing the vectors and strings already in it. Returns false with
  /// `error` set (parse_json's message) when the text is not one JSON value; `out` is then unspecified.
  bool parse(std::string_view text, JsonNode& out, std::string& error);

  /// Documents handed to parse_json so far (a measure for benchmarks and tests).
  std::uint64_t deferred() const { return deferred_; }

  struct Impl;  // simdjson's parser and reused buffers (json_fast.cpp)

private:
  std::unique_ptr<Impl> impl_;
  std::uint64_t deferred_ = 0;
};

}  // namespace entitle
