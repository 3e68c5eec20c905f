// main.cpp — `entitle`: command-line parsing (CLI11) and dispatch to the subcommands.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"entitle — social-assistance rules as code: check rules, evaluate households, run rule tests"};
  app.require_subcommand(1);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "log timings to stderr");

  std::string check_dir;
  auto* check = app.add_subcommand("check", "parse and check a rule set; print diagnostics");
  check->add_option("DIR", check_dir, "rule-set directory (or one .rules file)")->required();

  std::string rules, household, period, format = "json";
  bool explain = false;
  auto* eval = app.add_subcommand("eval", "evaluate households for a month");
  eval->add_option("--rules", rules, "rule-set directory")->required();
  eval->add_option("--household", household, "a JSON household, or JSON Lines (one per line)")->required();
  eval->add_option("--period", period, "the month, YYYY-MM")->required();
  eval->add_option("--format", format, "json (default) or text");
  eval->add_flag("--explain", explain, "include the explanation tree and why programs were not granted");

  std::string test_dir;
  auto* test = app.add_subcommand("test", "run the tests written in a rule set and report rule coverage");
  test->add_option("DIR", test_dir, "rule-set directory")->required();

  std::string doc_dir, doc_out = "catalogue";
  auto* doc = app.add_subcommand("doc", "write the rule catalogue (Markdown and HTML) for county offices");
  doc->add_option("DIR", doc_dir, "rule-set directory")->required();
  doc->add_option("--out", doc_out, "output directory (default: ./catalogue)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  auto logger = spdlog::stderr_color_mt("entitle");
  spdlog::set_default_logger(logger);
  spdlog::set_level(verbose ? spdlog::level::info : spdlog::level::warn);

  try {
    if (*check) return entitle::cli::run_check(check_dir);
    if (*eval) return entitle::cli::run_eval(rules, household, period, format, explain);
    if (*doc) return entitle::cli::run_doc(doc_dir, doc_out);
    return entitle::cli::run_test(test_dir);
  } catch (const std::exception& e) {  // a failure of the machine (memory, files), never of the input
    spdlog::critical("internal error: {}", e.what());
    return 2;
  }
}
