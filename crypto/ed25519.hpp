#pragma once
// Ed25519 signatures (RFC 8032, via libsodium) and the node's signing-key files.
//
//   Ed25519KeyPair key = Ed25519KeyPair::Generate();
//   Ed25519Signature sig = key.Sign(message);
//   bool ok = Ed25519Verify(key.public_key(), message, sig);
//
// Free functions are thread-safe. An Ed25519KeyPair may be used from several threads at once
// (Sign is const) but not while it is being moved from.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/result.hpp"
#include "crypto/secret_bytes.hpp"

namespace simpul::crypto {

struct Ed25519PublicKey {
  std::array<std::uint8_t, 32> bytes{};

  bool operator==(const Ed25519PublicKey&) const = default;
};

using Ed25519Signature = std::array<std::uint8_t, 64>;

// Accepts the 32-byte encoding of a public key. Fails with kInvalidArgument on a wrong length or
// on bytes that are not a usable key (non-canonical, small order or outside the prime-order
// subgroup), which no honest key generator produces.
Result<Ed25519PublicKey> ParsePublicKey(ByteView bytes);

// ParsePublicKey of standard padded base64 (the form Base64Encode(key.bytes) produces).
Result<Ed25519PublicKey> ParsePublicKeyBase64(std::string_view base64);

// A signing key: the public key and the secret key, which is wiped when the pair is destroyed.
// Move-only.
class Ed25519KeyPair {
 public:
  // A new key from the system CSPRNG.
  static Ed25519KeyPair Generate();
  // The key RFC 8032 derives from a 32-byte seed. Fails with kInvalidArgument on another length.
  static Result<Ed25519KeyPair> FromSeed(ByteView seed);

  const Ed25519PublicKey& public_key() const { return public_key_; }
  // The 32-byte seed the key derives from, for storing it.
  SecretBytes Seed() const;
  // Deterministic RFC 8032 signature over `message`.
  Ed25519Signature Sign(ByteView message) const;

 private:
  Ed25519KeyPair(Ed25519PublicKey public_key, SecretBytes secret_key);

  Ed25519PublicKey public_key_;
  SecretBytes secret_key_;  // libsodium's 64-byte form: seed || public key
};

// True only if `signature` is a valid 64-byte signature of `message` by `key`. False for any other
// signature length.
bool Ed25519Verify(const Ed25519PublicKey& key, ByteView message, ByteView signature);

// First 8 bytes of SHA-256 of the raw 32-byte key, as 16 lower-case hex characters.
std::string KeyId(const Ed25519PublicKey& key);

// Writes the key's seed as the text "simpul-ed25519-v1\n<base64 of seed>\n" to a new file with mode
// 0600, fsynced. Fails with kConflict if `path` exists (never overwrites), kNotFound if its
// directory does not exist, kPermissionDenied or kInternal on other I/O errors.
Result<void> WriteKeyFile(const std::filesystem::path& path, const Ed25519KeyPair& key);

// Reads a file written by WriteKeyFile. Fails with kNotFound if it is missing, kPermissionDenied
// if group or others have any permission bit (the message says to run chmod 600),
// kInvalidArgument on a bad format, kInternal on other I/O errors.
Result<Ed25519KeyPair> ReadKeyFile(const std::filesystem::path& path);

}  // namespace simpul::crypto
