// result.hpp — what an evaluation produces: one entitlement per program, errors, and (when asked) the trace.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/base/source.hpp"
#include "engine/values/rational.hpp"

namespace entitle {

/// A condition that kept a program from being granted, with its values and margin.
struct FailedCondition {
  std::string subject;   // "household" or the member's path, e.g. "members[P2]"
  SourceSpan span;       // the condition in the rule file
  std::string lhs, rhs;  // comparisons: both sides' values, e.g. "650.00" and "630.00"
  std::string relation;  // what holds instead, e.g. "≥" for a failed "<"
  std::string margin;    // how far from holding, e.g. "20.00"; empty when not numeric
};

struct MemberAmount {
  std::string member;
  Rational amount;
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
