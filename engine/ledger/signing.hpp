// signing.hpp — the ledger's ed25519 key pair (libsodium): kept in a file beside the case database, never inside it,
// so that whoever can only write the database cannot sign a forged ledger.
#pragma once
#include <string>

namespace entitle::ledger {

class SigningKey {
public:
  /// Reads the key file at `path`, or creates it (mode 0600) with a new key pair when absent. A file that is not a
  /// key is a std::runtime_error naming it.
  static SigningKey load_or_create(const std::string& path);
  /// Reads the key file at `path`; a missing file, one that is not a key, or one that others than its owner may read
  /// (group or other permission bits) is a std::runtime_error naming it.
  static SigningKey load(const std::string& path);
  /// A key pair kept only in memory (a database that has no file of its own).
  static SigningKey ephemeral();

  const std::string& public_hex() const { return public_hex_; }
  const std::string& path() const { return path_; }
  /// The detached signature of `message`, in hex.
  std::string sign(const std::string& message) const;

private:
  std::string secret_;      // 64 bytes: libsodium's secret key (seed and public key)
  std::string public_hex_;  // 64 hex digits
  std::string path_;        // empty when ephemeral
};

/// Whether `signature_hex` is `public_hex`'s ed25519 signature of `message`.
bool signature_valid(const std::string& public_hex, const std::string& message, const std::string& signature_hex);

}  // namespace entitle::ledger
