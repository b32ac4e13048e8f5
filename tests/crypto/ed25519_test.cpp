#include "crypto/ed25519.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/hash.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::crypto {
namespace {

using testing::ModeOf;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteFile;

struct Rfc8032Vector {
  const char* name;
  const char* seed;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 §7.1, TEST 1, 2, 3 and SHA(abc) (whose message is SHA-512("abc")).
const std::vector<Rfc8032Vector> kVectors = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b"
     "46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11"
     "d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc"
     "6594a7c15e9716ed28dc027beceea1ec40a"},
    {"TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3fee"
     "bbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e"
     "0303dca179c138ac17ad9bef1177331a704"},
};

Bytes Hex(const char* hex) { return HexDecode(hex).value(); }

Ed25519KeyPair Test1Key() { return Ed25519KeyPair::FromSeed(Hex(kVectors[0].seed)).value(); }

TEST(Ed25519Test, Rfc8032VectorsDeriveKeyAndSignExactly) {
  for (const Rfc8032Vector& v : kVectors) {
    const Ed25519KeyPair key = Ed25519KeyPair::FromSeed(Hex(v.seed)).value();
    EXPECT_EQ(HexEncode(key.public_key().bytes), v.public_key) << v.name;
    EXPECT_EQ(HexEncode(key.Sign(Hex(v.message))), v.signature) << v.name;
    EXPECT_EQ(HexEncode(key.Seed().view()), v.seed) << v.name;
  }
}

TEST(Ed25519Test, Rfc8032VectorsVerify) {
  for (const Rfc8032Vector& v : kVectors) {
    const Ed25519PublicKey key = ParsePublicKey(Hex(v.public_key)).value();
    EXPECT_TRUE(Ed25519Verify(key, Hex(v.message), Hex(v.signature))) << v.name;
  }
}

TEST(Ed25519Test, VerifyRejectsAnyFlippedSignatureBit) {
  const Rfc8032Vector& v = kVectors[2];
  const Ed25519PublicKey key = ParsePublicKey(Hex(v.public_key)).value();
  const Bytes good = Hex(v.signature);
  for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
    Bytes bad = good;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(Ed25519Verify(key, Hex(v.message), bad)) << "bit " << bit;
  }
}

TEST(Ed25519Test, VerifyRejectsChangedMessageAndWrongKey) {
  const Rfc8032Vector& v = kVectors[2];
  const Ed25519PublicKey key = ParsePublicKey(Hex(v.public_key)).value();
  const Ed25519PublicKey other = ParsePublicKey(Hex(kVectors[1].public_key)).value();
  Bytes message = Hex(v.message);
  EXPECT_FALSE(Ed25519Verify(other, message, Hex(v.signature)));
  message[0] ^= 0x01;
  EXPECT_FALSE(Ed25519Verify(key, message, Hex(v.signature)));
  EXPECT_FALSE(Ed25519Verify(key, Bytes{}, Hex(v.signature)));
}

TEST(Ed25519Test, VerifyRejectsWrongSignatureLength) {
  const Ed25519KeyPair key = Test1Key();
  const Ed25519Signature sig = key.Sign(AsBytes("m"));
  const Bytes exact(sig.begin(), sig.end());
  EXPECT_TRUE(Ed25519Verify(key.public_key(), AsBytes("m"), exact));
  EXPECT_FALSE(Ed25519Verify(key.public_key(), AsBytes("m"), ByteView(exact).first(63)));
  Bytes longer = exact;
  longer.push_back(0);
  EXPECT_FALSE(Ed25519Verify(key.public_key(), AsBytes("m"), longer));
  EXPECT_FALSE(Ed25519Verify(key.public_key(), AsBytes("m"), Bytes{}));
}

TEST(Ed25519Test, GeneratedKeysSignAndDiffer) {
  const Ed25519KeyPair a = Ed25519KeyPair::Generate();
  const Ed25519KeyPair b = Ed25519KeyPair::Generate();
  EXPECT_NE(a.public_key(), b.public_key());
  const Ed25519Signature sig = a.Sign(AsBytes("hello"));
  EXPECT_TRUE(Ed25519Verify(a.public_key(), AsBytes("hello"), sig));
  EXPECT_FALSE(Ed25519Verify(b.public_key(), AsBytes("hello"), sig));
}

TEST(Ed25519Test, FromSeedRejectsWrongLength) {
  for (std::size_t n : {0, 31, 33, 64}) {
    const Result<Ed25519KeyPair> r = Ed25519KeyPair::FromSeed(Bytes(n, 1));
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(Ed25519Test, ParsePublicKeyRejectsWrongLengthAndWeakPoints) {
  EXPECT_FALSE(ParsePublicKey(Bytes(31, 1)).has_value());
  EXPECT_FALSE(ParsePublicKey(Bytes(33, 1)).has_value());
  Bytes identity(32, 0);  // the neutral point (0, 1): small order, forgeable
  identity[0] = 1;
  const Result<Ed25519PublicKey> r = ParsePublicKey(identity);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(Ed25519Test, PublicKeyBase64RoundTrips) {
  const Ed25519KeyPair key = Test1Key();
  const std::string text = Base64Encode(key.public_key().bytes);
  EXPECT_EQ(text, "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  EXPECT_EQ(ParsePublicKeyBase64(text).value(), key.public_key());
  EXPECT_FALSE(ParsePublicKeyBase64("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo").has_value());
}

TEST(Ed25519Test, KeyIdIsFirstEightBytesOfSha256InHex) {
  const Ed25519KeyPair key = Test1Key();
  EXPECT_EQ(KeyId(key.public_key()), "21fe31dfa154a261");
  EXPECT_EQ(KeyId(key.public_key()), Sha256Hex(key.public_key().bytes).substr(0, 16));
}

TEST(Ed25519Test, KeyFileRoundTripsWithOwnerOnlyMode) {
  TempDir dir;
  const auto path = dir.path() / "msg.key";
  const Ed25519KeyPair key = Test1Key();
  ASSERT_TRUE(WriteKeyFile(path, key).has_value());
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ReadAll(path), "simpul-ed25519-v1\n" + Base64Encode(Hex(kVectors[0].seed)) + "\n");
  const Result<Ed25519KeyPair> read = ReadKeyFile(path);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(read->public_key(), key.public_key());
}

TEST(Ed25519Test, WriteKeyFileNeverOverwrites) {
  TempDir dir;
  const auto path = dir.path() / "msg.key";
  ASSERT_TRUE(WriteKeyFile(path, Test1Key()).has_value());
  const std::string before = ReadAll(path);
  const Result<void> again = WriteKeyFile(path, Ed25519KeyPair::Generate());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(ReadAll(path), before);
}

TEST(Ed25519Test, WriteKeyFileIntoMissingDirectoryFails) {
  TempDir dir;
  const Result<void> r = WriteKeyFile(dir.path() / "no" / "msg.key", Test1Key());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST(Ed25519Test, ReadKeyFileRefusesGroupOrOtherAccess) {
  TempDir dir;
  const auto path = dir.path() / "msg.key";
  ASSERT_TRUE(WriteKeyFile(path, Test1Key()).has_value());
  using std::filesystem::perms;
  for (perms mode :
       {perms::owner_read | perms::owner_write | perms::group_read | perms::others_read,
        perms::owner_read | perms::group_read, perms::owner_all | perms::others_exec}) {
    std::filesystem::permissions(path, mode);
    const Result<Ed25519KeyPair> r = ReadKeyFile(path);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
    EXPECT_NE(r.error().message.find("chmod 600"), std::string::npos) << r.error().message;
  }
  std::filesystem::permissions(path, perms::owner_read);
  EXPECT_TRUE(ReadKeyFile(path).has_value());
}

TEST(Ed25519Test, ReadKeyFileReportsMissingFile) {
  TempDir dir;
  const Result<Ed25519KeyPair> r = ReadKeyFile(dir.path() / "absent.key");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST(Ed25519Test, ReadKeyFileRejectsBadFormat) {
  TempDir dir;
  const std::string seed = Base64Encode(Hex(kVectors[0].seed));
  const std::vector<std::string> bad = {
      "",
      "simpul-ed25519-v2\n" + seed + "\n",
      "simpul-secretbox-v1\n" + seed + "\n",
      "simpul-ed25519-v1 " + seed + "\n",
      "simpul-ed25519-v1\n" + seed.substr(0, 40) + "\n",          // 30 bytes
      "simpul-ed25519-v1\n" + Base64Encode(Bytes(31, 7)) + "\n",  // 31 bytes
      "simpul-ed25519-v1\n" + Base64Encode(Bytes(33, 7)) + "\n",  // 33 bytes
      "simpul-ed25519-v1\n" + seed + "\nextra\n",
      "simpul-ed25519-v1\r\n" + seed + "\r\n",
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const auto path = dir.path() / ("bad" + std::to_string(i));
    WriteFile(path, bad[i],
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const Result<Ed25519KeyPair> r = ReadKeyFile(path);
    ASSERT_FALSE(r.has_value()) << i;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << i;
  }
}

TEST(Ed25519Test, ReadKeyFileAcceptsMissingFinalNewline) {
  TempDir dir;
  const auto path = dir.path() / "msg.key";
  WriteFile(path, "simpul-ed25519-v1\n" + Base64Encode(Hex(kVectors[0].seed)),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(ReadKeyFile(path).value().public_key(), Test1Key().public_key());
}

}  // namespace
}  // namespace simpul::crypto
