// render_test.cpp — the result JSON of shared/spec/household-format.md and the caseworker's text.
#include <nlohmann/json.hpp>

#include "engine/explain/missing_words.hpp"
#include "engine/explain/render.hpp"
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

TEST(Render, JsonFollowsTheSpec) {
  auto l = load(R"(
program hh "家庭项目" for household paid monthly { eligible when true  amount = 760 }
program mm "成员项目" for member paid yearly { eligible when true  amount = 1250 }
program no "不符合" for household paid monthly { eligible when false  amount = 1 }
program un "待定" for household paid monthly { eligible when assets.deposits < 1  amount = 1 }
)");
  ASSERT_TRUE(l->rules);
  Evaluator ev(*l->rules);
  auto r = ev.evaluate(household(*l->rules, one_member()), *Month::parse("2021-03"), false);
  auto j = nlohmann::json::parse(render_result_json(*l->rules, l->sources, r, false));
  EXPECT_EQ(j["household"], "H1");
  EXPECT_EQ(j["period"], "2021-03");
  EXPECT_EQ(j["ruleset"].get<std::string>().substr(0, 7), "sha256:");
  EXPECT_EQ(j["entitlements"][0]["program"], "hh");
  EXPECT_EQ(j["entitlements"][0]["label"], "家庭项目");
  EXPECT_EQ(j["entitlements"][0]["eligible"], true);
  EXPECT_EQ(j["entitlements"][0]["amount"], "760.00");
  EXPECT_EQ(j["entitlements"][0]["per"], "month");
  EXPECT_EQ(j["entitlements"][0]["members"], nlohmann::json::array({"P1"}));
  EXPECT_EQ(j["entitlements"][1]["by_member"][0]["amount"], "1250.00");
  EXPECT_EQ(j["entitlements"][2]["eligible"], false);
  EXPECT_EQ(j["entitlements"][2]["amount"], "0.00");
  EXPECT_TRUE(j["entitlements"][3]["eligible"].is_null());
  EXPECT_EQ(j["entitlements"][3]["missing"], nlohmann::json::array({"assets"}));
  EXPECT_EQ(j["errors"], nlohmann::json::array());
}

TEST(Render, TextNamesProgramsInChineseAndExplains) {
  auto l = load(R"(
standard s "标准" : money per month cite "某文件 第一条" { 140521: from 2020-01-01 630 cite "某县通知 2019-12" }
define household.per_capita "人均收入" : money = 650
program p "城乡最低生活保障" for household paid monthly cite "社会救助暂行办法 第十二条" {
  eligible when per_capita < s
  amount = s - per_capita
}
)");
  Evaluator ev(*l->rules);
  auto r = ev.evaluate(household(*l->rules, one_member()), *Month::parse("2021-03"), true);
  std::string text = render_result_text(*l->rules, l->sources, r, true);
  EXPECT_NE(text.find("✘ 城乡最低生活保障 (p): 不符合"), std::string::npos) << text;
  EXPECT_NE(text.find("per_capita < s — 实际 650.00 ≥ 630.00，差 20.00"), std::string::npos) << text;
  EXPECT_NE(text.find("标准 s 「标准」 = 630.00 (县级 county 140521, 自 2020-01-01; 原文: from 2020-01-01 630)"), std::string::npos) << text;
  EXPECT_NE(text.find("依据: 某文件 第一条"), std::string::npos) << text;
  EXPECT_NE(text.find("取值依据: 某县通知 2019-12"), std::string::npos) << text;
}

TEST(Render, MemberProgramsExplainEveryMember) {
  auto l = load(R"(
define member.age : integer = age_at(member.birth_date, last_day(period))
program pension "养老" for member paid monthly { eligible when member.age >= 60  amount = 200 }
)");
  Evaluator ev(*l->rules);
  auto hh = household(*l->rules, R"({"id":"H","region":"140521","area":"rural","members":[
    {"id":"P1","relation":"self","birth_date":"1950-01-01"},{"id":"P2","relation":"spouse","birth_date":"1980-01-01"}]})");
  auto r = ev.evaluate(hh, *Month::parse("2021-03"), true);
  ASSERT_EQ(r.entitlements[0].trace_nodes.size(), 2u);
  std::string text = render_result_text(*l->rules, l->sources, r, true);
  EXPECT_NE(text.find("pension 「养老」 @members[P1] = eligible, 200.00"), std::string::npos) << text;
  EXPECT_NE(text.find("pension 「养老」 @members[P2] = not eligible"), std::string::npos) << text;
  EXPECT_NE(text.find("未满足 members[P2]: member.age >= 60 — 实际 41 < 60，差 19"), std::string::npos) << text;
}

TEST(MissingWords, StandardsAndFactsInACaseworkersWords) {
  auto l = load_rules(ENTITLE_RULES_DIR);
  ASSERT_TRUE(l->rules);
  const ir::RuleSet& rs = *l->rules;
  EXPECT_EQ(missing_in_words(rs, "standard dibao_standard for 610922 rural from 2016-01-01 (declared unsourced)"),
            "标准「最低生活保障标准」 610922 石泉县 农村 自 2016-01-01 起的取值未找到来源，待录入 (dibao_standard)");
  EXPECT_EQ(missing_in_words(rs, "members[P1].long_term_care_needed"), "成员 P1 的「需要长期照护」(members[P1].long_term_care_needed)");
  EXPECT_EQ(missing_in_words(rs, "status.phaseout_since"), "家庭的「渐退期起始月份」(status.phaseout_since)");
  EXPECT_EQ(missing_in_words(rs, "supporters[0].relation"), "家庭外义务人的「关系」(supporters[0].relation)");
  EXPECT_EQ(missing_in_words(rs, "something else entirely"), "something else entirely");
}
