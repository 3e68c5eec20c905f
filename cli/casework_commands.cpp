// casework_commands.cpp — import, gen, batch, runs, diff and arrears: option checks, progress, summaries.
#include "cli/casework_commands.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <ctime>
#include <fstream>
#include <iostream>

#include "engine/casework/arrears.hpp"
#include "engine/casework/batch.hpp"
#include "engine/casework/diff.hpp"
#include "engine/casework/generator.hpp"
#include "engine/casework/importer.hpp"
#include "engine/casework/replay.hpp"
#include "engine/explain/render.hpp"
#include "engine/base/sha256.hpp"
#include "engine/storage/storage.hpp"

namespace entitle::cli {
namespace {

std::unique_ptr<LoadedRules> rules_or_report(const std::string& dir) {
  auto loaded = load_rules(dir);
  if (!loaded->rules) {
    std::cerr << render_diagnostics(loaded->sources, loaded->diagnostics.sorted());
    std::cerr << "entitle: the rules in " << dir << " have errors\n";
  }
  return loaded;
}

std::optional<Date> today_or(const std::string& text) {
  if (!text.empty()) return Date::parse(text);
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return Date::from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/// "[=========>          ] 45%  4,500/10,000  12,345 households/s  ETA 0:03" on a terminal; nothing otherwise.
class ProgressBar {
public:
  ProgressBar() : tty_(isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {}
  void operator()(std::int64_t done, std::int64_t total) {
    if (!tty_ || total <= 0) return;
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count();
    std::int64_t pct = done * 100 / total, width = 30, filled = done * width / total;
    std::int64_t rate = elapsed > 0 ? (done - first_) * 1000 / elapsed : 0;
    std::int64_t eta = rate > 0 ? (total - done) / rate : 0;
    std::cerr << "\r[" << std::string(filled, '=') << (filled < width ? ">" : "") << std::string(std::max<std::int64_t>(0, width - filled - 1), ' ')
              << "] " << pct << "%  " << done << "/" << total << "  " << rate << " households/s  ETA " << eta / 60 << ":"
              << (eta % 60 < 10 ? "0" : "") << eta % 60 << "   " << std::flush;
    if (!started_) first_ = done, started_ = true;
    if (done >= total) std::cerr << '\n';
  }

private:
  bool tty_, started_ = false;
  std::int64_t first_ = 0;
  std::chrono::steady_clock::time_point start_;
};

void print_summary(const BatchSummary& s, const ir::RuleSet& rs) {
  std::cout << "run " << s.run.id << (!s.part.empty() ? " (this worker: " + s.part + (s.resumed ? ", joining the run" : "") + ")"
                                       : s.resumed ? " (resumed)" : "") << ": rules " << s.run.ruleset.substr(0, 19) << "…, months "
            << s.run.period_from << " to " << s.run.period_to << (s.interrupted ? " — stopped before the end" : "") << '\n';
  std::cout << "households: " << s.households << "; with errors: " << s.bad_records << '\n';
  std::cout << "granted in " << s.period << ":\n";
  Rational monthly, annual, once;
  std::int64_t review = 0, provisional = 0;
  for (const auto& p : rs.programs) {
    auto it = s.programs.find(p.name);
    ProgramTotals t = it == s.programs.end() ? ProgramTotals{} : it->second;
    std::cout << "  " << p.label << " (" << p.name << "): " << t.granted << " granted, " << t.amount.to_fixed(2) << " 元/"
              << ir::period_name(p.period)
              << (t.amount_unknown ? " (+ " + std::to_string(t.amount_unknown) + " with the amount undetermined)" : "")
              << (t.undetermined ? ", " + std::to_string(t.undetermined) + " undetermined" : "")
              << (t.excluded ? ", " + std::to_string(t.excluded) + " excluded by another program" : "")
              << (t.choice_needed ? ", " + std::to_string(t.choice_needed) + " to choose between programs" : "") << '\n';
    if (p.period == ir::Period::Month) monthly = monthly + t.amount;
    if (auto a = annual_amount(t.amount, ir::period_name(p.period))) annual = annual + *a;
    else once = once + t.amount;
    review += t.review;
    provisional += t.provisional;
  }
  std::cout << "total monthly cost (monthly programs, amounts known): " << monthly.to_fixed(2) << " 元\n";
  std::cout << "total annual cost (monthly × 12, semesterly × 2, yearly; amounts known): " << money_text(annual) << " 元; paid once: "
            << once.to_fixed(2) << " 元\n";
  if (review || provisional)
    std::cout << "to review (复核): " << review << "; provisional (a standard value past its renewal): " << provisional << '\n';
  if (!s.top_missing.empty()) {
    std::cout << "most common missing facts:\n";
    for (const auto& [fact, n] : s.top_missing) std::cout << "  " << n << " × " << fact << '\n';
  }
  for (const auto& b : s.bad_examples) std::cout << "  error: " << b << '\n';
}

void print_diff(const DiffReport& r) {
  std::cout << render_diff_text(r);
  // One line for scripts: the change of the monthly cost (yearly and semester programs spread over the months).
  std::cout << "total monthly cost change: " << signed_money(r.monthly_after() - r.monthly_before()) << " 元; " << r.changes.size()
            << " changed household × program\n";
}

}  // namespace

int run_import(const std::string& file, const std::string& db_path, const std::string& rules, const std::string& errors_path,
               const std::string& today) {
  auto loaded = rules_or_report(rules);
  if (!loaded->rules) return 2;
  auto day = today_or(today);
  if (!day) {
    std::cerr << "entitle: --today expects a date YYYY-MM-DD, found '" << today << "'\n";
    return 2;
  }
  auto storage = open_storage(db_path);
  Storage& db = *storage;
  std::string err_file = errors_path.empty() ? file + ".errors.txt" : errors_path;
  std::ofstream err_out(err_file, std::ios::binary);
  std::size_t shown = 0;
  LoadOptions options;
  options.not_after = day;
  auto start = std::chrono::steady_clock::now();
  ImportSummary s = import_file(db, *loaded->rules, file, options, [&](const InputError& e) {
    err_out << e.to_string() << '\n';
    if (shown++ < 20) std::cerr << "entitle: " << e.to_string() << '\n';
  });
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  if (shown > 20) std::cerr << "entitle: … " << shown - 20 << " more problem(s) in " << err_file << '\n';
  err_out.close();
  if (shown > 0 && !err_out) {
    std::string why = std::strerror(errno);
    std::cerr << "entitle: 无法写入错误清单 '" << err_file << "' (cannot write the list of problems '" << err_file << "': " << why << ")\n";
  }
  std::cout << "import " << s.import_id << ": " << s.records << " record(s): " << s.stored_new << " new, " << s.updated
            << " updated (earlier versions kept), " << s.unchanged << " unchanged, " << s.rejected << " rejected";
  if (s.rejected) std::cout << " — problems listed in " << err_file;
  if (!s.file_error.empty()) std::cout << " — the file could not be read whole (" << err_file << ")";
  std::cout << "\n";
  spdlog::info("import took {} ms", ms);
  return s.rejected || !s.file_error.empty() ? 2 : 0;
}

int run_gen(std::size_t households, const std::string& region, std::uint64_t seed, const std::string& rules,
            const std::string& out, const std::string& db_path) {
  if (out.empty() == db_path.empty()) {
    std::cerr << "entitle: gen writes to exactly one of --out FILE or --db DB\n";
    return 2;
  }
  auto loaded = rules_or_report(rules);
  if (!loaded->rules) return 2;
  GenOptions o;
  o.households = households;
  o.region = region;
  o.seed = seed;
  // The population goes through a file and `import`: beside an SQLite file, or in the temporary folder for a server.
  std::string file = !out.empty()                     ? out
                     : !is_server_location(db_path) ? db_path + ".generated.jsonl"
                                                    : (std::filesystem::temp_directory_path() /
                                                       ("entitle-gen-" + std::to_string(::getpid()) + ".jsonl")).string();
  std::ofstream f(file, std::ios::binary);
  std::string error = generate_population(*loaded->rules, o, [&](std::string&& json) { f << json << '\n'; });
  f.close();
  if (!f) {  // the disk full: said, naming the file, and never imported as if it were whole
    std::string why = std::strerror(errno);
    if (!db_path.empty()) std::remove(file.c_str());
    std::cerr << "entitle: 无法写入文件 '" << file << "' (cannot write '" << file << "': " << why << ")\n";
    return 2;
  }
  if (!error.empty()) {
    std::cerr << "entitle: " << error << '\n';
    return 2;
  }
  if (db_path.empty()) {
    std::cout << "generated " << households << " household(s) for " << region << " (seed " << seed << ") into " << file << '\n';
    return 0;
  }
  auto storage = open_storage(db_path);
  Storage& db = *storage;
  LoadOptions options;
  ImportSummary s = import_file(db, *loaded->rules, file, options, [&](const InputError& e) { std::cerr << "entitle: " << e.to_string() << '\n'; });
  std::remove(file.c_str());
  std::cout << "generated " << households << " household(s) for " << region << " (seed " << seed << ") into " << db_path << ": "
            << s.stored_new << " new, " << s.updated << " updated, " << s.rejected << " rejected\n";
  return s.rejected ? 2 : 0;
}

int run_batch(const std::string& db_path, const std::string& rules, const std::string& period, const std::string& to,
              std::int64_t compare_to, const std::string& report_dir, unsigned threads, long stop_after_chunks,
              const std::string& township, const std::string& shard) {
  auto from = Month::parse(period), until = Month::parse(to.empty() ? period : to);
  if (!from || !until || *until < *from) {
    std::cerr << "entitle: --period and --to expect months YYYY-MM, --to not before --period\n";
    return 2;
  }
  int shard_i = 0, shard_n = 0;
  if (!shard.empty()) {
    char slash = 0, rest = 0;
    if (std::sscanf(shard.c_str(), "%d%c%d%c", &shard_i, &slash, &shard_n, &rest) != 3 || slash != '/' || shard_n < 1 ||
        shard_i < 1 || shard_i > shard_n || shard_n > 1000) {
      std::cerr << "entitle: --shard '" << shard << "' 应为 i/n，1 ≤ i ≤ n ≤ 1000，如 1/4 (expected i/n with 1 ≤ i ≤ n ≤ 1000, e.g. 1/4)\n";
      return 2;
    }
  }
  if (!township.empty() && (township.size() < 6 || township.size() > 12 || township.find_first_not_of("0123456789") != std::string::npos)) {
    std::cerr << "entitle: --township '" << township << "' 应为 6 至 12 位数字的区划代码，如 140521101 (expected a 6- to 12-digit region code)\n";
    return 2;
  }
  if (!township.empty() && !shard.empty()) {
    std::cerr << "entitle: --township 与 --shard 只能选一个 (give either --township or --shard, not both)\n";
    return 2;
  }
  auto loaded = rules_or_report(rules);
  if (!loaded->rules) return 2;
  auto storage = open_storage(db_path);
  Storage& db = *storage;
  BatchOptions o;
  o.from = *from;
  o.to = *until;
  o.threads = threads;
  o.stop_after_chunks = stop_after_chunks;
  o.township = township;
  o.shard = shard_i;
  o.shards = shard_n;
  ProgressBar bar;
  BatchSummary s = run_batch(db, *loaded, o, [&](std::int64_t done, std::int64_t total) { bar(done, total); });
  print_summary(s, *loaded->rules);
  spdlog::info("evaluation {:.2f} s, writing {:.2f} s", s.eval_seconds, s.write_seconds);
  if (s.interrupted) return 1;
  if (s.run.status != "complete") {  // one worker's part: the others decide the rest of the run
    std::cout << "this worker's part is decided; run " << s.run.id << " is complete once the other workers finish ("
              << s.households << " of " << db.households().count() << " households decided so far)\n";
    if (compare_to > 0) std::cout << "--compare-to: the report is written once the run is complete (entitle diff)\n";
    return 0;
  }
  if (compare_to > 0) {
    DiffReport r = diff_runs(db, compare_to, s.run.id);
    print_diff(r);
    std::cout << "report: " << write_diff_report(r, report_dir) << '\n';
  }
  return 0;
}

int run_runs(const std::string& db_path) {
  auto storage = open_storage(db_path);
  Storage& db = *storage;
  for (const RunInfo& r : db.runs().list())
    std::cout << r.id << "  " << r.status << "  " << r.period_from << ".." << r.period_to << "  " << r.households << " households, "
              << r.bad_records << " with errors  rules " << r.ruleset.substr(0, 19) << "…\n";
  return 0;
}

int run_diff(const std::string& db_path, std::int64_t from, std::int64_t to, const std::string& report_dir) {
  auto storage = open_storage(db_path);
  Storage& db = *storage;
  DiffReport r = diff_runs(db, from, to);
  print_diff(r);
  std::cout << "report: " << write_diff_report(r, report_dir) << " (with changes.csv, losers.csv, review.csv and summary.csv)\n";
  return 0;
}

int run_replay(const std::string& db_path, std::int64_t run, const std::string& household, const std::string& period,
               const std::string& format) {
  auto storage = open_storage(db_path);
  Storage& db = *storage;
  Replay r = replay_decision(db, run, household, period);
  const ir::RuleSet& rs = *r.rules->rules;
  if (format == "json") std::cout << render_result_json(rs, r.rules->sources, r.result, true, &r.household) << '\n';
  else std::cout << render_result_text(rs, r.rules->sources, r.result, true, &r.household);
  if (r.differences.empty()) {
    std::cout << "replay of run " << run << ", household " << household << ", " << period << ": reproduces the stored decisions (rules "
              << rs.hash.substr(0, 19) << "…, record sha256:" << sha256_hex(r.record).substr(0, 12) << "…)\n";
    return 0;
  }
  for (const auto& d : r.differences) std::cout << "DIFFERS: " << d << '\n';
  return 1;
}

int run_arrears(const std::string& db_path, std::int64_t paid, std::int64_t recalculated, const std::string& csv) {
  auto storage = open_storage(db_path);
  Storage& db = *storage;
  ArrearsReport r = compute_arrears(db, paid, recalculated);
  std::cout << "arrears: paid run " << paid << " vs recalculated run " << recalculated << ", months " << r.from << " to " << r.to << '\n';
  for (const auto& [p, amount] : r.arrears_by_program) std::cout << "  " << p << ": 补发 " << amount.to_fixed(2) << " 元\n";
  for (const auto& [p, amount] : r.overpaid_by_program) std::cout << "  " << p << ": 多发 " << amount.to_fixed(2) << " 元\n";
  std::cout << r.lines.size() << " household × program with a difference";
  if (r.undetermined) std::cout << "; " << r.undetermined << " month(s) left out because an amount is undetermined";
  std::cout << '\n';
  if (!csv.empty()) {
    write_arrears_csv(r, csv);
    std::cout << "written: " << csv << '\n';
  }
  return 0;
}

}  // namespace entitle::cli
