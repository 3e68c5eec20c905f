// types.hpp — the types of the rules language: scalars, enums, entities and lists of entities.
#pragma once
#include <string>

namespace entitle::ir {

enum class TypeKind { Error, Bool, Integer, Decimal, Money, Date, Month, Duration, Text, Enum, Entity, List, Program, Standard };

struct Type {
  TypeKind kind = TypeKind::Error;
  int ref = -1;  // enum or entity index for Enum / Entity / List (list element entity); Duration: 0 days, 1 months
  static Type of(TypeKind k, int r = -1) { return Type{k, r}; }
  bool is_numeric() const { return kind == TypeKind::Integer || kind == TypeKind::Decimal || kind == TypeKind::Money; }
  bool operator==(const Type& o) const { return kind == o.kind && ref == o.ref; }
  bool operator!=(const Type& o) const { return !(*this == o); }
};

}  // namespace entitle::ir
