#include "crypto/password.hpp"

#include <sodium.h>

#include <array>

#include "crypto/sodium.hpp"

namespace simpul::crypto {
namespace {

using HashBuffer = std::array<char, crypto_pwhash_STRBYTES>;

// Copies `stored_hash` into a NUL-terminated buffer, as libsodium requires. False if it cannot fit.
bool ToHashBuffer(std::string_view stored_hash, HashBuffer& out) {
  if (stored_hash.size() >= out.size()) return false;
  out.fill('\0');
  stored_hash.copy(out.data(), stored_hash.size());
  return true;
}

}  // namespace

PasswordHashCost PasswordHashCost::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordHashCost PasswordHashCost::Minimum() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Result<std::string> HashPassword(std::string_view password, const PasswordHashCost& cost) {
  if (password.empty()) return Fail(ErrorCode::kInvalidArgument, "password is empty");
  if (password.size() > kMaxPasswordBytes) {
    return Fail(ErrorCode::kInvalidArgument, "password is longer than 1024 bytes");
  }
  internal::EnsureSodium();
  HashBuffer out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), cost.ops, cost.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(ErrorCode::kInternal,
                "password hashing failed: out of memory or cost outside libsodium's limits");
  }
  return std::string(out.data());
}

bool VerifyPassword(std::string_view stored_hash, std::string_view password) {
  HashBuffer hash;
  // HashPassword never accepts an empty password, so none can match.
  if (password.empty() || password.size() > kMaxPasswordBytes) return false;
  if (!ToHashBuffer(stored_hash, hash)) return false;
  internal::EnsureSodium();
  return crypto_pwhash_str_verify(hash.data(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view stored_hash, const PasswordHashCost& cost) {
  HashBuffer hash;
  if (!ToHashBuffer(stored_hash, hash)) return true;
  internal::EnsureSodium();
  return crypto_pwhash_argon2id_str_needs_rehash(hash.data(), cost.ops, cost.mem_bytes) != 0;
}

}  // namespace simpul::crypto
