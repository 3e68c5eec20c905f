// household_test.cpp — record validation: every error names the record, the field path and what was expected.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/api/record_source.hpp"
#include "engine/casework/importer.hpp"
#include "engine/explain/render.hpp"
#include "engine/storage/storage.hpp"
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

namespace {
std::vector<InputError> errors_for(const ir::RuleSet& rs, const std::string& json) {
  std::string error;
  auto record = parse_json(json, error);
  EXPECT_TRUE(record) << error;
  Household hh;
  std::vector<InputError> errors;
  EXPECT_FALSE(load_household(rs, *record, "line 7", hh, errors));
  return errors;
}
std::string joined(const std::vector<InputError>& errors) {
  std::string s;
  for (const auto& e : errors) s += e.to_string() + "\n";
  return s;
}
}  // namespace

TEST(Household, MissingRequiredField) {
  auto l = load("");
  auto e = joined(errors_for(*l->rules, R"({"id":"H9","region":"140521","area":"rural","members":[{"id":"P1","relation":"self"}]})"));
  EXPECT_EQ(e, "household \"H9\" (line 7), field members[P1].birth_date: 缺少必填项 成员 P1 的 birth_date，应为日期 (YYYY-MM-DD) "
            "(this required field is missing: expected a date \"YYYY-MM-DD\")\n");
}

TEST(Household, WrongEnumListsTheAllowedValues) {
  auto l = load("");
  auto e = joined(errors_for(*l->rules, one_member("", "", "140521").replace(one_member("", "", "140521").find("rural"), 5, "city")));
  EXPECT_NE(e.find("field area: 应为 urban（城市）、rural（农村）之一（取值名或中文标签），填写的是 \"city\" (expected one of urban rural, found \"city\")"), std::string::npos) << e;
}

TEST(Household, MoneyMustBeWholeFenAndNotNegative) {
  auto l = load("");
  auto e = joined(errors_for(*l->rules, one_member(R"(,"incomes":[{"kind":"wage","amount":"10.005","per":"month"},{"kind":"wage","amount":-3,"per":"month"}])")));
  EXPECT_NE(e.find("members[P1].incomes[0].amount: 金额至多两位小数 (到分)，填写的是 \"10.005\""), std::string::npos) << e;
  EXPECT_NE(e.find("members[P1].incomes[1].amount: 成员 P1 的 incomes[1].amount 为 -3，应为不小于 0 的金额"), std::string::npos) << e;
}

TEST(Household, UnknownFieldIsAnError) {
  auto l = load("");
  auto e = joined(errors_for(*l->rules, one_member(R"(,"birthdate":"1970-01-01")")));
  EXPECT_NE(e.find("members[P1].birthdate: 未知字段 “birthdate”"), std::string::npos) << e;
}

TEST(Household, IdentityNumberChecks) {
  auto l = load("");
  // 14052119500101001X is valid; a mistyped last character fails the check (FACTS.md §7.1, E13).
  auto bad = joined(errors_for(*l->rules, R"({"id":"H","region":"140521","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1950-01-01","id_number":"140521195001010019"}]})"));
  EXPECT_NE(bad.find("should be 'X' (GB 11643-1999)"), std::string::npos) << bad;
  auto mismatch = joined(errors_for(*l->rules, R"({"id":"H","region":"140521","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1950-01-02","id_number":"14052119500101001x"}]})"));
  EXPECT_NE(mismatch.find("the birth date in the identity number (1950-01-01) differs from birth_date (1950-01-02)"), std::string::npos) << mismatch;
  Household hh = household(*l->rules, R"({"id":"H","region":"140521","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1950-01-01","id_number":"14052119500101001x"}]})");
  EXPECT_EQ(id_number_check_char("11010519491231002"), 'X');
  EXPECT_EQ(id_number_check_char("44052418800101001"), '4');
}

TEST(Household, RegionMustBeACode) {
  auto l = load("");
  auto e = joined(errors_for(*l->rules, one_member("", "", "14052")));
  EXPECT_NE(e.find("field region: 区划代码应为 6 位县级代码或 9/12 位乡镇代码"), std::string::npos) << e;
}

TEST(Household, DuplicateMemberIds) {
  auto l = load("");
  auto e = joined(errors_for(*l->rules, R"({"id":"H","region":"140521","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1950-01-01"},{"id":"P1","relation":"spouse","birth_date":"1951-01-01"}]})"));
  EXPECT_NE(e.find("field members[P1]: id \"P1\" 在 members 中重复出现，应唯一 (the id \"P1\" is used twice in members)"), std::string::npos) << e;
}

TEST(Household, NumbersKeepTheirExactText) {
  auto l = load(R"(
define member.total : money = sum of i.amount for i in member.incomes
program p "p" for household paid monthly { eligible when true  amount = sum of m.total for m in members }
)");
  Household hh = household(*l->rules, one_member(R"(,"incomes":[{"kind":"wage","amount":0.1,"per":"month"},{"kind":"wage","amount":0.2,"per":"month"}])"));
  Evaluator ev(*l->rules);
  auto r = ev.evaluate(hh, *Month::parse("2021-03"), false);
  EXPECT_EQ(entitlement(r, *l->rules, "p").amount, money("0.3"));
}

TEST(Household, InvalidJsonSaysWhere) {
  std::string error;
  EXPECT_FALSE(parse_json(R"({"id": "x",})", error));
  EXPECT_NE(error.find("at byte"), std::string::npos) << error;
  EXPECT_FALSE(parse_json(R"({"id": "x", "id": "y"})", error));
  EXPECT_NE(error.find("appears twice"), std::string::npos) << error;
}

TEST(Household, RegionMustBeDeclaredWhenRegionsAre) {
  auto l = load(R"(regions "区划" { 14 "山西省" 140521 "沁水县" 140521103000 "端氏镇" 61 "陕西省" 610922 "石泉县" })");
  household(*l->rules, one_member("", "", "140521103000"));
  household(*l->rules, one_member("", "", "140521103"));  // the 9-digit form of a declared township
  auto township = joined(errors_for(*l->rules, one_member("", "", "140521999000")));
  EXPECT_NE(township.find("region 140521999000 is not a known township of 沁水县 (140521)"), std::string::npos) << township;
  auto county = joined(errors_for(*l->rules, one_member("", "", "610923")));
  EXPECT_NE(county.find("region 610923 is outside the regions these rules serve (沁水县 140521, 石泉县 610922)"), std::string::npos) << county;
}

TEST(Household, SexComesFromTheIdentityNumber) {
  auto l = load_rules(ENTITLE_RULES_DIR);
  ASSERT_TRUE(l->rules);
  Household hh = household(*l->rules, R"({"id":"E13","region":"140521103000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1950-01-01","id_number":"14052119500101001X"}]})");
  const ir::EntityDef& member = l->rules->entities[hh.instances[1].entity];
  int sex = member.find_field("sex");
  ASSERT_TRUE(hh.instances[1].present[sex]);
  EXPECT_EQ(l->rules->enums[member.fields[sex].type.ref].values[hh.instances[1].fields[sex].scalar], "male");
  auto e = joined(errors_for(*l->rules, R"({"id":"E13b","region":"140521103000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1950-01-01","id_number":"14052119500101001X","sex":"female"}]})"));
  EXPECT_NE(e.find("members[P1].sex: 公民身份号码 14052119500101001X 对应性别为男"), std::string::npos) << e;
}

// ---- impossible records: field ranges, household rules, dates after the month evaluated, Chinese labels ----

namespace {
namespace fs = std::filesystem;

ir::FieldDef& field_of(ir::RuleSet& rs, const std::string& entity, const std::string& field) {
  for (auto& e : rs.entities)
    if (e.name == entity && e.find_field(field) >= 0) return e.fields[e.find_field(field)];
  throw std::runtime_error("no field " + entity + "." + field);
}

std::vector<InputError> errors_with(const ir::RuleSet& rs, const std::string& json, const LoadOptions& options) {
  std::string error;
  auto record = parse_json(json, error);
  EXPECT_TRUE(record) << error;
  Household hh;
  std::vector<InputError> errors;
  EXPECT_FALSE(load_household(rs, *record, "line 7", hh, errors, options));
  return errors;
}

bool loads(const ir::RuleSet& rs, const std::string& json, const LoadOptions& options = {}) {
  std::string error;
  auto record = parse_json(json, error);
  EXPECT_TRUE(record) << error;
  Household hh;
  std::vector<InputError> errors;
  bool ok = load_household(rs, *record, "line 7", hh, errors, options);
  EXPECT_TRUE(ok) << joined(errors);
  return ok;
}

std::string lib_household(const std::string& members, const std::string& extra = "") {
  return R"({"id":"H","region":"140521100000","area":"rural",)" + extra + R"("members":[)" + members + "]}";
}
const char* kSelf = R"({"id":"P1","relation":"self","birth_date":"1960-01-01"})";
const char* kChild = R"({"id":"P2","relation":"child","birth_date":"2000-01-01"})";

/// A fresh directory per test, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("entitle_household_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name, const std::string& text) const {
    std::string p = (path / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

/// Loads FILE as `entitle eval` does; returns the problems, one printed line each.
std::vector<std::string> file_errors(const ir::RuleSet& rs, const std::string& path, const LoadOptions& options, int* loaded = nullptr) {
  std::vector<std::string> out;
  int n = 0;
  EXPECT_TRUE(load_household_file(path, rs, options, [&](const Household&) { ++n; }, [&](const InputError& e) { out.push_back(e.to_string()); }));
  if (loaded) *loaded = n;
  return out;
}
}  // namespace

TEST(HouseholdRules, FieldRangesFromTheSchema) {
  auto l = load("");
  ir::RuleSet& rs = *l->rules;
  // Until the grammar has `grade : integer 1..4`, the bounds are set on the checked IR as the checker will.
  field_of(rs, "disability", "grade").min = Rational(1);
  field_of(rs, "disability", "grade").max = Rational(4);
  field_of(rs, "member", "self_care_failed").min = Rational(0);
  field_of(rs, "member", "self_care_failed").max = Rational(6);
  auto grade0 = errors_for(rs, one_member(R"(,"disability":{"grade":0,"kind":"physical"})"));
  ASSERT_EQ(grade0.size(), 1u) << joined(grade0);
  EXPECT_EQ(grade0[0].to_string(), "household \"H1\" (line 7), field members[P1].disability.grade: 成员 P1 的 disability.grade 为 0，应为 1–4 之间的整数");
  EXPECT_EQ(grade0[0].record, "\"H1\" (line 7)");
  EXPECT_EQ(grade0[0].field, "members[P1].disability.grade");
  EXPECT_EQ(joined(errors_for(rs, one_member(R"(,"disability":{"grade":5,"kind":"physical"})"))),
            "household \"H1\" (line 7), field members[P1].disability.grade: 成员 P1 的 disability.grade 为 5，应为 1–4 之间的整数\n");
  EXPECT_EQ(joined(errors_for(rs, one_member(R"(,"self_care_failed":7)"))),
            "household \"H1\" (line 7), field members[P1].self_care_failed: 成员 P1 的 self_care_failed 为 7，应为 0–6 之间的整数\n");
  for (const char* ok : {R"(,"disability":{"grade":1,"kind":"physical"},"self_care_failed":0)", R"(,"disability":{"grade":4,"kind":"x"},"self_care_failed":6)"})
    household(rs, one_member(ok));
  // One-sided bounds, and money: never negative unless the schema allows it.
  field_of(rs, "member", "self_care_failed").min.reset();
  EXPECT_NE(joined(errors_for(rs, one_member(R"(,"self_care_failed":9)"))).find("成员 P1 的 self_care_failed 为 9，应为不大于 6 的整数"), std::string::npos);
  EXPECT_EQ(joined(errors_for(rs, one_member("", R"("assets":{"deposits":"-0.01"},)"))),
            "household \"H1\" (line 7), field assets.deposits: 家庭的 assets.deposits 为 -0.01，应为不小于 0 的金额\n");
  field_of(rs, "assets", "deposits").min = Rational(-100);  // e.g. `balance : money >= -100`
  household(rs, one_member("", R"("assets":{"deposits":"-0.01"},)"));
  EXPECT_NE(joined(errors_for(rs, one_member("", R"("assets":{"deposits":"-100.01"},)"))).find("家庭的 assets.deposits 为 -100.01，应为不小于 -100 的金额"),
            std::string::npos);
  field_of(rs, "income", "amount").min = Rational(0);
  field_of(rs, "income", "amount").max = Rational(100000);
  EXPECT_NE(joined(errors_for(rs, one_member(R"(,"incomes":[{"kind":"wage","amount":"100000.01","per":"month"}])")))
                .find("field members[P1].incomes[0].amount: 成员 P1 的 incomes[0].amount 为 100000.01，应为 0–100000 之间的金额"),
            std::string::npos);
}

TEST(HouseholdRules, ExactlyOneSelf) {
  const ir::RuleSet& rs = *library().rules;
  EXPECT_EQ(joined(errors_for(rs, lib_household(kChild))),
            "household \"H\" (line 7), field members: 家庭没有“本人”(relation = self) 成员：应恰有一名成员的 relation 为 self（本人）\n");
  EXPECT_EQ(joined(errors_for(rs, lib_household(std::string(kSelf) + R"(,{"id":"P2","relation":"self","birth_date":"1962-01-01"})"))),
            "household \"H\" (line 7), field members: 家庭有 2 名“本人”(relation = self) 成员（P1、P2），应恰有一名\n");
  EXPECT_EQ(joined(errors_for(rs, lib_household(""))),
            "household \"H\" (line 7), field members: 家庭没有成员：members 至少应有一名成员（本人, relation = self）\n");
  // relation declared as text (the compact test schema) is held to the same rule
  auto l = load("");
  EXPECT_NE(joined(errors_for(*l->rules, one_member().replace(one_member().find("self"), 4, "spouse"))).find("家庭没有“本人”"), std::string::npos);
  // a relation that is itself wrong is reported once, not also as a missing self
  auto bad = joined(errors_for(rs, lib_household(R"({"id":"P1","relation":"slef","birth_date":"1960-01-01"})")));
  EXPECT_EQ(bad.find("家庭没有“本人”"), std::string::npos) << bad;
  EXPECT_NE(bad.find("members[P1].relation: 应为 self（本人）"), std::string::npos) << bad;
}

TEST(HouseholdRules, UniqueMemberIdsAndCaseId) {
  const ir::RuleSet& rs = *library().rules;
  EXPECT_EQ(joined(errors_for(rs, lib_household(std::string(kSelf) + R"(,{"id":"P1","relation":"child","birth_date":"2000-01-01"})"))),
            "household \"H\" (line 7), field members[P1]: 成员编号 \"P1\" 在 members 中重复出现，应唯一 (the id \"P1\" is used twice in members)\n");
  auto empty_id = joined(errors_for(rs, R"({"id":"","region":"140521100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1960-01-01"}]})"));
  EXPECT_EQ(empty_id, "household line 7, field id: " + short_label(rs.entities[rs.root_entity].fields[rs.entities[rs.root_entity].find_field("id")].label) + " (id) 为空：每户应有一个非空的编号\n");
}

TEST(HouseholdRules, SupportersAndStatusListsNameMembers) {
  const ir::RuleSet& rs = *library().rules;
  std::string members = std::string(kSelf) + "," + kChild;
  std::string supporters = R"("supporters":[{"of":"P1","relation":"child","birth_date":"1985-01-01"},{"of":"P9","relation":"child","birth_date":"1987-01-01"}],)";
  EXPECT_EQ(joined(errors_for(rs, lib_household(members, supporters))),
            "household \"H\" (line 7), field supporters[1].of: 义务人 2 的 of = \"P9\" 不是本户成员（本户成员：P1、P2）\n");
  EXPECT_EQ(joined(errors_for(rs, lib_household(members, R"("status":{"tekun_members":["P1","P7"],"orphan_members":[{"id":"P8"}]},)"))),
            "household \"H\" (line 7), field status.tekun_members[P7]: 已认定特困成员 (status.tekun_members) 中的 \"P7\" 不是本户成员（本户成员：P1、P2）\n"
            "household \"H\" (line 7), field status.orphan_members[P8]: 已享受孤儿/事实无人抚养儿童基本生活保障的成员 (status.orphan_members) 中的 \"P8\" 不是本户成员（本户成员：P1、P2）\n");
  loads(rs, lib_household(members, R"("supporters":[{"of":"P2","relation":"parent","birth_date":"1990-01-01"}],"status":{"tekun_members":["P1"]},)"));
  // Any status list *_members is held to it, e.g. the spec's dibao_members.
  auto l = load_rules_from_texts({{"schema.rules", R"(
enum route { whole "全户", single_person "单人户" }
entity member { id : text  relation : text  birth_date : date }
entity member_ref { id : text }
entity status { dibao_route : optional route  dibao_members : optional list of member_ref  dibao_since : optional month  phaseout_since : optional month }
entity household { id : text  region : text  members : list of member  status : optional status }
)"}});
  ASSERT_TRUE(l->rules) << render_diagnostics(l->sources, l->diagnostics.sorted());
  std::string h = R"({"id":"S","region":"140521","members":[{"id":"P1","relation":"self","birth_date":"1960-01-01"}],"status":{"dibao_route":"单人户","dibao_members":["P2"]}})";
  EXPECT_EQ(joined(errors_for(*l->rules, h)), "household \"S\" (line 7), field status.dibao_members[P2]: status.dibao_members 中的 \"P2\" 不是本户成员（本户成员：P1）\n");
}

TEST(HouseholdRules, NothingAfterTheMonthEvaluated) {
  const ir::RuleSet& rs = *library().rules;
  LoadOptions jan = LoadOptions::evaluating(*Month::parse("2026-01"));
  std::string born_2027 = std::string(kSelf) + R"(,{"id":"P2","relation":"child","birth_date":"2027-02-01"})";
  EXPECT_EQ(joined(errors_with(rs, lib_household(born_2027), jan)),
            "household \"H\" (line 7), field members[P2].birth_date: 成员 P2 的出生日期 2027-02-01 晚于评估月份 2026-01\n");
  loads(rs, lib_household(std::string(kSelf) + R"(,{"id":"P2","relation":"child","birth_date":"2026-01-31"})"), jan);  // born in the month: fine
  loads(rs, lib_household(born_2027));  // no month given (a record as it stands): not checked
  EXPECT_EQ(joined(errors_with(rs, lib_household(kSelf, R"("supporters":[{"of":"P1","relation":"child","birth_date":"2030-01-01"}],)"), jan)),
            "household \"H\" (line 7), field supporters[0].birth_date: 义务人 1 的出生日期 2030-01-01 晚于评估月份 2026-01\n");
  EXPECT_EQ(joined(errors_with(rs, lib_household(kSelf, R"("status":{"dibao_since":"2026-03","phaseout_since":"2026-02"},)"), jan)),
            "household \"H\" (line 7), field status.dibao_since: 家庭的低保起始月份 (status.dibao_since) 2026-03 晚于评估月份 2026-01\n"
            "household \"H\" (line 7), field status.phaseout_since: 家庭的渐退期起始月份 (status.phaseout_since) 2026-02 晚于评估月份 2026-01\n");
  loads(rs, lib_household(kSelf, R"("status":{"dibao_since":"2026-01","phaseout_since":"2025-12"},)"), jan);
  // import: nothing after today
  LoadOptions today;
  today.not_after = Date::parse("2026-11-22");
  EXPECT_EQ(joined(errors_with(rs, lib_household(R"({"id":"P1","relation":"self","birth_date":"2031-01-01"})"), today)),
            "household \"H\" (line 7), field members[P1].birth_date: 成员 P1 的出生日期 2031-01-01 晚于今天 2026-11-22\n");
  EXPECT_EQ(joined(errors_with(rs, lib_household(kSelf, R"("status":{"dibao_since":"2026-12"},)"), today)),
            "household \"H\" (line 7), field status.dibao_since: 家庭的低保起始月份 (status.dibao_since) 2026-12 晚于本月 2026-11（今天 2026-11-22）\n");
  loads(rs, lib_household(kSelf, R"("status":{"dibao_since":"2026-11"},)"), today);
}

TEST(HouseholdRules, EveryProblemOfARecordIsReported) {
  const ir::RuleSet& rs = *library().rules;
  LoadOptions jan = LoadOptions::evaluating(*Month::parse("2026-01"));
  auto e = errors_with(rs, lib_household(R"({"id":"P1","relation":"child","birth_date":"2030-01-01"})",
                                         R"("supporters":[{"of":"P9","relation":"child","birth_date":"1980-01-01"}],)"), jan);
  ASSERT_EQ(e.size(), 3u) << joined(e);
  EXPECT_EQ(e[0].field, "members[P1].birth_date");
  EXPECT_EQ(e[1].field, "members");
  EXPECT_EQ(e[2].field, "supporters[0].of");
}

TEST(HouseholdLabels, EnumValuesByTheirChineseLabel) {
  const ir::RuleSet& rs = *library().rules;
  std::string json = R"({"id":"L","region":"140521100000","area":"农村","members":[{"id":"P1","relation":"本人","birth_date":"1960-01-01","sex":"女",)"
                     R"("disability":{"grade":2,"kind":"肢体"},"incomes":[{"kind":"城乡居民基础养老金","amount":"1700","per":"每年"}]}]})";
  Household hh = household(rs, json);
  const ir::EntityDef& root = rs.entities[rs.root_entity];
  int area = root.find_field("area");
  EXPECT_EQ(rs.enums[root.fields[area].type.ref].values[hh.root().fields[area].scalar], "rural");
  // the same household written by names evaluates the same
  std::string by_names = R"({"id":"L","region":"140521100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1960-01-01","sex":"female",)"
                         R"("disability":{"grade":2,"kind":"physical"},"incomes":[{"kind":"pension_basic","amount":"1700","per":"year"}]}]})";
  Evaluator ev(rs);
  auto a = render_result_json(rs, library().sources, ev.evaluate(hh, *Month::parse("2026-01"), false), false);
  auto b = render_result_json(rs, library().sources, ev.evaluate(household(rs, by_names), *Month::parse("2026-01"), false), false);
  EXPECT_EQ(a, b);
  // rewritten to names for storage
  std::string error;
  auto record = parse_json(json, error);
  EXPECT_EQ(canonicalise_enum_labels(rs, *record), 6);
  EXPECT_EQ(to_json_text(*record), by_names);
  // an unknown word lists the values with their labels
  auto e = joined(errors_for(rs, lib_household(R"({"id":"P1","relation":"本人","birth_date":"1960-01-01","sex":"男性"})")));
  EXPECT_NE(e.find("field members[P1].sex: 应为 male（男）、female（女）之一（取值名或中文标签），填写的是 \"男性\" (expected one of male female, found \"男性\")"), std::string::npos) << e;
}

TEST(HouseholdLabels, ALabelTwoValuesShareIsRefusedNamingBoth) {
  auto l = load_rules_from_texts({{"schema.rules", R"(
enum care { home "居家", day_centre "居家", institution "机构", other "institution" }
entity member { id : text  relation : text  birth_date : date  care : optional care }
entity household { id : text  region : text  members : list of member }
)"}});
  ASSERT_TRUE(l->rules) << render_diagnostics(l->sources, l->diagnostics.sorted());
  auto with = [](const std::string& care) {
    return R"({"id":"A","region":"140521","members":[{"id":"P1","relation":"self","birth_date":"1960-01-01","care":")" + care + "\"}]}";
  };
  EXPECT_EQ(joined(errors_for(*l->rules, with("居家"))),
            "household \"A\" (line 7), field members[P1].care: “居家”可指 care 的 home（标签“居家”） 或 day_centre（标签“居家”），无法确定是哪一个；请改填取值名 "
            "(\"居家\" is ambiguous: it names 2 values of care)\n");
  // a label that is another value's name is ambiguous too
  EXPECT_NE(joined(errors_for(*l->rules, with("institution"))).find("“institution”可指 care 的 institution（标签“机构”） 或 other（标签“institution”）"),
            std::string::npos);
  household(*l->rules, with("home"));
  household(*l->rules, with("机构"));
  std::string error;
  auto record = parse_json(with("居家"), error);
  EXPECT_EQ(canonicalise_enum_labels(*l->rules, *record), 0);  // never guessed
}

TEST(HouseholdLabels, CsvHeadersByFieldLabel) {
  TempDir t;
  const ir::RuleSet& rs = *library().rules;
  // The header labels are the schema's (checked against docs/data-formats.md below), e.g. 出生日期 for birth_date.
  std::map<std::string, std::string> label;
  for (const auto& [column, labels] : csv_column_labels(rs)) label[column] = labels.empty() ? column : labels.back();
  EXPECT_EQ(label["birth_date"], "出生日期");
  EXPECT_EQ(label["disability_kind"], "残疾类别");
  std::string header;
  for (const char* c : {"household_id", "region", "area", "member_id", "name", "relation", "birth_date", "disability_kind", "disability_grade", "incomes"})
    header += (header.empty() ? "" : ",") + label[c];
  std::string csv = t.file("zh.csv", header + "\n"
                           "Z1,140521100000,农村,P1,李桂兰,本人,1950-03-01,肢体,2,城乡居民基础养老金:1700:每年\n"
                           "Z1,140521100000,农村,P2,王德明,配偶,1952-04-01,,,\n");
  int n = 0;
  auto errors = file_errors(rs, csv, LoadOptions::evaluating(*Month::parse("2026-01")), &n);
  EXPECT_TRUE(errors.empty()) << errors[0];
  EXPECT_EQ(n, 1);
  // names and labels mix; a column given twice is refused
  auto twice = file_errors(rs, t.file("twice.csv", "household_id,member_id,成员编号\nZ,P1,P1\n"), {});
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_NE(twice[0].find("twice.csv:1: 列 member_id 出现了两次（“member_id”和“成员编号”） (column member_id is given twice)"), std::string::npos) << twice[0];
  auto unknown = file_errors(rs, t.file("u.csv", "household_id,member_id,生日\nZ,P1,1970-01-01\n"), {});
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_NE(unknown[0].find("u.csv:1: unknown column '生日' — 未知的列名；列名可用字段名或其中文标签"), std::string::npos) << unknown[0];
  // a label two columns share names neither
  auto l = load_rules_from_texts({{"schema.rules", R"(
entity member { id : text "编号"  relation : text "关系"  birth_date : date "出生日期" }
entity household { id : text "编号"  region : text  members : list of member }
)"}});
  ASSERT_TRUE(l->rules);
  auto shared = file_errors(*l->rules, t.file("s.csv", "household_id,编号,关系,出生日期\nZ,P1,self,1970-01-01\n"), {});
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_NE(shared[0].find("s.csv:1: 列名“编号”可指 household_id 或 member_id，无法确定是哪一列；请改用列名"), std::string::npos) << shared[0];
}

TEST(HouseholdLabels, ImportStoresValuesByName) {
  TempDir t;
  const ir::RuleSet& rs = *library().rules;
  std::string file = t.file("in.jsonl", lib_household(R"({"id":"P1","relation":"本人","birth_date":"1960-01-01"})") + "\n");
  auto storage = open_storage((t.path / "c.db").string());
  Storage& db = *storage;
  LoadOptions opts;
  opts.not_after = Date::parse("2026-11-22");
  std::vector<std::string> errors;
  ImportSummary s = import_file(db, rs, file, opts, [&](const InputError& e) { errors.push_back(e.to_string()); });
  EXPECT_EQ(s.stored_new, 1u) << (errors.empty() ? "" : errors[0]);
  auto stored = db.households().history("H");
  ASSERT_FALSE(stored.empty());
  EXPECT_EQ(stored.back(), lib_household(kSelf));
  // and the importer refuses what eval refuses, with today as the bound
  std::string bad = t.file("bad.jsonl", lib_household(std::string(kSelf) + R"(,{"id":"P2","relation":"self","birth_date":"2027-01-01"})") + "\n");
  errors.clear();
  s = import_file(db, rs, bad, opts, [&](const InputError& e) { errors.push_back(e.to_string()); });
  EXPECT_EQ(s.rejected, 1u);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "household \"H\" (" + bad + ":1), field members[P2].birth_date: 成员 P2 的出生日期 2027-01-01 晚于今天 2026-11-22");
  EXPECT_EQ(errors[1], "household \"H\" (" + bad + ":1), field members: 家庭有 2 名“本人”(relation = self) 成员（P1、P2），应恰有一名");
}

// `entitle eval` reads households through load_household_file with the month evaluated; the binary itself, when it
// is built beside this test, prints the message and exits 2.
TEST(HouseholdRules, EvalRefusesAnImpossibleRecord) {
  TempDir t;
  const ir::RuleSet& rs = *library().rules;
  std::string file = t.file("bad.jsonl", lib_household(kSelf) + "\n" +
                                             R"({"id":"B2","region":"140521100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1960-01-01"},)"
                                             R"({"id":"P2","relation":"child","birth_date":"2030-05-01","disability":{"grade":2,"kind":"physical"}}],)"
                                             R"("supporters":[{"of":"P9","relation":"child","birth_date":"1990-01-01"}]})" "\n");
  int n = 0;
  auto errors = file_errors(rs, file, LoadOptions::evaluating(*Month::parse("2026-01")), &n);
  EXPECT_EQ(n, 1);  // the good record is still evaluated
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "household \"B2\" (" + file + ":2), field members[P2].birth_date: 成员 P2 的出生日期 2030-05-01 晚于评估月份 2026-01");
  EXPECT_EQ(errors[1], "household \"B2\" (" + file + ":2), field supporters[0].of: 义务人 1 的 of = \"P9\" 不是本户成员（本户成员：P1、P2）");

  fs::path entitle = fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "cli" / "entitle";
  ASSERT_TRUE(fs::exists(entitle)) << "no entitle binary at " << entitle;
  std::string err = (t.path / "err.txt").string(), out = (t.path / "out.txt").string();
  std::string cmd = "'" + entitle.string() + "' eval --rules '" ENTITLE_RULES_DIR "' --household '" + file + "' --period 2026-01 > '" + out + "' 2> '" + err + "'";
  int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  std::stringstream printed;
  printed << std::ifstream(err).rdbuf();
  EXPECT_NE(printed.str().find("entitle: household \"B2\" (" + file + ":2), field members[P2].birth_date: 成员 P2 的出生日期 2030-05-01 晚于评估月份 2026-01\n"),
            std::string::npos) << printed.str();
  EXPECT_NE(printed.str().find("entitle: 家庭记录中有 2 处问题，有问题的家庭未评估"), std::string::npos) << printed.str();
  std::stringstream results;
  results << std::ifstream(out).rdbuf();
  EXPECT_NE(results.str().find("{\"household\":\"H\""), std::string::npos);
  EXPECT_EQ(results.str().find("B2"), std::string::npos);
}

// The rule library's own test households and samples keep the household rules at the months they are evaluated.
TEST(HouseholdRules, LibraryHouseholdsKeepTheRules) {
  const LoadedRules& l = library();
  const ir::RuleSet& rs = *l.rules;
  for (const ir::TestCase& t : rs.tests) {
    std::string text = t.household_json;
    if (text.empty()) {
      std::stringstream ss;
      ss << std::ifstream(fs::path(l.sources.path(t.span.file)).parent_path() / t.household_origin).rdbuf();
      text = ss.str();
    }
    std::string error;
    auto record = parse_json(text, error);
    ASSERT_TRUE(record) << t.name << ": " << error;
    Household hh;
    std::vector<InputError> errors;
    EXPECT_TRUE(load_household(rs, *record, t.name, hh, errors, LoadOptions::evaluating(t.month))) << joined(errors);
  }
  auto samples = file_errors(rs, ENTITLE_RULES_DIR "/samples/households.jsonl", LoadOptions::evaluating(*Month::parse("2021-03")));
  EXPECT_TRUE(samples.empty()) << samples[0];
}

namespace {
/// The Markdown tables of docs/data-formats.md that list the Chinese labels, as the rule set gives them.
void enum_rows(const ir::RuleSet& rs, int entity, const std::string& prefix, std::string& out, int depth = 0) {
  if (depth > 8) return;
  for (const ir::FieldDef& f : rs.entities[entity].fields) {
    std::string path = prefix + f.name;
    if (f.type.kind == ir::TypeKind::Enum) {
      const ir::EnumDef& e = rs.enums[f.type.ref];
      out += "| `" + path + "` | " + e.label + " | ";
      for (std::size_t i = 0; i < e.values.size(); ++i)
        out += std::string(i ? " · " : "") + "`" + e.values[i] + "` " + (e.value_labels[i] == e.values[i] ? "—" : e.value_labels[i]);
      out += " |\n";
    } else if (f.type.kind == ir::TypeKind::Entity) {
      enum_rows(rs, f.type.ref, path + ".", out, depth + 1);
    } else if (f.type.kind == ir::TypeKind::List) {
      enum_rows(rs, f.type.ref, path + "[].", out, depth + 1);
    }
  }
}

void range_rows(const ir::RuleSet& rs, int entity, const std::string& prefix, std::string& out, int depth = 0) {
  if (depth > 8) return;
  for (const ir::FieldDef& f : rs.entities[entity].fields) {
    std::string path = prefix + f.name;
    ir::TypeKind k = f.type.kind;
    if (k == ir::TypeKind::Integer || k == ir::TypeKind::Decimal || k == ir::TypeKind::Money) {
      if (!f.min && !f.max && k != ir::TypeKind::Money) continue;
      std::string allowed = f.min && f.max ? f.min->to_string() + " … " + f.max->to_string()
                            : f.min        ? "≥ " + f.min->to_string()
                            : f.max        ? "≤ " + f.max->to_string()
                                           : "≥ 0 (money, by default)";
      if (k == ir::TypeKind::Money && !f.min && f.max) allowed = "0 … " + f.max->to_string();
      const char* type = k == ir::TypeKind::Integer ? "integer" : k == ir::TypeKind::Decimal ? "decimal" : "money";
      out += "| `" + path + "` | " + type + " | " + allowed + " |\n";
    } else if (k == ir::TypeKind::Entity) {
      range_rows(rs, f.type.ref, path + ".", out, depth + 1);
    } else if (k == ir::TypeKind::List) {
      range_rows(rs, f.type.ref, path + "[].", out, depth + 1);
    }
  }
}

std::string label_tables(const ir::RuleSet& rs) {
  std::string out = "<!-- begin ranges: generated from rules/schema.rules, checked by tests/unit/household_test.cpp -->\n"
                    "| field | type | allowed (inclusive) |\n|---|---|---|\n";
  range_rows(rs, rs.root_entity, "", out);
  out += "<!-- end ranges -->\n\n";
  out += "<!-- begin enum-labels: generated from rules/schema.rules, checked by tests/unit/household_test.cpp -->\n"
                    "| field | enum | values: `name` 中文标签 |\n|---|---|---|\n";
  enum_rows(rs, rs.root_entity, "", out);
  out += "<!-- end enum-labels -->\n\n"
         "<!-- begin csv-labels: generated from rules/schema.rules, checked by tests/unit/household_test.cpp -->\n"
         "| column | 中文列名 (header labels) |\n|---|---|\n";
  std::map<std::string, int> uses;
  auto columns = csv_column_labels(rs);
  for (const auto& [column, labels] : columns)
    for (const auto& l : labels) ++uses[l];
  for (const auto& [column, labels] : columns) {
    out += "| `" + column + "` | ";
    for (std::size_t i = 0; i < labels.size(); ++i)
      out += std::string(i ? " " : "") + "「" + labels[i] + "」" + (uses[labels[i]] > 1 ? " (shared, not accepted)" : "");
    out += (labels.empty() ? "—" : "") + std::string(" |\n");
  }
  out += "<!-- end csv-labels -->\n";
  return out;
}
}  // namespace

TEST(HouseholdLabels, DocsListTheRangesAndLabelsOfTheSchema) {
  std::string want = label_tables(*library().rules);
  std::stringstream ss;
  ss << std::ifstream(ENTITLE_DOCS_DIR "/data-formats.md").rdbuf();
  std::string doc = ss.str();
  // The three tables sit in this order, each between its markers; the text between them is free.
  if (std::getenv("UPDATE_GOLDEN")) {  // rewrite the three tables in place (review the diff)
    for (const char* name : {"ranges", "enum-labels", "csv-labels"}) {
      std::string begin = std::string("<!-- begin ") + name, end = std::string("<!-- end ") + name + " -->";
      std::size_t a = doc.find(begin), b = doc.find(end), wa = want.find(begin), wb = want.find(end);
      if (a == std::string::npos || b == std::string::npos || wa == std::string::npos || wb == std::string::npos) continue;
      doc.replace(a, b + end.size() - a, want.substr(wa, wb + end.size() - wa));
    }
    std::ofstream(ENTITLE_DOCS_DIR "/data-formats.md", std::ios::binary) << doc;
  }
  std::string got;
  for (const char* name : {"ranges", "enum-labels", "csv-labels"}) {
    std::size_t a = doc.find(std::string("<!-- begin ") + name), b = doc.find(std::string("<!-- end ") + name + " -->");
    ASSERT_TRUE(a != std::string::npos && b != std::string::npos && a < b) << "docs/data-formats.md has no " << name << " table; the tables should read:\n" << want;
    got += (got.empty() ? "" : "\n") + doc.substr(a, doc.find('\n', b) + 1 - a);
  }
  EXPECT_EQ(got, want) << "docs/data-formats.md: the tables differ from rules/schema.rules; they should read:\n" << want;
}
