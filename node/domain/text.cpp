#include "node/domain/text.hpp"

#include <cstddef>
#include <cstdint>

namespace simpul::domain {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes the code point starting at text[i] and advances i past it; kInvalid if malformed.
char32_t DecodeOne(std::string_view text, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  std::uint8_t lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  std::size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    cp = lead & 0x1F;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    cp = lead & 0x0F;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    cp = lead & 0x07;
    min = 0x10000;
  } else {
    return kInvalid;
  }
  if (text.size() - i < length) return kInvalid;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return kInvalid;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
  i += length;
  return cp;
}

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (DecodeOne(text, i) == kInvalid) return false;
  }
  return true;
}

bool IsCleanText(std::string_view text, std::string_view allowed_controls) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = DecodeOne(text, i);
    if (cp == kInvalid) return false;
    if (!IsControl(cp)) continue;
    if (cp == 0 || cp > 0x7F) return false;
    if (allowed_controls.find(static_cast<char>(cp)) == std::string_view::npos) return false;
  }
  return true;
}

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace simpul::domain
