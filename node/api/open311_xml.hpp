#pragma once
// The XML side of the Open311 facade. Every Open311 document is built once as JSON in the shape
// the GeoReport v2 spec gives for its JSON format; ToOpen311Xml derives the spec's XML from it,
// so the two formats cannot drift apart:
//
//   ToOpen311Xml([{"service_code":"a"}], "services", {{"services", "service"}})
//   → <?xml version="1.0" encoding="utf-8"?><services><service><service_code>a</service_code>
//     </service></services>
//
// An object becomes child elements in key order; an array named `k` becomes repeated elements
// named items.at(k) (the root array uses the root's name as its key); null becomes an empty
// element; booleans become true/false. All text is escaped by EscapeXml, the one place where
// that happens. Keys must be XML names ([a-z_][a-z0-9_]*): they come from code, never from input.

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace simpul::api {

using XmlItemNames = std::map<std::string, std::string, std::less<>>;

// `text` as XML character data or attribute content: & < > " ' become entities, and characters
// XML 1.0 cannot carry at all (C0 controls other than tab, line feed and carriage return, and
// U+FFFE/U+FFFF) become U+FFFD, as does each byte that does not start a valid UTF-8 sequence
// (error messages may quote a request's path or query, which need not be UTF-8).
std::string EscapeXml(std::string_view text);

// The document `doc` under a root element named `root`, with the UTF-8 XML declaration.
std::string ToOpen311Xml(const nlohmann::ordered_json& doc, std::string_view root,
                         const XmlItemNames& items);

}  // namespace simpul::api
