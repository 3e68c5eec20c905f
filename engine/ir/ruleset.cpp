// ruleset.cpp — names of IR enumerations.
#include "engine/ir/ruleset.hpp"

namespace entitle::ir {

const char* per_unit_name(PerUnit u) {
  switch (u) {
    case PerUnit::None: return "";
    case PerUnit::Month: return "month";
    case PerUnit::Year: return "year";
    case PerUnit::Semester: return "semester";
  }
  return "";
}

const char* period_name(Period p) {
  switch (p) {
    case Period::Month: return "month";
    case Period::Semester: return "semester";
    case Period::Year: return "year";
    case Period::Once: return "once";
  }
  return "month";
}

const char* combination_kind_name(CombinationKind k) {
  switch (k) {
    case CombinationKind::Exclusive: return "exclusive";
    case CombinationKind::Choice: return "choice";
    case CombinationKind::Compatible: return "compatible";
    case CombinationKind::TopUp: return "top_up";
    case CombinationKind::Supplement: return "supplement";
  }
  return "";
}

}  // namespace entitle::ir
