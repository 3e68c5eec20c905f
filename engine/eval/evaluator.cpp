// evaluator.cpp — the interpreter: evaluates IR nodes over a household with three-valued logic (a value is known
// or undetermined with its missing facts), memoised definitions and programs, and an optional trace.
#include "engine/eval/evaluator.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>

namespace entitle {
namespace {

using ir::Op;
using ir::TypeKind;
using Tag = Value::Tag;

/// An evaluation error in the rules themselves (conflicting exceptions, division by zero, …).
struct Failure {
  std::string message;
  std::vector<SourceSpan> spans;
};

const char* kLevelNames[] = {"全国 national", "省级 province", "地级 prefecture", "县级 county", "乡级 township"};

struct DefSlot {
  std::uint8_t state = 0;  // 0 not computed, 1 computing, 2 done
  Value value;
  int trace = -1;
};

struct ProgramSlot {
  std::uint8_t state = 0;
  Value eligible;
  Value amount;  // Num, or Missing
  const std::vector<const Instance*>* members = nullptr;
  const ir::ExceptionDef* exception = nullptr;  // the exception that decided it
  int excluded_by = -1;                         // program granted instead
  int trace = -1;
  int eligibility_node = -1;                    // the clause that decided eligibility
};

struct CachedStandard {
  int key;
  Value value;
  int trace;
};

}  // namespace

struct EvalScratch::Impl {
  std::vector<DefSlot> defs;
  std::vector<ProgramSlot> programs;
  std::vector<std::vector<CachedStandard>> standards;
  std::vector<const Instance*> locals;
  std::deque<MissingSet> missing;
  std::deque<std::vector<const Instance*>> lists;
};

EvalScratch::EvalScratch() : impl(std::make_unique<Impl>()) {}
EvalScratch::~EvalScratch() = default;

namespace {

class Run {
public:
  Run(const ir::RuleSet& rs, const std::vector<std::vector<const ir::StandardRow*>>& rows, const Household& hh,
      Month month, bool trace, Coverage* coverage, EvalScratch::Impl& scratch)
      : rs_(rs), rows_(rows), hh_(hh), month_(month), day_(month.first_day()), tracing_(trace), cov_(coverage),
        defs_(scratch.defs), programs_(scratch.programs), standards_(scratch.standards), locals_(scratch.locals),
        missing_(scratch.missing), lists_(scratch.lists) {
    defs_.assign(hh.instances.size() * rs.defs.size(), DefSlot{});
    programs_.assign(hh.instances.size() * rs.programs.size(), ProgramSlot{});
    standards_.resize(rs.standards.size());
    for (auto& cache : standards_) cache.clear();
    locals_.assign(rs.locals, nullptr);
    missing_.clear();
    lists_.clear();
  }

  HouseholdResult go() {
    HouseholdResult out;
    out.household = hh_.id;
    out.region = hh_.region;
    out.period = month_.to_string();
    for (int p : rs_.program_order) out.entitlements.push_back(decide(p, out));
    out.trace = std::move(trace_);
    return out;
  }

private:
  // ------------------------------------------------------------------ missing facts
  Value missing_fact(const std::string& fact) {
    missing_.push_back({fact});
    return Value::missing(&missing_.back());
  }
  Value merge_missing(const Value& a, const Value& b) {
    if (!a.is_missing()) return b;
    if (!b.is_missing()) return a;
    MissingSet m = a.missing_facts();
    m.insert(m.end(), b.missing_facts().begin(), b.missing_facts().end());
    std::sort(m.begin(), m.end());
    m.erase(std::unique(m.begin(), m.end()), m.end());
    missing_.push_back(std::move(m));
    return Value::missing(&missing_.back());
  }

  // ------------------------------------------------------------------ tracing
  int trace_open(TraceNode::Kind kind, int index, const Instance* inst) {
    TraceNode n;
    n.kind = kind;
    n.index = index;
    n.subject = inst ? (inst->path.empty() ? "household" : inst->path) : "";
    trace_.push_back(std::move(n));
    int id = int(trace_.size()) - 1;
    trace_link(id);
    stack_.push_back(id);
    return id;
  }
  void trace_link(int id) {
    if (stack_.empty()) return;
    auto& kids = trace_[stack_.back()].children;
    if (std::find(kids.begin(), kids.end(), id) == kids.end()) kids.push_back(id);
  }
  void trace_fact(const Instance* inst, int field, const Value& v) {
    if (stack_.empty()) return;
    const ir::FieldDef& fd = rs_.entities[inst->entity].fields[field];
    std::string path = inst->path.empty() ? fd.name : inst->path + "." + fd.name;
    if (v.tag == Tag::List) return;
    auto& facts = trace_[stack_.back()].facts;
    for (const auto& f : facts)
      if (f.first == path) return;
    facts.emplace_back(path, v.is_missing() ? std::string("(absent)") : v.tag == Tag::Entity ? std::string("(present)") : format_value(rs_, fd.type, v));
  }

  // ------------------------------------------------------------------ expressions
  Value eval(int id, const Instance* self) {
    const ir::ExprNode& n = rs_.nodes[id];
    switch (n.op) {
      case Op::Const: return constant(n);
      case Op::Period: return Value::with_scalar(Tag::Month, month_.index);
      case Op::Self: return Value::pointer(Tag::Entity, self);
      case Op::Root: return Value::pointer(Tag::Entity, &hh_.root());
      case Op::Local: return Value::pointer(Tag::Entity, locals_[n.a]);
      case Op::Field: {
        const Instance* inst = direct_instance(n.kids[0], self);
        if (!inst) {
          Value base = eval(n.kids[0], self);
          if (base.is_missing()) return base;
          inst = base.instance();
        }
        if (!inst->present[n.a]) {
          const std::string& name = rs_.entities[inst->entity].fields[n.a].name;
          Value m = missing_fact(inst->path.empty() ? name : inst->path + "." + name);
          if (tracing_) trace_fact(inst, n.a, m);
          return m;
        }
        if (tracing_) trace_fact(inst, n.a, inst->fields[n.a]);
        return inst->fields[n.a];
      }
      case Op::IsPresent: {
        Value base = eval(n.kids[0], self);
        if (base.is_missing()) return base;
        bool present = base.instance()->present[n.a];
        if (tracing_) trace_fact(base.instance(), n.a, base.instance()->fields[n.a]);
        return Value::boolean(n.flag ? !present : present);
      }
      case Op::Def: {
        if (const Instance* inst = direct_instance(n.kids[0], self)) return definition(n.a, inst);
        Value base = eval(n.kids[0], self);
        if (base.is_missing()) return base;
        return definition(n.a, base.instance());
      }
      case Op::StandardRef: {
        int key = -1;
        if (!n.kids.empty()) {
          Value k = eval(n.kids[0], self);
          if (k.is_missing()) return k;
          key = k.scalar;
        } else if (rs_.standards[n.a].key_expr >= 0) {
          Value k = eval(rs_.standards[n.a].key_expr, &hh_.root());
          if (k.is_missing()) return k;
          key = k.scalar;
        }
        return standard(n.a, key);
      }
      case Op::StandardKnown: {
        const ir::ExprNode& ref = rs_.nodes[n.kids[0]];
        // The key's own facts must be known; then the question is whether the standard has a value.
        if (!ref.kids.empty()) {
          Value k = eval(ref.kids[0], self);
          if (k.is_missing()) return k;
        } else if (rs_.standards[ref.a].key_expr >= 0) {
          Value k = eval(rs_.standards[ref.a].key_expr, &hh_.root());
          if (k.is_missing()) return k;
        }
        bool known = !eval(n.kids[0], self).is_missing();
        return Value::boolean(n.flag ? !known : known);
      }
      case Op::ProgramEligible:
      case Op::ProgramAmount: {
        Value who = eval(n.kids[0], self);
        if (who.is_missing()) return who;
        ProgramSlot& ps = program(n.a, who.instance());
        if (n.op == Op::ProgramEligible) return ps.eligible;
        if (ps.eligible.is_missing()) return ps.eligible;
        if (!ps.eligible.flag) return Value::number(Rational(0));
        return ps.amount;
      }
      case Op::Not: {
        Value v = eval(n.kids[0], self);
        return v.is_missing() ? v : Value::boolean(!v.flag);
      }
      case Op::Neg: {
        Value v = eval(n.kids[0], self);
        return v.is_missing() ? v : Value::number(-v.num);
      }
      case Op::And:
      case Op::Or: {
        bool decisive = n.op == Op::Or;  // the value that settles it
        Value l = eval(n.kids[0], self);
        if (!l.is_missing() && l.flag == decisive) return l;
        Value r = eval(n.kids[1], self);
        if (!r.is_missing() && r.flag == decisive) return r;
        if (l.is_missing() || r.is_missing()) return merge_missing(l, r);
        return Value::boolean(!decisive);
      }
      case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: {
        Value l = eval(n.kids[0], self), r = eval(n.kids[1], self);
        if (l.is_missing() || r.is_missing()) return merge_missing(l, r);
        if (r.tag == Tag::Duration) return calendar_add(n, l, r);
        return Value::number(arith(n, l.num, r.num));
      }
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne: {
        Value l = eval(n.kids[0], self), r = eval(n.kids[1], self);
        if (l.is_missing() || r.is_missing()) return merge_missing(l, r);
        return Value::boolean(compare(n.op, l, r));
      }
      case Op::InSet: {
        Value v = eval(n.kids[0], self);
        if (v.is_missing()) return v;
        bool in = std::find(n.set.begin(), n.set.end(), v.scalar) != n.set.end();
        return Value::boolean(in != n.flag);
      }
      case Op::Within: {
        Value v = eval(n.kids[0], self), lo = eval(n.kids[1], self), hi = eval(n.kids[2], self);
        if (v.is_missing() || lo.is_missing() || hi.is_missing()) return merge_missing(merge_missing(v, lo), hi);
        return Value::boolean(compare(Op::Ge, v, lo) && compare(Op::Le, v, hi));
      }
      case Op::If: {
        Value c = eval(n.kids[0], self);
        if (c.is_missing()) return c;
        return eval(c.flag ? n.kids[1] : n.kids[2], self);
      }
      case Op::Count: case Op::Sum: case Op::Min: case Op::Max: case Op::Any: case Op::Every: case Op::Filter:
        return aggregate(n, self);
      case Op::Round: {
        Value v = eval(n.kids[0], self);
        return v.is_missing() ? v : Value::number(round_to(v.num, n.unit, n.mode));
      }
      case Op::Call: return call(n, self);
      case Op::Table: return table(n, self);
    }
    throw Failure{"internal: unknown operation", {n.span}};
  }

  /// The instance a node names without evaluating anything (the entity in hand, an aggregation variable, the
  /// household), or null when it takes an evaluation to know: the common cases skip a recursive call.
  const Instance* direct_instance(int id, const Instance* self) const {
    const ir::ExprNode& b = rs_.nodes[id];
    switch (b.op) {
      case Op::Self: return self;
      case Op::Local: return locals_[b.a];
      case Op::Root: return &hh_.root();
      default: return nullptr;
    }
  }

  /// date ± duration, month ± months, duration ± duration.
  Value calendar_add(const ir::ExprNode& n, const Value& l, const Value& r) {
    std::int64_t count = r.num.num() * (n.op == Op::Sub ? -1 : 1);
    if (std::abs(count) > 1000000) throw Failure{"a duration too long for the calendar", {n.span}};
    int c = int(count);
    switch (l.tag) {
      case Tag::Date:
        return Value::with_scalar(Tag::Date, r.scalar == 0 ? l.scalar + c : add_months(Date{l.scalar}, c).day);
      case Tag::Month: return Value::with_scalar(Tag::Month, l.scalar + c);
      default: {
        Value v = Value::number(l.num + Rational(count));
        v.tag = Tag::Duration;
        v.scalar = l.scalar;
        return v;
      }
    }
  }

  Value constant(const ir::ExprNode& n) {
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
      default: throw Failure{"internal: constant of unexpected type", {n.span}};
    }
  }

  Rational arith(const ir::ExprNode& n, const Rational& a, const Rational& b) {
    try {
      switch (n.op) {
        case Op::Add: return a + b;
        case Op::Sub: return a - b;
        case Op::Mul: return a * b;
        default: return a / b;
      }
    } catch (const DivisionByZero&) {
      throw Failure{"division by zero", {n.span}};
    } catch (const ArithmeticOverflow&) {
      throw Failure{"a number grew too large to hold exactly", {n.span}};
    }
  }

  static Rational checked_sum(const ir::ExprNode& n, const Rational& a, const Rational& b) {
    try {
      return a + b;
    } catch (const ArithmeticOverflow&) {
      throw Failure{"a sum grew too large to hold exactly", {n.span}};
    }
  }

  static bool compare(Op op, const Value& l, const Value& r) {
    int c;
    if (l.tag == Tag::Num || l.tag == Tag::Duration) c = l.num.compare(r.num);
    else if (l.tag == Tag::Text) c = l.text().compare(r.text());
    else if (l.tag == Tag::Bool) c = int(l.flag) - int(r.flag);
    else if (l.tag == Tag::Entity) c = l.ptr == r.ptr ? 0 : 1;
    else c = l.scalar < r.scalar ? -1 : (l.scalar > r.scalar ? 1 : 0);
    switch (op) {
      case Op::Lt: return c < 0;
      case Op::Le: return c <= 0;
      case Op::Gt: return c > 0;
      case Op::Ge: return c >= 0;
      case Op::Eq: return c == 0;
      default: return c != 0;
    }
  }

  Value aggregate(const ir::ExprNode& n, const Instance* self) {
    Value list = eval(n.kids[0], self);
    if (list.is_missing()) return list;
    Value pending;  // Missing facts met on the way (tag Missing with null ptr = none)
    bool has_pending = false;
    auto note = [&](const Value& v) {
      pending = has_pending ? merge_missing(pending, v) : v;
      has_pending = true;
    };
    std::int64_t count = 0;
    std::vector<const Instance*> kept;
    Rational acc;
    bool have = false, found_any = false, found_counter = false;
    for (const Instance* item : list.list()) {
      locals_[n.a] = item;
      if (n.kids[1] >= 0) {
        Value f = eval(n.kids[1], self);
        if (f.is_missing()) {
          note(f);
          continue;
        }
        if (!f.flag) continue;
      }
      switch (n.op) {
        case Op::Count: ++count; break;
        case Op::Filter: kept.push_back(item); break;
        case Op::Any: found_any = true; break;
        case Op::Every: {
          Value p = eval(n.kids[2], self);
          if (p.is_missing()) note(p);
          else if (!p.flag) found_counter = true;
          break;
        }
        default: {
          Value v = eval(n.kids[2], self);
          if (v.is_missing()) {
            note(v);
            break;
          }
          if (!have) acc = v.num;
          else if (n.op == Op::Sum) acc = checked_sum(n, acc, v.num);
          else if (n.op == Op::Min) acc = std::min(acc, v.num);
          else acc = std::max(acc, v.num);
          have = true;
        }
      }
    }
    if (n.op == Op::Any && found_any) return Value::boolean(true);
    if (n.op == Op::Every && found_counter) return Value::boolean(false);
    if (has_pending) return pending;
    switch (n.op) {
      case Op::Count: return Value::number(Rational(count));
      case Op::Filter:
        lists_.push_back(std::move(kept));
        return Value::pointer(Tag::List, &lists_.back());
      case Op::Any: return Value::boolean(false);
      case Op::Every: return Value::boolean(true);
      case Op::Sum: return Value::number(have ? acc : Rational(0));
      default:
        if (!have) throw Failure{std::string(n.op == Op::Min ? "min" : "max") + " of an empty list", {n.span}};
        return Value::number(acc);
    }
  }

  Value call(const ir::ExprNode& n, const Instance* self) {
    Value args[2];  // every built-in takes one or two arguments
    Value miss;
    bool missing = false;
    for (std::size_t i = 0; i < n.kids.size() && i < 2; ++i) {
      args[i] = eval(n.kids[i], self);
      if (args[i].is_missing()) {
        miss = missing ? merge_missing(miss, args[i]) : args[i];
        missing = true;
      }
    }
    if (missing) return miss;
    switch (static_cast<ir::Builtin>(n.a)) {
      case ir::Builtin::Monthly: {
        const ir::ExprNode& per = rs_.nodes[n.kids[1]];
        const std::string& unit = rs_.enums[per.type.ref].values[args[1].scalar];
        if (unit == "month") return args[0];
        if (unit == "year") return Value::number(args[0].num / Rational(12));
        throw Failure{"monthly() cannot convert an amount given per " + unit + " to a month", {n.span}};
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
      case ir::Builtin::AddMonths:
        return Value::with_scalar(Tag::Date, add_months(Date{args[0].scalar}, int(args[1].num.num())).day);
      case ir::Builtin::Lesser: return args[0].num <= args[1].num ? args[0] : args[1];
      case ir::Builtin::Greater: return args[0].num >= args[1].num ? args[0] : args[1];
    }
    throw Failure{"internal: unknown function", {n.span}};
  }

  bool cell_matches(const ir::TableCell& c, const Value& v) {
    if (c.kind == ir::TableCell::Any) return true;
    if (c.kind == ir::TableCell::In) return std::find(c.set.begin(), c.set.end(), v.scalar) != c.set.end();
    Value a = eval(c.a, nullptr);
    switch (c.kind) {
      case ir::TableCell::Eq: return compare(Op::Eq, v, a);
      case ir::TableCell::Ne: return compare(Op::Ne, v, a);
      case ir::TableCell::Lt: return compare(Op::Lt, v, a);
      case ir::TableCell::Le: return compare(Op::Le, v, a);
      case ir::TableCell::Gt: return compare(Op::Gt, v, a);
      case ir::TableCell::Ge: return compare(Op::Ge, v, a);
      default: return compare(Op::Ge, v, a) && compare(Op::Le, v, eval(c.b, nullptr));
    }
  }

  Value table(const ir::ExprNode& n, const Instance* self) {
    const ir::TableDef& t = rs_.tables[n.a];
    Value small[8];
    std::vector<Value> large(n.kids.size() > 8 ? n.kids.size() : 0);
    Value* args = n.kids.size() > 8 ? large.data() : small;
    for (std::size_t i = 0; i < n.kids.size(); ++i) {
      args[i] = eval(n.kids[i], self);
      if (args[i].is_missing()) return args[i];
    }
    std::vector<std::size_t> hits;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      bool all = true;
      for (std::size_t c = 0; c < n.kids.size() && all; ++c) all = cell_matches(t.rows[r][c], args[c]);
      if (all) hits.push_back(r);
      if (all && t.hit == ir::HitPolicy::First) break;
    }
    if (cov_)
      for (std::size_t r : hits) cov_->table_row_hit[n.a][r] = true;
    if (t.hit == ir::HitPolicy::CollectSum) {
      Rational sum;
      for (std::size_t r : hits) sum = sum + eval(t.rows[r].back().a, nullptr).num;
      return Value::number(sum);
    }
    if (hits.empty()) throw Failure{"no row of table '" + t.name + "' matches these inputs", {n.span, t.span}};
    if (t.hit == ir::HitPolicy::Unique && hits.size() > 1)
      throw Failure{"rows " + std::to_string(hits[0] + 1) + " and " + std::to_string(hits[1] + 1) + " of table '" + t.name +
                        "' both match (hit policy unique)",
                    {t.row_spans[hits[0]], t.row_spans[hits[1]]}};
    std::size_t chosen = hits[0];
    if (t.hit == ir::HitPolicy::Priority)
      for (std::size_t r : hits)
        if (rs_.nodes[t.rows[r].back().a].scalar < rs_.nodes[t.rows[chosen].back().a].scalar) chosen = r;
    return eval(t.rows[chosen].back().a, nullptr);
  }

  // ------------------------------------------------------------------ definitions
  Value definition(int d, const Instance* inst) {
    DefSlot& slot = defs_[inst->index * rs_.defs.size() + d];
    if (slot.state == 2) {
      if (tracing_ && slot.trace >= 0) trace_link(slot.trace);
      return slot.value;
    }
    const ir::Definition& def = rs_.defs[d];
    if (slot.state == 1) throw Failure{"definition '" + def.name + "' depends on itself", {def.span}};
    slot.state = 1;
    int tid = tracing_ ? trace_open(TraceNode::Kind::Definition, d, inst) : -1;
    const ir::ExceptionDef* applied = nullptr;
    Value v;
    try {
      v = decide_with_exceptions(def.value, def.exceptions, inst, &ir::ExceptionDef::value, "", def.name, def.span, applied);
    } catch (...) {
      slot.state = 0;
      if (tidy(tid)) {}
      throw;
    }
    slot.state = 2;
    slot.value = v;
    slot.trace = tid;
    if (cov_) {
      cov_->def_evaluated[d] = true;
      if (applied) cov_->def_exception_applied[d][applied - def.exceptions.data()] = true;
    }
    if (tid >= 0) {
      trace_[tid].value = v.is_missing() ? "undetermined" : format_value(rs_, def.type, v);
      if (applied) trace_[tid].exception = applied->name;
      stack_.pop_back();
    }
    return v;
  }

  bool tidy(int tid) {
    if (tid >= 0 && !stack_.empty()) stack_.pop_back();
    return true;
  }

  /// Default logic: the base rule unless exactly one kind of result comes from the exceptions that apply.
  Value decide_with_exceptions(int base, const std::vector<ir::ExceptionDef>& exs, const Instance* inst,
                               int ir::ExceptionDef::*clause, const char* what, const std::string& name, SourceSpan span,
                               const ir::ExceptionDef*& applied) {
    Value undecided;
    bool unknown = false;
    const ir::ExceptionDef* winner = nullptr;
    Value winner_value;
    for (const ir::ExceptionDef& ex : exs) {
      if (ex.*clause < 0) continue;
      Value w = eval(ex.when, inst);
      if (w.is_missing()) {
        undecided = unknown ? merge_missing(undecided, w) : w;
        unknown = true;
        continue;
      }
      if (!w.flag) continue;
      Value v = eval(ex.*clause, inst);
      if (winner) {
        bool same = v.is_missing() == winner_value.is_missing() && (v.is_missing() || compare(Op::Eq, v, winner_value));
        if (!same)
          throw Failure{"exceptions '" + winner->name + "' and '" + ex.name + "' both apply to " + what + name +
                            " and give different results",
                        {winner->span, ex.span}};
        continue;
      }
      winner = &ex;
      winner_value = v;
    }
    if (unknown) return undecided;
    if (winner) {
      applied = winner;
      return winner_value;
    }
    if (base < 0 && clause == &ir::ExceptionDef::members) return Value();  // no members clause: the household's members
    if (base < 0)
      throw Failure{"no rule gives a value for " + std::string(what) + name + ": it has no base rule and no exception applies", {span}};
    return eval(base, inst);
  }

  // ------------------------------------------------------------------ standards
  Value standard(int s, int key) {
    bool memo = key == -1 || (rs_.standards[s].key_expr >= 0);
    auto& cache = standards_[s];
    for (const auto& [k, v, tid] : cache)
      if (memo && k == key) {
        if (tracing_ && tid >= 0) trace_link(tid);
        return v;
      }
    const ir::Standard& st = rs_.standards[s];
    if (cov_) cov_->standard_used[s] = true;
    int tid = tracing_ ? trace_open(TraceNode::Kind::Standard, s, nullptr) : -1;
    Value result;
    bool found = false;
    const std::string& region = hh_.region;
    std::string key_name = key >= 0 && st.key_enum >= 0 ? rs_.enums[st.key_enum].values[key] : "";
    try {
      // Rows run from the most specific region to the least; the first with a value in force wins.
      for (const ir::StandardRow* row : rows_[s]) {
        if (row->region.size() > region.size() || region.compare(0, row->region.size(), row->region) != 0) continue;
        if (row->key >= 0 && row->key != key) continue;
        const ir::StandardValue* in_force = nullptr;
        for (const ir::StandardValue& v : row->values)
          if (!(day_ < v.from) && (!v.until || !(*v.until < day_))) in_force = &v;
        if (!in_force) continue;
        found = true;
        const std::string& prefix = row->region;
        if (tid >= 0) {
          TraceNode& tn = trace_[tid];
          std::size_t lvl = prefix.empty() ? 0 : prefix.size() == 2 ? 1 : prefix.size() == 4 ? 2 : prefix.size() == 6 ? 3 : 4;
          tn.region_level = kLevelNames[lvl];
          tn.region_code = prefix.empty() ? "all" : prefix;
          tn.effective_from = in_force->from.to_string();
          tn.effective_until = in_force->until ? in_force->until->to_string() : "";
          tn.row_span = in_force->span;
          tn.value_cite = in_force->cite;
          tn.subject = key_name;
        }
        if (in_force->expr < 0) {
          result = missing_fact("standard " + st.name + " for " + (prefix.empty() ? "all regions" : prefix) +
                                (key_name.empty() ? "" : " " + key_name) + " from " + in_force->from.to_string() +
                                " (declared unsourced)");
        } else {
          result = eval(in_force->expr, &hh_.root());
          if (!result.is_missing() && result.tag == Tag::Num && in_force->factor != Rational(1))
            result = Value::number(result.num * in_force->factor);
        }
        break;
      }
      if (!found)
        result = missing_fact("standard " + st.name + " has no value for region " + region +
                              (key_name.empty() ? "" : " " + key_name) + " in " + month_.to_string());
    } catch (...) {
      tidy(tid);
      throw;
    }
    if (tid >= 0) {
      trace_[tid].value = result.is_missing() ? "undetermined" : format_value(rs_, st.type, result);
      stack_.pop_back();
    }
    if (memo) cache.push_back({key, result, tid});
    return result;
  }

  // ------------------------------------------------------------------ programs
  const Instance* instance_for(int program_entity, const Instance* asked) {
    if (program_entity == asked->entity) return asked;
    return &hh_.root();
  }

  ProgramSlot& program(int p, const Instance* inst) {
    ProgramSlot& slot = programs_[inst->index * rs_.programs.size() + p];
    if (slot.state == 2) {
      if (tracing_ && slot.trace >= 0) trace_link(slot.trace);
      return slot;
    }
    const ir::ProgramDef& pd = rs_.programs[p];
    if (slot.state == 1) throw Failure{"program '" + pd.name + "' depends on itself", {pd.span}};
    slot.state = 1;
    int tid = tracing_ ? trace_open(TraceNode::Kind::Program, p, inst) : -1;
    try {
      decide_program(pd, inst, slot);
    } catch (...) {
      slot.state = 0;
      tidy(tid);
      throw;
    }
    slot.state = 2;
    slot.trace = tid;
    if (cov_ && !slot.eligible.is_missing()) {
      (slot.eligible.flag ? cov_->program_granted : cov_->program_refused)[p] = true;
      if (slot.exception) cov_->program_exception_applied[p][slot.exception - pd.exceptions.data()] = true;
    }
    if (tid >= 0) {
      std::string v = slot.eligible.is_missing() ? "undetermined" : slot.eligible.flag ? "eligible" : "not eligible";
      if (!slot.eligible.is_missing() && slot.eligible.flag && slot.amount.tag == Tag::Num)
        v += ", " + format_value(rs_, ir::Type::of(TypeKind::Money), slot.amount);
      trace_[tid].value = v;
      if (slot.exception) trace_[tid].exception = slot.exception->name;
      stack_.pop_back();
    }
    return slot;
  }

  void decide_program(const ir::ProgramDef& pd, const Instance* inst, ProgramSlot& slot) {
    // A program granted instead excludes this one for the same person or household.
    for (int q : pd.excluded_by) {
      ProgramSlot& other = program(q, instance_for(rs_.programs[q].entity, inst));
      if (other.eligible.is_missing()) {
        slot.eligible = other.eligible;
        return;
      }
      if (other.eligible.flag) {
        slot.eligible = Value::boolean(false);
        slot.excluded_by = q;
        return;
      }
    }
    const ir::ExceptionDef* applied = nullptr;
    slot.eligible = decide_with_exceptions(pd.eligible, pd.exceptions, inst, &ir::ExceptionDef::eligible,
                                           "the eligibility of ", pd.name, pd.span, applied);
    slot.eligibility_node = applied ? applied->eligible : pd.eligible;
    slot.exception = applied;
    if (slot.eligible.is_missing() || !slot.eligible.flag) return;
    const ir::ExceptionDef* applied_amount = nullptr;
    slot.amount = decide_with_exceptions(pd.amount, pd.exceptions, inst, &ir::ExceptionDef::amount,
                                         "the amount of ", pd.name, pd.span, applied_amount);
    if (applied_amount) slot.exception = applied_amount;
    if (slot.amount.tag == Tag::Num) {
      if (!slot.amount.num.has_at_most_decimals(2))
        throw Failure{"the amount of program '" + pd.name + "' is " + slot.amount.num.to_string() +
                          ", not a whole number of fen: say how to round it, e.g. round(…, fen, half_up)",
                      {rs_.nodes[pd.amount].span}};
      if (slot.amount.num.sign() < 0)
        throw Failure{"the amount of program '" + pd.name + "' is negative (" + slot.amount.num.to_string() + ")",
                      {rs_.nodes[pd.amount].span}};
    }
    if (pd.entity == rs_.root_entity) {
      const ir::ExceptionDef* applied_members = nullptr;
      bool any_members_clause = pd.members >= 0;
      for (const auto& ex : pd.exceptions) any_members_clause = any_members_clause || ex.members >= 0;
      Value m = any_members_clause
                    ? decide_with_exceptions(pd.members, pd.exceptions, inst, &ir::ExceptionDef::members,
                                             "the members of ", pd.name, pd.span, applied_members)
                    : Value();
      if (m.tag == Tag::List) slot.members = &m.list();
    }
  }

  Entitlement decide(int p, HouseholdResult& out) {
    const ir::ProgramDef& pd = rs_.programs[p];
    Entitlement e;
    e.program = p;
    auto fail = [&](const Failure& f) {
      out.errors.push_back({pd.name, f.message, f.spans});
      e.eligible.reset();
      e.missing.clear();
    };
    try {
      if (pd.entity == rs_.root_entity) {
        ProgramSlot& s = program(p, &hh_.root());
        if (s.trace >= 0) e.trace_nodes.push_back(s.trace);
        fill(e, s, &hh_.root());
        if (e.eligible && *e.eligible) {
          if (s.members) for (const Instance* m : *s.members) e.members.push_back(m->id);
          else for (std::size_t i = 1; i < hh_.instances.size(); ++i)
            if (hh_.instances[i].entity != rs_.root_entity && is_member(hh_.instances[i])) e.members.push_back(hh_.instances[i].id);
        }
      } else {
        bool any_yes = false, any_unknown = false;
        MissingSet missing;
        for (const Instance& inst : hh_.instances) {
          if (inst.entity != pd.entity) continue;
          ProgramSlot& s = program(p, &inst);
          if (s.trace >= 0) e.trace_nodes.push_back(s.trace);
          if (s.eligible.is_missing()) {
            any_unknown = true;
            missing.insert(missing.end(), s.eligible.missing_facts().begin(), s.eligible.missing_facts().end());
          } else if (!s.eligible.flag) {
            if (tracing_ && s.eligibility_node >= 0 && s.excluded_by < 0) why_not(s.eligibility_node, &inst, e.failed);
            if (s.excluded_by >= 0) e.excluded_by = rs_.programs[s.excluded_by].name;
          } else if (s.eligible.flag) {
            any_yes = true;
            e.members.push_back(inst.id);
            if (s.amount.is_missing()) {
              any_unknown = true;
              missing.insert(missing.end(), s.amount.missing_facts().begin(), s.amount.missing_facts().end());
            } else {
              e.by_member.push_back({inst.id, s.amount.num});
              e.amount = e.amount + s.amount.num;
            }
          }
        }
        std::sort(missing.begin(), missing.end());
        missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
        e.missing = missing;
        if (any_yes) e.eligible = true;
        else if (!any_unknown) e.eligible = false;
      }
      for (const ir::WarningDef& w : pd.warnings) {
        const Instance* where = pd.entity == rs_.root_entity ? &hh_.root() : nullptr;
        bool raised = false;
        if (where) {
          Value v = eval(w.when, where);
          raised = !v.is_missing() && v.flag;
        } else {
          for (const Instance& inst : hh_.instances) {
            if (inst.entity != pd.entity) continue;
            Value v = eval(w.when, &inst);
            if (!v.is_missing() && v.flag) raised = true;
          }
        }
        if (raised) e.warnings.push_back(w.message);
      }
    } catch (const Failure& f) {
      fail(f);
    } catch (const ArithmeticOverflow& x) {
      fail(Failure{std::string(x.what()) + " while deciding " + pd.name, {pd.span}});
    } catch (const DivisionByZero& x) {
      fail(Failure{std::string(x.what()) + " while deciding " + pd.name, {pd.span}});
    }
    return e;
  }

  bool is_member(const Instance& inst) const {
    int f = rs_.entities[rs_.root_entity].find_field("members");
    if (f < 0) return false;
    return rs_.entities[rs_.root_entity].fields[f].type.ref == inst.entity;
  }

  void fill(Entitlement& e, ProgramSlot& s, const Instance* inst) {
    if (s.exception) e.exception = s.exception->name;
    if (s.excluded_by >= 0) e.excluded_by = rs_.programs[s.excluded_by].name;
    if (s.eligible.is_missing()) {
      e.missing = s.eligible.missing_facts();
      return;
    }
    e.eligible = s.eligible.flag;
    if (!s.eligible.flag) {
      if (tracing_ && s.eligibility_node >= 0 && s.excluded_by < 0) why_not(s.eligibility_node, inst, e.failed);
      return;
    }
    if (s.amount.is_missing()) e.missing = s.amount.missing_facts();
    else e.amount = s.amount.num;
  }

  // ------------------------------------------------------------------ why not
  void why_not(int id, const Instance* self, std::vector<FailedCondition>& out) {
    const ir::ExprNode& n = rs_.nodes[id];
    if (n.op == Op::And || n.op == Op::Or) {
      for (int k : n.kids) {
        Value v = eval(k, self);
        if (!v.is_missing() && !v.flag) why_not(k, self, out);
      }
      return;
    }
    if (n.op == Op::Def) {
      Value base = eval(n.kids[0], self);
      const ir::Definition& d = rs_.defs[n.a];
      if (!base.is_missing() && d.exceptions.empty() && d.value >= 0 && d.type.kind == TypeKind::Bool) {
        why_not(d.value, base.instance(), out);
        return;
      }
    }
    FailedCondition fc;
    fc.subject = self->path.empty() ? "household" : self->path;
    fc.span = n.span;
    bool cmp = n.op == Op::Lt || n.op == Op::Le || n.op == Op::Gt || n.op == Op::Ge || n.op == Op::Eq || n.op == Op::Ne;
    if (cmp) {
      Value l = eval(n.kids[0], self), r = eval(n.kids[1], self);
      const ir::Type& lt = rs_.nodes[n.kids[0]].type;
      const ir::Type& rt = rs_.nodes[n.kids[1]].type;
      fc.lhs = format_value(rs_, lt.is_numeric() && rt.kind == TypeKind::Money ? rt : lt, l);
      fc.rhs = format_value(rs_, rt.is_numeric() && lt.kind == TypeKind::Money ? lt : rt, r);
      static const char* kNegated[] = {"≥", ">", "≤", "<", "≠", "="};
      fc.relation = kNegated[int(n.op) - int(Op::Lt)];
      if (l.tag == Tag::Num && r.tag == Tag::Num && n.op != Op::Eq && n.op != Op::Ne) {
        Rational gap = l.num - r.num;
        if (gap.sign() < 0) gap = -gap;
        ir::Type shown = lt.kind == TypeKind::Money || rt.kind == TypeKind::Money ? ir::Type::of(TypeKind::Money) : lt;
        fc.margin = format_value(rs_, shown, Value::number(gap));
      }
    } else {
      fc.lhs = "false";
    }
    out.push_back(std::move(fc));
  }

  const ir::RuleSet& rs_;
  const std::vector<std::vector<const ir::StandardRow*>>& rows_;
  const Household& hh_;
  Month month_;
  Date day_;
  bool tracing_;
  Coverage* cov_;
  std::vector<DefSlot>& defs_;
  std::vector<ProgramSlot>& programs_;
  std::vector<std::vector<CachedStandard>>& standards_;
  std::vector<const Instance*>& locals_;
  std::deque<MissingSet>& missing_;
  std::deque<std::vector<const Instance*>>& lists_;
  std::vector<TraceNode> trace_;
  std::vector<int> stack_;
};

}  // namespace

std::string format_value(const ir::RuleSet& rs, const ir::Type& type, const Value& v) {
  switch (v.tag) {
    case Tag::Missing: return "undetermined";
    case Tag::Bool: return v.flag ? "true" : "false";
    case Tag::Num:
      if (type.kind == TypeKind::Money && v.num.has_at_most_decimals(2)) return v.num.to_fixed(2);
      return v.num.to_string(type.kind == TypeKind::Money ? 4 : 6);
    case Tag::Date: return Date{v.scalar}.to_string();
    case Tag::Month: return Month{v.scalar}.to_string();
    case Tag::Duration: return v.num.to_string() + (v.scalar == 0 ? " days" : " months");
    case Tag::Text: return v.text();
    case Tag::Enum: return type.kind == TypeKind::Enum ? rs.enums[type.ref].values[v.scalar] : std::to_string(v.scalar);
    case Tag::Entity: return v.instance()->path.empty() ? "household" : v.instance()->path;
    case Tag::List: return std::to_string(v.list().size()) + " item(s)";
  }
  return "?";
}

Evaluator::Evaluator(const ir::RuleSet& rs) : rs_(rs) {
  for (const ir::Standard& st : rs.standards) {
    std::vector<const ir::StandardRow*> rows;
    for (const ir::StandardRow& row : st.rows) rows.push_back(&row);
    std::stable_sort(rows.begin(), rows.end(), [](const ir::StandardRow* a, const ir::StandardRow* b) {
      if (a->region.size() != b->region.size()) return a->region.size() > b->region.size();
      return a->key > b->key;  // a row for a key before a row for any key (-1)
    });
    rows_by_specificity_.push_back(std::move(rows));
  }
}

HouseholdResult Evaluator::evaluate(const Household& hh, Month month, bool explain, Coverage* coverage) const {
  EvalScratch scratch;
  return evaluate(hh, month, explain, coverage, scratch);
}

HouseholdResult Evaluator::evaluate(const Household& hh, Month month, bool explain, Coverage* coverage,
                                    EvalScratch& scratch) const {
  Run run(rs_, rows_by_specificity_, hh, month, explain, coverage, *scratch.impl);
  return run.go();
}

Coverage Evaluator::empty_coverage() const {
  Coverage c;
  c.def_evaluated.assign(rs_.defs.size(), false);
  for (const auto& d : rs_.defs) c.def_exception_applied.emplace_back(d.exceptions.size(), false);
  c.program_granted.assign(rs_.programs.size(), false);
  c.program_refused.assign(rs_.programs.size(), false);
  for (const auto& p : rs_.programs) c.program_exception_applied.emplace_back(p.exceptions.size(), false);
  for (const auto& t : rs_.tables) c.table_row_hit.emplace_back(t.rows.size(), false);
  c.standard_used.assign(rs_.standards.size(), false);
  return c;
}

}  // namespace entitle
