// ruleset.hpp — the checked, typed rule set: flat arrays of entities, definitions, standards, programs and
// expression nodes addressed by index. The evaluator runs it; explanations point back into it by index and span.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/source.hpp"
#include "engine/ir/types.hpp"
#include "engine/values/calendar.hpp"
#include "engine/values/rational.hpp"
#include "engine/values/rounding.hpp"

namespace entitle::ir {

struct EnumDef {
  std::string name, label;
  std::vector<std::string> values, value_labels;
  SourceSpan span;
  int find(const std::string& v) const {
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i] == v) return int(i);
    return -1;
  }
};

struct FieldDef {
  std::string name, label;
  Type type;
  bool optional = false;
  int default_expr = -1;  // constant expression node, or -1
  // Allowed values (inclusive), checked when a record is loaded: `grade : integer 1..4`, `amount : money >= 0`.
  std::optional<Rational> min, max;
  SourceSpan span;
};

struct EntityDef {
  std::string name, label;
  std::vector<FieldDef> fields;
  std::vector<int> defs;  // definitions declared on this entity
  SourceSpan span;
  int find_field(const std::string& n) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (fields[i].name == n) return int(i);
    return -1;
  }
};

/// "exception NAME when COND = VALUE" (definitions) or "exception NAME when COND { clauses }" (programs).
struct ExceptionDef {
  std::string name, label;
  int when = -1;
  int value = -1;     // definitions
  int eligible = -1;  // programs: clauses the exception overrides (-1 = not overridden)
  int amount = -1;
  int members = -1;
  SourceSpan span;
};

struct Definition {
  std::string name, label, cite;
  int entity = -1;
  Type type;
  int value = -1;  // base rule, or -1 when only exceptions define it
  std::vector<ExceptionDef> exceptions;
  SourceSpan span;
};

enum class PerUnit { None, Month, Year, Semester };
const char* per_unit_name(PerUnit u);

/// One dated value of a standard: in force from `from` (until `until` when given); no expression means unsourced.
struct StandardValue {
  Date from;
  std::optional<Date> until;
  int expr = -1;        // -1: declared unsourced
  Rational factor = 1;  // unit conversion (a value given per year for a per-month standard: 1/12)
  std::string given_per;
  std::string cite;  // this value's own source, if given
  bool assumed_date = false;  // "from 2016-01-01 assumed": the source gives a year, not the day; shown in the catalogue
  SourceSpan span;
};

struct StandardRow {
  std::string region;  // digit prefix, or "" for all regions
  int key = -1;        // enum value index, or -1 when the standard has no key
  std::vector<StandardValue> values;
  SourceSpan span;
};

struct Standard {
  std::string name, label, cite;
  Type type;
  PerUnit per = PerUnit::None;
  int key_enum = -1;  // enum of the key dimension, -1 when none
  int key_expr = -1;  // expression (household context) giving the key
  std::string key_path;
  std::vector<StandardRow> rows;
  int renewal_months = 0;  // "renewed yearly" = 12: a value older than this (with none newer) is stale; 0 = never
  SourceSpan span;
};

enum class Period { Month, Semester, Year, Once };
const char* period_name(Period p);

struct WarningDef {
  std::string message;
  int when = -1;
  SourceSpan span;
};

struct ProgramDef {
  std::string name, label, cite;
  std::vector<WarningDef> warnings;
  int entity = -1;  // household or member level
  Period period = Period::Month;
  int eligible = -1, amount = -1, members = -1;
  std::vector<ExceptionDef> exceptions;
  std::vector<WarningDef> reviews;  // "review "reason" when C": the case must be reviewed (复核) while C holds
  std::vector<int> excluded_by;  // programs whose grant for the same person/household excludes this one
  SourceSpan span;
};

/// How programs combine for one person: declared once per pair, so nothing stacks silently.
enum class CombinationKind {
  Exclusive,   // "exclusive A over B": B is never paid to a person A is paid to; A is decided first
  Choice,      // "choice A when C1 or B when C2": the family chooses; until recorded, neither is paid
  Compatible,  // "compatible A, B, C": any of these may be paid together
  TopUp,       // "top_up A over B, C": A pays the difference to what B, C actually pay the person
  Supplement,  // "supplement A to B": A is only paid with B, and combines with every other program as B does
};
const char* combination_kind_name(CombinationKind k);

struct Combination {
  CombinationKind kind = CombinationKind::Compatible;
  std::vector<int> programs;    // Exclusive: {winner, loser}; Choice: the options; Compatible: the group;
                                // TopUp: {the top-up, the programs it tops up…}; Supplement: {A, B}
  std::vector<int> chosen_when; // Choice: per option, the condition on the person that records it as chosen
  std::string cite;
  SourceSpan span;
};

enum class HitPolicy { Unique, First, Priority, CollectSum };

struct TableCell {
  enum Kind { Any, Eq, Lt, Le, Gt, Ge, Ne, Range, In } kind = Any;
  int a = -1, b = -1;       // constant expression nodes
  std::vector<int> set;     // enum value indices for In
  SourceSpan span;
};

struct TableDef {
  std::string name, label, cite;
  std::vector<std::string> param_names;
  std::vector<Type> params;
  Type result;
  HitPolicy hit = HitPolicy::Unique;
  std::vector<std::vector<TableCell>> rows;  // input cells then the output cell
  std::vector<SourceSpan> row_spans;
  SourceSpan span;
};

/// Operations of expression nodes.
enum class Op : std::uint8_t {
  Const,        // constant value (num / flag / text / date / month / enum)
  Period,       // the evaluation month
  Self,         // the entity the definition is on
  Root,         // the household
  Local,        // aggregation variable: slot in `a`
  Field,        // kids[0] instance, field index `a`
  Def,          // kids[0] instance, definition index `a`
  IsPresent,    // kids[0] instance, field `a`; flag: negate
  StandardRef,  // standard `a`; kids: [key expr] when explicitly keyed
  StandardKnown,  // kids[0] a StandardRef: true when it has a known value (flag negates: "is absent")
  ProgramEligible, ProgramAmount,  // program `a`; kids[0] instance; flag: a household program asked about a member
                                   // (eligible: the member is covered; amount: the member's equal share)
  Not, Neg, And, Or,
  Add, Sub, Mul, Div,
  Lt, Le, Gt, Ge, Eq, Ne,
  InSet,        // kids[0] enum value; set of enum indices; flag negates
  Within,       // kids[0] within [kids[1], kids[2]]
  If,
  Count, Sum, Min, Max, Any, Every, Filter,  // kids: list, filter (-1 when none), value/predicate; local slot `a`
  Round,        // kids[0]; unit/mode
  Call,         // builtin `a`
  Table,        // table `a`, kids = args
};

enum class Builtin : std::uint8_t { Monthly, AgeAt, MonthsBetween, FirstDay, LastDay, MonthOf, Lesser, Greater, AddMonths, YearOf };

struct ExprNode {
  Op op = Op::Const;
  Type type;
  SourceSpan span;
  int a = -1;
  bool flag = false;
  std::vector<int> kids;
  // constants
  Rational num;
  std::int32_t scalar = 0;  // bool / date day / month index / enum index
  std::string text;
  std::vector<int> set;
  RoundUnit unit = RoundUnit::Fen;
  RoundMode mode = RoundMode::HalfUp;
};

struct TestExpectation {
  std::string program, field, member;
  std::string subject;  // entity["P2"].definition: the instance
  std::string word;     // decision = granted | not_granted | …
  int program_index = -1;
  int definition = -1;  // a definition's value is expected (program names its entity)
  int value = -1;  // constant node; -1 with field "eligible" and `undetermined`
  bool expect_undetermined = false;
  SourceSpan span;
};

struct TestCase {
  std::string name;
  Month month;
  std::string household_json;
  std::string household_origin;  // file path, or rule file for inline households
  std::vector<TestExpectation> expects;
  SourceSpan span;
};

/// A region the rule set serves: a division code and its name.
struct RegionDef {
  std::string code, name;
  SourceSpan span;
};

/// A fully checked rule set.
struct RuleSet {
  std::vector<RegionDef> regions;  // empty: any well-formed code is accepted
  /// The declared region with exactly this code, or null.
  const RegionDef* region(const std::string& code) const {
    for (const auto& r : regions)
      if (r.code == code) return &r;
    return nullptr;
  }
  /// "端氏镇" for 140521103000 (also for its 9-digit form 140521103), "" when not declared.
  std::string region_name(const std::string& code) const {
    if (const RegionDef* r = region(code)) return r->name;
    if (code.size() == 9)
      if (const RegionDef* r = region(code + "000")) return r->name;
    if (code.size() == 12 && code.compare(9, 3, "000") == 0)
      if (const RegionDef* r = region(code.substr(0, 9))) return r->name;
    return "";
  }
  std::vector<EnumDef> enums;
  std::vector<EntityDef> entities;
  std::vector<Definition> defs;
  std::vector<Standard> standards;
  std::vector<ProgramDef> programs;
  std::vector<TableDef> tables;
  std::vector<Combination> combinations;
  std::vector<TestCase> tests;
  std::vector<ExprNode> nodes;
  int root_entity = -1;    // "household"
  int locals = 0;          // aggregation variable slots needed
  std::vector<int> program_order;  // declaration order, for output
  std::string hash;        // content hash of all rule files
  std::vector<std::string> files;
};

}  // namespace entitle::ir
