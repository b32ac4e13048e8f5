#include "crypto/secretbox.hpp"

#include <sodium.h>

#include <string>
#include <utility>

#include "crypto/key_file.hpp"
#include "crypto/sodium.hpp"

namespace simpul::crypto {
namespace {

constexpr std::string_view kKeyFileHeader = "simpul-secretbox-v1";
constexpr std::size_t kNonceSize = crypto_secretbox_NONCEBYTES;
constexpr std::size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;

static_assert(SecretBoxKey::kSize == crypto_secretbox_KEYBYTES);

}  // namespace

SecretBoxKey::SecretBoxKey(SecretBytes key) : key_(std::move(key)) {}

SecretBoxKey SecretBoxKey::Generate() {
  internal::EnsureSodium();
  SecretBytes key(kSize);
  crypto_secretbox_keygen(key.data());
  return SecretBoxKey(std::move(key));
}

Result<SecretBoxKey> SecretBoxKey::FromBytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return Fail(ErrorCode::kInvalidArgument,
                "secretbox key must be 32 bytes, got " + std::to_string(bytes.size()));
  }
  return SecretBoxKey(SecretBytes(bytes));
}

Bytes SecretBoxSeal(const SecretBoxKey& key, ByteView plaintext) {
  internal::EnsureSodium();
  Bytes sealed(plaintext.size() + kOverhead);
  randombytes_buf(sealed.data(), kNonceSize);
  crypto_secretbox_easy(sealed.data() + kNonceSize, plaintext.data(), plaintext.size(),
                        sealed.data(), key.bytes().data());
  return sealed;
}

Result<Bytes> SecretBoxOpen(const SecretBoxKey& key, ByteView sealed) {
  if (sealed.size() < kOverhead) {
    return Fail(ErrorCode::kInvalidArgument,
                "sealed box too short: " + std::to_string(sealed.size()) + " bytes");
  }
  internal::EnsureSodium();
  Bytes plaintext(sealed.size() - kOverhead);
  const ByteView ciphertext = sealed.subspan(kNonceSize);
  if (crypto_secretbox_open_easy(plaintext.data(), ciphertext.data(), ciphertext.size(),
                                 sealed.data(), key.bytes().data()) != 0) {
    return Fail(ErrorCode::kInvalidArgument, "sealed box failed authentication");
  }
  return plaintext;
}

Result<void> WriteSecretKeyFile(const std::filesystem::path& path, const SecretBoxKey& key) {
  return internal::WriteSecretFile(path, kKeyFileHeader, key.bytes());
}

Result<SecretBoxKey> ReadSecretKeyFile(const std::filesystem::path& path) {
  return internal::ReadSecretFile(path, kKeyFileHeader, SecretBoxKey::kSize)
      .and_then([](const SecretBytes& key) { return SecretBoxKey::FromBytes(key.view()); });
}

}  // namespace simpul::crypto
