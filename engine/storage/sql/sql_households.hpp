// sql_households.hpp — households, members and their history in SQL, for SQLite and PostgreSQL alike.
#pragma once
#include "engine/storage/sql/sql_connection.hpp"

#include <memory>

#include "engine/storage/household_repository.hpp"

namespace entitle {

class SqlStorage;

class SqlHouseholdRepository final : public HouseholdRepository {
public:
  explicit SqlHouseholdRepository(SqlStorage& s) : s_(s) {}
  int begin_import(const std::string& source) override;
  void finish_import(int import_id, std::size_t records, std::size_t stored, std::size_t unchanged, std::size_t rejected) override;
  std::vector<Put> put_many(const std::vector<HouseholdPut>& households, int import_id) override;
  std::optional<CurrentHousehold> get(const std::string& id) override;
  std::vector<HouseholdListing> search(const HouseholdQuery& q, std::int64_t& total) override;
  std::vector<HouseholdVersion> versions(const std::string& id) override;
  std::optional<std::string> version_record(const std::string& id, int version) override;
  std::size_t count(const HouseholdScope& scope, std::int64_t not_done_in_run) override;
  void scan(std::int64_t skip_run, std::size_t batch, const std::function<bool(std::vector<StoredHousehold>&&)>& each,
            const HouseholdScope& scope) override;
  std::vector<std::string> split_points(int parts) override;
  std::vector<std::string> history(const std::string& id) override;
  std::optional<std::string> record_version(const std::string& id, const std::string& record_hash) override;
  std::map<std::string, std::string> townships() override;

private:
  /// Stores households [from, to) of `households`, no id twice among them, appending what became of each to `out`.
  void put_segment(const std::vector<HouseholdPut>& households, std::size_t from, std::size_t to, int import_id,
                   std::vector<Put>& out);
  /// Statements prepared once per connection and reused: preparing SQL costs more than running it. Each is reset
  /// before it is used and after its last row is read, so none keeps a read transaction open between calls.
  SqlStatement& statement(std::unique_ptr<SqlStatement>& slot, const char* sql);
  SqlStorage& s_;
  std::unique_ptr<SqlStatement> upsert_, version_;
};

}  // namespace entitle
