// parse_test.cpp — the grammar through parse_rule_file: shapes, spans, recovery after errors.
#include <gtest/gtest.h>

#include "engine/syntax/parse.hpp"

using namespace entitle;

namespace {
ast::RuleFile parse(const std::string& text, DiagnosticSink& sink, SourceManager& sm) {
  FileId f = sm.add("t.rules", text);
  return parse_rule_file(sm, f, sink);
}
}  // namespace

TEST(Parse, AllDeclarationKinds) {
  SourceManager sm;
  DiagnosticSink sink;
  auto file = parse(R"(
enum k "类别" { a "甲", b }
entity e { x : integer  y : optional list of e  per : k }
define e.z "z" : integer = x + 1 exception big when x > 10 then 10 cite "某条"
standard s "标准" : money per month by household.area cite "来源" {
  140521 a: from 2016-01-01 12 per year until 2019-12-31
            from 2020-01-01 unsourced
  all: from 2000-01-01 1
}
program p "项目" for household paid monthly cite "c" {
  eligible when true
  amount = 1
  members = those m in members where m.x > 0
  excludes q
  exception ex "例外" when false { amount = 2 }
}
table t "表" (n : integer, w : k) -> k hit unique {
  | < 0     | -      | a |
  | 0 .. 3  | {a, b} | b |
  | >= 4    | a      | a |
}
test "t" at 2021-03 {
  household {"id": "x", "nested": {"a": "}"}}
  expect p.amount = 1.00
  expect p.amount["P1"] = 1
}
)", sink, sm);
  EXPECT_FALSE(sink.has_errors()) << render_diagnostics(sm, sink.sorted());
  ASSERT_EQ(file.decls.size(), 7u);
  auto& table = boost::get<ast::TableDecl>(file.decls[5]);
  EXPECT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[1][0].op, "range");
  EXPECT_EQ(table.rows[1][1].op, "in");
  EXPECT_EQ(table.rows[0][1].op, "any");
  EXPECT_EQ(table.rows[2][0].op, ">=");
  auto& test = boost::get<ast::TestDecl>(file.decls[6]);
  EXPECT_EQ(test.household.kind, "inline");
  EXPECT_EQ(test.household.text, R"({"id": "x", "nested": {"a": "}"}})");
  auto& st = boost::get<ast::StandardDecl>(file.decls[3]);
  ASSERT_EQ(st.rows.size(), 2u);
  EXPECT_FALSE(st.rows[0].values[1].amount.has_value());  // unsourced
  EXPECT_EQ(*st.rows[0].values[0].until, "2019-12-31");
}

TEST(Parse, SpansStartAtTheToken) {
  SourceManager sm;
  DiagnosticSink sink;
  auto file = parse("# comment\n\ndefine e.z : integer = 1\n", sink, sm);
  ASSERT_EQ(file.decls.size(), 1u);
  auto& d = boost::get<ast::DefineDecl>(file.decls[0]);
  EXPECT_EQ(sm.line_col(d.span.file, d.span.begin).line, 3u);
  EXPECT_EQ(sm.slice(d.span), "define e.z : integer = 1");
}

TEST(Parse, ReportsSeveralErrorsAndKeepsGoodDeclarations) {
  SourceManager sm;
  DiagnosticSink sink;
  auto file = parse("define e.a : integer = 1 +\ndefine e.b : integer = 2\nprogram p \"x\" for household paid monthly { eligible when 1 < }\n", sink, sm);
  EXPECT_EQ(sink.error_count(), 2u) << render_diagnostics(sm, sink.sorted());
  EXPECT_EQ(file.decls.size(), 1u);
  std::string text = render_diagnostics(sm, sink.sorted());
  EXPECT_NE(text.find("t.rules:2:1: error: expected arithmetic expression, found 'define'"), std::string::npos) << text;
  EXPECT_NE(text.find("found '}'"), std::string::npos) << text;
}

TEST(Parse, KeywordsNeedWordBoundaries) {
  SourceManager sm;
  DiagnosticSink sink;
  auto file = parse("define e.x : bool = android or information\n", sink, sm);
  EXPECT_FALSE(sink.has_errors()) << render_diagnostics(sm, sink.sorted());
  ASSERT_EQ(file.decls.size(), 1u);
}

TEST(Parse, ChineseKeywordAliases) {
  SourceManager sm;
  DiagnosticSink sink;
  auto file = parse("定义 家庭.人数 : integer = 计数 m in 成员 满足 m.计入\n", sink, sm);
  EXPECT_FALSE(sink.has_errors()) << render_diagnostics(sm, sink.sorted());
  ASSERT_EQ(file.decls.size(), 1u);
  EXPECT_EQ(boost::get<ast::DefineDecl>(file.decls[0]).name, "人数");
}
