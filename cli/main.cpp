// main.cpp — `entitle`: command-line parsing (CLI11) and dispatch to the subcommands.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <pwd.h>
#include <unistd.h>

#include <iostream>

#include "cli/audit_commands.hpp"
#include "cli/migrate_command.hpp"
#include "cli/casework_commands.hpp"
#include "cli/commands.hpp"
#include "cli/server_commands.hpp"
#include "engine/storage/ledger.hpp"
#include "engine/storage/storage.hpp"
#include "engine/storage/storage_error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"entitle — social-assistance rules as code: check rules, evaluate households, run rule tests"};
  app.require_subcommand(1);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "log timings to stderr");

  std::string check_dir;
  auto* check = app.add_subcommand("check", "parse and check a rule set; print diagnostics");
  check->add_option("DIR", check_dir, "rule-set directory (or one .rules file)")->required();

  std::string rules, household, period, format = "json";
  bool explain = false, strict_standards = false;
  unsigned e_threads = 0;
  auto* eval = app.add_subcommand("eval", "evaluate households for a month");
  eval->add_option("--rules", rules, "rule-set directory")->required();
  eval->add_option("--household", household, "a JSON household, or JSON Lines (one per line)")->required();
  eval->add_option("--period", period, "the month, YYYY-MM")->required();
  eval->add_option("--format", format, "json (default) or text");
  eval->add_flag("--explain", explain, "include the explanation tree and why programs were not granted");
  eval->add_flag("--strict-standards", strict_standards,
                 "treat a standard value used past its declared renewal as unknown (undetermined) instead of provisional");
  eval->add_option("--threads", e_threads, "worker threads for a JSON Lines file (default: all cores); output order is the file's");

  std::string test_dir;
  auto* test = app.add_subcommand("test", "run the tests written in a rule set and report rule coverage");
  test->add_option("DIR", test_dir, "rule-set directory")->required();

  std::string doc_dir, doc_out = "catalogue";
  auto* doc = app.add_subcommand("doc", "write the rule catalogue (Markdown and HTML) for county offices");
  doc->add_option("DIR", doc_dir, "rule-set directory")->required();
  doc->add_option("--out", doc_out, "output directory (default: ./catalogue)");

  std::string imp_file, imp_db, imp_rules = "rules", imp_errors, imp_today;
  auto* imp = app.add_subcommand("import", "validate households (JSON Lines, JSON or CSV) and store the good ones");
  imp->add_option("FILE", imp_file, "household file")->required();
  imp->add_option("--db", imp_db, "case database (SQLite file)")->required();
  imp->add_option("--rules", imp_rules, "rule set whose schema records must follow (default: rules)");
  imp->add_option("--errors", imp_errors, "where to list bad records (default: FILE.errors.txt)");
  imp->add_option("--today", imp_today, "dates after this day are refused (default: today)");

  std::size_t gen_n = 1000;
  std::string gen_region, gen_rules = "rules", gen_out, gen_db;
  std::uint64_t gen_seed = 1;
  auto* gen = app.add_subcommand("gen", "generate a deterministic synthetic population");
  gen->add_option("--households", gen_n, "how many households")->required();
  gen->add_option("--region", gen_region, "county code, e.g. 140521")->required();
  gen->add_option("--seed", gen_seed, "random seed (same seed, same population)");
  gen->add_option("--rules", gen_rules, "rule set (its regions give the townships; default: rules)");
  gen->add_option("--out", gen_out, "write JSON Lines here");
  gen->add_option("--db", gen_db, "or store into this case database");

  std::string b_db, b_rules = "rules", b_period, b_to, b_report = "report", b_township, b_shard;
  std::int64_t b_compare = 0;
  unsigned b_threads = 0;
  long b_stop = -1;
  auto* batch = app.add_subcommand("batch", "evaluate every household in the case database");
  batch->add_option("--db", b_db, "case database")->required();
  batch->add_option("--rules", b_rules, "rule set (default: rules)");
  batch->add_option("--period", b_period, "month YYYY-MM (the first, with --to)")->required();
  batch->add_option("--to", b_to, "last month of a range");
  batch->add_option("--compare-to", b_compare, "then diff against this earlier run");
  batch->add_option("--report", b_report, "directory for the --compare-to report (default: report)");
  batch->add_option("--threads", b_threads, "worker threads (default: all cores)");
  batch->add_option("--township", b_township, "decide only this township's households (9-digit code, or a county prefix); "
                                              "workers on different townships share one run");
  batch->add_option("--shard", b_shard, "decide only part i of n (i/n: ranges of household ids); workers share one run");
  batch->add_option("--stop-after-chunks", b_stop, "testing: stop after N write transactions, as if killed")->group("");

  std::string r_db;
  auto* runs_cmd = app.add_subcommand("runs", "list the runs in a case database");
  runs_cmd->add_option("--db", r_db, "case database")->required();

  std::string d_db, d_report = "report";
  std::int64_t d_from = 0, d_to = 0;
  auto* diff = app.add_subcommand("diff", "compare two runs: who gains, who loses, what it costs");
  diff->add_option("--db", d_db, "case database")->required();
  diff->add_option("--from", d_from, "earlier run id")->required();
  diff->add_option("--to", d_to, "later run id")->required();
  diff->add_option("--report", d_report, "directory for report.html, changes.csv, summary.csv (default: report)");

  std::string a_db, a_csv;
  std::int64_t a_paid = 0, a_recalc = 0;
  auto* arrears = app.add_subcommand("arrears", "arrears (补发) or overpayment after a retroactive change");
  arrears->add_option("--db", a_db, "case database")->required();
  arrears->add_option("--paid", a_paid, "run of what was paid")->required();
  arrears->add_option("--recalculated", a_recalc, "run with the changed standards, same months")->required();
  arrears->add_option("--csv", a_csv, "write the household lines here");

  std::string rp_db, rp_household, rp_period, rp_format = "text";
  std::int64_t rp_run = 0;
  auto* replay = app.add_subcommand("replay", "re-decide a stored household from the database alone, with its explanation");
  replay->add_option("--db", rp_db, "case database")->required();
  replay->add_option("--run", rp_run, "run id")->required();
  replay->add_option("--household", rp_household, "household id")->required();
  replay->add_option("--period", rp_period, "month YYYY-MM within the run")->required();
  replay->add_option("--format", rp_format, "text (default) or json");

  std::string sv_db, sv_rules = "rules", sv_listen = "127.0.0.1:8080", sv_web;
  unsigned sv_threads = 64;
  auto* serve = app.add_subcommand("serve", "serve the web application and the HTTP API (docs/http-api.md)");
  serve->add_option("--db", sv_db, "case database")->required();
  serve->add_option("--rules", sv_rules, "rule-set directory (default: rules)");
  serve->add_option("--listen", sv_listen, "HOST:PORT (default 127.0.0.1:8080: this machine only)");
  serve->add_option("--threads", sv_threads, "request threads (default 64: cpp-httplib holds one per keep-alive connection)");
  serve->add_option("--web", sv_web, "directory of the web pages (default: the source tree's web/)");

  std::string u_name, u_role, u_db, u_rules = "rules";
  std::vector<std::string> u_townships;
  bool u_stdin = false;
  auto* user = app.add_subcommand("user", "users of the web application");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "add a user; the password is read from standard input (one line)");
  user_add->add_option("NAME", u_name, "user name")->required();
  user_add->add_option("--role", u_role, "caseworker, county, auditor or admin")->required();
  user_add->add_option("--township", u_townships, "9- or 12-digit township code, or a 6-digit county code (repeatable)");
  user_add->add_option("--db", u_db, "case database")->required();
  user_add->add_option("--rules", u_rules, "rule set whose regions the codes must be in (default: rules)");
  user_add->add_flag("--password-stdin", u_stdin, "read the password from standard input");

  std::string mg_from, mg_to;
  auto* migrate = app.add_subcommand("migrate-db", "move an SQLite case database into PostgreSQL (or back), with its history, runs and ledger");
  migrate->add_option("--from", mg_from, "the case database: an SQLite file (or a postgresql:// URI)")->required();
  migrate->add_option("--to", mg_to, "an empty PostgreSQL database postgresql://user@host:port/dbname (or a new SQLite file)")->required();

  std::string au_db, au_head;
  std::vector<std::string> au_keys;
  auto* audit = app.add_subcommand("audit", "the tamper-evident ledger (docs/trust.md)");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand("verify", "walk the ledger and compare it with what is stored; exit 1 when anything was changed");
  audit_verify->add_option("--db", au_db, "case database")->required();
  audit_verify->add_option("--public-key", au_keys, "the public key (hex) you keep apart from the database (repeatable after a key change)");
  audit_verify->add_option("--head", au_head, "SEQ:HASH of an entry you wrote down earlier: it must still be there, unchanged");
  auto* audit_key = audit->add_subcommand("key", "print the public key this database signs its ledger with");
  audit_key->add_option("--db", au_db, "case database")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  {  // the ledger names who ran the command that wrote an entry
    std::string command;
    for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
      sub = sub->get_subcommands().front();
      command += (command.empty() ? "" : " ") + sub->get_name();
    }
    const passwd* pw = getpwuid(getuid());
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    entitle::set_process_actor("cli:" + command + " (" + (pw ? std::string(pw->pw_name) : std::to_string(getuid())) + "@" + host + ")");
  }
  auto logger = spdlog::stderr_color_mt("entitle");
  spdlog::set_default_logger(logger);
  spdlog::set_level(verbose ? spdlog::level::info : spdlog::level::warn);

  try {
    if (*check) return entitle::cli::run_check(check_dir);
    if (*eval) return entitle::cli::run_eval(rules, household, period, format, explain, strict_standards, e_threads);
    if (*doc) return entitle::cli::run_doc(doc_dir, doc_out);
    if (*imp) return entitle::cli::run_import(imp_file, imp_db, imp_rules, imp_errors, imp_today);
    if (*gen) return entitle::cli::run_gen(gen_n, gen_region, gen_seed, gen_rules, gen_out, gen_db);
    if (*batch) return entitle::cli::run_batch(b_db, b_rules, b_period, b_to, b_compare, b_report, b_threads, b_stop, b_township, b_shard);
    if (*runs_cmd) return entitle::cli::run_runs(r_db);
    if (*diff) return entitle::cli::run_diff(d_db, d_from, d_to, d_report);
    if (*replay) return entitle::cli::run_replay(rp_db, rp_run, rp_household, rp_period, rp_format);
    if (*arrears) return entitle::cli::run_arrears(a_db, a_paid, a_recalc, a_csv);
    if (*serve) return entitle::cli::run_serve(sv_db, sv_rules, sv_listen, sv_threads, sv_web);
    if (*migrate) return entitle::cli::run_migrate_db(mg_from, mg_to);
    if (*audit_verify) return entitle::cli::run_audit_verify(au_db, au_keys, au_head);
    if (*audit_key) return entitle::cli::run_audit_key(au_db);
    if (*user_add) return entitle::cli::run_user_add(u_name, u_role, u_townships, u_db, u_rules, u_stdin);
    return entitle::cli::run_test(test_dir);
  } catch (const entitle::StorageError& e) {  // the database file: unreadable, corrupt, newer, or a missing run
    std::cerr << "entitle: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {  // a failure of the machine (memory, files), never of the input
    // …or of the case database itself (a damaged page found while reading): said as such, naming the file.
    std::string db = *imp ? imp_db : *gen ? gen_db : *batch ? b_db : *runs_cmd ? r_db : *diff ? d_db : *replay ? rp_db
                     : *arrears ? a_db : *serve ? sv_db : *migrate ? mg_to : *audit_verify || *audit_key ? au_db : *user_add ? u_db : "";
    if (!db.empty())
      if (auto failure = entitle::database_failure(db, e)) {
        std::cerr << "entitle: " << failure->what() << '\n';
        return 2;
      }
    spdlog::critical("internal error: {}", e.what());
    return 2;
  }
}
