#include "node/api/open311_xml.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>

namespace simpul::api {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

[[maybe_unused]] bool IsXmlName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

void AppendElement(std::string& out, std::string_view name, const nlohmann::ordered_json& value,
                   const XmlItemNames& items) {
  assert(IsXmlName(name));
  if (value.is_array()) {
    // An array is the repeated elements of its item name inside an element of its own name.
    auto item = items.find(name);
    assert(item != items.end());
    out += "<" + std::string(name) + ">";
    for (const auto& element : value) AppendElement(out, item->second, element, items);
    out += "</" + std::string(name) + ">";
    return;
  }
  if (value.is_null()) {
    out += "<" + std::string(name) + "/>";
    return;
  }
  out += "<" + std::string(name) + ">";
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) AppendElement(out, key, child, items);
  } else if (value.is_string()) {
    out += EscapeXml(value.get_ref<const std::string&>());
  } else {
    out += value.dump();  // numbers and booleans: the same text as in JSON
  }
  out += "</" + std::string(name) + ">";
}

// The length of the valid UTF-8 sequence that starts at text[i], or 0 when none does (a stray
// continuation byte, a truncated or overlong sequence, a surrogate, a code point past U+10FFFF).
std::size_t Utf8Length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t code = 0, min = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::string EscapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto ch = static_cast<unsigned char>(text[i]);
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
      case '\n':
      case '\r':
        out += static_cast<char>(ch);
        break;
      default: {
        const std::size_t length = ch < 0x20 ? 0 : Utf8Length(text, i);
        const std::string_view sequence = text.substr(i, std::max<std::size_t>(length, 1));
        // U+FFFE and U+FFFF are not XML characters.
        if (length == 0 || sequence == "\xEF\xBF\xBE" || sequence == "\xEF\xBF\xBF") {
          out += kReplacement;
        } else {
          out += sequence;
        }
        i += sequence.size() - 1;
      }
    }
  }
  return out;
}

std::string ToOpen311Xml(const nlohmann::ordered_json& doc, std::string_view root,
                         const XmlItemNames& items) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  AppendElement(out, root, doc, items);
  out += "\n";
  return out;
}

}  // namespace simpul::api
