#include "crypto/ed25519.hpp"

#include <sodium.h>

#include <algorithm>
#include <string>
#include <utility>

#include "crypto/hash.hpp"
#include "crypto/key_file.hpp"
#include "crypto/sodium.hpp"

namespace simpul::crypto {
namespace {

constexpr std::string_view kKeyFileHeader = "simpul-ed25519-v1";

static_assert(sizeof(Ed25519PublicKey::bytes) == crypto_sign_PUBLICKEYBYTES);
static_assert(sizeof(Ed25519Signature) == crypto_sign_BYTES);

}  // namespace

Result<Ed25519PublicKey> ParsePublicKey(ByteView bytes) {
  Ed25519PublicKey key;
  if (bytes.size() != key.bytes.size()) {
    return Fail(ErrorCode::kInvalidArgument,
                "Ed25519 public key must be 32 bytes, got " + std::to_string(bytes.size()));
  }
  internal::EnsureSodium();
  if (crypto_core_ed25519_is_valid_point(bytes.data()) != 1) {
    return Fail(ErrorCode::kInvalidArgument, "not a valid Ed25519 public key");
  }
  std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
  return key;
}

Result<Ed25519PublicKey> ParsePublicKeyBase64(std::string_view base64) {
  return Base64Decode(base64).and_then([](const Bytes& raw) { return ParsePublicKey(raw); });
}

Ed25519KeyPair::Ed25519KeyPair(Ed25519PublicKey public_key, SecretBytes secret_key)
    : public_key_(public_key), secret_key_(std::move(secret_key)) {}

Ed25519KeyPair Ed25519KeyPair::Generate() {
  internal::EnsureSodium();
  Ed25519PublicKey public_key;
  SecretBytes secret_key(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(public_key.bytes.data(), secret_key.data());
  return Ed25519KeyPair(public_key, std::move(secret_key));
}

Result<Ed25519KeyPair> Ed25519KeyPair::FromSeed(ByteView seed) {
  if (seed.size() != crypto_sign_SEEDBYTES) {
    return Fail(ErrorCode::kInvalidArgument,
                "Ed25519 seed must be 32 bytes, got " + std::to_string(seed.size()));
  }
  internal::EnsureSodium();
  Ed25519PublicKey public_key;
  SecretBytes secret_key(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(public_key.bytes.data(), secret_key.data(), seed.data());
  return Ed25519KeyPair(public_key, std::move(secret_key));
}

SecretBytes Ed25519KeyPair::Seed() const {
  SecretBytes seed(crypto_sign_SEEDBYTES);
  crypto_sign_ed25519_sk_to_seed(seed.data(), secret_key_.data());
  return seed;
}

Ed25519Signature Ed25519KeyPair::Sign(ByteView message) const {
  Ed25519Signature signature;
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                       secret_key_.data());
  return signature;
}

bool Ed25519Verify(const Ed25519PublicKey& key, ByteView message, ByteView signature) {
  if (signature.size() != crypto_sign_BYTES) return false;
  internal::EnsureSodium();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.bytes.data()) == 0;
}

std::string KeyId(const Ed25519PublicKey& key) {
  const Digest32 digest = Sha256(key.bytes);
  return HexEncode(ByteView(digest).first(8));
}

Result<void> WriteKeyFile(const std::filesystem::path& path, const Ed25519KeyPair& key) {
  return internal::WriteSecretFile(path, kKeyFileHeader, key.Seed().view());
}

Result<Ed25519KeyPair> ReadKeyFile(const std::filesystem::path& path) {
  return internal::ReadSecretFile(path, kKeyFileHeader, crypto_sign_SEEDBYTES)
      .and_then([](const SecretBytes& seed) { return Ed25519KeyPair::FromSeed(seed.view()); });
}

}  // namespace simpul::crypto
