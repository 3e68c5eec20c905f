// result.hpp — what an evaluation produces: one entitlement per program, errors, and (when asked) the trace.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/base/source.hpp"
#include "engine/values/rational.hpp"

namespace entitle {

/// A keyed standard read inside a failed condition, with the key it was read with: `dibao_standard` (by
/// household.area) → "rural", "农村".
struct StandardKey {
  int node = -1;      // the StandardRef expression node
  std::string key;    // the key's enum value, e.g. "rural"
  std::string label;  // its Chinese label, e.g. "农村" (the value's name when it has no label)
};

/// A condition that kept a program from being granted, with its values and margin.
struct FailedCondition {
  std::string subject;   // "household" or the member's path, e.g. "members[P2]"
  SourceSpan span;       // the condition in the rule file
  std::string lhs, rhs;  // comparisons: both sides' values, e.g. "650.00" and "630.00"
  std::string relation;  // what holds instead, e.g. "≥" for a failed "<"
  std::string margin;    // how far from holding, e.g. "20.00"; empty when not numeric
  // What a sentence needs (engine/explain/reasons.hpp), filled by the evaluator's why-not walk:
  int node = -1;          // the condition's expression node; -1 for a reason that is no condition (a top-up of 0.00)
  int order = 0;          // comparisons of ordered values: how lhs compares with rhs (-1, 0, 1)
  std::string tested;     // the value tested where it is not a comparison's side: `x in {…}`, `x is absent` (the
                          // field's value), `x within a .. b`; shown as values are (enum value names)
  std::vector<int> via;   // how the walk reached it from the program's condition, outermost first: a definition's
                          // index where it went into a (false) definition, -1 where it went through an `or` (every
                          // alternative failed)
  std::string decided;    // whose decision it is: "household", or the member's path "members[P2]" (`subject` is
                          // what the condition itself is about: "household" for a household fact in a member's decision)
  std::string member;     // member-level decisions: the member's id, e.g. "P2"; empty for the household
  std::string member_name;  // … and the member's name when the record gives one, e.g. "张秀英"
  std::vector<StandardKey> keys;  // keyed standards the condition reads directly, with their keys
};

struct MemberAmount {
  std::string member;
  Rational amount;
};

/// How one decision comes out: the one word eval, explain, storage, diff and the web page use.
enum class DecisionKind {
  Granted,             // eligible, amount known
  NotGranted,          // not eligible on the program's own conditions
  Undetermined,        // a needed fact is missing (see `missing`)
  AmountUndetermined,  // eligible, but the amount needs a missing fact or value
  Excluded,            // would qualify, but a program that takes precedence was granted (see `excluded_by`)
  ChoiceNeeded,        // qualifies for this and another program the family must choose between (see `choice`)
};
/// "granted", "not_granted", "undetermined", "amount_undetermined", "excluded", "choice_needed".
inline const char* decision_kind_name(DecisionKind k) {
  switch (k) {
    case DecisionKind::Granted: return "granted";
    case DecisionKind::NotGranted: return "not_granted";
    case DecisionKind::Undetermined: return "undetermined";
    case DecisionKind::AmountUndetermined: return "amount_undetermined";
    case DecisionKind::Excluded: return "excluded";
    case DecisionKind::ChoiceNeeded: return "choice_needed";
  }
  return "";
}
/// The caseworker's words for a decision.
inline const char* decision_kind_label(DecisionKind k) {
  switch (k) {
    case DecisionKind::Granted: return "享受";
    case DecisionKind::NotGranted: return "不符合条件";
    case DecisionKind::Undetermined: return "待定 (缺少信息)";
    case DecisionKind::AmountUndetermined: return "符合条件，金额待定";
    case DecisionKind::Excluded: return "不重复享受 (已享受优先待遇)";
    case DecisionKind::ChoiceNeeded: return "需家庭选择其一";
  }
  return "";
}

/// A standard value used past its declared renewal (e.g. a 2020 value in 2026 for a standard renewed yearly): the
/// decision still gives the amount, but it is provisional until the county enters or confirms a current value.
struct StaleValue {
  std::string standard;  // standard name
  std::string label;     // its Chinese label
  std::string region;    // the row's division code, "all" for national
  std::string key;       // the row's key (e.g. "rural"), empty when none
  std::string from;      // the value's effective date, YYYY-MM-DD
  std::string cite;      // the value's own source, or the standard's
  std::string renewal;   // how often it should be renewed: "yearly", …
};

/// One person's decision in a member-level program.
struct MemberDecision {
  std::string member;
  DecisionKind kind = DecisionKind::NotGranted;
  Rational amount;                     // Granted; ChoiceNeeded: the amount if this program is chosen
  bool amount_known = false;           // Granted / ChoiceNeeded: the amount is known (else `missing` says why)
  std::vector<std::string> missing;    // Undetermined / AmountUndetermined / ChoiceNeeded: the facts needed
  std::string excluded_by;             // Excluded: the program granted instead
  std::vector<std::string> choice;     // ChoiceNeeded: the programs to choose between, this one first
  std::string exception;               // the exception that decided it, if any
};

/// The decision for one program: eligible (true), not eligible (false) or undetermined (nullopt).
struct Entitlement {
  int program = -1;
  std::optional<bool> eligible;
  Rational amount;
  std::vector<std::string> members;
  std::vector<MemberAmount> by_member;  // member-level programs
  std::vector<std::string> missing;     // undetermined: the facts that are missing
  std::string exception;                // the exception that decided it, if any
  std::string excluded_by;              // not eligible because this program was granted instead
  std::vector<FailedCondition> failed;  // not eligible: why (filled when explaining)
  std::vector<std::string> warnings;    // notes the decision carries (e.g. a test not applied)
  std::vector<std::string> review;      // reasons a caseworker must review (复核) this case, e.g. a case in payment
                                        // that would now be granted by another route
  std::vector<StaleValue> stale;        // standard values used past their renewal: the decision is provisional
  std::vector<std::string> choice;      // ChoiceNeeded (household programs): the programs to choose between
  Rational option_amount;               // ChoiceNeeded: the amount if this program is chosen
  bool option_amount_known = false;     // ChoiceNeeded: every option amount is known
  std::vector<MemberDecision> member_decisions;  // member-level programs: each person whose decision is not simply
                                                 // granted (see by_member) or not granted
  DecisionKind kind = DecisionKind::NotGranted;  // for a member program: Granted when any member is granted, else
                                                 // the most pressing of its members' kinds
  bool provisional() const { return !stale.empty(); }
  std::vector<int> trace_nodes;         // roots of its explanation: the household, or each member decided
};

struct EvalError {
  std::string program;  // program being decided, if any
  std::string message;
  std::vector<SourceSpan> spans;
};

/// One node of the explanation tree: a definition, standard or program with its value, source and inputs.
struct TraceNode {
  enum class Kind { Program, Definition, Standard } kind = Kind::Definition;
  int index = -1;              // into the rule set's programs / defs / standards
  std::string subject;         // "household", "members[P1]"
  std::string value;           // rendered value
  std::string exception;       // the exception that applied, if any
  std::vector<int> children;   // trace node ids, in first-use order
  std::vector<std::pair<std::string, std::string>> facts;  // household facts read: path, value
  // standards: where the value came from
  std::string region_level, region_code, effective_from, effective_until, value_cite;
  SourceSpan row_span;
};

/// Which parts of the rule set an evaluation exercised (for `entitle test` coverage).
struct Coverage {
  std::vector<bool> def_evaluated;
  std::vector<std::vector<bool>> def_exception_applied;
  std::vector<bool> program_granted, program_refused;
  std::vector<std::vector<bool>> program_exception_applied;
  std::vector<std::vector<bool>> table_row_hit;
  std::vector<bool> standard_used;
};

struct HouseholdResult {
  std::string household;
  std::string region;
  std::string period;
  std::vector<Entitlement> entitlements;
  std::vector<EvalError> errors;
  std::vector<TraceNode> trace;  // empty unless tracing was asked for
};

}  // namespace entitle
