// machine.cpp — the compiled form's run over one household: memoised definitions, standards and programs, the
// combination rules (exclusions, recorded choices, top-ups), and the entitlements, in the interpreter's order so that
// the same standard values are noted as stale in the same order. Anything only the interpreter can say declines.
#include <algorithm>

#include "engine/compile/machine.hpp"

namespace entitle::compiled {

using Tag = Value::Tag;
static const std::string kNoKey;

Scratch::Scratch() : impl(std::make_unique<Impl>()) {}
Scratch::~Scratch() = default;

Machine::Machine(const CompiledRules& compiled, const Household& household, Month m, Scratch::Impl& scratch)
    : c(compiled), rs(compiled.rules()), plan(compiled.plan()), hh(household), month(m), day(m.first_day()), s(scratch) {
  if (++s.epoch == 0) {  // after 2^32 households: forget every slot once
    s.defs.assign(s.defs.size(), DefSlot{});
    s.programs.assign(s.programs.size(), ProgramSlot{});
    s.epoch = 1;
  }
  if (s.defs.size() < hh.instances.size() * rs.defs.size()) s.defs.resize(hh.instances.size() * rs.defs.size());
  if (s.programs.size() < hh.instances.size() * rs.programs.size()) s.programs.resize(hh.instances.size() * rs.programs.size());
  s.standards.resize(rs.standards.size());
  for (auto& cache : s.standards) cache.clear();
  s.locals.assign(std::size_t(rs.locals), nullptr);
  s.lists.clear();
  s.missing.clear();
  s.stale_uses.clear();
}

Value Machine::missing_fact(std::string fact) {
  MissingSet& set = s.missing.emplace_back();
  set.push_back(std::move(fact));
  return Value::missing(&set);
}

Value Machine::missing_field(const Instance* inst, int field) {
  const std::string& name = rs.entities[std::size_t(inst->entity)].fields[std::size_t(field)].name;
  return missing_fact(inst->path.empty() ? name : inst->path + "." + name);
}

Value Machine::merge(const Value& a, const Value& b) {
  if (!a.is_missing()) return b;
  if (!b.is_missing()) return a;
  MissingSet& set = s.missing.emplace_back();
  set = a.missing_facts();
  set.insert(set.end(), b.missing_facts().begin(), b.missing_facts().end());
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
  return Value::missing(&set);
}

Value Machine::definition(int d, const Instance* inst) {
  DefSlot& slot = def_slot(d, inst);
  if (slot.state == 2) {
    stale |= slot.stale;
    return slot.value;
  }
  if (slot.state == 1) decline();  // a definition that depends on itself
  slot.state = 1;
  std::uint64_t outer = stale;
  stale = 0;
  const ir::Definition& def = rs.defs[std::size_t(d)];
  const ir::ExceptionDef* applied = nullptr;
  Value v = decide_with_exceptions(def.value, def.exceptions, inst, &ir::ExceptionDef::value, applied);
  slot.stale = stale;
  stale |= outer;
  slot.value = v;
  slot.state = 2;
  return v;
}

Value Machine::decide_with_exceptions(int base, const std::vector<ir::ExceptionDef>& exs, const Instance* inst,
                                      int ir::ExceptionDef::*clause, const ir::ExceptionDef*& applied) {
  Value undecided;
  bool unknown = false;
  const ir::ExceptionDef* winner = nullptr;
  Value winner_value;
  for (const ir::ExceptionDef& ex : exs) {
    if (ex.*clause < 0) continue;
    Value w = eval(ex.when, inst);
    if (w.is_missing()) {
      undecided = unknown ? merge(undecided, w) : w;
      unknown = true;
      continue;
    }
    if (!w.flag) continue;
    Value v = eval(ex.*clause, inst);
    if (winner) {
      bool same = v.is_missing() == winner_value.is_missing() && (v.is_missing() || compare_values(v, winner_value) == 0);
      if (!same) decline();  // two exceptions give different results: an error the interpreter reports
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
  if (base < 0) decline();  // no rule gives a value: an error
  return eval(base, inst);
}

int Machine::stale_use(int st, const ir::StandardRow* row, const ir::StandardValue* v) {
  for (std::size_t i = 0; i < s.stale_uses.size(); ++i)
    if (s.stale_uses[i].value == v) return int(i);
  if (s.stale_uses.size() == 64) decline();  // more than a mask holds
  s.stale_uses.push_back({st, row, v});
  return int(s.stale_uses.size()) - 1;
}

Value Machine::standard(int st_index, int key) {
  const ir::Standard& st = rs.standards[std::size_t(st_index)];
  bool memo = key == -1 || st.key_expr >= 0;
  auto& cache = s.standards[std::size_t(st_index)];
  if (memo)
    for (const StandardSlot& cached : cache)
      if (cached.key == key) {
        stale |= cached.stale;
        return cached.value;
      }
  std::uint64_t outer = stale;
  stale = 0;
  int stale_id = -1;
  Value result;
  bool found = false;
  const std::string& region = hh.region;
  const std::string& key_name = key >= 0 && st.key_enum >= 0 ? rs.enums[std::size_t(st.key_enum)].values[std::size_t(key)] : kNoKey;
  for (const ir::StandardRow* row : plan.rows[std::size_t(st_index)]) {
    if (row->region.size() > region.size() || region.compare(0, row->region.size(), row->region) != 0) continue;
    if (row->key >= 0 && row->key != key) continue;
    const ir::StandardValue* in_force = nullptr;
    for (const ir::StandardValue& v : row->values)
      if (!(day < v.from) && (!v.until || !(*v.until < day))) in_force = &v;
    if (!in_force) continue;
    found = true;
    if (in_force->expr >= 0 && st.renewal_months > 0 && !in_force->until &&
        !(day < add_months(in_force->from, st.renewal_months)))
      stale_id = stale_use(st_index, row, in_force);  // used past its renewal: the decision is provisional
    if (in_force->expr < 0) {
      result = missing_fact("standard " + st.name + " for " + (row->region.empty() ? "all regions" : row->region) +
                            (key_name.empty() ? "" : " " + key_name) + " from " + in_force->from.to_string() +
                            " (declared unsourced)");
    } else {
      result = eval(in_force->expr, &hh.root());
      if (!result.is_missing() && result.tag == Tag::Num && in_force->factor != Rational(1))
        result = Value::number(result.num * in_force->factor);
    }
    break;
  }
  if (!found)
    result = missing_fact("standard " + st.name + " has no value for region " + region +
                          (key_name.empty() ? "" : " " + key_name) + " in " + month.to_string());
  if (stale_id >= 0) stale |= std::uint64_t(1) << stale_id;
  std::uint64_t used = stale;
  stale = outer | used;
  if (memo) cache.push_back({key, result, used});
  return result;
}

ProgramSlot& Machine::program(int p, const Instance* inst) {
  ProgramSlot& slot = program_slot(p, inst);
  if (slot.state == 2) {
    stale |= slot.stale;
    return slot;
  }
  if (slot.state == 1) decline();  // a program that depends on itself
  slot.state = 1;
  std::uint64_t outer = stale;
  stale = 0;
  decide_program(p, rs.programs[std::size_t(p)], inst, slot);
  slot.stale = stale;
  stale |= outer;
  slot.state = 2;
  return slot;
}

const Value& Machine::own_eligibility(int p, const Instance* inst) {
  ProgramSlot& slot = program_slot(p, inst);
  if (slot.own_state == 2) {
    stale |= slot.own_stale;
    return slot.own_eligible;
  }
  if (slot.own_state == 1) decline();
  slot.own_state = 1;
  std::uint64_t outer = stale;
  stale = 0;
  const ir::ProgramDef& pd = rs.programs[std::size_t(p)];
  const ir::ExceptionDef* applied = nullptr;
  slot.own_eligible = decide_with_exceptions(pd.eligible, pd.exceptions, inst, &ir::ExceptionDef::eligible, applied);
  slot.own_stale = stale;
  stale |= outer;
  slot.own_exception = applied;
  slot.own_state = 2;
  return slot.own_eligible;
}

Value Machine::household_program_for_member(const Node& n, const Instance* member) {
  ProgramSlot& ps = program(n.a, &hh.root());
  if (ps.eligible.is_missing()) return ps.eligible;
  bool covered = false;
  std::size_t count = 0;
  if (ps.eligible.flag) {
    if (ps.members) {
      count = ps.members->size();
      covered = std::find(ps.members->begin(), ps.members->end(), member) != ps.members->end();
    } else {
      for (std::size_t i = 1; i < hh.instances.size(); ++i)
        if (hh.instances[i].entity == member->entity && is_member(hh.instances[i])) ++count;
      covered = true;
    }
  }
  if (n.ir->op == ir::Op::ProgramEligible) return Value::boolean(covered);
  if (!covered || count == 0) return Value::number(Rational(0));
  if (ps.amount.is_missing()) return ps.amount;
  return Value::number(ps.amount.num / Rational(std::int64_t(count)));
}

// The interpreter's decide_program, step for step.
void Machine::decide_program(int p, const ir::ProgramDef& pd, const Instance* inst, ProgramSlot& slot) {
  Value own = own_eligibility(p, inst);
  slot.exception = slot.own_exception;
  if (!own.is_missing() && !own.flag) {
    slot.eligible = own;
    slot.kind = DecisionKind::NotGranted;
    return;
  }
  auto undetermined = [&](const Value& why) {
    slot.eligible = why;
    slot.kind = DecisionKind::Undetermined;
  };
  auto unknown = [&](const Value& why) { undetermined(own.is_missing() ? merge(own, why) : why); };
  auto excluded = [&](int by) {
    slot.eligible = Value::boolean(false);
    slot.kind = DecisionKind::Excluded;
    slot.excluded_by = by;
  };
  for (int q : pd.excluded_by) {
    const ir::ProgramDef& qd = rs.programs[std::size_t(q)];
    if (qd.entity != pd.entity && pd.entity == rs.root_entity) continue;
    ProgramSlot& other = program(q, qd.entity == inst->entity ? inst : &hh.root());
    if (other.eligible.is_missing()) return unknown(other.eligible);
    bool applies = other.eligible.flag;
    if (applies && qd.entity != pd.entity)
      applies = !other.members || std::find(other.members->begin(), other.members->end(), inst) != other.members->end();
    if (applies) return excluded(q);
  }
  std::uint64_t recorded = 0;
  const auto& choices = plan.choices[std::size_t(p)];
  for (std::size_t i = 0; i < choices.size(); ++i) {
    const auto& [c, mine] = choices[i];
    int chosen = -1, count = 0;
    for (std::size_t j = 0; j < c->programs.size(); ++j) {
      Value v = eval(c->chosen_when[j], inst);
      if (v.is_missing()) return unknown(v);
      if (v.flag) chosen = int(j), ++count;
    }
    if (count > 1) return undetermined(missing_fact(choice_fact(*c, inst) + ": 记录了两项选择，请更正"));
    if (chosen < 0) continue;
    if (i < 64) recorded |= std::uint64_t(1) << i;
    if (chosen == mine) continue;
    const Value& other = own_eligibility(c->programs[std::size_t(chosen)], inst);
    if (other.is_missing()) return unknown(other);
    if (other.flag) return excluded(c->programs[std::size_t(chosen)]);
  }
  if (own.is_missing()) return undetermined(own);
  for (std::size_t i = 0; i < choices.size(); ++i) {
    const auto& [c, mine] = choices[i];
    if (i < 64 && (recorded >> i & 1)) continue;
    bool pending = false;
    for (std::size_t j = 0; j < c->programs.size(); ++j) {
      if (int(j) == mine) continue;
      const Value& other = own_eligibility(c->programs[j], inst);
      if (other.is_missing()) return undetermined(other);
      pending = pending || other.flag;
    }
    if (pending && !slot.choice) slot.choice = c;
  }
  slot.eligible = Value::boolean(slot.choice == nullptr);
  slot.kind = slot.choice ? DecisionKind::ChoiceNeeded : DecisionKind::Granted;
  const ir::ExceptionDef* applied_amount = nullptr;
  slot.amount = decide_with_exceptions(pd.amount, pd.exceptions, inst, &ir::ExceptionDef::amount, applied_amount);
  if (applied_amount) slot.exception = applied_amount;
  if (slot.amount.tag == Tag::Num) {
    if (!slot.amount.num.has_at_most_decimals(2) || slot.amount.num.sign() < 0) decline();  // errors the interpreter reports
    if (plan.top_up[std::size_t(p)] && slot.amount.num.sign() == 0 && slot.kind == DecisionKind::Granted) {
      slot.eligible = Value::boolean(false);
      slot.kind = DecisionKind::NotGranted;
      slot.top_up_zero = true;
      return;
    }
  } else if (slot.kind == DecisionKind::Granted) {
    slot.kind = DecisionKind::AmountUndetermined;
  }
  if (pd.entity == rs.root_entity && slot.kind != DecisionKind::ChoiceNeeded) {
    const ir::ExceptionDef* applied_members = nullptr;
    bool any_members_clause = pd.members >= 0;
    for (const auto& ex : pd.exceptions) any_members_clause = any_members_clause || ex.members >= 0;
    Value m = any_members_clause
                  ? decide_with_exceptions(pd.members, pd.exceptions, inst, &ir::ExceptionDef::members, applied_members)
                  : Value();
    if (m.tag == Tag::List) slot.members = &m.list();
    for (int q : pd.excluded_by) {
      if (rs.programs[std::size_t(q)].entity == pd.entity || !slot.members) continue;
      for (const Instance* who : *slot.members) {
        ProgramSlot& other = program(q, who);
        if (!other.eligible.is_missing() && other.eligible.flag) decline();  // counted while granted an exclusive one
      }
    }
  }
}

std::string Machine::choice_fact(const ir::Combination& c, const Instance* inst) const {
  std::string names;
  for (int q : c.programs) names += (names.empty() ? "" : " / ") + rs.programs[std::size_t(q)].name;
  std::string who = inst->path.empty() ? "household" : inst->path;
  return who + ": choice " + names + " (需家庭选择其一并记录)";
}

MemberDecision Machine::member_decision(const ProgramSlot& sl, const Instance& inst) {
  MemberDecision d;
  d.member = inst.id;
  d.kind = sl.kind;
  if (sl.exception) d.exception = sl.exception->name;
  if (sl.excluded_by >= 0) d.excluded_by = rs.programs[std::size_t(sl.excluded_by)].name;
  if (sl.eligible.is_missing()) d.missing = sl.eligible.missing_facts();
  else if (sl.amount.is_missing() && (sl.kind == DecisionKind::AmountUndetermined || sl.kind == DecisionKind::ChoiceNeeded))
    d.missing = sl.amount.missing_facts();
  if ((sl.kind == DecisionKind::Granted || sl.kind == DecisionKind::ChoiceNeeded) && sl.amount.tag == Tag::Num) {
    d.amount = sl.amount.num;
    d.amount_known = true;
  }
  if (sl.choice) {
    for (int q : sl.choice->programs) d.choice.push_back(rs.programs[std::size_t(q)].name);
    d.missing.insert(d.missing.begin(), choice_fact(*sl.choice, &inst));
  }
  return d;
}

void Machine::note_stale(Entitlement& e, std::uint64_t& noted, std::uint64_t ids) {
  for (std::uint64_t fresh = ids & ~noted; fresh; fresh &= fresh - 1) {
    int id = __builtin_ctzll(fresh);
    const StaleUse& u = s.stale_uses[std::size_t(id)];
    const ir::Standard& st = rs.standards[std::size_t(u.standard)];
    StaleValue v;
    v.standard = st.name;
    v.label = st.label;
    v.region = u.row->region.empty() ? "all" : u.row->region;
    v.key = u.row->key >= 0 && st.key_enum >= 0 ? rs.enums[std::size_t(st.key_enum)].values[std::size_t(u.row->key)] : "";
    v.from = u.value->from.to_string();
    v.cite = u.value->cite.empty() ? st.cite : u.value->cite;
    v.renewal = st.renewal_months == 12 ? "yearly" : st.renewal_months == 6 ? "half_yearly"
                                                                            : std::to_string(st.renewal_months) + " months";
    e.stale.push_back(std::move(v));
  }
  noted |= ids;
}

void Machine::raise(const ir::ProgramDef& pd, const std::vector<ir::WarningDef>& list, std::vector<std::string>& into) {
  for (const ir::WarningDef& w : list) {
    bool raised = false;
    if (pd.entity == rs.root_entity) {
      Value v = eval(w.when, &hh.root());
      raised = !v.is_missing() && v.flag;
    } else {
      for (const Instance& inst : hh.instances) {
        if (inst.entity != pd.entity) continue;
        Value v = eval(w.when, &inst);
        if (!v.is_missing() && v.flag) raised = true;
      }
    }
    if (raised) into.push_back(w.message);
  }
}

namespace {

/// "补差金额为 0.00": a top-up with nothing left to top up, as the interpreter words it.
FailedCondition top_up_zero_reason(const ir::RuleSet& rs, const ir::ProgramDef& pd, const Household& hh, const Instance* inst) {
  FailedCondition fc;
  fc.subject = inst->path.empty() ? "household" : inst->path;
  fc.span = rs.nodes[std::size_t(pd.amount)].span;
  fc.lhs = "补差金额为 0.00：已领取的待遇不低于标准";
  fc.decided = fc.subject;
  if (inst == &hh.root()) return fc;
  fc.member = inst->id;
  int f = rs.entities[std::size_t(inst->entity)].find_field("name");
  if (f >= 0 && inst->present[std::size_t(f)] && inst->fields[std::size_t(f)].tag == Tag::Text)
    fc.member_name = inst->fields[std::size_t(f)].text();
  return fc;
}

}  // namespace

void Machine::fill(Entitlement& e, const ProgramSlot& sl, const Instance* inst) {
  e.kind = sl.kind;
  if (sl.exception) e.exception = sl.exception->name;
  if (sl.excluded_by >= 0) e.excluded_by = rs.programs[std::size_t(sl.excluded_by)].name;
  if (sl.eligible.is_missing()) {
    e.missing = sl.eligible.missing_facts();
    return;
  }
  if (sl.kind == DecisionKind::ChoiceNeeded) {
    for (int q : sl.choice->programs) e.choice.push_back(rs.programs[std::size_t(q)].name);
    e.missing.push_back(choice_fact(*sl.choice, inst));
    e.option_amount_known = sl.amount.tag == Tag::Num;
    if (sl.amount.tag == Tag::Num) e.option_amount = sl.amount.num;
    else e.missing.insert(e.missing.end(), sl.amount.missing_facts().begin(), sl.amount.missing_facts().end());
    return;
  }
  e.eligible = sl.eligible.flag;
  if (!sl.eligible.flag) {
    if (sl.top_up_zero) e.failed.push_back(top_up_zero_reason(rs, rs.programs[std::size_t(e.program)], hh, inst));
    return;
  }
  if (sl.amount.is_missing()) e.missing = sl.amount.missing_facts();
  else e.amount = sl.amount.num;
}

// The interpreter's decide, without the explanation.
Entitlement Machine::decide(int p) {
  const ir::ProgramDef& pd = rs.programs[std::size_t(p)];
  Entitlement e;
  e.program = p;
  stale = 0;
  std::uint64_t noted = 0;
  if (pd.entity == rs.root_entity) {
    ProgramSlot& sl = program(p, &hh.root());
    fill(e, sl, &hh.root());
    note_stale(e, noted, sl.stale);
    if (e.eligible && *e.eligible) {
      if (sl.members) {
        for (const Instance* m : *sl.members) e.members.push_back(m->id);
      } else {
        for (std::size_t i = 1; i < hh.instances.size(); ++i)
          if (hh.instances[i].entity != rs.root_entity && is_member(hh.instances[i])) e.members.push_back(hh.instances[i].id);
      }
    }
  } else {
    bool any_yes = false, any_unknown = false, any_choice = false, any_excluded = false, options_known = true;
    MissingSet missing, choice_missing;
    for (const Instance& inst : hh.instances) {
      if (inst.entity != pd.entity) continue;
      ProgramSlot& sl = program(p, &inst);
      note_stale(e, noted, sl.stale);
      if (sl.kind == DecisionKind::Granted) {
        any_yes = true;
        e.members.push_back(inst.id);
        e.by_member.push_back({inst.id, sl.amount.num});
        e.amount = e.amount + sl.amount.num;
        continue;
      }
      if (sl.kind == DecisionKind::NotGranted) {
        if (sl.top_up_zero) e.failed.push_back(top_up_zero_reason(rs, pd, hh, &inst));
        continue;
      }
      MemberDecision md = member_decision(sl, inst);
      MissingSet& into = sl.kind == DecisionKind::ChoiceNeeded ? choice_missing : missing;
      into.insert(into.end(), md.missing.begin(), md.missing.end());
      switch (sl.kind) {
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
        default: break;
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
    e.option_amount_known = e.kind == DecisionKind::ChoiceNeeded && options_known;
    if (e.kind == DecisionKind::ChoiceNeeded) missing.insert(missing.end(), choice_missing.begin(), choice_missing.end());
    else {
      e.choice.clear();
      e.option_amount = Rational(0);
    }
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    e.missing = std::move(missing);
  }
  raise(pd, pd.warnings, e.warnings);
  raise(pd, pd.reviews, e.review);
  return e;
}

CompiledRules::CompiledRules(const ir::RuleSet& rs, const EvalPlan& plan) : rs_(rs), plan_(plan), nodes_(rs.nodes.size()) {
  for (std::size_t i = 0; i < rs.nodes.size(); ++i) compile_node(rs, nodes_, int(i), nodes_[i]);
}

bool CompiledRules::evaluate(const Household& hh, Month month, Scratch& scratch, HouseholdResult& out) const {
  try {
    Machine m(*this, hh, month, *scratch.impl);
    out.household = hh.id;
    out.region = hh.region;
    out.period = month.to_string();
    out.entitlements.clear();
    out.errors.clear();
    out.trace.clear();
    out.entitlements.reserve(rs_.program_order.size());
    for (int p : rs_.program_order) out.entitlements.push_back(m.decide(p));
  } catch (const Decline&) {
    ++scratch.declined;
    return false;
  } catch (const ArithmeticOverflow&) {
    ++scratch.declined;
    return false;
  } catch (const DivisionByZero&) {
    ++scratch.declined;
    return false;
  }
  ++scratch.decided;
  return true;
}

}  // namespace entitle::compiled
