// type_names.cpp — type names for diagnostics.
#include "engine/check/type_names.hpp"

namespace entitle::check {

std::string type_name(const ir::RuleSet& rs, const ir::Type& t) {
  using ir::TypeKind;
  switch (t.kind) {
    case TypeKind::Error: return "an invalid value";
    case TypeKind::Bool: return "bool";
    case TypeKind::Integer: return "integer";
    case TypeKind::Decimal: return "decimal";
    case TypeKind::Money: return "money";
    case TypeKind::Date: return "date";
    case TypeKind::Month: return "month";
    case TypeKind::Duration: return t.ref == 0 ? "duration in days" : "duration in months";
    case TypeKind::Text: return "text";
    case TypeKind::Enum: return t.ref >= 0 ? rs.enums[t.ref].name : "enum";
    case TypeKind::Entity: return t.ref >= 0 ? rs.entities[t.ref].name : "entity";
    case TypeKind::List: return "list of " + (t.ref >= 0 ? rs.entities[t.ref].name : std::string("?"));
    case TypeKind::Program: return "program";
    case TypeKind::Standard: return "standard";
  }
  return "?";
}

}  // namespace entitle::check
