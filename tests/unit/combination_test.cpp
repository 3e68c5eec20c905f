// combination_test.cpp — programs that exclude each other, choices, top-ups and supplements, decided by the engine
// over small rule sets; and standard values used past their renewal (provisional, or undetermined when strict).
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

namespace {

const char* kTwoMembers = R"({"id":"H","region":"140521100000","area":"rural","members":[
  {"id":"P1","relation":"self","birth_date":"1950-01-01"},
  {"id":"P2","relation":"child","birth_date":"2012-01-01"}]})";

const MemberDecision* decision_of(const Entitlement& e, const std::string& member) {
  for (const auto& d : e.member_decisions)
    if (d.member == member) return &d;
  return nullptr;
}

}  // namespace

TEST(Combinations, ExclusiveMemberProgramsTheWinnerIsDecidedFirst) {
  auto l = load(R"(
define member.old : bool = age_at(member.birth_date, last_day(period)) >= 60
program support "供养" for member paid monthly { eligible when member.old  amount = 500 }
program allowance "补贴" for member paid monthly { eligible when true  amount = 100 }
exclusive support over allowance
)");
  const ir::RuleSet& rs = *l->rules;
  Household hh = household(rs, kTwoMembers);
  HouseholdResult r = Evaluator(rs).evaluate(hh, Month::from_ym(2021, 3), true);
  const Entitlement& a = entitlement(r, rs, "allowance");
  EXPECT_EQ(a.members, std::vector<std::string>{"P2"});
  EXPECT_EQ(a.amount, Rational(100));
  ASSERT_NE(decision_of(a, "P1"), nullptr);
  EXPECT_EQ(decision_of(a, "P1")->kind, DecisionKind::Excluded);
  EXPECT_EQ(decision_of(a, "P1")->excluded_by, "support");
  EXPECT_EQ(entitlement(r, rs, "support").members, std::vector<std::string>{"P1"});
}

TEST(Combinations, AHouseholdProgramExcludesAMemberProgramForThePersonsItCovers) {
  auto l = load(R"(
program family "家庭" for household paid monthly {
  eligible when true
  amount = 300
  members = those m in members where m.relation = "self"
}
program personal "个人" for member paid monthly { eligible when true  amount = 50 }
exclusive family over personal
)");
  const ir::RuleSet& rs = *l->rules;
  HouseholdResult r = Evaluator(rs).evaluate(household(rs, kTwoMembers), Month::from_ym(2021, 3), false);
  const Entitlement& p = entitlement(r, rs, "personal");
  EXPECT_EQ(p.members, std::vector<std::string>{"P2"});
  EXPECT_EQ(decision_of(p, "P1")->kind, DecisionKind::Excluded);
}

TEST(Combinations, AMemberProgramOverAHouseholdProgramMustBeAppliedByTheRules) {
  // The household program's members read the member program but still keep its persons: an error, never a payment.
  auto l = load(R"(
program personal "个人" for member paid monthly { eligible when member.relation = "self"  amount = 50 }
program family "家庭" for household paid monthly {
  eligible when true
  amount = 300
  members = those m in members where eligible(personal, m) or true
}
exclusive personal over family
)");
  const ir::RuleSet& rs = *l->rules;
  HouseholdResult r = Evaluator(rs).evaluate(household(rs, kTwoMembers), Month::from_ym(2021, 3), false);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("P1 is granted 'personal' and counted in 'family', which are declared exclusive"),
            std::string::npos)
      << r.errors[0].message;
  EXPECT_FALSE(entitlement(r, rs, "family").eligible.has_value());

  // Written so the person is left out, it holds.
  auto good = load(R"(
program personal "个人" for member paid monthly { eligible when member.relation = "self"  amount = 50 }
program family "家庭" for household paid monthly {
  eligible when true
  amount = 300
  members = those m in members where not eligible(personal, m)
}
exclusive personal over family
)");
  HouseholdResult ok = Evaluator(*good->rules).evaluate(household(*good->rules, kTwoMembers), Month::from_ym(2021, 3), false);
  EXPECT_TRUE(ok.errors.empty());
  EXPECT_EQ(entitlement(ok, *good->rules, "family").members, std::vector<std::string>{"P2"});
}

TEST(Combinations, WithoutARecordedChoiceNeitherIsPaidAndBothAmountsAreShown) {
  const char* rules = R"(
enum opt { a, b }
define member.chose_a : bool = member.excluded is present and member.excluded = prison
define member.chose_b : bool = member.excluded is present and member.excluded = missing
program option_a "甲" for member paid monthly { eligible when true  amount = 700 }
program option_b "乙" for member paid monthly { eligible when member.relation = "child"  amount = 400 }
program follows_b "随乙" for member paid monthly { eligible when eligible(option_b, member)  amount = 10 }
choice option_a when member.chose_a, option_b when member.chose_b
supplement follows_b to option_b
)";
  auto l = load(rules);
  const ir::RuleSet& rs = *l->rules;
  Evaluator ev(rs);
  HouseholdResult r = ev.evaluate(household(rs, kTwoMembers), Month::from_ym(2021, 3), false);
  // P1 qualifies only for option_a: no choice to make.
  const Entitlement& a = entitlement(r, rs, "option_a");
  EXPECT_EQ(a.members, std::vector<std::string>{"P1"});
  EXPECT_EQ(a.amount, Rational(700));
  // P2 qualifies for both: neither is paid, both amounts shown, the missing fact names the choice.
  const MemberDecision* da = decision_of(a, "P2");
  ASSERT_NE(da, nullptr);
  EXPECT_EQ(da->kind, DecisionKind::ChoiceNeeded);
  EXPECT_EQ(da->amount, Rational(700));
  EXPECT_EQ(da->choice, (std::vector<std::string>{"option_a", "option_b"}));
  const Entitlement& b = entitlement(r, rs, "option_b");
  EXPECT_EQ(b.kind, DecisionKind::ChoiceNeeded);
  EXPECT_FALSE(b.eligible.has_value());
  EXPECT_EQ(b.option_amount, Rational(400));
  ASSERT_FALSE(b.missing.empty());
  EXPECT_NE(b.missing[0].find("members[P2]: choice option_a / option_b"), std::string::npos) << b.missing[0];
  // What depends on an option awaiting the choice is not paid either.
  EXPECT_EQ(entitlement(r, rs, "follows_b").kind, DecisionKind::NotGranted);

  // The choice recorded: only the chosen one is paid, the other is excluded by it.
  HouseholdResult chosen = ev.evaluate(
      household(rs, R"({"id":"H","region":"140521100000","area":"rural","members":[
        {"id":"P1","relation":"self","birth_date":"1950-01-01"},
        {"id":"P2","relation":"child","birth_date":"2012-01-01","excluded":"missing"}]})"),
      Month::from_ym(2021, 3), false);
  EXPECT_EQ(entitlement(chosen, rs, "option_b").members, std::vector<std::string>{"P2"});
  EXPECT_EQ(decision_of(entitlement(chosen, rs, "option_a"), "P2")->kind, DecisionKind::Excluded);
  EXPECT_EQ(decision_of(entitlement(chosen, rs, "option_a"), "P2")->excluded_by, "option_b");
  EXPECT_EQ(entitlement(chosen, rs, "follows_b").amount, Rational(10));
}

TEST(Combinations, ARecordedChoiceSettlesAnOptionWhoseOwnConditionsAreUndetermined) {
  auto l = load(R"(
define member.chose_a : bool = member.excluded is present and member.excluded = prison
program option_a "甲" for member paid monthly { eligible when true  amount = 700 }
program option_b "乙" for member paid monthly { eligible when member.disability.grade <= 2  amount = 400 }
choice option_a when member.chose_a, option_b when false
)");
  const ir::RuleSet& rs = *l->rules;
  // P1 has no disability record (b's own conditions read it): chose a, so b is excluded, not undetermined.
  HouseholdResult r = Evaluator(rs).evaluate(household(rs, R"({"id":"H","region":"140521100000","area":"rural","members":[
      {"id":"P1","relation":"self","birth_date":"1950-01-01","excluded":"prison"}]})"), Month::from_ym(2021, 3), false);
  EXPECT_EQ(entitlement(r, rs, "option_b").kind, DecisionKind::Excluded);
  EXPECT_EQ(entitlement(r, rs, "option_a").amount, Rational(700));
}

TEST(Combinations, AChoiceRecordedForAnOptionThatNoLongerQualifiesDoesNotExcludeAndTwoChoicesAreNeverBothPaid) {
  auto l = load(R"(
define member.chose_a : bool = member.excluded is present
define member.chose_b : bool = member.self_care_failed is present
program option_a "甲" for member paid monthly { eligible when age_at(member.birth_date, last_day(period)) < 18  amount = 700 }
program option_b "乙" for member paid monthly { eligible when true  amount = 400 }
choice option_a when member.chose_a, option_b when member.chose_b
)");
  const ir::RuleSet& rs = *l->rules;
  Evaluator ev(rs);
  // Chose a as a child; now an adult, a no longer qualifies: b is decided on its own, not "excluded by a".
  HouseholdResult grown = ev.evaluate(household(rs, R"({"id":"H","region":"140521100000","area":"rural","members":[
      {"id":"P1","relation":"self","birth_date":"1990-01-01","excluded":"prison"}]})"), Month::from_ym(2021, 3), false);
  EXPECT_EQ(entitlement(grown, rs, "option_a").kind, DecisionKind::NotGranted);
  EXPECT_EQ(entitlement(grown, rs, "option_b").amount, Rational(400));
  // Both recorded as chosen: neither is paid, and the record is to be corrected.
  HouseholdResult both = ev.evaluate(household(rs, R"({"id":"H","region":"140521100000","area":"rural","members":[
      {"id":"P1","relation":"self","birth_date":"2012-01-01","excluded":"prison","self_care_failed":0}]})"), Month::from_ym(2021, 3), false);
  for (const char* p : {"option_a", "option_b"}) {
    const Entitlement& e = entitlement(both, rs, p);
    EXPECT_EQ(e.kind, DecisionKind::Undetermined) << p;
    ASSERT_FALSE(e.missing.empty()) << p;
    EXPECT_NE(e.missing[0].find("记录了两项选择"), std::string::npos) << e.missing[0];
  }
}

TEST(Combinations, ATopUpPaysTheDifferenceToWhatIsActuallyPaidAndNothingWhenThereIsNone) {
  auto l = load(R"(
program family "家庭" for household paid monthly {
  eligible when true
  amount = 600
  members = those m in members where m.relation = "self" or area = urban
}
program guarantee "保障" for member paid monthly {
  eligible when member.relation = "child"
  amount = max(500 - amount(family, member), 0)
}
top_up guarantee over family
)");
  const ir::RuleSet& rs = *l->rules;
  Evaluator ev(rs);
  // Rural: the family program covers only P1, so P2 gets the whole 500.
  HouseholdResult rural = ev.evaluate(household(rs, kTwoMembers), Month::from_ym(2021, 3), false);
  EXPECT_EQ(entitlement(rural, rs, "guarantee").amount, Rational(500));
  // Urban: P2's share of 600 over 2 is 300, so the top-up is 200.
  std::string urban = kTwoMembers;
  urban.replace(urban.find("rural"), 5, "urban");
  HouseholdResult u = ev.evaluate(household(rs, urban), Month::from_ym(2021, 3), false);
  EXPECT_EQ(entitlement(u, rs, "guarantee").amount, Rational(200));

  auto none = load(R"(
program family "家庭" for household paid monthly { eligible when true  amount = 1200 }
program guarantee "保障" for member paid monthly {
  eligible when member.relation = "child"
  amount = max(500 - amount(family, member), 0)
}
top_up guarantee over family
)");
  HouseholdResult n = Evaluator(*none->rules).evaluate(household(*none->rules, kTwoMembers), Month::from_ym(2021, 3), true);
  const Entitlement& g = entitlement(n, *none->rules, "guarantee");
  EXPECT_EQ(g.kind, DecisionKind::NotGranted);
  EXPECT_EQ(g.eligible, std::optional<bool>(false));
  ASSERT_FALSE(g.failed.empty());
  EXPECT_NE(g.failed.back().lhs.find("补差金额为 0.00"), std::string::npos);
}

TEST(Combinations, EveryPairMustBeDeclared) {
  std::string d = diagnostics_of(R"(
program a "a" for member paid monthly { eligible when true  amount = 1 }
program b "b" for member paid monthly { eligible when true  amount = 1 }
program c "c" for member paid monthly { eligible when eligible(b, member)  amount = 1 }
compatible a, b
supplement c to b
)");
  EXPECT_EQ(d.find("UndeclaredCombination"), std::string::npos) << d;  // c combines with a as b does
  d = diagnostics_of(R"(
program a "a" for member paid monthly { eligible when true  amount = 1 }
program b "b" for member paid monthly { eligible when true  amount = 1 }
)");
  EXPECT_NE(d.find("programs 'a' and 'b' may both be granted to the same person"), std::string::npos) << d;
}

TEST(Combinations, AChoiceWithATwoWayDependencyIsNoCircleButARealOneIs) {
  // Each option's final decision reads the other's own conditions only.
  EXPECT_NO_THROW(load(R"(
program a "a" for member paid monthly { eligible when true  amount = 1 }
program b "b" for member paid monthly { eligible when true  amount = 1 }
choice a when false, b when false
)"));
  std::string d = diagnostics_of(R"(
program a "a" for member paid monthly { eligible when not eligible(b, member)  amount = 1 }
program b "b" for member paid monthly { eligible when true  amount = 1 }
choice a when false, b when false
)");
  EXPECT_NE(d.find("DefinitionCycle"), std::string::npos) << d;
}

TEST(StaleStandards, AStandardDerivedFromAStaleOneIsProvisionalForEveryProgramThatReadsIt) {
  auto l = load(R"(
standard base "基础" : money per month renewed yearly { all: from 2020-01-01 100 }
standard derived "派生" : money per month { all: from 2020-01-01 base * 2 }
standard limit "上限" : money per month renewed yearly { all: from 2020-01-01 300 }
program a "a" for household paid monthly { eligible when true  amount = derived }
program b "b" for household paid monthly { eligible when true  amount = derived }
program c "c" for household paid monthly { eligible when limit is absent  amount = 1 }
compatible a, b, c
)");
  const ir::RuleSet& rs = *l->rules;
  Household hh = household(rs, one_member());
  Evaluator ev(rs);
  HouseholdResult r = ev.evaluate(hh, Month::from_ym(2026, 1), false);
  EXPECT_TRUE(entitlement(r, rs, "a").provisional());
  EXPECT_TRUE(entitlement(r, rs, "b").provisional());
  // Strict: a stale value is unknown — 'is absent' is undetermined, not true.
  ev.set_strict_standards(true);
  HouseholdResult strict = ev.evaluate(hh, Month::from_ym(2026, 1), false);
  EXPECT_EQ(entitlement(strict, rs, "c").kind, DecisionKind::Undetermined);
}

TEST(StaleStandards, AValuePastItsRenewalIsProvisionalOrUndeterminedWhenStrict) {
  auto l = load(R"(
standard rate "标准" : money per month renewed yearly {
  140521: from 2020-01-01 assumed 400  cite "2020 年文件"
}
program p "p" for household paid monthly { eligible when true  amount = rate }
)");
  const ir::RuleSet& rs = *l->rules;
  Household hh = household(rs, one_member());
  Evaluator ev(rs);
  HouseholdResult in_year = ev.evaluate(hh, Month::from_ym(2020, 12), false);
  EXPECT_FALSE(entitlement(in_year, rs, "p").provisional());
  HouseholdResult later = ev.evaluate(hh, Month::from_ym(2026, 1), false);
  const Entitlement& e = entitlement(later, rs, "p");
  EXPECT_EQ(e.amount, Rational(400));
  ASSERT_TRUE(e.provisional());
  EXPECT_EQ(e.stale[0].standard, "rate");
  EXPECT_EQ(e.stale[0].from, "2020-01-01");
  EXPECT_EQ(e.stale[0].cite, "2020 年文件");
  EXPECT_EQ(e.stale[0].region, "140521");
  ev.set_strict_standards(true);
  HouseholdResult strict = ev.evaluate(hh, Month::from_ym(2026, 1), false);
  const Entitlement& s = entitlement(strict, rs, "p");
  EXPECT_FALSE(s.eligible && s.missing.empty());
  ASSERT_FALSE(s.missing.empty());
  EXPECT_NE(s.missing[0].find("is stale"), std::string::npos) << s.missing[0];
}
