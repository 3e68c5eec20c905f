// casework_test.cpp — the case database: migrations, import (good, bad, re-import, CSV), generated populations,
// batch runs that resume after being cut off, diffs and arrears on households worked out by hand.
#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "engine/casework/arrears.hpp"
#include "engine/casework/batch.hpp"
#include "engine/casework/diff.hpp"
#include "engine/casework/generator.hpp"
#include "engine/casework/importer.hpp"
#include "engine/casework/replay.hpp"
#include "engine/storage/household_store.hpp"
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;
namespace fs = std::filesystem;

namespace {

/// A fresh directory per test, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("entitle_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  static int& counter() {
    static int c = 0;
    return c;
  }
};

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

const LoadedRules& library() {
  static auto l = load_rules(ENTITLE_RULES_DIR);
  return *l;
}

std::string person(const std::string& id, const std::string& relation, const std::string& birth, const std::string& extra = "") {
  return R"({"id":")" + id + R"(","relation":")" + relation + R"(","birth_date":")" + birth + "\"" + extra + "}";
}

std::string household_json(const std::string& id, const std::string& region, const std::string& area, const std::string& members) {
  return R"({"id":")" + id + R"(","region":")" + region + R"(","area":")" + area + R"(","members":[)" + members + "]}";
}

std::int64_t count(CaseDatabase& db, const std::string& sql) { return db.db().execAndGet(sql).getInt64(); }

}  // namespace

TEST(CaseDatabase, CreatesMigratesAndRefusesNewerOrForeignFiles) {
  TempDir t;
  {
    CaseDatabase db(t.file("a.db"));
    EXPECT_EQ(db.schema_version(), CaseDatabase::kSchemaVersion);
    EXPECT_EQ(count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'decisions'"), 1);
    db.db().exec("PRAGMA user_version = 99");
  }
  try {
    CaseDatabase newer(t.file("a.db"));
    FAIL() << "a newer schema must be refused";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("has schema version 99, newer than this entitle understands (1)"), std::string::npos) << e.what();
  }
  write(t.file("not.db"), "this is a text file, not a database, and it is long enough to have a header\n");
  EXPECT_THROW(CaseDatabase(t.file("not.db")), StorageError);
}

TEST(Import, StoresGoodRecordsReportsBadOnesAndKeepsHistory) {
  TempDir t;
  const ir::RuleSet& rs = *library().rules;
  std::string good1 = household_json("H1", "140521100000", "rural", person("P1", "self", "1960-01-01"));
  std::string good2 = household_json("H2", "140521101000", "urban", person("P1", "self", "1970-01-01") + "," + person("P2", "spouse", "1972-02-02"));
  std::string future = household_json("H3", "140521100000", "rural", person("P1", "self", "2031-01-01"));
  std::string bad_id = household_json("H4", "140521100000", "rural", person("P1", "self", "1950-01-01", R"(,"id_number":"140521195001010019")"));
  write(t.file("in.jsonl"), good1 + "\n" + future + "\n{\"id\": \"broken\"\n" + good2 + "\n" + bad_id + "\n");
  CaseDatabase db(t.file("c.db"));
  std::vector<InputError> errors;
  LoadOptions opts;
  opts.not_after = Date::parse("2026-11-22");
  ImportSummary s = import_file(db, rs, t.file("in.jsonl"), opts, [&](const InputError& e) { errors.push_back(e); });
  EXPECT_EQ(s.records, 5u);
  EXPECT_EQ(s.stored_new, 2u);
  EXPECT_EQ(s.rejected, 3u);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].to_string(),
            "household \"H3\" (" + t.file("in.jsonl") + ":2), field members[P1].birth_date: expected a date no later than today (2026-11-22), found \"2031-01-01\"");
  EXPECT_NE(errors[1].to_string().find(t.file("in.jsonl") + ":3: not valid JSON"), std::string::npos);
  EXPECT_NE(errors[2].to_string().find("field members[P1].id_number: the check character"), std::string::npos);
  EXPECT_EQ(count(db, "SELECT count(*) FROM members"), 3);
  // Re-import: one unchanged, one changed (a new member): the old version moves to history.
  std::string good2b = household_json("H2", "140521101000", "urban",
                                      person("P1", "self", "1970-01-01") + "," + person("P2", "spouse", "1972-02-02") + "," + person("P3", "child", "2010-03-03"));
  write(t.file("again.jsonl"), good1 + "\n" + good2b + "\n");
  ImportSummary s2 = import_file(db, rs, t.file("again.jsonl"), opts, [&](const InputError&) {});
  EXPECT_EQ(s2.unchanged, 1u);
  EXPECT_EQ(s2.updated, 1u);
  HouseholdStore store(db);
  auto versions = store.history("H2");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].find("P3"), std::string::npos);
  EXPECT_NE(versions[1].find("P3"), std::string::npos);
  EXPECT_EQ(count(db, "SELECT member_count FROM households WHERE id = 'H2'"), 3);
  EXPECT_EQ(count(db, "SELECT version FROM households WHERE id = 'H2'"), 2);
}

TEST(Import, CsvOneRowPerMember) {
  TempDir t;
  write(t.file("in.csv"),
        "household_id,region,area,member_id,relation,birth_date,disability_grade,disability_kind,school_stage,school_boarding,incomes\n"
        "C1,140521100000,rural,P1,self,1975-05-01,,,,,wage:12000:year\n"
        "C1,140521100000,rural,P2,spouse,1977-08-12,,,,,\n"
        "C1,140521100000,rural,P3,child,2010-02-03,,,junior,true,\n"
        "C1,140521100000,rural,P4,child,2013-11-30,2,hearing,primary,false,\n"
        "C2,140521100000,urban,P1,self,1960-01-01,,,,,\"pension_other:2000:month;gift:not-money:month\"\n"
        "C3,140521100000,rural,P1,self,1960-01-01,,,,,\n"
        "C3,140521101000,rural,P2,spouse,1961-01-01,,,,,\n");
  CaseDatabase db(t.file("c.db"));
  std::vector<InputError> errors;
  ImportSummary s = import_file(db, *library().rules, t.file("in.csv"), {}, [&](const InputError& e) { errors.push_back(e); });
  EXPECT_EQ(s.records, 3u);
  EXPECT_EQ(s.stored_new, 1u);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].to_string().find("field members[P1].incomes[1].amount: expected an amount of money"), std::string::npos) << errors[0].to_string();
  EXPECT_NE(errors[1].to_string().find("column region is \"140521101000\" but an earlier row of household C3 says \"140521100000\""), std::string::npos)
      << errors[1].to_string();
  EXPECT_EQ(count(db, "SELECT member_count FROM households WHERE id = 'C1'"), 4);
  EXPECT_EQ(count(db, "SELECT disability_grade FROM members WHERE household_id = 'C1' AND member_id = 'P4'"), 2);
}

TEST(Generator, DeterministicValidAndSpreadOverTownships) {
  const ir::RuleSet& rs = *library().rules;
  GenOptions o;
  o.households = 300;
  o.region = "140521";
  o.seed = 42;
  std::vector<std::string> a, b;
  EXPECT_EQ(generate_population(rs, o, [&](std::string&& j) { a.push_back(j); }), "");
  generate_population(rs, o, [&](std::string&& j) { b.push_back(j); });
  EXPECT_EQ(a, b);
  std::set<std::string> townships;
  std::size_t ids = 0;
  for (const std::string& json : a) {
    Household hh = household(rs, json);  // fails the test if any record is invalid (ID checksums, dates, enums)
    townships.insert(hh.region);
    ids += json.find("\"id_number\"") != std::string::npos;
  }
  EXPECT_GE(townships.size(), 10u);
  EXPECT_GT(ids, 250u);
  o.seed = 43;
  std::vector<std::string> c;
  generate_population(rs, o, [&](std::string&& j) { c.push_back(j); });
  EXPECT_NE(a, c);
  o.region = "140522";
  EXPECT_NE(generate_population(rs, o, [](std::string&&) {}).find("not a county with townships declared"), std::string::npos);
}

namespace {
/// Every decision of a run, as text, for comparisons.
std::vector<std::string> decisions_of(CaseDatabase& db, std::int64_t run) {
  std::vector<std::string> out;
  SQLite::Statement st(db.db(), "SELECT household_id, period, program, ifnull(eligible,'?'), ifnull(amount,'?'), members, ifnull(missing,'') "
                                "FROM decisions WHERE run_id = ? ORDER BY 1, 2, 3");
  st.bind(1, run);
  while (st.executeStep()) {
    std::string row;
    for (int i = 0; i < 7; ++i) row += st.getColumn(i).getString() + "|";
    out.push_back(row);
  }
  return out;
}

void populate(CaseDatabase& db, std::size_t n, std::uint64_t seed) {
  TempDir t;
  GenOptions o;
  o.households = n;
  o.region = "140521";
  o.seed = seed;
  std::ofstream f(t.file("g.jsonl"));
  generate_population(*library().rules, o, [&](std::string&& j) { f << j << '\n'; });
  f.close();
  import_file(db, *library().rules, t.file("g.jsonl"), {}, [](const InputError& e) { ADD_FAILURE() << e.to_string(); });
}
}  // namespace

TEST(Batch, ACutOffRunResumesToExactlyTheSameDecisions) {
  TempDir t;
  CaseDatabase clean(t.file("clean.db")), cut(t.file("cut.db"));
  populate(clean, 900, 5);
  populate(cut, 900, 5);
  BatchOptions o;
  o.from = *Month::parse("2025-12");
  o.to = *Month::parse("2026-01");
  o.chunk = 100;
  o.threads = 2;
  BatchSummary full = run_batch(clean, library(), o, nullptr);
  EXPECT_FALSE(full.interrupted);
  EXPECT_EQ(full.households, 900);
  // Cut off after 3 transactions, then again after 2 more, then run to the end.
  o.stop_after_chunks = 3;
  BatchSummary first = run_batch(cut, library(), o, nullptr);
  EXPECT_TRUE(first.interrupted);
  EXPECT_EQ(first.households, 300);
  o.stop_after_chunks = 2;
  BatchSummary second = run_batch(cut, library(), o, nullptr);
  EXPECT_TRUE(second.resumed);
  EXPECT_EQ(second.run.id, first.run.id);
  EXPECT_EQ(second.households, 500);
  o.stop_after_chunks = -1;
  BatchSummary last = run_batch(cut, library(), o, nullptr);
  EXPECT_TRUE(last.resumed);
  EXPECT_EQ(last.households, 900);
  EXPECT_EQ(count(cut, "SELECT count(*) FROM runs"), 1);
  EXPECT_EQ(count(cut, "SELECT status = 'complete' FROM runs"), 1);
  auto a = decisions_of(clean, full.run.id), b = decisions_of(cut, last.run.id);
  EXPECT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b);
  EXPECT_GT(a.size(), 900u);
  // The totals are read back from the database, so a resumed run reports all of its households.
  EXPECT_EQ(last.programs.at("dibao").granted, full.programs.at("dibao").granted);
  EXPECT_EQ(last.programs.at("dibao").amount, full.programs.at("dibao").amount);
}

TEST(DiffAndArrears, HouseholdsWorkedOutByHand) {
  TempDir t;
  // Rural 沁水 standard 440/month; the raised copy adds 480/month from 2026-01.
  std::string a = household_json("A", "140521100000", "rural", person("P1", "self", "1970-01-01", R"(,"incomes":[{"kind":"wage","amount":"240","per":"month"}])") + "," +
                                                                person("P2", "spouse", "1971-01-01"));
  std::string b = household_json("B", "140521101000", "rural", person("P1", "self", "1970-01-01", R"(,"incomes":[{"kind":"wage","amount":"460","per":"month"}])"));
  std::string c = household_json("C", "140521101000", "urban", person("P1", "self", "1970-01-01", R"(,"incomes":[{"kind":"wage","amount":"3000","per":"month"}])"));
  write(t.file("in.jsonl"), a + "\n" + b + "\n" + c + "\n");
  CaseDatabase db(t.file("c.db"));
  import_file(db, *library().rules, t.file("in.jsonl"), {}, [](const InputError& e) { ADD_FAILURE() << e.to_string(); });
  BatchOptions o;
  o.from = *Month::parse("2026-01");
  o.to = *Month::parse("2026-02");
  BatchSummary before = run_batch(db, library(), o, nullptr);
  // A: per capita 120 → (440 − 120) × 2 = 640. B: 460 ≥ 440, not granted. C: far above the urban standard.
  EXPECT_EQ(before.programs.at("dibao").granted, 1);
  EXPECT_EQ(before.programs.at("dibao").amount, money("640"));
  auto files = load_rules_from_texts([] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : fs::recursive_directory_iterator(ENTITLE_RULES_DIR))
      if (e.path().extension() == ".rules") {
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        std::string text = ss.str();
        std::string marker = "from 2020-01-01  5280 per year";
        auto at = text.find(marker);
        if (at != std::string::npos) text.insert(text.find('\n', at) + 1, "                 from 2026-01-01  5760 per year  cite \"测试: 调标\"\n");
        out.emplace_back(fs::relative(e.path(), ENTITLE_RULES_DIR).generic_string(), text);
      }
    std::sort(out.begin(), out.end());
    return out;
  }());
  ASSERT_TRUE(files->rules) << render_diagnostics(files->sources, files->diagnostics.sorted());
  BatchSummary after = run_batch(db, *files, o, nullptr);
  // A: (480 − 120) × 2 = 720 (+80). B: 480 − 460 = 20, newly eligible (+20). Monthly cost delta +100.
  DiffReport d = diff_runs(db, before.run.id, after.run.id);
  EXPECT_EQ(d.from_period, "2026-02");
  const ChangeCounts& dibao = d.by_program.at("dibao");
  EXPECT_EQ(dibao.count[static_cast<int>(Change::Increased)], 1);
  EXPECT_EQ(dibao.count[static_cast<int>(Change::NewlyEligible)], 1);
  EXPECT_EQ(dibao.cost_delta, money("100"));
  EXPECT_EQ(d.by_township.at("140521101").at("dibao").cost_delta, money("20"));
  bool found_a = false;
  for (const auto& ch : d.changes)
    if (ch.household == "A" && ch.program == "dibao") {
      found_a = true;
      EXPECT_EQ(ch.old_amount, "640.00");
      EXPECT_EQ(ch.new_amount, "720.00");
      EXPECT_EQ(ch.delta, "+80.00");
      EXPECT_EQ(ch.reason, "dibao_standard[rural]: 440.00 → 480.00");
    }
  EXPECT_TRUE(found_a);
  std::string html = write_diff_report(d, t.file("report"));
  std::ifstream in(html);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("<b>+100.00 元/月</b>"), std::string::npos);
  EXPECT_EQ(ss.str().find("<script"), std::string::npos);
  EXPECT_EQ(ss.str().find("http"), ss.str().find("http://www.w3.org/2000/svg"));  // no fetches, only the SVG namespace
  // Arrears for a retroactive raise: two months × (80 for A + 20 for B) = 200.
  ArrearsReport ar = compute_arrears(db, before.run.id, after.run.id);
  EXPECT_EQ(ar.arrears_by_program.at("dibao"), money("200"));
  EXPECT_TRUE(ar.overpaid_by_program.empty());
  ASSERT_EQ(ar.lines.size(), 2u);
  EXPECT_EQ(ar.lines[0].household, "A");
  EXPECT_EQ(ar.lines[0].amount, money("160"));
  EXPECT_EQ(ar.lines[0].detail, "2026-01: 640.00 → 720.00; 2026-02: 640.00 → 720.00");
  // The other way round it is an overpayment.
  ArrearsReport back = compute_arrears(db, after.run.id, before.run.id);
  EXPECT_EQ(back.overpaid_by_program.at("dibao"), money("200"));
  EXPECT_THROW(diff_runs(db, before.run.id, 99), StorageError);
}

TEST(Replay, ReproducesStoredDecisionsFromTheDatabaseAlone) {
  TempDir t;
  CaseDatabase db(t.file("c.db"));
  std::string v1 = household_json("R", "140521100000", "rural", person("P1", "self", "1970-01-01", R"(,"incomes":[{"kind":"wage","amount":"240","per":"month"}])"));
  write(t.file("v1.jsonl"), v1 + "\n");
  import_file(db, *library().rules, t.file("v1.jsonl"), {}, [](const InputError& e) { ADD_FAILURE() << e.to_string(); });
  BatchOptions o;
  o.from = o.to = *Month::parse("2026-01");
  BatchSummary run1 = run_batch(db, library(), o, nullptr);
  // The household changes later; the replay of run 1 must use the version run 1 saw.
  std::string v2 = household_json("R", "140521100000", "rural", person("P1", "self", "1970-01-01", R"(,"incomes":[{"kind":"wage","amount":"400","per":"month"}])"));
  write(t.file("v2.jsonl"), v2 + "\n");
  import_file(db, *library().rules, t.file("v2.jsonl"), {}, [](const InputError& e) { ADD_FAILURE() << e.to_string(); });
  Replay r = replay_decision(db, run1.run.id, "R", "2026-01");
  EXPECT_TRUE(r.differences.empty()) << r.differences[0];
  EXPECT_EQ(r.record, v1);
  EXPECT_EQ(r.rules->rules->hash, library().rules->hash);
  EXPECT_EQ(entitlement(r.result, *r.rules->rules, "dibao").amount, money("200"));
  EXPECT_FALSE(r.result.trace.empty());
  // Tampering with a stored decision is caught.
  db.db().exec("UPDATE decisions SET amount = '250.00' WHERE household_id = 'R' AND program = 'dibao'");
  Replay tampered = replay_decision(db, run1.run.id, "R", "2026-01");
  ASSERT_EQ(tampered.differences.size(), 1u);
  EXPECT_EQ(tampered.differences[0], "dibao: stored 250.00, replayed 200.00");
  EXPECT_THROW(replay_decision(db, run1.run.id, "nobody", "2026-01"), StorageError);
  EXPECT_THROW(replay_decision(db, run1.run.id, "R", "2025-01"), StorageError);
}

TEST(Import, CsvHeaderAndQuotingProblemsAreNamed) {
  TempDir t;
  CaseDatabase db(t.file("c.db"));
  auto errors_of = [&](const std::string& text) {
    write(t.file("x.csv"), text);
    std::vector<std::string> out;
    import_file(db, *library().rules, t.file("x.csv"), {}, [&](const InputError& e) { out.push_back(e.to_string()); });
    return out;
  };
  auto unknown = errors_of("household_id,member_id,birthdate\nH,P1,1970-01-01\n");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_NE(unknown[0].find("x.csv:1: unknown column 'birthdate'"), std::string::npos) << unknown[0];
  auto no_id = errors_of("region,member_id\n140521,P1\n");
  ASSERT_EQ(no_id.size(), 1u);
  EXPECT_NE(no_id[0].find("the header has no 'household_id' column"), std::string::npos) << no_id[0];
  auto open_quote = errors_of("household_id,region,area,member_id,relation,birth_date\n"
                              "H,140521100000,rural,P1,self,1970-01-01\n"
                              "J,140521100000,rural,P1,\"self,1970-01-01\n");
  ASSERT_FALSE(open_quote.empty());
  EXPECT_NE(open_quote.back().find("line 3: a quoted field is not closed"), std::string::npos) << open_quote.back();
}
