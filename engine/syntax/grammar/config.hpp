// config.hpp — the one definition of the parser's iterator, skipper and context types every grammar TU must share.
#pragma once
#include <boost/spirit/home/x3.hpp>

#include "engine/base/source.hpp"

namespace entitle::grammar {
namespace x3 = boost::spirit::x3;

/// Skips white space and "# …" comments up to the end of the line.
struct skipper_parser : x3::parser<skipper_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const&, RCtx&, Attr&) const {
    It start = first;
    while (first != last) {
      char c = *first;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++first;
      } else if (c == '#') {
        while (first != last && *first != '\n') ++first;
      } else {
        break;
      }
    }
    return first != start;
  }
};
skipper_parser const skipper{};

using iterator_type = char const*;
using context_type = x3::phrase_parse_context<skipper_parser>::type;

/// Where the file being parsed starts, so spans become byte offsets. Set by parse_rule_file for the duration of a parse.
struct ParseTarget {
  char const* begin = nullptr;
  FileId file = 0;
  int depth = 0;  // expressions (and inline JSON objects) being parsed inside each other: see `nested` in primitives.hpp
};

/// How deep expressions may nest: brackets, `not`, unary minus, if … then … else, arguments, inline household JSON.
/// The parser, the checker and the evaluator recurse on this depth, so it is what keeps the stack bounded.
constexpr int kMaxNesting = 100;
/// Defined here (inline) rather than extern: its initialiser is then visible everywhere, so no TLS wrapper that
/// UndefinedBehaviorSanitizer mistakes for a null pointer is generated.
inline thread_local ParseTarget current_target;

}  // namespace entitle::grammar
