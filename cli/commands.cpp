// commands.cpp — check, eval and test: load rules, report diagnostics, evaluate, print.
#include "cli/commands.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "engine/api/eval_stream.hpp"
#include "engine/api/record_source.hpp"
#include "engine/api/rules_loader.hpp"
#include "engine/api/test_runner.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/explain/catalogue.hpp"
#include "engine/explain/render.hpp"

namespace entitle::cli {
namespace {

std::unique_ptr<LoadedRules> load_or_report(const std::string& dir, std::ostream& out) {
  auto start = std::chrono::steady_clock::now();
  auto loaded = load_rules(dir);
  out << render_diagnostics(loaded->sources, loaded->diagnostics.sorted());
  spdlog::info("loaded rules from {} in {} ms", dir,
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  return loaded;
}

std::string summary(const DiagnosticSink& d) {
  return std::to_string(d.error_count()) + " error(s), " + std::to_string(d.warning_count()) + " warning(s)";
}

}  // namespace

int run_check(const std::string& dir) {
  auto loaded = load_or_report(dir, std::cout);
  if (!loaded->rules) {
    std::cout << summary(loaded->diagnostics) << '\n';
    return 1;
  }
  const ir::RuleSet& rs = *loaded->rules;
  std::cout << "ok: " << rs.files.size() << " file(s), " << rs.programs.size() << " program(s), " << rs.defs.size()
            << " definition(s), " << rs.standards.size() << " standard(s), " << rs.tables.size() << " table(s), "
            << rs.tests.size() << " test(s); " << summary(loaded->diagnostics) << "\nruleset " << rs.hash << '\n';
  return 0;
}

int run_eval(const std::string& rules, const std::string& household, const std::string& period, const std::string& format,
             bool explain, bool strict_standards, unsigned threads) {
  auto month = Month::parse(period);
  if (!month) {
    std::cerr << "entitle: --period expects a month YYYY-MM, found '" << period << "'\n";
    return 2;
  }
  if (format != "json" && format != "text") {
    std::cerr << "entitle: --format expects json or text, found '" << format << "'\n";
    return 2;
  }
  auto loaded = load_or_report(rules, std::cerr);
  if (!loaded->rules) {
    std::cerr << "entitle: the rules in " << rules << " have errors (" << summary(loaded->diagnostics) << "); nothing evaluated\n";
    return 2;
  }
  Evaluator ev(*loaded->rules);
  ev.set_strict_standards(strict_standards);
  EvalStreamOptions options;
  options.month = *month;
  options.explain = explain;
  options.format = format == "json" ? ResultFormat::Json : ResultFormat::Text;
  options.threads = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  // Records are checked against the month evaluated too: nobody born after it, no payment begun after it.
  options.load = LoadOptions::evaluating(*month);
  EvalStreamCounts counts;
  std::ios::sync_with_stdio(false);
  bool readable = eval_household_file(household, *loaded, ev, options, std::cout, [&](const InputError& e) {
    std::cerr << "entitle: " << e.to_string() << '\n';
  }, counts);
  std::cout.flush();
  if (!readable) {
    std::cerr << "entitle: cannot read household file '" << household << "'\n";
    return 2;
  }
  spdlog::info("evaluated {} household(s); {} bad record(s)", counts.households, counts.problems);
  if (counts.problems > 0) {
    std::cerr << "entitle: 家庭记录中有 " << counts.problems << " 处问题，有问题的家庭未评估 (" << counts.problems
              << " problem(s) in the household records; those households were not evaluated)\n";
    return 2;
  }
  return counts.with_errors > 0 ? 1 : 0;
}

int run_test(const std::string& dir) {
  auto loaded = load_or_report(dir, std::cout);
  if (!loaded->rules) {
    std::cout << summary(loaded->diagnostics) << '\n';
    return 2;
  }
  TestReport report = run_tests(*loaded);
  std::cout << render_test_report(*loaded, report);
  return report.failed > 0 ? 1 : 0;
}

}  // namespace entitle::cli

namespace entitle::cli {

int run_doc(const std::string& dir, const std::string& out_dir) {
  auto loaded = load_or_report(dir, std::cerr);
  if (!loaded->rules) {
    std::cerr << "entitle: the rules in " << dir << " have errors (" << summary(loaded->diagnostics) << "); no catalogue written\n";
    return 2;
  }
  Document doc = build_catalogue(*loaded->rules, loaded->sources);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  std::filesystem::path md = std::filesystem::path(out_dir) / "catalogue.md", html = std::filesystem::path(out_dir) / "catalogue.html";
  std::ofstream(md, std::ios::binary) << doc.markdown();
  std::ofstream(html, std::ios::binary) << doc.html("社会救助规则目录");
  if (!std::filesystem::exists(md) || !std::filesystem::exists(html)) {
    std::cerr << "entitle: cannot write the catalogue into '" << out_dir << "'\n";
    return 2;
  }
  std::cout << "catalogue written: " << md.generic_string() << " and " << html.generic_string() << '\n';
  return 0;
}

}  // namespace entitle::cli
