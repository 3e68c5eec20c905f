// test_runner.hpp — runs the tests written in the rules language and measures rule coverage.
#pragma once
#include <string>
#include <vector>

#include "engine/api/rules_loader.hpp"
#include "engine/eval/result.hpp"

namespace entitle {

struct TestOutcome {
  std::string name;
  SourceSpan span;
  std::vector<std::string> failures;  // empty when it passed
};

struct TestReport {
  std::vector<TestOutcome> outcomes;
  Coverage coverage;
  std::size_t passed = 0, failed = 0;
};

/// Runs every `test` of the loaded rule set (which must have checked cleanly).
TestReport run_tests(const LoadedRules& loaded);

/// The per-test lines, the coverage summary, the never-exercised rules, and the closing "N passed, M failed".
std::string render_test_report(const LoadedRules& loaded, const TestReport& report);

}  // namespace entitle
