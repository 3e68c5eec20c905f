// binder.hpp — binds syntax expressions to typed IR nodes: resolves names, fields, standards, calls; checks types.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/diag/diagnostic.hpp"
#include "engine/ir/ruleset.hpp"
#include "engine/syntax/ast.hpp"

namespace entitle::check {

/// What an expression may see: the entity it is about (or none) and the aggregation variables in force.
struct Scope {
  int self = -1;                 // entity index, -1 for constant contexts
  bool constant_only = false;    // table cells, test expectations: literals only
  struct Local {
    std::string name;
    int slot;
    int entity;
  };
  std::vector<Local> locals;
};

class Binder {
public:
  Binder(ir::RuleSet& rs, const SourceManager& sm, DiagnosticSink& sink) : rs_(rs), sm_(sm), sink_(sink) {}
  /// Binds `e` in `scope`; returns the node index (its type is Error after a reported problem).
  int bind(const ast::Expr& e, Scope& scope);
  /// Binds and requires a type; `what` names the place for the message ("the amount of program 'dibao'").
  int bind_expecting(const ast::Expr& e, Scope& scope, const ir::Type& want, const std::string& what);
  int add_node(ir::ExprNode n);
  ir::Type resolve_type(const ast::TypeRef& t);

private:
  int bind_name(const ast::Name& n, Scope& scope);
  int bind_number(const ast::NumberLit& n);
  int bind_chain(const ast::Chain& c, Scope& scope);
  int bind_comparison(const ast::Comparison& c, Scope& scope);
  int bind_postfix(const ast::Postfix& p, Scope& scope);
  int bind_call(const ast::Call& c, Scope& scope);
  int bind_aggregate(const ast::Aggregate& a, Scope& scope);
  int bind_if(const ast::IfExpr& i, Scope& scope);
  int bind_unary(const ast::Unary& u, Scope& scope);
  int member_access(int base, const std::string& name, SourceSpan span);
  int binary(ir::Op op, int l, int r, SourceSpan span, const std::string& opname);
  int error_node(SourceSpan span);
  void mismatch(SourceSpan span, const std::string& what, const std::string& want, const ir::Type& found);
  std::string tname(const ir::Type& t) const;
  /// is_literal, remembered per node: a long literal sum (`1 + 1 + …`) is not walked again at each of its operators,
  /// which made checking it quadratic (a 99-deep nest of 200-term sums: 2 s).
  bool literal(int node);
  /// The entity of the household's `members` list, or -1.
  int household_member_entity() const {
    if (rs_.root_entity < 0) return -1;
    int f = rs_.entities[rs_.root_entity].find_field("members");
    return f >= 0 ? rs_.entities[rs_.root_entity].fields[f].type.ref : -1;
  }

  ir::RuleSet& rs_;
  const SourceManager& sm_;
  DiagnosticSink& sink_;
  std::vector<std::int8_t> literal_;  // per node: -1 not yet known, 0 or 1
};

/// True when the node is a literal (possibly negated): such constants adopt the numeric type they meet.
bool is_literal(const ir::RuleSet& rs, int node);

}  // namespace entitle::check
