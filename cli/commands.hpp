// commands.hpp — the subcommands of `entitle`; each returns the process exit code (0 ok, 1 findings, 2 input/usage).
#pragma once
#include <string>

namespace entitle::cli {

int run_check(const std::string& dir);
int run_eval(const std::string& rules, const std::string& household, const std::string& period, const std::string& format,
             bool explain, bool strict_standards = false, unsigned threads = 0);
int run_test(const std::string& dir);
int run_doc(const std::string& dir, const std::string& out_dir);

}  // namespace entitle::cli
