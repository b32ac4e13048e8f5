#include "federation/envelope_verify.hpp"

#include <map>
#include <optional>
#include <string>
#include <tuple>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/hash.hpp"
#include "crypto/uuid.hpp"

namespace simpul::federation {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr std::int64_t kNowMs = 1750000000000;
constexpr std::int64_t kForever = crypto::kMaxSafeInteger;
const EnvelopeTime kNow{milliseconds(kNowMs)};

// KeyResolver over a table, with the contract's time rules.
class FakeKeyResolver final : public KeyResolver {
 public:
  void Add(std::string node, const crypto::Ed25519PublicKey& key, KeyUse use,
           std::int64_t not_after = kForever, std::optional<std::int64_t> revoked_at = {}) {
    keys_[{node, crypto::KeyId(key), use}] = Entry{key, not_after, revoked_at};
  }

  Result<crypto::Ed25519PublicKey> KeyFor(std::string_view node_id, std::string_view kid,
                                          KeyUse use, std::int64_t at_ms) const override {
    const auto it = keys_.find({std::string(node_id), std::string(kid), use});
    if (it == keys_.end()) return Fail(ErrorCode::kNotFound, "unknown node or kid");
    const Entry& e = it->second;
    if (e.revoked_at && *e.revoked_at <= at_ms) {
      return Fail(ErrorCode::kPermissionDenied, "key revoked");
    }
    if (at_ms >= e.not_after) return Fail(ErrorCode::kPermissionDenied, "key expired");
    return e.key;
  }

 private:
  struct Entry {
    crypto::Ed25519PublicKey key;
    std::int64_t not_after;
    std::optional<std::int64_t> revoked_at;
  };
  std::map<std::tuple<std::string, std::string, KeyUse>, Entry> keys_;
};

class EnvelopeVerifyTest : public ::testing::Test {
 protected:
  EnvelopeVerifyTest() { keys_.Add("kab:32.04", sender_.public_key(), KeyUse::kMessage); }

  VerifyContext Context() const {
    return VerifyContext{
        .keys = keys_, .self_id = "prov:32", .tls_peer_id = "kab:32.04", .now = kNow};
  }

  static json ForwardBody() {
    return json{{"case",
                 {{"tracking_id", "KAB3204-000042"},
                  {"classification", "complaint"},
                  {"category", "infrastruktur.jalan"},
                  {"title", "Jalan rusak di Jl. Merdeka"},
                  {"body", "Lubang besar sejak Januari / tidak diperbaiki."},
                  {"region", "32.04"},
                  {"anonymous", false},
                  {"confidential", false},
                  {"reporter", {{"name", "Siti"}, {"phone", "+6281234567"}}},
                  {"submitted_at", kNowMs - 60000},
                  {"origin", "kab:32.04"}}}};
  }

  static EnvelopeDraft Draft(EnvelopeTime created_at = kNow - milliseconds(1000)) {
    return EnvelopeDraft{.type = MessageType::kCaseForward,
                         .msg_id = crypto::NewUuidV7(created_at),
                         .from = "kab:32.04",
                         .to = "prov:32",
                         .stream = "kab:32.04>prov:32",
                         .seq = 1,
                         .prev = "",
                         .created_at = created_at,
                         .dir_version = 7,
                         .case_id = "KAB3204-000042",
                         .body = ForwardBody().dump()};
  }

  std::string Seal(const EnvelopeDraft& draft) const {
    auto bytes = SealEnvelope(draft, sender_);
    EXPECT_TRUE(bytes) << bytes.error().message;
    return bytes.value_or("");
  }

  // Signs `envelope` as given, refreshing body_hash: for content Seal refuses to make.
  std::string SignAsIs(json envelope) const {
    envelope.erase("sig");
    if (envelope.contains("body")) {
      envelope["body_hash"] =
          crypto::Sha256Hex(crypto::AsBytes(*crypto::Canonicalize(envelope["body"])));
    }
    const std::string signed_bytes = *EnvelopeSignedBytes(*crypto::Canonicalize(envelope));
    envelope["sig"] = crypto::Base64Encode(sender_.Sign(crypto::AsBytes(signed_bytes)));
    return *crypto::Canonicalize(envelope);
  }

  // Asserts that verifying `bytes` fails with `code` and a message starting with `prefix`.
  void ExpectRejected(std::string_view bytes, ErrorCode code, std::string_view prefix,
                      const VerifyContext& ctx) const {
    auto env = VerifyEnvelope(bytes, ctx);
    ASSERT_FALSE(env) << "verified unexpectedly";
    EXPECT_EQ(env.error().code, code) << env.error().message;
    EXPECT_TRUE(env.error().message.starts_with(prefix)) << env.error().message;
  }
  void ExpectRejected(std::string_view bytes, ErrorCode code, std::string_view prefix) const {
    ExpectRejected(bytes, code, prefix, Context());
  }

  crypto::Ed25519KeyPair sender_ = crypto::Ed25519KeyPair::Generate();
  FakeKeyResolver keys_;
};

TEST_F(EnvelopeVerifyTest, SealedEnvelopeVerifies) {
  const EnvelopeDraft draft = Draft();
  const std::string bytes = Seal(draft);
  auto env = VerifyEnvelope(bytes, Context());
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->type, MessageType::kCaseForward);
  EXPECT_EQ(env->msg_id, draft.msg_id);
  EXPECT_EQ(env->from, "kab:32.04");
  EXPECT_EQ(env->to, "prov:32");
  EXPECT_EQ(env->stream, draft.stream);
  EXPECT_EQ(env->seq, 1);
  EXPECT_EQ(env->prev, "");
  EXPECT_EQ(env->created_at, draft.created_at);
  EXPECT_EQ(env->dir_version, 7);
  EXPECT_EQ(env->kid, crypto::KeyId(sender_.public_key()));
  EXPECT_EQ(env->case_id, "KAB3204-000042");
  EXPECT_EQ(env->body, *crypto::Canonicalize(ForwardBody()));
  EXPECT_EQ(env->bytes, bytes);
  EXPECT_EQ(env->hash, *EnvelopeHash(bytes));
}

TEST_F(EnvelopeVerifyTest, RejectsFlippedSignatureBit) {
  json envelope = json::parse(Seal(Draft()));
  crypto::Bytes sig = *crypto::Base64Decode(envelope["sig"].get<std::string>());
  sig[10] ^= 0x01;
  envelope["sig"] = crypto::Base64Encode(sig);
  ExpectRejected(*crypto::Canonicalize(envelope), ErrorCode::kUnauthenticated, "bad signature");
}

TEST_F(EnvelopeVerifyTest, RejectsChangedSignedMember) {
  json envelope = json::parse(Seal(Draft()));
  envelope["dir_version"] = 8;
  ExpectRejected(*crypto::Canonicalize(envelope), ErrorCode::kUnauthenticated, "bad signature");
}

TEST_F(EnvelopeVerifyTest, RejectsSignatureByAnotherKeyOfTheSameKid) {
  json envelope = json::parse(Seal(Draft()));
  const crypto::Ed25519KeyPair other = crypto::Ed25519KeyPair::Generate();
  const std::string signed_bytes = *EnvelopeSignedBytes(*crypto::Canonicalize(envelope));
  envelope["sig"] = crypto::Base64Encode(other.Sign(crypto::AsBytes(signed_bytes)));
  ExpectRejected(*crypto::Canonicalize(envelope), ErrorCode::kUnauthenticated, "bad signature");
}

TEST_F(EnvelopeVerifyTest, RejectsUnknownSender) {
  EnvelopeDraft draft = Draft();
  draft.from = "kota:32.73";
  VerifyContext ctx = Context();
  ctx.tls_peer_id = "kota:32.73";
  ExpectRejected(Seal(draft), ErrorCode::kNotFound, "key: ", ctx);
}

TEST_F(EnvelopeVerifyTest, RejectsLogKeyUsedForMessages) {
  const crypto::Ed25519KeyPair log_key = crypto::Ed25519KeyPair::Generate();
  keys_.Add("kab:32.04", log_key.public_key(), KeyUse::kLog);
  ExpectRejected(*SealEnvelope(Draft(), log_key), ErrorCode::kNotFound, "key: ");
}

TEST_F(EnvelopeVerifyTest, RejectsKeyRevokedBeforeCreatedAt) {
  keys_.Add("kab:32.04", sender_.public_key(), KeyUse::kMessage, kForever, kNowMs - 5000);
  ExpectRejected(Seal(Draft()), ErrorCode::kPermissionDenied, "key: key revoked");
}

TEST_F(EnvelopeVerifyTest, RejectsKeyExpiredAtCreatedAt) {
  keys_.Add("kab:32.04", sender_.public_key(), KeyUse::kMessage, kNowMs - 5000);
  ExpectRejected(Seal(Draft()), ErrorCode::kPermissionDenied, "key: key expired");
}

TEST_F(EnvelopeVerifyTest, RetiredKeyVerifiesEnvelopeCreatedWhileValid) {
  keys_.Add("kab:32.04", sender_.public_key(), KeyUse::kMessage, kNowMs - 5000);
  auto env = VerifyEnvelope(Seal(Draft(kNow - milliseconds(3600000))), Context());
  EXPECT_TRUE(env) << env.error().message;
}

TEST_F(EnvelopeVerifyTest, RejectsEnvelopeForAnotherNode) {
  EnvelopeDraft draft = Draft();
  draft.to = "prov:33";
  ExpectRejected(Seal(draft), ErrorCode::kPermissionDenied, "recipient is not this node");
}

TEST_F(EnvelopeVerifyTest, RejectsSenderOtherThanTlsPeer) {
  VerifyContext ctx = Context();
  ctx.tls_peer_id = "kota:32.73";
  ExpectRejected(Seal(Draft()), ErrorCode::kPermissionDenied, "sender is not the TLS peer", ctx);
}

TEST_F(EnvelopeVerifyTest, RejectsNonCanonicalBytes) {
  const std::string bytes = Seal(Draft());
  nlohmann::ordered_json reordered;
  const json parsed = json::parse(bytes);
  for (auto it = parsed.rbegin(); it != parsed.rend(); ++it) reordered[it.key()] = *it;
  std::string escaped_slash = bytes;
  escaped_slash.replace(escaped_slash.find("Januari /"), 9, "Januari \\/");
  std::string with_float = bytes;
  with_float.replace(with_float.find("\"seq\":1"), 7, "\"seq\":1.0");
  std::string duplicate = bytes;
  duplicate.replace(duplicate.rfind("\"v\":1"), 5, "\"v\":1,\"v\":1");

  ExpectRejected(bytes + " ", ErrorCode::kInvalidArgument, "not canonical");
  ExpectRejected("{ " + bytes.substr(1), ErrorCode::kInvalidArgument, "not canonical");
  ExpectRejected(reordered.dump(), ErrorCode::kInvalidArgument, "not canonical");
  ExpectRejected(escaped_slash, ErrorCode::kInvalidArgument, "not canonical");
  ExpectRejected(with_float, ErrorCode::kInvalidArgument, "parse: ");
  ExpectRejected(duplicate, ErrorCode::kInvalidArgument, "parse: ");
  ExpectRejected(bytes.substr(0, bytes.size() - 1), ErrorCode::kInvalidArgument, "parse: ");
}

TEST_F(EnvelopeVerifyTest, RejectsTamperedBody) {
  json envelope = json::parse(Seal(Draft()));
  envelope["body"]["case"]["title"] = "Jalan bagus";
  ExpectRejected(*crypto::Canonicalize(envelope), ErrorCode::kUnauthenticated,
                 "body_hash mismatch");
}

TEST_F(EnvelopeVerifyTest, ErasedBodyStillVerifies) {
  const std::string bytes = Seal(Draft());
  const std::string erased = *EraseEnvelopeBody(bytes);
  VerifyContext ctx = Context();
  ctx.require_body = false;
  auto env = VerifyEnvelope(erased, ctx);
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_FALSE(env->body.has_value());
  EXPECT_EQ(env->hash, *EnvelopeHash(bytes));
  ExpectRejected(erased, ErrorCode::kInvalidArgument, "fields: body: required");
}

TEST_F(EnvelopeVerifyTest, RejectsOversizeAndOverdeepBytes) {
  ExpectRejected(std::string(kMaxEnvelopeBytes + 1, ' '), ErrorCode::kTooLarge, "limits: ");
  ExpectRejected(std::string(9, '[') + std::string(9, ']'), ErrorCode::kInvalidArgument,
                 "limits: ");
  // A legitimately deep envelope (reporter at depth 4) is within the limit: see round trip.
}

TEST_F(EnvelopeVerifyTest, RejectsBrokenFields) {
  const json good = json::parse(Seal(Draft()));
  const std::pair<std::string, std::string> mutations[] = {
      {R"({"v":2})", "fields: v: unsupported envelope version 2"},
      {R"({"v":"1"})", "fields: v: must be an integer"},
      {R"({"msg_id":5})", "fields: msg_id: must be a string"},
      {R"({"type":"case.delete"})", "fields: type: unknown type"},
      {R"({"seq":0})", "fields: seq: must be an integer"},
      {R"({"prev":"ab"})", "fields: prev: must be \"\" when seq is 1"},
      {R"({"kid":"XYZ"})", "fields: kid: must be lower-case hex"},
      {R"({"refs":{"case_id":"x","extra":1}})", "fields: refs.extra: unknown member"},
      {R"({"extra":true})", "fields: extra: unknown member"},
      {R"({"sig":"AAAA"})", "fields: sig: must be the base64 of 64 bytes"},
      {R"({"body":[]})", "fields: body: must be an object"},
  };
  for (const auto& [patch, prefix] : mutations) {
    SCOPED_TRACE(patch);
    json envelope = good;
    envelope.merge_patch(json::parse(patch));
    const std::string bytes =
        patch.starts_with(R"({"sig")") ? *crypto::Canonicalize(envelope) : SignAsIs(envelope);
    ExpectRejected(bytes, ErrorCode::kInvalidArgument, prefix);
  }
  json missing = good;
  missing.erase("msg_id");
  ExpectRejected(SignAsIs(missing), ErrorCode::kInvalidArgument, "fields: msg_id: required");
}

TEST_F(EnvelopeVerifyTest, RejectsBodyThatBreaksItsSchema) {
  const json good = json::parse(Seal(Draft()));
  const std::pair<std::string, std::string> mutations[] = {
      {R"({"body":{"case":{"title":null}}})", "schema case.forward: case.title: required"},
      {R"({"body":{"case":{"anonymous":"no"}}})", "schema case.forward: case.anonymous: must be"},
      {R"({"body":{"case":{"anonymous":true}}})",
       "schema case.forward: case.reporter: not allowed in an anonymous forward"},
      {R"({"refs":{"case_id":null}})", "schema case.forward: refs.case_id: required"},
  };
  for (const auto& [patch, prefix] : mutations) {
    SCOPED_TRACE(patch);
    json envelope = good;
    envelope.merge_patch(json::parse(patch));
    ExpectRejected(SignAsIs(envelope), ErrorCode::kInvalidArgument, prefix);
  }
}

TEST_F(EnvelopeVerifyTest, AppliesClockSkewOnlyToTheFuture) {
  const milliseconds skew = Context().max_clock_skew;
  EXPECT_TRUE(VerifyEnvelope(Seal(Draft(kNow + skew)), Context()));
  EXPECT_TRUE(VerifyEnvelope(Seal(Draft(kNow - milliseconds(86400000))), Context()));
  ExpectRejected(Seal(Draft(kNow + skew + milliseconds(1))), ErrorCode::kInvalidArgument,
                 "clock skew: ");
  VerifyContext strict = Context();
  strict.max_clock_skew = milliseconds(0);
  ExpectRejected(Seal(Draft(kNow + milliseconds(1))), ErrorCode::kInvalidArgument,
                 "clock skew: ", strict);
}

TEST_F(EnvelopeVerifyTest, ChecksRunInTheDocumentedOrder) {
  EnvelopeDraft draft = Draft(kNow + milliseconds(3600000));  // also too far in the future
  draft.from = "kota:32.73";                                  // also not the peer, no key
  draft.to = "prov:33";                                       // also not for us
  const std::string bytes = Seal(draft);
  VerifyContext ctx = Context();
  ExpectRejected(bytes, ErrorCode::kPermissionDenied, "sender is not the TLS peer", ctx);
  ctx.tls_peer_id = "kota:32.73";
  ExpectRejected(bytes, ErrorCode::kPermissionDenied, "recipient is not this node", ctx);
  ctx.self_id = "prov:33";
  ExpectRejected(bytes, ErrorCode::kInvalidArgument, "clock skew: ", ctx);
  ctx.now = kNow + milliseconds(3600000);
  ExpectRejected(bytes, ErrorCode::kNotFound, "key: ", ctx);
}

}  // namespace
}  // namespace simpul::federation
