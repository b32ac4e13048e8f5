#pragma once
// Reading a JSON request body into typed values, with the limits every input has: content type,
// nesting depth, field types and lengths. Every failure is kInvalidArgument naming the field.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/result.hpp"
#include "node/http/api_types.hpp"

namespace simpul::api {

inline constexpr int kMaxJsonDepth = 16;
// Values (scalars, arrays and objects) in one body: a complaint holds about fifty, and a parsed
// value costs far more memory than its text, so a body of many tiny values is refused.
inline constexpr std::size_t kMaxJsonValues = 10000;

// Parses the body as a JSON object. Fails when the content type is not application/json, the
// text is not JSON (including invalid UTF-8), it nests deeper than kMaxJsonDepth, holds more than
// kMaxJsonValues values or a NUL character (U+0000) in a string or key, repeats a key, or is not
// an object.
Result<nlohmann::json> ParseJsonObject(const http::ApiRequest& request);

// A string field. Fails when present with another type or longer than `max_bytes`; a missing
// field is kInvalidArgument only when `required`.
Result<std::string> StringField(const nlohmann::json& obj, const char* key, std::size_t max_bytes,
                                bool required);
Result<std::optional<bool>> BoolField(const nlohmann::json& obj, const char* key);
Result<std::optional<double>> NumberField(const nlohmann::json& obj, const char* key);

// A query parameter as a bounded integer; `fallback` when absent.
Result<int> IntQuery(const http::ApiRequest& request, const char* key, int fallback, int min,
                     int max);

}  // namespace simpul::api
