// ledger_test.cpp — the tamper-evident ledger: a database written by entitle verifies; every kind of tampering done
// with SQL behind entitle's back (edited, deleted or inserted rows, a consistent forgery of a record with its hashes
// and decisions, edited, removed or reordered ledger entries, a ledger re-signed with another key, a cut-back tail)
// is found and named by its entry.
#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "engine/base/sha256.hpp"
#include "engine/casework/batch.hpp"
#include "engine/casework/generator.hpp"
#include "engine/casework/importer.hpp"
#include "engine/ledger/signing.hpp"
#include "engine/ledger/verify.hpp"
#include "engine/storage/sqlite/sqlite_storage.hpp"
#include "helpers.hpp"

using namespace entitle;
using namespace entitle::testing;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("entitle_ledger_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

const LoadedRules& library() {
  static auto l = load_rules(ENTITLE_RULES_DIR);
  return *l;
}

/// 300 generated households imported, a run of two months over them, a user, an audit entry, an amendment.
void populate(SqliteStorage& db, const TempDir& t) {
  GenOptions g;
  g.households = 300;
  g.region = "140521";
  g.seed = 7;
  {
    std::ofstream f(t.file("g.jsonl"));
    generate_population(*library().rules, g, [&](std::string&& j) { f << j << '\n'; });
  }
  import_file(db, *library().rules, t.file("g.jsonl"), {}, [](const InputError& e) { ADD_FAILURE() << e.to_string(); });
  BatchOptions o;
  o.from = *Month::parse("2026-01");
  o.to = *Month::parse("2026-02");
  o.chunk = 100;
  o.threads = 2;
  run_batch(db, library(), o, nullptr);
  UserRecord u;
  u.name = "li";
  u.role = "county";
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  ASSERT_TRUE(db.users().add(u));
  AuditEntry e;
  e.user = "li";
  e.action = "login";
  e.target = "user:li";
  db.audit().append(e);
  Amendment a;
  a.standard = "dibao_standard";
  a.region = "140521";
  a.key = "rural";
  a.valid_from = "2026-07-01";
  a.value = "520 per month";
  a.cite = "test";
  a.source = "…";
  a.entered_by = "li";
  db.casework().add_amendment(a);
}

ledger::VerifyReport verify(SqliteStorage& db, ledger::VerifyOptions o = {}) { return ledger::verify(db.ledger(), o); }

std::string findings(const ledger::VerifyReport& r) { return ledger::render_report(r, "db"); }

/// Drops the triggers that keep the ledger and the audit log append-only, as a forger with sqlite3 would.
void drop_guards(SqliteStorage& db) {
  for (const char* t : {"ledger_entries_no_update", "ledger_entries_no_delete", "ledger_items_no_update", "ledger_items_no_delete",
                        "audit_log_no_update", "audit_log_no_delete"})
    db.db().exec(std::string("DROP TRIGGER IF EXISTS ") + t);
}

std::int64_t scalar(SqliteStorage& db, const std::string& sql) { return db.db().execAndGet(sql).getInt64(); }
std::string text(SqliteStorage& db, const std::string& sql) { return db.db().execAndGet(sql).getString(); }

/// The entry that wrote a household's current version.
std::int64_t entry_of_household(SqliteStorage& db, const std::string& id) {
  return scalar(db, "SELECT ledger_seq FROM households WHERE id = '" + id + "'");
}

}  // namespace

TEST(Ledger, WhatEntitleWroteVerifiesAndEveryWriteIsSigned) {
  TempDir t;
  SqliteStorage db(t.file("c.db"));
  populate(db, t);
  auto r = verify(db);
  EXPECT_TRUE(r.intact()) << findings(r);
  // import (one entry per chunk of households), rule set, run created, 3 chunks + finish, user, audit, amendment
  EXPECT_GE(r.entries, 8);
  EXPECT_EQ(r.entries, scalar(db, "SELECT count(*) FROM ledger_entries"));
  ASSERT_EQ(r.keys.size(), 1u);
  EXPECT_EQ(r.keys[0], db.ledger().public_key());
  EXPECT_TRUE(fs::exists(t.file("c.db.ledger-key")));
  EXPECT_EQ(fs::status(t.file("c.db.ledger-key")).permissions() & fs::perms::group_all, fs::perms::none);
  // Every household version and every finished household names the entry that wrote it.
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM households WHERE ledger_seq IS NULL"), 0);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM run_households WHERE ledger_seq IS NULL"), 0);
  // With the auditor's own copy of the key, and the head they wrote down: still intact.
  ledger::VerifyOptions o;
  o.trusted_keys = {db.ledger().public_key()};
  o.head = std::make_pair(r.entries, r.head_hash);
  auto anchored = verify(db, o);
  EXPECT_TRUE(anchored.intact()) << findings(anchored);
}

TEST(Ledger, AConsistentForgeryOfARecordItsHashesAndItsDecisionsIsFound) {
  TempDir t;
  SqliteStorage db(t.file("c.db"));
  populate(db, t);
  std::string id = text(db, "SELECT household_id FROM decisions WHERE program = 'dibao' AND amount IS NOT NULL ORDER BY household_id LIMIT 1");
  std::string record = text(db, "SELECT record FROM households WHERE id = '" + id + "'");
  // Add a little income nobody declared… and make every stored hash and decision agree with it.
  std::string forged = record.substr(0, record.size() - 1) + ",\"note\":\"x\"}";
  std::string hash = sha256_hex(forged);
  std::string old_hash = text(db, "SELECT record_hash FROM households WHERE id = '" + id + "'");
  SQLite::Statement up(db.db(), "UPDATE households SET record = ?, record_hash = ? WHERE id = ?");
  up.bind(1, forged);
  up.bind(2, hash);
  up.bind(3, id);
  up.exec();
  db.db().exec("UPDATE run_households SET input_hash = '" + hash + "' WHERE household_id = '" + id + "' AND input_hash = '" + old_hash + "'");
  db.db().exec("UPDATE decisions SET amount = '9999.00' WHERE household_id = '" + id + "' AND program = 'dibao'");
  auto r = verify(db);
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.findings.front().seq, entry_of_household(db, id)) << findings(r);
  EXPECT_EQ(r.findings.front().subject, "households@" + std::to_string(entry_of_household(db, id))) << findings(r);
  std::string all = findings(r);
  EXPECT_NE(all.find("decisions:1@"), std::string::npos) << all;  // the decisions were changed too
}

TEST(Ledger, AnEditedRecordWhoseHashWasNotUpdatedIsNamedByHousehold) {
  TempDir t;
  SqliteStorage db(t.file("c.db"));
  populate(db, t);
  std::string id = text(db, "SELECT id FROM households ORDER BY id LIMIT 1");
  db.db().exec("UPDATE households SET record = replace(record, '\"rural\"', '\"urban\"') WHERE id = '" + id + "'");
  auto r = verify(db);
  ASSERT_FALSE(r.intact());
  EXPECT_NE(findings(r).find("户 " + id), std::string::npos) << findings(r);
}

TEST(Ledger, DeletedAndInsertedRowsAreFound) {
  TempDir t;
  SqliteStorage db(t.file("c.db"));
  populate(db, t);
  std::int64_t seq = scalar(db, "SELECT ledger_seq FROM run_households WHERE household_id = "
                                "(SELECT min(household_id) FROM decisions WHERE run_id = 1) AND run_id = 1");
  db.db().exec("DELETE FROM decisions WHERE run_id = 1 AND household_id = (SELECT min(household_id) FROM decisions WHERE run_id = 1) "
               "AND period = '2026-01'");
  auto deleted = verify(db);
  ASSERT_FALSE(deleted.intact());
  EXPECT_EQ(deleted.findings.front().seq, seq) << findings(deleted);

  TempDir t2;
  SqliteStorage db2(t2.file("c.db"));
  populate(db2, t2);
  // A household slipped in with SQL: the ledger never recorded it.
  db2.db().exec("INSERT INTO households(id, region, township, area, member_count, record, record_hash, version, import_id) "
                "SELECT 'FORGED', region, township, area, member_count, record, record_hash, 1, import_id FROM households LIMIT 1");
  auto inserted = verify(db2);
  ASSERT_FALSE(inserted.intact());
  EXPECT_EQ(inserted.findings.back().seq, 0) << findings(inserted);
  EXPECT_NE(findings(inserted).find("households@unrecorded"), std::string::npos) << findings(inserted);
  // A decision for a household the run never finished.
  TempDir t3;
  SqliteStorage db3(t3.file("c.db"));
  populate(db3, t3);
  db3.db().exec("INSERT INTO decisions(run_id, household_id, period, program, eligible, amount, per, members, kind) "
                "VALUES (1, 'ZZZ-NOBODY', '2026-01', 'dibao', 1, '500.00', 'month', '[]', 'granted')");
  auto orphan = verify(db3);
  ASSERT_FALSE(orphan.intact());
  EXPECT_NE(findings(orphan).find("ZZZ-NOBODY"), std::string::npos) << findings(orphan);
}

TEST(Ledger, EditedRemovedAndReorderedEntriesBreakTheChain) {
  for (const std::string tamper : {"edit", "delete", "swap", "items"}) {
    TempDir t;
    SqliteStorage db(t.file("c.db"));
    populate(db, t);
    drop_guards(db);
    if (tamper == "edit") db.db().exec("UPDATE ledger_entries SET actor = 'someone else' WHERE seq = 3");
    if (tamper == "delete") db.db().exec("DELETE FROM ledger_entries WHERE seq = 3");
    if (tamper == "items") db.db().exec("UPDATE ledger_items SET digest = '00' || substr(digest, 3) WHERE seq = 3");
    if (tamper == "swap") {
      // Entries 3 and 4 change places (each keeps its own hash and signature, which are valid on their own).
      db.db().exec("UPDATE ledger_entries SET seq = -3 WHERE seq = 3");
      db.db().exec("UPDATE ledger_entries SET seq = 3 WHERE seq = 4");
      db.db().exec("UPDATE ledger_entries SET seq = 4 WHERE seq = -3");
    }
    auto r = verify(db);
    ASSERT_FALSE(r.intact()) << tamper;
    EXPECT_EQ(r.findings.front().seq, tamper == "delete" ? 4 : 3) << tamper << "\n" << findings(r);
  }
}

TEST(Ledger, ALedgerResignedWithAnotherKeyIsFoundWithTheAuditorsKey) {
  TempDir t;
  SqliteStorage db(t.file("c.db"));
  populate(db, t);
  std::string auditors_copy = db.ledger().public_key();
  // The forger edits a decision, then recomputes the whole chain and signs it with a key of their own.
  drop_guards(db);
  std::string id = text(db, "SELECT household_id FROM decisions WHERE amount IS NOT NULL ORDER BY household_id LIMIT 1");
  db.db().exec("UPDATE decisions SET amount = '9999.00' WHERE household_id = '" + id + "' AND amount IS NOT NULL");
  std::map<std::string, std::string> now;
  db.ledger().for_each_state([&](const LedgerState& s) { now[s.subject] = s.digest; }, [](const LedgerAnomaly&) {});
  db.db().exec("UPDATE ledger_items SET digest = digest");  // (no-op: shows the guards are gone)
  for (auto& [subject, digest] : now) {
    SQLite::Statement st(db.db(), "UPDATE ledger_items SET digest = ? WHERE subject = ?");
    st.bind(1, digest);
    st.bind(2, subject);
    st.exec();
  }
  auto key = ledger::SigningKey::ephemeral();
  std::string prev = ledger::kGenesisHash;
  std::vector<LedgerEntry> entries;
  db.ledger().for_each_entry([&](const LedgerEntry& e) { entries.push_back(e); });
  for (LedgerEntry& e : entries) {
    e.items_digest = ledger::items_digest(e.items);
    e.prev_hash = prev;
    e.entry_hash = ledger::entry_hash(e.seq, e.at, e.actor, e.items_digest, prev);
    SQLite::Statement st(db.db(), "UPDATE ledger_entries SET items_digest = ?, prev_hash = ?, entry_hash = ?, public_key = ?, signature = ? "
                                  "WHERE seq = ?");
    st.bind(1, e.items_digest);
    st.bind(2, e.prev_hash);
    st.bind(3, e.entry_hash);
    st.bind(4, key.public_hex());
    st.bind(5, key.sign(e.entry_hash));
    st.bind(6, e.seq);
    st.exec();
    prev = e.entry_hash;
  }
  auto unanchored = verify(db);
  EXPECT_TRUE(unanchored.intact()) << "a complete re-signing is consistent in itself; only the auditor's key can tell";
  EXPECT_NE(findings(unanchored).find("--public-key"), std::string::npos);  // and the report says so
  ledger::VerifyOptions o;
  o.trusted_keys = {auditors_copy};
  auto anchored = verify(db, o);
  ASSERT_FALSE(anchored.intact());
  EXPECT_EQ(anchored.findings.front().seq, 1) << findings(anchored);
}

TEST(Ledger, ACutBackTailIsFoundOnlyWithTheHeadTheAuditorWroteDown) {
  TempDir t;
  SqliteStorage db(t.file("c.db"));
  populate(db, t);
  auto before = verify(db);
  ASSERT_TRUE(before.intact());
  // Remove the last entry (the amendment) and the amendment itself.
  drop_guards(db);
  db.db().exec("DELETE FROM ledger_items WHERE seq = (SELECT max(seq) FROM ledger_entries)");
  db.db().exec("DELETE FROM ledger_entries WHERE seq = (SELECT max(seq) FROM ledger_entries)");
  db.db().exec("DELETE FROM amendments");
  EXPECT_TRUE(verify(db).intact());
  ledger::VerifyOptions o;
  o.head = std::make_pair(before.entries, before.head_hash);
  auto r = verify(db, o);
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.findings.front().seq, before.entries) << findings(r);
}

TEST(Ledger, ChangedUsersAmendmentsRuleSetsAndAuditEntriesAreFound) {
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"user:li", "UPDATE users SET password_hash = 'mine' WHERE name = 'li'"},
      {"amendment:1", "UPDATE amendments SET value = '900 per month' WHERE id = 1"},
      {"ruleset:", "UPDATE rulesets SET sources = replace(sources, '440', '540')"},
      {"ruleset:", "UPDATE standards SET value = '9999 per year' WHERE rowid = (SELECT min(rowid) FROM standards)"},
      {"audit:1", "UPDATE audit_log SET user = 'nobody' WHERE id = 1"},
      {"run:1", "UPDATE runs SET approved_by = 'li', approved_at = '2026-01-01T00:00:00Z' WHERE id = 1"},
  };
  for (const auto& [subject, sql] : edits) {
    TempDir t;
    SqliteStorage db(t.file("c.db"));
    populate(db, t);
    drop_guards(db);
    db.db().exec(sql);
    auto r = verify(db);
    ASSERT_FALSE(r.intact()) << sql;
    EXPECT_EQ(r.findings.front().subject.rfind(subject, 0), 0u) << sql << "\n" << findings(r);
    EXPECT_GT(r.findings.front().seq, 0) << sql;
  }
}

TEST(Ledger, ARolledBackTransactionLeavesNoEntry) {
  TempDir t;
  SqliteStorage db(t.file("c.db"));
  populate(db, t);
  std::int64_t entries = scalar(db, "SELECT count(*) FROM ledger_entries");
  {
    WriteTransaction w = db.begin_write();
    db.households().put("NEW-1", "140521100000", "rural", "{\"id\":\"NEW-1\"}", {}, 1, "test");
  }  // not committed
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM ledger_entries"), entries);
  {
    WriteTransaction w = db.begin_write();
    db.households().put("NEW-2", "140521100000", "rural", "{\"id\":\"NEW-2\"}", {}, 1, "test");
    w.commit();
  }
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM ledger_entries"), entries + 1);
  auto r = verify(db);
  EXPECT_TRUE(r.intact()) << findings(r);
}

TEST(Ledger, ADatabaseFromBeforeTheLedgerStartsItWithOneEntryRecordingEverything) {
  TempDir t;
  {
    SqliteStorage old(t.file("v3.db"), 3);
    ASSERT_EQ(old.schema_version(), 3);
    old.db().exec("INSERT INTO rulesets VALUES ('sha256:x', '[]', '2026-01-01')");
    old.db().exec("INSERT INTO households(id, region, township, area, member_count, record, record_hash, version, import_id) "
                  "VALUES ('A', '140521100000', '140521100', 'rural', 0, '{}', '" + sha256_hex("{}") + "', 1, 1)");
    old.db().exec("INSERT INTO runs(id, ruleset, period_from, period_to, started, status, households) "
                  "VALUES (1, 'sha256:x', '2026-01', '2026-01', '2026-01-02', 'complete', 1)");
    old.db().exec("INSERT INTO run_households VALUES (1, 'A', 'h', NULL)");
    old.db().exec("INSERT INTO decisions(run_id, household_id, period, program, eligible, amount, per, members) "
                  "VALUES (1, 'A', '2026-01', 'dibao', 1, '640.00', 'month', '[\"P1\"]')");
  }
  SqliteStorage db(t.file("v3.db"));
  EXPECT_EQ(db.schema_version(), SqliteStorage::kSchemaVersion);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM ledger_entries"), 1);
  auto r = verify(db);
  EXPECT_TRUE(r.intact()) << findings(r);
  db.db().exec("UPDATE decisions SET amount = '740.00'");
  auto edited = verify(db);
  ASSERT_FALSE(edited.intact());
  EXPECT_EQ(edited.findings.front().seq, 1);
}
