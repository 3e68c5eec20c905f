// evaluator.cpp — the interpreter: evaluates IR nodes over a household with three-valued logic (a value is known
// or undetermined with its missing facts), memoised definitions and programs, and an optional trace.
#include "engine/eval/evaluator.hpp"

#include "engine/eval/result_compare.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <stdexcept>
#include <unordered_set>

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

struct DefSlot {
  std::uint8_t state = 0;  // 0 not computed, 1 computing, 2 done
  Value value;
  int trace = -1;
  std::vector<int> stale;  // stale standard values it used (ids into Run::stale_uses_)
};

struct ProgramSlot {
  std::uint8_t state = 0;      // the final decision: 0 not computed, 1 computing, 2 done
  std::uint8_t own_state = 0;  // the program's own conditions
  Value own_eligible;          // on its own conditions, before exclusions and choices
  const ir::ExceptionDef* own_exception = nullptr;
  std::vector<int> own_stale;
  Value eligible;  // final: true (granted), false (not granted, excluded, or awaiting a choice), Missing
  DecisionKind kind = DecisionKind::NotGranted;
  Value amount;  // Num, or Missing; for ChoiceNeeded the amount if chosen
  const std::vector<const Instance*>* members = nullptr;
  const ir::ExceptionDef* exception = nullptr;  // the exception that decided it
  int excluded_by = -1;                         // program granted (or chosen) instead
  const ir::Combination* choice = nullptr;      // ChoiceNeeded: the choice to be made
  bool top_up_zero = false;                     // a top-up with nothing left to top up
  int trace = -1;
  int eligibility_node = -1;                    // the clause that decided eligibility
  std::vector<int> stale;
};

struct CachedStandard {
  int key;
  Value value;
  int trace;
  std::vector<int> stale;     // ids of the stale values it used (its own, and those of standards its value reads)
  bool strict_stale = false;  // undetermined only because a value is past its renewal (--strict-standards)
};

/// A standard value used past its renewal.
struct StaleUse {
  int standard;
  const ir::StandardRow* row;
  const ir::StandardValue* value;
};

}  // namespace

struct EvalScratch::Impl {
  std::vector<DefSlot> defs;
  std::vector<ProgramSlot> programs;
  std::vector<std::vector<CachedStandard>> standards;
  std::vector<const Instance*> locals;
  RecyclingPool<MissingSet> missing;  // stable addresses; cleared per household, memory kept
  RecyclingPool<std::vector<const Instance*>> lists;
  std::vector<int> stale_stack;
  std::vector<StaleUse> stale_uses;
  std::uint64_t trace_probes = 0;
  compiled::Scratch compiled;
};

EvalScratch::EvalScratch() : impl(std::make_unique<Impl>()) {}
EvalScratch::~EvalScratch() = default;
std::uint64_t EvalScratch::trace_probes() const { return impl->trace_probes; }
std::uint64_t EvalScratch::compiled_decided() const { return impl->compiled.decided; }
std::uint64_t EvalScratch::compiled_declined() const { return impl->compiled.declined; }

namespace {

class Run {
public:
  Run(const ir::RuleSet& rs, const EvalPlan& plan, const Household& hh, Month month, bool trace, Coverage* coverage,
      EvalScratch::Impl& scratch)
      : rs_(rs), plan_(plan), rows_(plan.rows), hh_(hh), month_(month), day_(month.first_day()), tracing_(trace), cov_(coverage),
        defs_(scratch.defs), programs_(scratch.programs), standards_(scratch.standards), locals_(scratch.locals),
        missing_(scratch.missing), lists_(scratch.lists), stale_stack_(scratch.stale_stack), stale_uses_(scratch.stale_uses),
        trace_probes_(scratch.trace_probes) {
    stale_stack_.clear();
    stale_uses_.clear();
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
    out.entitlements.reserve(rs_.program_order.size());
    for (int p : rs_.program_order) out.entitlements.push_back(decide(p, out));
    out.trace = std::move(trace_);
    return out;
  }

  /// A definition's value for one instance, for tests that pin intermediate values.
  Value probe(int def, const Instance* inst) { return definition(def, inst); }

private:
  // ------------------------------------------------------------------ missing facts
  Value missing_fact(const std::string& fact) {
    missing_.emplace_back().assign(1, fact);
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
  // A node's children and facts are each recorded once. Looking them up in order made explaining a big household cubic
  // in its members (a node that reads every member has hundreds of each): facts are looked up in a hash set by
  // instance and field (no path is built for a fact already recorded), children in order up to kLinearLookup.
  static constexpr std::size_t kLinearLookup = 16;
  void trace_link(int id) {
    if (stack_.empty()) return;
    int node = stack_.back();
    auto& kids = trace_[node].children;
    if (kids.size() < kLinearLookup) {
      trace_probes_ += kids.size();
      if (std::find(kids.begin(), kids.end(), id) != kids.end()) return;
      kids.push_back(id);
      if (kids.size() == kLinearLookup)
        for (int k : kids) trace_kids_seen_.insert((std::uint64_t(std::uint32_t(node)) << 32) | std::uint32_t(k));
      return;
    }
    ++trace_probes_;
    if (trace_kids_seen_.insert((std::uint64_t(std::uint32_t(node)) << 32) | std::uint32_t(id)).second) kids.push_back(id);
  }
  void trace_fact(const Instance* inst, int field, const Value& v) {
    if (stack_.empty() || v.tag == Tag::List) return;
    ++trace_probes_;
    if (!trace_facts_seen_.insert({stack_.back(), field, inst}).second) return;  // (the path names the instance and field)
    const ir::FieldDef& fd = rs_.entities[inst->entity].fields[field];
    std::string path = inst->path.empty() ? fd.name : inst->path + "." + fd.name;
    trace_[stack_.back()].facts.emplace_back(std::move(path), v.is_missing() ? std::string("(absent)")
                                                              : v.tag == Tag::Entity ? std::string("(present)")
                                                                                     : format_value(rs_, fd.type, v));
  }
  struct FactKey {
    int node, field;
    const Instance* inst;
    bool operator==(const FactKey& o) const { return node == o.node && field == o.field && inst == o.inst; }
  };
  struct FactKeyHash {
    std::size_t operator()(const FactKey& k) const {
      return std::hash<const void*>()(k.inst) ^ (std::size_t(std::uint32_t(k.node)) * 0x9E3779B97F4A7C15ull) ^ std::size_t(k.field);
    }
  };
  std::unordered_set<std::uint64_t> trace_kids_seen_;           // (node, child) of nodes past kLinearLookup
  std::unordered_set<FactKey, FactKeyHash> trace_facts_seen_;  // (node, instance, field) of every fact recorded

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
        strict_stale_ = false;
        Value v = eval(n.kids[0], self);
        if (v.is_missing() && strict_stale_) return v;  // a value exists but is past its renewal: unknown, not absent
        bool known = !v.is_missing();
        return Value::boolean(n.flag ? !known : known);
      }
      case Op::ProgramEligible:
      case Op::ProgramAmount: {
        Value who = eval(n.kids[0], self);
        if (who.is_missing()) return who;
        if (n.flag) return household_program_for_member(n, who.instance());
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
      stale_merge(slot.stale);
      return slot.value;
    }
    const ir::Definition& def = rs_.defs[d];
    if (slot.state == 1) throw Failure{"definition '" + def.name + "' depends on itself", {def.span}};
    slot.state = 1;
    int tid = tracing_ ? trace_open(TraceNode::Kind::Definition, d, inst) : -1;
    const ir::ExceptionDef* applied = nullptr;
    Value v;
    std::size_t frame = stale_stack_.size();
    try {
      v = decide_with_exceptions(def.value, def.exceptions, inst, &ir::ExceptionDef::value, "", def.name, def.span, applied);
    } catch (...) {
      slot.state = 0;
      if (tidy(tid)) {}
      throw;
    }
    stale_close(frame, slot.stale);
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
    for (const CachedStandard& c : cache)
      if (memo && c.key == key) {
        if (tracing_ && c.trace >= 0) trace_link(c.trace);
        stale_merge(c.stale);
        strict_stale_ = c.strict_stale;
        return c.value;
      }
    int stale_id = -1;
    bool strict_stale = false;
    std::size_t frame = stale_stack_.size();
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
          tn.region_level = kRegionLevelNames[lvl];
          tn.region_code = prefix.empty() ? "all" : prefix;
          tn.effective_from = in_force->from.to_string();
          tn.effective_until = in_force->until ? in_force->until->to_string() : "";
          tn.row_span = in_force->span;
          tn.value_cite = in_force->cite;
          tn.subject = key_name;
        }
        if (in_force->expr >= 0 && st.renewal_months > 0 && !in_force->until &&
            !(day_ < add_months(in_force->from, st.renewal_months))) {
          // Used past its renewal: still the amount, but provisional (or undetermined with --strict-standards).
          stale_id = stale_use(s, row, in_force);
          if (plan_.strict_standards) {
            strict_stale = true;
            result = missing_fact("standard " + st.name + " for " + (prefix.empty() ? "all regions" : prefix) +
                                  (key_name.empty() ? "" : " " + key_name) + " from " + in_force->from.to_string() +
                                  " is stale (to be renewed every " + std::to_string(st.renewal_months) +
                                  " months; --strict-standards)");
            break;
          }
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
    if (stale_id >= 0) stale_stack_.push_back(stale_id);
    std::vector<int> used;
    stale_close(frame, used);
    strict_stale_ = strict_stale;
    if (memo) cache.push_back({key, result, tid, std::move(used), strict_stale});
    return result;
  }

  // ------------------------------------------------------------------ stale standard values
  int stale_use(int s, const ir::StandardRow* row, const ir::StandardValue* v) {
    for (std::size_t i = 0; i < stale_uses_.size(); ++i)
      if (stale_uses_[i].value == v) return int(i);
    stale_uses_.push_back({s, row, v});
    return int(stale_uses_.size()) - 1;
  }
  /// The stale values used since `frame`, de-duplicated; they stay on the stack for the enclosing computation.
  void stale_close(std::size_t frame, std::vector<int>& into) {
    if (stale_stack_.size() == frame) {
      into.clear();
      return;
    }
    into.assign(stale_stack_.begin() + long(frame), stale_stack_.end());
    std::sort(into.begin(), into.end());
    into.erase(std::unique(into.begin(), into.end()), into.end());
    stale_stack_.resize(frame);
    stale_stack_.insert(stale_stack_.end(), into.begin(), into.end());
  }
  void stale_merge(const std::vector<int>& ids) { stale_stack_.insert(stale_stack_.end(), ids.begin(), ids.end()); }

  StaleValue stale_value(int id) const {
    const StaleUse& u = stale_uses_[id];
    const ir::Standard& st = rs_.standards[u.standard];
    StaleValue v;
    v.standard = st.name;
    v.label = st.label;
    v.region = u.row->region.empty() ? "all" : u.row->region;
    v.key = u.row->key >= 0 && st.key_enum >= 0 ? rs_.enums[st.key_enum].values[u.row->key] : "";
    v.from = u.value->from.to_string();
    v.cite = u.value->cite.empty() ? st.cite : u.value->cite;
    v.renewal = st.renewal_months == 12 ? "yearly" : st.renewal_months == 6 ? "half_yearly"
                                                                            : std::to_string(st.renewal_months) + " months";
    return v;
  }

  // ------------------------------------------------------------------ programs
  const Instance* instance_for(int program_entity, const Instance* asked) {
    if (program_entity == asked->entity) return asked;
    return &hh_.root();
  }

  /// eligible(dibao, member) / amount(dibao, member): whether a household program covers this member, and the
  /// member's equal share of its amount (0 when not covered).
  Value household_program_for_member(const ir::ExprNode& n, const Instance* member) {
    ProgramSlot& ps = program(n.a, &hh_.root());
    if (ps.eligible.is_missing()) return ps.eligible;
    bool covered = false;
    std::size_t count = 0;
    if (ps.eligible.flag) {
      if (ps.members) {
        count = ps.members->size();
        covered = std::find(ps.members->begin(), ps.members->end(), member) != ps.members->end();
      } else {
        for (std::size_t i = 1; i < hh_.instances.size(); ++i)
          if (hh_.instances[i].entity == member->entity && is_member(hh_.instances[i])) ++count;
        covered = true;
      }
    }
    if (n.op == Op::ProgramEligible) return Value::boolean(covered);
    if (!covered || count == 0) return Value::number(Rational(0));
    if (ps.amount.is_missing()) return ps.amount;
    return Value::number(ps.amount.num / Rational(std::int64_t(count)));
  }

  ProgramSlot& program(int p, const Instance* inst) {
    ProgramSlot& slot = programs_[inst->index * rs_.programs.size() + p];
    if (slot.state == 2) {
      if (tracing_ && slot.trace >= 0) trace_link(slot.trace);
      stale_merge(slot.stale);
      return slot;
    }
    const ir::ProgramDef& pd = rs_.programs[p];
    if (slot.state == 1) throw Failure{"program '" + pd.name + "' depends on itself", {pd.span}};
    slot.state = 1;
    int tid = tracing_ ? trace_open(TraceNode::Kind::Program, p, inst) : -1;
    std::size_t frame = stale_stack_.size();
    try {
      decide_program(p, pd, inst, slot);
    } catch (...) {
      slot.state = 0;
      tidy(tid);
      throw;
    }
    stale_close(frame, slot.stale);
    slot.state = 2;
    slot.trace = tid;
    if (cov_ && !slot.eligible.is_missing()) {
      (slot.eligible.flag ? cov_->program_granted : cov_->program_refused)[p] = true;
      if (slot.exception) cov_->program_exception_applied[p][slot.exception - pd.exceptions.data()] = true;
    }
    if (tid >= 0) {
      std::string v;
      switch (slot.kind) {
        case DecisionKind::Granted: v = "eligible"; break;
        case DecisionKind::AmountUndetermined: v = "eligible, amount undetermined"; break;
        case DecisionKind::NotGranted: v = "not eligible"; break;
        case DecisionKind::Undetermined: v = "undetermined"; break;
        case DecisionKind::Excluded: v = "excluded by " + rs_.programs[slot.excluded_by].name; break;
        case DecisionKind::ChoiceNeeded: v = "choice needed"; break;
      }
      if ((slot.kind == DecisionKind::Granted || slot.kind == DecisionKind::ChoiceNeeded) && slot.amount.tag == Tag::Num)
        v += ", " + format_value(rs_, ir::Type::of(TypeKind::Money), slot.amount);
      trace_[tid].value = v;
      if (slot.exception) trace_[tid].exception = slot.exception->name;
      stack_.pop_back();
    }
    return slot;
  }

  /// The program's own conditions: its eligibility clause and the exceptions that override it.
  const Value& own_eligibility(int p, const Instance* inst) {
    ProgramSlot& slot = programs_[inst->index * rs_.programs.size() + p];
    if (slot.own_state == 2) {
      stale_merge(slot.own_stale);
      return slot.own_eligible;
    }
    const ir::ProgramDef& pd = rs_.programs[p];
    if (slot.own_state == 1) throw Failure{"program '" + pd.name + "' depends on itself", {pd.span}};
    slot.own_state = 1;
    std::size_t frame = stale_stack_.size();
    const ir::ExceptionDef* applied = nullptr;
    try {
      slot.own_eligible = decide_with_exceptions(pd.eligible, pd.exceptions, inst, &ir::ExceptionDef::eligible,
                                                 "the eligibility of ", pd.name, pd.span, applied);
    } catch (...) {
      slot.own_state = 0;
      throw;
    }
    stale_close(frame, slot.own_stale);
    slot.own_exception = applied;
    slot.eligibility_node = applied ? applied->eligible : pd.eligible;
    slot.own_state = 2;
    return slot.own_eligible;
  }

  void undetermined(ProgramSlot& slot, const Value& why) {
    slot.eligible = why;
    slot.kind = DecisionKind::Undetermined;
  }

  void decide_program(int p, const ir::ProgramDef& pd, const Instance* inst, ProgramSlot& slot) {
    Value own = own_eligibility(p, inst);
    slot.exception = slot.own_exception;
    if (!own.is_missing() && !own.flag) {
      slot.eligible = own;
      slot.kind = DecisionKind::NotGranted;
      return;
    }
    // Undetermined on its own conditions, unless a program that takes precedence or the family's recorded choice
    // settles that it is not paid anyway.
    auto unknown = [&](const Value& why) { undetermined(slot, own.is_missing() ? merge_missing(own, why) : why); };
    auto excluded = [&](int by) {
      slot.eligible = Value::boolean(false);
      slot.kind = DecisionKind::Excluded;
      slot.excluded_by = by;
    };
    // A program that takes precedence, granted to the same person or household, excludes this one.
    for (int q : pd.excluded_by) {
      const ir::ProgramDef& qd = rs_.programs[q];
      if (qd.entity != pd.entity && pd.entity == rs_.root_entity) continue;  // the rules leave those persons out; checked below
      ProgramSlot& other = program(q, instance_for(qd.entity, inst));
      if (other.eligible.is_missing()) return unknown(other.eligible);
      bool applies = other.eligible.flag;
      if (applies && qd.entity != pd.entity)  // a household program over a person: only if it covers them
        applies = !other.members || std::find(other.members->begin(), other.members->end(), inst) != other.members->end();
      if (applies) return excluded(q);
    }
    // Choices the family makes (e.g. 孤儿保障 or 特困供养): the recorded choice decides; without one, neither is paid.
    // A recorded choice of another option excludes this one while that option qualifies; two options recorded as
    // chosen is a record to correct, never both paid.
    std::uint64_t recorded = 0;  // bit i: choice i of this program has a recorded option
    const auto& choices = plan_.choices[p];
    for (std::size_t i = 0; i < choices.size(); ++i) {
      const auto& [c, mine] = choices[i];
      int chosen = -1, count = 0;
      for (std::size_t j = 0; j < c->programs.size(); ++j) {
        Value v = eval(c->chosen_when[j], inst);
        if (v.is_missing()) return unknown(v);
        if (v.flag) chosen = int(j), ++count;
      }
      if (count > 1) return undetermined(slot, missing_fact(choice_fact(*c, inst) + ": 记录了两项选择，请更正"));
      if (chosen < 0) continue;
      if (i < 64) recorded |= std::uint64_t(1) << i;
      if (chosen == mine) continue;
      const Value& other = own_eligibility(c->programs[chosen], inst);
      if (other.is_missing()) return unknown(other);
      if (other.flag) return excluded(c->programs[chosen]);
    }
    if (own.is_missing()) return undetermined(slot, own);
    for (std::size_t i = 0; i < choices.size(); ++i) {
      const auto& [c, mine] = choices[i];
      if (i < 64 && (recorded >> i & 1)) continue;
      bool pending = false;
      for (std::size_t j = 0; j < c->programs.size(); ++j) {
        if (int(j) == mine) continue;
        const Value& other = own_eligibility(c->programs[j], inst);
        if (other.is_missing()) return undetermined(slot, other);
        pending = pending || other.flag;
      }
      if (pending && !slot.choice) slot.choice = c;
    }
    slot.eligible = Value::boolean(slot.choice == nullptr);
    slot.kind = slot.choice ? DecisionKind::ChoiceNeeded : DecisionKind::Granted;
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
      if (plan_.top_up[p] && slot.amount.num.sign() == 0 && slot.kind == DecisionKind::Granted) {
        // A top-up with nothing left to top up is not granted.
        slot.eligible = Value::boolean(false);
        slot.kind = DecisionKind::NotGranted;
        slot.top_up_zero = true;
        return;
      }
    } else if (slot.kind == DecisionKind::Granted) {
      slot.kind = DecisionKind::AmountUndetermined;
    }
    if (pd.entity == rs_.root_entity && slot.kind != DecisionKind::ChoiceNeeded) {
      const ir::ExceptionDef* applied_members = nullptr;
      bool any_members_clause = pd.members >= 0;
      for (const auto& ex : pd.exceptions) any_members_clause = any_members_clause || ex.members >= 0;
      Value m = any_members_clause
                    ? decide_with_exceptions(pd.members, pd.exceptions, inst, &ir::ExceptionDef::members,
                                             "the members of ", pd.name, pd.span, applied_members)
                    : Value();
      if (m.tag == Tag::List) slot.members = &m.list();
      // A person granted a member program declared exclusive over this one must not be among its members.
      for (int q : pd.excluded_by) {
        if (rs_.programs[q].entity == pd.entity || !slot.members) continue;
        for (const Instance* who : *slot.members) {
          ProgramSlot& other = program(q, who);
          if (!other.eligible.is_missing() && other.eligible.flag)
            throw Failure{who->id + " is granted '" + rs_.programs[q].name + "' and counted in '" + pd.name +
                              "', which are declared exclusive: leave persons granted '" + rs_.programs[q].name +
                              "' out of the members of '" + pd.name + "'",
                          {pd.span}};
        }
      }
    }
  }

  std::string choice_fact(const ir::Combination& c, const Instance* inst) const {
    std::string names;
    for (int q : c.programs) names += (names.empty() ? "" : " / ") + rs_.programs[q].name;
    std::string who = inst->path.empty() ? "household" : inst->path;
    return who + ": choice " + names + " (需家庭选择其一并记录)";
  }

  MemberDecision member_decision(const ProgramSlot& s, const Instance& inst) {
    MemberDecision d;
    d.member = inst.id;
    d.kind = s.kind;
    if (s.exception) d.exception = s.exception->name;
    if (s.excluded_by >= 0) d.excluded_by = rs_.programs[s.excluded_by].name;
    if (s.eligible.is_missing()) d.missing = s.eligible.missing_facts();
    else if (s.amount.is_missing() && (s.kind == DecisionKind::AmountUndetermined || s.kind == DecisionKind::ChoiceNeeded))
      d.missing = s.amount.missing_facts();
    if ((s.kind == DecisionKind::Granted || s.kind == DecisionKind::ChoiceNeeded) && s.amount.tag == Tag::Num) {
      d.amount = s.amount.num;
      d.amount_known = true;
    }
    if (s.choice) {
      for (int q : s.choice->programs) d.choice.push_back(rs_.programs[q].name);
      d.missing.insert(d.missing.begin(), choice_fact(*s.choice, &inst));
    }
    return d;
  }

  void note_stale(Entitlement& e, std::vector<int>& noted, const std::vector<int>& ids) {
    for (int id : ids) {
      if (std::find(noted.begin(), noted.end(), id) != noted.end()) continue;
      noted.push_back(id);
      e.stale.push_back(stale_value(id));
    }
  }

  /// Raises a program's warnings or review reasons whose condition holds (for a member program: for any member).
  void raise(const ir::ProgramDef& pd, const std::vector<ir::WarningDef>& list, std::vector<std::string>& into) {
    for (const ir::WarningDef& w : list) {
      bool raised = false;
      if (pd.entity == rs_.root_entity) {
        Value v = eval(w.when, &hh_.root());
        raised = !v.is_missing() && v.flag;
      } else {
        for (const Instance& inst : hh_.instances) {
          if (inst.entity != pd.entity) continue;
          Value v = eval(w.when, &inst);
          if (!v.is_missing() && v.flag) raised = true;
        }
      }
      if (raised) into.push_back(w.message);
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
      e.kind = DecisionKind::Undetermined;
    };
    stale_stack_.clear();
    std::vector<int> noted;
    try {
      if (pd.entity == rs_.root_entity) {
        ProgramSlot& s = program(p, &hh_.root());
        if (s.trace >= 0) e.trace_nodes.push_back(s.trace);
        fill(e, s, &hh_.root());
        note_stale(e, noted, s.stale);
        if (e.eligible && *e.eligible) {
          if (s.members) for (const Instance* m : *s.members) e.members.push_back(m->id);
          else for (std::size_t i = 1; i < hh_.instances.size(); ++i)
            if (hh_.instances[i].entity != rs_.root_entity && is_member(hh_.instances[i])) e.members.push_back(hh_.instances[i].id);
        }
      } else {
        bool any_yes = false, any_unknown = false, any_choice = false, any_excluded = false, options_known = true;
        MissingSet missing, choice_missing;
        for (const Instance& inst : hh_.instances) {
          if (inst.entity != pd.entity) continue;
          ProgramSlot& s = program(p, &inst);
          if (s.trace >= 0) e.trace_nodes.push_back(s.trace);
          note_stale(e, noted, s.stale);
          if (s.kind == DecisionKind::Granted || s.kind == DecisionKind::NotGranted) {  // the common case: no record kept
            if (s.kind == DecisionKind::Granted) {
              any_yes = true;
              e.members.push_back(inst.id);
              e.by_member.push_back({inst.id, s.amount.num});
              e.amount = e.amount + s.amount.num;
            } else {
              if (tracing_ && s.eligibility_node >= 0 && !s.top_up_zero) why_not(s.eligibility_node, &inst, e.failed);
              if (s.top_up_zero) e.failed.push_back(top_up_zero_reason(pd, &inst));
            }
            continue;
          }
          MemberDecision md = member_decision(s, inst);
          MissingSet& into = s.kind == DecisionKind::ChoiceNeeded ? choice_missing : missing;
          into.insert(into.end(), md.missing.begin(), md.missing.end());
          switch (s.kind) {
            case DecisionKind::Granted:
              any_yes = true;
              e.members.push_back(inst.id);
              e.by_member.push_back({inst.id, s.amount.num});
              e.amount = e.amount + s.amount.num;
              break;
            case DecisionKind::AmountUndetermined:
              any_yes = any_unknown = true;
              e.members.push_back(inst.id);
              break;
            case DecisionKind::Undetermined: any_unknown = true; break;
            case DecisionKind::ChoiceNeeded:
              any_choice = true;
              options_known = options_known && md.amount_known;
              e.option_amount = e.option_amount + md.amount;
              if (e.choice.empty()) e.choice = md.choice;
              break;
            case DecisionKind::Excluded:
              any_excluded = true;
              e.excluded_by = md.excluded_by;
              break;
            case DecisionKind::NotGranted:
              if (tracing_ && s.eligibility_node >= 0 && !s.top_up_zero) why_not(s.eligibility_node, &inst, e.failed);
              if (s.top_up_zero) e.failed.push_back(top_up_zero_reason(pd, &inst));
              break;
          }
          e.member_decisions.push_back(std::move(md));
        }
        if (any_yes) e.eligible = true;
        else if (!any_unknown && !any_choice) e.eligible = false;
        e.kind = any_yes ? (any_unknown ? DecisionKind::AmountUndetermined : DecisionKind::Granted)
                 : any_unknown ? DecisionKind::Undetermined
                 : any_choice  ? DecisionKind::ChoiceNeeded
                 : any_excluded ? DecisionKind::Excluded
                                : DecisionKind::NotGranted;
        // A choice still open for one member is the decision only when nobody is granted; otherwise it is shown
        // per member (member_decisions) and the granted amount stands.
        e.option_amount_known = e.kind == DecisionKind::ChoiceNeeded && options_known;
        if (e.kind == DecisionKind::ChoiceNeeded) missing.insert(missing.end(), choice_missing.begin(), choice_missing.end());
        else {
          e.choice.clear();
          e.option_amount = Rational(0);
        }
        std::sort(missing.begin(), missing.end());
        missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
        e.missing = missing;
      }
      raise(pd, pd.warnings, e.warnings);
      raise(pd, pd.reviews, e.review);
    } catch (const Failure& f) {
      fail(f);
    } catch (const ArithmeticOverflow& x) {
      fail(Failure{std::string(x.what()) + " while deciding " + pd.name, {pd.span}});
    } catch (const DivisionByZero& x) {
      fail(Failure{std::string(x.what()) + " while deciding " + pd.name, {pd.span}});
    }
    return e;
  }

  FailedCondition top_up_zero_reason(const ir::ProgramDef& pd, const Instance* inst) const {
    FailedCondition fc;
    fc.subject = inst->path.empty() ? "household" : inst->path;
    fc.span = rs_.nodes[pd.amount].span;
    fc.lhs = "补差金额为 0.00：已领取的待遇不低于标准";
    name_decided(fc, inst);
    return fc;
  }

  bool is_member(const Instance& inst) const { return plan_.member_entity >= 0 && inst.entity == plan_.member_entity; }

  void fill(Entitlement& e, ProgramSlot& s, const Instance* inst) {
    e.kind = s.kind;
    if (s.exception) e.exception = s.exception->name;
    if (s.excluded_by >= 0) e.excluded_by = rs_.programs[s.excluded_by].name;
    if (s.eligible.is_missing()) {
      e.missing = s.eligible.missing_facts();
      return;
    }
    if (s.kind == DecisionKind::ChoiceNeeded) {
      for (int q : s.choice->programs) e.choice.push_back(rs_.programs[q].name);
      e.missing.push_back(choice_fact(*s.choice, inst));
      e.option_amount_known = s.amount.tag == Tag::Num;
      if (s.amount.tag == Tag::Num) e.option_amount = s.amount.num;
      else e.missing.insert(e.missing.end(), s.amount.missing_facts().begin(), s.amount.missing_facts().end());
      return;
    }
    e.eligible = s.eligible.flag;
    if (!s.eligible.flag) {
      if (tracing_ && s.eligibility_node >= 0 && s.excluded_by < 0 && !s.top_up_zero) why_not(s.eligibility_node, inst, e.failed);
      if (s.top_up_zero) e.failed.push_back(top_up_zero_reason(rs_.programs[e.program], inst));
      return;
    }
    if (s.amount.is_missing()) e.missing = s.amount.missing_facts();
    else e.amount = s.amount.num;
  }

  // ------------------------------------------------------------------ why not
  // Runs only when tracing. Reads values already decided (definitions and standards are memoised), so it changes
  // no result.
  void why_not(int id, const Instance* self, std::vector<FailedCondition>& out) {
    std::vector<int> via;
    why_not_at(id, self, self, via, out);
  }

  void why_not_at(int id, const Instance* self, const Instance* decided, std::vector<int>& via,
                  std::vector<FailedCondition>& out) {
    const ir::ExprNode& n = rs_.nodes[id];
    if (n.op == Op::And || n.op == Op::Or) {
      if (n.op == Op::Or) via.push_back(-1);
      for (int k : n.kids) {
        Value v = eval(k, self);
        if (!v.is_missing() && !v.flag) why_not_at(k, self, decided, via, out);
      }
      if (n.op == Op::Or) via.pop_back();
      return;
    }
    if (n.op == Op::Def) {
      Value base = eval(n.kids[0], self);
      const ir::Definition& d = rs_.defs[n.a];
      if (!base.is_missing() && d.exceptions.empty() && d.value >= 0 && d.type.kind == TypeKind::Bool) {
        via.push_back(n.a);
        why_not_at(d.value, base.instance(), decided, via, out);
        via.pop_back();
        return;
      }
    }
    FailedCondition fc;
    fc.subject = self->path.empty() ? "household" : self->path;
    fc.span = n.span;
    fc.node = id;
    fc.via = via;
    name_decided(fc, decided);
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
      if (!l.is_missing() && !r.is_missing() && l.tag == r.tag && l.tag != Tag::Entity && l.tag != Tag::List)
        fc.order = compare(Op::Lt, l, r) ? -1 : compare(Op::Eq, l, r) ? 0 : 1;
      standard_keys(n.kids[0], self, fc.keys);
      standard_keys(n.kids[1], self, fc.keys);
    } else {
      fc.lhs = "false";
      if (n.op == Op::InSet || n.op == Op::Within) {
        Value v = eval(n.kids[0], self);
        if (!v.is_missing()) fc.tested = format_value(rs_, rs_.nodes[n.kids[0]].type, v);
      } else if (n.op == Op::IsPresent && n.flag) {  // `x is absent` failed: x has a value
        Value base = eval(n.kids[0], self);
        if (!base.is_missing() && base.instance()->present[n.a]) {
          const Value& v = base.instance()->fields[n.a];
          if (v.tag != Tag::Entity && v.tag != Tag::List && !v.is_missing())
            fc.tested = format_value(rs_, rs_.entities[base.instance()->entity].fields[n.a].type, v);
        }
      } else if (n.op == Op::StandardKnown) {
        standard_keys(n.kids[0], self, fc.keys);
      }
    }
    out.push_back(std::move(fc));
  }

  /// Whose decision a failed condition belongs to: the household, or a member by id and (when recorded) name.
  void name_decided(FailedCondition& fc, const Instance* decided) const {
    fc.decided = decided->path.empty() ? "household" : decided->path;
    if (decided == &hh_.root()) return;
    fc.member = decided->id;
    int f = rs_.entities[decided->entity].find_field("name");
    if (f >= 0 && decided->present[f] && decided->fields[f].tag == Tag::Text) fc.member_name = decided->fields[f].text();
  }

  /// The keyed standards an operand reads directly (through arithmetic, rounding and calls, not into definitions or
  /// aggregations), with the key each was read with.
  void standard_keys(int id, const Instance* self, std::vector<StandardKey>& out) {
    const ir::ExprNode& n = rs_.nodes[id];
    switch (n.op) {
      case Op::StandardRef: {
        const ir::Standard& st = rs_.standards[n.a];
        if (st.key_enum < 0) return;
        Value k = !n.kids.empty() ? eval(n.kids[0], self)
                  : st.key_expr >= 0 ? eval(st.key_expr, &hh_.root())
                                     : Value();
        if (k.tag != Tag::Enum) return;
        const ir::EnumDef& e = rs_.enums[st.key_enum];
        if (k.scalar < 0 || k.scalar >= int(e.values.size())) return;
        out.push_back({id, e.values[k.scalar], e.value_labels[k.scalar].empty() ? e.values[k.scalar] : e.value_labels[k.scalar]});
        return;
      }
      case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Neg: case Op::Round: case Op::Call:
      case Op::StandardKnown:
        for (int k : n.kids) standard_keys(k, self, out);
        return;
      default: return;
    }
  }

  const ir::RuleSet& rs_;
  const EvalPlan& plan_;
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
  RecyclingPool<MissingSet>& missing_;
  RecyclingPool<std::vector<const Instance*>>& lists_;
  std::vector<int>& stale_stack_;
  std::vector<StaleUse>& stale_uses_;
  bool strict_stale_ = false;  // the last standard read was undetermined only because it is stale (strict mode)
  std::vector<TraceNode> trace_;
  std::vector<int> stack_;
  std::uint64_t& trace_probes_;
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

bool cross_check_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("ENTITLE_CROSS_CHECK");
    return v && *v && std::string(v) != "0";
  }();
  return enabled;
}

Evaluator::Evaluator(const ir::RuleSet& rs)
    : rs_(rs), plan_(make_eval_plan(rs)), compiled_plan_(std::make_shared<const EvalPlan>(plan_)),
      compiled_(std::make_shared<const compiled::CompiledRules>(rs, *compiled_plan_)) {}

HouseholdResult Evaluator::evaluate(const Household& hh, Month month, bool explain, Coverage* coverage) const {
  EvalScratch scratch;
  return evaluate(hh, month, explain, coverage, scratch);
}

HouseholdResult Evaluator::evaluate(const Household& hh, Month month, bool explain, Coverage* coverage,
                                    EvalScratch& scratch) const {
  if (use_compiled_ && !explain && !coverage && !plan_.strict_standards) {
    HouseholdResult out;
    if (compiled_->evaluate(hh, month, scratch.impl->compiled, out)) {
      if (cross_check_enabled()) {
        Run run(rs_, plan_, hh, month, false, nullptr, *scratch.impl);
        std::string difference = first_difference(out, run.go());
        if (!difference.empty())
          throw std::logic_error("the compiled form and the interpreter disagree on household " + hh.id + " in " +
                                 month.to_string() + ": " + difference + " (compiled vs interpreted)");
      }
      return out;
    }
  }
  Run run(rs_, plan_, hh, month, explain, coverage, *scratch.impl);
  return run.go();
}

Evaluator::DefinitionValue Evaluator::evaluate_definition(const Household& hh, Month month, int def,
                                                         const std::string& instance_id) const {
  DefinitionValue out;
  const ir::Definition& d = rs_.defs[def];
  const Instance* inst = nullptr;
  for (const Instance& i : hh.instances)
    if (i.entity == d.entity && (d.entity == rs_.root_entity || i.id == instance_id)) inst = &i;
  if (!inst) return out;
  out.found = true;
  EvalScratch scratch;
  Run run(rs_, plan_, hh, month, false, nullptr, *scratch.impl);
  try {
    Value v = run.probe(def, inst);
    if (v.is_missing()) {
      out.undetermined = true;
      return out;
    }
    out.text = format_value(rs_, d.type, v);
    if (v.tag == Value::Tag::Num) out.number = v.num;
  } catch (const Failure& f) {
    out.error = f.message;
  } catch (const std::exception& x) {
    out.error = x.what();
  }
  return out;
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
