// household_test.cpp — record validation: every error names the record, the field path and what was expected.
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
  EXPECT_EQ(e, "household \"H9\" (line 7), field members[P1].birth_date: this required field is missing: expected a date \"YYYY-MM-DD\"\n");
}

TEST(Household, WrongEnumListsTheAllowedValues) {
  auto l = load("");
  auto e = joined(errors_for(*l->rules, one_member("", "", "140521").replace(one_member("", "", "140521").find("rural"), 5, "city")));
  EXPECT_NE(e.find("field area: expected one of urban rural, found \"city\""), std::string::npos) << e;
}

TEST(Household, MoneyMustBeWholeFenAndNotNegative) {
  auto l = load("");
  auto e = joined(errors_for(*l->rules, one_member(R"(,"incomes":[{"kind":"wage","amount":"10.005","per":"month"},{"kind":"wage","amount":-3,"per":"month"}])")));
  EXPECT_NE(e.find("members[P1].incomes[0].amount: expected at most two decimals (fen), found \"10.005\""), std::string::npos) << e;
  EXPECT_NE(e.find("members[P1].incomes[1].amount: expected an amount of zero or more, found -3"), std::string::npos) << e;
}

TEST(Household, UnknownFieldIsAnError) {
  auto l = load("");
  auto e = joined(errors_for(*l->rules, one_member(R"(,"birthdate":"1970-01-01")")));
  EXPECT_NE(e.find("members[P1].birthdate: unknown field 'birthdate'"), std::string::npos) << e;
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
  EXPECT_NE(e.find("field region: expected a 6-digit county code or a 9/12-digit township code"), std::string::npos) << e;
}

TEST(Household, DuplicateMemberIds) {
  auto l = load("");
  auto e = joined(errors_for(*l->rules, R"({"id":"H","region":"140521","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1950-01-01"},{"id":"P1","relation":"spouse","birth_date":"1951-01-01"}]})"));
  EXPECT_NE(e.find("the id \"P1\" is used twice in members"), std::string::npos) << e;
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
  EXPECT_NE(e.find("members[P1].sex: the identity number 14052119500101001X is a male's"), std::string::npos) << e;
}
