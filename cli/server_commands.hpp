// server_commands.hpp — `entitle serve` and `entitle user add`.
#pragma once
#include <string>
#include <vector>

namespace entitle::cli {

int run_serve(const std::string& db, const std::string& rules, const std::string& listen, unsigned threads, const std::string& web);
int run_user_add(const std::string& name, const std::string& role, const std::vector<std::string>& townships, const std::string& db,
                 const std::string& rules, bool password_stdin);

}  // namespace entitle::cli
