// invariant_test.cpp — properties every decision of the rule library must have, checked over generated populations
// of both counties (the generator's records: cases in payment, 特困, orphans, 渐退) in four months: no person holds two
// programs the rule set declares mutually exclusive, no amount is negative, whatever is undetermined names what is
// missing, and no evaluation fails.
#include <functional>
#include <map>
#include <sstream>

#include "engine/casework/generator.hpp"
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

namespace {

const char* const kMonths[] = {"2021-03", "2023-06", "2025-12", "2026-01"};

/// Generates 2,000 households of each county (fixed seeds) as they stand in each month — ages, cases in payment and
/// their dates as of its first day, so no record names a person not yet born — and calls `each` with every
/// household's result for that month.
void for_each_result(const std::function<void(const std::string& month, const HouseholdResult&)>& each) {
  const ir::RuleSet& rs = *library().rules;
  Evaluator ev(rs);
  EvalScratch scratch;
  std::size_t households = 0;
  const std::vector<std::pair<std::string, std::uint64_t>> counties = {{"140521", 20260101}, {"610922", 20260102}};
  for (const char* month : kMonths) {
    const Month m = *Month::parse(month);
    for (const auto& [region, seed] : counties) {
      GenOptions o;
      o.households = 2000;
      o.region = region;
      o.seed = seed;
      o.reference = m.first_day();
      std::string error = generate_population(rs, o, [&](std::string&& json) {
        Household hh = household(rs, json);  // fails the test when a generated record is invalid
        each(month, ev.evaluate(hh, m, false, nullptr, scratch));
        ++households;
      });
      ASSERT_EQ(error, "");
    }
  }
  ASSERT_EQ(households, 16000u);
}

bool household_level(const ir::RuleSet& rs, int program) { return rs.programs[program].entity == rs.root_entity; }

/// The members who hold a program: for a member program, those granted it (in `members` with eligible true); for a
/// household program (dibao), the members its grant covers.
std::vector<std::string> holders(const ir::RuleSet& rs, const Entitlement& e) {
  if (household_level(rs, e.program)) return e.members;
  return e.eligible.value_or(false) ? e.members : std::vector<std::string>{};
}

/// Persons (household × month × member) holding both programs of a pair, with an example.
struct PairCount {
  std::size_t persons = 0;
  std::set<std::string> households;
  std::string example;
};

void count_both(const ir::RuleSet& rs, const HouseholdResult& r, const std::string& month, int a, int b, PairCount& out) {
  const Entitlement *ea = nullptr, *eb = nullptr;
  for (const Entitlement& e : r.entitlements) {
    if (e.program == a) ea = &e;
    if (e.program == b) eb = &e;
  }
  if (!ea || !eb) return;
  std::vector<std::string> ha = holders(rs, *ea), hb = holders(rs, *eb);
  for (const std::string& m : ha)
    if (std::find(hb.begin(), hb.end(), m) != hb.end()) {
      ++out.persons;
      out.households.insert(r.household);
      if (out.example.empty()) out.example = r.household + " " + month + " member " + m;
    }
}

int program_index(const ir::RuleSet& rs, const std::string& name) {
  for (std::size_t i = 0; i < rs.programs.size(); ++i)
    if (rs.programs[i].name == name) return static_cast<int>(i);
  ADD_FAILURE() << "the library has no program " << name;
  return -1;
}

}  // namespace

TEST(Invariants, GeneratedPopulationsOfBothCountiesInFourMonths) {
  const ir::RuleSet& rs = *library().rules;
  // Pairs no person may hold together: exclusive winner/loser, and any two options of a choice.
  std::vector<std::pair<int, int>> exclusive;
  for (const ir::Combination& c : rs.combinations) {
    if (c.kind == ir::CombinationKind::Exclusive && c.programs.size() == 2) exclusive.emplace_back(c.programs[0], c.programs[1]);
    if (c.kind == ir::CombinationKind::Choice)
      for (std::size_t i = 0; i < c.programs.size(); ++i)
        for (std::size_t j = i + 1; j < c.programs.size(); ++j) exclusive.emplace_back(c.programs[i], c.programs[j]);
  }
  std::vector<PairCount> both(exclusive.size());
  std::size_t decisions = 0, negative = 0, unnamed_missing = 0, with_errors = 0;
  std::string negative_example, missing_example, error_example;
  for_each_result([&](const std::string& month, const HouseholdResult& r) {
    if (!r.errors.empty()) {
      ++with_errors;
      if (error_example.empty()) error_example = r.household + " " + month + " " + r.errors[0].program + ": " + r.errors[0].message;
    }
    for (std::size_t k = 0; k < exclusive.size(); ++k) count_both(rs, r, month, exclusive[k].first, exclusive[k].second, both[k]);
    for (const Entitlement& e : r.entitlements) {
      ++decisions;
      const std::string where = r.household + " " + month + " " + rs.programs[e.program].name;
      bool neg = e.amount < Rational(0);
      for (const MemberAmount& a : e.by_member) neg = neg || a.amount < Rational(0);
      if (neg) {
        ++negative;
        if (negative_example.empty()) negative_example = where;
      }
      // Undetermined: eligibility unknown, or granted without a known amount (a member program lists each granted
      // member's amount in by_member; one left out has an undetermined amount).
      // A program whose evaluation failed is counted under errors, not here.
      bool failed = std::any_of(r.errors.begin(), r.errors.end(), [&](const EvalError& x) { return x.program == rs.programs[e.program].name; });
      bool undetermined = !failed && !e.eligible.has_value();
      if (e.eligible.value_or(false) && !household_level(rs, e.program) && e.by_member.size() != e.members.size()) undetermined = true;
      if (undetermined && e.missing.empty()) {
        ++unnamed_missing;
        if (missing_example.empty()) missing_example = where;
      }
    }
  });
  EXPECT_GT(decisions, 0u);
  EXPECT_EQ(with_errors, 0u) << "household-months whose evaluation has errors, e.g. " << error_example;
  EXPECT_EQ(negative, 0u) << "decisions with a negative amount, e.g. " << negative_example;
  EXPECT_EQ(unnamed_missing, 0u) << "undetermined decisions that name nothing missing, e.g. " << missing_example;
  for (std::size_t k = 0; k < exclusive.size(); ++k)
    EXPECT_EQ(both[k].persons, 0u) << both[k].persons << " person-month(s) in " << both[k].households.size()
                                   << " household(s) hold both " << rs.programs[exclusive[k].first].name << " and "
                                   << rs.programs[exclusive[k].second].name << " (declared exclusive), e.g. " << both[k].example;
}

// 特困 support is a person's whole living: a person supported as 特困 is not also covered by the household's 低保, and an
// orphan is supported either by the orphan guarantee or by 特困, never both (特困人员认定办法 第九条). Asserted directly,
// whether or not the rule set declares these combinations.
TEST(Invariants, NoPersonHoldsTekunTogetherWithDibaoOrTheOrphanGuarantee) {
  const ir::RuleSet& rs = *library().rules;
  int dibao = program_index(rs, "dibao"), tekun = program_index(rs, "tekun_basic"), orphan = program_index(rs, "orphan_basic");
  ASSERT_TRUE(dibao >= 0 && tekun >= 0 && orphan >= 0);
  std::map<std::string, PairCount> dibao_tekun, orphan_tekun;  // by month
  for_each_result([&](const std::string& month, const HouseholdResult& r) {
    count_both(rs, r, month, dibao, tekun, dibao_tekun[month]);
    count_both(rs, r, month, orphan, tekun, orphan_tekun[month]);
  });
  auto total = [](const std::map<std::string, PairCount>& by_month) {
    std::size_t n = 0;
    for (const auto& [month, c] : by_month) n += c.persons;
    return n;
  };
  auto report = [](const std::map<std::string, PairCount>& by_month) {
    std::ostringstream s;
    for (const auto& [month, c] : by_month)
      if (c.persons) s << "\n  " << month << ": " << c.persons << " person(s) in " << c.households.size() << " household(s), e.g. " << c.example;
    return s.str();
  };
  EXPECT_EQ(total(dibao_tekun), 0u) << "persons granted both dibao (as members of its grant) and tekun_basic:" << report(dibao_tekun);
  EXPECT_EQ(total(orphan_tekun), 0u) << "persons granted both orphan_basic and tekun_basic:" << report(orphan_tekun);
}
