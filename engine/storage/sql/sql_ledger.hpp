// sql_ledger.hpp — the ledger in SQL (SQLite and PostgreSQL): the repositories note what each write transaction changes, and the entry
// is appended, chained and signed just before the transaction commits (so an entry and its rows stand or fall
// together, whatever kills the process).
#pragma once
#include "engine/storage/sql/sql_connection.hpp"
#include "engine/storage/sql/sql_connection.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/ledger/canonical.hpp"
#include "engine/ledger/signing.hpp"
#include "engine/storage/ledger.hpp"

namespace entitle {

class SqlStorage;

class SqlLedger final : public Ledger {
public:
  explicit SqlLedger(SqlStorage& s);

  // The write side, for the SQLite repositories (always inside a write transaction).
  /// The number the entry of the open transaction will have: rows written in groups carry it (ledger_seq).
  std::int64_t pending_seq();
  /// A subject stored row by row changed ("run:5", "user:li"): its digest is read back when the entry is sealed.
  void touch(const std::string& subject);
  /// One row of a group written in this transaction ("households@12", "run:5@12") and its digest.
  void add_group_row(const std::string& group, const std::string& row_digest);
  /// Appends the open transaction's entry (nothing when it changed nothing the ledger protects).
  void seal();
  /// Forgets what the open transaction noted (it was rolled back).
  void discard();
  /// Schema 4 on a database that already holds content: one first entry that records everything stored.
  void genesis();

  void set_actor(const std::string& actor) override { actor_ = actor; }
  void in_snapshot(const std::function<void()>& read) override;
  void for_each_entry(const std::function<void(const LedgerEntry&)>& each) override;
  void for_each_state(const std::function<void(const LedgerState&)>& each,
                      const std::function<void(const LedgerAnomaly&)>& anomaly) override;
  std::string public_key() override;
  std::string key_file() const override;

  /// The digest of one row-by-row subject as stored now, or none when it is not stored.
  std::optional<std::string> digest_of(const std::string& subject);

private:
  const ledger::SigningKey& key();
  /// Appends entry seq_ with these items, chained and signed, and forgets what was pending.
  void append(std::vector<ledger::LedgerItem> items);
  SqlStorage& s_;
  std::string actor_;
  std::int64_t seq_ = 0;                            // 0: no entry pending
  std::map<std::string, ledger::GroupDigest> groups_;
  std::map<std::string, bool> touched_;
  std::unique_ptr<ledger::SigningKey> key_;
};

/// The digest of one household version row (current or in history), as written and as verified.
std::string household_version_digest(const std::string& id, std::int64_t version, const std::string& record_hash,
                                     std::int64_t import_id, const std::optional<std::string>& stored_by,
                                     const std::optional<std::string>& stored_at);

/// The digest of a household finished in a run with its decisions, each given as its canonical bytes
/// (Canon("decision") over the decision columns in order: period, program, eligible, amount, per, members, missing,
/// kind, review, stale, exception, excluded_by, choice, option_amount).
std::string run_household_digest(std::int64_t run, const std::string& household, const std::string& input_hash,
                                 const std::optional<std::string>& error, std::vector<std::string> decisions);
std::string group_name_households(std::int64_t seq);
/// Now, UTC, as the database stores times: YYYY-MM-DDTHH:MM:SSZ.
std::string utc_timestamp();
/// Now, UTC, as imports and rule sets record when they were stored: YYYY-MM-DD HH:MM:SS.
std::string utc_datetime();
std::string group_name_decisions(std::int64_t run, std::int64_t seq);

}  // namespace entitle
