// case_database.hpp — the SQLite case database: opening, versioned migrations, and the schema's tables.
#pragma once
#include <SQLiteCpp/Database.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace entitle {

/// A problem with the database file itself (not with a record): unreadable, corrupt, or newer than this tool.
struct StorageError : std::runtime_error { using std::runtime_error::runtime_error; };

class CaseDatabase {
public:
  static constexpr int kSchemaVersion = 1;
  /// Opens `path` (creating it when absent) and upgrades an older schema; a newer one is refused by name.
  explicit CaseDatabase(const std::string& path);
  SQLite::Database& db() { return *db_; }
  const std::string& path() const { return path_; }
  int schema_version() const { return version_; }

private:
  void migrate();
  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  int version_ = 0;
};

}  // namespace entitle
