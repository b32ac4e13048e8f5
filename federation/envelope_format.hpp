#pragma once
// The envelope's wire rules on a parsed document, shared by SealEnvelope and VerifyEnvelope so a
// node never seals what a peer would reject. Internal to simpul::federation; use envelope.hpp
// and envelope_verify.hpp. Thread-safe: all functions are pure.

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "crypto/result.hpp"

namespace simpul::federation {

// Size and nesting limits on raw bytes, before parsing. Fails with kTooLarge "limits: ..." over
// kMaxEnvelopeBytes, kInvalidArgument "limits: ..." when nested deeper than kMaxEnvelopeDepth.
Result<void> CheckEnvelopeLimits(std::string_view bytes);

// Every envelope member present with its type and format: v == kEnvelopeVersion, a known type,
// prev "" exactly when seq is 1, sig the base64 of 64 bytes, body an object (required only if
// `require_body`), no other members. Fails with kInvalidArgument "fields: <member>: <rule>".
Result<void> CheckEnvelopeFields(const nlohmann::json& envelope, bool require_body);

// The type's rules: refs.case_id presence and, if the body is present, its schema. Requires
// CheckEnvelopeFields to have passed. Fails with kInvalidArgument "schema <type>: ...".
Result<void> CheckEnvelopeMessage(const nlohmann::json& envelope);

// kSignatureContext || canonical(`envelope` without "sig" and "body"). Fails with
// kInvalidArgument if `envelope` is not an object or breaks the canonical profile.
Result<std::string> SignedBytesOf(const nlohmann::json& envelope);

// Hex SHA-256 of canonical(`body`). Fails with kInvalidArgument if `body` breaks the profile.
Result<std::string> BodyHashOf(const nlohmann::json& body);

// EnvelopeHash of a parsed envelope: hex SHA-256 of canonical(`envelope` without "body").
Result<std::string> HashOf(const nlohmann::json& envelope);

// Parses `bytes` as a canonical JSON object within kMaxEnvelopeDepth (no other checks). Fails with
// kInvalidArgument.
Result<nlohmann::json> ParseEnvelopeObject(std::string_view bytes);

}  // namespace simpul::federation
