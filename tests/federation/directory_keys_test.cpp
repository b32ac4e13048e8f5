#include <gtest/gtest.h>

#include <string>

#include "crypto/ed25519.hpp"
#include "federation/directory.hpp"
#include "tests/federation/directory_test_fixture.hpp"

namespace simpul::federation {
namespace {

using testing::KeyFromByte;
using testing::kHour;
using testing::kIssuedAt;
using testing::MakeKey;
using testing::SampleDocument;
using testing::SignedDirectory;

constexpr std::int64_t kStart = kIssuedAt - 100 * kHour;  // not_before of the rotated keys
constexpr std::int64_t kEnd = kIssuedAt - 10 * kHour;     // not_after or revoked_at

// kab:32.04's keys after a rotation: 30 active (from the fixture), 31 log, plus 60 next,
// 61 retired at kEnd, 62 revoked at kEnd, 63 valid only from kIssuedAt.
Directory RotatedDirectory() {
  DirectoryDocument doc = SampleDocument();
  NodeEntry& node = doc.nodes[2];
  NodeKey next = MakeKey(KeyFromByte(60), KeyUse::kMessage, KeyStatus::kNext);
  NodeKey retired = MakeKey(KeyFromByte(61), KeyUse::kMessage, KeyStatus::kRetired);
  retired.not_before = kStart;
  retired.not_after = kEnd;
  NodeKey revoked = MakeKey(KeyFromByte(62), KeyUse::kMessage, KeyStatus::kRevoked);
  revoked.not_before = kStart;
  revoked.revoked_at = kEnd;
  NodeKey future = MakeKey(KeyFromByte(63), KeyUse::kMessage);
  future.not_before = kIssuedAt;
  node.keys.insert(node.keys.end(), {next, retired, revoked, future});
  return SignedDirectory(doc);
}

std::string Kid(std::uint8_t seed) { return crypto::KeyId(KeyFromByte(seed).public_key()); }

// Expects KeyFor to return key `seed` of kab:32.04 for messages at `at_ms`.
void ExpectKey(const Directory& d, std::uint8_t seed, std::int64_t at_ms) {
  Result<crypto::Ed25519PublicKey> key = d.KeyFor("kab:32.04", Kid(seed), KeyUse::kMessage, at_ms);
  ASSERT_TRUE(key.has_value()) << key.error().message;
  EXPECT_EQ(*key, KeyFromByte(seed).public_key());
}

// Expects KeyFor to refuse key `seed` of kab:32.04 at `at_ms` with `code` and `needle`.
void ExpectRefused(const Directory& d, std::uint8_t seed, KeyUse use, std::int64_t at_ms,
                   ErrorCode code, std::string_view needle) {
  Result<crypto::Ed25519PublicKey> key = d.KeyFor("kab:32.04", Kid(seed), use, at_ms);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, code) << key.error().message;
  EXPECT_NE(key.error().message.find(needle), std::string::npos) << key.error().message;
}

TEST(DirectoryKeysTest, ActiveAndNextKeysVerify) {
  const Directory d = RotatedDirectory();
  ExpectKey(d, 30, kIssuedAt);
  ExpectKey(d, 60, kIssuedAt);
  Result<crypto::Ed25519PublicKey> log = d.KeyFor("kab:32.04", Kid(31), KeyUse::kLog, kIssuedAt);
  ASSERT_TRUE(log.has_value()) << log.error().message;
  EXPECT_EQ(*log, KeyFromByte(31).public_key());
}

TEST(DirectoryKeysTest, RetiredKeyVerifiesOnlyMessagesBeforeNotAfter) {
  const Directory d = RotatedDirectory();
  ExpectKey(d, 61, kEnd - 1);
  ExpectRefused(d, 61, KeyUse::kMessage, kEnd, ErrorCode::kPermissionDenied, "expired");
}

TEST(DirectoryKeysTest, RevokedKeyNeverVerifiesAtOrAfterRevocation) {
  const Directory d = RotatedDirectory();
  ExpectKey(d, 62, kEnd - 1);
  ExpectRefused(d, 62, KeyUse::kMessage, kEnd, ErrorCode::kPermissionDenied, "revoked");
  ExpectRefused(d, 62, KeyUse::kMessage, kIssuedAt, ErrorCode::kPermissionDenied, "revoked");
}

TEST(DirectoryKeysTest, RespectsNotBeforeLessTheAllowedClockSkew) {
  const Directory d = RotatedDirectory();
  const std::int64_t skew = d.document().policy.allowed_clock_skew_ms;
  ASSERT_GT(skew, 0);
  ExpectRefused(d, 63, KeyUse::kMessage, kIssuedAt - skew - 1, ErrorCode::kPermissionDenied,
                "not yet valid");
  // A signer whose clock runs behind by up to the allowed skew is not refused.
  ExpectKey(d, 63, kIssuedAt - skew);
  ExpectKey(d, 63, kIssuedAt - 1);
  ExpectKey(d, 63, kIssuedAt);
  ExpectRefused(d, 61, KeyUse::kMessage, kStart - skew - 1, ErrorCode::kPermissionDenied,
                "not yet valid");
}

TEST(DirectoryKeysTest, ExpiryAndRevocationGetNoClockSkewLeeway) {
  const Directory d = RotatedDirectory();
  ExpectRefused(d, 61, KeyUse::kMessage, kEnd, ErrorCode::kPermissionDenied, "expired");
  ExpectRefused(d, 62, KeyUse::kMessage, kEnd, ErrorCode::kPermissionDenied, "revoked");
}

TEST(DirectoryKeysTest, RefusesKeyOfOtherUse) {
  const Directory d = RotatedDirectory();
  ExpectRefused(d, 31, KeyUse::kMessage, kIssuedAt, ErrorCode::kPermissionDenied,
                "is a log key, not a msg key");
  ExpectRefused(d, 30, KeyUse::kLog, kIssuedAt, ErrorCode::kPermissionDenied,
                "is a msg key, not a log key");
}

TEST(DirectoryKeysTest, UnknownNodeOrKidIsNotFound) {
  const Directory d = RotatedDirectory();
  Result<crypto::Ed25519PublicKey> node = d.KeyFor("kab:99.01", Kid(30), KeyUse::kMessage, 0);
  ASSERT_FALSE(node.has_value());
  EXPECT_EQ(node.error().code, ErrorCode::kNotFound);
  // Key 40 exists, but belongs to kota:32.73.
  ExpectRefused(d, 40, KeyUse::kMessage, kIssuedAt, ErrorCode::kNotFound, "has no key");
}

TEST(DirectoryKeysTest, FindExpiredAndEtag) {
  const Directory d = RotatedDirectory();
  ASSERT_NE(d.Find("kl:kemenkes"), nullptr);
  EXPECT_EQ(d.Find("kl:kemenkes")->node_class, NodeClass::kMinistry);
  EXPECT_EQ(d.Find("kl:kemenkeu"), nullptr);
  EXPECT_FALSE(d.Expired(d.document().expires_at - 1));
  EXPECT_TRUE(d.Expired(d.document().expires_at));
  EXPECT_EQ(d.Etag().size(), 64u);
  EXPECT_NE(d.Etag(), SignedDirectory(SampleDocument()).Etag());
}

}  // namespace
}  // namespace simpul::federation
