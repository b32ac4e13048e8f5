#include "crypto/hash.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace simpul::crypto {
namespace {

// FIPS 180-2 Appendix B (SHA-256) examples, and the empty message.
TEST(HashTest, Sha256MatchesFipsVectors) {
  EXPECT_EQ(Sha256Hex(AsBytes("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(AsBytes("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex(AsBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(HashTest, Sha256ReturnsRawDigestOfHex) {
  const Digest32 digest = Sha256(AsBytes("abc"));
  EXPECT_EQ(digest[0], 0xba);
  EXPECT_EQ(digest[31], 0xad);
  EXPECT_EQ(HexEncode(digest), Sha256Hex(AsBytes("abc")));
}

// FIPS 180-2 B.3: one million 'a', fed in uneven pieces.
TEST(HashTest, Sha256HasherMatchesMillionAVector) {
  const std::string chunk(999, 'a');
  Sha256Hasher hasher;
  std::size_t fed = 0;
  while (fed + chunk.size() <= 1'000'000) {
    hasher.Update(AsBytes(chunk));
    fed += chunk.size();
  }
  hasher.Update(AsBytes(std::string(1'000'000 - fed, 'a')));
  EXPECT_EQ(HexEncode(hasher.Finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(HashTest, Sha256HasherStartsOverAfterFinish) {
  Sha256Hasher hasher;
  hasher.Update(AsBytes("ab"));
  hasher.Update({});
  hasher.Update(AsBytes("c"));
  EXPECT_EQ(hasher.Finish(), Sha256(AsBytes("abc")));
  EXPECT_EQ(hasher.Finish(), Sha256(AsBytes("")));
  Sha256Hasher moved = std::move(hasher);
  moved.Update(AsBytes("abc"));
  EXPECT_EQ(moved.Finish(), Sha256(AsBytes("abc")));
}

// RFC 7693 Appendix A gives BLAKE2b-512("abc"); BLAKE2b-256("abc") cross-checked with Python's
// hashlib.
TEST(HashTest, Blake2bMatchesKnownVectors) {
  EXPECT_EQ(HexEncode(Blake2b(AsBytes("abc"), 64)),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  EXPECT_EQ(HexEncode(Blake2b(AsBytes("abc"))),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

// First entry of the BLAKE2 reference keyed KAT (blake2b-kat.txt): key 00..3f, empty input.
TEST(HashTest, Blake2bKeyedMatchesReferenceKat) {
  Bytes key(64);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(HexEncode(Blake2b({}, 64, key)),
            "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786"
            "b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568");
}

TEST(HashTest, Blake2bKeyChangesDigest) {
  const Bytes key(32, 0x42);
  EXPECT_NE(Blake2b(AsBytes("abc"), 32, key), Blake2b(AsBytes("abc")));
  EXPECT_EQ(Blake2b(AsBytes("abc"), 32, key), Blake2b(AsBytes("abc"), 32, key));
}

TEST(HashDeathTest, Blake2bAbortsOnOutOfRangeLength) {
  EXPECT_DEATH(Blake2b(AsBytes("abc"), 65), "digest length");
  EXPECT_DEATH(Blake2b(AsBytes("abc"), 32, Bytes(8)), "key length");
}

}  // namespace
}  // namespace simpul::crypto
