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

std::int64_t scalar(SqliteStorage& db, const std::string& sql) { return db.db().execAndGet(sql).getInt64(); }
std::string text(SqliteStorage& db, const std::string& sql) { return db.db().execAndGet(sql).getString(); }

/// 300 generated households imported, a run of two months over them, a user, an audit entry, an amendment, a
/// caseworker's decision, a setting, and a second version of one household.
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
  CaseDecision d;
  d.household = text(db, "SELECT id FROM households ORDER BY id LIMIT 1");
  d.period = "2026-01";
  d.ruleset = text(db, "SELECT hash FROM rulesets LIMIT 1");
  d.record_hash = text(db, "SELECT record_hash FROM households WHERE id = '" + d.household + "'");
  d.record_version = 1;
  d.result = "{\"programs\":[]}";
  d.decided_by = "li";
  db.casework().add_decision(d);
  db.casework().set_setting("notice_template", "沁水县民政局");
  // A second version of one household, so that household_history holds a version the ledger recorded.
  std::string id = text(db, "SELECT id FROM households ORDER BY id DESC LIMIT 1");
  std::string record = text(db, "SELECT record FROM households WHERE id = '" + id + "'");
  std::string region = text(db, "SELECT region FROM households WHERE id = '" + id + "'");
  std::string area = text(db, "SELECT area FROM households WHERE id = '" + id + "'");
  std::vector<MemberRow> members;
  for (std::int64_t n = scalar(db, "SELECT member_count FROM households WHERE id = '" + id + "'"); n > 0; --n) {
    MemberRow m;
    m.member_id = "P" + std::to_string(n);
    m.relation = "self";
    m.birth_date = "1960-01-01";
    members.push_back(m);
  }
  db.households().put(id, region, area, record.substr(0, record.size() - 1) + ",\"note\":\"v2\"}", members, 1, "li");
}

ledger::VerifyReport verify(SqliteStorage& db, ledger::VerifyOptions o = {}) { return ledger::verify(db.ledger(), o); }

std::string findings(const ledger::VerifyReport& r) { return ledger::render_report(r, "db"); }

/// Drops the triggers that keep the ledger and the audit log append-only, as a forger with sqlite3 would.
void drop_guards(SqliteStorage& db) {
  for (const char* t : {"ledger_entries_no_update", "ledger_entries_no_delete", "ledger_items_no_update", "ledger_items_no_delete",
                        "audit_log_no_update", "audit_log_no_delete"})
    db.db().exec(std::string("DROP TRIGGER IF EXISTS ") + t);
}


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
  for (const std::string tamper : {"edit", "delete", "swap", "items", "insert", "item-deleted", "item-inserted"}) {
    TempDir t;
    SqliteStorage db(t.file("c.db"));
    populate(db, t);
    drop_guards(db);
    if (tamper == "edit") db.db().exec("UPDATE ledger_entries SET actor = 'someone else' WHERE seq = 3");
    if (tamper == "delete") db.db().exec("DELETE FROM ledger_entries WHERE seq = 3");
    if (tamper == "items") db.db().exec("UPDATE ledger_items SET digest = '00' || substr(digest, 3) WHERE seq = 3");
    if (tamper == "item-deleted") db.db().exec("DELETE FROM ledger_items WHERE seq = 3 AND subject = (SELECT min(subject) FROM ledger_items WHERE seq = 3)");
    if (tamper == "item-inserted") db.db().exec("INSERT INTO ledger_items VALUES (3, 'user:mallory', '" + std::string(64, 'a') + "')");
    if (tamper == "insert") {
      // A made-up entry slipped in as number 3 (the later ones moved up by one), linked to entry 2 and signed with a
      // key of the forger's: the entry after it no longer links to it.
      for (std::int64_t n = scalar(db, "SELECT max(seq) FROM ledger_entries"); n >= 3; --n) {
        db.db().exec("UPDATE ledger_items SET seq = " + std::to_string(n + 1) + " WHERE seq = " + std::to_string(n));
        db.db().exec("UPDATE ledger_entries SET seq = " + std::to_string(n + 1) + " WHERE seq = " + std::to_string(n));
      }
      auto key = ledger::SigningKey::ephemeral();
      std::string prev = text(db, "SELECT entry_hash FROM ledger_entries WHERE seq = 2");
      std::vector<ledger::LedgerItem> items = {{"user:mallory", std::string(64, 'b')}};
      std::string items_hash = ledger::items_digest(items);
      std::string hash = ledger::entry_hash(3, "2026-01-01T00:00:00Z", "web:mallory", items_hash, prev);
      SQLite::Statement st(db.db(), "INSERT INTO ledger_entries VALUES (3, '2026-01-01T00:00:00Z', 'web:mallory', ?, ?, ?, ?, ?)");
      st.bind(1, items_hash);
      st.bind(2, prev);
      st.bind(3, hash);
      st.bind(4, key.public_hex());
      st.bind(5, key.sign(hash));
      st.exec();
      db.db().exec("INSERT INTO ledger_items VALUES (3, 'user:mallory', '" + std::string(64, 'b') + "')");
    }
    if (tamper == "swap") {
      // Entries 3 and 4 change places (each keeps its own hash and signature, which are valid on their own).
      db.db().exec("UPDATE ledger_entries SET seq = -3 WHERE seq = 3");
      db.db().exec("UPDATE ledger_entries SET seq = 3 WHERE seq = 4");
      db.db().exec("UPDATE ledger_entries SET seq = 4 WHERE seq = -3");
    }
    auto r = verify(db);
    ASSERT_FALSE(r.intact()) << tamper;
    EXPECT_EQ(r.findings.front().seq, tamper == "delete" ? 4 : 3) << tamper << "\n" << findings(r);
    if (tamper == "insert") {
      EXPECT_NE(findings(r).find("第 4 条: 与前一条的哈希链接断开"), std::string::npos) << findings(r);
      ledger::VerifyOptions o;
      o.trusted_keys = {db.ledger().public_key()};
      EXPECT_NE(findings(verify(db, o)).find("第 3 条: 签名密钥"), std::string::npos);
    }
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
  Amendment a;
  a.standard = "dibao_standard";
  a.region = "140521";
  a.key = "urban";
  a.valid_from = "2026-07-01";
  a.value = "700 per month";
  a.cite = "test";
  a.entered_by = "li";
  std::int64_t last = db.casework().add_amendment(a);
  auto before = verify(db);
  ASSERT_TRUE(before.intact());
  // Remove the last entry (that amendment) and the amendment itself.
  drop_guards(db);
  db.db().exec("DELETE FROM ledger_items WHERE seq = (SELECT max(seq) FROM ledger_entries)");
  db.db().exec("DELETE FROM ledger_entries WHERE seq = (SELECT max(seq) FROM ledger_entries)");
  db.db().exec("DELETE FROM amendments WHERE id = " + std::to_string(last));
  EXPECT_TRUE(verify(db).intact());
  ledger::VerifyOptions o;
  o.head = std::make_pair(before.head_seq, before.head_hash);
  auto r = verify(db, o);
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.findings.front().seq, before.head_seq) << findings(r);
}

TEST(Ledger, AHeadWhoseHashChangedIsFound) {
  TempDir t;
  SqliteStorage db(t.file("c.db"));
  populate(db, t);
  auto before = verify(db);
  ASSERT_TRUE(before.intact());
  EXPECT_EQ(before.head_seq, scalar(db, "SELECT max(seq) FROM ledger_entries"));
  EXPECT_NE(ledger::render_report(before, "db").find("#" + std::to_string(before.head_seq) + " " + before.head_hash), std::string::npos);
  ledger::VerifyOptions o;
  o.head = std::make_pair(before.head_seq, std::string(64, 'f'));
  auto r = verify(db, o);
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.findings.front().seq, before.head_seq) << findings(r);
}

TEST(Ledger, AnAuditorsLookCreatesUpgradesAndSignsNothing) {
  TempDir t;
  // No database there: an error, and no file made.
  EXPECT_THROW(open_storage_to_audit(t.file("missing.db")), StorageError);
  EXPECT_FALSE(fs::exists(t.file("missing.db")));
  // A database from before the ledger: refused as it is, not upgraded.
  { SqliteStorage old(t.file("v3.db"), 3); }
  EXPECT_THROW(open_storage_to_audit(t.file("v3.db")), StorageError);
  {
    SqliteStorage again(t.file("v3.db"), 3);
    EXPECT_EQ(again.schema_version(), 3);
  }
  EXPECT_FALSE(fs::exists(t.file("v3.db.ledger-key")));
  // A current database: verified read-only; its key is read, never made anew.
  {
    SqliteStorage db(t.file("c.db"));
    populate(db, t);
  }
  auto audit = open_storage_to_audit(t.file("c.db"));
  auto r = ledger::verify(audit->ledger(), {});
  EXPECT_TRUE(r.intact()) << findings(r);
  std::string key = audit->ledger().public_key();
  fs::remove(t.file("c.db.ledger-key"));
  auto without_key = open_storage_to_audit(t.file("c.db"));
  EXPECT_ANY_THROW(without_key->ledger().public_key());
  EXPECT_FALSE(fs::exists(t.file("c.db.ledger-key")));
}

TEST(Ledger, AKeyFileOthersCanReadIsRefused) {
  TempDir t;
  {
    SqliteStorage db(t.file("c.db"));
    populate(db, t);
  }
  fs::permissions(t.file("c.db.ledger-key"), fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
  SqliteStorage db(t.file("c.db"));
  try {
    db.users().add(UserRecord{"wang", "caseworker", "$argon2id$x", "", {"140521103"}});
    ADD_FAILURE() << "a write signed with a key others can read";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
  }
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM users WHERE name = 'wang'"), 0);  // rolled back with its entry
}

TEST(Ledger, ADatabaseWhoseLedgerWasRemovedIsNotSignedAnew) {
  TempDir t;
  {
    SqliteStorage db(t.file("c.db"));
    populate(db, t);
    // The forger drops the ledger and says the database is from before it, so that the next command would sign
    // whatever it now holds as the ledger's first entry.
    drop_guards(db);
    db.db().exec("DROP TABLE ledger_items; DROP TABLE ledger_entries; ALTER TABLE households DROP COLUMN ledger_seq; "
                 "ALTER TABLE household_history DROP COLUMN ledger_seq; ALTER TABLE run_households DROP COLUMN ledger_seq; "
                 "PRAGMA user_version = 3");
  }
  try {
    SqliteStorage db(t.file("c.db"));
    ADD_FAILURE() << "the database was upgraded and signed";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("账本可能被删除"), std::string::npos) << e.what();
  }
}

TEST(Ledger, ChangedUsersAmendmentsRuleSetsAndAuditEntriesAreFound) {
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"user:li", "UPDATE users SET password_hash = 'mine' WHERE name = 'li'"},
      {"amendment:1", "UPDATE amendments SET value = '900 per month' WHERE id = 1"},
      {"ruleset:", "UPDATE rulesets SET sources = replace(sources, '440', '540')"},
      {"ruleset:", "UPDATE standards SET value = '9999 per year' WHERE rowid = (SELECT min(rowid) FROM standards)"},
      {"audit:1", "UPDATE audit_log SET user = 'nobody' WHERE id = 1"},
      {"run:1", "UPDATE runs SET approved_by = 'li', approved_at = '2026-01-01T00:00:00Z' WHERE id = 1"},
      {"case_decision:1", "UPDATE case_decisions SET result = '{\"programs\":[{\"program\":\"dibao\"}]}' WHERE id = 1"},
      {"setting:notice_template", "UPDATE settings SET value = '某某县' WHERE key = 'notice_template'"},
      // Deleted rows that are subjects of their own: the entry that recorded them names them.
      {"user:li", "DELETE FROM users WHERE name = 'li'"},
      {"amendment:1", "DELETE FROM amendments WHERE id = 1"},
      {"audit:1", "DELETE FROM audit_log WHERE id = 1"},
      {"case_decision:1", "DELETE FROM case_decisions WHERE id = 1"},
      {"setting:notice_template", "DELETE FROM settings"},
      // Deleted household versions: one moved to history, and every version written by one entry.
      {"households@", "DELETE FROM household_history"},
      {"households@", "DELETE FROM households WHERE ledger_seq = (SELECT min(ledger_seq) FROM households)"},
      // The search columns a caseworker's access depends on, changed without the record.
      {"households@", "UPDATE households SET township = '140521100' WHERE id = (SELECT min(id) FROM households WHERE township <> '140521100')"},
      {"households@", "UPDATE households SET member_count = member_count + 1 WHERE id = (SELECT min(id) FROM households)"},
      // A row whose key reads as li's, stored as a BLOB: a second user 'li' beside the recorded one.
      {"user:li", "INSERT INTO users(name, role, townships, password_hash, created) VALUES (CAST('li' AS BLOB), 'admin', '[]', 'x', '2026')"},
      // A version stored as text: read back as the same number, but not what entitle wrote.
      {"households@", "UPDATE households SET version = CAST(version AS TEXT) || 'x' WHERE id = (SELECT min(id) FROM households)"},
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
    db.households().put("NEW-1", "140521100000", "rural", R"({"id":"NEW-1","region":"140521100000","area":"rural","members":[]})", {}, 1, "test");
  }  // not committed
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM ledger_entries"), entries);
  {
    WriteTransaction w = db.begin_write();
    db.households().put("NEW-2", "140521100000", "rural", R"({"id":"NEW-2","region":"140521100000","area":"rural","members":[]})", {}, 1, "test");
    w.commit();
  }
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM ledger_entries"), entries + 1);
  auto r = verify(db);
  EXPECT_TRUE(r.intact()) << findings(r);
}

TEST(Ledger, ADatabaseFromBeforeTheLedgerStartsItWithOneEntryRecordingEverything) {
  TempDir t;
  const std::string kOldRecord = R"({"id":"A","region":"140521100000","area":"rural","members":[]})";
  {
    SqliteStorage old(t.file("v3.db"), 3);
    ASSERT_EQ(old.schema_version(), 3);
    old.db().exec("INSERT INTO rulesets VALUES ('sha256:x', '[]', '2026-01-01')");
    old.db().exec("INSERT INTO households(id, region, township, area, member_count, record, record_hash, version, import_id) "
                  "VALUES ('A', '140521100000', '140521100', 'rural', 0, '" + kOldRecord + "', '" + sha256_hex(kOldRecord) + "', 1, 1)");
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
  // The report says where the ledger began: what happened before it is beyond the ledger.
  EXPECT_NE(findings(r).find("账本的起点"), std::string::npos) << findings(r);
  db.db().exec("UPDATE decisions SET amount = '740.00'");
  auto edited = verify(db);
  ASSERT_FALSE(edited.intact());
  EXPECT_EQ(edited.findings.front().seq, 1);
}
