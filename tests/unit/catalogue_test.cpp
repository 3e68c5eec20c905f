// catalogue_test.cpp — the catalogue of the shipped library: programs in words, standards' timelines with
// region names and sources, the list of values still to be entered; Markdown and HTML agree and escape.
#include <fstream>
#include <sstream>

#include "engine/explain/catalogue.hpp"
#include "engine/explain/words.hpp"
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

TEST(Catalogue, DescribesTheLibrary) {
  auto l = load_rules(ENTITLE_RULES_DIR);
  ASSERT_TRUE(l->rules);
  Document doc = build_catalogue(*l->rules, l->sources);
  std::string md = doc.markdown();
  EXPECT_NE(md.find("### 城乡最低生活保障 (dibao)"), std::string::npos);
  EXPECT_NE(md.find("### 特困人员照料护理 (tekun_care)"), std::string::npos);
  EXPECT_NE(md.find("金额: （最低生活保障标准 减 家庭月人均收入） 乘以 共同生活家庭成员人数（按分四舍五入）。"), std::string::npos);
  // A standard's timeline: region code and name, dates, the value as written and its source.
  EXPECT_NE(md.find("| 140521 | 沁水县 | 农村 (rural) | 2020-01-01 (推定) |  | 5280 / year | 《沁水县“十四五”公共服务和社会保障发展规划》(2022-05): 2020 年农村低保标准 |"),
            std::string::npos);
  EXPECT_NE(md.find("| 14 | 山西省 | 一级 (grade_1) | 2026-01-01 |  | 122 |"), std::string::npos);
  // Values no source gives, listed for county offices.
  EXPECT_NE(md.find("| 最低生活保障标准 (dibao_standard) | 610922 石泉县 | 城市 (urban) | 2016-01-01 |"), std::string::npos);
  std::string html = doc.html("目录");
  EXPECT_NE(html.find("<h3 id=\"program-dibao\">城乡最低生活保障 (dibao)</h3>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"unsourced\">未找到公开来源 (无来源)</td>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);  // self-contained, nothing to run or fetch
}

TEST(Catalogue, ListsCombinationsStaleValuesAndAssumedDates) {
  auto l = load_rules(ENTITLE_RULES_DIR);
  ASSERT_TRUE(l->rules);
  std::string md = build_catalogue(*l->rules, l->sources).markdown();
  // Every combination with its kind; the stale 2020 沁水 standard with the date it became provisional.
  EXPECT_NE(md.find("| 互斥 (优先者先定，另一项不重复享受) | 「特困人员基本生活」(tekun_basic) 优先于 「城乡最低生活保障」(dibao)"), std::string::npos);
  EXPECT_NE(md.find("「孤儿及事实无人抚养儿童基本生活保障」(orphan_basic)、「特困人员基本生活」(tekun_basic) 由家庭选择其一"), std::string::npos);
  EXPECT_NE(md.find("| 最低生活保障标准 (dibao_standard) | 140521 沁水县 | 农村 (rural) | 5280 / year | 2020-01-01 | 2021-01-01 |"),
            std::string::npos);
  EXPECT_NE(md.find("| 困难残疾人生活补贴标准 (disability_living_standard) | 61 陕西省 | 18周岁及以上 (adult) | 60 | 2016-01-01 | 2017-01-01 |"),
            std::string::npos);
  EXPECT_NE(md.find("## 推定的生效日期"), std::string::npos);
}

TEST(Catalogue, HtmlEscapesRuleText) {
  auto l = load(R"(program p "a<b & \"c\"" for household paid monthly { eligible when 1 < 2  amount = 1 })");
  Document doc = build_catalogue(*l->rules, l->sources);
  std::string html = doc.html("t");
  EXPECT_NE(html.find("a&lt;b &amp; &quot;c&quot;"), std::string::npos) << html.substr(0, 2000);
  EXPECT_NE(html.find("eligible when 1 &lt; 2"), std::string::npos);
}

TEST(Words, ReadsExpressionsWithLabels) {
  auto l = load(R"(
standard s "低保标准" : money per month { all: from 2020-01-01 1 }
define household.pc "人均收入" : money = 1
define member.age "年龄" : integer = age_at(member.birth_date, last_day(period))
program p "p" for household paid monthly {
  eligible when pc < s and not (area in {urban}) and any m in members where m.age >= 60
  amount = round(s - pc, fen, half_up)
}
)");
  const ir::RuleSet& rs = *l->rules;
  EXPECT_EQ(describe_in_words(rs, rs.programs[0].eligible),
            "人均收入 低于 低保标准，且并非area 属于 城市，且members中有一项年龄 不低于 60");
  EXPECT_EQ(describe_in_words(rs, rs.programs[0].amount), "低保标准 减 人均收入（按分四舍五入）");
  EXPECT_EQ(describe_in_words(rs, rs.defs[1].value), "按birth_date计算、截至评估月份的最后一天的周岁年龄");
}

TEST(Catalogue, TheCopyInDocsIsCurrent) {
  // docs/catalogue/ is what a county office reads without building anything; it must say what the rules say.
  // Refresh it with: entitle doc rules --out docs/catalogue
  auto l = load_rules(ENTITLE_RULES_DIR);
  ASSERT_TRUE(l->rules);
  Document doc = build_catalogue(*l->rules, l->sources);
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  EXPECT_EQ(read(ENTITLE_DOCS_DIR "/catalogue/catalogue.md"), doc.markdown())
      << "docs/catalogue is out of date: run `entitle doc rules --out docs/catalogue`";
  EXPECT_EQ(read(ENTITLE_DOCS_DIR "/catalogue/catalogue.html"), doc.html("社会救助规则目录"));
}
