// library_test.cpp — the standard rule library as a whole: every program decides for households of both
// counties in every month 2016–2026, and a county office entering a value changes results with no rule change.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;
namespace fs = std::filesystem;

namespace {

std::vector<std::pair<std::string, std::string>> library_texts() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& e : fs::recursive_directory_iterator(ENTITLE_RULES_DIR))
    if (e.path().extension() == ".rules") {
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      files.emplace_back(fs::relative(e.path(), ENTITLE_RULES_DIR).generic_string(), ss.str());
    }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> sample_households() {
  std::ifstream in(fs::path(ENTITLE_RULES_DIR) / "samples" / "households.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

/// Inserts `row` as the first row of standard `name` in the library's texts.
void enter_value(std::vector<std::pair<std::string, std::string>>& files, const std::string& name, const std::string& row) {
  for (auto& [file, text] : files) {
    auto at = text.find("standard " + name + " ");
    if (at == std::string::npos) continue;
    auto brace = text.find('{', at);
    text.insert(brace + 1, "\n  " + row + "\n");
    return;
  }
  FAIL() << "no standard " << name;
}

/// Appends a dated value under an existing row of standard `name` (the row's first line starts with `row_start`),
/// as a county office does when a new standard is published.
void append_value(std::vector<std::pair<std::string, std::string>>& files, const std::string& name,
                  const std::string& row_start, const std::string& value) {
  for (auto& [file, text] : files) {
    auto at = text.find("standard " + name + " ");
    if (at == std::string::npos) continue;
    auto row = text.find(row_start, at);
    auto line_end = text.find('\n', row);
    text.insert(line_end + 1, "                 " + value + "\n");
    return;
  }
  FAIL() << "no standard " << name;
}

const Entitlement* find(const HouseholdResult& r, const ir::RuleSet& rs, const std::string& program) {
  for (const auto& e : r.entitlements)
    if (rs.programs[e.program].name == program) return &e;
  return nullptr;
}

}  // namespace

TEST(Library, EveryProgramDecidesInEveryMonthForBothCounties) {
  auto l = load_rules(ENTITLE_RULES_DIR);
  ASSERT_TRUE(l->rules) << render_diagnostics(l->sources, l->diagnostics.sorted());
  const ir::RuleSet& rs = *l->rules;
  const std::vector<std::string> expected_ids = {"dibao", "tekun_basic", "tekun_care", "disability_living",
                                                 "disability_care", "orphan_basic", "edu_living", "edu_hs_grant",
                                                 "edu_hs_fee_waiver", "preschool_fee_waiver", "temp_assist"};
  for (const auto& id : expected_ids) {
    bool found = false;
    for (const auto& p : rs.programs) found = found || p.name == id;
    EXPECT_TRUE(found) << "the library has no program " << id;
  }
  Evaluator ev(rs);
  EvalScratch scratch;
  std::vector<Household> households;
  std::set<std::string> counties;
  for (const std::string& json : sample_households()) {
    households.push_back(household(rs, json));
    counties.insert(households.back().region.substr(0, 6));
  }
  EXPECT_EQ(counties, (std::set<std::string>{"140521", "610922"}));
  int granted = 0, refused = 0, undetermined = 0;
  for (int year = 2016; year <= 2026; ++year)
    for (int month = 1; month <= 12; ++month)
      for (const Household& hh : households) {
        HouseholdResult r = ev.evaluate(hh, Month::from_ym(year, month), false, nullptr, scratch);
        ASSERT_TRUE(r.errors.empty()) << hh.id << " " << year << "-" << month << ": " << r.errors[0].message;
        ASSERT_EQ(r.entitlements.size(), rs.programs.size());
        for (const Entitlement& e : r.entitlements) {
          if (!e.eligible) {
            ++undetermined;
            EXPECT_FALSE(e.missing.empty()) << "undetermined without naming what is missing";
          } else if (*e.eligible) {
            ++granted;
            EXPECT_TRUE(e.missing.empty() || e.amount == Rational(0) || e.kind == DecisionKind::AmountUndetermined)
                << hh.id << " " << year << "-" << month << " " << rs.programs[e.program].name;
            EXPECT_GE(e.amount, Rational(0));
          } else {
            ++refused;
            EXPECT_EQ(e.amount, Rational(0));
          }
        }
      }
  EXPECT_GT(granted, 0);
  EXPECT_GT(refused, 0);
  EXPECT_GT(undetermined, 0);
}

TEST(Library, CountyEntersAssetThresholdsThenHouseholdsWithoutAssetsAreUndetermined) {
  auto before = load_rules_from_texts(library_texts());
  ASSERT_TRUE(before->rules);
  std::string no_assets = R"({"id":"A","region":"140521100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1970-01-01"}]})";
  Evaluator ev0(*before->rules);
  auto r0 = ev0.evaluate(household(*before->rules, no_assets), *Month::parse("2027-03"), false);
  const Entitlement* d0 = find(r0, *before->rules, "dibao");
  ASSERT_TRUE(d0 && d0->eligible && *d0->eligible);
  EXPECT_NE(std::find(d0->warnings.begin(), d0->warnings.end(), "资产审核标准尚未设定 (本地无公开来源)，未进行资产审核"),
            d0->warnings.end());

  auto files = library_texts();
  enter_value(files, "dibao_deposit_limit", R"x(140521: from 2027-01-01 30000 cite "沁水县民政局 2026-12 通知 (示例)")x");
  auto after = load_rules_from_texts(files);
  ASSERT_TRUE(after->rules) << render_diagnostics(after->sources, after->diagnostics.sorted());
  Evaluator ev(*after->rules);
  auto r1 = ev.evaluate(household(*after->rules, no_assets), *Month::parse("2027-03"), false);
  const Entitlement* d1 = find(r1, *after->rules, "dibao");
  EXPECT_FALSE(d1->eligible.has_value());
  EXPECT_EQ(d1->missing, std::vector<std::string>{"assets"});
  EXPECT_TRUE(d1->warnings.empty());

  std::string rich = R"({"id":"B","region":"140521100000","area":"rural","assets":{"deposits":"40000","vehicles":0,"homes":1,"home_area_per_capita":"30"},"members":[{"id":"P1","relation":"self","birth_date":"1970-01-01"}]})";
  auto r2 = ev.evaluate(household(*after->rules, rich), *Month::parse("2027-03"), false);
  EXPECT_EQ(find(r2, *after->rules, "dibao")->eligible, std::optional<bool>(false));
  std::string modest = R"({"id":"C","region":"140521100000","area":"rural","assets":{"deposits":"20000","vehicles":0,"homes":1,"home_area_per_capita":"30"},"members":[{"id":"P1","relation":"self","birth_date":"1970-01-01"}]})";
  auto r3 = ev.evaluate(household(*after->rules, modest), *Month::parse("2027-03"), false);
  EXPECT_EQ(find(r3, *after->rules, "dibao")->amount, money("440"));
  // Before the value's date nothing changes.
  auto r4 = ev.evaluate(household(*after->rules, no_assets), *Month::parse("2026-12"), false);
  EXPECT_EQ(find(r4, *after->rules, "dibao")->amount, money("440"));
}

TEST(Library, CountyEntersItsDibaoStandardAndShiquanGetsAmounts) {
  auto files = library_texts();
  append_value(files, "dibao_standard", "610922 rural:", R"x(from 2024-01-01 4800 per year cite "石泉县 2024 年农村低保标准 (示例)")x");
  auto l = load_rules_from_texts(files);
  ASSERT_TRUE(l->rules) << render_diagnostics(l->sources, l->diagnostics.sorted());
  Evaluator ev(*l->rules);
  std::string hh = R"({"id":"S","region":"610922108000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1980-01-01","incomes":[{"kind":"wage","amount":"100","per":"month"}]}]})";
  auto r = ev.evaluate(household(*l->rules, hh), *Month::parse("2024-05"), false);
  EXPECT_EQ(find(r, *l->rules, "dibao")->amount, money("300"));
}

TEST(Library, HouseholdOutsideTheLibraryRegionsIsRefusedByName) {
  auto l = load_rules(ENTITLE_RULES_DIR);
  std::string error;
  auto record = parse_json(R"({"id":"X","region":"140522100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1980-01-01"}]})", error);
  Household hh;
  std::vector<InputError> errors;
  EXPECT_FALSE(load_household(*l->rules, *record, "line 1", hh, errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "区划 140522100000 不在本规则服务的地区内 "
                               "(region 140522100000 is outside the regions these rules serve (沁水县 140521, 石泉县 610922))");
}
