// canonical.cpp — the ledger's canonical encoding and the digests built on it.
#include "engine/ledger/canonical.hpp"

#include <algorithm>

#include "engine/base/sha256.hpp"

namespace entitle::ledger {

void Canon::length(std::uint64_t n) {
  for (int shift = 56; shift >= 0; shift -= 8) out_ += static_cast<char>((n >> shift) & 0xff);
}

Canon& Canon::text(std::string_view s) {
  out_ += 'T';
  length(s.size());
  out_.append(s.data(), s.size());
  return *this;
}

Canon& Canon::integer(std::int64_t v) {
  out_ += 'I';
  length(static_cast<std::uint64_t>(v));
  return *this;
}

Canon& Canon::null() {
  out_ += 'N';
  return *this;
}

Canon& Canon::other(char type, std::string_view bytes) {
  out_ += 'O';
  out_ += type;
  length(bytes.size());
  out_.append(bytes.data(), bytes.size());
  return *this;
}

std::string Canon::digest() const { return sha256_hex(out_); }

void GroupDigest::add(const std::string& row_digest) {
  std::array<unsigned char, 32> raw{};
  auto nibble = [](char h) { return static_cast<unsigned char>(h <= '9' ? h - '0' : h - 'a' + 10); };
  for (std::size_t i = 0; i < raw.size() && 2 * i + 1 < row_digest.size(); ++i)
    raw[i] = static_cast<unsigned char>(nibble(row_digest[2 * i]) << 4 | nibble(row_digest[2 * i + 1]));
  rows_.push_back(raw);
}

std::string GroupDigest::finish() {
  std::sort(rows_.begin(), rows_.end());
  Canon c("group");
  c.integer(static_cast<std::int64_t>(rows_.size()));
  for (const auto& r : rows_) c.text(std::string_view(reinterpret_cast<const char*>(r.data()), r.size()));
  rows_.clear();
  return c.digest();
}

std::string items_digest(std::vector<LedgerItem> items) {
  std::sort(items.begin(), items.end(), [](const LedgerItem& a, const LedgerItem& b) { return a.subject < b.subject; });
  Canon c("items");
  c.integer(static_cast<std::int64_t>(items.size()));
  for (const LedgerItem& i : items) c.text(i.subject).text(i.digest);
  return c.digest();
}

std::string entry_hash(std::int64_t seq, const std::string& at, const std::string& actor, const std::string& items_digest,
                       const std::string& prev_hash) {
  return Canon("entitle-ledger-v1").integer(seq).text(at).text(actor).text(items_digest).text(prev_hash).digest();
}

}  // namespace entitle::ledger
