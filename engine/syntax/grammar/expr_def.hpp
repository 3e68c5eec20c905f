// expr_def.hpp — the expression grammar (included only by expr.cpp): logic, comparisons, arithmetic, aggregations.
#pragma once
#include "engine/syntax/grammar/ast_adapted.hpp"
#include "engine/syntax/grammar/expr.hpp"
#include "engine/syntax/grammar/primitives.hpp"

namespace entitle::grammar {
struct expr_class : annotate_span {};
struct add_expr_class : annotate_span {};
struct string_text_class {};


using x3::attr;
using x3::lexeme;
using x3::lit;
using x3::matches;
using x3::raw;
using x3::repeat;
auto const digit = x3::ascii::digit;
using OptExpr = boost::optional<ast::Expr>;


///////////////////////////////////////////////////////////////////////////// rule ids
struct or_class : annotate_span {};
struct and_class : annotate_span {};
struct not_class : annotate_span {};
struct unary_not_class : annotate_span {};
struct cmp_class : annotate_span {};
struct cmp_tail_class {};
struct cmp_op_class {};
struct is_test_class {};
struct in_set_class {};
struct within_class {};
struct mul_class : annotate_span {};
struct unary_class {};
struct neg_class : annotate_span {};
struct postfix_class : annotate_span {};
struct selector_class {};
struct primary_class {};
struct name_class : annotate_span {};
struct number_class : annotate_span {};
struct number_text_class {};
struct date_class : annotate_span {};
struct date_text_class {};
struct month_class : annotate_span {};
struct month_text_class {};
struct duration_class : annotate_span {};
struct duration_amount_class {};
struct duration_unit_class {};
struct string_class : annotate_span {};
struct bool_class : annotate_span {};
struct bool_text_class {};
struct call_class : annotate_span {};
struct call_name_class {};
struct agg_class : annotate_span {};
struct agg_count_class : annotate_span {};
struct agg_value_class : annotate_span {};
struct agg_value_op_class {};
struct agg_any_class : annotate_span {};
struct agg_every_class : annotate_span {};
struct agg_those_class : annotate_span {};
struct if_class : annotate_span {};
struct or_tail_class {};
struct and_tail_class {};
struct add_tail_class {};
struct mul_tail_class {};

///////////////////////////////////////////////////////////////////////////// rules
expr_type const expr = "expression";
x3::rule<or_class, ast::Chain> const or_expr = "expression";
x3::rule<or_tail_class, ast::OpTail> const or_tail = "'or' expression";
x3::rule<and_class, ast::Chain> const and_expr = "expression";
x3::rule<and_tail_class, ast::OpTail> const and_tail = "'and' expression";
x3::rule<not_class, ast::Expr> const not_expr = "expression";
x3::rule<unary_not_class, ast::Unary> const unary_not = "'not' expression";
x3::rule<cmp_class, ast::Comparison> const cmp_expr = "expression";
x3::rule<cmp_tail_class, ast::CmpTail> const cmp_tail = "comparison";
x3::rule<cmp_op_class, ast::CmpOp> const cmp_op = "comparison";
x3::rule<is_test_class, ast::IsTest> const is_test = "'is absent' or 'is present'";
x3::rule<in_set_class, ast::InSet> const in_set = "'in {…}'";
x3::rule<within_class, ast::Within> const within = "'within a .. b'";
add_expr_type const add_expr = "arithmetic expression";
x3::rule<add_tail_class, ast::OpTail> const add_tail = "'+' or '-' term";
x3::rule<mul_class, ast::Chain> const mul_expr = "arithmetic expression";
x3::rule<mul_tail_class, ast::OpTail> const mul_tail = "'*' or '/' factor";
x3::rule<unary_class, ast::Expr> const unary = "value";
x3::rule<neg_class, ast::Unary> const neg = "negative value";
x3::rule<postfix_class, ast::Postfix> const postfix = "value";
x3::rule<selector_class, ast::Selector> const selector = "field";
x3::rule<primary_class, ast::Expr> const primary = "value";
x3::rule<name_class, ast::Name> const name = "a name";
x3::rule<number_text_class, std::string> const number_text = "number";
x3::rule<number_class, ast::NumberLit> const number = "number";
x3::rule<date_text_class, std::string> const date_text = "date (YYYY-MM-DD)";
x3::rule<date_class, ast::DateLit> const date = "date (YYYY-MM-DD)";
x3::rule<month_text_class, std::string> const month_text = "month (YYYY-MM)";
x3::rule<month_class, ast::MonthLit> const month = "month (YYYY-MM)";
x3::rule<duration_class, ast::DurationLit> const duration = "duration (e.g. 6 months)";
x3::rule<duration_amount_class, std::string> const duration_amount = "whole number";
x3::rule<duration_unit_class, std::string> const duration_unit = "days, months or years";
string_text_type const string_text_rule = "text in quotes (\"…\")";
x3::rule<string_class, ast::StringLit> const string = "text in quotes (\"…\")";
x3::rule<bool_text_class, std::string> const bool_text = "true or false";
x3::rule<bool_class, ast::Name> const boolean = "true or false";
x3::rule<call_class, ast::Call> const call = "function call";
x3::rule<call_name_class, std::string> const call_name = "function name";
x3::rule<agg_class, ast::Aggregate> const aggregate = "aggregation";
x3::rule<agg_count_class, ast::Aggregate> const agg_count = "count";
x3::rule<agg_value_class, ast::Aggregate> const agg_value = "sum, min or max";
x3::rule<agg_value_op_class, std::string> const agg_value_op = "sum, min or max";
x3::rule<agg_any_class, ast::Aggregate> const agg_any = "any";
x3::rule<agg_every_class, ast::Aggregate> const agg_every = "every";
x3::rule<agg_those_class, ast::Aggregate> const agg_those = "those";
x3::rule<if_class, ast::IfExpr> const if_expr = "if expression";

///////////////////////////////////////////////////////////////////////////// grammar
auto const expr_def = nested[or_expr];
auto const or_expr_def = and_expr >> *or_tail;
auto const or_tail_def = kw("or", "或") >> attr(std::string("or")) > and_expr;
auto const and_expr_def = not_expr >> *and_tail;
auto const and_tail_def = kw("and", "且") >> attr(std::string("and")) > not_expr;
auto const not_expr_def = unary_not | cmp_expr;
auto const unary_not_def = kw("not", "非") >> attr(std::string("not")) > nested[not_expr];
auto const cmp_expr_def = add_expr >> -cmp_tail;
auto const cmp_tail_def = cmp_op | is_test | in_set | within;
auto const cmp_op_def = (x3::string("<=") | x3::string(">=") | x3::string("!=") | x3::string("<") | x3::string(">") |
                         x3::string("=")) > add_expr;
auto const is_test_def = kw("is") >> matches[kw("not")] >
                         ((kw("absent") >> attr(std::string("absent"))) | (kw("present") >> attr(std::string("present"))));
auto const in_set_def = matches[kw("not")] >> kw("in") > lit('{') > (name % ',') > lit('}');
auto const within_def = kw("within") > add_expr > lit("..") > add_expr;
auto const add_expr_def = mul_expr >> *add_tail;
auto const add_tail_def = (x3::string("+") | x3::string("-")) > mul_expr;
auto const mul_expr_def = unary >> *mul_tail;
auto const mul_tail_def = (x3::string("*") | x3::string("/")) > unary;
auto const unary_def = neg | postfix;
auto const neg_def = x3::string("-") > nested[unary];
auto const postfix_def = primary >> *selector;
auto const selector_def = (x3::char_('.') >> !lit('.') > word >> attr(OptExpr())) |
                          (x3::char_('[') >> attr(std::string()) > expr > lit(']'));
auto const primary_def = if_expr | call | aggregate | date | month | duration | number | string | boolean | name |
                         (lit('(') > expr > lit(')'));
auto const name_def = identifier;
auto const number_text_def = lexeme[raw[+digit >> -('.' >> +digit) >> -lit('%')]];
auto const number_def = number_text;
auto const date_text_def =
    raw[lexeme[repeat(4)[digit] >> '-' >> repeat(2)[digit] >> '-' >> repeat(2)[digit] >> !digit]];
auto const date_def = date_text;
auto const month_text_def = raw[lexeme[repeat(4)[digit] >> '-' >> repeat(2)[digit] >> !digit >> !lit('-')]];
auto const month_def = month_text;
auto const duration_amount_def = raw[lexeme[+digit]];
auto const duration_unit_def = (kw("days") >> attr(std::string("days"))) | (kw("day") >> attr(std::string("days"))) |
                               (kw("months") >> attr(std::string("months"))) | (kw("month") >> attr(std::string("months"))) |
                               (kw("years") >> attr(std::string("years"))) | (kw("year") >> attr(std::string("years")));
auto const duration_def = duration_amount >> duration_unit;
auto const string_text_rule_def =
    lexeme[lit('"') > *((lit('\\') >> x3::char_) | (x3::char_ - '"' - '\\' - '\n')) > lit('"')];
auto const string_def = string_text_rule;
auto const bool_text_def = (kw("true", "是") >> attr(std::string("true"))) | (kw("false", "否") >> attr(std::string("false")));
auto const boolean_def = bool_text;
auto const call_name_def = identifier | x3::string("min") | x3::string("max");
auto const call_def = call_name >> lit('(') >> -(expr % ',') > lit(')');
auto const aggregate_def = agg_count | agg_value | agg_any | agg_every | agg_those;
auto const agg_count_def = kw("count", "计数") >> attr(std::string("count")) >> attr(OptExpr()) >> -kw("of") >> identifier >
                           kw("in") > postfix >> -(kw("where", "满足") > expr) >> attr(OptExpr());
auto const agg_value_op_def = (kw("sum", "合计") >> attr(std::string("sum"))) | (kw("min") >> attr(std::string("min"))) |
                              (kw("max") >> attr(std::string("max")));
auto const agg_value_def = agg_value_op >> -kw("of") >> expr > kw("for") > identifier > kw("in") > postfix >>
                           -(kw("where", "满足") > expr) >> attr(OptExpr());
auto const agg_any_def = kw("any", "存在") >> attr(std::string("any")) >> attr(OptExpr()) >> identifier > kw("in") > postfix >
                         kw("where", "满足") > expr >> attr(OptExpr());
auto const agg_every_def = (kw("every") | kw("all", "所有")) >> attr(std::string("every")) >> attr(OptExpr()) >> identifier >
                           kw("in") > postfix >> -(kw("where", "满足") > expr) > kw("satisfies") > expr;
auto const agg_those_def = kw("those", "其中") >> attr(std::string("those")) >> attr(OptExpr()) >> identifier > kw("in") > postfix >
                           kw("where", "满足") > expr >> attr(OptExpr());
auto const if_expr_def = kw("if", "如果") > expr > kw("then", "则") > expr > kw("else", "否则") > expr;

BOOST_SPIRIT_DEFINE(expr, or_expr, or_tail, and_expr, and_tail, not_expr, unary_not, cmp_expr, cmp_tail, cmp_op, is_test,
                    in_set, within, add_expr, add_tail, mul_expr, mul_tail, unary, neg, postfix, selector, primary, name,
                    number_text, number, date_text, date, month_text, month, duration_amount, duration_unit, duration, string_text_rule, string, bool_text, boolean,
                    call_name, call, aggregate, agg_count, agg_value_op, agg_value, agg_any, agg_every, agg_those, if_expr)

expr_type const& expression() { return expr; }
add_expr_type const& arithmetic() { return add_expr; }
string_text_type const& string_text() { return string_text_rule; }

}  // namespace entitle::grammar
