#include "crypto/random.hpp"

#include <sodium.h>

#include <string_view>

#include "crypto/sodium.hpp"

namespace simpul::crypto {

Bytes RandomBytes(std::size_t n) {
  internal::EnsureSodium();
  Bytes out(n);
  if (n > 0) randombytes_buf(out.data(), out.size());
  return out;
}

std::string RandomToken(std::size_t bytes) { return Base64UrlEncode(RandomBytes(bytes)); }

std::string RandomCode(std::size_t length) {
  constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  static_assert(kAlphabet.size() == 32);
  internal::EnsureSodium();
  std::string out(length, '\0');
  for (char& c : out) c = kAlphabet[randombytes_uniform(kAlphabet.size())];
  return out;
}

}  // namespace simpul::crypto
