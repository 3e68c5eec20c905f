// explain_golden_test.cpp — the explanations of the sample households, exactly as `entitle eval --explain --format
// text|json` prints them, compared with tests/golden/explain/<household>_<period>.txt / .json. The goldens change
// when the rules change: run with UPDATE_GOLDEN=1 to rewrite them, then review the diff.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "engine/api/record_source.hpp"
#include "engine/api/rules_loader.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/explain/render.hpp"

namespace fs = std::filesystem;
using namespace entitle;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs `f` in `dir` and comes back: the rules are loaded as `entitle eval --rules rules/` loads them from the
/// project root, so the explanations name files "rules/dibao.rules:12" on every machine.
template <class F>
auto in_directory(const fs::path& dir, F f) {
  struct Back {
    fs::path was = fs::current_path();
    ~Back() { fs::current_path(was); }
  } back;
  fs::current_path(dir);
  return f();
}

const char* const kPeriods[] = {"2021-03", "2026-01"};

}  // namespace

TEST(ExplainGolden, SampleHouseholdsExplainedAsTheCliPrintsThem) {
  const bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
  const fs::path rules_dir = fs::path(ENTITLE_RULES_DIR);
  const fs::path golden = fs::path(ENTITLE_GOLDEN_DIR) / "explain";
  auto loaded = in_directory(rules_dir.parent_path(), [&] { return load_rules(rules_dir.filename().string()); });
  ASSERT_TRUE(loaded->rules) << render_diagnostics(loaded->sources, loaded->diagnostics.sorted());
  const ir::RuleSet& rs = *loaded->rules;
  if (update) fs::create_directories(golden);

  std::vector<RawRecord> records;
  std::string error;
  ASSERT_TRUE(read_records((rules_dir / "samples" / "households.jsonl").string(), [&](RawRecord&& rec) {
    ASSERT_TRUE(rec.json) << rec.label << ": " << rec.error;
    records.push_back(std::move(rec));
  }, error)) << error;
  ASSERT_GE(records.size(), 8u);

  Evaluator ev(rs);
  std::set<std::string> expected_files;
  std::size_t compared = 0, written = 0;
  for (const char* period : kPeriods) {
    const Month month = *Month::parse(period);
    for (const RawRecord& rec : records) {
      // Loaded as `entitle eval --period` loads it: a record the month rules out (a member born after it) is refused
      // there with an error, and has no explanation to compare.
      Household hh;
      std::vector<InputError> errors;
      if (!load_household(rs, *rec.json, rec.label, hh, errors, LoadOptions::evaluating(month))) {
        std::cout << "not evaluated for " << period << " (as entitle eval refuses it): " << rec.label << ": "
                  << (errors.empty() ? "" : errors[0].to_string()) << "\n";
        continue;
      }
      HouseholdResult r = ev.evaluate(hh, month, true);
      // What the CLI prints for the household: the rendering and a newline.
      const std::pair<std::string, std::string> outputs[] = {
          {".txt", render_result_text(rs, loaded->sources, r, true, &hh) + '\n'},
          {".json", render_result_json(rs, loaded->sources, r, true, &hh) + '\n'}};
      for (const auto& [ext, got] : outputs) {
        const std::string name = hh.id + "_" + period + ext;
        expected_files.insert(name);
        fs::path file = golden / name;
        if (update) {
          std::ofstream(file, std::ios::binary) << got;
          ++written;
          continue;
        }
        if (!fs::exists(file)) {
          ADD_FAILURE() << "missing golden " << file << ": create it with UPDATE_GOLDEN=1 "
                        << "(e.g. UPDATE_GOLDEN=1 build/test/tests/entitle_unit_tests --gtest_filter='ExplainGolden.*'), "
                        << "then review it";
          continue;
        }
        EXPECT_EQ(got, read(file)) << "the explanation of " << hh.id << " for " << period << " (" << ext
                                   << ") differs from " << file << ". If the change is intended (the rules or the "
                                   << "rendering changed), rewrite the goldens with UPDATE_GOLDEN=1 and review the diff.";
        ++compared;
      }
    }
  }
  if (update) {
    for (const auto& e : fs::directory_iterator(golden))
      if (!expected_files.count(e.path().filename().string())) fs::remove(e.path());
    std::cout << "wrote " << written << " golden explanation(s) into " << golden << "\n";
    return;
  }
  // Goldens of households no longer in the samples (or no longer evaluated for a period) would go stale unseen.
  if (!fs::is_directory(golden)) return;
  for (const auto& e : fs::directory_iterator(golden))
    EXPECT_TRUE(expected_files.count(e.path().filename().string()))
        << "golden " << e.path() << " belongs to no sample household evaluated for its period; delete it";
  EXPECT_EQ(compared, expected_files.size());
}
