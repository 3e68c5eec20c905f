// json_fast_test.cpp — the bulk JSON path against the nlohmann one: FastJsonParser gives parse_json's tree (and error)
// for hand-picked edge cases, every committed fuzz input and generated records, with one parser and one reused tree;
// JsonWriter escapes strings to the bytes nlohmann's dump writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/base/json_fast.hpp"
#include "engine/base/json_writer.hpp"

using namespace entitle;

namespace {

/// The tree written out with its kinds, so a string "1" and a number 1 differ.
std::string shape(const JsonNode& n) {
  switch (n.kind) {
    case JsonNode::Kind::Null: return "null";
    case JsonNode::Kind::Bool: return n.flag ? "true" : "false";
    case JsonNode::Kind::Number: return "#" + n.text;
    case JsonNode::Kind::String: return "'" + n.text + "'";
    case JsonNode::Kind::Array: {
      std::string s = "[";
      for (const auto& i : n.items) s += shape(i) + ",";
      return s + "]";
    }
    case JsonNode::Kind::Object: {
      std::string s = "{";
      for (const auto& [k, v] : n.fields) s += k + ":" + shape(v) + ",";
      return s + "}";
    }
  }
  return "?";
}

/// Parses `text` both ways and expects the same outcome: the same tree, or the same error.
void expect_same(FastJsonParser& fast, JsonNode& reused, std::string_view text) {
  std::string slow_error, fast_error;
  auto slow = parse_json(text, slow_error);
  bool ok = fast.parse(text, reused, fast_error);
  ASSERT_EQ(ok, bool(slow)) << text;
  if (ok) EXPECT_EQ(shape(reused), shape(*slow)) << text;
  else EXPECT_EQ(fast_error, slow_error) << text;
}

std::vector<std::string> lines_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  std::stringstream whole;
  std::ifstream again(p, std::ios::binary);
  whole << again.rdbuf();
  out.push_back(whole.str());  // the whole file as one document too
  return out;
}

}  // namespace

TEST(FastJson, EdgeCasesGiveParseJsonsTreeOrError) {
  FastJsonParser fast;
  JsonNode reused;
  for (const char* text : {
           R"({"a":1,"b":[true,false,null],"c":{"d":"文字","e":-0,"f":12.50,"g":0.0}})",
           R"({"amount":"1234.56","n":123456789012345678901234567890})",
           R"({"esc":"a\"b\\c\/d\n\t","u":"\u4e2d"})",        // \u goes to parse_json
           R"({"a":"x\\u"})", R"({"a":"x\\\u4e2d"})", R"({"a":"\\"})",  // an escaped backslash before u, then a real \u
           R"({"a":1,"a":2})",                                 // duplicate key: parse_json's message
           R"({"a":1e5})", R"({"a":1E-5})", R"({"a":01})", R"({"a":1.})", R"({"a":.5})", R"({"a":-})",
           R"({"a":tru})", R"({"a":nul})", R"({"a":"x")", R"({"a":1}})", R"({"a":1} x)", R"([1,2,])", R"({,})",
           "{\"a\":\"tab\tinside\"}", "{\"a\":1}\r", "  {\"a\" : [ 1 , 2 ] }  ", "", "   ", "5", "\"text\"", "null",
           "{\"a\":\"\xff\"}", "[[[[[[[[[[]]]]]]]]]]", "{}", "[]", "[{}]", "{\"\":\"\"}"}) {
    SCOPED_TRACE(text);
    expect_same(fast, reused, text);
  }
  // Nesting: 64 levels parse, 65 are refused with parse_json's message.
  expect_same(fast, reused, std::string(64, '[') + std::string(64, ']'));
  expect_same(fast, reused, std::string(65, '[') + std::string(65, ']'));
  // Many keys: up to the limit, and over it.
  std::string keys = "{";
  for (std::size_t i = 0; i <= kMaxJsonKeys; ++i) keys += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  expect_same(fast, reused, keys + "}");
  // A long number that overflows a double.
  expect_same(fast, reused, "{\"a\":1" + std::string(400, '0') + ".5}");
}

TEST(FastJson, EveryCommittedFuzzInputGivesParseJsonsOutcome) {
  FastJsonParser fast;
  JsonNode reused;
  std::size_t documents = 0;
  for (const char* dir : {"household", "import"})
    for (const auto& kind : {"corpus", "regressions"}) {
      std::filesystem::path p = std::filesystem::path(ENTITLE_SOURCE_DIR) / "tests/fuzz" / kind / dir;
      if (!std::filesystem::exists(p)) continue;
      for (const auto& entry : std::filesystem::directory_iterator(p))
        for (const std::string& line : lines_of(entry.path())) {
          SCOPED_TRACE(entry.path().string());
          expect_same(fast, reused, line);
          ++documents;
        }
    }
  EXPECT_GT(documents, 50u);
  EXPECT_LT(fast.deferred(), documents);  // most of them take the fast path
}

TEST(FastJson, ReusingOneTreeAcrossDifferentShapesLeavesNothingBehind) {
  // Records of different shapes through one tree: each comes out as parse_json builds it from scratch.
  std::mt19937 rng(7);
  FastJsonParser fast;
  JsonNode reused;
  const char* parts[] = {"1", "\"s\"", "true", "null", "[1,2,3]", "{\"x\":{\"y\":[{\"z\":1}]}}", "[]", "{}", "\"长文字\"", "-12"};
  for (int i = 0; i < 2000; ++i) {
    std::string text = "{";
    int n = int(rng() % 6);
    for (int k = 0; k < n; ++k) text += (k ? ",\"f" : "\"f") + std::to_string(rng() % 4 + k * 10) + "\":" + parts[rng() % 10];
    text += "}";
    expect_same(fast, reused, text);
  }
  EXPECT_EQ(fast.deferred(), 0u);  // no fractions, escapes or limits here: every record took the fast path
}

TEST(JsonWriter, StringsAreEscapedAsNlohmannDumpsThem) {
  std::vector<std::string> texts = {"", "plain", "城乡最低生活保障", "quote \" backslash \\ slash /", "\b\f\n\r\t",
                                    std::string("nul \0 and \x01 \x1f \x7f", sizeof("nul \0 and \x01 \x1f \x7f") - 1), "\xF0\x9F\x98\x80",
                                    // not UTF-8: nlohmann replaces each bad sequence with U+FFFD, and so must we
                                    "\xC0\xAF", "\xED\xA0\x80 surrogate", "\xF4\x90\x80\x80 too high", "cut \xE5\x9F", "\xFF"};
  for (const std::string& t : texts) {
    std::string ours;
    JsonWriter::append_string(ours, t);
    EXPECT_EQ(ours, nlohmann::json(t).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) << t;
  }
}
