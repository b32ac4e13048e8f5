#pragma once
// Cryptographic hashes: SHA-256 (FIPS 180-4) and BLAKE2b (RFC 7693). Free functions are pure and
// thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "crypto/bytes.hpp"

struct crypto_hash_sha256_state;  // libsodium's, kept out of this header

namespace simpul::crypto {

using Digest32 = std::array<std::uint8_t, 32>;

Digest32 Sha256(ByteView data);

// SHA-256 as 64 lower-case hex characters.
std::string Sha256Hex(ByteView data);

// SHA-256 over data fed in pieces, e.g. a file read in blocks. Move-only; a moved-from hasher may
// only be destroyed or assigned to. Not thread-safe.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;

  void Update(ByteView data);
  // Returns the digest of everything fed since construction or the previous Finish, and starts
  // over.
  Digest32 Finish();

 private:
  std::unique_ptr<crypto_hash_sha256_state> state_;
};

// BLAKE2b with an `out_len`-byte digest, keyed if `key` is not empty. Preconditions (aborts if
// broken): 16 <= out_len <= 64; key empty or 16..64 bytes.
Bytes Blake2b(ByteView data, std::size_t out_len = 32, ByteView key = {});

}  // namespace simpul::crypto
