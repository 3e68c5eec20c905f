// ledger.hpp — the tamper-evident ledger as storage keeps it. Every write transaction that changes something the
// ledger protects appends one entry: the subjects it changed with the digests of their new content, chained by
// SHA-256 to the entry before and signed with the database's ed25519 key (engine/ledger/). Verifying (engine/ledger/
// verify.hpp) walks the entries and compares the latest digest of every subject with what is stored now.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/ledger/canonical.hpp"

namespace entitle {

struct LedgerEntry {
  std::int64_t seq = 0;
  std::string at, actor, items_digest, prev_hash, entry_hash, public_key, signature;
  std::vector<ledger::LedgerItem> items;
};

/// One subject as stored now: its digest, and where an auditor finds it ("table households, rows of entry 12").
struct LedgerState {
  std::string subject, digest, where;
};

/// A stored row whose own content contradicts itself (a household record whose sha256 is not its record_hash): found
/// while reading the state, reported by verify.
struct LedgerAnomaly {
  std::string subject, message;
};

class Ledger {
public:
  virtual ~Ledger() = default;
  /// Who the entries written from now on name (a user, or "entitle import" for a command); kept per connection.
  virtual void set_actor(const std::string& actor) = 0;
  /// Runs `read` on one consistent snapshot of the database (SQLite: one read transaction), so that entries and
  /// state read inside it agree even while a batch or the web server goes on writing.
  virtual void in_snapshot(const std::function<void()>& read) = 0;
  /// Every entry with its items, in sequence order (as stored: verify checks the order).
  virtual void for_each_entry(const std::function<void(const LedgerEntry&)>& each) = 0;
  /// Every subject the ledger protects as it is stored now; `anomaly` gets rows that contradict themselves.
  virtual void for_each_state(const std::function<void(const LedgerState&)>& each,
                              const std::function<void(const LedgerAnomaly&)>& anomaly) = 0;
  /// The public key (hex) this database signs with, and the file its key pair is kept in. A database opened to audit
  /// reads the key file and never creates one (a missing file is a StorageError).
  virtual std::string public_key() = 0;
  virtual std::string key_file() const = 0;
};

/// The actor of the entry that starts the ledger of a database that held content before it (schema 4): it records
/// everything stored at that moment, which verify reports as a notice (changes made before it are beyond the ledger).
inline const std::string kGenesisActor = "entitle (schema 4: the ledger begins with everything stored before it)";

/// Who the entries of a connection name until set_actor is called: set once by the command line, e.g.
/// "cli:import (root@host)". Defaults to "entitle".
void set_process_actor(const std::string& actor);
std::string process_actor();

}  // namespace entitle
