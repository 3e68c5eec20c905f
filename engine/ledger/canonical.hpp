// canonical.hpp — the ledger's canonical encoding: typed, length-prefixed fields hashed with SHA-256, so the same
// content gives the same digest whichever database stored it, and no two different contents can share an encoding.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace entitle::ledger {

/// Builds the canonical bytes of one row or record: each field is a type tag, then its length and bytes.
class Canon {
public:
  explicit Canon(std::string_view tag) { text(tag); }
  Canon& text(std::string_view s);
  Canon& integer(std::int64_t v);
  Canon& null();
  /// Text, or NULL when `s` is empty (for columns that store an empty value as NULL).
  Canon& text_or_null(std::string_view s) { return s.empty() ? null() : text(s); }
  /// A value of another type than the column should hold (a REAL or a BLOB in a damaged row): tagged apart.
  Canon& other(char type, std::string_view bytes);
  const std::string& bytes() const { return out_; }
  /// Lower-case hex SHA-256 of the bytes.
  std::string digest() const;

private:
  void length(std::uint64_t n);
  std::string out_;
};

/// The digest of a group of rows written together (one transaction's households, one chunk of a run): the row
/// digests sorted, so the group's digest does not depend on the order rows are read back in.
class GroupDigest {
public:
  /// A row's hex digest (kept as its 32 bytes: a million rows take 32 MB).
  void add(const std::string& row_digest);
  std::size_t size() const { return rows_.size(); }
  std::string finish();

private:
  std::vector<std::array<unsigned char, 32>> rows_;
};

/// One thing a ledger entry records: the subject ("run:5", "households@12", "user:li") and the digest of its content.
struct LedgerItem {
  std::string subject, digest;
};

/// The digest of an entry's items (sorted by subject).
std::string items_digest(std::vector<LedgerItem> items);

/// The hash of an entry: its number, time, actor, items digest and the previous entry's hash, so changing, removing,
/// inserting or reordering any entry breaks every hash after it.
std::string entry_hash(std::int64_t seq, const std::string& at, const std::string& actor, const std::string& items_digest,
                       const std::string& prev_hash);

/// The previous hash of entry 1.
inline const std::string kGenesisHash(64, '0');

}  // namespace entitle::ledger
