#include "crypto/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace simpul::crypto {
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

TEST(RandomTest, RandomBytesHasRequestedLengthAndVaries) {
  const Bytes a = RandomBytes(32);
  const Bytes b = RandomBytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(RandomBytes(0).empty());
}

TEST(RandomTest, RandomTokenIsUnpaddedBase64UrlOfRequestedBytes) {
  const std::string token = RandomToken();
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  EXPECT_EQ(Base64UrlDecode(token).value().size(), 32u);
  EXPECT_EQ(Base64UrlDecode(RandomToken(16)).value().size(), 16u);
  EXPECT_NE(RandomToken(), RandomToken());
}

TEST(RandomTest, RandomCodeUsesOnlyCrockfordAlphabet) {
  const std::string code = RandomCode(10'000);
  ASSERT_EQ(code.size(), 10'000u);
  EXPECT_EQ(code.find_first_not_of(kCrockford), std::string::npos);
  EXPECT_TRUE(RandomCode(0).empty());
}

TEST(RandomTest, RandomCodeReachesEveryCharacterRoughlyEvenly) {
  // 32,000 draws: each character is expected 1,000 times; a bias or a dead character would push
  // some count far outside [800, 1200] (each bound is over 6 standard deviations away).
  const std::string code = RandomCode(32'000);
  for (char c : kCrockford) {
    const auto n = std::count(code.begin(), code.end(), c);
    EXPECT_GT(n, 800) << c;
    EXPECT_LT(n, 1200) << c;
  }
}

}  // namespace
}  // namespace simpul::crypto
