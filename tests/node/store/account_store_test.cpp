#include "node/store/account_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/node/store/store_test_support.hpp"

namespace simpul::store {
namespace {

using std::chrono::hours;
using testing::MondayMorning;
using testing::OpenMigrated;
using testing::TempDir;

class AccountStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenMigrated(dir_.path() / "node.db");
    ASSERT_NE(db_, nullptr);
  }

  Result<std::int64_t> AddUser(const std::string& username) {
    UserRecord u;
    u.username = username;
    u.display_name = "Petugas " + username;
    u.password_hash = "$argon2id$placeholder";
    u.role = "verifier";
    u.created_at = MondayMorning();
    return db_->WriteSync<std::int64_t>(
        [u](Connection& c) { return AccountStore::InsertUser(c, u); });
  }

  Result<void> Do(std::function<Result<void>(Connection&)> step) {
    return db_
        ->WriteSync<int>([step](Connection& c) -> Result<int> {
          if (auto r = step(c); !r) return tl::unexpected(r.error());
          return 0;
        })
        .map([](int) {});
  }

  Result<SessionRecord> FindSession(const std::vector<std::uint8_t>& hash) {
    return db_->ReadSync<SessionRecord>(
        [hash](Connection& c) { return AccountStore::FindSession(c, hash); });
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(AccountStoreTest, DuplicateUsernameIsConflict) {
  ASSERT_TRUE(AddUser("siti").has_value());
  auto again = AddUser("siti");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto users =
      db_->ReadSync<std::vector<UserRecord>>([](Connection& c) { return AccountStore::Users(c); });
  ASSERT_TRUE(users.has_value());
  EXPECT_EQ(users->size(), 1u);
}

TEST_F(AccountStoreTest, DuplicateUnitCodeIsConflict) {
  auto add = [&] {
    return db_->WriteSync<std::int64_t>([](Connection& c) {
      return AccountStore::InsertUnit(c, UnitRecord{0, "dinas-pu", "Dinas PU", MondayMorning()});
    });
  };
  ASSERT_TRUE(add().has_value());
  auto again = add();
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_F(AccountStoreTest, UserCarriesItsUnitCode) {
  auto unit = db_->WriteSync<std::int64_t>([](Connection& c) {
    return AccountStore::InsertUnit(c, UnitRecord{0, "dinkes", "Dinas Kesehatan", MondayMorning()});
  });
  ASSERT_TRUE(unit.has_value());
  auto id = AddUser("budi");
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(Do([&](Connection& c) {
    return AccountStore::SetRole(c, *id, "unit_officer", *unit, MondayMorning());
  }));
  auto user =
      db_->ReadSync<UserRecord>([](Connection& c) { return AccountStore::FindUser(c, "budi"); });
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->role, "unit_officer");
  EXPECT_EQ(user->unit_id, *unit);
  EXPECT_EQ(user->unit_code, "dinkes");
}

TEST_F(AccountStoreTest, SessionsCanBeRevokedOneByOneOrPerUser) {
  auto siti = AddUser("siti");
  auto budi = AddUser("budi");
  ASSERT_TRUE(siti && budi);
  const std::vector<std::uint8_t> s1(32, 1), s2(32, 2), b1(32, 3);
  const auto expires = MondayMorning() + hours(8);
  ASSERT_TRUE(Do([&](Connection& c) -> Result<void> {
    for (const auto& [hash, user] : {std::pair{s1, *siti}, {s2, *siti}, {b1, *budi}}) {
      auto r = AccountStore::InsertSession(c, hash, user, MondayMorning(), expires);
      if (!r) return r;
    }
    return {};
  }));
  auto found = FindSession(s1);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user.username, "siti");
  EXPECT_EQ(found->expires_at, expires);
  EXPECT_FALSE(found->revoked);

  ASSERT_TRUE(Do([&](Connection& c) { return AccountStore::RevokeSession(c, s1); }));
  EXPECT_TRUE(FindSession(s1)->revoked);
  EXPECT_FALSE(FindSession(s2)->revoked);

  ASSERT_TRUE(Do([&](Connection& c) { return AccountStore::RevokeUserSessions(c, *siti); }));
  EXPECT_TRUE(FindSession(s2)->revoked);
  EXPECT_FALSE(FindSession(b1)->revoked);

  auto unknown = FindSession(std::vector<std::uint8_t>(32, 9));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace simpul::store
