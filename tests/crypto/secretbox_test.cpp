#include "crypto/secretbox.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/ed25519.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::crypto {
namespace {

using testing::ModeOf;
using testing::ReadAll;
using testing::TempDir;

constexpr std::size_t kOverhead = 24 + 16;  // nonce + Poly1305 tag

void ExpectRejected(const Result<Bytes>& r, const char* what) {
  ASSERT_FALSE(r.has_value()) << what;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << what;
}

TEST(SecretBoxTest, SealThenOpenRoundTrips) {
  const SecretBoxKey key = SecretBoxKey::Generate();
  const Bytes sealed = SecretBoxSeal(key, AsBytes("nomor telepon 0812"));
  EXPECT_EQ(sealed.size(), 18 + kOverhead);
  EXPECT_EQ(ToString(SecretBoxOpen(key, sealed).value()), "nomor telepon 0812");
  EXPECT_EQ(ToString(sealed).find("telepon"), std::string::npos);
}

TEST(SecretBoxTest, EmptyPlaintextRoundTrips) {
  const SecretBoxKey key = SecretBoxKey::Generate();
  const Bytes sealed = SecretBoxSeal(key, {});
  EXPECT_EQ(sealed.size(), kOverhead);
  EXPECT_TRUE(SecretBoxOpen(key, sealed).value().empty());
}

TEST(SecretBoxTest, EachSealUsesFreshNonce) {
  const SecretBoxKey key = SecretBoxKey::Generate();
  const Bytes a = SecretBoxSeal(key, AsBytes("same"));
  const Bytes b = SecretBoxSeal(key, AsBytes("same"));
  EXPECT_NE(Bytes(a.begin(), a.begin() + 24), Bytes(b.begin(), b.begin() + 24));
  EXPECT_NE(a, b);
}

TEST(SecretBoxTest, OpenRejectsAnyTamperedByte) {
  const SecretBoxKey key = SecretBoxKey::Generate();
  const Bytes sealed = SecretBoxSeal(key, AsBytes("payload"));
  for (std::size_t i = 0; i < sealed.size(); ++i) {  // nonce, tag and ciphertext bytes
    Bytes bad = sealed;
    bad[i] ^= 0x01;
    ExpectRejected(SecretBoxOpen(key, bad), "tampered");
  }
}

TEST(SecretBoxTest, OpenRejectsWrongKey) {
  const Bytes sealed = SecretBoxSeal(SecretBoxKey::Generate(), AsBytes("payload"));
  ExpectRejected(SecretBoxOpen(SecretBoxKey::Generate(), sealed), "wrong key");
}

TEST(SecretBoxTest, OpenRejectsTruncatedAndShortInput) {
  const SecretBoxKey key = SecretBoxKey::Generate();
  const Bytes sealed = SecretBoxSeal(key, AsBytes("payload"));
  ExpectRejected(SecretBoxOpen(key, ByteView(sealed).first(sealed.size() - 1)), "truncated");
  ExpectRejected(SecretBoxOpen(key, ByteView(sealed).first(kOverhead)), "only overhead");
  ExpectRejected(SecretBoxOpen(key, ByteView(sealed).first(kOverhead - 1)), "too short");
  ExpectRejected(SecretBoxOpen(key, Bytes{}), "empty");
}

TEST(SecretBoxTest, KeyFromBytesRequires32Bytes) {
  const Bytes raw(32, 9);
  EXPECT_EQ(ToString(SecretBoxKey::FromBytes(raw).value().bytes()), ToString(raw));
  for (std::size_t n : {0, 16, 31, 33}) {
    const Result<SecretBoxKey> r = SecretBoxKey::FromBytes(Bytes(n, 9));
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(SecretBoxTest, SameKeyBytesOpenEachOthersBoxes) {
  const Bytes raw(32, 3);
  const Bytes sealed = SecretBoxSeal(SecretBoxKey::FromBytes(raw).value(), AsBytes("x"));
  EXPECT_EQ(ToString(SecretBoxOpen(SecretBoxKey::FromBytes(raw).value(), sealed).value()), "x");
}

TEST(SecretBoxTest, KeyFileRoundTripsWithOwnerOnlyMode) {
  TempDir dir;
  const auto path = dir.path() / "data.key";
  const SecretBoxKey key = SecretBoxKey::Generate();
  ASSERT_TRUE(WriteSecretKeyFile(path, key).has_value());
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ReadAll(path), "simpul-secretbox-v1\n" + Base64Encode(key.bytes()) + "\n");
  const Result<SecretBoxKey> read = ReadSecretKeyFile(path);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(ToString(SecretBoxOpen(*read, SecretBoxSeal(key, AsBytes("x"))).value()), "x");
}

TEST(SecretBoxTest, WriteKeyFileNeverOverwrites) {
  TempDir dir;
  const auto path = dir.path() / "data.key";
  ASSERT_TRUE(WriteSecretKeyFile(path, SecretBoxKey::Generate()).has_value());
  const std::string before = ReadAll(path);
  const Result<void> again = WriteSecretKeyFile(path, SecretBoxKey::Generate());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(ReadAll(path), before);
}

TEST(SecretBoxTest, ReadKeyFileRefuses0644) {
  TempDir dir;
  const auto path = dir.path() / "data.key";
  ASSERT_TRUE(WriteSecretKeyFile(path, SecretBoxKey::Generate()).has_value());
  using std::filesystem::perms;
  std::filesystem::permissions(
      path, perms::owner_read | perms::owner_write | perms::group_read | perms::others_read);
  const Result<SecretBoxKey> r = ReadSecretKeyFile(path);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(r.error().message.find("0644"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("chmod 600"), std::string::npos) << r.error().message;
}

TEST(SecretBoxTest, ReadKeyFileRejectsOtherKindsAndMissingFile) {
  TempDir dir;
  const auto signing = dir.path() / "msg.key";
  ASSERT_TRUE(WriteKeyFile(signing, Ed25519KeyPair::Generate()).has_value());
  const Result<SecretBoxKey> wrong_kind = ReadSecretKeyFile(signing);
  ASSERT_FALSE(wrong_kind.has_value());
  EXPECT_EQ(wrong_kind.error().code, ErrorCode::kInvalidArgument);

  const Result<SecretBoxKey> missing = ReadSecretKeyFile(dir.path() / "absent.key");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace simpul::crypto
