#include "federation/directory.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "crypto/hash.hpp"
#include "tests/federation/directory_test_fixture.hpp"

namespace simpul::federation {
namespace {

using nlohmann::json;
using testing::CoordinatorKey;
using testing::kHour;
using testing::kIssuedAt;
using testing::NextDocument;
using testing::SampleAnchor;
using testing::SampleDocument;
using testing::Sign;
using testing::SignedDirectory;
using testing::StrangerKey;

// Expects `r` to fail with `code` and a message containing `needle`.
template <class T>
void ExpectFailure(const Result<T>& r, ErrorCode code, std::string_view needle) {
  ASSERT_FALSE(r.has_value()) << "expected failure containing: " << needle;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

// Signs the JSON `document` as SignDirectory does, but without validating it.
std::string SignRaw(const json& document, const crypto::Ed25519KeyPair& key) {
  const std::string message =
      std::string(kDirectorySignaturePrefix) + crypto::Canonicalize(document).value();
  const json sig = {{"kid", crypto::KeyId(key.public_key())},
                    {"sig", crypto::Base64Encode(key.Sign(crypto::AsBytes(message)))}};
  return crypto::Canonicalize({{"directory", document}, {"signatures", json::array({sig})}})
      .value();
}

TEST(DirectoryTest, VerifiesWhatTheCoordinatorSigned) {
  const std::string bytes = Sign(SampleDocument());
  Result<Directory> directory = VerifyDirectory(bytes, SampleAnchor(), std::nullopt, kIssuedAt);
  ASSERT_TRUE(directory.has_value()) << directory.error().message;
  EXPECT_EQ(directory->document(), SampleDocument());
  EXPECT_EQ(directory->signed_bytes(), bytes);
  EXPECT_EQ(directory->Etag(), crypto::Sha256Hex(crypto::AsBytes(bytes)));
}

TEST(DirectoryTest, SignatureCoversPrefixAndCanonicalDocument) {
  const json signed_form = json::parse(Sign(SampleDocument()));
  ASSERT_EQ(signed_form["signatures"].size(), 1u);
  const json& signature = signed_form["signatures"][0];
  EXPECT_EQ(signature["kid"], crypto::KeyId(CoordinatorKey().public_key()));
  const std::string message =
      "simpul/v1/directory\n" + crypto::Canonicalize(signed_form["directory"]).value();
  EXPECT_TRUE(
      crypto::Ed25519Verify(CoordinatorKey().public_key(), crypto::AsBytes(message),
                            crypto::Base64Decode(signature["sig"].get<std::string>()).value()));
}

TEST(DirectoryTest, SignDefaultsExpiryTo24HoursAfterIssue) {
  DirectoryDocument doc = SampleDocument();
  doc.expires_at = 0;
  EXPECT_EQ(SignedDirectory(doc).document().expires_at, kIssuedAt + 24 * kHour);
}

TEST(DirectoryTest, SignRejectsInvalidDocumentAndRepeatedKey) {
  DirectoryDocument doc = SampleDocument();
  doc.nodes[1].endpoint = "http://prov32.example";
  ExpectFailure(SignDirectory(doc, CoordinatorKey()), ErrorCode::kInvalidArgument,
                "directory.nodes[1].endpoint");
  const crypto::Ed25519KeyPair* twice[] = {&CoordinatorKey(), &CoordinatorKey()};
  ExpectFailure(SignDirectory(SampleDocument(), twice), ErrorCode::kInvalidArgument, "twice");
}

TEST(DirectoryTest, AcceptsNextChainedVersion) {
  const Directory v1 = SignedDirectory(SampleDocument());
  const DirectoryDocument doc2 = NextDocument(v1);
  Result<Directory> v2 = VerifyDirectory(Sign(doc2), SampleAnchor(), &v1, doc2.issued_at);
  ASSERT_TRUE(v2.has_value()) << v2.error().message;
  EXPECT_EQ(v2->version(), 2);
  EXPECT_EQ(v2->document().prev_hash, v1.Etag());
}

TEST(DirectoryTest, RejectsOversizedInput) {
  const std::string huge(kMaxDirectoryBytes + 1, ' ');
  ExpectFailure(VerifyDirectory(huge, SampleAnchor(), std::nullopt, kIssuedAt),
                ErrorCode::kTooLarge, "over the limit");
}

TEST(DirectoryTest, RejectsNonCanonicalBytes) {
  std::string bytes = Sign(SampleDocument());
  bytes.insert(1, " ");
  ExpectFailure(VerifyDirectory(bytes, SampleAnchor(), std::nullopt, kIssuedAt),
                ErrorCode::kInvalidArgument, "not canonical JSON");
}

TEST(DirectoryTest, RejectsTamperedByte) {
  std::string bytes = Sign(SampleDocument());
  const std::size_t at = bytes.find("Node kab:32.04");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 13] = '5';  // "Node kab:32.05": still canonical, no longer what was signed
  ExpectFailure(VerifyDirectory(bytes, SampleAnchor(), std::nullopt, kIssuedAt),
                ErrorCode::kUnauthenticated, "bad directory signature");
}

TEST(DirectoryTest, RejectsCorruptSignatureByAnchorKey) {
  json signed_form = json::parse(Sign(SampleDocument()));
  crypto::Bytes sig =
      crypto::Base64Decode(signed_form["signatures"][0]["sig"].get<std::string>()).value();
  sig[10] ^= 0x01;
  signed_form["signatures"][0]["sig"] = crypto::Base64Encode(sig);
  const std::string bytes = crypto::Canonicalize(signed_form).value();
  ExpectFailure(VerifyDirectory(bytes, SampleAnchor(), std::nullopt, kIssuedAt),
                ErrorCode::kUnauthenticated, "bad directory signature");
}

TEST(DirectoryTest, RejectsSignatureByKeyOutsideTrustAnchor) {
  ExpectFailure(VerifyDirectory(Sign(SampleDocument(), StrangerKey()), SampleAnchor(), std::nullopt,
                                kIssuedAt),
                ErrorCode::kUnauthenticated, "not signed by any trust-anchor key");
}

TEST(DirectoryTest, AcceptsRotationSignaturesFromOldAndNewKeys) {
  const crypto::Ed25519KeyPair* both[] = {&StrangerKey(), &CoordinatorKey()};
  const std::string bytes = SignDirectory(SampleDocument(), both).value();
  EXPECT_TRUE(VerifyDirectory(bytes, SampleAnchor(), std::nullopt, kIssuedAt).has_value());
  const TrustAnchor rotated =
      MakeTrustAnchor("coord:panrb", "https://panrb.example/", {StrangerKey().public_key()});
  EXPECT_TRUE(VerifyDirectory(bytes, rotated, std::nullopt, kIssuedAt).has_value());
}

TEST(DirectoryTest, RejectsSignedFormWithoutSignatures) {
  json signed_form = json::parse(Sign(SampleDocument()));
  signed_form["signatures"] = json::array();
  ExpectFailure(VerifyDirectory(crypto::Canonicalize(signed_form).value(), SampleAnchor(),
                                std::nullopt, kIssuedAt),
                ErrorCode::kInvalidArgument, "signatures: must not be empty");
}

TEST(DirectoryTest, ChecksDocumentRulesAfterSignature) {
  json document = DirectoryDocumentToJson(SampleDocument());
  document["nodes"][2]["keys"][0]["status"] = "paused";
  ExpectFailure(
      VerifyDirectory(SignRaw(document, CoordinatorKey()), SampleAnchor(), std::nullopt, kIssuedAt),
      ErrorCode::kInvalidArgument, "directory.nodes[2].keys[0].status");
  ExpectFailure(
      VerifyDirectory(SignRaw(document, StrangerKey()), SampleAnchor(), std::nullopt, kIssuedAt),
      ErrorCode::kUnauthenticated, "not signed by any trust-anchor key");
}

TEST(DirectoryTest, RejectsStaleVersion) {
  const Directory v1 = SignedDirectory(SampleDocument());
  const DirectoryDocument doc2 = NextDocument(v1);
  const Directory v2 = VerifyDirectory(Sign(doc2), SampleAnchor(), &v1, doc2.issued_at).value();
  ExpectFailure(VerifyDirectory(v1.signed_bytes(), SampleAnchor(), &v2, doc2.issued_at),
                ErrorCode::kConflict, "stale directory version 1");
}

TEST(DirectoryTest, RejectsReplayedAndConflictingSameVersion) {
  const Directory v1 = SignedDirectory(SampleDocument());
  ExpectFailure(VerifyDirectory(v1.signed_bytes(), SampleAnchor(), &v1, kIssuedAt),
                ErrorCode::kConflict, "replayed directory version 1");
  DirectoryDocument other = SampleDocument();
  other.holidays.push_back("2025-01-01");
  ExpectFailure(VerifyDirectory(Sign(other), SampleAnchor(), &v1, kIssuedAt), ErrorCode::kConflict,
                "conflicting directory version 1");
}

TEST(DirectoryTest, RejectsBrokenChain) {
  const Directory v1 = SignedDirectory(SampleDocument());
  DirectoryDocument doc2 = NextDocument(v1);
  doc2.prev_hash = std::string(64, 'b');
  ExpectFailure(VerifyDirectory(Sign(doc2), SampleAnchor(), &v1, doc2.issued_at),
                ErrorCode::kConflict, "broken directory chain");
}

TEST(DirectoryTest, RejectsVersionGapWithoutChain) {
  const Directory v1 = SignedDirectory(SampleDocument());
  DirectoryDocument doc3 = NextDocument(v1);
  doc3.version = 3;
  ExpectFailure(VerifyDirectory(Sign(doc3), SampleAnchor(), &v1, doc3.issued_at),
                ErrorCode::kConflict, "directory version gap: have 1, got 3");
}

TEST(DirectoryTest, ChainCatchesUpThroughExpiredIntermediateVersions) {
  const Directory v1 = SignedDirectory(SampleDocument());
  const DirectoryDocument doc2 = NextDocument(v1);
  const std::string bytes2 = Sign(doc2);
  const Directory v2 = VerifyDirectory(bytes2, SampleAnchor(), &v1, doc2.issued_at).value();
  const DirectoryDocument doc3 = NextDocument(v2, 30 * kHour);  // v2 has expired by then
  const std::vector<std::string> chain = {bytes2, Sign(doc3)};
  Result<Directory> v3 = VerifyDirectoryChain(chain, SampleAnchor(), v1, doc3.issued_at);
  ASSERT_TRUE(v3.has_value()) << v3.error().message;
  EXPECT_EQ(v3->version(), 3);
  ExpectFailure(VerifyDirectoryChain(chain, SampleAnchor(), v1, doc3.expires_at),
                ErrorCode::kUnauthenticated, "chain element 1: directory version 3 expired");
}

TEST(DirectoryTest, ChainRejectsBrokenLink) {
  const Directory v1 = SignedDirectory(SampleDocument());
  const DirectoryDocument doc2 = NextDocument(v1);
  const Directory v2 = VerifyDirectory(Sign(doc2), SampleAnchor(), &v1, doc2.issued_at).value();
  DirectoryDocument doc3 = NextDocument(v2);
  doc3.prev_hash = v1.Etag();
  const std::vector<std::string> chain = {v2.signed_bytes(), Sign(doc3)};
  ExpectFailure(VerifyDirectoryChain(chain, SampleAnchor(), v1, doc3.issued_at),
                ErrorCode::kConflict, "chain element 1: broken directory chain");
  ExpectFailure(VerifyDirectoryChain({}, SampleAnchor(), v1, doc3.issued_at),
                ErrorCode::kInvalidArgument, "no directory versions");
}

TEST(DirectoryTest, RejectsExpiredDirectory) {
  const DirectoryDocument doc = SampleDocument();
  const std::string bytes = Sign(doc);
  EXPECT_TRUE(VerifyDirectory(bytes, SampleAnchor(), std::nullopt, doc.expires_at - 1));
  ExpectFailure(VerifyDirectory(bytes, SampleAnchor(), std::nullopt, doc.expires_at),
                ErrorCode::kUnauthenticated, "directory version 1 expired");
}

TEST(DirectoryTest, RejectsIssuedAtBeyondClockSkew) {
  const DirectoryDocument doc = SampleDocument();
  const std::string bytes = Sign(doc);
  const std::int64_t earliest = doc.issued_at - doc.policy.allowed_clock_skew_ms;
  EXPECT_TRUE(VerifyDirectory(bytes, SampleAnchor(), std::nullopt, earliest));
  ExpectFailure(VerifyDirectory(bytes, SampleAnchor(), std::nullopt, earliest - 1),
                ErrorCode::kUnauthenticated, "in the future beyond the allowed clock skew");
}

TEST(DirectoryTest, ChecksSignatureBeforeVersion) {
  const Directory v1 = SignedDirectory(SampleDocument());
  ExpectFailure(
      VerifyDirectory(Sign(SampleDocument(), StrangerKey()), SampleAnchor(), &v1, kIssuedAt),
      ErrorCode::kUnauthenticated, "not signed by any trust-anchor key");
}

TEST(DirectoryTest, ReopenSkipsFreshnessButChecksSignature) {
  const Directory v1 = SignedDirectory(SampleDocument());
  Result<Directory> reopened = ReopenDirectory(v1.signed_bytes(), SampleAnchor());
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
  EXPECT_EQ(reopened->Etag(), v1.Etag());
  const TrustAnchor other =
      MakeTrustAnchor("coord:panrb", "https://panrb.example/", {StrangerKey().public_key()});
  ExpectFailure(ReopenDirectory(v1.signed_bytes(), other), ErrorCode::kUnauthenticated,
                "not signed by any trust-anchor key");
}

}  // namespace
}  // namespace simpul::federation
