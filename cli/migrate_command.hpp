// migrate_command.hpp — `entitle migrate-db`: a county's SQLite case database moved into PostgreSQL (or back), verified.
#pragma once
#include <string>

namespace entitle::cli {

int run_migrate_db(const std::string& from, const std::string& to);

}  // namespace entitle::cli
