// signing.cpp — creating, reading and using the ledger's ed25519 key pair with libsodium.
#include "engine/ledger/signing.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace entitle::ledger {
namespace {

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, n);
  hex.pop_back();
  return hex;
}

bool from_hex(const std::string& hex, unsigned char* out, std::size_t n) {
  std::size_t len = 0;
  return hex.size() == n * 2 && sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 && len == n;
}

std::string error_text(const std::string& path, const std::string& what) {
  return "账本签名密钥文件 '" + path + "' " + what;
}

}  // namespace

SigningKey SigningKey::ephemeral() {
  ensure_sodium();
  SigningKey k;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  k.secret_.assign(reinterpret_cast<const char*>(sk), sizeof sk);
  k.public_hex_ = to_hex(pk, sizeof pk);
  sodium_memzero(sk, sizeof sk);
  return k;
}

SigningKey SigningKey::load_or_create(const std::string& path) {
  ensure_sodium();
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) {
    // Write a new key to a private temporary file made for it alone (O_EXCL | O_NOFOLLOW: never a file or link planted
    // there), then link it into place: if another process created the key meanwhile, theirs wins and is read below.
    SigningKey fresh = ephemeral();
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    ::unlink(tmp.c_str());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
    if (fd < 0) throw std::runtime_error(error_text(path, std::string("无法创建 (cannot create the ledger key file): ") + std::strerror(errno)));
    std::string line = to_hex(reinterpret_cast<const unsigned char*>(fresh.secret_.data()), fresh.secret_.size()) + "\n";
    bool written = ::fchmod(fd, 0600) == 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                   ::fsync(fd) == 0;
    int saved = errno;
    sodium_memzero(line.data(), line.size());
    ::close(fd);
    if (!written) {
      ::unlink(tmp.c_str());
      throw std::runtime_error(error_text(path, std::string("无法写入 (cannot write the ledger key file): ") + std::strerror(saved)));
    }
    int linked = ::link(tmp.c_str(), path.c_str());
    saved = errno;
    ::unlink(tmp.c_str());
    if (linked != 0 && saved != EEXIST)
      throw std::runtime_error(error_text(path, std::string("无法创建 (cannot create the ledger key file): ") + std::strerror(saved)));
  }
  return load(path);
}

SigningKey SigningKey::load(const std::string& path) {
  ensure_sodium();
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW);
  if (fd < 0)
    throw std::runtime_error(error_text(path, errno == ENOENT ? std::string("不存在 (the ledger key file does not exist)")
                                                              : std::string("无法读取 (cannot read the ledger key file): ") + std::strerror(errno)));
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw std::runtime_error(error_text(path, "不是普通文件 (the ledger key file is not a regular file)"));
  }
  if (st.st_mode & 077) {
    ::close(fd);
    throw std::runtime_error(error_text(path, "的权限过宽，其他用户可读或可写；请运行 chmod 600 '" + path +
                                                  "'，并考虑该密钥是否已泄露 (the ledger key file may be read or written by other users than its "
                                                  "owner: run chmod 600 on it, and consider whether the key has leaked)"));
  }
  char buf[256];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  std::string hex(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  sodium_memzero(buf, sizeof buf);
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  if (!from_hex(hex, sk, sizeof sk))
    throw std::runtime_error(error_text(path, "不是 entitle 的账本密钥 (not an entitle ledger key: expected 128 hex digits)"));
  sodium_memzero(hex.data(), hex.size());
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, sk);
  SigningKey k;
  k.path_ = path;
  k.secret_.assign(reinterpret_cast<const char*>(sk), sizeof sk);
  k.public_hex_ = to_hex(pk, sizeof pk);
  sodium_memzero(sk, sizeof sk);
  return k;
}

std::string SigningKey::sign(const std::string& message) const {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_.data()));
  return to_hex(sig, sizeof sig);
}

bool signature_valid(const std::string& public_hex, const std::string& message, const std::string& signature_hex) {
  ensure_sodium();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
  if (!from_hex(public_hex, pk, sizeof pk) || !from_hex(signature_hex, sig, sizeof sig)) return false;
  return crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(message.data()), message.size(), pk) == 0;
}

}  // namespace entitle::ledger
