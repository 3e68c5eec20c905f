// compiled_differential_test.cpp — the compiled form against the interpreter, as Soufflé runs every test both
// interpreted and compiled: generated populations of both counties in four months, every rule test of the library,
// and the benchmark's toy population. Where the compiled form decides a household, its result must equal the
// interpreter's in every field (engine/eval/result_compare.hpp); where it declines (an error in the rules), the
// evaluator's result must still be the interpreter's. ENTITLE_DIFF_HOUSEHOLDS sets the households per county and month (default 1,500; the
// million-household run of docs/design.md sets 125000).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "../bench/toy_population.hpp"
#include "engine/casework/generator.hpp"
#include "engine/eval/result_compare.hpp"
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

namespace {

/// Decides `hh` both ways; returns whether the compiled form decided it. Fails the test on any difference.
struct BothWays {
  explicit BothWays(const ir::RuleSet& rs) : rs(rs), plan(make_eval_plan(rs)), compiled(rs, plan), interpreter(rs) {
    interpreter.set_compiled(false);
  }
  bool check(const Household& hh, Month m) {
    HouseholdResult expected = interpreter.evaluate(hh, m, false, nullptr, interpreter_scratch);
    HouseholdResult got;
    bool decided = compiled.evaluate(hh, m, scratch, got);
    if (decided) {
      std::string difference = first_difference(got, expected);
      EXPECT_EQ(difference, "") << "household " << hh.id << " in " << m.to_string();
      for (const Entitlement& e : got.entitlements) ++kinds[rs.programs[e.program].name + " " + decision_kind_name(e.kind)];
    }
    ++(decided ? decided_count : declined_count);
    return decided;
  }
  const ir::RuleSet& rs;
  EvalPlan plan;
  compiled::CompiledRules compiled;
  compiled::Scratch scratch;
  Evaluator interpreter;
  EvalScratch interpreter_scratch;
  std::size_t decided_count = 0, declined_count = 0;
  std::map<std::string, std::size_t> kinds;  // "dibao granted" → households the compiled form decided so
};

std::size_t households_per_run() {
  const char* v = std::getenv("ENTITLE_DIFF_HOUSEHOLDS");
  return v && *v ? std::size_t(std::strtoull(v, nullptr, 10)) : 1500;
}

}  // namespace

TEST(CompiledDifferential, GeneratedPopulationsOfBothCountiesAgreeInFourMonths) {
  const ir::RuleSet& rs = *library().rules;
  BothWays both(rs);
  const std::size_t n = households_per_run();
  for (const char* month : {"2021-03", "2023-06", "2025-12", "2026-01"}) {
    const Month m = *Month::parse(month);
    for (const auto& [region, seed] : std::vector<std::pair<std::string, std::uint64_t>>{{"140521", 77}, {"610922", 78}}) {
      GenOptions o;
      o.households = n;
      o.region = region;
      o.seed = seed;
      o.reference = m.first_day();
      ASSERT_EQ(generate_population(rs, o, [&](std::string&& json) { both.check(household(rs, json), m); }), "");
    }
  }
  const std::size_t total = both.decided_count + both.declined_count;
  ASSERT_EQ(total, 8 * n);
  std::string kinds;
  for (const auto& [k, count] : both.kinds) kinds += "  " + k + ": " + std::to_string(count) + "\n";
  std::printf("compiled form decided %zu of %zu households; the interpreter the other %zu\n%s", both.decided_count, total,
              both.declined_count, kinds.c_str());
  // Not vacuous: the compiled form decides nearly every household, grants, refusals, exclusions and undetermined
  // decisions among them.
  EXPECT_GE(both.decided_count * 100, total * 95);
  std::size_t granted = 0, refused = 0, excluded = 0, undetermined = 0;
  auto ends_with = [](const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
  };
  for (const auto& [k, count] : both.kinds) {
    if (ends_with(k, " granted") && !ends_with(k, " not_granted")) granted += count;
    if (ends_with(k, " not_granted")) refused += count;
    if (ends_with(k, " excluded")) excluded += count;
    if (ends_with(k, " undetermined")) undetermined += count;
  }
  EXPECT_GT(granted, 0u);
  EXPECT_GT(refused, 0u);
  EXPECT_GT(excluded, 0u);
  EXPECT_GT(undetermined, 0u);
}

TEST(CompiledDifferential, EveryRuleTestOfTheLibraryAgrees) {
  const LoadedRules& l = library();
  const ir::RuleSet& rs = *l.rules;
  BothWays both(rs);
  std::size_t checked = 0;
  for (const ir::TestCase& t : rs.tests) {
    std::string text = t.household_json;
    if (text.empty()) {
      std::filesystem::path p = std::filesystem::path(l.sources.path(t.span.file)).parent_path() / t.household_origin;
      std::ifstream in(p);
      ASSERT_TRUE(in) << p;
      std::stringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
    std::string error;
    auto record = parse_json(text, error);
    ASSERT_TRUE(record) << t.name << ": " << error;
    Household hh;
    std::vector<InputError> errors;
    if (!load_household(rs, *record, t.name, hh, errors, LoadOptions::evaluating(t.month))) continue;  // a test of a refusal
    both.check(hh, t.month);
    ++checked;
  }
  std::printf("%zu rule tests: compiled form decided %zu, the interpreter %zu\n", checked, both.decided_count, both.declined_count);
  EXPECT_GT(checked, 50u);
  EXPECT_GT(both.decided_count, 0u);
}

TEST(CompiledDifferential, TheToyPopulationIsDecidedWhollyByTheCompiledFormAndAgrees) {
  auto read = [](const std::string& rel) {
    std::ifstream in(std::string(ENTITLE_SOURCE_DIR) + "/" + rel, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return std::make_pair(rel, ss.str());
  };
  auto toy = load_rules_from_texts({read("rules/schema.rules"), read("rules/regions.rules"), read("tests/bench/toy/toy_programs.rules")});
  ASSERT_TRUE(toy->rules);
  BothWays both(*toy->rules);
  const Month m = *Month::parse("2026-01");
  for (long i = 0; i < 5000; ++i) {
    std::string line;
    bench::household(line, bench::kToySeed, i);
    Household hh = household(*toy->rules, line);
    both.check(hh, m);
  }
  EXPECT_EQ(both.decided_count, 5000u);
  EXPECT_GT(both.kinds["toy_dibao granted"], 0u);
  EXPECT_GT(both.kinds["toy_dibao not_granted"], 0u);
  EXPECT_GT(both.kinds["toy_disability granted"], 0u);
  EXPECT_GT(both.kinds["toy_elderly granted"], 0u);
}

// Missing facts are the compiled form's to name too (the same names, in the same order); an error in the rules is left
// to the interpreter, which reports it: the compiled form declines, and the evaluator's result is the interpreter's.
TEST(CompiledDifferential, NamesMissingFactsAndLeavesErrorsToTheInterpreter) {
  auto l = load(R"(
define household.size "人数" : integer = count m in members
define household.share "人均" : money = assets.deposits / (size - 1)
program need_assets "需要存款" for household paid monthly {
  eligible when assets.deposits < 1000
  amount = 10
}
program divides "除法" for household paid monthly {
  eligible when share < 100
  amount = 10
}
program always "总是" for household paid monthly {
  eligible when size >= 1
  amount = 5
}
compatible need_assets, divides, always
)");
  const ir::RuleSet& rs = *l->rules;
  BothWays both(rs);
  const Month m = *Month::parse("2026-01");
  EXPECT_TRUE(both.check(household(rs, one_member()), m));  // assets missing: undetermined, named
  EXPECT_FALSE(both.check(household(rs, one_member("", R"("assets":{"deposits":"500"},)")), m));  // division by zero
  Household two = household(rs, R"({"id":"H2","region":"140521100000","area":"rural","assets":{"deposits":"500"},"members":[
    {"id":"P1","relation":"self","birth_date":"1970-05-01"},{"id":"P2","relation":"spouse","birth_date":"1971-05-01"}]})");
  EXPECT_TRUE(both.check(two, m));
  EXPECT_EQ(both.decided_count, 2u);
  EXPECT_EQ(both.declined_count, 1u);
  EXPECT_EQ(both.kinds["need_assets undetermined"], 1u);
  // Through the evaluator: the compiled form's undetermined decision names the fact; the declined household gets the
  // interpreter's error.
  Evaluator ev(rs);
  EvalScratch scratch;
  HouseholdResult r = ev.evaluate(household(rs, one_member()), m, false, nullptr, scratch);
  EXPECT_EQ(scratch.compiled_decided(), 1u);
  EXPECT_EQ(entitlement(r, rs, "need_assets").kind, DecisionKind::Undetermined);
  EXPECT_EQ(entitlement(r, rs, "need_assets").missing, std::vector<std::string>{"assets"});
  HouseholdResult z = ev.evaluate(household(rs, one_member("", R"("assets":{"deposits":"500"},)")), m, false, nullptr, scratch);
  EXPECT_EQ(scratch.compiled_declined(), 1u);
  ASSERT_EQ(z.errors.size(), 1u);
  EXPECT_EQ(z.errors[0].message, "division by zero");
}
