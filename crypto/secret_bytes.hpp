#pragma once
// Owner of secret bytes (keys, seeds, key-file text). The bytes are overwritten with zeros by
// sodium_memzero when the owner is destroyed or assigned to; moving transfers the buffer and leaves
// the source empty. Move-only, so a secret is never copied by accident. Not thread-safe: one owner
// at a time, like std::vector.

#include <cstddef>
#include <cstdint>

#include "crypto/bytes.hpp"

namespace simpul::crypto {

class SecretBytes {
 public:
  SecretBytes() = default;
  // `n` zero bytes, to be filled through data().
  explicit SecretBytes(std::size_t n);
  // A copy of `bytes`. The caller remains responsible for wiping its own copy.
  explicit SecretBytes(ByteView bytes);
  ~SecretBytes();

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  // `n` random bytes from the system CSPRNG.
  static SecretBytes Random(std::size_t n);

  ByteView view() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }

 private:
  void Wipe() noexcept;

  // Never resized after construction, so no reallocation leaves an unwiped copy behind.
  Bytes bytes_;
};

}  // namespace simpul::crypto
