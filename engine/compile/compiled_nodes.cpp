// compiled_nodes.cpp — the closures: one function per operation, specialised where it pays (a field of the entity in
// hand, of an aggregation variable or of the household; numbers compared without a type switch), and the compile
// step that picks a node's function and resolves its operands and constants.
#include <algorithm>
#include <cstdlib>

#include "engine/compile/machine.hpp"

namespace entitle::compiled {
namespace {

using ir::Op;
using ir::TypeKind;
using Tag = Value::Tag;

Value constant_of(const ir::ExprNode& n) {
  switch (n.type.kind) {
    case TypeKind::Duration: {
      Value v = Value::number(n.num);
      v.tag = Tag::Duration;
      v.scalar = n.type.ref;
      return v;
    }
    case TypeKind::Bool: return Value::boolean(n.scalar != 0);
    case TypeKind::Integer: case TypeKind::Decimal: case TypeKind::Money: return Value::number(n.num);
    case TypeKind::Date: return Value::with_scalar(Tag::Date, n.scalar);
    case TypeKind::Month: return Value::with_scalar(Tag::Month, n.scalar);
    case TypeKind::Enum: return Value::with_scalar(Tag::Enum, n.scalar);
    case TypeKind::Text: return Value::pointer(Tag::Text, &n.text);
    default: return Value();  // the interpreter raises an error here; so does f_bad_constant
  }
}

inline Value read_field(Machine& m, const Instance* inst, int f) {
  return inst->present[std::size_t(f)] ? inst->fields[std::size_t(f)] : m.missing_field(inst, f);
}

Value f_const(const Node& n, Machine&, const Instance*) { return n.constant; }
[[noreturn]] Value f_decline(const Node&, Machine&, const Instance*) { Machine::decline(); }
Value f_period(const Node&, Machine& m, const Instance*) { return Value::with_scalar(Tag::Month, m.month.index); }
Value f_self(const Node&, Machine&, const Instance* self) { return Value::pointer(Tag::Entity, self); }
Value f_root(const Node&, Machine& m, const Instance*) { return Value::pointer(Tag::Entity, &m.hh.root()); }
Value f_local(const Node& n, Machine& m, const Instance*) { return Value::pointer(Tag::Entity, m.s.locals[std::size_t(n.a)]); }

Value f_field_self(const Node& n, Machine& m, const Instance* self) { return read_field(m, self, n.a); }
Value f_field_local(const Node& n, Machine& m, const Instance*) { return read_field(m, m.s.locals[std::size_t(n.k0->a)], n.a); }
Value f_field_root(const Node& n, Machine& m, const Instance*) { return read_field(m, &m.hh.root(), n.a); }
Value f_field(const Node& n, Machine& m, const Instance* self) {
  Value base = (*n.k0)(m, self);
  if (base.is_missing()) return base;
  return read_field(m, base.instance(), n.a);
}

Value f_def_self(const Node& n, Machine& m, const Instance* self) { return m.definition(n.a, self); }
Value f_def_local(const Node& n, Machine& m, const Instance*) { return m.definition(n.a, m.s.locals[std::size_t(n.k0->a)]); }
Value f_def_root(const Node& n, Machine& m, const Instance*) { return m.definition(n.a, &m.hh.root()); }
Value f_def(const Node& n, Machine& m, const Instance* self) {
  Value base = (*n.k0)(m, self);
  if (base.is_missing()) return base;
  return m.definition(n.a, base.instance());
}

Value f_is_present(const Node& n, Machine& m, const Instance* self) {
  Value base = (*n.k0)(m, self);
  if (base.is_missing()) return base;
  bool present = base.instance()->present[std::size_t(n.a)];
  return Value::boolean(n.flag ? !present : present);
}

/// The key a standard reference reads its row with: its own key expression, the standard's, or -1. False when the
/// key's facts are missing (`miss` holds the missing value).
bool standard_key(const Node& ref, Machine& m, const Instance* self, int& key, Value& miss) {
  key = -1;
  if (ref.k0) {
    Value k = (*ref.k0)(m, self);
    if (k.is_missing()) return miss = k, false;
    key = k.scalar;
  } else if (int ke = m.rs.standards[std::size_t(ref.a)].key_expr; ke >= 0) {
    Value k = m.eval(ke, &m.hh.root());
    if (k.is_missing()) return miss = k, false;
    key = k.scalar;
  }
  return true;
}

Value f_standard(const Node& n, Machine& m, const Instance* self) {
  int key;
  Value miss;
  if (!standard_key(n, m, self, key, miss)) return miss;
  return m.standard(n.a, key);
}

Value f_standard_known(const Node& n, Machine& m, const Instance* self) {
  int key;
  Value miss;
  if (!standard_key(*n.k0, m, self, key, miss)) return miss;
  bool known = !(*n.k0)(m, self).is_missing();
  return Value::boolean(n.flag ? !known : known);
}

Value f_program(const Node& n, Machine& m, const Instance* self) {
  Value who = (*n.k0)(m, self);
  if (who.is_missing()) return who;
  if (n.flag) return m.household_program_for_member(n, who.instance());
  ProgramSlot& ps = m.program(n.a, who.instance());
  if (n.ir->op == Op::ProgramEligible) return ps.eligible;
  if (ps.eligible.is_missing()) return ps.eligible;
  if (!ps.eligible.flag) return Value::number(Rational(0));
  return ps.amount;
}

Value f_not(const Node& n, Machine& m, const Instance* self) {
  Value v = (*n.k0)(m, self);
  return v.is_missing() ? v : Value::boolean(!v.flag);
}
Value f_neg(const Node& n, Machine& m, const Instance* self) {
  Value v = (*n.k0)(m, self);
  return v.is_missing() ? v : Value::number(-v.num);
}

template <bool kOr>
Value f_logic(const Node& n, Machine& m, const Instance* self) {
  Value l = (*n.k0)(m, self);
  if (!l.is_missing() && l.flag == kOr) return l;
  Value r = (*n.k1)(m, self);
  if (!r.is_missing() && r.flag == kOr) return r;
  if (l.is_missing() || r.is_missing()) return m.merge(l, r);
  return Value::boolean(!kOr);
}

Value calendar_add(const Node& n, const Value& l, const Value& r) {
  std::int64_t count = r.num.num() * (n.ir->op == Op::Sub ? -1 : 1);
  if (std::abs(count) > 1000000) Machine::decline();
  int c = int(count);
  switch (l.tag) {
    case Tag::Date: return Value::with_scalar(Tag::Date, r.scalar == 0 ? l.scalar + c : add_months(Date{l.scalar}, c).day);
    case Tag::Month: return Value::with_scalar(Tag::Month, l.scalar + c);
    default: {
      Value v = Value::number(l.num + Rational(count));
      v.tag = Tag::Duration;
      v.scalar = l.scalar;
      return v;
    }
  }
}

template <Op kOp>
Value f_arith(const Node& n, Machine& m, const Instance* self) {
  Value l = (*n.k0)(m, self);
  Value r = (*n.k1)(m, self);
  if (l.is_missing() || r.is_missing()) return m.merge(l, r);
  if (r.tag == Tag::Duration) return calendar_add(n, l, r);
  if constexpr (kOp == Op::Add) return Value::number(l.num + r.num);
  else if constexpr (kOp == Op::Sub) return Value::number(l.num - r.num);
  else if constexpr (kOp == Op::Mul) return Value::number(l.num * r.num);
  else return Value::number(l.num / r.num);
}

template <Op kOp>
Value f_compare_numbers(const Node& n, Machine& m, const Instance* self) {
  Value l = (*n.k0)(m, self);
  Value r = (*n.k1)(m, self);
  if (l.is_missing() || r.is_missing()) return m.merge(l, r);
  return Value::boolean(holds(kOp, l.num.compare(r.num)));
}

Value f_compare(const Node& n, Machine& m, const Instance* self) {
  Value l = (*n.k0)(m, self);
  Value r = (*n.k1)(m, self);
  if (l.is_missing() || r.is_missing()) return m.merge(l, r);
  return Value::boolean(holds(n.ir->op, compare_values(l, r)));
}

Value f_in_set(const Node& n, Machine& m, const Instance* self) {
  Value v = (*n.k0)(m, self);
  if (v.is_missing()) return v;
  const auto& set = n.ir->set;
  bool in = std::find(set.begin(), set.end(), v.scalar) != set.end();
  return Value::boolean(in != n.flag);
}

Value f_within(const Node& n, Machine& m, const Instance* self) {
  Value v = (*n.k0)(m, self), lo = (*n.k1)(m, self), hi = (*n.k2)(m, self);
  if (v.is_missing() || lo.is_missing() || hi.is_missing()) return m.merge(m.merge(v, lo), hi);
  return Value::boolean(compare_values(v, lo) >= 0 && compare_values(v, hi) <= 0);
}

Value f_if(const Node& n, Machine& m, const Instance* self) {
  Value c = (*n.k0)(m, self);
  if (c.is_missing()) return c;
  return c.flag ? (*n.k1)(m, self) : (*n.k2)(m, self);
}

Value f_round(const Node& n, Machine& m, const Instance* self) {
  Value v = (*n.k0)(m, self);
  return v.is_missing() ? v : Value::number(round_to(v.num, n.ir->unit, n.ir->mode));
}

/// count / sum / min / max / any / every / filter over a list, with the interpreter's three-valued rules: a missing
/// filter or value makes the result missing unless `any` found an item or `every` a counter-example.
Value f_aggregate(const Node& n, Machine& m, const Instance* self) {
  Value list = (*n.k0)(m, self);
  if (list.is_missing()) return list;
  const Op op = n.ir->op;
  Value pending;  // the missing facts met on the way, when has_pending
  bool has_pending = false, have = false, found_any = false, found_counter = false;
  auto note = [&](const Value& v) {
    pending = has_pending ? m.merge(pending, v) : v;
    has_pending = true;
  };
  std::int64_t count = 0;
  std::vector<const Instance*>* kept = op == Op::Filter ? &m.s.lists.emplace_back() : nullptr;
  if (kept) kept->clear();
  Rational acc;
  const Instance*& local = m.s.locals[std::size_t(n.a)];
  for (const Instance* item : list.list()) {
    local = item;
    if (n.k1) {
      Value f = (*n.k1)(m, self);
      if (f.is_missing()) {
        note(f);
        continue;
      }
      if (!f.flag) continue;
    }
    switch (op) {
      case Op::Count: ++count; break;
      case Op::Filter: kept->push_back(item); break;
      case Op::Any: found_any = true; break;
      case Op::Every: {
        Value p = (*n.k2)(m, self);
        if (p.is_missing()) note(p);
        else if (!p.flag) found_counter = true;
        break;
      }
      default: {
        Value v = (*n.k2)(m, self);
        if (v.is_missing()) {
          note(v);
          break;
        }
        if (!have) acc = v.num;
        else if (op == Op::Sum) acc = acc + v.num;
        else if (op == Op::Min) acc = std::min(acc, v.num);
        else acc = std::max(acc, v.num);
        have = true;
      }
    }
  }
  if (op == Op::Any && found_any) return Value::boolean(true);
  if (op == Op::Every && found_counter) return Value::boolean(false);
  if (has_pending) return pending;
  switch (op) {
    case Op::Count: return Value::number(Rational(count));
    case Op::Filter: return Value::pointer(Tag::List, kept);
    case Op::Any: return Value::boolean(false);
    case Op::Every: return Value::boolean(true);
    case Op::Sum: return Value::number(have ? acc : Rational(0));
    default:
      if (!have) Machine::decline();  // min / max of an empty list: the interpreter reports it
      return Value::number(acc);
  }
}

Value f_call(const Node& n, Machine& m, const Instance* self) {
  Value args[2];
  Value miss;
  bool missing = false;
  for (std::size_t i = 0; i < n.kids.size() && i < 2; ++i) {
    args[i] = (*n.kids[i])(m, self);
    if (args[i].is_missing()) {
      miss = missing ? m.merge(miss, args[i]) : args[i];
      missing = true;
    }
  }
  if (missing) return miss;
  switch (static_cast<ir::Builtin>(n.a)) {
    case ir::Builtin::Monthly: {
      const ir::ExprNode& per = m.rs.nodes[std::size_t(n.ir->kids[1])];
      const std::string& unit = m.rs.enums[std::size_t(per.type.ref)].values[std::size_t(args[1].scalar)];
      if (unit == "month") return args[0];
      if (unit == "year") return Value::number(args[0].num / Rational(12));
      Machine::decline();
    }
    case ir::Builtin::AgeAt: return Value::number(Rational(age_in_years(Date{args[0].scalar}, Date{args[1].scalar})));
    case ir::Builtin::MonthsBetween:
      if (args[0].tag == Tag::Month) return Value::number(Rational(args[1].scalar - args[0].scalar));
      return Value::number(Rational(months_between(Date{args[0].scalar}, Date{args[1].scalar})));
    case ir::Builtin::FirstDay: return Value::with_scalar(Tag::Date, Month{args[0].scalar}.first_day().day);
    case ir::Builtin::LastDay: return Value::with_scalar(Tag::Date, Month{args[0].scalar}.last_day().day);
    case ir::Builtin::MonthOf: return Value::with_scalar(Tag::Month, Month::of(Date{args[0].scalar}).index);
    case ir::Builtin::YearOf:
      return Value::number(Rational(args[0].tag == Tag::Date ? Date{args[0].scalar}.year() : Month{args[0].scalar}.year()));
    case ir::Builtin::AddMonths: return Value::with_scalar(Tag::Date, add_months(Date{args[0].scalar}, int(args[1].num.num())).day);
    case ir::Builtin::Lesser: return args[0].num <= args[1].num ? args[0] : args[1];
    case ir::Builtin::Greater: return args[0].num >= args[1].num ? args[0] : args[1];
  }
  Machine::decline();
}

bool cell_matches(Machine& m, const ir::TableCell& c, const Value& v) {
  using Cell = ir::TableCell;
  if (c.kind == Cell::Any) return true;
  if (c.kind == Cell::In) return std::find(c.set.begin(), c.set.end(), v.scalar) != c.set.end();
  int cmp = compare_values(v, m.eval(c.a, nullptr));
  switch (c.kind) {
    case Cell::Eq: return cmp == 0;
    case Cell::Ne: return cmp != 0;
    case Cell::Lt: return cmp < 0;
    case Cell::Le: return cmp <= 0;
    case Cell::Gt: return cmp > 0;
    case Cell::Ge: return cmp >= 0;
    default: return cmp >= 0 && compare_values(v, m.eval(c.b, nullptr)) <= 0;
  }
}

/// A decision table under its hit policy; no row, or two rows under `unique`, is an error the interpreter reports.
Value f_table(const Node& n, Machine& m, const Instance* self) {
  const ir::TableDef& t = m.rs.tables[std::size_t(n.a)];
  Value small[8];
  std::vector<Value> large(n.kids.size() > 8 ? n.kids.size() : 0);
  Value* args = n.kids.size() > 8 ? large.data() : small;
  for (std::size_t i = 0; i < n.kids.size(); ++i) {
    args[i] = (*n.kids[i])(m, self);
    if (args[i].is_missing()) return args[i];
  }
  int chosen = -1, hits = 0;
  Rational sum;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    bool all = true;
    for (std::size_t c = 0; c < n.kids.size() && all; ++c) all = cell_matches(m, t.rows[r][c], args[c]);
    if (!all) continue;
    ++hits;
    if (t.hit == ir::HitPolicy::CollectSum) {
      sum = sum + m.eval(t.rows[r].back().a, nullptr).num;
      continue;
    }
    if (chosen < 0 || (t.hit == ir::HitPolicy::Priority &&
                       m.rs.nodes[std::size_t(t.rows[r].back().a)].scalar < m.rs.nodes[std::size_t(t.rows[std::size_t(chosen)].back().a)].scalar))
      chosen = int(r);
    if (t.hit == ir::HitPolicy::First) break;
  }
  if (t.hit == ir::HitPolicy::CollectSum) return Value::number(sum);
  if (hits == 0 || (t.hit == ir::HitPolicy::Unique && hits > 1)) Machine::decline();
  return m.eval(t.rows[std::size_t(chosen)].back().a, nullptr);
}

bool numeric(const ir::RuleSet& rs, int id) { return rs.nodes[std::size_t(id)].type.is_numeric(); }

}  // namespace

int compare_values(const Value& l, const Value& r) {
  if (l.tag == Tag::Num || l.tag == Tag::Duration) return l.num.compare(r.num);
  if (l.tag == Tag::Text) return l.text().compare(r.text());
  if (l.tag == Tag::Bool) return int(l.flag) - int(r.flag);
  if (l.tag == Tag::Entity) return l.ptr == r.ptr ? 0 : 1;
  return l.scalar < r.scalar ? -1 : (l.scalar > r.scalar ? 1 : 0);
}

bool holds(Op op, int c) {
  switch (op) {
    case Op::Lt: return c < 0;
    case Op::Le: return c <= 0;
    case Op::Gt: return c > 0;
    case Op::Ge: return c >= 0;
    case Op::Eq: return c == 0;
    default: return c != 0;
  }
}

void compile_node(const ir::RuleSet& rs, const std::vector<Node>& all, int id, Node& out) {
  const ir::ExprNode& n = rs.nodes[std::size_t(id)];
  out.ir = &n;
  out.a = n.a;
  out.flag = n.flag;
  for (int k : n.kids) out.kids.push_back(k >= 0 ? &all[std::size_t(k)] : nullptr);
  if (!out.kids.empty()) out.k0 = out.kids[0];
  if (out.kids.size() > 1) out.k1 = out.kids[1];
  if (out.kids.size() > 2) out.k2 = out.kids[2];
  // How an operand names its instance without evaluating: 0 evaluated, 1 the entity in hand, 2 a variable, 3 the household.
  auto base_kind = [&]() {
    switch (rs.nodes[std::size_t(n.kids[0])].op) {
      case Op::Self: return 1;
      case Op::Local: return 2;
      case Op::Root: return 3;
      default: return 0;
    }
  };
  bool numbers = n.kids.size() == 2 && numeric(rs, n.kids[0]) && numeric(rs, n.kids[1]);
  switch (n.op) {
    case Op::Const:
      out.constant = constant_of(n);
      out.fn = out.constant.is_missing() ? f_decline : f_const;
      return;
    case Op::Period: out.fn = f_period; return;
    case Op::Self: out.fn = f_self; return;
    case Op::Root: out.fn = f_root; return;
    case Op::Local: out.fn = f_local; return;
    case Op::Field: {
      static constexpr NodeFn kFns[] = {f_field, f_field_self, f_field_local, f_field_root};
      out.fn = kFns[base_kind()];
      return;
    }
    case Op::Def: {
      static constexpr NodeFn kFns[] = {f_def, f_def_self, f_def_local, f_def_root};
      out.fn = kFns[base_kind()];
      return;
    }
    case Op::IsPresent: out.fn = f_is_present; return;
    case Op::StandardRef: out.fn = f_standard; return;
    case Op::StandardKnown: out.fn = f_standard_known; return;
    case Op::ProgramEligible: case Op::ProgramAmount: out.fn = f_program; return;
    case Op::Not: out.fn = f_not; return;
    case Op::Neg: out.fn = f_neg; return;
    case Op::And: out.fn = f_logic<false>; return;
    case Op::Or: out.fn = f_logic<true>; return;
    case Op::Add: out.fn = f_arith<Op::Add>; return;
    case Op::Sub: out.fn = f_arith<Op::Sub>; return;
    case Op::Mul: out.fn = f_arith<Op::Mul>; return;
    case Op::Div: out.fn = f_arith<Op::Div>; return;
    case Op::Lt: out.fn = numbers ? f_compare_numbers<Op::Lt> : f_compare; return;
    case Op::Le: out.fn = numbers ? f_compare_numbers<Op::Le> : f_compare; return;
    case Op::Gt: out.fn = numbers ? f_compare_numbers<Op::Gt> : f_compare; return;
    case Op::Ge: out.fn = numbers ? f_compare_numbers<Op::Ge> : f_compare; return;
    case Op::Eq: out.fn = numbers ? f_compare_numbers<Op::Eq> : f_compare; return;
    case Op::Ne: out.fn = numbers ? f_compare_numbers<Op::Ne> : f_compare; return;
    case Op::InSet: out.fn = f_in_set; return;
    case Op::Within: out.fn = f_within; return;
    case Op::If: out.fn = f_if; return;
    case Op::Count: case Op::Sum: case Op::Min: case Op::Max: case Op::Any: case Op::Every: case Op::Filter:
      out.fn = f_aggregate;
      return;
    case Op::Round: out.fn = f_round; return;
    case Op::Call: out.fn = f_call; return;
    case Op::Table: out.fn = f_table; return;
  }
  out.fn = f_decline;
}

}  // namespace entitle::compiled
