#include "federation/envelope.hpp"

#include <numeric>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/hash.hpp"

namespace simpul::federation {
namespace {

using nlohmann::json;

// Seed 00 01 02 ... 1f, so the golden values below can be recomputed with any Ed25519 library.
crypto::Ed25519KeyPair GoldenKey() {
  crypto::Bytes seed(32);
  std::iota(seed.begin(), seed.end(), 0);
  return *crypto::Ed25519KeyPair::FromSeed(seed);
}

constexpr std::string_view kPrev =
    "abababababababababababababababababababababababababababababababab";

EnvelopeDraft GoldenDraft() {
  return EnvelopeDraft{.type = MessageType::kCaseDecline,
                       .msg_id = "0190f3c4-5a6b-7c8d-9e0f-1a2b3c4d5e6f",
                       .from = "kab:32.04",
                       .to = "prov:32",
                       .stream = "kab:32.04>prov:32",
                       .seq = 2,
                       .prev = std::string(kPrev),
                       .created_at = EnvelopeTime(std::chrono::milliseconds(1720000000000)),
                       .dir_version = 3,
                       .case_id = "KAB3204-000042",
                       .body = R"({ "suggested_node": "kl:pupr", "reason": "bukan wewenang" })"};
}

// Computed independently with Python's `cryptography` and `hashlib` (sorted keys, no spaces).
constexpr std::string_view kGoldenHeader =
    R"({"body_hash":"186c2a21d70a7020f646535128343088503036b4af178ec745e3e3c532d8e413",)"
    R"("created_at":1720000000000,"dir_version":3,"from":"kab:32.04","kid":"56475aa75463474c",)"
    R"("msg_id":"0190f3c4-5a6b-7c8d-9e0f-1a2b3c4d5e6f",)"
    R"("prev":"abababababababababababababababababababababababababababababababab",)"
    R"("refs":{"case_id":"KAB3204-000042"},"seq":2,"stream":"kab:32.04>prov:32","to":"prov:32",)"
    R"("type":"case.decline","v":1})";
constexpr std::string_view kGoldenEnvelope =
    R"({"body":{"reason":"bukan wewenang","suggested_node":"kl:pupr"},)"
    R"("body_hash":"186c2a21d70a7020f646535128343088503036b4af178ec745e3e3c532d8e413",)"
    R"("created_at":1720000000000,"dir_version":3,"from":"kab:32.04","kid":"56475aa75463474c",)"
    R"("msg_id":"0190f3c4-5a6b-7c8d-9e0f-1a2b3c4d5e6f",)"
    R"("prev":"abababababababababababababababababababababababababababababababab",)"
    R"("refs":{"case_id":"KAB3204-000042"},"seq":2,)"
    R"("sig":"zzX2Q8ncq9EoafPldKVuDVwV8hkTf3B/g3Qbv/bDIsJ2YkthP0n96sU9thOKqhbFjjpcdjOmruEywRmfpkRhCw==",)"
    R"("stream":"kab:32.04>prov:32","to":"prov:32","type":"case.decline","v":1})";
constexpr std::string_view kGoldenHash =
    "713534f5d283d2260f3ee49b8362058e1a8440db88c6141e398574c0dc781643";

TEST(EnvelopeTest, SealProducesTheGoldenBytes) {
  auto bytes = SealEnvelope(GoldenDraft(), GoldenKey());
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, kGoldenEnvelope);
}

TEST(EnvelopeTest, SignedBytesExcludeBodyAndSig) {
  auto signed_bytes = EnvelopeSignedBytes(kGoldenEnvelope);
  ASSERT_TRUE(signed_bytes) << signed_bytes.error().message;
  EXPECT_EQ(*signed_bytes, std::string("simpul/v1/envelope\n") + std::string(kGoldenHeader));

  const json envelope = json::parse(kGoldenEnvelope);
  const auto sig = crypto::Base64Decode(envelope.at("sig").get<std::string>());
  ASSERT_TRUE(sig);
  EXPECT_TRUE(
      crypto::Ed25519Verify(GoldenKey().public_key(), crypto::AsBytes(*signed_bytes), *sig));
}

TEST(EnvelopeTest, BodyHashIsSha256OfCanonicalBody) {
  const json envelope = json::parse(kGoldenEnvelope);
  const std::string body = *crypto::Canonicalize(envelope.at("body"));
  EXPECT_EQ(envelope.at("body_hash"), crypto::Sha256Hex(crypto::AsBytes(body)));
}

TEST(EnvelopeTest, HashIsSha256OfEnvelopeWithoutBody) {
  auto hash = EnvelopeHash(kGoldenEnvelope);
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_EQ(*hash, kGoldenHash);
}

TEST(EnvelopeTest, ErasingTheBodyKeepsEverythingElseAndTheHash) {
  auto erased = EraseEnvelopeBody(kGoldenEnvelope);
  ASSERT_TRUE(erased) << erased.error().message;
  json expected = json::parse(kGoldenEnvelope);
  expected.erase("body");
  EXPECT_EQ(*erased, *crypto::Canonicalize(expected));
  EXPECT_EQ(*EnvelopeHash(*erased), kGoldenHash);
  EXPECT_EQ(*EnvelopeSignedBytes(*erased), *EnvelopeSignedBytes(kGoldenEnvelope));
}

TEST(EnvelopeTest, HashChangesWithTheSignature) {
  json other = json::parse(kGoldenEnvelope);
  other["sig"] = crypto::Base64Encode(crypto::Bytes(64, 0));
  EXPECT_NE(*EnvelopeHash(*crypto::Canonicalize(other)), kGoldenHash);
}

TEST(EnvelopeTest, HelpersRejectNonCanonicalBytes) {
  const std::string spaced = " " + std::string(kGoldenEnvelope);
  EXPECT_EQ(EnvelopeHash(spaced).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(EraseEnvelopeBody(spaced).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(EnvelopeSignedBytes(spaced).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(EnvelopeHash("[1]"));
}

TEST(EnvelopeTest, SealOmitsRefsCaseIdWhenEmpty) {
  EnvelopeDraft draft = GoldenDraft();
  draft.type = MessageType::kStreamSkip;
  draft.case_id = "";
  draft.body = R"({"skipped_seq":1,"reason":"never applicable"})";
  auto bytes = SealEnvelope(draft, GoldenKey());
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(json::parse(*bytes).at("refs"), json::object());
}

// Each draft breaks one rule a receiver checks; Seal must refuse to produce it.
TEST(EnvelopeTest, SealRejectsWhatAReceiverWould) {
  struct Case {
    std::string name;
    void (*mutate)(EnvelopeDraft&);
    std::string message_prefix;
  };
  const Case cases[] = {
      {"bad msg_id", [](EnvelopeDraft& d) { d.msg_id = "not-a-uuid"; }, "fields: msg_id"},
      {"seq 0", [](EnvelopeDraft& d) { d.seq = 0; }, "fields: seq"},
      {"prev on seq 1", [](EnvelopeDraft& d) { d.seq = 1; }, "fields: prev"},
      {"no prev on seq 2", [](EnvelopeDraft& d) { d.prev = ""; }, "fields: prev"},
      {"dir_version 0", [](EnvelopeDraft& d) { d.dir_version = 0; }, "fields: dir_version"},
      {"empty to", [](EnvelopeDraft& d) { d.to = ""; }, "fields: to"},
      {"body not json", [](EnvelopeDraft& d) { d.body = "{"; }, "fields: body"},
      {"body an array", [](EnvelopeDraft& d) { d.body = "[]"; }, "fields: body"},
      {"body float", [](EnvelopeDraft& d) { d.body = R"({"reason":1.5})"; }, "fields: body"},
      {"schema", [](EnvelopeDraft& d) { d.body = R"({"reason":"x"})"; },
       "schema case.decline: suggested_node"},
      {"no case id", [](EnvelopeDraft& d) { d.case_id = ""; }, "schema case.decline: refs"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EnvelopeDraft draft = GoldenDraft();
    c.mutate(draft);
    auto bytes = SealEnvelope(draft, GoldenKey());
    ASSERT_FALSE(bytes);
    EXPECT_EQ(bytes.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(bytes.error().message.starts_with(c.message_prefix)) << bytes.error().message;
  }
}

}  // namespace
}  // namespace simpul::federation
