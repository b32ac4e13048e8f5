#pragma once
// Authenticated secret-key encryption (XSalsa20-Poly1305, libsodium crypto_secretbox) for data the
// node keeps at rest, and the file holding the node's data key.
//
//   SecretBoxKey key = SecretBoxKey::Generate();
//   Bytes sealed = SecretBoxSeal(key, AsBytes("phone: 0812..."));
//   Result<Bytes> plain = SecretBoxOpen(key, sealed);
//
// All functions are thread-safe; a key may be shared by threads for reading.

#include <cstddef>
#include <filesystem>

#include "crypto/bytes.hpp"
#include "crypto/result.hpp"
#include "crypto/secret_bytes.hpp"

namespace simpul::crypto {

// A 32-byte secretbox key, wiped on destruction. Move-only.
class SecretBoxKey {
 public:
  static constexpr std::size_t kSize = 32;

  // A new key from the system CSPRNG.
  static SecretBoxKey Generate();
  // Copies `bytes`. Fails with kInvalidArgument unless it is exactly 32 bytes.
  static Result<SecretBoxKey> FromBytes(ByteView bytes);

  ByteView bytes() const { return key_.view(); }

 private:
  explicit SecretBoxKey(SecretBytes key);

  SecretBytes key_;
};

// Encrypts and authenticates `plaintext`. Returns a fresh random 24-byte nonce followed by the
// ciphertext and its 16-byte tag (crypto_secretbox_easy), i.e. plaintext.size() + 40 bytes.
Bytes SecretBoxSeal(const SecretBoxKey& key, ByteView plaintext);

// Reverses SecretBoxSeal. Fails with kInvalidArgument if `sealed` is shorter than 40 bytes or does
// not authenticate under `key` (tampered, truncated or another key).
Result<Bytes> SecretBoxOpen(const SecretBoxKey& key, ByteView sealed);

// Writes the key as "simpul-secretbox-v1\n<base64 of key>\n" to a new file with mode 0600,
// fsynced. Fails with kConflict if `path` exists (never overwrites), kNotFound if its directory
// does not exist, kPermissionDenied or kInternal on other I/O errors.
Result<void> WriteSecretKeyFile(const std::filesystem::path& path, const SecretBoxKey& key);

// Reads a file written by WriteSecretKeyFile. Fails with kNotFound if it is missing,
// kPermissionDenied if group or others have any permission bit (the message says to run
// chmod 600), kInvalidArgument on a bad format, kInternal on other I/O errors.
Result<SecretBoxKey> ReadSecretKeyFile(const std::filesystem::path& path);

}  // namespace simpul::crypto
