#include "crypto/bytes.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace simpul::crypto {
namespace {

TEST(BytesTest, AsBytesAndToStringRoundTripIncludingNul) {
  const std::string text("a\0b\xff", 4);
  const ByteView view = AsBytes(text);
  ASSERT_EQ(view.size(), 4u);
  EXPECT_EQ(view[1], 0x00);
  EXPECT_EQ(view[3], 0xff);
  EXPECT_EQ(ToString(view), text);
}

TEST(BytesTest, HexEncodesLowerCase) {
  EXPECT_EQ(HexEncode(Bytes{0x00, 0xff, 0x10, 0xab}), "00ff10ab");
  EXPECT_EQ(HexEncode(Bytes{}), "");
}

TEST(BytesTest, HexDecodesEitherCase) {
  EXPECT_EQ(HexDecode("00ff10ab").value(), (Bytes{0x00, 0xff, 0x10, 0xab}));
  EXPECT_EQ(HexDecode("00FF10AB").value(), (Bytes{0x00, 0xff, 0x10, 0xab}));
  EXPECT_EQ(HexDecode("").value(), Bytes{});
}

TEST(BytesTest, HexDecodeRejectsOddLengthAndNonHex) {
  for (const char* bad : {"0", "abc", "zz", "0g", "00 ff", " 00", "00\n"}) {
    const Result<Bytes> r = HexDecode(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

// RFC 4648 §10 test vectors.
TEST(BytesTest, Base64MatchesRfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), encoded);
    EXPECT_EQ(ToString(Base64Decode(encoded).value()), plain);
  }
}

TEST(BytesTest, Base64UsesStandardAlphabet) {
  EXPECT_EQ(Base64Encode(Bytes{0xfb, 0xff}), "+/8=");
  EXPECT_EQ(Base64Decode("+/8=").value(), (Bytes{0xfb, 0xff}));
}

TEST(BytesTest, Base64DecodeRejectsNonCanonicalInput) {
  // Missing or extra padding, non-zero trailing bits, whitespace, URL alphabet, stray characters.
  for (const char* bad :
       {"Zg", "Zg=", "Zg===", "Zh==", "Zm9", "Zm9v\n", "Zm9v YmFy", "-_8=", "Zm9v!"}) {
    const Result<Bytes> r = Base64Decode(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

// Found by the signed_note fuzz target: libsodium 1.0.18 decodes bytes 0x80-0xFF as digits, so a
// checkpoint's root hash had other spellings that parsed to the same value.
TEST(BytesTest, Base64DecodersRejectNonAsciiBytes) {
  for (const std::string bad : {"AAA\xff", "Zm9\x80", "\xcf\x87Zm", "Zg\xc3\xa9"}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
    EXPECT_FALSE(Base64UrlDecode(bad).has_value()) << bad;
  }
  EXPECT_EQ(Base64Decode("AAA=").value(), (Bytes{0, 0}));
}

TEST(BytesTest, Base64UrlUsesUrlAlphabetWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode(Bytes{0xfb, 0xff}), "-_8");
  EXPECT_EQ(Base64UrlEncode(AsBytes("f")), "Zg");
  EXPECT_EQ(Base64UrlDecode("-_8").value(), (Bytes{0xfb, 0xff}));
  EXPECT_EQ(ToString(Base64UrlDecode("Zm9vYmFy").value()), "foobar");
}

TEST(BytesTest, Base64UrlDecodeRejectsPaddingAndStandardAlphabet) {
  for (const char* bad : {"Zg==", "-_8=", "+/8", "Zh", "Zm9v\n"}) {
    EXPECT_FALSE(Base64UrlDecode(bad).has_value()) << bad;
  }
}

TEST(BytesTest, ConstantTimeEqualComparesContentAndLength) {
  const Bytes a = {1, 2, 3};
  EXPECT_TRUE(ConstantTimeEqual(a, Bytes{1, 2, 3}));
  EXPECT_FALSE(ConstantTimeEqual(a, Bytes{1, 2, 4}));
  EXPECT_FALSE(ConstantTimeEqual(a, Bytes{1, 2}));
  EXPECT_FALSE(ConstantTimeEqual(a, Bytes{1, 2, 3, 0}));
  EXPECT_TRUE(ConstantTimeEqual(Bytes{}, Bytes{}));
}

}  // namespace
}  // namespace simpul::crypto
