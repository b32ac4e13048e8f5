#include "crypto/bytes.hpp"

#include <sodium.h>

#include <algorithm>

namespace simpul::crypto {
namespace {

std::string EncodeBase64(ByteView b, int variant) {
  std::string out(sodium_base64_ENCODED_LEN(b.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), b.data(), b.size(), variant);
  out.resize(out.size() - 1);  // drop the terminating NUL libsodium writes
  return out;
}

Result<Bytes> DecodeBase64(std::string_view text, int variant, const char* name) {
  // libsodium 1.0.18 decodes every byte from 0x80 up as a base64 digit, which would give one value
  // many text forms (a signature, key or root hash could be re-spelled and still verify).
  const auto non_ascii = [](char c) { return static_cast<unsigned char>(c) >= 0x80; };
  if (std::any_of(text.begin(), text.end(), non_ascii)) {
    return Fail(ErrorCode::kInvalidArgument, std::string("malformed ") + name);
  }
  Bytes out(text.size() / 4 * 3 + 3);
  size_t out_len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &out_len, &end,
                        variant) != 0 ||
      end != text.data() + text.size()) {
    return Fail(ErrorCode::kInvalidArgument, std::string("malformed ") + name);
  }
  out.resize(out_len);
  return out;
}

}  // namespace

ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string ToString(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

std::string HexEncode(ByteView b) {
  std::string out(b.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), b.data(), b.size());
  out.resize(out.size() - 1);
  return out;
}

Result<Bytes> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return Fail(ErrorCode::kInvalidArgument, "hex has an odd length");
  if (hex.empty()) return Bytes{};  // libsodium rejects a null output buffer
  Bytes out(hex.size() / 2);
  size_t out_len = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &out_len, &end) !=
          0 ||
      end != hex.data() + hex.size() || out_len != out.size()) {
    return Fail(ErrorCode::kInvalidArgument, "malformed hex");
  }
  return out;
}

std::string Base64Encode(ByteView b) { return EncodeBase64(b, sodium_base64_VARIANT_ORIGINAL); }

Result<Bytes> Base64Decode(std::string_view text) {
  return DecodeBase64(text, sodium_base64_VARIANT_ORIGINAL, "base64");
}

std::string Base64UrlEncode(ByteView b) {
  return EncodeBase64(b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

Result<Bytes> Base64UrlDecode(std::string_view text) {
  return DecodeBase64(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING, "base64url");
}

bool ConstantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace simpul::crypto
