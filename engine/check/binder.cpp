// binder.cpp — expression binding and type checking.
#include "engine/check/binder.hpp"

#include <map>

#include "engine/check/type_names.hpp"

namespace entitle::check {
namespace x3 = boost::spirit::x3;
namespace {

using ir::Op;
using ir::Type;
using ir::TypeKind;

Type T(TypeKind k, int r = -1) { return Type::of(k, r); }

SourceSpan join(SourceSpan a, SourceSpan b) {
  a.begin = std::min(a.begin, b.begin);
  a.end = std::max(a.end, b.end);
  return a;
}

struct BuiltinInfo {
  const char* name;
  ir::Builtin id;
  int arity;
};
const BuiltinInfo kBuiltins[] = {
    {"monthly", ir::Builtin::Monthly, 2},           {"age_at", ir::Builtin::AgeAt, 2},
    {"months_between", ir::Builtin::MonthsBetween, 2}, {"first_day", ir::Builtin::FirstDay, 1},
    {"last_day", ir::Builtin::LastDay, 1},          {"month_of", ir::Builtin::MonthOf, 1},
    {"min", ir::Builtin::Lesser, 2},                {"max", ir::Builtin::Greater, 2},
    {"add_months", ir::Builtin::AddMonths, 2},      {"year_of", ir::Builtin::YearOf, 1},
};

}  // namespace

bool is_literal(const ir::RuleSet& rs, int node) {
  const ir::ExprNode& n = rs.nodes[node];
  switch (n.op) {
    case Op::Const: return n.type.is_numeric();
    case Op::Neg: return is_literal(rs, n.kids[0]);
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div:
      return is_literal(rs, n.kids[0]) && is_literal(rs, n.kids[1]);
    default: return false;
  }
}

bool Binder::literal(int node) {
  if (std::size_t(node) >= literal_.size()) literal_.resize(rs_.nodes.size(), -1);
  if (literal_[node] < 0) {
    const ir::ExprNode& n = rs_.nodes[node];
    bool is = false;
    switch (n.op) {
      case Op::Const: is = n.type.is_numeric(); break;
      case Op::Neg: is = literal(n.kids[0]); break;
      case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: is = literal(n.kids[0]) && literal(n.kids[1]); break;
      default: break;
    }
    literal_[node] = is ? 1 : 0;
  }
  return literal_[node] == 1;
}

std::string Binder::tname(const Type& t) const { return type_name(rs_, t); }

int Binder::add_node(ir::ExprNode n) {
  rs_.nodes.push_back(std::move(n));
  return int(rs_.nodes.size()) - 1;
}

int Binder::error_node(SourceSpan span) {
  ir::ExprNode n;
  n.type = T(TypeKind::Error);
  n.span = span;
  return add_node(std::move(n));
}

void Binder::mismatch(SourceSpan span, const std::string& what, const std::string& want, const Type& found) {
  if (found.kind == TypeKind::Error) return;  // already reported
  sink_.report(DiagKind::TypeMismatch, span, {what, want, tname(found)});
}

ir::Type Binder::resolve_type(const ast::TypeRef& t) {
  static const std::map<std::string, TypeKind> kScalars = {
      {"bool", TypeKind::Bool},   {"integer", TypeKind::Integer}, {"decimal", TypeKind::Decimal},
      {"money", TypeKind::Money}, {"date", TypeKind::Date},       {"month", TypeKind::Month},
      {"text", TypeKind::Text}};
  Type out;
  if (auto it = kScalars.find(t.name); it != kScalars.end()) {
    out = T(it->second);
  } else {
    for (std::size_t i = 0; i < rs_.enums.size(); ++i)
      if (rs_.enums[i].name == t.name) out = T(TypeKind::Enum, int(i));
    for (std::size_t i = 0; i < rs_.entities.size(); ++i)
      if (rs_.entities[i].name == t.name) out = T(TypeKind::Entity, int(i));
  }
  if (out.kind == TypeKind::Error) {
    sink_.report(DiagKind::UnknownType, t.span, {t.name});
    return out;
  }
  if (t.list) {
    if (out.kind != TypeKind::Entity) {
      sink_.report(DiagKind::TypeMismatch, t.span, {"a list", "a list of an entity", tname(out)});
      return T(TypeKind::Error);
    }
    out = T(TypeKind::List, out.ref);
  }
  return out;
}

int Binder::bind_expecting(const ast::Expr& e, Scope& scope, const Type& want, const std::string& what) {
  int n = bind(e, scope);
  Type got = rs_.nodes[n].type;
  if (got == want || got.kind == TypeKind::Error || want.kind == TypeKind::Error) return n;
  // Literals adopt the numeric type they meet; integers widen to decimals.
  if (want.is_numeric() && got.is_numeric() && (literal(n) || (want.kind == TypeKind::Decimal && got.kind == TypeKind::Integer))) {
    rs_.nodes[n].type = want;
    return n;
  }
  mismatch(ast::span_of(e), what, tname(want), got);
  return n;
}

int Binder::bind(const ast::Expr& e, Scope& scope) {
  struct Visitor {
    Binder& b;
    Scope& s;
    int operator()(const ast::Name& n) const { return b.bind_name(n, s); }
    int operator()(const ast::NumberLit& n) const { return b.bind_number(n); }
    int operator()(const ast::StringLit& n) const {
      ir::ExprNode node;
      node.type = T(TypeKind::Text);
      node.text = n.value;
      node.span = n.span;
      return b.add_node(std::move(node));
    }
    int operator()(const ast::DateLit& n) const {
      auto d = Date::parse(n.text);
      if (!d) {
        b.sink_.report(DiagKind::BadDateLiteral, n.span, {n.text});
        return b.error_node(n.span);
      }
      ir::ExprNode node;
      node.type = T(TypeKind::Date);
      node.scalar = d->day;
      node.span = n.span;
      return b.add_node(std::move(node));
    }
    int operator()(const ast::MonthLit& n) const {
      auto m = Month::parse(n.text);
      if (!m) {
        b.sink_.report(DiagKind::BadDateLiteral, n.span, {n.text});
        return b.error_node(n.span);
      }
      ir::ExprNode node;
      node.type = T(TypeKind::Month);
      node.scalar = m->index;
      node.span = n.span;
      return b.add_node(std::move(node));
    }
    int operator()(const ast::DurationLit& d) const {
      auto n = Rational::parse_decimal(d.amount);
      if (!n || !n->is_integer() || n->num() > 100000) {
        b.sink_.report(DiagKind::BadNumberLiteral, d.span, {d.amount});
        return b.error_node(d.span);
      }
      ir::ExprNode node;
      bool days = d.unit == "days";
      node.type = T(TypeKind::Duration, days ? 0 : 1);
      node.num = d.unit == "years" ? *n * Rational(12) : *n;
      node.span = d.span;
      return b.add_node(std::move(node));
    }
    int operator()(const x3::forward_ast<ast::Unary>& u) const { return b.bind_unary(u.get(), s); }
    int operator()(const x3::forward_ast<ast::Chain>& c) const { return b.bind_chain(c.get(), s); }
    int operator()(const x3::forward_ast<ast::Comparison>& c) const { return b.bind_comparison(c.get(), s); }
    int operator()(const x3::forward_ast<ast::Postfix>& p) const { return b.bind_postfix(p.get(), s); }
    int operator()(const x3::forward_ast<ast::Call>& c) const { return b.bind_call(c.get(), s); }
    int operator()(const x3::forward_ast<ast::Aggregate>& a) const { return b.bind_aggregate(a.get(), s); }
    int operator()(const x3::forward_ast<ast::IfExpr>& i) const { return b.bind_if(i.get(), s); }
  };
  return boost::apply_visitor(Visitor{*this, scope}, e);
}

int Binder::bind_number(const ast::NumberLit& n) {
  std::string text = n.text;
  bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  auto value = Rational::parse_decimal(text);
  if (!value) {
    sink_.report(DiagKind::BadNumberLiteral, n.span, {n.text});
    return error_node(n.span);
  }
  ir::ExprNode node;
  node.num = percent ? *value / Rational(100) : *value;
  node.type = T(percent || text.find('.') != std::string::npos ? TypeKind::Decimal : TypeKind::Integer);
  node.span = n.span;
  return add_node(std::move(node));
}

int Binder::bind_name(const ast::Name& n, Scope& scope) {
  ir::ExprNode node;
  node.span = n.span;
  if (n.name == "true" || n.name == "false") {
    node.type = T(TypeKind::Bool);
    node.scalar = n.name == "true";
    return add_node(std::move(node));
  }
  if (!scope.constant_only) {
    for (auto it = scope.locals.rbegin(); it != scope.locals.rend(); ++it)
      if (it->name == n.name) {
        node.op = Op::Local;
        node.a = it->slot;
        node.type = T(TypeKind::Entity, it->entity);
        return add_node(std::move(node));
      }
    if (n.name == "period") {
      node.op = Op::Period;
      node.type = T(TypeKind::Month);
      return add_node(std::move(node));
    }
    if (scope.self >= 0) {
      if (n.name == rs_.entities[scope.self].name) {
        node.op = Op::Self;
        node.type = T(TypeKind::Entity, scope.self);
        return add_node(std::move(node));
      }
      if (n.name == "household" && rs_.root_entity >= 0) {
        node.op = Op::Root;
        node.type = T(TypeKind::Entity, rs_.root_entity);
        return add_node(std::move(node));
      }
      // A bare name is a field or definition of the entity in hand, else of the household.
      auto try_entity = [&](Op base_op, int entity) -> int {
        const ir::EntityDef& ent = rs_.entities[entity];
        bool found = ent.find_field(n.name) >= 0;
        for (int d : ent.defs) found = found || rs_.defs[d].name == n.name;
        if (!found) return -1;
        ir::ExprNode base;
        base.op = base_op;
        base.type = T(TypeKind::Entity, entity);
        base.span = n.span;
        return member_access(add_node(std::move(base)), n.name, n.span);
      };
      if (int r = try_entity(Op::Self, scope.self); r >= 0) return r;
      if (rs_.root_entity >= 0 && scope.self != rs_.root_entity)
        if (int r = try_entity(Op::Root, rs_.root_entity); r >= 0) return r;
    }
    for (std::size_t i = 0; i < rs_.standards.size(); ++i)
      if (rs_.standards[i].name == n.name) {
        node.op = Op::StandardRef;
        node.a = int(i);
        node.type = rs_.standards[i].type;
        return add_node(std::move(node));
      }
  }
  // An enum value, when exactly one enum has it.
  int found_enum = -1, found_value = -1, matches = 0;
  for (std::size_t i = 0; i < rs_.enums.size(); ++i)
    if (int v = rs_.enums[i].find(n.name); v >= 0) {
      found_enum = int(i);
      found_value = v;
      ++matches;
    }
  if (matches == 1) {
    node.type = T(TypeKind::Enum, found_enum);
    node.scalar = found_value;
    return add_node(std::move(node));
  }
  std::string hint = scope.constant_only ? " (only constants are allowed here)" : "";
  if (matches > 1) hint = " as a single enum value: several enums have it";
  sink_.report(DiagKind::UnknownName, n.span, {n.name, hint});
  return error_node(n.span);
}

int Binder::member_access(int base, const std::string& name, SourceSpan span) {
  Type bt = rs_.nodes[base].type;
  if (bt.kind == TypeKind::Error) return error_node(span);
  if (bt.kind != TypeKind::Entity) {
    sink_.report(DiagKind::UnknownField, span, {tname(bt), name});
    return error_node(span);
  }
  const ir::EntityDef& ent = rs_.entities[bt.ref];
  ir::ExprNode node;
  node.span = join(rs_.nodes[base].span, span);
  node.kids = {base};
  if (int f = ent.find_field(name); f >= 0) {
    node.op = Op::Field;
    node.a = f;
    node.type = ent.fields[f].type;
    return add_node(std::move(node));
  }
  for (int d : ent.defs)
    if (rs_.defs[d].name == name) {
      node.op = Op::Def;
      node.a = d;
      node.type = rs_.defs[d].type;
      return add_node(std::move(node));
    }
  sink_.report(DiagKind::UnknownField, span, {"entity '" + ent.name + "'", name});
  return error_node(span);
}

int Binder::bind_postfix(const ast::Postfix& p, Scope& scope) {
  int cur = bind(p.base, scope);
  for (const ast::Selector& sel : p.selectors) {
    SourceSpan span = p.span;
    if (sel.kind == '.') {
      cur = member_access(cur, sel.name, span);
      continue;
    }
    // standard[key]: pick the key explicitly, a value of the key's enum or an expression giving one.
    ir::ExprNode& n = rs_.nodes[cur];
    if (n.op != Op::StandardRef || !n.kids.empty() || rs_.standards[n.a].key_enum < 0) {
      if (n.type.kind != TypeKind::Error)
        sink_.report(DiagKind::TypeMismatch, span, {"'[…]'", "a standard keyed by an enum before it", tname(n.type)});
      return error_node(span);
    }
    const ir::Standard& st = rs_.standards[n.a];
    ir::Type key_type = Type::of(TypeKind::Enum, st.key_enum);
    int key = -1;
    std::string text(sm_.slice(ast::span_of(*sel.index)));
    if (int v = rs_.enums[st.key_enum].find(text); v >= 0) {
      ir::ExprNode k;
      k.type = key_type;
      k.scalar = v;
      k.span = ast::span_of(*sel.index);
      key = add_node(std::move(k));
    } else {
      key = bind(*sel.index, scope);
      if (rs_.nodes[key].type != key_type) {
        if (rs_.nodes[key].type.kind == TypeKind::Enum || rs_.nodes[key].type.kind == TypeKind::Error)
          mismatch(ast::span_of(*sel.index), "the key of standard '" + st.name + "'", tname(key_type), rs_.nodes[key].type);
        else
          sink_.report(DiagKind::BadStandardKey, ast::span_of(*sel.index), {st.name, tname(key_type), text});
        return error_node(span);
      }
    }
    rs_.nodes[cur].kids.push_back(key);
    rs_.nodes[cur].span = span;
  }
  const ir::ExprNode& n = rs_.nodes[cur];
  if (n.op == Op::StandardRef && n.kids.empty() && rs_.standards[n.a].key_enum >= 0 && rs_.standards[n.a].key_expr < 0) {
    const ir::Standard& st = rs_.standards[n.a];
    sink_.report(DiagKind::MissingStandardKey, n.span, {st.name, rs_.enums[st.key_enum].name, rs_.enums[st.key_enum].values[0]});
    return error_node(n.span);
  }
  return cur;
}

int Binder::bind_unary(const ast::Unary& u, Scope& scope) {
  int x = bind(u.operand, scope);
  ir::ExprNode node;
  node.span = u.span;
  node.kids = {x};
  Type t = rs_.nodes[x].type;
  if (u.op == "not") {
    node.op = Op::Not;
    node.type = T(TypeKind::Bool);
    if (t.kind != TypeKind::Bool) mismatch(ast::span_of(u.operand), "'not'", "bool", t);
  } else {
    node.op = Op::Neg;
    node.type = t;
    if (!t.is_numeric()) mismatch(ast::span_of(u.operand), "'-'", "a number or money", t);
  }
  return add_node(std::move(node));
}

int Binder::binary(Op op, int l, int r, SourceSpan span, const std::string& opname) {
  Type lt = rs_.nodes[l].type, rt = rs_.nodes[r].type;
  ir::ExprNode node;
  node.op = op;
  node.span = span;
  node.kids = {l, r};
  if (lt.kind == TypeKind::Error || rt.kind == TypeKind::Error) {
    node.type = T(TypeKind::Error);
    return add_node(std::move(node));
  }
  auto numeric_result = [&]() -> Type {
    bool lm = lt.kind == TypeKind::Money, rm = rt.kind == TypeKind::Money;
    bool ll = literal(l), rl = literal(r);
    switch (op) {
      case Op::Add:
      case Op::Sub:
        if (lm && rm) return T(TypeKind::Money);
        if (lm && rl) return T(TypeKind::Money);
        if (rm && ll) return T(TypeKind::Money);
        if (lm || rm) return T(TypeKind::Error);
        return lt.kind == TypeKind::Integer && rt.kind == TypeKind::Integer ? T(TypeKind::Integer) : T(TypeKind::Decimal);
      case Op::Mul:
        if (lm && rm) return T(TypeKind::Error);
        if (lm || rm) return T(TypeKind::Money);
        return lt.kind == TypeKind::Integer && rt.kind == TypeKind::Integer ? T(TypeKind::Integer) : T(TypeKind::Decimal);
      case Op::Div:
        if (lm && rm) return T(TypeKind::Decimal);
        if (lm) return T(TypeKind::Money);
        if (rm) return T(TypeKind::Error);
        return T(TypeKind::Decimal);
      default: {
        // comparison
        if (lm == rm || (lm && rl) || (rm && ll)) return T(TypeKind::Bool);
        return T(TypeKind::Error);
      }
    }
  };
  bool arithmetic = op == Op::Add || op == Op::Sub || op == Op::Mul || op == Op::Div;
  // Calendar arithmetic: date ± duration, month ± a duration in months, durations of one unit together.
  if (rt.kind == TypeKind::Duration && (op == Op::Add || op == Op::Sub) &&
      (lt.kind == TypeKind::Date || (lt.kind == TypeKind::Month && rt.ref == 1) || lt == rt)) {
    node.type = lt;
    return add_node(std::move(node));
  }
  if (lt.is_numeric() && rt.is_numeric()) {
    node.type = numeric_result();
    if (node.type.kind == TypeKind::Error)
      sink_.report(DiagKind::TypeMismatch, span,
                   {"'" + opname + "'", "money with money or with a plain number as the rule allows", tname(lt) + " and " + tname(rt)});
    return add_node(std::move(node));
  }
  if (!arithmetic && lt == rt) {
    bool ordered = lt.kind == TypeKind::Date || lt.kind == TypeKind::Month || lt.kind == TypeKind::Duration;
    if (ordered || op == Op::Eq || op == Op::Ne) {
      node.type = T(TypeKind::Bool);
      return add_node(std::move(node));
    }
  }
  node.type = T(TypeKind::Error);
  sink_.report(DiagKind::TypeMismatch, span,
               {"'" + opname + "'", arithmetic ? "numbers or money on both sides" : "two values of the same type",
                tname(lt) + " and " + tname(rt)});
  return add_node(std::move(node));
}

int Binder::bind_chain(const ast::Chain& c, Scope& scope) {
  if (c.rest.size() > 200) {  // folded left to right, a longer chain would make the evaluator recurse that deep
    sink_.report(DiagKind::TooDeeplyNested, c.span, {"200 operators"});
    return error_node(c.span);
  }
  int cur = bind(c.first, scope);
  SourceSpan span = ast::span_of(c.first);
  for (const ast::OpTail& t : c.rest) {
    int rhs = bind(t.rhs, scope);
    span = join(span, ast::span_of(t.rhs));
    if (t.op == "and" || t.op == "or") {
      for (int k : {cur, rhs})
        if (rs_.nodes[k].type.kind != TypeKind::Bool) mismatch(rs_.nodes[k].span, "'" + t.op + "'", "bool", rs_.nodes[k].type);
      ir::ExprNode node;
      node.op = t.op == "and" ? Op::And : Op::Or;
      node.type = T(TypeKind::Bool);
      node.span = span;
      node.kids = {cur, rhs};
      cur = add_node(std::move(node));
      continue;
    }
    Op op = t.op == "+" ? Op::Add : t.op == "-" ? Op::Sub : t.op == "*" ? Op::Mul : Op::Div;
    cur = binary(op, cur, rhs, span, t.op);
  }
  return cur;
}

int Binder::bind_comparison(const ast::Comparison& c, Scope& scope) {
  if (!c.tail) return bind(c.lhs, scope);
  int lhs = bind(c.lhs, scope);
  struct TailVisitor {
    Binder& b;
    Scope& s;
    int lhs;
    const ast::Comparison& c;
    int operator()(const ast::CmpOp& o) const {
      // "x = child": a bare name on the right is read as a value of the left side's enum when it is one.
      ir::Type lt = b.rs_.nodes[lhs].type;
      if (lt.kind == TypeKind::Enum) {
        std::string text(b.sm_.slice(ast::span_of(o.rhs)));
        int v = b.rs_.enums[lt.ref].find(text);
        if (v >= 0) {
          ir::ExprNode k;
          k.type = lt;
          k.scalar = v;
          k.span = ast::span_of(o.rhs);
          int rhs = b.add_node(std::move(k));
          static const std::map<std::string, ir::Op> kOps = {{"=", Op::Eq}, {"!=", Op::Ne}, {"<", Op::Lt},
                                                              {"<=", Op::Le}, {">", Op::Gt}, {">=", Op::Ge}};
          return b.binary(kOps.at(o.op), lhs, rhs, c.span, o.op);
        }
      }
      int rhs = b.bind(o.rhs, s);
      static const std::map<std::string, ir::Op> kOps = {{"<", Op::Lt}, {"<=", Op::Le}, {">", Op::Gt},
                                                          {">=", Op::Ge}, {"=", Op::Eq},  {"!=", Op::Ne}};
      return b.binary(kOps.at(o.op), lhs, rhs, c.span, o.op);
    }
    int operator()(const ast::IsTest& t) const {
      ir::ExprNode& l = b.rs_.nodes[lhs];
      if (l.type.kind == TypeKind::Error) return b.error_node(c.span);
      if (l.op == Op::StandardRef) {  // "standard is absent": no known value for this household and month
        ir::ExprNode node;
        node.op = Op::StandardKnown;
        node.kids = {lhs};
        node.flag = (t.what == "absent") != t.negated;
        node.type = T(TypeKind::Bool);
        node.span = c.span;
        return b.add_node(std::move(node));
      }
      if (l.op != Op::Field || !b.rs_.entities[b.rs_.nodes[l.kids[0]].type.ref].fields[l.a].optional) {
        b.sink_.report(DiagKind::NotOptional, c.span, {std::string(b.sm_.slice(ast::span_of(c.lhs))), b.tname(l.type)});
        return b.error_node(c.span);
      }
      ir::ExprNode node;
      node.op = Op::IsPresent;
      node.a = l.a;
      node.kids = {l.kids[0]};
      node.flag = (t.what == "absent") != t.negated;  // flag: the test asks "is absent"
      node.type = T(TypeKind::Bool);
      node.span = c.span;
      return b.add_node(std::move(node));
    }
    int operator()(const ast::InSet& in) const {
      Type lt = b.rs_.nodes[lhs].type;
      ir::ExprNode node;
      node.op = Op::InSet;
      node.kids = {lhs};
      node.flag = in.negated;
      node.type = T(TypeKind::Bool);
      node.span = c.span;
      if (lt.kind != TypeKind::Enum) {
        b.mismatch(ast::span_of(c.lhs), "'in {…}'", "an enum value", lt);
        return b.add_node(std::move(node));
      }
      for (const ast::Name& item : in.items) {
        int v = b.rs_.enums[lt.ref].find(item.name);
        if (v < 0)
          b.sink_.report(DiagKind::UnknownName, item.span, {item.name, " among the values of " + b.rs_.enums[lt.ref].name});
        else
          node.set.push_back(v);
      }
      return b.add_node(std::move(node));
    }
    int operator()(const ast::Within& w) const {
      int lo = b.bind(w.low, s), hi = b.bind(w.high, s);
      Type lt = b.rs_.nodes[lhs].type;
      for (int k : {lo, hi})
        if (b.rs_.nodes[k].type != lt) b.mismatch(b.rs_.nodes[k].span, "'within'", b.tname(lt), b.rs_.nodes[k].type);
      ir::ExprNode node;
      node.op = Op::Within;
      node.kids = {lhs, lo, hi};
      node.type = T(TypeKind::Bool);
      node.span = c.span;
      return b.add_node(std::move(node));
    }
  };
  return boost::apply_visitor(TailVisitor{*this, scope, lhs, c}, *c.tail);
}

int Binder::bind_if(const ast::IfExpr& i, Scope& scope) {
  int c = bind(i.cond, scope), t = bind(i.then_branch, scope), e = bind(i.else_branch, scope);
  if (rs_.nodes[c].type.kind != TypeKind::Bool) mismatch(rs_.nodes[c].span, "the condition of 'if'", "bool", rs_.nodes[c].type);
  Type tt = rs_.nodes[t].type, et = rs_.nodes[e].type;
  Type result = tt;
  if (tt != et && tt.kind != TypeKind::Error && et.kind != TypeKind::Error) {
    if (tt.is_numeric() && et.is_numeric()) {
      if (literal(e)) result = tt;
      else if (literal(t)) result = et;
      else if (tt.kind != TypeKind::Money && et.kind != TypeKind::Money) result = T(TypeKind::Decimal);
      else mismatch(i.span, "both branches of 'if'", tname(tt), et);
    } else {
      mismatch(rs_.nodes[e].span, "the 'else' branch", tname(tt), et);
    }
  }
  ir::ExprNode node;
  node.op = Op::If;
  node.kids = {c, t, e};
  node.type = result;
  node.span = i.span;
  return add_node(std::move(node));
}

int Binder::bind_aggregate(const ast::Aggregate& a, Scope& scope) {
  int list = bind(a.list, scope);
  Type lt = rs_.nodes[list].type;
  ir::ExprNode node;
  node.span = a.span;
  if (lt.kind != TypeKind::List) {
    if (lt.kind != TypeKind::Error)
      sink_.report(DiagKind::NotAList, ast::span_of(a.list), {std::string(sm_.slice(ast::span_of(a.list))), tname(lt)});
    return error_node(a.span);
  }
  int slot = rs_.locals++;
  scope.locals.push_back({a.var, slot, lt.ref});
  int filter = -1, value = -1;
  if (a.filter) {
    filter = bind(*a.filter, scope);
    if (rs_.nodes[filter].type.kind != TypeKind::Bool) mismatch(rs_.nodes[filter].span, "'where'", "bool", rs_.nodes[filter].type);
  }
  if (a.value) value = bind(*a.value, scope);
  if (a.predicate) {
    value = bind(*a.predicate, scope);
    if (rs_.nodes[value].type.kind != TypeKind::Bool) mismatch(rs_.nodes[value].span, "'satisfies'", "bool", rs_.nodes[value].type);
  }
  scope.locals.pop_back();
  node.a = slot;
  node.kids = {list, filter, value};
  if (a.op == "count") {
    node.op = Op::Count;
    node.type = T(TypeKind::Integer);
  } else if (a.op == "those") {
    node.op = Op::Filter;
    node.type = lt;
  } else if (a.op == "any" || a.op == "every") {
    node.op = a.op == "any" ? Op::Any : Op::Every;
    node.type = T(TypeKind::Bool);
  } else {
    node.op = a.op == "sum" ? Op::Sum : a.op == "min" ? Op::Min : Op::Max;
    node.type = rs_.nodes[value].type;
    if (!node.type.is_numeric()) mismatch(rs_.nodes[value].span, "'" + a.op + "'", "numbers or money", node.type);
  }
  return add_node(std::move(node));
}

int Binder::bind_call(const ast::Call& c, Scope& scope) {
  ir::ExprNode node;
  node.span = c.span;
  auto arity = [&](std::size_t want, std::size_t want_max) {
    if (c.args.size() < want || c.args.size() > want_max) {
      sink_.report(DiagKind::WrongArgumentCount, c.span,
                   {c.fn, want == want_max ? std::to_string(want) : std::to_string(want) + " or " + std::to_string(want_max),
                    std::to_string(c.args.size())});
      return false;
    }
    return true;
  };
  auto word_arg = [&](std::size_t i) -> std::string {
    if (i >= c.args.size()) return "";
    if (auto* n = boost::get<ast::Name>(&c.args[i])) return n->name;
    if (auto* p = boost::get<x3::forward_ast<ast::Postfix>>(&c.args[i]))
      if (p->get().selectors.empty())
        if (auto* n2 = boost::get<ast::Name>(&p->get().base)) return n2->name;
    return std::string(sm_.slice(ast::span_of(c.args[i])));
  };
  if (c.fn == "round") {
    if (!arity(3, 3)) return error_node(c.span);
    int x = bind(c.args[0], scope);
    auto unit = round_unit_from_name(word_arg(1));
    auto mode = round_mode_from_name(word_arg(2));
    if (!unit) sink_.report(DiagKind::BadRounding, ast::span_of(c.args[1]), {word_arg(1), "unit", "fen, jiao or yuan"});
    if (!mode) sink_.report(DiagKind::BadRounding, ast::span_of(c.args[2]), {word_arg(2), "mode", "half_up, down or up"});
    if (!rs_.nodes[x].type.is_numeric()) mismatch(rs_.nodes[x].span, "what 'round' rounds", "a number or money", rs_.nodes[x].type);
    node.op = Op::Round;
    node.kids = {x};
    node.unit = unit.value_or(RoundUnit::Fen);
    node.mode = mode.value_or(RoundMode::HalfUp);
    node.type = rs_.nodes[x].type;
    return add_node(std::move(node));
  }
  if (c.fn == "eligible" || c.fn == "amount") {
    if (!arity(1, 2)) return error_node(c.span);
    std::string pname = word_arg(0);
    int p = -1;
    for (std::size_t i = 0; i < rs_.programs.size(); ++i)
      if (rs_.programs[i].name == pname) p = int(i);
    if (p < 0) {
      sink_.report(DiagKind::UnknownProgram, ast::span_of(c.args[0]), {pname});
      return error_node(c.span);
    }
    int level = rs_.programs[p].entity;
    int who = -1;
    if (c.args.size() == 2) {
      who = bind(c.args[1], scope);
    } else {
      ir::ExprNode base;
      base.op = level == rs_.root_entity ? Op::Root : Op::Self;
      base.type = Type::of(TypeKind::Entity, level == rs_.root_entity ? rs_.root_entity : scope.self);
      base.span = c.span;
      who = add_node(std::move(base));
    }
    // A household program asked about one member: is the member covered, and the member's share of the amount.
    bool member_of_household = level == rs_.root_entity && rs_.nodes[who].type.kind == TypeKind::Entity &&
                               rs_.nodes[who].type.ref != rs_.root_entity && rs_.nodes[who].type.ref == household_member_entity();
    if (rs_.nodes[who].type != Type::of(TypeKind::Entity, level) && !member_of_household)
      mismatch(c.span, "whom program '" + pname + "' is asked about", rs_.entities[level].name, rs_.nodes[who].type);
    node.flag = member_of_household;
    node.op = c.fn == "eligible" ? Op::ProgramEligible : Op::ProgramAmount;
    node.a = p;
    node.kids = {who};
    node.type = T(c.fn == "eligible" ? TypeKind::Bool : TypeKind::Money);
    return add_node(std::move(node));
  }
  for (std::size_t t = 0; t < rs_.tables.size(); ++t) {
    if (rs_.tables[t].name != c.fn) continue;
    const ir::TableDef& tab = rs_.tables[t];
    if (!arity(tab.params.size(), tab.params.size())) return error_node(c.span);
    for (std::size_t i = 0; i < c.args.size(); ++i)
      node.kids.push_back(bind_expecting(c.args[i], scope, tab.params[i], "input '" + tab.param_names[i] + "' of table '" + tab.name + "'"));
    node.op = Op::Table;
    node.a = int(t);
    node.type = tab.result;
    return add_node(std::move(node));
  }
  for (const BuiltinInfo& bi : kBuiltins) {
    if (c.fn != bi.name) continue;
    if (!arity(bi.arity, bi.arity)) return error_node(c.span);
    for (const ast::Expr& arg : c.args) node.kids.push_back(bind(arg, scope));
    node.op = Op::Call;
    node.a = int(bi.id);
    auto want = [&](std::size_t i, std::initializer_list<TypeKind> kinds, const char* what) {
      Type t = rs_.nodes[node.kids[i]].type;
      for (TypeKind k : kinds)
        if (t.kind == k) return;
      mismatch(rs_.nodes[node.kids[i]].span, std::string("argument ") + std::to_string(i + 1) + " of '" + bi.name + "'", what, t);
    };
    switch (bi.id) {
      case ir::Builtin::Monthly:
        want(0, {TypeKind::Money}, "money");
        want(1, {TypeKind::Enum}, "a period (month or year)");
        node.type = T(TypeKind::Money);
        break;
      case ir::Builtin::AgeAt:
        want(0, {TypeKind::Date}, "date");
        want(1, {TypeKind::Date}, "date");
        node.type = T(TypeKind::Integer);
        break;
      case ir::Builtin::MonthsBetween:
        want(0, {TypeKind::Date, TypeKind::Month}, "date or month");
        want(1, {TypeKind::Date, TypeKind::Month}, "date or month");
        if (rs_.nodes[node.kids[0]].type.kind != rs_.nodes[node.kids[1]].type.kind)
          mismatch(c.span, "the arguments of 'months_between'", "two dates or two months",
                   rs_.nodes[node.kids[1]].type);
        node.type = T(TypeKind::Integer);
        break;
      case ir::Builtin::FirstDay:
      case ir::Builtin::LastDay:
        want(0, {TypeKind::Month}, "month");
        node.type = T(TypeKind::Date);
        break;
      case ir::Builtin::MonthOf:
        want(0, {TypeKind::Date}, "date");
        node.type = T(TypeKind::Month);
        break;
      case ir::Builtin::YearOf:
        want(0, {TypeKind::Date, TypeKind::Month}, "date or month");
        node.type = T(TypeKind::Integer);
        break;
      case ir::Builtin::AddMonths:
        want(0, {TypeKind::Date}, "date");
        want(1, {TypeKind::Integer}, "integer");
        node.type = T(TypeKind::Date);
        break;
      case ir::Builtin::Lesser:
      case ir::Builtin::Greater: {
        int probe = binary(Op::Lt, node.kids[0], node.kids[1], c.span, c.fn);
        Type a = rs_.nodes[node.kids[0]].type, b = rs_.nodes[node.kids[1]].type;
        node.type = rs_.nodes[probe].type.kind == TypeKind::Error ? T(TypeKind::Error)
                    : literal(node.kids[0]) ? b
                    : literal(node.kids[1]) ? a
                    : (a == b ? a : T(TypeKind::Decimal));
        break;
      }
    }
    return add_node(std::move(node));
  }
  sink_.report(DiagKind::UnknownFunction, c.span, {c.fn});
  return error_node(c.span);
}

}  // namespace entitle::check
