// casework_commands.hpp — the case-database subcommands: import, gen, batch, runs, diff, arrears.
#pragma once
#include <cstdint>
#include <string>

namespace entitle::cli {

int run_import(const std::string& file, const std::string& db, const std::string& rules, const std::string& errors_path,
               const std::string& today);
int run_gen(std::size_t households, const std::string& region, std::uint64_t seed, const std::string& rules,
            const std::string& out, const std::string& db);
int run_batch(const std::string& db, const std::string& rules, const std::string& period, const std::string& to,
              std::int64_t compare_to, const std::string& report_dir, unsigned threads, long stop_after_chunks,
              const std::string& township = "", const std::string& shard = "");
int run_runs(const std::string& db);
int run_diff(const std::string& db, std::int64_t from, std::int64_t to, const std::string& report_dir);
int run_replay(const std::string& db, std::int64_t run, const std::string& household, const std::string& period,
               const std::string& format);
int run_arrears(const std::string& db, std::int64_t paid, std::int64_t recalculated, const std::string& csv);

}  // namespace entitle::cli
