// casework_test.cpp — the case database: migrations, import (good, bad, re-import, CSV), generated populations,
// batch runs that resume after being cut off, diffs and arrears on households worked out by hand.
#include <SQLiteCpp/Statement.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "engine/casework/arrears.hpp"
#include "engine/casework/batch.hpp"
#include "engine/casework/diff.hpp"
#include "engine/casework/generator.hpp"
#include "engine/casework/importer.hpp"
#include "engine/casework/replay.hpp"
#include "engine/storage/sqlite/sqlite_storage.hpp"
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

std::string person(const std::string& id, const std::string& relation, const std::string& birth, const std::string& extra = "") {
  return R"({"id":")" + id + R"(","relation":")" + relation + R"(","birth_date":")" + birth + "\"" + extra + "}";
}

std::string household_json(const std::string& id, const std::string& region, const std::string& area, const std::string& members) {
  return R"({"id":")" + id + R"(","region":")" + region + R"(","area":")" + area + R"(","members":[)" + members + "]}";
}

std::int64_t count(SqliteStorage& db, const std::string& sql) { return db.db().execAndGet(sql).getInt64(); }

}  // namespace

TEST(CaseDatabase, CreatesMigratesAndRefusesNewerOrForeignFiles) {
  TempDir t;
  {
    SqliteStorage db(t.file("a.db"));
    EXPECT_EQ(db.schema_version(), SqliteStorage::kSchemaVersion);
    EXPECT_EQ(count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'decisions'"), 1);
    db.db().exec("PRAGMA user_version = 99");
  }
  try {
    SqliteStorage newer(t.file("a.db"));
    FAIL() << "a newer schema must be refused";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("has schema version 99, newer than this entitle understands (" + std::to_string(SqliteStorage::kSchemaVersion) + ")"), std::string::npos) << e.what();
  }
  write(t.file("not.db"), "this is a text file, not a database, and it is long enough to have a header\n");
  EXPECT_THROW(SqliteStorage(t.file("not.db")), StorageError);
}

TEST(Import, StoresGoodRecordsReportsBadOnesAndKeepsHistory) {
  TempDir t;
  const ir::RuleSet& rs = *library().rules;
  std::string good1 = household_json("H1", "140521100000", "rural", person("P1", "self", "1960-01-01"));
  std::string good2 = household_json("H2", "140521101000", "urban", person("P1", "self", "1970-01-01") + "," + person("P2", "spouse", "1972-02-02"));
  std::string future = household_json("H3", "140521100000", "rural", person("P1", "self", "2031-01-01"));
  std::string bad_id = household_json("H4", "140521100000", "rural", person("P1", "self", "1950-01-01", R"(,"id_number":"140521195001010019")"));
  write(t.file("in.jsonl"), good1 + "\n" + future + "\n{\"id\": \"broken\"\n" + good2 + "\n" + bad_id + "\n");
  SqliteStorage db(t.file("c.db"));
  std::vector<InputError> errors;
  LoadOptions opts;
  opts.not_after = Date::parse("2026-11-22");
  ImportSummary s = import_file(db, rs, t.file("in.jsonl"), opts, [&](const InputError& e) { errors.push_back(e); });
  EXPECT_EQ(s.records, 5u);
  EXPECT_EQ(s.stored_new, 2u);
  EXPECT_EQ(s.rejected, 3u);
  ASSERT_EQ(errors.size(), 3u);
  // The wording is the record validator's; what matters here is the record, the line, the field and both dates.
  EXPECT_EQ(errors[0].to_string().rfind("household \"H3\" (" + t.file("in.jsonl") + ":2), field members[P1].birth_date: ", 0), 0u)
      << errors[0].to_string();
  EXPECT_NE(errors[0].to_string().find("2031-01-01"), std::string::npos) << errors[0].to_string();
  EXPECT_NE(errors[0].to_string().find("2026-11-22"), std::string::npos) << errors[0].to_string();
  EXPECT_NE(errors[1].to_string().find(t.file("in.jsonl") + ":3: not valid JSON"), std::string::npos);
  EXPECT_NE(errors[2].to_string().find("field members[P1].id_number: 公民身份号码"), std::string::npos);
  EXPECT_EQ(count(db, "SELECT count(*) FROM members"), 3);
  // Re-import: one unchanged, one changed (a new member): the old version moves to history.
  std::string good2b = household_json("H2", "140521101000", "urban",
                                      person("P1", "self", "1970-01-01") + "," + person("P2", "spouse", "1972-02-02") + "," + person("P3", "child", "2010-03-03"));
  write(t.file("again.jsonl"), good1 + "\n" + good2b + "\n");
  ImportSummary s2 = import_file(db, rs, t.file("again.jsonl"), opts, [&](const InputError&) {});
  EXPECT_EQ(s2.unchanged, 1u);
  EXPECT_EQ(s2.updated, 1u);
  HouseholdRepository& store = db.households();
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
  SqliteStorage db(t.file("c.db"));
  std::vector<InputError> errors;
  ImportSummary s = import_file(db, *library().rules, t.file("in.csv"), {}, [&](const InputError& e) { errors.push_back(e); });
  EXPECT_EQ(s.records, 3u);
  EXPECT_EQ(s.stored_new, 1u);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].to_string().find("field members[P1].incomes[1].amount: 应为金额"), std::string::npos) << errors[0].to_string();
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

TEST(Generator, PlausibleFamiliesAndCasesInPayment) {
  const ir::RuleSet& rs = *library().rules;
  bool routes = false;  // status.dibao_route and dibao_members, once the schema declares them
  for (const ir::EntityDef& e : rs.entities)
    if (e.name == "status") routes = e.find_field("dibao_route") >= 0 && e.find_field("dibao_members") >= 0;
  GenOptions o;
  o.households = 3000;
  o.region = "140521";
  o.seed = 2026;
  Evaluator ev(rs);
  std::size_t on_dibao = 0, recorded = 0, phaseout = 0, tekun = 0, orphans = 0, orphan_guarantee = 0, bad_routes = 0;
  int min_gap = 1000, max_gap = -1000, max_spouse_gap = 0;
  generate_population(rs, o, [&](std::string&& json) {
    Household hh = household(rs, json);
    std::string error;
    JsonNode h = *parse_json(json, error);
    std::map<std::string, std::vector<Date>> born;  // by relation to the applicant
    for (const JsonNode& m : h.find("members")->items) {
      born[m.find("relation")->text].push_back(*Date::parse(m.find("birth_date")->text));
      orphans += m.find("orphan") != nullptr;
    }
    auto gap = [&](Date older, Date younger) {
      int g = age_in_years(older, younger);
      min_gap = std::min(min_gap, g);
      max_gap = std::max(max_gap, g);
    };
    Date self = born["self"][0];
    for (Date c : born["child"]) {
      gap(self, c);
      for (Date s : born["spouse"]) gap(s, c);
    }
    for (Date p : born["parent"]) gap(p, self);
    for (Date s : born["spouse"]) max_spouse_gap = std::max({max_spouse_gap, age_in_years(s, self), age_in_years(self, s)});
    if (const JsonNode* st = h.find("status")) {
      const JsonNode* since = st->find("dibao_since");
      recorded += since != nullptr;
      phaseout += st->find("phaseout_since") != nullptr;
      tekun += st->find("tekun_members") != nullptr;
      orphan_guarantee += st->find("orphan_members") != nullptr;
      const JsonNode *route = st->find("dibao_route"), *members = st->find("dibao_members");
      // A 单人户 case covers the member(s) granted alone (two disabled members of one 低保边缘 family are two).
      if (routes && since && (!route || !members || members->items.empty()))
        ++bad_routes;
    }
    on_dibao += entitlement(ev.evaluate(hh, *Month::parse("2026-01"), false), rs, "dibao").eligible.value_or(false);
  });
  // Parents 18–45 years older than their children (the applicant's parents than the applicant); spouses close in age.
  EXPECT_GE(min_gap, 18);
  EXPECT_LE(max_gap, 45);
  EXPECT_LE(max_spouse_gap, 10);
  // 沁水县, 2026-01, the shipped rules: a few percent of households on 低保 (6.5–6.7 % measured over 10,000).
  EXPECT_GE(on_dibao, 3000u * 4 / 100);
  EXPECT_LE(on_dibao, 3000u * 9 / 100);
  // Cases in payment: 低保 (some in 渐退), 特困, orphans and the guardian's choice of the orphan guarantee.
  EXPECT_GT(recorded, 0u);
  EXPECT_GT(phaseout, 0u);
  EXPECT_GT(tekun, 0u);
  EXPECT_GT(orphans, 0u);
  EXPECT_GT(orphan_guarantee, 0u);
  EXPECT_EQ(bad_routes, 0u) << "低保 cases in payment without status.dibao_route and dibao_members";
}

namespace {
/// Every decision of a run, as text, for comparisons.
std::vector<std::string> decisions_of(SqliteStorage& db, std::int64_t run) {
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

void populate(Storage& db, std::size_t n, std::uint64_t seed) {
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

TEST(Batch, ARecordWithABirthAfterTheRunMonthIsABadRecordNotADecision) {
  TempDir t;
  const ir::RuleSet& rs = *library().rules;
  std::string ok = household_json("H1", "140521100000", "rural", person("P1", "self", "1970-01-01"));
  std::string later = household_json("H2", "140521100000", "rural",
                                     person("P1", "self", "1970-01-01") + "," + person("P2", "child", "2026-06-01"));
  write(t.file("in.jsonl"), ok + "\n" + later + "\n");
  auto storage = open_storage(t.file("c.db"));
  Storage& db = *storage;
  LoadOptions opts;
  opts.not_after = Date::parse("2026-11-22");  // both are valid records today
  ImportSummary imported = import_file(db, rs, t.file("in.jsonl"), opts, [](const InputError&) {});
  ASSERT_EQ(imported.stored_new, 2u);
  BatchOptions o;
  o.from = o.to = *Month::parse("2026-01");
  BatchSummary s = run_batch(db, library(), o, nullptr);
  EXPECT_EQ(s.bad_records, 1);
  ASSERT_FALSE(s.bad_examples.empty());
  EXPECT_NE(s.bad_examples[0].find("2026-06-01 晚于评估月份 2026-01"), std::string::npos) << s.bad_examples[0];
}

TEST(Batch, ACutOffRunResumesToExactlyTheSameDecisions) {
  TempDir t;
  SqliteStorage clean(t.file("clean.db")), cut(t.file("cut.db"));
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
  EXPECT_GT(a.size(), 300u);
  // The totals are read back from the database, so a resumed run reports all of its households.
  EXPECT_EQ(last.programs.at("dibao").granted, full.programs.at("dibao").granted);
  EXPECT_EQ(last.programs.at("dibao").amount, full.programs.at("dibao").amount);
}

// The batch lock: one bulk writer (batch, preview, import) per database; the one refused is told who holds it.
TEST(Batch, OneBulkWriterAtATimeAndTheRefusedOneIsToldWhoHoldsTheLock) {
  TempDir t;
  SqliteStorage a(t.file("c.db")), b(t.file("c.db"));
  populate(a, 50, 3);
  auto held = a.try_lock_batch("", BatchLockHolder::this_process("batch", "2026-01..2026-01"), nullptr);
  ASSERT_TRUE(held);
  held->set_run(7);
  // flock(): a second opening conflicts even inside the same process (a server's job and a request).
  BatchLockHolder other;
  EXPECT_FALSE(b.try_lock_batch("", BatchLockHolder::this_process("import", "x.jsonl"), &other));
  EXPECT_EQ(other.pid, static_cast<std::int64_t>(getpid()));
  EXPECT_EQ(other.kind, "batch");
  EXPECT_EQ(other.detail, "2026-01..2026-01");
  EXPECT_EQ(other.run, 7);
  EXPECT_FALSE(other.started.empty());
  BatchOptions o;
  o.from = o.to = *Month::parse("2026-01");
  try {
    run_batch(b, library(), o, nullptr);
    ADD_FAILURE() << "a second batch must be refused";
  } catch (const BatchBusy& e) {
    EXPECT_NE(std::string(e.what()).find("另一个批量计算正在进行：案件数据库 '" + t.file("c.db") + "'，月份 2026-01..2026-01，第 7 次运行，"),
              std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(another batch is running on the case database '" + t.file("c.db") + "': months 2026-01..2026-01, run 7, "),
              std::string::npos) << e.what();
  }
  EXPECT_EQ(count(a, "SELECT count(*) FROM runs"), 0);
  write(t.file("one.jsonl"), household_json("H1", "140521100000", "rural", person("P1", "self", "1970-01-01")) + "\n");
  EXPECT_THROW(import_file(b, *library().rules, t.file("one.jsonl"), {}, [](const InputError&) {}), BatchBusy);
  EXPECT_EQ(count(a, "SELECT count(*) FROM households"), 50);
  // A caller holding the lock hands it to run_batch, which records its run in it.
  o.lock = &*held;
  BatchSummary s = run_batch(a, library(), o, nullptr);
  EXPECT_EQ(s.households, 50);
  EXPECT_EQ(held->holder().run, s.run.id);
  held.reset();  // released (the file is emptied): the other connection gets it
  EXPECT_TRUE(b.try_lock_batch("", BatchLockHolder::this_process("batch", "2026-01..2026-01"), nullptr));
  EXPECT_EQ(fs::file_size(t.file("c.db.batch-lock")), 0u);
}

TEST(Batch, TheLockFileIsReadBackAndAStaleTailCannotOverrideIt) {
  BatchLockHolder h = BatchLockHolder::this_process("import", "in put.jsonl", "county");
  h.run = 4;
  BatchLockHolder r = BatchLockHolder::parse(h.to_text());
  EXPECT_EQ(r.to_text(), h.to_text());
  // Read while the holder rewrites a longer old text: the tail of the old one follows the new text.
  BatchLockHolder mixed = BatchLockHolder::parse(h.to_text() + "run 0\nscope \npid 1\n");
  EXPECT_EQ(mixed.run, 4);
  EXPECT_EQ(mixed.pid, h.pid);
}

// A full disk (simulated: the connection may not grow the file, PRAGMA max_page_count) stops the batch with an error
// naming the database, never with its worker threads running; what was written stays, and the run resumes.
TEST(Batch, AFullDiskIsAnErrorNamingTheDatabaseAndTheRunResumesOnceThereIsRoom) {
  TempDir t;
  SqliteStorage clean(t.file("clean.db")), full(t.file("full.db"));
  populate(clean, 800, 6);
  populate(full, 800, 6);
  BatchOptions o;
  o.from = *Month::parse("2025-12");
  o.to = *Month::parse("2026-01");
  o.chunk = 100;
  o.threads = 2;
  BatchSummary reference = run_batch(clean, library(), o, nullptr);
  full.rulesets().store(library());
  std::int64_t pages = count(full, "PRAGMA page_count");
  full.db().exec("PRAGMA max_page_count = " + std::to_string(pages + 30));
  try {
    run_batch(full, library(), o, nullptr);
    ADD_FAILURE() << "the batch must stop when the database cannot grow";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("无法写入案件数据库 '" + t.file("full.db") + "'：磁盘已满"), std::string::npos) << e.what();
  }
  std::int64_t done = count(full, "SELECT count(*) FROM run_households");
  EXPECT_GT(done, 0);
  EXPECT_LT(done, 800);
  EXPECT_EQ(count(full, "SELECT households FROM runs"), done);
  EXPECT_EQ(count(full, "SELECT count(*) FROM decisions WHERE household_id NOT IN (SELECT household_id FROM run_households)"), 0);
  full.db().exec("PRAGMA max_page_count = 1073741823");
  BatchSummary resumed = run_batch(full, library(), o, nullptr);
  EXPECT_TRUE(resumed.resumed);
  EXPECT_EQ(resumed.households, 800);
  EXPECT_TRUE(decisions_of(clean, reference.run.id) == decisions_of(full, resumed.run.id));
}

TEST(DiffAndArrears, HouseholdsWorkedOutByHand) {
  TempDir t;
  // Rural 沁水 standard 440/month; the raised copy adds 480/month from 2026-01.
  std::string a = household_json("A", "140521100000", "rural", person("P1", "self", "1970-01-01", R"(,"incomes":[{"kind":"wage","amount":"240","per":"month"}])") + "," +
                                                                person("P2", "spouse", "1971-01-01"));
  std::string b = household_json("B", "140521101000", "rural", person("P1", "self", "1970-01-01", R"(,"incomes":[{"kind":"wage","amount":"460","per":"month"}])"));
  std::string c = household_json("C", "140521101000", "urban", person("P1", "self", "1970-01-01", R"(,"incomes":[{"kind":"wage","amount":"3000","per":"month"}])"));
  write(t.file("in.jsonl"), a + "\n" + b + "\n" + c + "\n");
  auto storage = open_storage(t.file("c.db"));
  Storage& db = *storage;
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
        std::string marker = "5280 per year";
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
  const ChangeCounts& dibao = d.programs.at("dibao").changes;
  EXPECT_EQ(dibao.count[static_cast<int>(Change::Increased)], 1);
  EXPECT_EQ(dibao.count[static_cast<int>(Change::NewlyEligible)], 1);
  EXPECT_EQ(dibao.delta, money("100"));
  EXPECT_EQ(dibao.annual_delta, money("1200"));
  EXPECT_EQ(d.by_township.at("140521101").at("dibao").delta, money("20"));
  bool found_a = false;
  for (const auto& ch : d.changes)
    if (ch.household == "A" && ch.program == "dibao") {
      found_a = true;
      EXPECT_EQ(ch.old_amount, "640.00");
      EXPECT_EQ(ch.new_amount, "720.00");
      EXPECT_EQ(ch.delta, "+80.00");
      // The cause, found in the two explanations: the standard, not the month or every standard that differs.
      EXPECT_NE(ch.reason.find("[dibao_standard rural] 140521: 440.00 → 480.00"), std::string::npos) << ch.reason;
    }
  EXPECT_TRUE(found_a);
  std::string html = write_diff_report(d, t.file("report"));
  std::ifstream in(html);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("<b>每月 +100.00 元</b>"), std::string::npos);
  EXPECT_NE(ss.str().find("<b>全年 +1200.00 元</b>"), std::string::npos);
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
  SqliteStorage db(t.file("c.db"));
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
  auto storage = open_storage(t.file("c.db"));
  Storage& db = *storage;
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

// ---------------------------------------------------------------------------------------------------------------
// Diff and impact report on a small rule set written here, so that changes to the library cannot move these figures.

namespace {

/// A small rule set: 低保-like household program, a member program with an optional fact, programs paid yearly,
/// semesterly and once. Each flag adds a 2026 value: the 低保 standard 440 → 480 (rural), the care standard 10 → 20,
/// the education standards 500 → 600 a year and 800 → 900 a semester.
std::unique_ptr<LoadedRules> small_rules(bool raise_base, bool raise_care, bool raise_education) {
  std::string text = R"(
enum area_kind { urban "城市", rural "农村" }
enum income_kind { wage "工资", pension_basic "基础养老金" }
enum pay_per { month, year }
enum stage { primary "小学", high "高中" }
entity income { kind : income_kind  amount : money  per : pay_per }
entity member {
  id : text
  relation : text
  birth_date : date
  school : optional stage
  disabled : optional bool
  incomes : optional list of income
}
entity household { id : text  region : text  area : area_kind  members : list of member }

standard base_std "保障标准" : money per month by household.area {
  140521 urban: from 2020-01-01 600
  140521 rural: from 2020-01-01 440
)" + std::string(raise_base ? "                from 2026-01-01 480  cite \"测试: 调标\"\n" : "") + R"(}
standard care_std "护理标准" : money per month {
  all: from 2020-01-01 10
)" + std::string(raise_care ? "       from 2026-01-01 20\n" : "") + R"(}
standard study_std "助学标准" : money per year {
  all: from 2020-01-01 500
)" + std::string(raise_education ? "       from 2026-01-01 600\n" : "") + R"(}
standard fee_std "免学费标准" : money per semester {
  all: from 2020-01-01 800
)" + std::string(raise_education ? "       from 2026-01-01 900\n" : "") + R"(}

define income.monthly_amount "月收入额" : money = monthly(income.amount, income.per)
define income.counted "计入家庭收入" : bool = not (income.kind = pension_basic and period within 2021-01 .. 2025-12)
define member.counted_income "成员月收入" : money = sum of i.monthly_amount for i in member.incomes where i.counted
define household.size "家庭人数" : integer = count m in members
define household.per_capita "家庭月人均收入" : money = (sum of m.counted_income for m in members) / size

program dibao "最低生活保障" for household paid monthly {
  eligible when per_capita < base_std
  amount = round((base_std - per_capita) * size, fen, half_up)
}
program care "护理补贴" for member paid monthly {
  eligible when member.disabled
  amount = care_std
}
program study "助学金" for member paid yearly {
  eligible when member.school is present and member.school = primary
  amount = study_std
}
program fee "免学费" for member paid semesterly {
  eligible when member.school is present and member.school = high
  amount = fee_std
}
program temp "临时救助" for household paid once {
  eligible when size >= 3
  amount = 300
}
)";
  auto loaded = load_rules_from_texts({{"small.rules", text}});
  if (!loaded->rules) throw std::runtime_error(render_diagnostics(loaded->sources, loaded->diagnostics.sorted()));
  return loaded;
}

std::string wage(const std::string& amount, const std::string& kind = "wage", const std::string& per = "month") {
  return R"({"kind":")" + kind + R"(","amount":")" + amount + R"(","per":")" + per + "\"}";
}

std::string member(const std::string& id, const std::string& extra, const std::string& relation = "self") {
  return R"({"id":")" + id + R"(","relation":")" + relation + R"(","birth_date":"1970-01-01")" + extra + "}";
}

std::string small_household(const std::string& id, const std::string& members) {
  return R"({"id":")" + id + R"(","region":"140521100000","area":"rural","members":[)" + members + "]}";
}

void import_lines(Storage& db, const ir::RuleSet& rs, const TempDir& t, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  write(t.file("in.jsonl"), text);
  import_file(db, rs, t.file("in.jsonl"), {}, [](const InputError& e) { ADD_FAILURE() << e.to_string(); });
}

BatchSummary run_month(Storage& db, const LoadedRules& rules, const char* month) {
  BatchOptions o;
  o.from = o.to = *Month::parse(month);
  o.threads = 1;
  return run_batch(db, rules, o, nullptr);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const ChangedHousehold* change_of(const DiffReport& d, const std::string& household, const std::string& program) {
  for (const auto& c : d.changes)
    if (c.household == household && c.program == program) return &c;
  return nullptr;
}

/// The scenario behind several tests and the golden report: January 2026 under the old standards, then H3's record
/// changes (wage 240 → 400) and January is run again with every 2026 raise.
struct Scenario {
  TempDir t;
  std::unique_ptr<Storage> db;
  std::unique_ptr<LoadedRules> old_rules, new_rules;
  std::int64_t before = 0, after = 0;
  Scenario() {
    old_rules = small_rules(false, false, false);
    new_rules = small_rules(true, true, true);
    db = open_storage(t.file("c.db"));
    const ir::RuleSet& rs = *old_rules->rules;
    import_lines(*db, rs, t,
                 {// H1: two persons, 240 of wages: per capita 120 → (440 − 120) × 2 = 640; P1 disabled: care 10.
                  small_household("H1", member("P1", R"(,"disabled":true,"incomes":[)" + wage("240") + "]") + "," +
                                            member("P2", R"(,"disabled":false)", "spouse")),
                  // H3: one person, 240 of wages: 200; whether disabled is not recorded: care undetermined.
                  small_household("H3", member("P1", R"(,"incomes":[)" + wage("240") + "]")),
                  // E: a pupil (yearly aid) and a high-school student (fee waiver per semester), three persons (once).
                  small_household("E", member("P1", R"(,"disabled":false,"incomes":[)" + wage("3000") + "]") + "," +
                                           member("P2", R"(,"disabled":false,"school":"primary")", "child") + "," +
                                           member("P3", R"(,"disabled":false,"school":"high")", "child")),
                  // U: disabled not recorded either.
                  small_household("U", member("P1", R"(,"incomes":[)" + wage("1000") + "]"))});
    before = run_month(*db, *old_rules, "2026-01").run.id;
    import_lines(*db, rs, t, {small_household("H3", member("P1", R"(,"incomes":[)" + wage("400") + "]"))});
    after = run_month(*db, *new_rules, "2026-01").run.id;
  }
};

}  // namespace

TEST(Diff, UsesTheRecordVersionEachRunUsedAndNamesTheRealCause) {
  Scenario s;
  DiffReport d = diff_runs(*s.db, s.before, s.after);
  EXPECT_EQ(d.households_compared, 4);
  EXPECT_EQ(d.records_changed, 1);
  // H1: only the standard changed: the reason is that standard, not the care standard the household also uses.
  const ChangedHousehold* h1 = change_of(d, "H1", "dibao");
  ASSERT_NE(h1, nullptr);
  EXPECT_EQ(h1->old_amount, "640.00");
  EXPECT_EQ(h1->new_amount, "720.00");
  EXPECT_EQ(h1->reason, "保障标准 [base_std rural] 140521: 440.00 → 480.00 (2020-01-01 起 → 2026-01-01 起)");
  const ChangedHousehold* care = change_of(d, "H1", "care");
  ASSERT_NE(care, nullptr);
  EXPECT_EQ(care->reason, "护理标准 [care_std] all: 10.00 → 20.00 (2020-01-01 起 → 2026-01-01 起)");
  // H3 changed between the runs: run 1 decided on the record with 240 of wages, run 2 on the one with 400. The
  // diff evaluates each run's own version, so the change of the record is named beside the standard; and as both
  // changed, each step is labelled with what it did: the raise +40, the higher wage −160 (the real cause of the fall).
  const ChangedHousehold* h3 = change_of(d, "H3", "dibao");
  ASSERT_NE(h3, nullptr);
  EXPECT_EQ(h3->change, Change::Decreased);
  EXPECT_EQ(h3->old_amount, "200.00");
  EXPECT_EQ(h3->new_amount, "80.00");
  ASSERT_EQ(h3->reasons.size(), 2u) << h3->reason;
  EXPECT_EQ(h3->reasons[0], "规则/标准变化 (+40.00): 保障标准 [base_std rural] 140521: 440.00 → 480.00 (2020-01-01 起 → 2026-01-01 起)");
  EXPECT_EQ(h3->reasons[1], "家庭记录变化 (-160.00): 家庭记录 [members[P1].incomes[0].amount]: 240.00 → 400.00");
  // The header lists the standards changed for the month, with region and dates.
  ASSERT_GE(d.changed_standards.size(), 2u);
  EXPECT_EQ(d.changed_standards[0].standard, "base_std");
  EXPECT_EQ(d.changed_standards[0].region, "140521");
  EXPECT_EQ(d.changed_standards[0].key, "rural");
  EXPECT_EQ(d.changed_standards[0].old_value, "440.00");
  EXPECT_EQ(d.changed_standards[0].new_value, "480.00");
  EXPECT_EQ(d.changed_standards[0].new_from, "2026-01-01");
  EXPECT_EQ(d.changed_standards[0].cite, "测试: 调标");
}

TEST(Diff, ACountedIncomeIsNamedNotTheStandardsThatAlsoChanged) {
  TempDir t;
  auto rules = small_rules(false, true, false);  // the care standard changes in January 2026; 低保's does not
  auto storage = open_storage(t.file("c.db"));
  Storage& db = *storage;
  // 1,200 a year of basic pension (not counted before 2026) and 300 a month of wages; disabled: care 10 → 20.
  import_lines(db, *rules->rules, t,
               {small_household("H2", member("P1", R"(,"disabled":true,"incomes":[)" + wage("1200", "pension_basic", "year") + "," +
                                                       wage("300") + "]"))});
  std::int64_t dec = run_month(db, *rules, "2025-12").run.id, jan = run_month(db, *rules, "2026-01").run.id;
  DiffReport d = diff_runs(db, dec, jan);
  EXPECT_EQ(d.from_period, "2025-12");
  EXPECT_EQ(d.to_period, "2026-01");
  const ChangedHousehold* h2 = change_of(d, "H2", "dibao");
  ASSERT_NE(h2, nullptr);
  EXPECT_EQ(h2->old_amount, "140.00");
  EXPECT_EQ(h2->new_amount, "40.00");
  EXPECT_EQ(h2->change, Change::Decreased);
  ASSERT_EQ(h2->reasons.size(), 1u) << h2->reason;
  EXPECT_EQ(h2->reasons[0], "计入家庭收入 [income.counted, members[P1].incomes[0]]: 否 → 是（规则未变，随评估月份 2025-12 → 2026-01 变化）");
  EXPECT_EQ(h2->reason.find("care_std"), std::string::npos);
  EXPECT_EQ(h2->reason.find("评估月份不同"), std::string::npos);
  // The care subsidy's own change is its standard.
  const ChangedHousehold* care = change_of(d, "H2", "care");
  ASSERT_NE(care, nullptr);
  EXPECT_NE(care->reason.find("[care_std] all: 10.00 → 20.00"), std::string::npos) << care->reason;
}

TEST(Diff, ExplainChangeFollowsOnlyDifferingNodes) {
  // Straight from two evaluations: a member who joins changes the size; the leaf is the size, caused by the record.
  auto rules = small_rules(false, false, false);
  const ir::RuleSet& rs = *rules->rules;
  Evaluator ev(rs);
  Month jan = *Month::parse("2026-01");
  auto one = household(rs, small_household("X", member("P1", R"(,"disabled":false,"incomes":[)" + wage("300") + "]")));
  auto two = household(rs, small_household("X", member("P1", R"(,"disabled":false,"incomes":[)" + wage("300") + "]") + "," +
                                                     member("P2", R"(,"disabled":false)", "spouse")));
  HouseholdResult a = ev.evaluate(one, jan, true), b = ev.evaluate(two, jan, true);
  auto reasons = explain_change(*rules, a, jan, *rules, b, jan, "dibao", true);
  ASSERT_FALSE(reasons.empty());
  EXPECT_EQ(reasons[0], "享受成员 [members]: P1 → P1, P2");
  std::string all;
  for (const auto& r : reasons) all += r + "\n";
  EXPECT_NE(all.find("家庭人数 [household.size]: 1 → 2（家庭记录已更新）"), std::string::npos) << all;
  EXPECT_EQ(all.find("base_std"), std::string::npos) << all;  // equal on both sides: never followed
}

TEST(Diff, AnnualCostOfYearlyAndSemesterProgramsOnceProgramsApart) {
  Scenario s;
  DiffReport d = diff_runs(*s.db, s.before, s.after);
  const ProgramSummary& study = d.programs.at("study");
  EXPECT_EQ(study.per, "year");
  EXPECT_EQ(study.before, money("500"));
  EXPECT_EQ(study.after, money("600"));
  EXPECT_EQ(study.changes.annual_delta, money("100"));
  const ProgramSummary& fee = d.programs.at("fee");
  EXPECT_EQ(fee.per, "semester");
  EXPECT_EQ(fee.changes.delta, money("100"));
  EXPECT_EQ(fee.changes.annual_delta, money("200"));  // two semesters a year
  const ProgramSummary& temp = d.programs.at("temp");
  EXPECT_TRUE(temp.once());
  EXPECT_EQ(temp.before, money("300"));
  EXPECT_EQ(d.once_before, money("300"));
  // Per year: 低保 (640 + 200 → 720 + 80) × 12, care 10 → 20 × 12, study 500 → 600, fee 800 → 900 × 2. Not the 300 once.
  EXPECT_EQ(d.annual_before, money("10080") + money("120") + money("500") + money("1600"));
  EXPECT_EQ(d.annual_after, money("9600") + money("240") + money("600") + money("1800"));
  EXPECT_EQ(d.monthly_before(), d.annual_before / Rational(12));
  std::string text = render_diff_text(d);
  EXPECT_NE(text.find("助学金 [study] 按年: 享受 1 → 1 户; 每月 41.67 → 50.00 (+8.33); 全年 500.00 → 600.00 (+100.00)"), std::string::npos) << text;
  EXPECT_NE(text.find("免学费 [fee] 按学期: 享受 1 → 1 户; 每月 133.33 → 150.00 (+16.67); 全年 1600.00 → 1800.00 (+200.00)"), std::string::npos) << text;
  EXPECT_NE(text.find("临时救助 [temp]: 享受 1 → 1 户; 300.00 → 300.00 (0.00)"), std::string::npos) << text;
  std::string html = read_file(write_diff_report(d, s.t.file("report")));
  EXPECT_NE(html.find("<td class=\"n\">500.00</td><td class=\"n\">600.00</td><td class=\"n up\">+100.00</td>"), std::string::npos);
}

TEST(Diff, UndeterminedDecisionsAreCountedWithTheirMissingFacts) {
  Scenario s;
  DiffReport d = diff_runs(*s.db, s.before, s.after);
  const ProgramSummary& care = d.programs.at("care");
  EXPECT_EQ(care.undetermined_before, 2);  // H3 and U: whether disabled is not recorded
  EXPECT_EQ(care.undetermined_after, 2);
  ASSERT_FALSE(care.top_missing.empty());
  EXPECT_EQ(care.top_missing[0], (std::pair<std::string, std::int64_t>{"members[P1].disabled", 2}));
  EXPECT_EQ(care.paid_after, 1);
  EXPECT_EQ(care.after, money("20"));  // the undetermined ones are counted, not priced at 0.00
  std::string text = render_diff_text(d);
  EXPECT_NE(text.find("护理补贴 [care]: 资格待定 2 → 2, 金额待定 0 → 0; 最常缺少: members[P1].disabled (2)"), std::string::npos) << text;
}

TEST(Diff, CsvFilesHaveABomAndChineseHeaders) {
  Scenario s;
  DiffReport d = diff_runs(*s.db, s.before, s.after);
  write_diff_report(d, s.t.file("report"));
  const std::string bom = "\xEF\xBB\xBF";
  std::string changes = read_file(s.t.file("report/changes.csv"));
  EXPECT_EQ(changes.rfind(bom + "家庭编号,乡镇代码,乡镇,项目代码,项目,变化,原决定,新决定,发放周期,原金额,新金额,差额(每期),全年差额,原因", 0), 0u);
  EXPECT_NE(changes.find("H3,140521100,140521100,dibao,最低生活保障,金额减少"), std::string::npos) << changes;
  for (const char* f : {"losers.csv", "review.csv", "summary.csv"}) EXPECT_EQ(read_file(s.t.file(std::string("report/") + f)).rfind(bom, 0), 0u) << f;
  EXPECT_EQ(read_file(s.t.file("report/summary.csv")).rfind(bom + "乡镇代码,乡镇,项目代码,项目,发放周期,新增享受", 0), 0u);
  ArrearsReport ar = compute_arrears(*s.db, s.before, s.after);
  write_arrears_csv(ar, s.t.file("arrears.csv"));
  EXPECT_EQ(read_file(s.t.file("arrears.csv")).rfind(bom + "家庭编号,乡镇代码,项目代码,补发(正)或多发(负)金额", 0), 0u);
}

TEST(Diff, EveryLoserIsListedOnPagesAndInTheCsvWithItsCause) {
  TempDir t;
  auto raised = small_rules(true, false, false), lowered = small_rules(false, false, false);
  auto storage = open_storage(t.file("c.db"));
  Storage& db = *storage;
  std::vector<std::string> lines;
  for (int i = 1; i <= 450; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "L%04d", i);
    lines.push_back(small_household(id, member("P1", R"(,"disabled":false,"incomes":[)" + wage("240") + "]")));
  }
  import_lines(db, *raised->rules, t, lines);
  std::int64_t a = run_month(db, *raised, "2026-01").run.id, b = run_month(db, *lowered, "2026-01").run.id;
  DiffReport d = diff_runs(db, a, b);
  ASSERT_EQ(d.changes.size(), 450u);
  EXPECT_EQ(d.changes[449].reason, "保障标准 [base_std rural] 140521: 480.00 → 440.00 (2026-01-01 起 → 2020-01-01 起)");
  write_diff_report(d, t.file("report"));
  std::string csv = read_file(t.file("report/losers.csv"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 451);  // the header and every loser
  EXPECT_NE(csv.find("L0450,"), std::string::npos);
  std::string last = read_file(t.file("report/losers-3.html"));
  EXPECT_NE(last.find("共 450 项; 第 3/3 页, 第 401–450 项"), std::string::npos);
  EXPECT_NE(last.find("L0450"), std::string::npos);
  EXPECT_FALSE(fs::exists(t.file("report/losers-4.html")));
  std::string html = read_file(t.file("report/report.html"));
  EXPECT_NE(html.find("<a href=\"losers-3.html\">3</a>"), std::string::npos);
  EXPECT_NE(html.find("减少或停发 (450 项)"), std::string::npos);
}

TEST(Diff, ReviewAndProvisionalCasesAreListedSeparately) {
  TempDir t;
  auto rules = small_rules(false, false, false);
  auto storage = open_storage(t.file("c.db"));
  Storage& db = *storage;
  import_lines(db, *rules->rules, t, {small_household("H1", member("P1", R"(,"disabled":false,"incomes":[)" + wage("240") + "]"))});
  std::int64_t first = run_month(db, *rules, "2026-01").run.id;
  // A second run whose 低保 decision is the same amount, kept in payment but flagged, and provisional.
  RunRepository& runs = db.runs();
  RunInfo second = runs.create(rules->rules->hash, "2026-01", "2026-01");
  HouseholdOutcome h;
  h.household_id = "H1";
  h.input_hash = runs.finished_households(first).at("H1");
  h.decisions = runs.decisions_of(first, "H1", "2026-01");
  ASSERT_EQ(h.decisions.size(), 1u);  // 低保 granted; the refusals are not stored
  for (StoredDecision& dec : h.decisions)
    if (dec.program == "dibao") {
      dec.review = {"在保对象现可按单人户施保认定: 维持原决定, 请复核"};
      dec.stale = {{"base_std", "保障标准", "140521", "rural", "2020-01-01", "测试", "yearly"}};
    }
  runs.write(second.id, {h});
  runs.finish(second.id);
  DiffReport d = diff_runs(db, first, second.id);
  EXPECT_TRUE(d.changes.empty());  // nothing changed in money
  ASSERT_EQ(d.review.size(), 1u);
  EXPECT_EQ(d.review[0].household, "H1");
  EXPECT_EQ(d.review[0].amount, "200.00");
  EXPECT_EQ(d.review[0].reasons[0], "在保对象现可按单人户施保认定: 维持原决定, 请复核");
  ASSERT_EQ(d.provisional.size(), 1u);
  ASSERT_EQ(d.stale_values.size(), 1u);
  EXPECT_EQ(d.stale_values[0].first, "保障标准 [base_std rural] 140521: 2020-01-01 起的取值，应每年更新");
  write_diff_report(d, t.file("report"));
  std::string html = read_file(t.file("report/report.html"));
  EXPECT_NE(html.find("需复核 (1 项)"), std::string::npos);
  EXPECT_NE(html.find("在保对象现可按单人户施保认定"), std::string::npos);
  EXPECT_NE(html.find("临时决定: 使用逾期未更新的标准 (1 项)"), std::string::npos);
  std::string csv = read_file(t.file("report/review.csv"));
  EXPECT_NE(csv.find("需复核,H1,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("临时决定,H1,"), std::string::npos) << csv;
  // The stored review reasons and stale values read back as written.
  auto back = runs.decisions_of(second.id, "H1", "2026-01");
  for (const auto& dec : back)
    if (dec.program == "dibao") {
      EXPECT_EQ(dec.kind, DecisionKind::Granted);
      ASSERT_EQ(dec.stale.size(), 1u);
      EXPECT_EQ(dec.stale[0].renewal, "yearly");
    }
}

TEST(Diff, ImpactReportTextIsPinned) {
  Scenario s;
  DiffReport d = diff_runs(*s.db, s.before, s.after);
  write_diff_report(d, s.t.file("report"));
  fs::path dir = fs::path(ENTITLE_GOLDEN_DIR) / "diff";
  std::vector<std::pair<std::string, std::string>> pinned = {{"impact_report.txt", render_diff_text(d)},
                                                             {"changes.csv", read_file(s.t.file("report/changes.csv"))}};
  bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
  for (const auto& [name, got] : pinned) {
    if (update) {
      fs::create_directories(dir);
      std::ofstream(dir / name, std::ios::binary) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(dir / name)) << "missing " << (dir / name) << " (run with UPDATE_GOLDEN=1)";
    EXPECT_EQ(got, read_file((dir / name).string())) << "golden mismatch for " << name << " (UPDATE_GOLDEN=1 rewrites it; review the diff)";
  }
}

TEST(CaseDatabase, ASchemaOneDatabaseIsUpgradedAndStaysReadable) {
  TempDir t;
  {
    SqliteStorage old(t.file("v1.db"), 1);
    ASSERT_EQ(old.schema_version(), 1);
    old.db().exec("INSERT INTO rulesets VALUES ('sha256:x', '[]', '2026-01-01')");
    old.db().exec("INSERT INTO runs(id, ruleset, period_from, period_to, started, status, households) "
                  "VALUES (1, 'sha256:x', '2026-01', '2026-01', '2026-01-02', 'complete', 3)");
    old.db().exec("INSERT INTO decisions VALUES (1, 'A', '2026-01', 'dibao', 1, '640.00', 'month', '[\"P1\"]', NULL), "
                  "(1, 'B', '2026-01', 'dibao', NULL, NULL, 'month', '[]', '[\"members[P1].disabled\"]'), "
                  "(1, 'C', '2026-01', 'dibao', 1, NULL, 'month', '[\"P1\"]', '[\"standard s\"]')");
  }
  SqliteStorage db(t.file("v1.db"));
  EXPECT_EQ(db.schema_version(), SqliteStorage::kSchemaVersion);
  std::map<std::string, StoredDecision> got;
  db.runs().for_each_decision(1, "2026-01", "2026-01", [&](const StoredDecision& d) { got[d.household] = d; });
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got["A"].kind, DecisionKind::Granted);
  EXPECT_EQ(got["A"].amount, std::optional<Rational>(money("640")));
  EXPECT_EQ(got["B"].kind, DecisionKind::Undetermined);
  EXPECT_EQ(got["B"].missing, std::vector<std::string>{"members[P1].disabled"});
  EXPECT_EQ(got["C"].kind, DecisionKind::AmountUndetermined);
  EXPECT_TRUE(got["C"].review.empty());
}

TEST(CaseDatabase, ADamagedStoredValueIsAnErrorNamingTheRowNeverANumber) {
  TempDir t;
  auto rules = small_rules(false, false, false);
  SqliteStorage db(t.file("c.db"));
  import_lines(db, *rules->rules, t, {small_household("H1", member("P1", R"(,"disabled":false,"incomes":[)" + wage("240") + "]"))});
  std::int64_t run = run_month(db, *rules, "2026-01").run.id;
  auto error_after = [&](const std::string& sql) -> std::string {
    db.db().exec("SAVEPOINT damage");
    db.db().exec(sql);
    std::string message;
    try {
      db.runs().for_each_decision(run, "2026-01", "2026-01", [](const StoredDecision&) {});
    } catch (const StorageError& e) {
      message = e.what();
    }
    db.db().exec("ROLLBACK TO damage");
    db.db().exec("RELEASE damage");
    return message;
  };
  std::string amount = error_after("UPDATE decisions SET amount = '2OO.00' WHERE program = 'dibao'");
  EXPECT_NE(amount.find("the case database '" + t.file("c.db") + "' is damaged: table decisions, row (run " + std::to_string(run) +
                        ", household H1, 2026-01, dibao), column amount: expected an exact amount of money"),
            std::string::npos)
      << amount;
  EXPECT_NE(amount.find("found '2OO.00'"), std::string::npos) << amount;
  EXPECT_NE(error_after("UPDATE decisions SET amount = '-5.00' WHERE program = 'dibao'").find("found '-5.00'"), std::string::npos);
  // The values the mutation run found read as money: 'abc' as 0.01, '12.345' accepted with exit 0.
  EXPECT_NE(error_after("UPDATE decisions SET amount = 'abc' WHERE program = 'dibao'").find("column amount: expected an exact amount of money"),
            std::string::npos);
  EXPECT_NE(error_after("UPDATE decisions SET amount = '12.345' WHERE program = 'dibao'").find("found '12.345'"), std::string::npos);
  EXPECT_NE(error_after("UPDATE decisions SET kind = 'maybe' WHERE program = 'dibao'").find("column kind"), std::string::npos);
  EXPECT_NE(error_after("UPDATE decisions SET members = '[\"P1\"' WHERE program = 'dibao'").find("column members: expected a JSON list of texts"),
            std::string::npos);
  EXPECT_NE(error_after("UPDATE decisions SET eligible = 7 WHERE program = 'dibao'").find("column eligible"), std::string::npos);
  EXPECT_NE(error_after("UPDATE decisions SET kind = 'undetermined' WHERE program = 'dibao'").find("column kind: expected a kind agreeing"),
            std::string::npos);
  EXPECT_EQ(error_after("SELECT 1"), "");
}

// Schema 5 drops the indexes on members' names and id numbers (no query can use them: the search matches substrings);
// a version-4 database loses them on upgrade and its search still finds a member by part of a name or id number.
TEST(CaseDatabase, UpgradingToSchemaFiveDropsTheUnusedMemberIndexesAndSearchStillFindsMembers) {
  TempDir t;
  auto indexes = [](SqliteStorage& db) {
    std::vector<std::string> out;
    SQLite::Statement st(db.db(), "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members' AND sql IS NOT NULL");
    while (st.executeStep()) out.push_back(st.getColumn(0).getString());
    return out;
  };
  {
    SqliteStorage old(t.file("v4.db"), 4);
    ASSERT_EQ(old.schema_version(), 4);
    EXPECT_EQ(indexes(old), (std::vector<std::string>{"members_name", "members_id_number"}));
    MemberRow head;
    head.member_id = "P1";
    head.relation = "self";
    head.birth_date = "1970-01-01";
    head.name = "王秀英";
    head.id_number = "140521197001010021";
    old.households().put("H-1", "140521100000", "rural", R"({"id":"H-1"})", {head}, 0, "test");
  }
  SqliteStorage db(t.file("v4.db"));
  EXPECT_EQ(db.schema_version(), 5);
  EXPECT_EQ(indexes(db), std::vector<std::string>{});
  for (const char* text : {"秀英", "19700101"}) {
    HouseholdQuery q;
    q.text = text;
    std::int64_t total = 0;
    std::vector<HouseholdListing> found = db.households().search(q, total);
    ASSERT_EQ(found.size(), 1u) << text;
    EXPECT_EQ(found[0].id, "H-1");
    EXPECT_EQ(found[0].head_name, "王秀英");
  }
}
