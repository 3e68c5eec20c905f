// reasons_test.cpp — the reasons as Chinese sentences (engine/explain/reasons.hpp): what a caseworker reads for a
// refusal over the standard, a member's refusal, an exclusion, an undetermined decision, and a grant; how JSON and
// text carry them.
#include <nlohmann/json.hpp>

#include "engine/explain/reasons.hpp"
#include "engine/explain/render.hpp"
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

namespace {

const LoadedRules& lib() {
  static auto l = load_rules(ENTITLE_RULES_DIR);
  return *l;
}

/// A household of the library's schema in 沁水县 (rural): 低保 standard 440.00 a month in 2021 (5,280 a year).
std::string qinshui(const std::string& members, const std::string& extra = "") {
  return R"({"id":"H","region":"140521100000","area":"rural",)" + extra + R"("members":[)" + members + "]}";
}

/// One adult named 张三 (born 1975-05-01: 45 in March 2021) earning `monthly` yuan a month in wages.
std::string zhang_san(const std::string& monthly) {
  return R"({"id":"P1","name":"张三","relation":"self","birth_date":"1975-05-01","incomes":[{"kind":"wage","amount":")" +
         monthly + R"(","per":"month"}]})";
}

struct Decided {
  Household hh;
  HouseholdResult result;
};

Decided decide(const ir::RuleSet& rs, const std::string& json, const char* month = "2021-03") {
  Decided d{household(rs, json), {}};
  d.result = Evaluator(rs).evaluate(d.hh, *Month::parse(month), true);
  return d;
}

std::vector<std::string> sentences(const ir::RuleSet& rs, const Decided& d, const std::string& program,
                                   bool with_household = true) {
  return reason_sentences(rs, d.result, entitlement(d.result, rs, program), with_household ? &d.hh : nullptr);
}

std::string all(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

bool has(const std::vector<std::string>& v, const std::string& sentence) {
  return std::find(v.begin(), v.end(), sentence) != v.end();
}

}  // namespace

TEST(Reasons, DibaoRefusedOverTheStandardSaysBothValuesAndTheExcess) {
  const ir::RuleSet& rs = *lib().rules;
  Decided d = decide(rs, qinshui(zhang_san("650")));
  const Entitlement& e = entitlement(d.result, rs, "dibao");
  ASSERT_EQ(e.kind, DecisionKind::NotGranted);
  ASSERT_FALSE(e.failed.empty());
  // The failed comparison carries its node and the key its standard was read with.
  const FailedCondition& f = e.failed[0];
  EXPECT_GE(f.node, 0);
  ASSERT_EQ(f.keys.size(), 1u);
  EXPECT_EQ(f.keys[0].key, "rural");
  EXPECT_EQ(f.keys[0].label, "农村");
  EXPECT_EQ(f.order, 1);
  EXPECT_EQ(f.decided, "household");
  EXPECT_EQ(failed_condition_clause(rs, f), "家庭月人均收入 650.00 元，高于农村最低生活保障标准 440.00 元，超出 210.00 元");

  std::vector<std::string> s = sentences(rs, d, "dibao");
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s[0], "家庭月人均收入 650.00 元，高于农村最低生活保障标准 440.00 元，超出 210.00 元。") << all(s);
  EXPECT_NE(s[0].find("高于"), std::string::npos);
  EXPECT_NE(s[0].find("650.00 元"), std::string::npos);
  EXPECT_NE(s[0].find("440.00 元"), std::string::npos);
  EXPECT_NE(s[0].find("超出 210.00 元"), std::string::npos);
  // The stale 2020 standard makes the refusal provisional, and the last sentence says so.
  EXPECT_EQ(s.back().rfind("本决定为暂定：所用标准「最低生活保障标准」（沁水县 农村，取值自 2020-01-01，应每年更新）", 0), 0u) << all(s);
  for (const std::string& x : s) EXPECT_EQ(x.substr(x.size() - 3), "。") << x;
}

TEST(Reasons, DibaoGrantedSaysWhyHowMuchAndWhoByName) {
  const ir::RuleSet& rs = *lib().rules;
  Decided d = decide(rs, qinshui(zhang_san("320")));
  ASSERT_EQ(entitlement(d.result, rs, "dibao").kind, DecisionKind::Granted);
  std::vector<std::string> s = sentences(rs, d, "dibao");
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s[0], "家庭月人均收入 320.00 元，低于农村最低生活保障标准 440.00 元；享受「城乡最低生活保障」，每月 120.00 元；"
                  "保障对象 1 人：P1 张三。")
      << all(s);
}

TEST(Reasons, AMembersRefusalNamesTheMemberAndTheGap) {
  const ir::RuleSet& rs = *lib().rules;
  Decided d = decide(rs, qinshui(zhang_san("320") + R"(,{"id":"P2","name":"李四","relation":"spouse","birth_date":"1977-08-12"})"));
  std::vector<std::string> living = sentences(rs, d, "disability_living");
  EXPECT_TRUE(has(living, "成员 P1 张三：残疾人证未填写。")) << all(living);
  EXPECT_TRUE(has(living, "成员 P2 李四：残疾人证未填写。")) << all(living);

  // 特困: the alternatives of one definition in one sentence, each with its values.
  std::vector<std::string> tekun = sentences(rs, d, "tekun_basic");
  bool found = false;
  for (const std::string& x : tekun)
    if (x.rfind("成员 P1 张三不符合", 0) == 0 && x.find("不符合「属于老年人、残疾人或未成年人」（年龄 45 周岁，未满 60 周岁，还差 15 岁；") != std::string::npos)
      found = true;
  EXPECT_TRUE(found) << all(tekun);

  // Without the household, the names come from what the result carries; the member is still named.
  std::vector<std::string> bare = sentences(rs, d, "disability_living", false);
  EXPECT_TRUE(has(bare, "成员 P2 李四：残疾人证未填写。")) << all(bare);
}

TEST(Reasons, AgeBelowAThresholdSaysHowManyYearsAreMissing) {
  auto l = load(R"R(
define member.age "年龄(周岁)" : integer = age_at(member.birth_date, last_day(period))
program pension "养老" for member paid monthly { eligible when member.age >= 60  amount = 200 }
)R");
  const ir::RuleSet& rs = *l->rules;
  Decided d = decide(rs, R"({"id":"H","region":"140521","area":"rural","members":[
    {"id":"P1","relation":"self","birth_date":"1950-01-01"},{"id":"P2","relation":"spouse","birth_date":"1980-01-01"}]})");
  std::vector<std::string> s = sentences(rs, d, "pension");
  EXPECT_EQ(s, (std::vector<std::string>{"成员 P1 享受「养老」，每月 200.00 元。", "成员 P2：年龄 41 周岁，未满 60 周岁，还差 19 岁。"}))
      << all(s);
}

TEST(Reasons, ExclusionsSayWhatIsHeldAndWhatIsNotPaidTwice) {
  auto l = load(R"(
program support "特困供养" for household paid monthly { eligible when true  amount = 500 }
program allowance "低保" for household paid monthly { eligible when true  amount = 100 }
exclusive support over allowance
define member.old : bool = age_at(member.birth_date, last_day(period)) >= 60
program care "供养" for member paid monthly { eligible when member.old  amount = 500 }
program bonus "补贴" for member paid monthly { eligible when true  amount = 100 }
exclusive care over bonus
compatible support, care
compatible support, bonus
compatible allowance, care
compatible allowance, bonus
)");
  const ir::RuleSet& rs = *l->rules;
  Decided d = decide(rs, R"({"id":"H","region":"140521100000","area":"rural","members":[
    {"id":"P1","relation":"self","birth_date":"1950-01-01"},{"id":"P2","relation":"child","birth_date":"2012-01-01"}]})");
  ASSERT_EQ(entitlement(d.result, rs, "allowance").kind, DecisionKind::Excluded);
  EXPECT_EQ(sentences(rs, d, "allowance"), std::vector<std::string>{"已享受「特困供养」，不重复享受「低保」。"});
  std::vector<std::string> bonus = sentences(rs, d, "bonus");
  EXPECT_TRUE(has(bonus, "成员 P2 享受「补贴」，每月 100.00 元。")) << all(bonus);
  EXPECT_TRUE(has(bonus, "成员 P1 已享受「供养」，不重复享受「补贴」。")) << all(bonus);
}

TEST(Reasons, UndeterminedNamesTheMissingFactsInWords) {
  const ir::RuleSet& rs = *lib().rules;
  // 石泉县: no source for the 低保 standard.
  Decided sq = decide(rs, R"({"id":"S","region":"610922100000","area":"rural","members":[)" + zhang_san("320") + "]}");
  ASSERT_EQ(entitlement(sq.result, rs, "dibao").kind, DecisionKind::Undetermined);
  EXPECT_EQ(sentences(rs, sq, "dibao")[0],
            "能否享受「城乡最低生活保障」暂无法确定：标准「最低生活保障标准」610922 石泉县 农村 自 2016-01-01 起的取值未找到来源，待录入。");

  // A member's fact not recorded: said in the member's words, without the code.
  Decided d = decide(rs, qinshui(R"({"id":"P1","name":"郭长顺","relation":"self","birth_date":"1966-11-20",
                                     "disability":{"grade":1,"kind":"physical"}})"));
  const Entitlement& care = entitlement(d.result, rs, "disability_care");
  ASSERT_EQ(care.kind, DecisionKind::Undetermined);
  std::vector<std::string> s = sentences(rs, d, "disability_care");
  EXPECT_TRUE(has(s, "成员 P1 郭长顺能否享受「重度残疾人护理补贴」暂无法确定：「需要长期照护」未填写。")) << all(s);
}

TEST(Reasons, JsonCarriesReasonsOnlyWithExplain) {
  const ir::RuleSet& rs = *lib().rules;
  Decided d = decide(rs, qinshui(zhang_san("650")));
  auto with = nlohmann::json::parse(render_result_json(rs, lib().sources, d.result, true, &d.hh));
  ASSERT_TRUE(with["entitlements"][0].contains("reasons"));
  EXPECT_EQ(with["entitlements"][0]["program"], "dibao");
  EXPECT_EQ(with["entitlements"][0]["reasons"][0], "家庭月人均收入 650.00 元，高于农村最低生活保障标准 440.00 元，超出 210.00 元。");
  for (const auto& e : with["entitlements"]) EXPECT_FALSE(e["reasons"].empty()) << e["program"];

  // Without explain nothing changes, with or without the household.
  HouseholdResult plain = Evaluator(rs).evaluate(d.hh, *Month::parse("2021-03"), false);
  std::string a = render_result_json(rs, lib().sources, plain, false);
  EXPECT_EQ(a, render_result_json(rs, lib().sources, plain, false, &d.hh));
  EXPECT_EQ(a.find("\"reasons\""), std::string::npos);
}

TEST(Reasons, TextPrintsTheSentenceAboveTheConditionAndItsPlace) {
  const ir::RuleSet& rs = *lib().rules;
  Decided d = decide(rs, qinshui(zhang_san("650")));
  std::string text = render_result_text(rs, lib().sources, d.result, true, &d.hh);
  std::string sentence = "      · 家庭月人均收入 650.00 元，高于农村最低生活保障标准 440.00 元，超出 210.00 元。\n"
                         "          未满足 household: per_capita < dibao_standard — 实际 650.00 ≥ 440.00，差 210.00  [";
  EXPECT_NE(text.find(sentence), std::string::npos) << text;
  EXPECT_NE(text.find("dibao.rules:"), std::string::npos);
}

TEST(Reasons, EverySampleSentenceEndsWithAFullStopAndIsDeterministic) {
  const ir::RuleSet& rs = *lib().rules;
  const char* record = R"({"id":"QS-0004","region":"140521104000","area":"rural","status":{"dibao_since":"2019-05","dibao_amount":"520.00"},
    "members":[{"id":"P1","name":"郭长顺","relation":"self","birth_date":"1966-11-20","disability":{"grade":1,"kind":"physical"},
                "long_term_care_needed":true,"self_care_failed":4},
               {"id":"P2","relation":"spouse","birth_date":"1968-02-14"},
               {"id":"P3","relation":"child","birth_date":"2007-06-01","school":{"stage":"senior"}}]})";
  for (const char* month : {"2021-03", "2026-01"}) {
    Decided a = decide(rs, record, month), b = decide(rs, record, month);
    for (std::size_t i = 0; i < a.result.entitlements.size(); ++i) {
      std::vector<std::string> x = reason_sentences(rs, a.result, a.result.entitlements[i], &a.hh);
      EXPECT_EQ(x, reason_sentences(rs, b.result, b.result.entitlements[i], &b.hh));
      EXPECT_FALSE(x.empty()) << rs.programs[a.result.entitlements[i].program].name;
      for (const std::string& s : x) {
        ASSERT_GE(s.size(), 3u);
        EXPECT_EQ(s.substr(s.size() - 3), "。") << s;
        EXPECT_EQ(s.find("。"), s.size() - 3) << "one sentence: " << s;
      }
    }
  }
}
