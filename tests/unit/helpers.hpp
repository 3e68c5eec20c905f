// helpers.hpp — small rule sets and households for the unit tests.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>

#include "engine/api/rules_loader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/base/json_tree.hpp"

namespace entitle::testing {

/// The standard library (rules/), loaded once per test program.
inline const LoadedRules& library() {
  static auto l = load_rules(ENTITLE_RULES_DIR);
  return *l;
}

/// A compact household schema, enough for most tests.
inline const char* kSchema = R"(
enum area_kind { urban "城市", rural "农村" }
enum pay_per { month, year }
enum exclusion_reason { prison, missing }
entity income { kind : text  amount : money  per : pay_per }
entity disability { grade : integer  kind : text }
entity member {
  id : text
  relation : text
  birth_date : date
  id_number : optional text
  excluded : optional exclusion_reason
  disability : optional disability
  self_care_failed : optional integer
  incomes : optional list of income
}
entity assets { deposits : money }
entity household {
  id : text
  region : text
  area : area_kind
  members : list of member
  assets : optional assets
}
)";

/// Loads kSchema plus `rules`; fails the test (with the diagnostics) when they do not check.
inline std::unique_ptr<LoadedRules> load(const std::string& rules) {
  auto loaded = load_rules_from_texts({{"schema.rules", kSchema}, {"test.rules", rules}});
  if (!loaded->rules)  // thrown, not asserted: GoogleTest reports it and the test stops before using the rules
    throw std::runtime_error("the test's rules do not check:\n" + render_diagnostics(loaded->sources, loaded->diagnostics.sorted()));
  return loaded;
}

/// Loads `rules` expecting errors; returns the rendered diagnostics.
inline std::string diagnostics_of(const std::string& rules) {
  auto loaded = load_rules_from_texts({{"schema.rules", kSchema}, {"test.rules", rules}});
  return render_diagnostics(loaded->sources, loaded->diagnostics.sorted());
}

inline Household household(const ir::RuleSet& rs, const std::string& json) {
  std::string error;
  auto record = parse_json(json, error);
  EXPECT_TRUE(record) << error;
  Household hh;
  std::vector<InputError> errors;
  bool ok = load_household(rs, *record, "test", hh, errors);
  std::string all;
  for (const auto& e : errors) all += e.to_string() + "\n";
  EXPECT_TRUE(ok) << all;
  return hh;
}

/// A household of one adult member with the given extra member fields and household fields.
inline std::string one_member(const std::string& member_extra = "", const std::string& household_extra = "",
                              const std::string& region = "140521100000") {
  return R"({"id":"H1","region":")" + region + R"(","area":"rural",)" + household_extra +
         R"("members":[{"id":"P1","relation":"self","birth_date":"1970-05-01")" + member_extra + "}]}";
}

inline const Entitlement& entitlement(const HouseholdResult& r, const ir::RuleSet& rs, const std::string& program) {
  for (const auto& e : r.entitlements)
    if (rs.programs[e.program].name == program) return e;
  ADD_FAILURE() << "no program " << program;
  static Entitlement none;
  return none;
}

inline Rational money(const char* s) { return *Rational::parse_decimal(s); }

}  // namespace entitle::testing
