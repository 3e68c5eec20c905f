// storage_contract_test.cpp — what every case-database backend must do, run against SQLite and against a real
// PostgreSQL server alike: migrations, household versions and search, edits that never lose a concurrent edit,
// decisions unique per run × household × month × program, append-only tables, the ledger, batch locks, users.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <thread>
#include <tuple>

#include "engine/api/rules_loader.hpp"
#include "engine/casework/batch.hpp"
#include "engine/casework/generator.hpp"
#include "engine/casework/importer.hpp"
#include "engine/ledger/verify.hpp"
#include "engine/storage/postgres/pg_storage.hpp"
#include "engine/storage/sql/sql_rows.hpp"
#include "engine/storage/sql/sql_storage.hpp"
#include "engine/storage/sqlite/sqlite_storage.hpp"
#include "engine/storage/storage.hpp"
#include "test_database.hpp"
#include "../unit/helpers.hpp"

using namespace entitle;
using namespace entitle::testing;

namespace {

/// The SQL connection under a Storage: for the tests that damage rows as an intruder with database access would.
SqlConnection& raw(Storage& s) { return dynamic_cast<SqlStorage&>(s).sql(); }

/// `households` generated households of 沁水县 imported into `db`; returns how many were stored.
std::size_t import_generated(Storage& db, const TestDatabase& t, std::size_t households, std::uint64_t seed) {
  std::string path = t.file("gen_" + std::to_string(seed) + ".jsonl");
  {
    std::ofstream out(path, std::ios::binary);
    GenOptions o;
    o.households = households;
    o.region = "140521";
    o.seed = seed;
    EXPECT_EQ(generate_population(*library().rules, o, [&](std::string&& json) { out << json << '\n'; }), "");
  }
  ImportSummary s = import_file(db, *library().rules, path, LoadOptions{}, [](const InputError& e) { ADD_FAILURE() << e.to_string(); });
  return s.stored_new + s.updated;
}

std::string record(const std::string& id, const std::string& name) {
  return R"({"id":")" + id + R"(","region":"140521103000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1960-05-01","name":")" +
         name + R"(","id_number":"140521196005010011"}]})";
}

std::vector<MemberRow> members(const std::string& name) {
  return {MemberRow{"P1", "self", "1960-05-01", "140521196005010011", name, 0}};
}

/// Stores household H1 (张三, by li) in a write transaction of its own; what became of it.
HouseholdRepository::Put store_h1(Storage& db) {
  WriteTransaction tx = db.begin_write();
  HouseholdRepository::Put put = db.households().put("H1", "140521103000", "rural", record("H1", "张三"), members("张三"), 0, "li");
  tx.commit();
  return put;
}

/// The database's ledger verifies; the report is shown when it does not.
void expect_intact(Storage& db) {
  ledger::VerifyReport report = ledger::verify(db.ledger(), {});
  EXPECT_TRUE(report.intact()) << ledger::render_report(report, db.location());
}

class StorageContract : public ::testing::TestWithParam<Backend> {};

}  // namespace

namespace entitle::testing {
void PrintTo(Backend b, std::ostream* os) { *os << backend_name(b); }
}  // namespace entitle::testing

namespace {

TEST_P(StorageContract, AFreshDatabaseIsMigratedOnceAndKeepsWhatWasStored) {
  TestDatabase t(GetParam());
  {
    auto db = open_storage(t.location());
    WriteTransaction tx = db->begin_write();
    EXPECT_EQ(db->households().put("H1", "140521103000", "rural", record("H1", "张三"), members("张三"), 0, "li"),
              HouseholdRepository::Put::New);
    tx.commit();
  }
  auto again = open_storage(t.location());  // already at the current version: nothing migrated, nothing lost
  EXPECT_EQ(again->households().count(), 1u);
  auto h = again->households().get("H1");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->version, 1);
  EXPECT_EQ(h->township, "140521103");
  EXPECT_EQ(h->stored_by, "li");
}

TEST_P(StorageContract, ANewerSchemaIsRefusedNamingItsVersion) {
  TestDatabase t(GetParam());
  {
    auto db = open_storage(t.location());
    raw(*db).exec(GetParam() == Backend::Sqlite ? "PRAGMA user_version = 99" : "UPDATE entitle_schema SET version = 99");
  }
  try {
    open_storage(t.location());
    FAIL() << "a version-99 database was opened";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("has schema version 99, newer than this entitle understands"), std::string::npos) << e.what();
  }
}

TEST_P(StorageContract, ManyHouseholdsAtOnceAreStoredAsOneAfterAnother) {
  TestDatabase t(GetParam());
  auto db = open_storage(t.location());
  HouseholdRepository& h = db->households();
  EXPECT_EQ(store_h1(*db), HouseholdRepository::Put::New);
  // H1 unchanged then changed, H2 new then changed again in the same call, a record whose text holds a tab, a
  // carriage return, a newline and a backslash before N (what PostgreSQL's COPY escapes, or reads as NULL), and more
  // households than one segment holds.
  std::string odd = record("H3", "王\\\\N五");  // a backslash and N (COPY's NULL) in the name, escaped in the JSON text
  odd.insert(1, "\t\r\n");
  std::vector<HouseholdPut> batch = {
      {"H1", "140521103000", "rural", record("H1", "张三"), members("张三"), "wang"},
      {"H2", "140521103000", "rural", record("H2", "李四"), members("李四"), "wang"},
      {"H1", "140521103000", "rural", record("H1", "张三丰"), members("张三丰"), "wang"},
      {"H2", "140521103000", "rural", record("H2", "李四光"), members("李四光"), "wang"},
      {"H3", "140521103000", "rural", odd, members("王\\N五"), ""},
  };
  for (int i = 0; i < 1200; ++i) {
    std::string id = "M" + std::to_string(10000 + i);
    batch.push_back({id, "140521103000", "rural", record(id, "赵六"), members("赵六"), ""});
  }
  using P = HouseholdRepository::Put;
  std::vector<P> put = h.put_many(batch, 7);
  ASSERT_EQ(put.size(), batch.size());
  EXPECT_EQ(std::vector<P>(put.begin(), put.begin() + 5), (std::vector<P>{P::Unchanged, P::New, P::Updated, P::Updated, P::New}));
  EXPECT_EQ(std::count(put.begin() + 5, put.end(), P::New), 1200);
  EXPECT_EQ(h.count(), 1203u);
  EXPECT_EQ(h.history("H1"), (std::vector<std::string>{record("H1", "张三"), record("H1", "张三丰")}));
  EXPECT_EQ(h.history("H2"), (std::vector<std::string>{record("H2", "李四"), record("H2", "李四光")}));
  EXPECT_EQ(h.get("H2")->version, 2);
  EXPECT_EQ(h.get("H3")->record, odd);
  EXPECT_EQ(h.get("H3")->stored_by, "import 7");
  std::int64_t total = 0;
  auto found = h.search(HouseholdQuery{"李四光", {}, "", 50, 0}, total);  // the member rows follow the newest version
  ASSERT_EQ(total, 1);
  EXPECT_EQ(found[0].id, "H2");
  EXPECT_EQ(h.search(HouseholdQuery{"王\\N五", {}, "", 50, 0}, total)[0].head_name, "王\\N五");
  EXPECT_EQ(h.search(HouseholdQuery{"M1", {}, "", 50, 0}, total).size(), 50u);
  EXPECT_EQ(total, 1200);
  expect_intact(*db);
}

TEST_P(StorageContract, AFailedReadOrWriteLeavesTheConnectionUsable) {
  TestDatabase t(GetParam());
  auto db = open_storage(t.location());
  SqlConnection& sql = raw(*db);
  // A large read that fails (on PostgreSQL its cursor's DECLARE) leaves no transaction behind.
  EXPECT_ANY_THROW({
    SqlStatement st = SqlStatement::streamed(sql, "SELECT * FROM no_such_table");
    st.step();
  });
  EXPECT_FALSE(db->in_transaction());
  EXPECT_EQ(db->households().count(), 0u);
  // Rows written together that break a constraint (on PostgreSQL a failed COPY) fail the transaction, which rolls
  // back everything in it; the connection goes on.
  {
    WriteTransaction tx = db->begin_write();
    EXPECT_EQ(db->households().put("H1", "140521103000", "rural", record("H1", "张三"), members("张三"), 0, "li"),
              HouseholdRepository::Put::New);
    SqlRows bad("households", {"id"});  // no region, no record: NOT NULL columns
    bad.add("H9");
    EXPECT_ANY_THROW(sql.insert_rows(bad));
  }
  EXPECT_FALSE(db->in_transaction());
  EXPECT_EQ(db->households().count(), 0u);
  EXPECT_EQ(store_h1(*db), HouseholdRepository::Put::New);
  EXPECT_EQ(db->households().count(), 1u);
  // A large read left before its end, inside a read snapshot, and then the snapshot's other reads.
  db->ledger().in_snapshot([&] {
    SqlStatement st = SqlStatement::streamed(sql, "SELECT id FROM households");
    EXPECT_TRUE(st.step());
  });
  EXPECT_FALSE(db->in_transaction());
  expect_intact(*db);
}

TEST_P(StorageContract, VersionsHistoryAndSearch) {
  TestDatabase t(GetParam());
  auto db = open_storage(t.location());
  HouseholdRepository& h = db->households();
  {
    WriteTransaction tx = db->begin_write();
    EXPECT_EQ(h.put("H1", "140521103000", "rural", record("H1", "张三"), members("张三"), 0, "li"), HouseholdRepository::Put::New);
    EXPECT_EQ(h.put("H1", "140521103000", "rural", record("H1", "张三"), members("张三"), 0, "li"), HouseholdRepository::Put::Unchanged);
    EXPECT_EQ(h.put("H1", "140521103000", "rural", record("H1", "张三丰"), members("张三丰"), 0, "wang"), HouseholdRepository::Put::Updated);
    EXPECT_EQ(h.put("H2", "140521104000", "rural", record("H2", "李四"), members("李四"), 0, "li"), HouseholdRepository::Put::New);
    tx.commit();
  }
  auto v = h.versions("H1");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].version, 2);  // newest first
  EXPECT_EQ(v[0].stored_by, "wang");
  EXPECT_EQ(v[1].version, 1);
  EXPECT_EQ(h.version_record("H1", 1), record("H1", "张三"));
  EXPECT_EQ(h.history("H1"), (std::vector<std::string>{record("H1", "张三"), record("H1", "张三丰")}));  // oldest first
  EXPECT_EQ(h.record_version("H1", v[1].record_hash), record("H1", "张三"));
  EXPECT_FALSE(h.record_version("H1", std::string(64, '0')));

  std::int64_t total = 0;
  auto found = h.search(HouseholdQuery{"三丰", {}, "", 50, 0}, total);  // part of a member's name
  ASSERT_EQ(total, 1);
  EXPECT_EQ(found[0].id, "H1");
  EXPECT_EQ(found[0].head_name, "张三丰");
  h.search(HouseholdQuery{"19600501", {}, "", 50, 0}, total);  // part of an id number: both households
  EXPECT_EQ(total, 2);
  found = h.search(HouseholdQuery{"", {"140521104"}, "", 50, 0}, total);
  ASSERT_EQ(total, 1);
  EXPECT_EQ(found[0].id, "H2");
  h.search(HouseholdQuery{"100%", {}, "", 50, 0}, total);  // LIKE's own characters are matched as text
  EXPECT_EQ(total, 0);
  EXPECT_EQ(h.townships(), (std::map<std::string, std::string>{{"H1", "140521103"}, {"H2", "140521104"}}));
}

TEST_P(StorageContract, AnEditWaitsForAConcurrentOneAndSeesIt) {
  // Two offices edit one household through two connections. The second write transaction cannot start until the
  // first commits, so it reads version 2 — the first edit is never overwritten unseen (the service compares that
  // version with the one the caseworker edited: HTTP 412).
  TestDatabase t(GetParam());
  auto a = open_storage(t.location());
  {
    WriteTransaction tx = a->begin_write();
    a->households().put("H1", "140521103000", "rural", record("H1", "张三"), members("张三"), 0, "li");
    tx.commit();
  }
  auto b = open_storage(t.location());
  WriteTransaction first = a->begin_write();
  int seen_by_second = 0;
  std::thread second([&] {
    WriteTransaction tx = b->begin_write();
    seen_by_second = b->households().get("H1")->version;
    b->households().put("H1", "140521103000", "rural", record("H1", "王五"), members("王五"), 0, "wang");
    tx.commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the second reach its begin_write and wait
  a->households().put("H1", "140521103000", "rural", record("H1", "张三丰"), members("张三丰"), 0, "li");
  first.commit();
  second.join();
  EXPECT_EQ(seen_by_second, 2);
  auto v = a->households().versions("H1");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].stored_by, "wang");
  EXPECT_EQ(v[1].stored_by, "li");
}

TEST_P(StorageContract, ADecisionIsStoredOncePerRunHouseholdMonthAndProgram) {
  TestDatabase t(GetParam());
  auto db = open_storage(t.location());
  RunInfo run;
  {
    WriteTransaction tx = db->begin_write();
    db->rulesets().store(library());
    run = db->runs().create(library().rules->hash, "2026-01", "2026-01");
    tx.commit();
  }
  StoredDecision d;
  d.period = "2026-01";
  d.program = "dibao";
  d.kind = DecisionKind::Granted;
  d.amount = Rational(100);
  d.per = "month";
  HouseholdOutcome o{"H1", "hash1", "", {d}};
  {
    WriteTransaction tx = db->begin_write();
    db->runs().write(run.id, {o});
    tx.commit();
  }
  EXPECT_THROW(
      {
        WriteTransaction tx = db->begin_write();
        db->runs().write(run.id, {o});  // the same household again in the same run
        tx.commit();
      },
      std::exception);
  EXPECT_EQ(db->runs().done_count(run.id), 1);  // the first write stands; the refused one left nothing
  auto kept = db->runs().decisions_of(run.id, "H1", "2026-01");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].amount, Rational(100));
}

TEST_P(StorageContract, TheAuditLogAndTheLedgerRefuseChanges) {
  TestDatabase t(GetParam());
  auto db = open_storage(t.location());
  {
    WriteTransaction tx = db->begin_write();
    db->audit().append(AuditEntry{0, "", "li", "household_put", "household:H1", "", "abc", "{}"});
    db->households().put("H1", "140521103000", "rural", record("H1", "张三"), members("张三"), 0, "li");
    tx.commit();
  }
  for (const char* change : {"UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log", "DELETE FROM ledger_entries",
                             "UPDATE ledger_items SET digest = 'x'"}) {
    EXPECT_THROW(raw(*db).exec(change), std::exception) << change;
    if (raw(*db).in_transaction()) raw(*db).rollback();
  }
  auto entries = db->audit().list(AuditQuery{});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "household_put");
  EXPECT_FALSE(entries[0].at.empty());
}

TEST_P(StorageContract, TheLedgerVerifiesAStoredBatchAndNamesAnEditedRecord) {
  TestDatabase t(GetParam());
  auto db = open_storage(t.location());
  EXPECT_EQ(import_generated(*db, t, 200, 5), 200u);
  BatchOptions o;
  o.from = o.to = *Month::parse("2026-01");
  o.threads = 2;
  BatchSummary s = run_batch(*db, library(), o, nullptr);
  EXPECT_EQ(s.households, 200);
  ledger::VerifyReport clean = ledger::verify(db->ledger(), {});
  EXPECT_TRUE(clean.intact()) << ledger::render_report(clean, db->location());
  EXPECT_GE(clean.entries, 3);

  // An intruder with database access edits a stored record in place.
  raw(*db).exec("UPDATE households SET record = replace(record, '\"members\"', '\"members\" ') WHERE id = 'G140521-7'");
  ledger::VerifyReport tampered = ledger::verify(db->ledger(), {});
  ASSERT_FALSE(tampered.intact());
  std::string report = ledger::render_report(tampered, db->location());
  EXPECT_NE(report.find("G140521-7"), std::string::npos) << report;
}

TEST_P(StorageContract, EveryDecisionOfALargeRunIsReadInKeyOrderInsideOrOutsideATransaction) {
  // More decisions than PostgreSQL's cursor reads in one page (5,000), read outside a transaction and inside a write
  // transaction that goes on writing afterwards.
  TestDatabase t(GetParam());
  auto db = open_storage(t.location());
  EXPECT_EQ(import_generated(*db, t, 3000, 11), 3000u);
  BatchOptions o;
  o.from = *Month::parse("2026-01");
  o.to = *Month::parse("2026-12");
  o.threads = 2;
  BatchSummary s = run_batch(*db, library(), o, nullptr);
  const std::int64_t stored = raw(*db).query_int64("SELECT count(*) FROM decisions WHERE run_id = " + std::to_string(s.run.id));
  ASSERT_GT(stored, 5000);
  auto read_all = [&] {
    std::int64_t n = 0;
    std::tuple<std::string, std::string, std::string> last;
    db->runs().for_each_decision(s.run.id, "2026-01", "2026-12", [&](const StoredDecision& d) {
      std::tuple<std::string, std::string, std::string> key{d.household, d.period, d.program};
      if (n > 0) EXPECT_LT(last, key);
      last = key;
      ++n;
    });
    return n;
  };
  EXPECT_EQ(read_all(), stored);
  {
    WriteTransaction tx = db->begin_write();
    EXPECT_EQ(read_all(), stored);
    EXPECT_EQ(db->households().put("H1", "140521103000", "rural", record("H1", "张三"), members("张三"), 0, "li"),
              HouseholdRepository::Put::New);
    tx.commit();
  }
  EXPECT_TRUE(db->households().get("H1"));
  expect_intact(*db);
}

TEST_P(StorageContract, OneWholeDatabaseBatchAtATimeAndTheRefusedOneIsToldWho) {
  TestDatabase t(GetParam());
  auto a = open_storage(t.location()), b = open_storage(t.location());
  BatchLockHolder me = BatchLockHolder::this_process("batch", "2026-01..2026-01");
  auto held = a->try_lock_batch("", me);
  ASSERT_TRUE(held);
  BatchLockHolder other;
  EXPECT_FALSE(b->try_lock_batch("", BatchLockHolder::this_process("import", "x.jsonl"), &other));
  EXPECT_EQ(other.kind, "batch");
  EXPECT_EQ(other.detail, "2026-01..2026-01");
  EXPECT_EQ(other.pid, me.pid);
  held.reset();
  EXPECT_TRUE(b->try_lock_batch("", me));  // released with its holder
}

TEST_P(StorageContract, TownshipLocksLetWorkersRunSideBySideButNotBesideAWholeDatabaseLock) {
  TestDatabase t(GetParam());
  auto a = open_storage(t.location()), b = open_storage(t.location()), c = open_storage(t.location());
  auto first = a->try_lock_batch("140521101", BatchLockHolder::this_process("batch", "township 140521101"));
  ASSERT_TRUE(first);
  auto second = b->try_lock_batch("140521102", BatchLockHolder::this_process("batch", "township 140521102"));
  if (GetParam() == Backend::Postgres) EXPECT_TRUE(second) << "PostgreSQL locks townships apart";
  else EXPECT_FALSE(second) << "SQLite has one writer: a township lock locks the whole file";
  EXPECT_FALSE(b->try_lock_batch("140521101", BatchLockHolder::this_process("batch", "again")));  // the same township
  EXPECT_FALSE(c->try_lock_batch("", BatchLockHolder::this_process("import", "x.jsonl")));        // the whole database
}

TEST_P(StorageContract, UsersAreUniqueAndSessionsComeAndGo) {
  TestDatabase t(GetParam());
  auto db = open_storage(t.location());
  {
    WriteTransaction tx = db->begin_write();
    EXPECT_TRUE(db->users().add(UserRecord{"li", "caseworker", "hash", "", {"140521103"}}));
    EXPECT_FALSE(db->users().add(UserRecord{"li", "auditor", "hash2", "", {}}));
    db->users().create_session(SessionRecord{"tok", "li", "csrf", 100, 100});
    tx.commit();
  }
  auto u = db->users().find("li");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->role, "caseworker");
  auto s = db->users().find_session("tok");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->user, "li");
  {
    WriteTransaction tx = db->begin_write();
    db->users().delete_session("tok");
    tx.commit();
  }
  EXPECT_FALSE(db->users().find_session("tok"));
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageContract, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         [](const ::testing::TestParamInfo<Backend>& p) { return backend_name(p.param); });

}  // namespace
