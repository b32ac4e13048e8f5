#include "crypto/password.hpp"

#include <gtest/gtest.h>

#include <string>

namespace simpul::crypto {
namespace {

const PasswordHashCost kCheap = PasswordHashCost::Minimum();

TEST(PasswordTest, HashIsArgon2idPhcString) {
  const std::string hash = HashPassword("correct horse", kCheap).value();
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$")) << hash;
}

TEST(PasswordTest, VerifyAcceptsRightAndRejectsWrongPassword) {
  const std::string hash = HashPassword("correct horse", kCheap).value();
  EXPECT_TRUE(VerifyPassword(hash, "correct horse"));
  EXPECT_FALSE(VerifyPassword(hash, "correct hors"));
  EXPECT_FALSE(VerifyPassword(hash, "Correct horse"));
  EXPECT_FALSE(VerifyPassword(hash, ""));
}

TEST(PasswordTest, EachHashIsSaltedDifferently) {
  const std::string a = HashPassword("same password", kCheap).value();
  const std::string b = HashPassword("same password", kCheap).value();
  EXPECT_NE(a, b);
  EXPECT_TRUE(VerifyPassword(a, "same password"));
  EXPECT_TRUE(VerifyPassword(b, "same password"));
}

TEST(PasswordTest, RejectsEmptyAndOverlongPasswords) {
  const Result<std::string> empty = HashPassword("", kCheap);
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  const Result<std::string> overlong = HashPassword(std::string(1025, 'x'), kCheap);
  ASSERT_FALSE(overlong.has_value());
  EXPECT_EQ(overlong.error().code, ErrorCode::kInvalidArgument);
  const std::string longest(1024, 'x');
  EXPECT_TRUE(VerifyPassword(HashPassword(longest, kCheap).value(), longest));
}

TEST(PasswordTest, VerifyRejectsMalformedHashes) {
  EXPECT_FALSE(VerifyPassword("", "pw"));
  EXPECT_FALSE(VerifyPassword("$argon2id$v=19$garbage", "pw"));
  EXPECT_FALSE(VerifyPassword(std::string(500, '$'), "pw"));
  const std::string hash = HashPassword("pw", kCheap).value();
  EXPECT_FALSE(VerifyPassword(hash.substr(0, hash.size() - 2), "pw"));
}

// libsodium's documented Argon2id limits.
TEST(PasswordTest, CostPresetsMatchLibsodium) {
  EXPECT_EQ(PasswordHashCost::Interactive().ops, 2u);
  EXPECT_EQ(PasswordHashCost::Interactive().mem_bytes, 64u * 1024 * 1024);
  EXPECT_EQ(kCheap.ops, 1u);
  EXPECT_EQ(kCheap.mem_bytes, 8192u);
}

TEST(PasswordTest, InteractiveCostEncodesItsParameters) {
  const std::string hash = HashPassword("pw", PasswordHashCost::Interactive()).value();
  EXPECT_NE(hash.find("$m=65536,t=2,p=1$"), std::string::npos) << hash;
  EXPECT_TRUE(VerifyPassword(hash, "pw"));
  EXPECT_FALSE(PasswordNeedsRehash(hash, PasswordHashCost::Interactive()));
}

TEST(PasswordTest, NeedsRehashWhenCostChanges) {
  const std::string cheap = HashPassword("pw", kCheap).value();
  EXPECT_FALSE(PasswordNeedsRehash(cheap, kCheap));
  EXPECT_TRUE(PasswordNeedsRehash(cheap, PasswordHashCost::Interactive()));
  EXPECT_TRUE(PasswordNeedsRehash("not a hash", kCheap));
}

}  // namespace
}  // namespace simpul::crypto
