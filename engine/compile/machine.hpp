// machine.hpp — one compiled evaluation in progress: the household, the month, memo slots for definitions,
// standards and programs, and the stale standard values used. Internal to engine/compile/.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/base/recycling_pool.hpp"
#include "engine/compile/compiled_rules.hpp"

namespace entitle::compiled {

/// Thrown to hand the household to the interpreter; never escapes CompiledRules::evaluate.
struct Decline {};

// Slots carry the epoch (household) they were written in: a slot from an earlier household reads as empty, so a new
// household costs no pass over every slot.
struct DefSlot {
  std::uint32_t epoch = 0;
  std::uint8_t state = 0;  // 0 not computed, 1 computing, 2 done
  Value value;
  std::uint64_t stale = 0;  // stale standard values it used (bits: ids into Machine::stale_uses)
};

struct ProgramSlot {
  std::uint32_t epoch = 0;
  std::uint8_t state = 0, own_state = 0;
  Value own_eligible;
  const ir::ExceptionDef* own_exception = nullptr;
  std::uint64_t own_stale = 0;
  Value eligible;
  DecisionKind kind = DecisionKind::NotGranted;
  Value amount;
  const std::vector<const Instance*>* members = nullptr;
  const ir::ExceptionDef* exception = nullptr;
  int excluded_by = -1;
  const ir::Combination* choice = nullptr;  // ChoiceNeeded: the choice to be made
  bool top_up_zero = false;
  std::uint64_t stale = 0;
  /// Empties the slot for household `e`: every field a decision reads before writing it (the values are always
  /// written first: own_eligible with own_state, eligible on every path, amount before any kind that reads it).
  void reset(std::uint32_t e) {
    epoch = e;
    state = own_state = 0;
    own_exception = nullptr;
    own_stale = 0;
    kind = DecisionKind::NotGranted;
    members = nullptr;
    exception = nullptr;
    excluded_by = -1;
    choice = nullptr;
    top_up_zero = false;
    stale = 0;
  }
};

struct StandardSlot {
  int key = -2;  // -2: not read yet for this household
  Value value;
  std::uint64_t stale = 0;
};

struct StaleUse {
  int standard;
  const ir::StandardRow* row;
  const ir::StandardValue* value;
};

struct Scratch::Impl {
  std::uint32_t epoch = 0;  // the household in hand
  std::vector<DefSlot> defs;
  std::vector<ProgramSlot> programs;
  std::vector<std::vector<StandardSlot>> standards;
  std::vector<const Instance*> locals;
  RecyclingPool<std::vector<const Instance*>> lists;
  RecyclingPool<MissingSet> missing;  // the facts undetermined values miss; stable addresses
  std::vector<StaleUse> stale_uses;
};

struct Machine {
  Machine(const CompiledRules& c, const Household& hh, Month month, Scratch::Impl& s);

  const CompiledRules& c;
  const ir::RuleSet& rs;
  const EvalPlan& plan;
  const Household& hh;
  Month month;
  Date day;
  Scratch::Impl& s;
  std::uint64_t stale = 0;  // stale values used by the computation in progress

  [[noreturn]] static void decline() { throw Decline{}; }
  /// An undetermined value missing one fact, named as the interpreter names it.
  Value missing_fact(std::string fact);
  Value missing_field(const Instance* inst, int field);
  /// Either value when only one is missing; else the union of their missing facts, sorted.
  Value merge(const Value& a, const Value& b);
  Value eval(int id, const Instance* self) { return c.node(id)(*this, self); }
  Value definition(int d, const Instance* inst);
  Value standard(int st, int key);
  ProgramSlot& program(int p, const Instance* inst);
  const Value& own_eligibility(int p, const Instance* inst);
  Value household_program_for_member(const Node& n, const Instance* member);
  DefSlot& def_slot(int d, const Instance* inst) {
    DefSlot& slot = s.defs[std::size_t(inst->index) * rs.defs.size() + std::size_t(d)];
    if (slot.epoch != s.epoch) {
      slot = DefSlot();
      slot.epoch = s.epoch;
    }
    return slot;
  }
  ProgramSlot& program_slot(int p, const Instance* inst) {
    ProgramSlot& slot = s.programs[std::size_t(inst->index) * rs.programs.size() + std::size_t(p)];
    if (slot.epoch != s.epoch) slot.reset(s.epoch);
    return slot;
  }
  Value decide_with_exceptions(int base, const std::vector<ir::ExceptionDef>& exs, const Instance* inst,
                               int ir::ExceptionDef::*clause, const ir::ExceptionDef*& applied);
  bool is_member(const Instance& inst) const { return plan.member_entity >= 0 && inst.entity == plan.member_entity; }
  Entitlement decide(int p);

private:
  void decide_program(int p, const ir::ProgramDef& pd, const Instance* inst, ProgramSlot& slot);
  std::string choice_fact(const ir::Combination& c, const Instance* inst) const;
  MemberDecision member_decision(const ProgramSlot& sl, const Instance& inst);
  void fill(Entitlement& e, const ProgramSlot& sl, const Instance* inst);
  int stale_use(int st, const ir::StandardRow* row, const ir::StandardValue* v);
  void note_stale(Entitlement& e, std::uint64_t& noted, std::uint64_t ids);
  void raise(const ir::ProgramDef& pd, const std::vector<ir::WarningDef>& list, std::vector<std::string>& into);
};

/// Builds the closure of IR node `id` into `out` (compiled_nodes.cpp).
void compile_node(const ir::RuleSet& rs, const std::vector<Node>& all, int id, Node& out);

/// Compares two known values of the same kind as the interpreter does (numbers exactly, texts bytewise, …).
int compare_values(const Value& l, const Value& r);
bool holds(ir::Op op, int c);

}  // namespace entitle::compiled
