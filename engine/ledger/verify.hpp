// verify.hpp — `entitle audit verify`: walks the ledger's chain and compares the latest digest of every subject with
// what is stored now, naming the first entry that does not match.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/storage/ledger.hpp"

namespace entitle::ledger {

struct Finding {
  std::int64_t seq = 0;  // the entry concerned; 0: rows the ledger never recorded
  std::string subject;
  std::string message;   // Chinese, with the English in brackets
};

struct VerifyOptions {
  /// Public keys (hex) the auditor keeps apart from the database: when given, an entry signed by any other key is a
  /// finding. Empty: the keys stored with the entries are used, and each key change is reported as a notice.
  std::vector<std::string> trusted_keys;
  /// An entry the auditor wrote down earlier (its number and hash): it must still be there, unchanged.
  std::optional<std::pair<std::int64_t, std::string>> head;
};

struct VerifyReport {
  std::int64_t entries = 0, subjects = 0;
  std::string head_hash;                 // the last entry's hash
  std::int64_t head_seq = 0;             // and its number (as stored: after a gap, not the count of entries)
  std::vector<std::string> keys;         // the public keys that signed entries, in order of first use
  std::vector<std::string> notices;      // not findings: key changes, an unanchored check
  std::vector<Finding> findings;         // sorted by entry, the first first
  bool intact() const { return findings.empty(); }
};

VerifyReport verify(Ledger& ledger, const VerifyOptions& options);

/// The report as people read it (Chinese with English in brackets), one finding per line.
std::string render_report(const VerifyReport& r, const std::string& location);

}  // namespace entitle::ledger
