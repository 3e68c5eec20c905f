// case_database.cpp — schema migrations. Each migration moves the database one version up, in a transaction.
#include "engine/storage/case_database.hpp"

#include <SQLiteCpp/Transaction.h>

#include <vector>

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
};

}  // namespace

CaseDatabase::CaseDatabase(const std::string& path) : path_(path) {
  try {
    db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db_->exec("PRAGMA journal_mode = WAL");
    db_->exec("PRAGMA synchronous = NORMAL");
    db_->exec("PRAGMA foreign_keys = ON");
    version_ = db_->execAndGet("PRAGMA user_version").getInt();
  } catch (const SQLite::Exception& e) {
    throw StorageError("cannot open the case database '" + path + "': " + e.what());
  }
  if (version_ > kSchemaVersion)
    throw StorageError("the case database '" + path + "' has schema version " + std::to_string(version_) +
                       ", newer than this entitle understands (" + std::to_string(kSchemaVersion) +
                       "); use a newer entitle");
  migrate();
}

void CaseDatabase::migrate() {
  while (version_ < kSchemaVersion) {
    try {
      SQLite::Transaction t(*db_);
      db_->exec(kMigrations[version_]);
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
