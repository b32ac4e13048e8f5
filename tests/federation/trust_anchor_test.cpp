#include "federation/trust_anchor.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/hash.hpp"
#include "tests/federation/directory_test_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::federation {
namespace {

using simpul::testing::ReadAll;
using simpul::testing::TempDir;
using testing::CoordinatorKey;
using testing::SampleAnchor;
using testing::StrangerKey;

constexpr std::string_view kUrl = "https://panrb.simpul.example/federation/v1/directory";

// Expects parsing `bytes` to fail with `code` and a message containing `needle`.
void ExpectRejected(std::string_view bytes, ErrorCode code, std::string_view needle) {
  Result<TrustAnchor> anchor = ParseTrustAnchor(bytes);
  ASSERT_FALSE(anchor.has_value()) << bytes;
  EXPECT_EQ(anchor.error().code, code) << anchor.error().message;
  EXPECT_NE(anchor.error().message.find(needle), std::string::npos) << anchor.error().message;
}

std::string KeyJson(const crypto::Ed25519PublicKey& key, std::string_view kid) {
  return R"({"kid":")" + std::string(kid) + R"(","public_key":")" +
         crypto::Base64Encode(key.bytes) + R"("})";
}

// A canonical trust anchor with the given fields.
std::string AnchorJson(std::string_view coordinator, std::string_view url, std::string_view keys) {
  return R"({"coordinator":")" + std::string(coordinator) + R"(","directory_url":")" +
         std::string(url) + R"(","keys":[)" + std::string(keys) + "]}";
}

std::string CoordinatorKeyJson() {
  const crypto::Ed25519PublicKey& key = CoordinatorKey().public_key();
  return KeyJson(key, crypto::KeyId(key));
}

TEST(TrustAnchorTest, SerializesToTheDocumentedCanonicalForm) {
  EXPECT_EQ(SerializeTrustAnchor(SampleAnchor()).value(),
            AnchorJson("coord:panrb", kUrl, CoordinatorKeyJson()));
}

TEST(TrustAnchorTest, WriteThenReadRoundTripsAndFingerprintsFileBytes) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "trust_anchor.json";
  ASSERT_TRUE(WriteTrustAnchor(path, SampleAnchor()).has_value());
  Result<TrustAnchor> read = ReadTrustAnchor(path);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(*read, SampleAnchor());
  ASSERT_NE(read->Find(crypto::KeyId(CoordinatorKey().public_key())), nullptr);
  EXPECT_EQ(read->Find(crypto::KeyId(StrangerKey().public_key())), nullptr);
  const std::string bytes = ReadAll(path);
  EXPECT_EQ(bytes, SerializeTrustAnchor(SampleAnchor()).value());
  EXPECT_EQ(TrustAnchorFingerprint(bytes), crypto::Sha256Hex(crypto::AsBytes(bytes)));
}

TEST(TrustAnchorTest, FingerprintIsSha256Hex) {
  EXPECT_EQ(TrustAnchorFingerprint("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TrustAnchorTest, WriteNeverOverwrites) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "trust_anchor.json";
  ASSERT_TRUE(WriteTrustAnchor(path, SampleAnchor()).has_value());
  const TrustAnchor other =
      MakeTrustAnchor("coord:panrb", std::string(kUrl), {StrangerKey().public_key()});
  Result<void> again = WriteTrustAnchor(path, other);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(ReadTrustAnchor(path).value(), SampleAnchor());
}

TEST(TrustAnchorTest, ReadFailsForMissingFile) {
  TempDir dir;
  Result<TrustAnchor> missing = ReadTrustAnchor(dir.path() / "absent.json");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(TrustAnchorTest, RejectsMalformedAnchors) {
  const std::string key = CoordinatorKeyJson();
  const crypto::Ed25519PublicKey& stranger = StrangerKey().public_key();
  ExpectRejected(" " + AnchorJson("coord:panrb", kUrl, key), ErrorCode::kInvalidArgument,
                 "non-canonical");
  ExpectRejected(AnchorJson("kab:32.04", kUrl, key), ErrorCode::kInvalidArgument,
                 "trust_anchor.coordinator");
  ExpectRejected(AnchorJson("coord:panrb", "http://panrb.example/", key),
                 ErrorCode::kInvalidArgument, "trust_anchor.directory_url");
  ExpectRejected(AnchorJson("coord:panrb", kUrl, ""), ErrorCode::kInvalidArgument,
                 "trust_anchor.keys: must hold at least one key");
  ExpectRejected(AnchorJson("coord:panrb", kUrl, KeyJson(stranger, "0123456789abcdef")),
                 ErrorCode::kInvalidArgument, "trust_anchor.keys[0].kid: must be the KeyId");
  ExpectRejected(AnchorJson("coord:panrb", kUrl, key + "," + key), ErrorCode::kInvalidArgument,
                 "trust_anchor.keys[1].kid: duplicate kid");
  ExpectRejected(R"({"coordinator":"coord:panrb","directory_url":")" + std::string(kUrl) +
                     R"(","extra":1,"keys":[)" + key + "]}",
                 ErrorCode::kInvalidArgument, "trust_anchor.extra: unknown field");
  ExpectRejected(std::string(kMaxTrustAnchorBytes + 1, ' '), ErrorCode::kTooLarge, "larger");
}

TEST(TrustAnchorTest, SerializeRejectsInvalidAnchor) {
  TrustAnchor anchor = SampleAnchor();
  anchor.keys.clear();
  Result<std::string> bytes = SerializeTrustAnchor(anchor);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace simpul::federation
