// value.hpp — a runtime value: a known fact of some type, or "undetermined" with the facts that are missing.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/values/rational.hpp"

namespace entitle {

struct Instance;

/// The sorted, de-duplicated names of the facts an undetermined value is missing.
using MissingSet = std::vector<std::string>;

struct Value {
  enum class Tag : std::uint8_t { Missing, Bool, Num, Date, Month, Duration, Text, Enum, Entity, List };
  Tag tag = Tag::Missing;
  bool flag = false;       // Bool
  std::int32_t scalar = 0; // Date day / Month index / Enum index / Duration unit (0 days, 1 months)
  Rational num;            // Num; Duration: the count of days or months
  const void* ptr = nullptr;  // Text: std::string; Entity: Instance; List: std::vector<const Instance*>; Missing: MissingSet

  static Value boolean(bool b) { Value v; v.tag = Tag::Bool; v.flag = b; return v; }
  static Value number(const Rational& r) { Value v; v.tag = Tag::Num; v.num = r; return v; }
  static Value with_scalar(Tag t, std::int32_t s) { Value v; v.tag = t; v.scalar = s; return v; }
  static Value pointer(Tag t, const void* p) { Value v; v.tag = t; v.ptr = p; return v; }
  static Value missing(const MissingSet* m) { Value v; v.tag = Tag::Missing; v.ptr = m; return v; }

  bool is_missing() const { return tag == Tag::Missing; }
  const MissingSet& missing_facts() const { return *static_cast<const MissingSet*>(ptr); }
  const Instance* instance() const { return static_cast<const Instance*>(ptr); }
  const std::vector<const Instance*>& list() const { return *static_cast<const std::vector<const Instance*>*>(ptr); }
  const std::string& text() const { return *static_cast<const std::string*>(ptr); }
};

}  // namespace entitle
