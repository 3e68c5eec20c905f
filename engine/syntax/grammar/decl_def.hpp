// decl_def.hpp — the declaration grammar (included only by decl.cpp): enums, entities, definitions, standards, programs, tables, tests.
#pragma once
#include "engine/syntax/grammar/ast_adapted.hpp"
#include "engine/syntax/grammar/expr.hpp"
#include "engine/syntax/grammar/primitives.hpp"

namespace entitle::grammar {
namespace decl_rules {

using x3::attr;
using x3::lexeme;
using x3::lit;
using x3::matches;
using x3::raw;
using x3::repeat;
auto const digit = x3::ascii::digit;
using OptExpr = boost::optional<ast::Expr>;
using Words = std::vector<std::string>;

namespace {
auto const& expression = grammar::expression();
auto const& arithmetic = grammar::arithmetic();
auto const& text = grammar::string_text();
}  // namespace

///////////////////////////////////////////////////////////////////////////// rule ids
struct decl_class {};
struct type_ref_class : annotate_span {};
struct day_class {};
struct month_text_class {};
struct cite_class {};
struct enum_value_class : annotate_span {};
struct enum_class : annotate_span {};
struct field_class : annotate_span {};
struct field_constraint_class : annotate_span {};
struct choice_option_class : annotate_span {};
struct combine_class : annotate_span {};
struct entity_class : annotate_span {};
struct def_exception_class : annotate_span {};
struct define_class : annotate_span {};
struct std_amount_class : annotate_span {};
struct std_value_class : annotate_span {};
struct region_class {};
struct std_row_class : annotate_span {};
struct path_class {};
struct standard_class : annotate_span {};
struct clause_class : annotate_span {};
struct excludes_class : annotate_span {};
struct warning_class : annotate_span {};
struct region_entry_class : annotate_span {};
struct regions_class : annotate_span {};
struct amend_class : annotate_span {};
struct region_code_class {};
struct prog_exception_class : annotate_span {};
struct program_item_class {};
struct program_class : annotate_span {};
struct table_param_class : annotate_span {};
struct cell_value_class {};
struct cell_class : annotate_span {};
struct cell_any_class {};
struct cell_cmp_class {};
struct cell_set_class {};
struct cell_range_class {};
struct cell_eq_class {};
struct cmp_text_class {};
struct row_class {};
struct hit_class {};
struct table_class : annotate_span {};
struct json_nested_class {};
struct json_block_class {};
struct json_string_class {};
struct household_class : annotate_span {};
struct expectation_class : annotate_span {};
struct test_class : annotate_span {};

///////////////////////////////////////////////////////////////////////////// rules
x3::rule<decl_class, ast::Decl> const decl =
    "a declaration (enum, entity, define, standard, program, table, test, regions, amend, exclusive, choice, compatible or top_up)";
x3::rule<type_ref_class, ast::TypeRef> const type_ref = "a type";
x3::rule<day_class, std::string> const day = "date (YYYY-MM-DD)";
x3::rule<month_text_class, std::string> const month_text = "month (YYYY-MM)";
x3::rule<cite_class, std::string> const cite = "'cite \"…\"'";
x3::rule<enum_value_class, ast::EnumValue> const enum_value = "enum value";
x3::rule<enum_class, ast::EnumDecl> const enum_decl = "enum declaration";
x3::rule<field_class, ast::FieldDecl> const field = "field (name : type)";
x3::rule<field_constraint_class, ast::FieldConstraint> const field_constraint = "allowed values ('1 .. 4' or '>= 0')";
x3::rule<choice_option_class, ast::ChoiceOption> const choice_option = "'PROGRAM when CONDITION'";
x3::rule<combine_class, ast::CombineDecl> const combine_decl = "'exclusive', 'choice', 'compatible' or 'top_up' declaration";
x3::rule<entity_class, ast::EntityDecl> const entity_decl = "entity declaration";
x3::rule<def_exception_class, ast::DefException> const def_exception = "exception";
x3::rule<define_class, ast::DefineDecl> const define_decl = "definition";
x3::rule<std_amount_class, ast::StdAmount> const std_amount = "a value or 'unsourced'";
x3::rule<std_value_class, ast::StdValue> const std_value = "'from DATE value'";
x3::rule<region_class, std::string> const region = "region code";
x3::rule<std_row_class, ast::StdRow> const std_row = "region row";
x3::rule<path_class, std::string> const path = "field path (e.g. household.area)";
x3::rule<standard_class, ast::StandardDecl> const standard_decl = "standard declaration";
x3::rule<clause_class, ast::Clause> const clause = "'eligible when', 'amount =' or 'members ='";
x3::rule<excludes_class, ast::Excludes> const excludes = "'excludes'";
x3::rule<warning_class, ast::WarningClause> const warning = "'warning \"…\" when'";
x3::rule<region_code_class, std::string> const region_code = "region code";
x3::rule<region_entry_class, ast::RegionEntry> const region_entry = "region code and name";
x3::rule<regions_class, ast::RegionsDecl> const regions_decl = "regions declaration";
x3::rule<amend_class, ast::AmendDecl> const amend_decl = "'amend standard NAME { … }'";
x3::rule<prog_exception_class, ast::ProgramException> const prog_exception = "exception";
x3::rule<program_item_class, ast::ProgramItem> const program_item = "program clause";
x3::rule<program_class, ast::ProgramDecl> const program_decl = "program declaration";
x3::rule<table_param_class, ast::TableParam> const table_param = "table input (name : type)";
x3::rule<cell_value_class, ast::Expr> const cell_value = "cell value";
x3::rule<cell_class, ast::Cell> const cell = "table cell";
x3::rule<cell_any_class, ast::Cell> const cell_any = "'-'";
x3::rule<cell_cmp_class, ast::Cell> const cell_cmp = "comparison cell";
x3::rule<cell_set_class, ast::Cell> const cell_set = "set cell";
x3::rule<cell_range_class, ast::Cell> const cell_range = "range cell";
x3::rule<cell_eq_class, ast::Cell> const cell_eq = "value cell";
x3::rule<cmp_text_class, std::string> const cmp_text = "comparison operator";
x3::rule<row_class, std::vector<ast::Cell>> const row = "table row '| … |'";
x3::rule<hit_class, std::string> const hit = "hit policy (unique, first, priority or collect sum)";
x3::rule<table_class, ast::TableDecl> const table_decl = "table declaration";
x3::rule<json_nested_class> const json_nested = "JSON object";
x3::rule<json_string_class> const json_string = "JSON string";
x3::rule<json_block_class, std::string> const json_block = "JSON object";
x3::rule<household_class, ast::HouseholdSource> const household = "'household { … }' or 'household file \"…\"'";
x3::rule<expectation_class, ast::Expectation> const expectation = "'expect program.field = value'";
x3::rule<test_class, ast::TestDecl> const test_decl = "test declaration";

///////////////////////////////////////////////////////////////////////////// grammar
auto const decl_def = enum_decl | entity_decl | define_decl | standard_decl | program_decl | table_decl | test_decl | regions_decl |
                      amend_decl | combine_decl;
auto const type_ref_def = matches[kw("optional")] >> matches[kw("list") >> kw("of")] >> identifier;
auto const day_def = raw[lexeme[repeat(4)[digit] >> '-' >> repeat(2)[digit] >> '-' >> repeat(2)[digit] >> !digit]];
auto const month_text_def = raw[lexeme[repeat(4)[digit] >> '-' >> repeat(2)[digit] >> !digit >> !lit('-')]];
auto const cite_def = kw("cite", "依据") > text;

auto const enum_value_def = identifier >> -text;
auto const enum_decl_def = kw("enum", "枚举") > identifier >> -text > lit('{') > (enum_value % ',') > lit('}');

auto const field_constraint_def = (&(cell_value >> lit("..")) >> attr(std::string("range")) >> cell_value >> lit("..") > cell_value) |
                                  (cmp_text > cell_value >> attr(OptExpr()));
auto const field_def = word > lit(':') > type_ref >> -field_constraint >> -(kw("default") > expression) >> -text;
auto const entity_decl_def = kw("entity", "实体") > identifier >> -text > lit('{') > *field > lit('}');

auto const def_exception_def = kw("exception", "例外") > identifier >> -text > kw("when", "当") > expression > kw("then", "则") >
                               expression;
auto const define_decl_def = kw("define", "定义") > identifier > lit('.') > word >> -text > lit(':') > type_ref >>
                             -(lit('=') > expression) >> *def_exception >> -cite;

auto const std_amount_def = expression >> -(kw("per") > word);
auto const std_value_def = kw("from", "自") > day >> matches[kw("assumed", "推定")] > (kw("unsourced", "无来源") | std_amount) >> -(kw("until", "至") > day) >>
                           -cite;
auto const region_def = lexeme[raw[+digit]] | (kw("all", "全国") >> attr(std::string("all")));
auto const std_row_def = region >> -identifier > lit(':') > +std_value;
auto const path_def = raw[identifier >> *(lit('.') >> word)];
auto const standard_decl_def = kw("standard", "标准") > identifier >> -text > lit(':') > type_ref >> -(kw("per") > word) >>
                               -(kw("by") > path) >> -(kw("renewed", "更新") > word) >> -cite > lit('{') > *std_row > lit('}');

auto const clause_def = (kw("eligible", "符合") >> attr(std::string("eligible")) > kw("when", "当") > expression) |
                        (kw("amount", "金额") >> attr(std::string("amount")) > lit('=') > expression) |
                        (kw("members", "对象") >> attr(std::string("members")) > lit('=') > expression);
auto const excludes_def = kw("excludes", "排除") >> attr(std::string("excludes")) > (identifier % ',');
auto const prog_exception_def = kw("exception", "例外") > identifier >> -text > kw("when", "当") > expression > lit('{') >
                                *clause > lit('}');
auto const warning_def = ((kw("warning", "提示") >> attr(std::string("warning"))) | (kw("review", "复核") >> attr(std::string("review")))) >
                         text > kw("when", "当") > expression;
auto const program_item_def = clause | excludes | prog_exception | warning;
auto const program_decl_def = kw("program", "项目") > identifier > text > kw("for") > word > kw("paid") > word >> -cite >
                              lit('{') > *program_item > lit('}');

auto const region_code_def = lexeme[raw[+digit]];
auto const region_entry_def = region_code > text;
auto const regions_decl_def = kw("regions", "区划") >> -text >> -cite > lit('{') > *region_entry > lit('}');
auto const amend_decl_def = kw("amend", "补充") > kw("standard", "标准") > identifier >> -cite > lit('{') > *std_row > lit('}');
auto const table_param_def = identifier > lit(':') > type_ref;
auto const cell_value_def = arithmetic;
auto const cmp_text_def = x3::string("<=") | x3::string(">=") | x3::string("!=") | x3::string("<") | x3::string(">");
auto const cell_any_def = lit('-') >> &lit('|') >> attr(std::string("any")) >> attr(OptExpr()) >> attr(OptExpr()) >> attr(Words());
auto const cell_cmp_def = cmp_text > cell_value >> attr(OptExpr()) >> attr(Words());
auto const cell_set_def = lit('{') >> attr(std::string("in")) >> attr(OptExpr()) >> attr(OptExpr()) > (word % ',') > lit('}');
auto const cell_range_def = &(cell_value >> lit("..")) >> attr(std::string("range")) >> cell_value >> lit("..") > cell_value >>
                            attr(Words());
auto const cell_eq_def = attr(std::string("=")) >> cell_value >> attr(OptExpr()) >> attr(Words());
auto const cell_def = cell_any | cell_cmp | cell_set | cell_range | cell_eq;
auto const row_def = lit('|') >> +(cell > lit('|'));
auto const hit_def = raw[word >> -kw("sum")];
auto const table_decl_def = kw("table", "表") > identifier >> -text > lit('(') > (table_param % ',') > lit(')') > lit("->") >
                            type_ref > kw("hit") > hit >> -cite > lit('{') > *row > lit('}');

auto const json_string_def = lit('"') >> *((lit('\\') >> x3::char_) | (x3::char_ - '"' - '\\')) >> lit('"');
auto const json_nested_def = lit('{') >> nested[*(json_string | json_nested | (x3::char_ - '{' - '}' - '"'))] > lit('}');
auto const json_block_def = lexeme[raw[json_nested]];
auto const household_def = kw("household", "家庭") >
                           ((kw("file") >> attr(std::string("file")) > text) | (attr(std::string("inline")) >> json_block));
auto const expectation_def = kw("expect", "预期") > identifier >> -(lit('[') > text > lit(']')) > lit('.') > word >>
                             -(lit('[') > text > lit(']')) > lit('=') > expression;
using Names = std::vector<std::string>;
using Options = std::vector<ast::ChoiceOption>;
auto const choice_option_def = identifier > kw("when", "当") > expression;
auto const combine_decl_def =
    (kw("exclusive", "互斥") >> attr(std::string("exclusive")) > repeat(1)[identifier] > kw("over", "优先于") > (identifier % ',') >>
     attr(Options()) >> -cite) |
    (kw("top_up", "补差") >> attr(std::string("top_up")) > repeat(1)[identifier] > kw("over", "优先于") > (identifier % ',') >>
     attr(Options()) >> -cite) |
    (kw("supplement", "附加") >> attr(std::string("supplement")) > repeat(1)[identifier] > kw("to", "于") > repeat(1)[identifier] >>
     attr(Options()) >> -cite) |
    (kw("compatible", "可兼得") >> attr(std::string("compatible")) > (identifier % ',') >> attr(Names()) >> attr(Options()) >> -cite) |
    (kw("choice", "择一") >> attr(std::string("choice")) >> attr(Names()) >> attr(Names()) > (choice_option % ',') >> -cite);
auto const test_decl_def = kw("test", "测试") > text > kw("at") > month_text > lit('{') > household > *expectation > lit('}');

BOOST_SPIRIT_DEFINE(decl, type_ref, day, month_text, cite, enum_value, enum_decl, field, entity_decl, def_exception,
                    define_decl, std_amount, std_value, region, std_row, path, standard_decl, clause, excludes,
                    prog_exception, program_item, program_decl, table_param, cell_value, cmp_text, cell_any, cell_cmp,
                    cell_set, cell_range, cell_eq, cell, row, hit, table_decl, json_string, json_nested, json_block,
                    household, expectation, test_decl, warning, region_code, region_entry, regions_decl, amend_decl,
                    field_constraint, choice_option, combine_decl)

}  // namespace decl_rules
}  // namespace entitle::grammar
