#include "node/store/identity_store.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tests/node/store/store_test_support.hpp"

namespace simpul::store {
namespace {

using testing::InsertCase;
using testing::MakeCase;
using testing::MondayMorning;
using testing::OpenMigrated;
using testing::TempDir;

TEST(IdentityStoreTest, EraseDropsTheKeyOnce) {
  TempDir dir;
  auto db = OpenMigrated(dir.path() / "node.db");
  ASSERT_NE(db, nullptr);
  const std::int64_t with_identity = InsertCase(*db, MakeCase("T-1"));
  const std::int64_t without = InsertCase(*db, MakeCase("T-2"));
  const std::vector<std::uint8_t> wrapped(72, 0x11), sealed(90, 0x22);
  ASSERT_TRUE(db->WriteSync<int>([&](Connection& c) -> Result<int> {
    if (auto r = IdentityStore::Insert(c, with_identity, wrapped, sealed); !r) {
      return tl::unexpected(r.error());
    }
    return 0;
  }));
  auto find = [&](std::int64_t id) {
    return db->ReadSync<SealedIdentity>([id](Connection& c) { return IdentityStore::Find(c, id); });
  };
  auto erase = [&](std::int64_t id) {
    return db->WriteSync<int>([id](Connection& c) -> Result<int> {
      if (auto r = IdentityStore::Erase(c, id, MondayMorning()); !r)
        return tl::unexpected(r.error());
      return 0;
    });
  };
  auto before = find(with_identity);
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->wrapped_key, wrapped);
  EXPECT_EQ(before->sealed, sealed);
  EXPECT_FALSE(before->erased_at.has_value());

  ASSERT_TRUE(erase(with_identity).has_value());
  auto after = find(with_identity);
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE(after->wrapped_key.has_value());
  EXPECT_EQ(after->erased_at, MondayMorning());

  auto second = erase(with_identity);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kNotFound);

  auto none = find(without);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(erase(without).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace simpul::store
