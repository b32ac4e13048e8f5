#include "federation/envelope_verify.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/hash.hpp"
#include "federation/envelope_format.hpp"

namespace simpul::federation {
namespace {

using nlohmann::json;

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Checks 2 and 3: a profile-valid parse whose canonical form is `bytes` itself.
Result<json> ParseStrict(std::string_view bytes) {
  auto doc = crypto::ParseProfileJson(bytes, kMaxEnvelopeDepth);
  if (!doc) return Fail(ErrorCode::kInvalidArgument, "parse: " + doc.error().message);
  auto canonical = crypto::Canonicalize(*doc, kMaxEnvelopeDepth);
  if (!canonical) return Fail(ErrorCode::kInvalidArgument, "parse: " + canonical.error().message);
  if (*canonical != bytes) {
    const auto differ =
        std::mismatch(canonical->begin(), canonical->end(), bytes.begin(), bytes.end()).first;
    return Fail(ErrorCode::kInvalidArgument,
                "not canonical: differs from the canonical form at byte " +
                    std::to_string(differ - canonical->begin()));
  }
  return doc;
}

// Copies the members of an envelope that passed CheckEnvelopeFields.
VerifiedEnvelope ReadEnvelope(const json& doc, std::string_view bytes) {
  VerifiedEnvelope env;
  env.type = *ParseMessageType(doc.at("type").get<std::string>());
  env.msg_id = doc.at("msg_id").get<std::string>();
  env.from = doc.at("from").get<std::string>();
  env.to = doc.at("to").get<std::string>();
  env.stream = doc.at("stream").get<std::string>();
  env.seq = doc.at("seq").get<std::int64_t>();
  env.prev = doc.at("prev").get<std::string>();
  env.created_at =
      EnvelopeTime(std::chrono::milliseconds(doc.at("created_at").get<std::int64_t>()));
  env.dir_version = doc.at("dir_version").get<std::int64_t>();
  env.kid = doc.at("kid").get<std::string>();
  env.case_id = doc.at("refs").value("case_id", std::string());
  env.body_hash = doc.at("body_hash").get<std::string>();
  env.bytes = std::string(bytes);
  return env;
}

// Checks 5 to 7: the envelope came from the authenticated peer, for us, not from the future.
Result<void> CheckTransport(const VerifiedEnvelope& env, const VerifyContext& ctx) {
  if (env.from != ctx.tls_peer_id) {
    return Fail(ErrorCode::kPermissionDenied, "sender is not the TLS peer: from " +
                                                  Quoted(env.from) + ", peer " +
                                                  Quoted(ctx.tls_peer_id));
  }
  if (env.to != ctx.self_id) {
    return Fail(ErrorCode::kPermissionDenied, "recipient is not this node: to " + Quoted(env.to) +
                                                  ", self " + Quoted(ctx.self_id));
  }
  if (env.created_at > ctx.now + ctx.max_clock_skew) {
    const auto ahead = env.created_at - ctx.now;
    return Fail(ErrorCode::kInvalidArgument,
                "clock skew: created_at is " + std::to_string(ahead.count()) +
                    " ms ahead of this node's clock; allowed " +
                    std::to_string(ctx.max_clock_skew.count()) + " ms");
  }
  return {};
}

// Checks 8 and 9: the sender's key at created_at signed the envelope.
Result<void> CheckSignature(const json& doc, const VerifiedEnvelope& env,
                            const VerifyContext& ctx) {
  auto key = ctx.keys.KeyFor(env.from, env.kid, KeyUse::kMessage,
                             env.created_at.time_since_epoch().count());
  if (!key) return Fail(key.error().code, "key: " + key.error().message);
  auto signed_bytes = SignedBytesOf(doc);
  if (!signed_bytes) return tl::unexpected(signed_bytes.error());
  // CheckEnvelopeFields made sure sig is the base64 of 64 bytes.
  const auto sig = crypto::Base64Decode(doc.at("sig").get<std::string>());
  if (!sig || !crypto::Ed25519Verify(*key, crypto::AsBytes(*signed_bytes), *sig)) {
    return Fail(ErrorCode::kUnauthenticated, "bad signature");
  }
  return {};
}

// Check 10: the body, if not erased, is the one body_hash names.
Result<void> CheckBodyHash(const json& doc, VerifiedEnvelope& env) {
  const auto body = doc.find("body");
  if (body == doc.end()) return {};
  auto canonical = crypto::Canonicalize(*body, kMaxEnvelopeDepth);
  if (!canonical) return tl::unexpected(canonical.error());
  if (crypto::Sha256Hex(crypto::AsBytes(*canonical)) != env.body_hash) {
    return Fail(ErrorCode::kUnauthenticated, "body_hash mismatch: the body is not the signed one");
  }
  env.body = std::move(*canonical);
  return {};
}

}  // namespace

Result<VerifiedEnvelope> VerifyEnvelope(std::string_view bytes, const VerifyContext& ctx) {
  if (auto ok = CheckEnvelopeLimits(bytes); !ok) return tl::unexpected(ok.error());
  auto doc = ParseStrict(bytes);
  if (!doc) return tl::unexpected(doc.error());
  if (auto ok = CheckEnvelopeFields(*doc, ctx.require_body); !ok) {
    return tl::unexpected(ok.error());
  }
  VerifiedEnvelope env = ReadEnvelope(*doc, bytes);
  if (auto ok = CheckTransport(env, ctx); !ok) return tl::unexpected(ok.error());
  if (auto ok = CheckSignature(*doc, env, ctx); !ok) return tl::unexpected(ok.error());
  if (auto ok = CheckBodyHash(*doc, env); !ok) return tl::unexpected(ok.error());
  if (auto ok = CheckEnvelopeMessage(*doc); !ok) return tl::unexpected(ok.error());
  auto hash = HashOf(*doc);
  if (!hash) return tl::unexpected(hash.error());
  env.hash = std::move(*hash);
  return env;
}

}  // namespace simpul::federation
