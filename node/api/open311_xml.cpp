#include "node/api/open311_xml.hpp"

#include <cassert>

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
      default:
        if (ch < 0x20) {
          out += kReplacement;
        } else if (ch == 0xEF && i + 2 < text.size() && text[i + 1] == '\xBF' &&
                   (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
          out += kReplacement;  // U+FFFE and U+FFFF are not XML characters
          i += 2;
        } else {
          out += static_cast<char>(ch);
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
