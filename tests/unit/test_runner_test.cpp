// test_runner_test.cpp — tests written in the language: pass, fail with a located message, coverage.
#include "engine/api/test_runner.hpp"
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

TEST(TestRunner, PassFailAndCoverage) {
  auto l = load(R"(
define household.rate : money = 2
  exception urban_rate when area = urban then 3
program p "p" for household paid monthly { eligible when true  amount = rate * 100 }
test "right" at 2021-03 {
  household {"id":"A","region":"140521","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1970-01-01"}]}
  expect p.amount = 200.00
}
test "wrong" at 2021-03 {
  household {"id":"B","region":"140521","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1970-01-01"}]}
  expect p.amount = 300.00
  expect p.eligible = undetermined
}
)");
  ASSERT_TRUE(l->rules);
  TestReport report = run_tests(*l);
  EXPECT_EQ(report.passed, 1u);
  EXPECT_EQ(report.failed, 1u);
  std::string text = render_test_report(*l, report);
  EXPECT_NE(text.find("FAIL wrong"), std::string::npos) << text;
  EXPECT_NE(text.find("test.rules:11: p.amount: expected 300.00, got 200.00"), std::string::npos) << text;
  EXPECT_NE(text.find("p.eligible: expected undetermined, got true"), std::string::npos) << text;
  EXPECT_NE(text.find("exception urban_rate of household.rate"), std::string::npos) << text;
  EXPECT_NE(text.find("program p never refused"), std::string::npos) << text;
  EXPECT_NE(text.find("1 passed, 1 failed"), std::string::npos) << text;
}

TEST(TestRunner, BadHouseholdInATestIsAFailureWithTheField) {
  auto l = load(R"(
program p "p" for household paid monthly { eligible when true  amount = 1 }
test "bad" at 2021-03 {
  household {"id":"A","region":"140521","area":"suburb","members":[]}
  expect p.amount = 1
}
)");
  TestReport report = run_tests(*l);
  ASSERT_EQ(report.failed, 1u);
  EXPECT_NE(report.outcomes[0].failures[0].find("field area: 应为 urban（城市）、rural（农村）之一（取值名或中文标签），填写的是 \"suburb\""), std::string::npos)
      << report.outcomes[0].failures[0];
}

TEST(TestRunner, AMemberExpectationIsAboutThatMember) {
  // A wrong expectation about one member fails, even when another member makes the program granted.
  auto l = load(R"(
program p "p" for member paid monthly { eligible when member.relation = "self"  amount = 10 }
define household.total : money = 250
define member.adult : bool = age_at(member.birth_date, last_day(period)) >= 18
test "members" at 2021-03 {
  household {"id":"A","region":"140521","area":"rural","members":[
    {"id":"P1","relation":"self","birth_date":"1970-01-01"},{"id":"P2","relation":"child","birth_date":"2015-01-01"}]}
  expect p.eligible["P1"] = true
  expect p.eligible["P2"] = true
  expect p.decision["P2"] = not_granted
  expect p.amount["P1"] = 10.00
  expect member["P2"].adult = true
  expect member["P1"].adult = true
  expect household.total = 250.00
  expect household.total = 250.01
}
)");
  TestReport report = run_tests(*l);
  ASSERT_EQ(report.failed, 1u);
  std::string text = render_test_report(*l, report);
  EXPECT_NE(text.find("p.eligible[P2]: expected true, got false"), std::string::npos) << text;
  EXPECT_EQ(text.find("p.eligible[P1]"), std::string::npos) << text;
  EXPECT_EQ(text.find("p.decision[P2]"), std::string::npos) << text;
  EXPECT_NE(text.find("member[\"P2\"].adult: expected true, got false"), std::string::npos) << text;
  EXPECT_EQ(text.find("member[\"P1\"].adult"), std::string::npos) << text;
  EXPECT_NE(text.find("household.total: expected 250.01, got 250"), std::string::npos) << text;
  EXPECT_EQ(report.outcomes[0].failures.size(), 3u) << text;
}
