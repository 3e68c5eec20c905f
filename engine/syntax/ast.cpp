// ast.cpp — small helpers over the syntax tree.
#include "engine/syntax/ast.hpp"

namespace entitle::ast {
namespace {
struct SpanOf {
  template <typename T>
  SourceSpan operator()(const x3::forward_ast<T>& n) const { return n.get().span; }
  template <typename T>
  SourceSpan operator()(const T& n) const { return n.span; }
};
}  // namespace

SourceSpan span_of(const Expr& e) { return boost::apply_visitor(SpanOf{}, e); }

}  // namespace entitle::ast
