// expr.hpp — declaration of the expression rule, shared between the grammar TUs.
#pragma once
#include "engine/syntax/ast.hpp"
#include "engine/syntax/grammar/config.hpp"

namespace entitle::grammar {

struct expr_class;
using expr_type = x3::rule<expr_class, ast::Expr>;
BOOST_SPIRIT_DECLARE(expr_type)
/// The full expression rule (lowest precedence: "or").
expr_type const& expression();

struct add_expr_class;
using add_expr_type = x3::rule<add_expr_class, ast::Chain>;
BOOST_SPIRIT_DECLARE(add_expr_type)
/// Arithmetic only (no comparisons or logic): used by table cells.
add_expr_type const& arithmetic();

struct string_text_class;
using string_text_type = x3::rule<string_text_class, std::string>;
BOOST_SPIRIT_DECLARE(string_text_type)
/// A "…" string literal's content (escapes \" and \\ resolved).
string_text_type const& string_text();

}  // namespace entitle::grammar
