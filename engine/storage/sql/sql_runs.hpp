// sql_runs.hpp — runs, run_households and decisions in SQL, for SQLite and PostgreSQL alike.
#pragma once
#include "engine/storage/run_repository.hpp"

namespace entitle {

class SqlStorage;

class SqlRunRepository final : public RunRepository {
public:
  explicit SqlRunRepository(SqlStorage& s) : s_(s) {}
  std::optional<RunInfo> find_unfinished(const std::string& ruleset, const std::string& from, const std::string& to,
                                         const std::string& kind = "batch") override;
  RunInfo create(const std::string& ruleset, const std::string& from, const std::string& to, const std::string& kind = "batch") override;
  bool approve(std::int64_t run, const std::string& user) override;
  std::optional<RunInfo> approved_for(const std::string& period) override;
  std::vector<RunInfo> runs_of_household(const std::string& household) override;
  std::optional<RunInfo> get(std::int64_t id) override;
  void for_each_decision(std::int64_t run, const std::string& from, const std::string& to,
                         const std::function<void(const StoredDecision&)>& each) override;
  std::vector<StoredDecision> decisions_of(std::int64_t run, const std::string& household, const std::string& period) override;
  std::vector<RunInfo> list() override;
  void write(std::int64_t run, const std::vector<HouseholdOutcome>& chunk) override;
  void finish(std::int64_t run) override;
  std::int64_t done_count(std::int64_t run) override;
  std::map<std::string, std::string> finished_households(std::int64_t run) override;
  std::optional<std::pair<std::string, std::string>> household_in_run(std::int64_t run, const std::string& household) override;
  std::vector<std::string> error_examples(std::int64_t run, int limit) override;

private:
  void write_in_transaction(std::int64_t run, const std::vector<HouseholdOutcome>& chunk);
  SqlStorage& s_;
};

}  // namespace entitle
