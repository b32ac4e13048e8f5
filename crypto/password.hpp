#pragma once
// Password hashing with Argon2id (libsodium crypto_pwhash). Hashes are self-describing PHC strings
// ("$argon2id$v=19$m=...,t=...,p=1$<salt>$<hash>") with a fresh random salt each. Thread-safe;
// each call allocates `mem_bytes` of memory and is deliberately slow.

#include <cstddef>
#include <string>
#include <string_view>

#include "crypto/result.hpp"

namespace simpul::crypto {

inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Argon2id work factors.
struct PasswordHashCost {
  unsigned long long ops;
  std::size_t mem_bytes;

  // libsodium's interactive limits (2 passes, 64 MiB): for logins.
  static PasswordHashCost Interactive();
  // The smallest limits libsodium allows: for tests only.
  static PasswordHashCost Minimum();
};

// Hashes `password` with Argon2id at `cost`. Fails with kInvalidArgument if the password is empty
// or longer than kMaxPasswordBytes, kInternal if the memory cannot be allocated.
Result<std::string> HashPassword(std::string_view password, const PasswordHashCost& cost);

// True only if `stored_hash` is a well-formed Argon2 hash string of `password`. False for a
// malformed hash, a wrong password or an over-long password.
bool VerifyPassword(std::string_view stored_hash, std::string_view password);

// True if `stored_hash` was made with other parameters than `cost` (or is not an Argon2id hash),
// so it should be replaced by HashPassword(password, cost) after the next successful login.
bool PasswordNeedsRehash(std::string_view stored_hash, const PasswordHashCost& cost);

}  // namespace simpul::crypto
