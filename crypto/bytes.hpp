#pragma once
// Byte buffers and their text encodings. All functions are pure and thread-safe.
//
//   Bytes key = RandomBytes(32);
//   std::string text = Base64Encode(key);
//   Result<Bytes> back = Base64Decode(text);  // fails on anything but canonical base64

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.hpp"

namespace simpul::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Views the characters of `s` as bytes; the view lives as long as `s`'s storage.
ByteView AsBytes(std::string_view s);

// Copies `b` into a string, byte for byte.
std::string ToString(ByteView b);

// Lower-case hex, two characters per byte.
std::string HexEncode(ByteView b);

// Decodes hex of either case. Fails with kInvalidArgument on an odd length or a non-hex character.
Result<Bytes> HexDecode(std::string_view hex);

// Standard base64 alphabet with '=' padding (RFC 4648 §4).
std::string Base64Encode(ByteView b);

// Decodes what Base64Encode produces. Fails with kInvalidArgument on whitespace, a wrong alphabet,
// missing or extra padding, or non-zero trailing bits.
Result<Bytes> Base64Decode(std::string_view text);

// URL-safe base64 alphabet without padding (RFC 4648 §5).
std::string Base64UrlEncode(ByteView b);

// Decodes what Base64UrlEncode produces, with the same strictness as Base64Decode; padding is
// rejected.
Result<Bytes> Base64UrlDecode(std::string_view text);

// Compares in time that depends only on the length. False if the lengths differ.
bool ConstantTimeEqual(ByteView a, ByteView b);

}  // namespace simpul::crypto
