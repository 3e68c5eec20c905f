// notice_test.cpp — the determination notice (审核确认告知书): golden pages for three sample households in
// tests/golden/notice/<household>_<period>.html (run with UPDATE_GOLDEN=1 to rewrite them, then review the diff), and
// the content that must be there whatever the layout: amounts, citations, the county's text, escaping.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "engine/api/record_source.hpp"
#include "engine/api/rules_loader.hpp"
#include "engine/base/sha256.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/service/notice.hpp"

namespace fs = std::filesystem;
using namespace entitle;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

/// The shipped rules and the sample households, loaded once.
struct Samples {
  std::unique_ptr<LoadedRules> loaded;
  std::map<std::string, RawRecord> records;  // by household id

  static Samples& get() {
    static Samples s = [] {
      Samples s;
      const fs::path rules_dir = fs::path(ENTITLE_RULES_DIR);
      fs::path was = fs::current_path();
      fs::current_path(rules_dir.parent_path());  // as `entitle eval --rules rules/` loads them
      s.loaded = load_rules(rules_dir.filename().string());
      fs::current_path(was);
      std::string error;
      read_records((rules_dir / "samples" / "households.jsonl").string(), [&](RawRecord&& rec) {
        if (!rec.json) return;
        const JsonNode* id = rec.json->find("id");
        if (id && id->kind == JsonNode::Kind::String) s.records[id->text] = std::move(rec);
      }, error);
      return s;
    }();
    return s;
  }
  const ir::RuleSet& rs() const { return *loaded->rules; }
};

/// The notice of a sample household for a month, as the server prints it for a fixed date.
struct Notice {
  Household hh;
  HouseholdResult result;
  NoticeInput input;
  std::string html;
};

std::unique_ptr<Notice> notice_of(const std::string& id, const std::string& period,
                                  const std::map<std::string, std::vector<std::string>>& reasons = {},
                                  const std::string& template_text = "") {
  Samples& s = Samples::get();
  auto n = std::make_unique<Notice>();
  const RawRecord& rec = s.records.at(id);
  const Month month = *Month::parse(period);
  std::vector<InputError> errors;
  EXPECT_TRUE(load_household(s.rs(), *rec.json, rec.label, n->hh, errors, LoadOptions::evaluating(month)));
  n->result = Evaluator(s.rs()).evaluate(n->hh, month, /*explain=*/true);
  n->input.rs = &s.rs();
  n->input.result = &n->result;
  n->input.household = &n->hh;
  n->input.reasons = reasons;
  n->input.template_text = template_text;
  n->input.issued_date = "2026-01-20";
  n->input.record_hash = "sha256:" + sha256_hex(rec.text);
  n->html = render_notice_html(n->input);
  return n;
}

const char* const kGolden[][2] = {
    {"QS-0002", "2026-01"},  // 低保 granted (provisional: the 2020 standard), 义务教育生活补助 by year, the rest refused
    {"QS-0003", "2026-01"},  // 低保 refused: income above the standard
    {"QS-0005", "2026-01"},  // 特困 granted, a choice for the child, amounts pending, 低保 for the child
};

}  // namespace

TEST(Notice, SamplesRenderedAsGolden) {
  ASSERT_TRUE(Samples::get().loaded->rules);
  const bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
  const fs::path golden = fs::path(ENTITLE_GOLDEN_DIR) / "notice";
  if (update) fs::create_directories(golden);
  std::set<std::string> expected;
  for (const auto& [id, period] : kGolden) {
    auto n = notice_of(id, period);
    const std::string name = std::string(id) + "_" + period + ".html";
    expected.insert(name);
    const fs::path file = golden / name;
    if (update) {
      std::ofstream(file, std::ios::binary) << n->html;
      continue;
    }
    ASSERT_TRUE(fs::exists(file)) << "missing golden " << file << ": create it with UPDATE_GOLDEN=1 "
                                  << "(e.g. UPDATE_GOLDEN=1 build/test/tests/entitle_unit_tests --gtest_filter='Notice.*'), "
                                  << "then review it";
    EXPECT_EQ(n->html, read(file)) << "the notice of " << id << " for " << period << " differs from " << file
                                   << ". If the change is intended (the rules or the notice changed), rewrite the goldens "
                                   << "with UPDATE_GOLDEN=1 and review the diff.";
  }
  if (!update && fs::is_directory(golden)) {
    for (const auto& e : fs::directory_iterator(golden))
      EXPECT_TRUE(expected.count(e.path().filename().string())) << "golden " << e.path() << " is no longer written; delete it";
  }
}

TEST(Notice, GrantedProgramsWithAmountMembersAndMonthlyTotal) {
  auto n = notice_of("QS-0002", "2026-01");
  const std::string& h = n->html;
  EXPECT_NE(h.find("<h1>审核确认告知书</h1>"), std::string::npos);
  EXPECT_NE(h.find("沁水县龙港镇人民政府"), std::string::npos);
  EXPECT_NE(h.find("QS-0002"), std::string::npos);
  EXPECT_NE(h.find("2026年1月"), std::string::npos);
  EXPECT_NE(h.find("王建国（本人）、张秀英（配偶）、成员P3（子女）、成员P4（子女），共4人"), std::string::npos);
  EXPECT_NE(h.find("<th>户主</th><td>王建国</td>"), std::string::npos);
  EXPECT_NE(h.find("760.00 元/月"), std::string::npos);  // 低保
  EXPECT_NE(h.find("成员P3 1500.00、成员P4 625.00"), std::string::npos);  // 义务教育生活补助, per member
  EXPECT_NE(h.find("2125.00 元/年"), std::string::npos);
  // The monthly total counts the monthly programs only.
  EXPECT_NE(h.find("<td>按月发放合计</td><td class=\"amount\">760.00 元/月</td>"), std::string::npos) << h;
  // Provisional: the 2020 standard, flagged with its date, for the county to confirm.
  EXPECT_NE(h.find("暂定：标注“暂定”的项目所用标准「最低生活保障标准」（沁水县·农村，自2020-01-01起）已超过更新周期，"
                   "待县级民政部门确认。"),
            std::string::npos);
  EXPECT_NE(h.find("aria-label=\"⏳\""), std::string::npos);  // the hourglass, drawn
  EXPECT_NE(h.find("440.00 元/月"), std::string::npos);  // the standard value used, with its date
  EXPECT_NE(h.find("<td class=\"date\">2020-01-01</td>"), std::string::npos);
  // Footer: rules hash and record hash, short; the date generated.
  const ir::RuleSet& rs = Samples::get().rs();
  EXPECT_NE(h.find("规则集 " + rs.hash.substr(0, 19)), std::string::npos);
  EXPECT_NE(h.find("案卷版本 " + n->input.record_hash.substr(0, 19)), std::string::npos);
  EXPECT_EQ(h.find(n->input.record_hash), std::string::npos);  // short, not the whole hash
  EXPECT_NE(h.find("生成日期 2026-01-20"), std::string::npos);
  // Signature lines and the date issued.
  for (const char* s : {"经办人：", "审核人：", "沁水县龙港镇人民政府（盖章）", "2026年1月20日"})
    EXPECT_NE(h.find(s), std::string::npos) << s;
  // Print: A4, the navigation hidden when printed, the serif CJK face first.
  EXPECT_NE(h.find("@page { size: A4; margin: 18mm; }"), std::string::npos);
  EXPECT_NE(h.find(".toolbar, .no-print { display: none !important; }"), std::string::npos);
  EXPECT_NE(h.find("font-family: \"Noto Serif CJK SC\", \"Noto Sans CJK SC\""), std::string::npos);
}

TEST(Notice, RefusedProgramsWithReasonAndCitation) {
  auto n = notice_of("QS-0003", "2026-01");
  const std::string& h = n->html;
  const ir::RuleSet& rs = Samples::get().rs();
  const ir::ProgramDef* dibao = nullptr;
  for (const auto& p : rs.programs)
    if (p.name == "dibao") dibao = &p;
  ASSERT_TRUE(dibao);
  ASSERT_FALSE(dibao->cite.empty());
  std::size_t row = h.find("<tr><td>" + dibao->label);
  ASSERT_NE(row, std::string::npos) << h;
  std::size_t end = h.find("</tr>", row);
  const std::string tr = h.substr(row, end - row);
  EXPECT_NE(tr.find(dibao->cite), std::string::npos) << tr;                 // the citation
  EXPECT_NE(tr.find("（实际 1950.00 ≥ 630.00）"), std::string::npos) << tr;  // the fallback reason: its values
  // Enum values by their labels in the fallback reasons.
  auto qs2 = notice_of("QS-0002", "2026-01");
  EXPECT_NE(qs2->html.find("成员P3：不满足“在校的学段 为 普通高中”（实际 初中 ≠ 普通高中）"), std::string::npos) << qs2->html;
  EXPECT_NE(qs2->html.find("家庭成员均无“残疾”记录"), std::string::npos);
  EXPECT_NE(h.find("<p class=\"none\">无。</p>"), std::string::npos);        // nothing granted
  EXPECT_EQ(h.find("按月发放合计"), std::string::npos);

  // Reasons given by the caller are printed instead, in order, escaped.
  auto given = notice_of("QS-0003", "2026-01",
                         {{"dibao", {"家庭月人均收入 1950.00 元，高于本地低保标准 630.00 元。", "第二句 <i>x</i>"}}});
  EXPECT_NE(given->html.find("<td>家庭月人均收入 1950.00 元，高于本地低保标准 630.00 元。<br>第二句 &lt;i&gt;x&lt;/i&gt;</td>"),
            std::string::npos);
  EXPECT_EQ(given->html.find("（实际 1950.00 ≥ 630.00）</"), std::string::npos);
}

TEST(Notice, PendingChoiceAndMissingFactsInWords) {
  auto n = notice_of("QS-0005", "2026-01");
  const std::string& h = n->html;
  // The child's choice between the orphan guarantee and 特困, with the amount of each: one row.
  const std::string choice = "成员P2：可在「孤儿及事实无人抚养儿童基本生活保障」（705.00 元/月）与「特困人员基本生活」（575.00 元/月）"
                             "中选择其一；家庭作出选择前暂不发放。";
  EXPECT_EQ(count(h, choice), 1u) << h;
  // A missing fact about a named member, by name and label, without the code.
  EXPECT_NE(h.find("宋奶奶：符合条件，金额尚待确定。尚待补充：宋奶奶的「不能自理的日常活动项数 (0–6)」。"), std::string::npos) << h;
  EXPECT_EQ(h.find("members[P1]"), std::string::npos);

  auto sq = notice_of("SQ-0002", "2026-01");
  EXPECT_NE(sq->html.find("<td>尚待补充：标准「最低生活保障标准」（石泉县·农村）的取值，待县级民政部门录入。</td>"), std::string::npos)
      << sq->html;
  EXPECT_EQ(sq->html.find("(dibao_standard)"), std::string::npos);
  EXPECT_NE(sq->html.find("800.00 元/学期"), std::string::npos);
}

TEST(Notice, TemplateFilledAndDefaultIsGeneral) {
  const std::string& d = default_notice_template();
  EXPECT_NE(d.find("依法申请行政复议或者提起行政诉讼"), std::string::npos);
  EXPECT_NE(d.find("____日"), std::string::npos);  // the days are the county's to fill

  auto n = notice_of("QS-0002", "2026-01");
  EXPECT_NE(n->html.find("可以自收到本告知书之日起____日内，向龙港镇人民政府或者沁水县民政局提出复核申请"), std::string::npos);
  EXPECT_NE(n->html.find("依法申请行政复议或者提起行政诉讼"), std::string::npos);

  auto custom = notice_of("QS-0002", "2026-01", {},
                          "{户主}户（{户编号}）对{月份}的结果有异议的，可于15日内向{县}{乡镇}申请复核。\n\n"
                          "{日期} {未知} & <联系电话>\n");
  const std::string& h = custom->html;
  EXPECT_NE(h.find("<p>王建国户（QS-0002）对2026年1月的结果有异议的，可于15日内向沁水县龙港镇申请复核。</p>"), std::string::npos)
      << h;
  EXPECT_NE(h.find("<p>2026年1月20日 {未知} &amp; &lt;联系电话&gt;</p>"), std::string::npos);
  EXPECT_EQ(h.find("提起行政诉讼"), std::string::npos);  // the county's text replaces the default

  EXPECT_EQ(fill_notice_template("{{县}} {乡镇", {{"县", "沁水县"}, {"乡镇", "端氏镇"}}), "{沁水县} {乡镇");
}

TEST(Notice, EveryTextIsEscaped) {
  const ir::RuleSet& rs = Samples::get().rs();
  std::string error;
  auto record = parse_json(
      R"({"id":"QS-<9>&","region":"140521103000","area":"rural","members":[)"
      R"({"id":"P1","name":"<b>李\"四'</b>","relation":"self","birth_date":"1960-01-01"}]})",
      error);
  ASSERT_TRUE(record) << error;
  Household hh;
  std::vector<InputError> errors;
  ASSERT_TRUE(load_household(rs, *record, "test", hh, errors)) << (errors.empty() ? "" : errors[0].to_string());
  HouseholdResult r = Evaluator(rs).evaluate(hh, *Month::parse("2026-01"), true);
  NoticeInput in;
  in.rs = &rs;
  in.result = &r;
  in.household = &hh;
  in.issued_date = "2026-01-20";
  in.record_hash = "<script>";
  const std::string h = render_notice_html(in);
  EXPECT_NE(h.find("&lt;b&gt;李&quot;四&#39;&lt;/b&gt;"), std::string::npos) << h;
  EXPECT_NE(h.find("QS-&lt;9&gt;&amp;"), std::string::npos);
  EXPECT_EQ(h.find("<b>"), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(count(h, "<h1>"), 1u);
}

TEST(Notice, EverySampleRendersWithAllSections) {
  Samples& s = Samples::get();
  ASSERT_GE(s.records.size(), 8u);
  for (const auto& [id, rec] : s.records) {
    auto n = notice_of(id, "2026-01");
    const std::string& h = n->html;
    EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u) << id;
    EXPECT_NE(h.find("</html>"), std::string::npos) << id;
    EXPECT_NE(h.find("准予享受的待遇"), std::string::npos) << id;
    EXPECT_NE(h.find("不予享受的待遇"), std::string::npos) << id;
    EXPECT_NE(h.find("复核与救济"), std::string::npos) << id;
    // Every program appears once in some section.
    for (const Entitlement& e : n->result.entitlements)
      EXPECT_NE(h.find(s.rs().programs[e.program].label), std::string::npos) << id << " " << s.rs().programs[e.program].name;
    // Balanced table markup.
    EXPECT_EQ(count(h, "<table"), count(h, "</table>")) << id;
    EXPECT_EQ(count(h, "<tr"), count(h, "</tr>")) << id;
  }
}

TEST(Notice, MembersWithoutHouseholdFallBackToTheGivenList) {
  auto n = notice_of("QS-0002", "2026-01");
  NoticeInput in = n->input;
  in.household = nullptr;
  in.members = {{"P1", "王某", "self", "本人"}};
  const std::string h = render_notice_html(in);
  EXPECT_NE(h.find("<th>户主</th><td>王某</td>"), std::string::npos);
  EXPECT_NE(h.find("王某、成员P2、成员P3、成员P4"), std::string::npos);  // 低保 covers everyone; unnamed by id
}
