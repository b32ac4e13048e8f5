#include "crypto/uuid.hpp"

#include <sodium.h>

#include <array>

#include "crypto/sodium.hpp"

namespace simpul::crypto {
namespace {

constexpr std::int64_t kMaxMillis = (std::int64_t{1} << 48) - 1;
constexpr std::string_view kHexDigits = "0123456789abcdef";
constexpr std::array<std::size_t, 4> kDashPositions = {8, 13, 18, 23};

bool IsDashPosition(std::size_t i) {
  for (std::size_t dash : kDashPositions) {
    if (i == dash) return true;
  }
  return false;
}

}  // namespace

std::string NewUuidV7(std::chrono::system_clock::time_point now) {
  const std::int64_t millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  internal::CheckOrDie(millis >= 0 && millis <= kMaxMillis, "NewUuidV7: time out of range");
  internal::EnsureSodium();

  std::array<std::uint8_t, 16> b;
  randombytes_buf(b.data(), b.size());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(millis >> (8 * (5 - i)));
  b[6] = static_cast<std::uint8_t>(0x70 | (b[6] & 0x0F));  // version 7
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));  // variant 10

  std::string out;
  out.reserve(36);
  for (std::uint8_t byte : b) {
    if (IsDashPosition(out.size())) out.push_back('-');
    out.push_back(kHexDigits[byte >> 4]);
    out.push_back(kHexDigits[byte & 0x0F]);
  }
  return out;
}

std::optional<std::int64_t> UuidV7Millis(std::string_view uuid) {
  if (uuid.size() != 36) return std::nullopt;
  std::array<std::uint8_t, 32> nibbles;
  std::size_t n = 0;
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    if (IsDashPosition(i)) {
      if (uuid[i] != '-') return std::nullopt;
      continue;
    }
    const std::size_t digit = kHexDigits.find(uuid[i]);
    if (digit == std::string_view::npos) return std::nullopt;
    nibbles[n++] = static_cast<std::uint8_t>(digit);
  }
  if (nibbles[12] != 7 || (nibbles[16] & 0xC) != 0x8) return std::nullopt;
  std::int64_t millis = 0;
  for (std::size_t i = 0; i < 12; ++i) millis = (millis << 4) | nibbles[i];
  return millis;
}

}  // namespace simpul::crypto
