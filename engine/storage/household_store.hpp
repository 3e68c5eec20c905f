// household_store.hpp — households in the case database: stored whole, with history on re-import.
#pragma once
#include <SQLiteCpp/Statement.h>

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "engine/storage/case_database.hpp"

namespace entitle {

struct MemberRow {
  std::string member_id, relation, birth_date, id_number;
  int disability_grade = 0;  // 0: none
};

struct StoredHousehold {
  std::string id, township, record, record_hash;
};

class HouseholdStore {
public:
  explicit HouseholdStore(CaseDatabase& db) : db_(db) {}
  int begin_import(const std::string& source);
  void finish_import(int import_id, std::size_t records, std::size_t stored, std::size_t unchanged, std::size_t rejected);

  enum class Put { New, Updated, Unchanged };
  /// Stores one household (call inside a transaction). A changed record moves the old version to history.
  Put put(const std::string& id, const std::string& region, const std::string& area, const std::string& record,
          const std::vector<MemberRow>& members, int import_id);

  std::size_t count();
  /// Visits households in id order, `batch` at a time, skipping those `done` in run `skip_run` (0: none).
  void scan(std::int64_t skip_run, std::size_t batch, const std::function<bool(std::vector<StoredHousehold>&&)>& each);
  /// The stored record of a household, and its earlier versions (oldest first).
  std::vector<std::string> history(const std::string& id);
  /// The version of a household's record whose hash is `record_hash` (a run's input hash): the current record or
  /// one kept in history; none when neither has it. A stored record that does not match its hash is a StorageError.
  std::optional<std::string> record_version(const std::string& id, const std::string& record_hash);
  /// Every household's township code, by household id.
  std::map<std::string, std::string> townships();

private:
  /// Statements prepared once per store and reused: preparing SQL costs more than running it.
  SQLite::Statement& statement(std::unique_ptr<SQLite::Statement>& slot, const char* sql);
  CaseDatabase& db_;
  std::unique_ptr<SQLite::Statement> find_, keep_, drop_, upsert_, member_, version_;
};

/// "140521103000" → "140521103"; "140521103" stays; a 6-digit county code stays.
std::string township_of(const std::string& region);

}  // namespace entitle
