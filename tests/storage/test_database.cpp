// test_database.cpp — throw-away case databases on SQLite and on the test PostgreSQL server.
#include "test_database.hpp"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "engine/storage/postgres/pg_admin.hpp"

namespace entitle::testing {
namespace {
int& counter() {
  static int n = 0;
  return n;
}
}  // namespace

std::string backend_name(Backend b) { return b == Backend::Sqlite ? "SQLite" : "PostgreSQL"; }

std::string test_pg_server() {
  const char* uri = std::getenv("ENTITLE_TEST_PG");
  if (!uri || !*uri)
    throw std::runtime_error(
        "ENTITLE_TEST_PG is not set: the PostgreSQL storage tests need the server that ctest's fixture starts "
        "(tests/pg/pg_server.sh). Run them through ctest, or start one and set ENTITLE_TEST_PG to its URI.");
  return uri;
}

TestDatabase::TestDatabase(Backend backend) : backend_(backend) {
  std::string tag = std::to_string(::getpid()) + "_" + std::to_string(counter()++);
  folder_ = std::filesystem::temp_directory_path() / ("entitle_storage_test_" + tag);
  std::filesystem::remove_all(folder_);
  std::filesystem::create_directories(folder_);
  if (backend == Backend::Sqlite) {
    location_ = file("cases.db");
    return;
  }
  std::string server = test_pg_server();
  // The ledger's key for a PostgreSQL database is kept under $XDG_DATA_HOME: here, in the test's own folder.
  ::setenv("XDG_DATA_HOME", file("keys").c_str(), 1);
  pg_name_ = "entitle_test_" + tag;
  pg_drop_database(server, pg_name_);
  pg_create_database(server, pg_name_);
  location_ = pg_uri_with_database(server, pg_name_);
}

TestDatabase::~TestDatabase() {
  if (!pg_name_.empty()) {
    try {
      pg_drop_database(test_pg_server(), pg_name_);
    } catch (...) {  // a database left behind on a throw-away server: the fixture removes the server whole
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

}  // namespace entitle::testing
