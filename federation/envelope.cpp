#include "federation/envelope.hpp"

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "federation/envelope_format.hpp"

namespace simpul::federation {
namespace {

using nlohmann::json;

// Parses the draft's body text under the profile rules; it must be an object.
Result<json> ParseDraftBody(std::string_view text) {
  auto body = crypto::ParseProfileJson(text, kMaxEnvelopeDepth - 1);
  if (!body) {
    return Fail(ErrorCode::kInvalidArgument, "fields: body: " + body.error().message);
  }
  if (!body->is_object()) return Fail(ErrorCode::kInvalidArgument, "fields: body: not an object");
  return body;
}

// The envelope members of `draft` that the signature covers, without sig and body.
json SignedMembers(const EnvelopeDraft& draft, const crypto::Ed25519KeyPair& key,
                   std::string body_hash) {
  json refs = json::object();
  if (!draft.case_id.empty()) refs["case_id"] = draft.case_id;
  return json{{"v", kEnvelopeVersion},
              {"type", Name(draft.type)},
              {"msg_id", draft.msg_id},
              {"from", draft.from},
              {"to", draft.to},
              {"stream", draft.stream},
              {"seq", draft.seq},
              {"prev", draft.prev},
              {"created_at", draft.created_at.time_since_epoch().count()},
              {"dir_version", draft.dir_version},
              {"kid", crypto::KeyId(key.public_key())},
              {"refs", std::move(refs)},
              {"body_hash", std::move(body_hash)}};
}

// Checks a sealed envelope as a receiver would (without transport, key or signature checks) and
// returns its canonical bytes.
Result<std::string> FinishEnvelope(const json& envelope) {
  if (auto ok = CheckEnvelopeFields(envelope, /*require_body=*/true); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = CheckEnvelopeMessage(envelope); !ok) return tl::unexpected(ok.error());
  auto bytes = crypto::Canonicalize(envelope, kMaxEnvelopeDepth);
  if (!bytes) return Fail(ErrorCode::kInvalidArgument, "fields: " + bytes.error().message);
  if (auto ok = CheckEnvelopeLimits(*bytes); !ok) return tl::unexpected(ok.error());
  return bytes;
}

}  // namespace

Result<std::string> SealEnvelope(const EnvelopeDraft& draft, const crypto::Ed25519KeyPair& key) {
  auto body = ParseDraftBody(draft.body);
  if (!body) return tl::unexpected(body.error());
  auto body_hash = BodyHashOf(*body);
  if (!body_hash) return tl::unexpected(body_hash.error());
  json envelope = SignedMembers(draft, key, std::move(*body_hash));
  auto signed_bytes = SignedBytesOf(envelope);
  if (!signed_bytes) {
    return Fail(ErrorCode::kInvalidArgument, "fields: " + signed_bytes.error().message);
  }
  const crypto::Ed25519Signature sig = key.Sign(crypto::AsBytes(*signed_bytes));
  envelope["sig"] = crypto::Base64Encode(sig);
  envelope["body"] = std::move(*body);
  return FinishEnvelope(envelope);
}

Result<std::string> EnvelopeSignedBytes(std::string_view bytes) {
  auto envelope = ParseEnvelopeObject(bytes);
  if (!envelope) return tl::unexpected(envelope.error());
  return SignedBytesOf(*envelope);
}

Result<std::string> EnvelopeHash(std::string_view bytes) {
  auto envelope = ParseEnvelopeObject(bytes);
  if (!envelope) return tl::unexpected(envelope.error());
  return HashOf(*envelope);
}

Result<std::string> EraseEnvelopeBody(std::string_view bytes) {
  auto envelope = ParseEnvelopeObject(bytes);
  if (!envelope) return tl::unexpected(envelope.error());
  envelope->erase("body");
  return crypto::Canonicalize(*envelope, kMaxEnvelopeDepth);
}

}  // namespace simpul::federation
