// passwords.hpp — argon2id password hashes and random tokens (libsodium).
#pragma once
#include <string>

namespace entitle {

/// An argon2id hash string of the password (libsodium crypto_pwhash_str, interactive limits), salt included.
std::string hash_password(const std::string& password);
/// Whether the password matches the stored hash string (constant time).
bool verify_password(const std::string& stored_hash, const std::string& password);
/// `bytes` random bytes from the operating system, as lowercase hex.
std::string random_token(std::size_t bytes = 32);

}  // namespace entitle
