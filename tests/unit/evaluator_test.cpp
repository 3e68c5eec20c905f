// evaluator_test.cpp — evaluation semantics: undetermined facts, standards by region and date, exceptions,
// tables, exclusions, member-level programs, rounding discipline, determinism.
#include "engine/explain/render.hpp"
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

namespace {
HouseholdResult run(const LoadedRules& l, const std::string& json, const char* month = "2021-03", bool explain = false) {
  Evaluator ev(*l.rules);
  return ev.evaluate(household(*l.rules, json), *Month::parse(month), explain);
}
}  // namespace

TEST(Evaluate, MissingFactMakesOnlyWhatNeedsItUndetermined) {
  auto l = load(R"(
program needs_assets "n" for household paid monthly { eligible when assets.deposits < 1000  amount = 1 }
program ignores_assets "i" for household paid monthly { eligible when area = rural or assets.deposits < 1000  amount = 1 }
)");
  auto r = run(*l, one_member());
  const auto& n = entitlement(r, *l->rules, "needs_assets");
  EXPECT_FALSE(n.eligible.has_value());
  EXPECT_EQ(n.missing, std::vector<std::string>{"assets"});
  EXPECT_EQ(entitlement(r, *l->rules, "ignores_assets").eligible, std::optional<bool>(true));
}

TEST(Evaluate, FalseSettlesAndEvenWhenTheOtherSideIsUnknown) {
  auto l = load(R"(program p "p" for household paid monthly { eligible when area = urban and assets.deposits < 1  amount = 1 })");
  auto r = run(*l, one_member());
  EXPECT_EQ(entitlement(r, *l->rules, "p").eligible, std::optional<bool>(false));
}

TEST(Evaluate, MostSpecificRegionInForceWins) {
  auto l = load(R"(
standard s : money per month {
  all:          from 2000-01-01 100
  14:           from 2000-01-01 200
  140521:       from 2020-01-01 3600 per year
  140521100:    from 2021-01-01 400 until 2021-06-30
}
program p "p" for household paid monthly { eligible when true  amount = s }
)");
  auto amount = [&](const char* region, const char* month) {
    return entitlement(run(*l, one_member("", "", region), month), *l->rules, "p").amount;
  };
  EXPECT_EQ(amount("140521100000", "2021-03"), money("400"));  // township
  EXPECT_EQ(amount("140521100000", "2021-07"), money("300"));  // township value ended: county
  EXPECT_EQ(amount("140521101000", "2021-03"), money("300"));  // another township: county
  EXPECT_EQ(amount("140521100000", "2019-12"), money("200"));  // before the county's first value: province
  EXPECT_EQ(amount("610922100000", "2021-03"), money("100"));  // another province: national
}

TEST(Evaluate, UnsourcedStandardIsNamedNotInvented) {
  auto l = load(R"(
standard s "某标准" : money per month { 610922: from 2016-01-01 unsourced }
program p "p" for household paid monthly { eligible when s > 0  amount = s }
)");
  auto r1 = run(*l, one_member("", "", "610922100000"));
  const auto& e = entitlement(r1, *l->rules, "p");
  EXPECT_FALSE(e.eligible.has_value());
  ASSERT_EQ(e.missing.size(), 1u);
  EXPECT_EQ(e.missing[0], "standard s for 610922 from 2016-01-01 (declared unsourced)");
  auto r2 = run(*l, one_member("", "", "140521100000"));
  const auto& none = entitlement(r2, *l->rules, "p");
  ASSERT_EQ(none.missing.size(), 1u);
  EXPECT_EQ(none.missing[0], "standard s has no value for region 140521100000 in 2021-03");
}

TEST(Evaluate, DerivedStandardAndKeyedStandard) {
  auto l = load(R"(
standard dibao : money per month by household.area {
  140521 urban: from 2020-01-01 7560 per year
  140521 rural: from 2020-01-01 5280 per year
}
standard tekun : money per month { 140521: from 2020-01-01 1.3 * dibao[rural] }
program p "p" for household paid monthly { eligible when true  amount = tekun + dibao }
)");
  // household is rural: 1.3 × 440 + 440 = 1012
  EXPECT_EQ(entitlement(run(*l, one_member()), *l->rules, "p").amount, money("1012"));
}

TEST(Evaluate, ExceptionsOverrideTheBaseRule) {
  auto l = load(R"(
define member.age : integer = age_at(member.birth_date, last_day(period))
define household.rate : decimal = 1
  exception elderly when any m in members where m.age >= 60 then 1.5
define household.base : money = 100
program p "p" for household paid monthly { eligible when true  amount = base * rate }
)");
  EXPECT_EQ(entitlement(run(*l, one_member()), *l->rules, "p").amount, money("100"));
  auto old = R"({"id":"H","region":"140521","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1950-01-01"}]})";
  auto r = run(*l, old);
  EXPECT_EQ(entitlement(r, *l->rules, "p").amount, money("150"));
}

TEST(Evaluate, TwoApplicableExceptionsWithDifferentResultsAreAnError) {
  auto l = load(R"(
define household.rate : money = 1
  exception a when area = rural then 2
  exception b when count m in members > 0 then 3
program p "p" for household paid monthly { eligible when true  amount = rate }
)");
  auto r = run(*l, one_member());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "exceptions 'a' and 'b' both apply to rate and give different results");
  EXPECT_EQ(r.errors[0].spans.size(), 2u);
  EXPECT_FALSE(entitlement(r, *l->rules, "p").eligible.has_value());
}

TEST(Evaluate, NoApplicableRuleIsAnError) {
  auto l = load(R"(
define household.rate : money
  exception urban_rate when area = urban then 2
program p "p" for household paid monthly { eligible when true  amount = rate }
)");
  auto r = run(*l, one_member());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("no rule gives a value for rate"), std::string::npos);
}

TEST(Evaluate, DecisionTableHitPolicies) {
  auto l = load(R"(
enum band { full, partial, total }
table care (n : integer) -> band hit unique { | <= 0 | full | | 1 .. 3 | partial | | >= 4 | total | }
table first_match (n : integer) -> integer hit first { | >= 2 | 20 | | - | 1 | }
table prio (n : integer) -> band hit priority { | - | total | | - | partial | }
table add (n : integer) -> money hit collect sum { | >= 1 | 10 | | >= 3 | 5 | }
define member.n : integer = 3
define member.b : band = care(n)
program p "p" for member paid monthly {
  eligible when b = partial and first_match(n) = 20 and prio(n) = partial
  amount = add(n)
}
)");
  auto r = run(*l, one_member());
  const auto& e = entitlement(r, *l->rules, "p");
  EXPECT_TRUE(r.errors.empty()) << r.errors[0].message;
  EXPECT_EQ(e.eligible, std::optional<bool>(true));
  EXPECT_EQ(e.amount, money("15"));
  ASSERT_EQ(e.by_member.size(), 1u);
  EXPECT_EQ(e.by_member[0].member, "P1");
}

TEST(Evaluate, TableInputFromAnUnknownFactIsUndetermined) {
  auto l = load(R"(
enum band { full, partial, total }
table care (n : integer) -> band hit unique { | <= 0 | full | | 1 .. 3 | partial | | >= 4 | total | }
program p "p" for member paid monthly { eligible when care(member.self_care_failed) = total  amount = 1 }
)");
  auto r = run(*l, one_member());
  const auto& e = entitlement(r, *l->rules, "p");
  EXPECT_FALSE(e.eligible.has_value());
  EXPECT_EQ(e.missing, std::vector<std::string>{"members[P1].self_care_failed"});
}

TEST(Evaluate, ExcludedProgramIsNotGranted) {
  auto l = load(R"(
program orphan "孤儿" for member paid monthly { eligible when true  amount = 1000  excludes tekun }
program tekun "特困" for member paid monthly { eligible when true  amount = 575 }
)");
  auto r = run(*l, one_member());
  EXPECT_EQ(entitlement(r, *l->rules, "orphan").eligible, std::optional<bool>(true));
  const auto& t = entitlement(r, *l->rules, "tekun");
  EXPECT_EQ(t.eligible, std::optional<bool>(false));
  EXPECT_EQ(t.excluded_by, "orphan");
}

TEST(Evaluate, UnroundedAmountIsAnErrorNotASilentRounding) {
  auto l = load(R"(program p "p" for household paid monthly { eligible when true  amount = 100 / 3 })");
  auto r = run(*l, one_member());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("33.333333…, not a whole number of fen"), std::string::npos) << r.errors[0].message;
}

TEST(Evaluate, DivisionByZeroIsReportedWithItsPlace) {
  auto l = load(R"(
define household.none : integer = count m in members where false
define household.base : money = 100
program p "p" for household paid monthly { eligible when true  amount = base / none })");
  auto r = run(*l, one_member());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "division by zero");
  EXPECT_EQ(location(l->sources, r.errors[0].spans[0]), "test.rules:4");
}

TEST(Evaluate, WhyNotShowsValuesAndMargin) {
  auto l = load(R"(
define household.per_capita : money = 650
standard s : money per month { all: from 2000-01-01 630 }
program p "p" for household paid monthly { eligible when area = rural and per_capita < s  amount = 1 }
)");
  auto r = run(*l, one_member(), "2021-03", true);
  const auto& e = entitlement(r, *l->rules, "p");
  ASSERT_EQ(e.failed.size(), 1u);
  EXPECT_EQ(e.failed[0].lhs, "650.00");
  EXPECT_EQ(e.failed[0].relation, "≥");
  EXPECT_EQ(e.failed[0].rhs, "630.00");
  EXPECT_EQ(e.failed[0].margin, "20.00");
  EXPECT_EQ(l->sources.slice(e.failed[0].span), "per_capita < s");
}

TEST(Evaluate, SameInputsGiveByteIdenticalOutput) {
  auto l = load_rules(ENTITLE_RULES_DIR);
  ASSERT_TRUE(l->rules);
  std::string json = R"({"id":"D","region":"140521100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1970-01-01","incomes":[{"kind":"wage","amount":"9200","per":"year"}]},{"id":"P2","relation":"spouse","birth_date":"1970-01-01"},{"id":"P3","relation":"child","birth_date":"2012-01-01"}]})";
  std::string a = render_result_json(*l->rules, l->sources, run(*l, json, "2021-03", true), true);
  auto l2 = load_rules(ENTITLE_RULES_DIR);
  std::string b = render_result_json(*l2->rules, l2->sources, run(*l2, json, "2021-03", true), true);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("\"amount\":\"553.33\""), std::string::npos) << a;
}

TEST(Evaluate, DurationsMoveDatesAndMonths) {
  auto l = load(R"(
define member.turns_18 : date = member.birth_date + 18 years
define member.adult : bool = member.turns_18 <= last_day(period)
define household.phase_out_ends : month = 2021-01 + 6 months
define household.in_phase_out : bool = period within 2021-01 .. phase_out_ends - 1 month
define household.grace : date = 2021-03-30 + 5 days
program p "p" for household paid monthly {
  eligible when in_phase_out and grace = 2021-04-04 and months_between(2020-11, period) = 4 and 1 year > 11 months
  amount = 1
}
program adult "a" for member paid monthly { eligible when member.adult  amount = 1 }
)");
  auto r = run(*l, R"({"id":"H","region":"140521","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"2003-03-31"}]})");
  EXPECT_EQ(entitlement(r, *l->rules, "p").eligible, std::optional<bool>(true));
  EXPECT_EQ(entitlement(r, *l->rules, "adult").eligible, std::optional<bool>(true));  // 18 on 2021-03-31
  auto early = run(*l, R"({"id":"H","region":"140521","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"2003-04-01"}]})");
  EXPECT_EQ(entitlement(early, *l->rules, "adult").eligible, std::optional<bool>(false));
  auto july = run(*l, one_member(), "2021-07");
  EXPECT_EQ(entitlement(july, *l->rules, "p").eligible, std::optional<bool>(false));  // phase-out ended with June
}

TEST(Check, DurationUnitsDoNotMix) {
  std::string d = diagnostics_of("define household.bad : bool = 2021-01 + 3 days = 2021-01\n");
  EXPECT_NE(d.find("[TypeMismatch]"), std::string::npos) << d;
}

TEST(Evaluate, StandardKeyedByAnEnumTakesAKeyExpression) {
  auto l = load(R"(
enum care_level { full_self_care, partial, total }
table care_band (failed : integer) -> care_level hit unique { | <= 0 | full_self_care | | 1 .. 3 | partial | | >= 4 | total | }
standard care : money per month by care_level {
  140521 partial: from 2021-07-01 100
  140521 total:   from 2021-07-01 unsourced
}
program p "p" for member paid monthly {
  eligible when member.self_care_failed is present
  amount = care[care_band(member.self_care_failed)] + care[partial] * 0
}
)");
  auto partial = run(*l, one_member(R"(,"self_care_failed":2)"), "2021-08");
  EXPECT_EQ(entitlement(partial, *l->rules, "p").amount, money("100"));
  auto total = run(*l, one_member(R"(,"self_care_failed":5)"), "2021-08");
  const auto& e = entitlement(total, *l->rules, "p");
  EXPECT_EQ(e.eligible, std::optional<bool>(true));
  ASSERT_EQ(e.missing.size(), 1u);
  EXPECT_EQ(e.missing[0], "standard care for 140521 total from 2021-07-01 (declared unsourced)");
}

TEST(Evaluate, StandardPresenceAndWarnings) {
  auto l = load(R"(
standard deposit_limit "存款限额" : money { 610922: from 2016-01-01 unsourced  140521: from 2016-01-01 30000 }
define household.assets_ok : bool = assets.deposits <= deposit_limit
program p "p" for household paid monthly {
  eligible when deposit_limit is absent or assets_ok
  amount = 1
  warning "资产审核标准尚未设定，未进行资产审核" when deposit_limit is absent
}
)");
  auto sq = run(*l, one_member("", "", "610922100000"));
  const auto& a = entitlement(sq, *l->rules, "p");
  EXPECT_EQ(a.eligible, std::optional<bool>(true));
  EXPECT_EQ(a.warnings, std::vector<std::string>{"资产审核标准尚未设定，未进行资产审核"});
  auto qs = run(*l, one_member());  // thresholds known, assets not reported: undetermined
  const auto& b = entitlement(qs, *l->rules, "p");
  EXPECT_FALSE(b.eligible.has_value());
  EXPECT_EQ(b.missing, std::vector<std::string>{"assets"});
  EXPECT_TRUE(b.warnings.empty());
}

TEST(Evaluate, ExceptionWithoutMembersKeepsTheHouseholdsMembers) {
  auto l = load(R"(
program p "p" for household paid monthly {
  eligible when true
  amount = 10
  exception more when area = rural { amount = 20 }
}
program q "q" for household paid monthly {
  eligible when true
  amount = 10
  exception only_first when area = rural { members = those m in members where m.id = "P1" }
}
)");
  auto r = run(*l, R"({"id":"H","region":"140521","area":"rural","members":[
    {"id":"P1","relation":"self","birth_date":"1970-01-01"},{"id":"P2","relation":"spouse","birth_date":"1971-01-01"}]})");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  const auto& p = entitlement(r, *l->rules, "p");
  EXPECT_EQ(p.amount, money("20"));
  EXPECT_EQ(p.members, (std::vector<std::string>{"P1", "P2"}));
  EXPECT_EQ(entitlement(r, *l->rules, "q").members, std::vector<std::string>{"P1"});
}
