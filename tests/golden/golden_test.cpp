// golden_test.cpp — every tests/golden/check/fail_*.rules gives exactly the diagnostics in its .err file, and every
// diagnostic kind in the registry has a golden. UPDATE_GOLDEN=1 rewrites the .err files (review the diff).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/api/rules_loader.hpp"

namespace fs = std::filesystem;
using namespace entitle;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(ENTITLE_GOLDEN_DIR) / "check"))
    if (e.path().extension() == ".rules") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string diagnostics_for(const fs::path& file) {
  std::string text = read(file);
  std::vector<std::pair<std::string, std::string>> files;
  if (text.rfind("# standalone", 0) != 0) files.emplace_back("schema.rules", read(fs::path(ENTITLE_GOLDEN_DIR) / "schema.rules"));
  files.emplace_back(file.filename().string(), text);
  auto loaded = load_rules_from_texts(files);
  return render_diagnostics(loaded->sources, loaded->diagnostics.sorted());
}

}  // namespace

TEST(Golden, DiagnosticsMatch) {
  bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
  auto all = cases();
  ASSERT_FALSE(all.empty());
  for (const fs::path& c : all) {
    std::string got = diagnostics_for(c);
    fs::path expect = fs::path(c).replace_extension(".err");
    bool is_fail = c.filename().string().rfind("fail_", 0) == 0;
    EXPECT_EQ(is_fail, got.find(": error: ") != std::string::npos || got.rfind("error: ", 0) == 0)
        << c.filename() << ": a case is named fail_* exactly when it produces an error\n" << got;
    if (update) {
      std::ofstream(expect, std::ios::binary) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(expect)) << "missing " << expect << " (run with UPDATE_GOLDEN=1)";
    EXPECT_EQ(got, read(expect)) << "golden mismatch for " << c.filename();
  }
}

TEST(Golden, EveryDiagnosticKindHasAGolden) {
  // Kinds that need something a rule file cannot hold, with where they are tested instead.
  const std::set<std::string> allowed = {
      "NoRuleFiles",  // needs an empty directory: tests/cli/cli_test.sh
      "RuleFileTooLarge",  // needs a file over 1 MiB: tests/unit/robustness_test.cpp
  };
  std::string all;
  for (const fs::path& c : cases()) all += read(fs::path(c).replace_extension(".err"));
  for (DiagKind k : all_diag_kinds()) {
    std::string name = diag_kind_name(k);
    if (allowed.count(name)) continue;
    EXPECT_NE(all.find("[" + name + "]"), std::string::npos) << "no golden test shows [" << name << "]";
  }
}
