#pragma once
// The restricted canonical JSON profile that signed federation documents use (DESIGN §3):
// objects with ASCII keys in bytewise-sorted order, no duplicate keys, integers only and within
// ±(2^53−1), no floats, strictly valid UTF-8, no insignificant whitespace, strings escaped as
// RFC 8785 (JSON.stringify) does. For values of this profile the output equals RFC 8785's.
//
//   Result<std::string> bytes = Canonicalize(envelope);          // sign these
//   Result<nlohmann::json> doc = ParseCanonical(received_bytes);  // before verifying them
//
// Depth counts nested arrays and objects: a scalar has depth 0, {"a":[1]} has depth 2.
// All functions are thread-safe. Error messages name the rule broken and, when known, the place:
// a JSON Pointer (RFC 6901) for value rules, a byte offset for syntax errors.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "crypto/result.hpp"

namespace simpul::crypto {

inline constexpr std::int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 - 1

// Serialises `value` canonically. Fails with kInvalidArgument on a float, an integer beyond
// ±kMaxSafeInteger, a non-ASCII object key, invalid UTF-8 in a string, a binary value, or nesting
// deeper than `max_depth`.
Result<std::string> Canonicalize(const nlohmann::json& value, int max_depth = 32);

// Parses JSON text (any whitespace and key order) while enforcing the profile's value rules.
// Fails with kInvalidArgument on malformed JSON, a float (including 1.0, 1e3 and -0.0), an integer
// beyond ±kMaxSafeInteger, a duplicate key at any depth, a non-ASCII key, invalid UTF-8 (including
// overlong forms and surrogates, raw or escaped), or nesting deeper than `max_depth`.
Result<nlohmann::json> ParseProfileJson(std::string_view text, int max_depth = 32);

// Strict parse for signed bytes: ParseProfileJson, then requires that Canonicalize of the result
// reproduces `text` byte for byte. Fails as ParseProfileJson does, or with kInvalidArgument
// "non-canonical bytes" (naming the first differing offset).
Result<nlohmann::json> ParseCanonical(std::string_view text, int max_depth = 32);

}  // namespace simpul::crypto
