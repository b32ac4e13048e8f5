#include "crypto/secret_bytes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <type_traits>
#include <utility>

namespace simpul::crypto {
namespace {

static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);

bool Equal(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

TEST(SecretBytesTest, CopiesFromView) {
  Bytes source = {1, 2, 3, 4};
  SecretBytes secret(source);
  source[0] = 9;
  EXPECT_EQ(secret.size(), 4u);
  EXPECT_TRUE(Equal(secret.view(), Bytes{1, 2, 3, 4}));
}

TEST(SecretBytesTest, SizedConstructorIsZeroFilledAndWritable) {
  SecretBytes secret(3);
  EXPECT_TRUE(Equal(secret.view(), Bytes{0, 0, 0}));
  secret.data()[1] = 7;
  EXPECT_TRUE(Equal(secret.view(), Bytes{0, 7, 0}));
}

TEST(SecretBytesTest, MoveTransfersAndEmptiesSource) {
  SecretBytes a(Bytes{5, 6, 7});
  SecretBytes b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  EXPECT_TRUE(Equal(b.view(), Bytes{5, 6, 7}));

  SecretBytes c(Bytes{1});
  c = std::move(b);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(Equal(c.view(), Bytes{5, 6, 7}));
}

TEST(SecretBytesTest, RandomHasRequestedSizeAndVaries) {
  const SecretBytes a = SecretBytes::Random(32);
  const SecretBytes b = SecretBytes::Random(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_FALSE(Equal(a.view(), b.view()));
  EXPECT_TRUE(SecretBytes::Random(0).empty());
}

}  // namespace
}  // namespace simpul::crypto
