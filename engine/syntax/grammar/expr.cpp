// expr.cpp — instantiates the expression grammar (the only TU that compiles expr_def.hpp).
#include "engine/syntax/grammar/expr_def.hpp"

namespace entitle::grammar {
BOOST_SPIRIT_INSTANTIATE(expr_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(add_expr_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(string_text_type, iterator_type, context_type)
}  // namespace entitle::grammar
