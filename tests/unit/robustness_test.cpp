// robustness_test.cpp — mutated rule files and household records never crash: each either loads or gets an error.
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string mutate(std::string s, std::mt19937& rng) {
  static const std::string alphabet = "(){}[]|.,:=<>+-*/#\"'\\ \n0123456789abcxyz_低保";
  int edits = 1 + int(rng() % 4);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    std::size_t at = rng() % s.size();
    switch (rng() % 4) {
      case 0: s.erase(at, 1 + rng() % 8); break;
      case 1: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      case 2: s[at] = alphabet[rng() % alphabet.size()]; break;
      default: s.resize(at); break;
    }
  }
  return s;
}

}  // namespace

TEST(Robustness, MutatedRuleFilesLoadOrReportAnError) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const char* name : {"schema.rules", "common.rules", "regions.rules", "dibao.rules", "tekun.rules", "disability.rules", "education.rules", "orphan.rules", "temp_assist.rules", "tests/dibao_tests.rules"})
    files.emplace_back(name, read(std::filesystem::path(ENTITLE_RULES_DIR) / name));
  std::mt19937 rng(20261122);
  int loaded_ok = 0, rejected = 0;
  for (int round = 0; round < 400; ++round) {
    auto mutated = files;
    auto& victim = mutated[rng() % mutated.size()].second;
    victim = mutate(victim, rng);
    auto l = load_rules_from_texts(mutated);
    // The invariant: no crash, and never "no rules" without saying why.
    ASSERT_TRUE(l->rules.has_value() || l->diagnostics.has_errors()) << victim;
    if (l->rules) {
      ++loaded_ok;
      // Whatever still checks must also evaluate without crashing.
      Evaluator ev(*l->rules);
      std::string error;
      auto record = parse_json(R"({"id":"F","region":"140521100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1970-01-01"}]})", error);
      Household hh;
      std::vector<InputError> errors;
      if (load_household(*l->rules, *record, "fuzz", hh, errors)) ev.evaluate(hh, *Month::parse("2021-03"), true);
    } else {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 100);  // the mutations really do break things
}

TEST(Robustness, MutatedHouseholdsLoadOrReportAnError) {
  auto l = load_rules(ENTITLE_RULES_DIR);
  ASSERT_TRUE(l->rules);
  std::string base = read(std::filesystem::path(ENTITLE_RULES_DIR) / "samples" / "households.jsonl");
  base = base.substr(0, base.find('\n', base.find('\n') + 1));  // the second line: a four-person household
  base = base.substr(base.find('\n') + 1);
  std::mt19937 rng(7);
  Evaluator ev(*l->rules);
  int rejected = 0;
  for (int round = 0; round < 1000; ++round) {
    std::string text = mutate(base, rng), error;
    auto record = parse_json(text, error);
    if (!record) {
      ASSERT_FALSE(error.empty());
      ++rejected;
      continue;
    }
    Household hh;
    std::vector<InputError> errors;
    if (load_household(*l->rules, *record, "fuzz", hh, errors)) {
      ev.evaluate(hh, *Month::parse("2021-03"), true);
    } else {
      ASSERT_FALSE(errors.empty());
      ASSERT_FALSE(errors[0].message.empty());
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 500);
}

TEST(Robustness, DeepJsonIsRefusedNotACrash) {
  std::string error;
  EXPECT_FALSE(parse_json(std::string(100000, '[') + std::string(100000, ']'), error));
  EXPECT_NE(error.find("nested more than 64 deep"), std::string::npos) << error;
}

TEST(Robustness, LongOperatorChainIsRefused) {
  std::string expr = "1";
  for (int i = 0; i < 300; ++i) expr += " + 1";
  std::string d = diagnostics_of("define household.x : integer = " + expr + "\n");
  EXPECT_NE(d.find("[TooDeeplyNested]"), std::string::npos) << d.substr(0, 300);
}
