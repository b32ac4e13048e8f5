#include "federation/envelope_format.hpp"

#include <algorithm>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "crypto/hash.hpp"
#include "federation/envelope.hpp"
#include "federation/envelope_schema.hpp"
#include "federation/message_types.hpp"

namespace simpul::federation {
namespace {

using nlohmann::json;
using K = FieldKind;

constexpr std::int64_t kMax = crypto::kMaxSafeInteger;
constexpr std::size_t kSignatureBytes = 64;

constexpr FieldSpec kRefs[] = {
    {.name = "case_id", .kind = K::kToken, .optional = true, .min = 1, .max = 128}};

// Every member of an envelope; "body" is made required in code when the caller needs it.
constexpr FieldSpec kEnvelope[] = {
    {.name = "v", .kind = K::kInteger, .min = kEnvelopeVersion, .max = kEnvelopeVersion},
    {.name = "type", .kind = K::kToken, .min = 1, .max = 32},
    {.name = "msg_id", .kind = K::kUuidV7},
    {.name = "from", .kind = K::kToken, .min = 1, .max = 64},
    {.name = "to", .kind = K::kToken, .min = 1, .max = 64},
    {.name = "stream", .kind = K::kToken, .min = 1, .max = 128},
    {.name = "seq", .kind = K::kInteger, .min = 1, .max = kMax},
    {.name = "prev", .kind = K::kHex, .min = 0, .max = 64},
    {.name = "created_at", .kind = K::kInteger, .min = 0, .max = kMax},
    {.name = "dir_version", .kind = K::kInteger, .min = 1, .max = kMax},
    {.name = "kid", .kind = K::kHex, .min = 16, .max = 16},
    {.name = "refs", .kind = K::kObject, .members = kRefs},
    {.name = "body_hash", .kind = K::kHex, .min = 64, .max = 64},
    {.name = "body", .kind = K::kAnyObject, .optional = true},
    {.name = "sig", .kind = K::kToken, .min = 1, .max = 128},
};

tl::unexpected<Error> Invalid(std::string_view check, const std::string& detail) {
  return Fail(ErrorCode::kInvalidArgument, std::string(check) + ": " + detail);
}

// The deepest nesting of arrays and objects in JSON text, counted without parsing it.
int NestingDepth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

// `envelope` without the members named in `dropped`; copies only what it keeps.
json Without(const json& envelope, std::initializer_list<std::string_view> dropped) {
  json kept = json::object();
  for (auto it = envelope.begin(); it != envelope.end(); ++it) {
    if (std::find(dropped.begin(), dropped.end(), it.key()) == dropped.end()) {
      kept[it.key()] = *it;
    }
  }
  return kept;
}

// The rules between envelope members that the table cannot express.
Result<void> CheckEnvelopeRules(const json& envelope, bool require_body) {
  const auto& type = envelope.at("type").get_ref<const std::string&>();
  if (!ParseMessageType(type)) return Invalid("fields", "type: unknown type \"" + type + "\"");
  const bool first = envelope.at("seq").get<std::int64_t>() == 1;
  const std::size_t prev_size = envelope.at("prev").get_ref<const std::string&>().size();
  if (first && prev_size != 0) return Invalid("fields", "prev: must be \"\" when seq is 1");
  if (!first && prev_size != 64) return Invalid("fields", "prev: must be 64 hex digits");
  const auto sig = crypto::Base64Decode(envelope.at("sig").get_ref<const std::string&>());
  if (!sig || sig->size() != kSignatureBytes) {
    return Invalid("fields", "sig: must be the base64 of 64 bytes");
  }
  if (require_body && !envelope.contains("body")) return Invalid("fields", "body: required");
  return {};
}

}  // namespace

Result<void> CheckEnvelopeLimits(std::string_view bytes) {
  if (bytes.size() > kMaxEnvelopeBytes) {
    return Fail(ErrorCode::kTooLarge, "limits: envelope is " + std::to_string(bytes.size()) +
                                          " bytes, over " + std::to_string(kMaxEnvelopeBytes));
  }
  if (NestingDepth(bytes) > kMaxEnvelopeDepth) {
    return Invalid("limits", "nested deeper than " + std::to_string(kMaxEnvelopeDepth));
  }
  return {};
}

Result<void> CheckEnvelopeFields(const json& envelope, bool require_body) {
  if (!envelope.is_object()) return Invalid("fields", "envelope must be an object");
  const auto v = envelope.find("v");
  if (v != envelope.end() && v->is_number_integer() && *v != kEnvelopeVersion) {
    return Invalid("fields", "v: unsupported envelope version " + v->dump());
  }
  if (auto ok = CheckObject(envelope, kEnvelope); !ok) {
    return Invalid("fields", ok.error().message);
  }
  return CheckEnvelopeRules(envelope, require_body);
}

Result<void> CheckEnvelopeMessage(const json& envelope) {
  const auto& type_name = envelope.at("type").get_ref<const std::string&>();
  const MessageType type = *ParseMessageType(type_name);
  const json& refs = envelope.at("refs");
  const std::string case_id = refs.value("case_id", std::string());
  auto ok = ValidateCaseRef(type, case_id);
  if (ok && envelope.contains("body")) ok = ValidateBody(type, envelope.at("body"), case_id);
  if (!ok) return Invalid("schema " + type_name, ok.error().message);
  return {};
}

Result<std::string> SignedBytesOf(const json& envelope) {
  if (!envelope.is_object()) return Invalid("envelope", "must be an object");
  auto canonical = crypto::Canonicalize(Without(envelope, {"sig", "body"}), kMaxEnvelopeDepth);
  if (!canonical) return tl::unexpected(canonical.error());
  return std::string(kSignatureContext) + *canonical;
}

Result<std::string> BodyHashOf(const json& body) {
  auto canonical = crypto::Canonicalize(body, kMaxEnvelopeDepth);
  if (!canonical) return tl::unexpected(canonical.error());
  return crypto::Sha256Hex(crypto::AsBytes(*canonical));
}

Result<std::string> HashOf(const json& envelope) {
  if (!envelope.is_object()) return Invalid("envelope", "must be an object");
  auto canonical = crypto::Canonicalize(Without(envelope, {"body"}), kMaxEnvelopeDepth);
  if (!canonical) return tl::unexpected(canonical.error());
  return crypto::Sha256Hex(crypto::AsBytes(*canonical));
}

Result<json> ParseEnvelopeObject(std::string_view bytes) {
  auto doc = crypto::ParseCanonical(bytes, kMaxEnvelopeDepth);
  if (!doc) return tl::unexpected(doc.error());
  if (!doc->is_object()) return Invalid("envelope", "must be an object");
  return doc;
}

}  // namespace simpul::federation
