// sqlite_storage.cpp — opening the SQLite case database and its schema migrations. Each migration moves the database
// one version up, in a transaction.
#include "engine/storage/sqlite/sqlite_storage.hpp"

#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "engine/storage/sql/sql_ledger.hpp"
#include "engine/storage/sqlite/sqlite_connection.hpp"

namespace entitle {
namespace {

/// Migration i takes the schema from version i to i + 1. Never edit a published migration; add the next one.
const std::vector<const char*> kMigrations = {
    // 0 → 1: the first schema.
    R"SQL(
CREATE TABLE households (
  id          TEXT PRIMARY KEY,
  region      TEXT NOT NULL,
  township    TEXT NOT NULL,          -- 9-digit township code, or the county code when the record gives only that
  area        TEXT NOT NULL,
  member_count INTEGER NOT NULL,
  record      TEXT NOT NULL,          -- the record as imported (JSON), kept whole
  record_hash TEXT NOT NULL,          -- sha256 of record: a decision's input hash
  version     INTEGER NOT NULL,       -- 1 for the first import, +1 each time a changed record is re-imported
  import_id   INTEGER NOT NULL
);
CREATE INDEX households_township ON households(township);
CREATE TABLE household_history (      -- every earlier version of a record, so re-imports lose nothing
  household_id TEXT NOT NULL,
  version      INTEGER NOT NULL,
  record       TEXT NOT NULL,
  record_hash  TEXT NOT NULL,
  import_id    INTEGER NOT NULL,
  PRIMARY KEY (household_id, version)
);
CREATE TABLE members (
  household_id TEXT NOT NULL,
  member_id    TEXT NOT NULL,
  relation     TEXT NOT NULL,
  birth_date   TEXT NOT NULL,
  id_number    TEXT,
  disability_grade INTEGER,
  PRIMARY KEY (household_id, member_id)
);
CREATE TABLE imports (
  id        INTEGER PRIMARY KEY,
  source    TEXT NOT NULL,
  started   TEXT NOT NULL,
  records   INTEGER NOT NULL DEFAULT 0,
  stored    INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  rejected  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE rulesets (
  hash    TEXT PRIMARY KEY,           -- the content hash printed with every result
  sources TEXT NOT NULL,              -- JSON [{"file":…,"text":…}]: the full source, so any decision can be replayed
  stored  TEXT NOT NULL
);
CREATE TABLE standards (              -- each rule set's standard values, for queries and reports
  ruleset   TEXT NOT NULL,
  standard  TEXT NOT NULL,
  label     TEXT NOT NULL,
  region    TEXT NOT NULL,
  key       TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_until TEXT,
  value     TEXT,                     -- as written; NULL when declared unsourced
  cite      TEXT NOT NULL
);
CREATE INDEX standards_ruleset ON standards(ruleset, standard);
CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  ruleset     TEXT NOT NULL REFERENCES rulesets(hash),
  period_from TEXT NOT NULL,
  period_to   TEXT NOT NULL,
  started     TEXT NOT NULL,
  finished    TEXT,
  status      TEXT NOT NULL,          -- running | complete
  households  INTEGER NOT NULL DEFAULT 0,
  bad_records INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE run_households (         -- a household finished in a run: written in the same transaction as its decisions
  run_id       INTEGER NOT NULL,
  household_id TEXT NOT NULL,
  input_hash   TEXT NOT NULL,
  error        TEXT,                  -- the record no longer validates, or a rule error
  PRIMARY KEY (run_id, household_id)
) WITHOUT ROWID;
CREATE TABLE decisions (              -- granted or undetermined decisions; a finished household with no row for a
  run_id       INTEGER NOT NULL,      -- program and period was not granted it
  household_id TEXT NOT NULL,
  period       TEXT NOT NULL,
  program      TEXT NOT NULL,
  eligible     INTEGER,               -- 1 granted; NULL undetermined
  amount       TEXT,                  -- exact decimal; NULL when undetermined
  per          TEXT NOT NULL,
  members      TEXT NOT NULL,         -- JSON list of member ids
  missing      TEXT,                  -- JSON list of missing facts when undetermined
  PRIMARY KEY (run_id, household_id, period, program)
) WITHOUT ROWID;
)SQL",
    // 1 → 2: what diff, the impact report and replay need of a decision besides its amount. `kind` is the
    // decision kind's name (granted, amount_undetermined, undetermined, not_granted, excluded, choice_needed);
    // rows written by schema 1 held only granted and undetermined decisions, so their kind follows from
    // eligible and amount. The other columns are NULL when a decision has none (and for schema-1 rows).
    R"SQL(
ALTER TABLE decisions ADD COLUMN kind TEXT;
ALTER TABLE decisions ADD COLUMN review TEXT;          -- JSON list: reasons a caseworker must review (复核) the case
ALTER TABLE decisions ADD COLUMN stale TEXT;           -- JSON list of standard values used past their renewal
                                                       -- ({"standard","label","region","key","from","cite","renewal"})
ALTER TABLE decisions ADD COLUMN exception TEXT;       -- the exception (route) that decided it
ALTER TABLE decisions ADD COLUMN excluded_by TEXT;     -- excluded: the program granted instead
ALTER TABLE decisions ADD COLUMN choice TEXT;          -- choice_needed: JSON list of the programs to choose between
ALTER TABLE decisions ADD COLUMN option_amount TEXT;   -- choice_needed: the amount if this program is chosen
UPDATE decisions SET kind = CASE WHEN eligible IS NULL THEN 'undetermined'
                                 WHEN amount IS NULL THEN 'amount_undetermined'
                                 ELSE 'granted' END;
)SQL",
    // 2 → 3: the web application. Users and their sessions; the append-only audit log (who did what, when, with the
    // content hashes before and after); who stored each household version, and members' names for search; run
    // approval (the decision of record); decisions a caseworker made for one household; standard amendments;
    // settings such as the county's notice template.
    R"SQL(
CREATE TABLE users (
  name          TEXT PRIMARY KEY,
  role          TEXT NOT NULL,          -- caseworker | county | auditor | admin
  townships     TEXT NOT NULL,          -- JSON list of 9-digit township or 6-digit county codes
  password_hash TEXT NOT NULL,          -- argon2id (libsodium crypto_pwhash_str)
  created       TEXT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,          -- sha256 of the cookie's token: a stolen database holds no live session
  user       TEXT NOT NULL,
  csrf       TEXT NOT NULL,
  created    INTEGER NOT NULL,          -- unix seconds
  last_seen  INTEGER NOT NULL
);
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,            -- UTC, YYYY-MM-DDTHH:MM:SSZ
  user        TEXT NOT NULL,
  action      TEXT NOT NULL,            -- login | login_failed | logout | household_put | decide | batch_start | ...
  target      TEXT NOT NULL,            -- what it touched: household:ID, run:N, user:NAME, amendment:N, ...
  before_hash TEXT,
  after_hash  TEXT,
  detail      TEXT NOT NULL             -- a short JSON object
);
CREATE INDEX audit_log_target ON audit_log(target);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
ALTER TABLE households ADD COLUMN stored_by TEXT;
ALTER TABLE households ADD COLUMN stored_at TEXT;
ALTER TABLE household_history ADD COLUMN stored_by TEXT;
ALTER TABLE household_history ADD COLUMN stored_at TEXT;
ALTER TABLE members ADD COLUMN name TEXT;
UPDATE members SET name = (SELECT json_extract(m.value, '$.name') FROM households h, json_each(h.record, '$.members') m
                           WHERE h.id = members.household_id AND json_extract(m.value, '$.id') = members.member_id)
 WHERE json_valid((SELECT record FROM households WHERE id = members.household_id));
CREATE INDEX members_name ON members(name);
CREATE INDEX members_id_number ON members(id_number);
ALTER TABLE runs ADD COLUMN approved_by TEXT;
ALTER TABLE runs ADD COLUMN approved_at TEXT;
ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'batch';  -- batch | preview (an amendment's impact preview)
CREATE TABLE case_decisions (           -- a caseworker's decision for one household and month
  id             INTEGER PRIMARY KEY,
  household_id   TEXT NOT NULL,
  period         TEXT NOT NULL,
  ruleset        TEXT NOT NULL,
  record_hash    TEXT NOT NULL,
  record_version INTEGER NOT NULL,
  result         TEXT NOT NULL,         -- the result JSON with its explanation, as shown
  decided_by     TEXT NOT NULL,
  decided_at     TEXT NOT NULL
);
CREATE INDEX case_decisions_household ON case_decisions(household_id, period);
CREATE TABLE amendments (               -- a new standard value entered by the county office
  id          INTEGER PRIMARY KEY,
  standard    TEXT NOT NULL,
  region      TEXT NOT NULL,
  key         TEXT,
  valid_from  TEXT NOT NULL,
  value       TEXT NOT NULL,
  cite        TEXT NOT NULL,
  source      TEXT NOT NULL,            -- the rule text it adds
  status      TEXT NOT NULL,            -- draft | adopted
  entered_by  TEXT NOT NULL,
  entered_at  TEXT NOT NULL,
  adopted_by  TEXT,
  adopted_at  TEXT,
  preview_run INTEGER,
  base_run    INTEGER
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)SQL",
    // 3 → 4: the tamper-evident ledger (engine/storage/ledger.hpp, docs/trust.md). One entry per write transaction,
    // chained by SHA-256 and signed with ed25519; rows written in groups name the entry that wrote them.
    R"SQL(
CREATE TABLE ledger_entries (
  seq          INTEGER PRIMARY KEY,     -- 1, 2, 3, … without gaps
  at           TEXT NOT NULL,           -- UTC
  actor        TEXT NOT NULL,           -- the user, or the command, that wrote it
  items_digest TEXT NOT NULL,           -- sha256 over the entry's items
  prev_hash    TEXT NOT NULL,           -- entry_hash of seq - 1 (64 zeros for the first)
  entry_hash   TEXT NOT NULL,           -- sha256 over seq, at, actor, items_digest, prev_hash
  public_key   TEXT NOT NULL,           -- ed25519 key that signed entry_hash (hex)
  signature    TEXT NOT NULL
);
CREATE TABLE ledger_items (             -- what an entry records: a subject and the digest of its content then
  seq     INTEGER NOT NULL,
  subject TEXT NOT NULL,                -- households@SEQ, decisions:RUN@SEQ, run:ID, ruleset:HASH, user:NAME, audit:ID, …
  digest  TEXT NOT NULL,
  PRIMARY KEY (seq, subject)
) WITHOUT ROWID;
CREATE INDEX ledger_items_subject ON ledger_items(subject, seq);
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_items_no_update BEFORE UPDATE ON ledger_items BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_items_no_delete BEFORE DELETE ON ledger_items BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
ALTER TABLE households ADD COLUMN ledger_seq INTEGER;
ALTER TABLE household_history ADD COLUMN ledger_seq INTEGER;
ALTER TABLE run_households ADD COLUMN ledger_seq INTEGER;
)SQL",
    // 4 → 5: no index on members' names and id numbers. The household search matches them as substrings
    // (LIKE '%…%'), which no B-tree index serves (EXPLAIN QUERY PLAN scans), while every import paid for keeping both
    // in random order: 300,000 households took 30.7 s with them and 11.1 s without (docs/design.md).
    R"SQL(
DROP INDEX IF EXISTS members_name;
DROP INDEX IF EXISTS members_id_number;
)SQL",
};

}  // namespace

SqliteStorage::SqliteStorage(const std::string& path, int upgrade_to, Access access)
    : SqlStorage(access == Access::ReadOnly), path_(path), access_(access) {
  if (access == Access::ReadOnly && !std::filesystem::exists(path))
    throw StorageError("案件数据库 '" + path + "' 不存在 (there is no case database at '" + path + "')");
  try {
    auto db = access == Access::ReadOnly ? std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY)
                                         : std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db_ = db.get();
    attach(std::make_unique<SqliteConnection>(std::move(db)));
    if (access != Access::ReadOnly) {
      db_->exec("PRAGMA journal_mode = WAL");
      db_->exec("PRAGMA synchronous = NORMAL");
    }
    db_->exec("PRAGMA foreign_keys = ON");
    db_->exec("PRAGMA busy_timeout = 10000");  // the server's threads and a batch share the file: wait, do not fail
    // Page cache of up to 64 MiB per connection (SQLite's default is 2 MiB), filled only as pages are read: with a
    // million households the indexes no longer fit 2 MiB and every insert would read its B-tree pages from disk.
    db_->exec("PRAGMA cache_size = -65536");
    version_ = db_->execAndGet("PRAGMA user_version").getInt();
  } catch (const SQLite::Exception& e) {
    throw StorageError("cannot open the case database '" + path + "': " + e.what());
  }
  if (version_ < 0)  // only a damaged or hand-edited file says this; the migrations are indexed by it
    throw StorageError("the case database '" + path + "' is damaged: its schema version (PRAGMA user_version) is " +
                       std::to_string(version_) + ", not a version of entitle's schema (0 to " + std::to_string(kSchemaVersion) + ")");
  if (version_ > kSchemaVersion)
    throw StorageError("the case database '" + path + "' has schema version " + std::to_string(version_) +
                       ", newer than this entitle understands (" + std::to_string(kSchemaVersion) +
                       "); use a newer entitle");
  if (access == Access::ReadOnly && version_ < 4)
    throw StorageError("案件数据库 '" + path + "' 的结构版本为 " + std::to_string(version_) +
                       "，还没有账本；用 entitle 的其他命令打开一次即可升级并开始记账 (the case database '" + path +
                       "' has schema version " + std::to_string(version_) +
                       " and no ledger yet: any other entitle command that opens it upgrades it and starts the ledger)");
  if (access != Access::ReadOnly) migrate(std::min(upgrade_to, kSchemaVersion));
  open_repositories();
}

std::string SqliteStorage::default_key_file() const {
  if (path_.empty() || path_ == ":memory:") return "";
  return path_ + ".ledger-key";
}

SqliteStorage::~SqliteStorage() = default;

void SqliteStorage::migrate(int target) {
  while (version_ < target) {
    try {
      SQLite::Transaction t(*db_);
      db_->exec(kMigrations[version_]);
      if (version_ + 1 == 4 && access_ != Access::MoveTarget) sql_ledger().genesis();  // content stored before the ledger: its first entry records it
      db_->exec("PRAGMA user_version = " + std::to_string(version_ + 1));
      t.commit();
      ++version_;
    } catch (const SQLite::Exception& e) {
      throw StorageError("cannot upgrade the case database '" + path_ + "' from schema version " + std::to_string(version_) +
                         ": " + e.what());
    }
  }
}

}  // namespace entitle
