// decl.cpp — the declaration grammar's one TU and parse_rule_file: parse declaration by declaration, recover, report.
#include <cstring>
#include <set>

#include "engine/syntax/grammar/decl_def.hpp"
#include "engine/syntax/parse.hpp"

namespace entitle::grammar {

bool is_reserved_word(std::string const& w) {
  static const std::set<std::string> kReserved = {
      "and", "or", "not", "if", "then", "else", "is", "in", "within", "count", "sum", "min", "max", "any",
      "every", "all", "those", "of", "for", "where", "satisfies", "true", "false", "absent", "present", "exception", "cite",
      "when", "from", "until", "unsourced", "per", "define", "enum", "entity", "standard", "program", "table",
      "test", "expect", "by", "hit", "default", "regions", "warning", "amend",
      // Chinese aliases of keywords
      "或", "且", "非", "是", "否", "如果", "则", "否则", "计数", "合计", "存在", "所有", "其中", "满足", "例外", "依据", "当",
      "自", "至", "无来源", "定义", "枚举", "实体", "标准", "项目", "表", "测试", "预期", "全国", "区划", "提示", "补充"};
  return kReserved.count(w) > 0;
}

namespace {

const char* const kTopKeywords[] = {"enum", "entity", "define", "standard", "program", "table", "test", "regions", "amend",
                                    "exclusive", "choice", "compatible", "top_up", "supplement",
                                    "枚举", "实体", "定义", "标准", "项目", "表", "测试", "区划", "补充", "互斥", "择一", "可兼得", "补差", "附加"};

void skip_blank(iterator_type& it, iterator_type last) {
  x3::unused_type u;
  skipper.parse(it, last, x3::unused, u, u);
}

/// Describes what stands at `where`, for "expected X, found Y"; sets the span of that token.
std::string describe_found(iterator_type where, iterator_type last, iterator_type begin, FileId file, SourceSpan& span) {
  skip_blank(where, last);
  span.file = file;
  span.begin = static_cast<std::uint32_t>(where - begin);
  if (where == last) {
    span.end = span.begin;
    return "the end of the file";
  }
  iterator_type end = where;
  if (is_ident_char(*end)) {
    while (end != last && is_ident_char(*end)) ++end;
  } else if (*end == '"') {
    ++end;
    while (end != last && *end != '"' && *end != '\n') ++end;
    if (end != last && *end == '"') ++end;
  } else {
    ++end;
    if (end != last && ((*where == '<' || *where == '>' || *where == '!' || *where == '=') && *end == '=')) ++end;
    if (end != last && *where == '.' && *end == '.') ++end;
  }
  span.end = static_cast<std::uint32_t>(end - begin);
  std::string token(where, end);
  if (token.size() > 40) token = token.substr(0, 40) + "…";
  return "'" + token + "'";
}

/// Moves to the start of the next line that begins (after indentation) with a declaration keyword.
void recover(iterator_type& it, iterator_type last) {
  while (it != last) {
    while (it != last && *it != '\n') ++it;
    if (it == last) return;
    ++it;
    iterator_type probe = it;
    while (probe != last && (*probe == ' ' || *probe == '\t')) ++probe;
    for (const char* k : kTopKeywords)
      if (keyword_parser::match(probe, last, k)) {
        it = probe - std::strlen(k);
        return;
      }
  }
}

}  // namespace
}  // namespace entitle::grammar

namespace entitle {

namespace {
using grammar::kMaxNesting;

/// Offset where brackets first nest deeper than kMaxNesting (outside strings and comments), or -1: a quick check
/// before parsing. (The parser counts every kind of nesting itself: `nested` in grammar/primitives.hpp.)
long too_deep_at(const std::string& text) {
  int depth = 0;
  bool in_string = false, in_comment = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_comment) {
      in_comment = c != '\n';
    } else if (in_string) {
      // A string ends at its closing quote or, unterminated, at the end of the line (as the grammar's strings do),
      // so brackets on the lines after an unterminated string are still counted.
      if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') ++i;
      else if (c == '"' || c == '\n') in_string = false;
    } else if (c == '#') {
      in_comment = true;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '(' || c == '[' || c == '{') {
      if (++depth > kMaxNesting) return long(i);
    } else if (c == ')' || c == ']' || c == '}') {
      if (depth > 0) --depth;
    }
  }
  return -1;
}
}  // namespace

ast::RuleFile parse_rule_file(const SourceManager& sm, FileId file, DiagnosticSink& sink) {
  using namespace grammar;
  ast::RuleFile out;
  out.file = file;
  const std::string& text = sm.text(file);
  if (long at = too_deep_at(text); at >= 0) {
    sink.report(DiagKind::TooDeeplyNested, {file, std::uint32_t(at), std::uint32_t(at + 1)}, {std::to_string(kMaxNesting) + " brackets"});
    return out;
  }
  iterator_type begin = text.data(), first = begin, last = begin + text.size();
  current_target = {begin, file, 0};
  for (;;) {
    skip_blank(first, last);
    if (first == last) break;
    ast::Decl d;
    iterator_type start = first;
    try {
      if (x3::phrase_parse(first, last, decl_rules::decl, skipper, d)) {
        out.decls.push_back(std::move(d));
        continue;
      }
      SourceSpan span;
      std::string found = describe_found(start, last, begin, file, span);
      sink.report(DiagKind::ExpectedToken, span, {"a declaration (enum, entity, define, standard, program, table, test, regions or amend)", found});
      first = start;
    } catch (const x3::expectation_failure<iterator_type>& e) {
      SourceSpan span;
      std::string found = describe_found(e.where(), last, begin, file, span);
      sink.report(DiagKind::ExpectedToken, span, {e.which(), found});
      first = e.where();
    } catch (const TooDeep& e) {  // `not not … x`, `- - … 1`, if … else if …: nested more than kMaxNesting levels
      current_target.depth = 0;
      SourceSpan span;
      describe_found(e.where, last, begin, file, span);
      sink.report(DiagKind::TooDeeplyNested, span, {std::to_string(kMaxNesting) + " levels"});
      first = e.where;
    }
    recover(first, last);
  }
  return out;
}

}  // namespace entitle
