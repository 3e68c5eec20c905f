// test_database.hpp — a fresh, empty case database on either backend for one test: an SQLite file in a temporary
// folder, or a new database on the PostgreSQL server the test fixture started (ENTITLE_TEST_PG); removed afterwards.
#pragma once
#include <filesystem>
#include <string>

namespace entitle::testing {

enum class Backend { Sqlite, Postgres };

/// "SQLite" or "PostgreSQL", for test names.
std::string backend_name(Backend b);

/// The server the tests may create databases on (ENTITLE_TEST_PG). Throws, saying loudly why, when it is not set:
/// the PostgreSQL tests are never skipped in silence.
std::string test_pg_server();

class TestDatabase {
public:
  explicit TestDatabase(Backend backend);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Backend backend() const { return backend_; }
  /// What --db takes: the SQLite file's path or the postgresql:// URI.
  const std::string& location() const { return location_; }
  /// A scratch folder of the test's own (input files, reports).
  std::string file(const std::string& name) const { return (folder_ / name).string(); }

private:
  Backend backend_;
  std::filesystem::path folder_;
  std::string location_, pg_name_;
};

}  // namespace entitle::testing
