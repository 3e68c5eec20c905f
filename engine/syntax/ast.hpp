// ast.hpp — the syntax tree of rule files, exactly as written: plain structs shaped for the parser, no behaviour.
#pragma once
#include <boost/optional.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>
#include <string>
#include <vector>

#include "engine/base/source.hpp"

namespace entitle::ast {
namespace x3 = boost::spirit::x3;

/// Every node knows its byte span; the parser fills it on success.
struct Node {
  SourceSpan span;
};

// ---------------------------------------------------------------- expressions
struct Name : Node { std::string name; };
struct NumberLit : Node { std::string text; };  // "12", "1.3", "50%"
struct StringLit : Node { std::string value; };
struct DateLit : Node { std::string text; };    // "2021-03-01"
struct MonthLit : Node { std::string text; };   // "2021-03"
/// "6 months", "1 year", "30 days".
struct DurationLit : Node {
  std::string amount;
  std::string unit;
};

struct Unary;
struct Chain;
struct Comparison;
struct Postfix;
struct Call;
struct Aggregate;
struct IfExpr;

struct Expr : x3::variant<Name, NumberLit, StringLit, DateLit, MonthLit, DurationLit, x3::forward_ast<Unary>, x3::forward_ast<Chain>,
                          x3::forward_ast<Comparison>, x3::forward_ast<Postfix>, x3::forward_ast<Call>,
                          x3::forward_ast<Aggregate>, x3::forward_ast<IfExpr>> {
  using base_type::base_type;
  using base_type::operator=;
};

/// "not x", "-x".
struct Unary : Node {
  std::string op;
  Expr operand;
};
/// A flat left-to-right chain of one precedence level: first (op rhs)*; folded by the checker.
struct OpTail {
  std::string op;
  Expr rhs;
};
struct Chain : Node {
  Expr first;
  std::vector<OpTail> rest;
};
/// "a < b".
struct CmpOp {
  std::string op;
  Expr rhs;
};
/// "x is absent", "x is not present".
struct IsTest {
  bool negated = false;
  std::string what;
};
/// "k in {a, b}", "k not in {a, b}".
struct InSet {
  bool negated = false;
  std::vector<Name> items;
};
/// "period within 2021-01 .. 2025-12".
struct Within {
  Expr low;
  Expr high;
};
struct CmpTail : x3::variant<CmpOp, IsTest, InSet, Within> {
  using base_type::base_type;
  using base_type::operator=;
};
struct Comparison : Node {
  Expr lhs;
  boost::optional<CmpTail> tail;
};
/// ".field" or "[key]" after a primary.
struct Selector {
  char kind = '.';
  std::string name;                // '.': the field
  boost::optional<Expr> index;     // '[': the key expression
};
struct Postfix : Node {
  Expr base;
  std::vector<Selector> selectors;
};
struct Call : Node {
  std::string fn;
  std::vector<Expr> args;
};
/// count / sum / min / max / any / every over a list, with a filter.
struct Aggregate : Node {
  std::string op;
  boost::optional<Expr> value;  // sum/min/max: what is added up
  std::string var;
  Expr list;
  boost::optional<Expr> filter;     // "where"
  boost::optional<Expr> predicate;  // every … satisfies
};
struct IfExpr : Node {
  Expr cond;
  Expr then_branch;
  Expr else_branch;
};

// ---------------------------------------------------------------- declarations
struct TypeRef : Node {
  bool optional = false;
  bool list = false;
  std::string name;
};

struct EnumValue : Node {
  std::string name;
  boost::optional<std::string> label;
};
struct EnumDecl : Node {
  std::string name;
  boost::optional<std::string> label;
  std::vector<EnumValue> values;
};

/// "1 .. 4", ">= 0": the values a field may take (checked when a record is loaded).
struct FieldConstraint : Node {
  std::string op;             // "range", ">=", "<=", ">", "<"
  Expr low;
  boost::optional<Expr> high;  // range only
};
struct FieldDecl : Node {
  std::string name;
  TypeRef type;
  boost::optional<FieldConstraint> constraint;
  boost::optional<Expr> default_value;
  boost::optional<std::string> label;
};
struct EntityDecl : Node {
  std::string name;
  boost::optional<std::string> label;
  std::vector<FieldDecl> fields;
};

/// "exception NAME "label" when COND = VALUE" on a definition.
struct DefException : Node {
  std::string name;
  boost::optional<std::string> label;
  Expr when;
  Expr value;
};
struct DefineDecl : Node {
  std::string entity;
  std::string name;
  boost::optional<std::string> label;
  TypeRef type;
  boost::optional<Expr> value;  // absent: only the exceptions define it
  std::vector<DefException> exceptions;
  boost::optional<std::string> cite;
};

struct StdAmount : Node {
  Expr value;
  boost::optional<std::string> per;
};
struct StdValue : Node {
  std::string from;
  bool assumed = false;               // "from 2016-01-01 assumed": the day is an assumption, the source gives less
  boost::optional<StdAmount> amount;  // absent: declared unsourced
  boost::optional<std::string> until;
  boost::optional<std::string> cite;  // the source of this value, when it is not the standard's own
};
struct StdRow : Node {
  std::string region;  // digits, or "all"
  boost::optional<std::string> key;
  std::vector<StdValue> values;
};
struct StandardDecl : Node {
  std::string name;
  boost::optional<std::string> label;
  TypeRef type;
  boost::optional<std::string> per;
  boost::optional<std::string> by;
  boost::optional<std::string> renewed;  // "renewed yearly": how often a value must be renewed before it is stale
  boost::optional<std::string> cite;
  std::vector<StdRow> rows;
};

/// "eligible when C", "amount = E", "members = L".
struct Clause : Node {
  std::string what;
  Expr value;
};
/// "warning "text" when C": a note the decision carries while C holds; "review "reason" when C": the case must be
/// reviewed (复核) while C holds.
struct WarningClause : Node {
  std::string kind;  // "warning" or "review"
  std::string message;
  Expr when;
};
struct Excludes : Node {
  std::string what;  // always "excludes"
  std::vector<std::string> programs;
};
struct ProgramException : Node {
  std::string name;
  boost::optional<std::string> label;
  Expr when;
  std::vector<Clause> body;
};
struct ProgramItem : x3::variant<Clause, Excludes, ProgramException, WarningClause> {
  using base_type::base_type;
  using base_type::operator=;
};
struct ProgramDecl : Node {
  std::string name;
  std::string label;
  std::string level;   // household | member
  std::string period;  // monthly | semesterly | yearly
  boost::optional<std::string> cite;
  std::vector<ProgramItem> items;
};

struct TableParam : Node {
  std::string name;
  TypeRef type;
};
/// One cell: "-" (any), "< x", "a .. b", "{a, b}", or a plain value.
struct Cell : Node {
  std::string op;
  boost::optional<Expr> low;
  boost::optional<Expr> high;
  std::vector<std::string> set;
};
struct TableDecl : Node {
  std::string name;
  boost::optional<std::string> label;
  std::vector<TableParam> params;
  TypeRef result;
  std::string hit;
  boost::optional<std::string> cite;
  std::vector<std::vector<Cell>> rows;
};

struct HouseholdSource : Node {
  std::string kind;  // "inline" (text is JSON) or "file" (text is a path)
  std::string text;
};
/// "expect dibao.amount = 760.00", "expect tekun_basic.eligible["P2"] = true",
/// "expect member["P2"].counted = false", "expect household.per_capita = 255.56".
struct Expectation : Node {
  std::string program;                   // a program, or an entity (member, household) for a definition
  boost::optional<std::string> subject;  // entity["P2"]: the instance whose definition is expected
  std::string field;
  boost::optional<std::string> member;
  Expr value;
};
struct TestDecl : Node {
  std::string name;
  std::string month;
  HouseholdSource household;
  std::vector<Expectation> expects;
};

struct RegionEntry : Node {
  std::string code;
  std::string name;
};
/// "regions "label" cite "…" { 14 "山西省" 140521 "沁水县" … }": the regions a rule set serves, with their names.
struct RegionsDecl : Node {
  boost::optional<std::string> label;
  boost::optional<std::string> cite;
  std::vector<RegionEntry> entries;
};

/// "amend standard NAME { rows }": dated values added to a standard declared elsewhere (a county's own file).
struct AmendDecl : Node {
  std::string standard;
  boost::optional<std::string> cite;
  std::vector<StdRow> rows;
};

/// "tekun_basic when member.tekun_recorded": one option of a choice, with the condition that records it as chosen.
struct ChoiceOption : Node {
  std::string program;
  Expr when;
};
/// How programs combine for one person:
///   exclusive A over B, C      — B and C are never paid to a person A is paid to
///   choice A when C1, B when C2 — the family chooses one; until recorded, neither is paid
///   compatible A, B, C         — may be paid together
///   top_up A over B, C         — A pays the difference to what B and C pay the person
///   supplement A to B          — A is only paid with B and combines with other programs as B does
struct CombineDecl : Node {
  std::string kind;                  // exclusive | choice | compatible | top_up | supplement
  std::vector<std::string> first;    // exclusive, top_up: the one program; compatible: the group
  std::vector<std::string> others;   // exclusive, top_up: the programs it is over
  std::vector<ChoiceOption> options; // choice
  boost::optional<std::string> cite;
};

struct Decl : x3::variant<EnumDecl, EntityDecl, DefineDecl, StandardDecl, ProgramDecl, TableDecl, TestDecl, RegionsDecl, AmendDecl,
                          CombineDecl> {
  using base_type::base_type;
  using base_type::operator=;
};

/// One parsed file.
struct RuleFile {
  FileId file = 0;
  std::vector<Decl> decls;
};

/// The span of whatever node an expression holds.
SourceSpan span_of(const Expr& e);

}  // namespace entitle::ast
