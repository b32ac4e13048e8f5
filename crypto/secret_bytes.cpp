#include "crypto/secret_bytes.hpp"

#include <sodium.h>

#include <utility>

#include "crypto/sodium.hpp"

namespace simpul::crypto {

SecretBytes::SecretBytes(std::size_t n) : bytes_(n) {}

SecretBytes::SecretBytes(ByteView bytes) : bytes_(bytes.begin(), bytes.end()) {}

SecretBytes::~SecretBytes() { Wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

SecretBytes SecretBytes::Random(std::size_t n) {
  internal::EnsureSodium();
  SecretBytes out(n);
  if (n > 0) randombytes_buf(out.data(), out.size());
  return out;
}

void SecretBytes::Wipe() noexcept {
  if (!bytes_.empty()) sodium_memzero(bytes_.data(), bytes_.size());
}

}  // namespace simpul::crypto
