#include "crypto/hash.hpp"

#include <sodium.h>

#include "crypto/sodium.hpp"

namespace simpul::crypto {

Digest32 Sha256(ByteView data) {
  static_assert(sizeof(Digest32) == crypto_hash_sha256_BYTES);
  Digest32 out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

std::string Sha256Hex(ByteView data) { return HexEncode(Sha256(data)); }

Sha256Hasher::Sha256Hasher() : state_(std::make_unique<crypto_hash_sha256_state>()) {
  crypto_hash_sha256_init(state_.get());
}

Sha256Hasher::~Sha256Hasher() = default;
Sha256Hasher::Sha256Hasher(Sha256Hasher&&) noexcept = default;
Sha256Hasher& Sha256Hasher::operator=(Sha256Hasher&&) noexcept = default;

void Sha256Hasher::Update(ByteView data) {
  if (data.empty()) return;  // libsodium rejects a null input pointer here
  crypto_hash_sha256_update(state_.get(), data.data(), data.size());
}

Digest32 Sha256Hasher::Finish() {
  Digest32 out;
  crypto_hash_sha256_final(state_.get(), out.data());
  crypto_hash_sha256_init(state_.get());
  return out;
}

Bytes Blake2b(ByteView data, std::size_t out_len, ByteView key) {
  internal::CheckOrDie(
      out_len >= crypto_generichash_BYTES_MIN && out_len <= crypto_generichash_BYTES_MAX,
      "Blake2b: digest length out of range");
  internal::CheckOrDie(key.empty() || (key.size() >= crypto_generichash_KEYBYTES_MIN &&
                                       key.size() <= crypto_generichash_KEYBYTES_MAX),
                       "Blake2b: key length out of range");
  internal::EnsureSodium();
  Bytes out(out_len);
  crypto_generichash(out.data(), out.size(), data.data(), data.size(),
                     key.empty() ? nullptr : key.data(), key.size());
  return out;
}

}  // namespace simpul::crypto
