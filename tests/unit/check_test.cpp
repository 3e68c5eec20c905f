// check_test.cpp — the checker: order-free definitions, types, cycles, timelines, tables, exceptions.
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

TEST(Check, DefinitionsMayComeInAnyOrder) {
  auto l = load(R"(
define household.b : integer = a + 1
define household.a : integer = 2
program p "p" for household paid monthly { eligible when b = 3  amount = 1 }
)");
  ASSERT_TRUE(l->rules);
  Evaluator ev(*l->rules);
  auto r = ev.evaluate(household(*l->rules, one_member()), *Month::parse("2021-03"), false);
  EXPECT_EQ(entitlement(r, *l->rules, "p").eligible, std::optional<bool>(true));
}

TEST(Check, CycleIsNamedInFull) {
  std::string d = diagnostics_of(R"(
define household.a : integer = b + 1
define household.b : integer = c
define household.c : integer = a
)");
  EXPECT_NE(d.find("household.a → household.b → household.c → household.a"), std::string::npos) << d;
  EXPECT_NE(d.find("[DefinitionCycle]"), std::string::npos);
}

TEST(Check, TypeMismatchSaysWhatWasExpected) {
  std::string d = diagnostics_of("define household.x : money = area\n");
  EXPECT_NE(d.find("test.rules:1:30: error: definition 'household.x': expected money, found area_kind [TypeMismatch]"),
            std::string::npos) << d;
}

TEST(Check, MoneyTimesMoneyIsRejected) {
  std::string d = diagnostics_of(R"(
define member.m : money = sum of i.amount for i in member.incomes
define member.bad : money = m * m
)");
  EXPECT_NE(d.find("[TypeMismatch]"), std::string::npos) << d;
}

TEST(Check, UnknownFieldNamesTheEntity) {
  std::string d = diagnostics_of("define member.x : integer = member.shoe_size\n");
  EXPECT_NE(d.find("entity 'member' has no field or definition called 'shoe_size'"), std::string::npos) << d;
}

TEST(Check, IsAbsentOnlyOnOptionalFacts) {
  std::string d = diagnostics_of("define member.x : bool = member.birth_date is absent\n");
  EXPECT_NE(d.find("[NotOptional]"), std::string::npos) << d;
}

TEST(Check, TimelineProblems) {
  std::string d = diagnostics_of(R"(
standard s : money per month {
  14: from 2020-01-01 1
      from 2019-01-01 2
  15: from 2020-01-01 1 until 2020-06-30
      from 2020-09-01 2
  16: from 2020-01-01 1
      from 2020-01-01 2
}
)");
  EXPECT_NE(d.find("[TimelineOrder]"), std::string::npos) << d;
  EXPECT_NE(d.find("has no value from 2020-07-01 to 2020-08-31 [TimelineGap]"), std::string::npos) << d;
  EXPECT_NE(d.find("two values in force for 16 from 2020-01-01 [TimelineOverlap]"), std::string::npos) << d;
}

TEST(Check, TableGapAndOverlap) {
  std::string d = diagnostics_of(R"(
table band (n : integer) -> integer hit unique {
  | 0      | 0 |
  | 1 .. 3 | 1 |
  | 3 .. 5 | 2 |
}
)");
  EXPECT_NE(d.find("table 'band' has no row for n = -1 [TableGap]"), std::string::npos) << d;
  EXPECT_NE(d.find("rows 2 and 3 of table 'band' (hit policy unique) both match n = 3 [TableOverlap]"), std::string::npos) << d;
}

TEST(Check, CompleteTableIsClean) {
  auto l = load(R"(
table band (n : integer, a : area_kind) -> integer hit unique {
  | < 1   | -     | 0 |
  | >= 1  | urban | 1 |
  | >= 1  | rural | 2 |
}
)");
  EXPECT_TRUE(l->rules);
}

TEST(Check, SameConditionDifferentResultIsAConflict) {
  std::string d = diagnostics_of(R"(
define household.x : integer = 1
  exception a when area = rural then 2
  exception b when area = rural then 3
)");
  EXPECT_NE(d.find("exceptions 'a' and 'b' apply under the same condition but give different results"), std::string::npos) << d;
}

TEST(Check, RegionCodesAreValidated) {
  std::string d = diagnostics_of("standard s : money { 14052: from 2020-01-01 1 }\n");
  EXPECT_NE(d.find("'14052' is not a region code"), std::string::npos) << d;
}

TEST(Check, AmendmentsAddDatedValuesFromAnotherFile) {
  auto l = load_rules_from_texts({{"schema.rules", entitle::testing::kSchema},
                                  {"library.rules", R"(
standard s "标准" : money per month by household.area {
  140521 rural: from 2020-01-01 440
}
program p "p" for household paid monthly { eligible when true  amount = s }
)"},
                                  {"local/qinshui.rules", R"(
amend standard s cite "沁水县 2026 通知" {
  140521 rural: from 2026-01-01 480
  140521 urban: from 2026-01-01 680
}
)"}});
  ASSERT_TRUE(l->rules) << render_diagnostics(l->sources, l->diagnostics.sorted());
  Evaluator ev(*l->rules);
  auto amount = [&](const char* month) {
    auto r = ev.evaluate(household(*l->rules, one_member()), *Month::parse(month), false);
    return r.entitlements[0].amount;
  };
  EXPECT_EQ(amount("2025-12"), money("440"));
  EXPECT_EQ(amount("2026-01"), money("480"));
  std::string bad = diagnostics_of("amend standard nothing_here { 14: from 2020-01-01 1 }\n");
  EXPECT_NE(bad.find("nothing called 'nothing_here' is declared as a standard to amend"), std::string::npos) << bad;
  // An amendment's values join the row's timeline, so listing an older value after a newer one is reported.
  auto late = load_rules_from_texts({{"schema.rules", entitle::testing::kSchema},
                                     {"a.rules", "standard s : money { 14: from 2020-01-01 1 }\n"},
                                     {"b.rules", "amend standard s { 14: from 2019-01-01 2 }\n"}});
  std::string order = render_diagnostics(late->sources, late->diagnostics.sorted());
  EXPECT_NE(order.find("b.rules:1:24: error: standard 's' for 14: the value from 2019-01-01 is listed after a later one"), std::string::npos) << order;
}

TEST(Check, AChoiceOfAProgramForAnUnknownRecordKindReportsOnlyTheUnknownKind) {
  // Found by fuzz_rules: the options' record kinds were compared (and the kind table indexed) with one of them unknown.
  std::string d = diagnostics_of(R"(
program a "甲" for elseer paid monthly { eligible when true  amount = 1 }
program h "户" for household paid monthly { eligible when true  amount = 3 }
choice a when true, h when true
)");
  EXPECT_NE(d.find("elseer"), std::string::npos) << d;
  EXPECT_EQ(d.find("the options of a choice are decided for the same kind of record"), std::string::npos) << d;
}

TEST(Check, ATableBoundAtTheEdgeOfExactArithmeticIsCheckedWithoutOverflow) {
  // Found by fuzz_rules: the gap check probed bound + 1 for a bound of 9223372036854775807 and the overflow escaped.
  std::string d = diagnostics_of(R"(
table band (n : integer) -> integer hit unique {
  | 9223372036854775807 | 1 |
  | 1 .. 3              | 2 |
}
)");
  EXPECT_NE(d.find("table 'band' has no row for n = 9223372036854775806 [TableGap]"), std::string::npos) << d;
  EXPECT_EQ(d.find("too large"), std::string::npos) << d;
}
