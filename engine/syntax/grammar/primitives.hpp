// primitives.hpp — hand-written leaf parsers: keywords with word boundaries, identifiers (UTF-8 allowed), span annotation.
#pragma once
#include <string>
#include <type_traits>

#include "engine/syntax/ast.hpp"
#include "engine/syntax/grammar/config.hpp"

namespace entitle::grammar {

/// An identifier character: ASCII letter, digit, underscore, or any byte of a multi-byte UTF-8 sequence.
inline bool is_ident_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u >= 0x80;
}

/// The language's reserved words: not usable as names.
bool is_reserved_word(std::string const& w);

/// A keyword: matches the word (or its Chinese alias) only when not followed by an identifier character.
struct keyword_parser : x3::parser<keyword_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  char const* word;
  char const* alias = nullptr;

  template <typename It>
  static bool match(It& first, It const& last, char const* w) {
    It it = first;
    for (char const* p = w; *p; ++p, ++it)
      if (it == last || *it != *p) return false;
    if (it != last && is_ident_char(*it)) return false;
    first = it;
    return true;
  }
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr&) const {
    x3::skip_over(first, last, ctx);
    return match(first, last, word) || (alias && match(first, last, alias));
  }
};
inline keyword_parser kw(char const* word, char const* alias = nullptr) { return keyword_parser{{}, word, alias}; }

/// A word: a letter, underscore or non-ASCII character, then letters, digits, underscores. `Reserved` decides
/// whether reserved words are refused (names of declarations) or accepted (field names after '.').
template <bool Reserved>
struct name_parser : x3::parser<name_parser<Reserved>> {
  using attribute_type = std::string;
  static bool const has_attribute = true;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    It it = first;
    if (it == last || !is_ident_char(*it) || (*it >= '0' && *it <= '9')) return false;
    while (it != last && is_ident_char(*it)) ++it;
    std::string text(first, it);
    if (Reserved && is_reserved_word(text)) return false;
    x3::traits::move_to(std::move(text), attr);
    first = it;
    return true;
  }
};
using identifier_parser = name_parser<true>;
using word_parser = name_parser<false>;
/// A name that is not a reserved word.
identifier_parser const identifier{};
/// Any word, reserved or not (a field may be called "per").
word_parser const word{};

/// Thrown by `nested[…]` where expressions nest more than kMaxNesting deep; parse_rule_file reports it.
struct TooDeep {
  char const* where;
};

/// `nested[p]`: parses p one level deeper, throwing TooDeep beyond kMaxNesting levels. Every recursive rule of the
/// grammar goes through one (an expression, the operand of `not` and of unary minus, an inline JSON object), so no
/// input can make the recursive-descent parser exhaust the stack.
template <typename Subject>
struct nested_directive : x3::unary_parser<Subject, nested_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, nested_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr nested_directive(Subject const& subject) : base_type(subject) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
    if (current_target.depth > kMaxNesting) throw TooDeep{first};
    struct Level {
      Level() { ++current_target.depth; }
      ~Level() { --current_target.depth; }
    } level;
    return this->subject.parse(first, last, ctx, rctx, attr);
  }
};
struct nested_gen {
  template <typename Subject>
  constexpr nested_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](Subject const& subject) const {
    return {x3::as_parser(subject)};
  }
};
constexpr nested_gen nested{};

/// Fills a node's span from the matched range (after the skipper).
struct annotate_span {
  template <typename It, typename T, typename Ctx>
  void on_success(It const& first, It const& last, T& node, Ctx const&) const {
    if constexpr (std::is_base_of_v<ast::Node, T>) {
      node.span.file = current_target.file;
      node.span.begin = static_cast<std::uint32_t>(first - current_target.begin);
      node.span.end = static_cast<std::uint32_t>(last - current_target.begin);
    }
  }
};

}  // namespace entitle::grammar

namespace boost::spirit::x3 {
template <>
struct get_info<entitle::grammar::keyword_parser> {
  using result_type = std::string;
  std::string operator()(entitle::grammar::keyword_parser const& p) const { return "'" + std::string(p.word) + "'"; }
};
template <bool Reserved>
struct get_info<entitle::grammar::name_parser<Reserved>> {
  using result_type = std::string;
  std::string operator()(entitle::grammar::name_parser<Reserved> const&) const { return "a name"; }
};
}  // namespace boost::spirit::x3
