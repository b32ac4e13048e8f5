#pragma once
// A small declarative schema for the JSON objects inside envelopes: the envelope itself and each
// message body. A schema is a constant table of FieldSpec; CheckObject walks a value against it.
//
//   constexpr FieldSpec kDecline[] = {
//       {.name = "reason", .kind = FieldKind::kText, .min = 1, .max = 2000},
//       {.name = "suggested_node", .kind = FieldKind::kToken, .min = 1, .max = 64},
//   };
//   Result<void> ok = CheckObject(body, kDecline);  // "reason: must be 1..2000 bytes"
//
// Objects are closed: a member no spec names is an error, so nothing (personal data especially)
// rides along unchecked. Rules between members (e.g. "no reporter when anonymous") are written
// in code after CheckObject. Values are assumed to satisfy the canonical JSON profile already
// (valid UTF-8, integers within ±(2^53−1)). Thread-safe: functions are pure.

#include <cstdint>
#include <span>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "crypto/result.hpp"

namespace simpul::federation {

// How a member's value is checked. `min` and `max` of FieldSpec bound a string's length in bytes,
// an integer's value, or (kList) the number of elements.
enum class FieldKind {
  kText,       // string of min..max bytes of any UTF-8
  kToken,      // string of min..max visible ASCII bytes (0x21..0x7E): ids, codes, names
  kHex,        // string of min..max lower-case hex digits
  kUuidV7,     // lower-case canonical UUIDv7
  kDate,       // "YYYY-MM-DD", a real calendar date
  kInteger,    // integer in min..max
  kBool,       // true or false
  kObject,     // object whose members `members` describes
  kAnyObject,  // any object; its contents are checked elsewhere
  kList,       // array of min..max elements, each checked against members[0] (whose name is
               // not used), e.g. a list of tokens or of closed objects
};

// One member of an object. Designated initialisers keep tables readable.
struct FieldSpec {
  std::string_view name;
  FieldKind kind = FieldKind::kText;
  bool optional = false;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::span<const FieldSpec> members = {};        // for kObject; for kList its one element
  std::span<const std::string_view> one_of = {};  // for strings: the allowed values, if any
};

// Checks that `value` is an object whose members match `fields`: every non-optional member is
// present, every member present is named by a spec and matches its kind and limits. Fails with
// kInvalidArgument; the message starts with the member's dotted path under `path`, e.g.
// "case.reporter.name: must be a string of 1..120 bytes" or "records[3].region: required".
Result<void> CheckObject(const nlohmann::json& value, std::span<const FieldSpec> fields,
                         std::string_view path = "");

}  // namespace simpul::federation
