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
  EXPECT_NE(report.outcomes[0].failures[0].find("field area: expected one of urban rural, found \"suburb\""), std::string::npos)
      << report.outcomes[0].failures[0];
}
