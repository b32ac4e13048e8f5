#include "node/service/account_service.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/node/service/service_test_support.hpp"

namespace simpul::service {
namespace {

using testing::RunAwait;
using testing::ServiceTest;

constexpr const char* kPassword = "kata-sandi-panjang";

class AccountServiceTest : public ServiceTest {
 protected:
  ErrorCode CreateFails(NewUser user) {
    auto r = RunAwait(io_, accounts_->CreateUser(std::move(user)));
    EXPECT_FALSE(r.has_value());
    return r ? ErrorCode::kInternal : r.error().code;
  }
  std::size_t UserCount() {
    auto users = accounts_->ListUsersSync();
    EXPECT_TRUE(users.has_value());
    return users ? users->size() : 0;
  }
};

TEST_F(AccountServiceTest, CreatesUsersWithHashedPasswords) {
  auto user =
      RunAwait(io_, accounts_->CreateUser({"siti.r", "Siti R", kPassword, Role::kVerifier, ""}));
  ASSERT_TRUE(user.has_value()) << user.error().message;
  EXPECT_EQ(user->username, "siti.r");
  EXPECT_EQ(user->role, "verifier");
  EXPECT_EQ(user->created_at, now_);
  EXPECT_EQ(user->password_hash.find(kPassword), std::string::npos);
  EXPECT_TRUE(crypto::VerifyPassword(user->password_hash, kPassword));
  auto defaulted = accounts_->CreateUserSync({"budi", "", kPassword, Role::kAuditor, ""});
  ASSERT_TRUE(defaulted.has_value());
  EXPECT_EQ(defaulted->display_name, "budi");
}

TEST_F(AccountServiceTest, RejectsBadUsernamesAndShortPasswords) {
  for (const char* name : {"ab", "Siti", "siti rahma", "siti@dinas", ""}) {
    EXPECT_EQ(CreateFails({name, "", kPassword, Role::kVerifier, ""}), ErrorCode::kInvalidArgument)
        << name;
  }
  EXPECT_EQ(CreateFails({std::string(65, 'a'), "", kPassword, Role::kVerifier, ""}),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CreateFails({"siti", "", "pendek", Role::kVerifier, ""}), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CreateFails({"siti", std::string(121, 'x'), kPassword, Role::kVerifier, ""}),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(UserCount(), 0u);
}

TEST_F(AccountServiceTest, UnitOfficersNeedAnExistingUnit) {
  EXPECT_EQ(CreateFails({"petugas", "", kPassword, Role::kUnitOfficer, ""}),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CreateFails({"petugas", "", kPassword, Role::kUnitOfficer, "tidak-ada"}),
            ErrorCode::kNotFound);
  EXPECT_EQ(UserCount(), 0u);
  ASSERT_TRUE(accounts_->CreateUnitSync({"dinas-pu", "Dinas PU"}));
  auto officer =
      accounts_->CreateUserSync({"petugas", "", kPassword, Role::kUnitOfficer, "dinas-pu"});
  ASSERT_TRUE(officer.has_value()) << officer.error().message;
  EXPECT_EQ(officer->unit_code, "dinas-pu");
}

TEST_F(AccountServiceTest, DuplicateUsernameIsConflict) {
  ASSERT_TRUE(accounts_->CreateUserSync({"siti", "", kPassword, Role::kVerifier, ""}));
  EXPECT_EQ(CreateFails({"siti", "", "kata-sandi-lain", Role::kAuditor, ""}), ErrorCode::kConflict);
  EXPECT_EQ(UserCount(), 1u);
}

TEST_F(AccountServiceTest, ValidatesUnits) {
  for (const char* code : {"x", "Dinas", "dinas.pu", "dinas pu"}) {
    auto r = accounts_->CreateUnitSync({code, "Nama"});
    ASSERT_FALSE(r.has_value()) << code;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << code;
  }
  EXPECT_EQ(accounts_->CreateUnitSync({"dinkes", ""}).error().code, ErrorCode::kInvalidArgument);
  auto unit = RunAwait(io_, accounts_->CreateUnit({"dinkes", "Dinas Kesehatan"}));
  ASSERT_TRUE(unit.has_value()) << unit.error().message;
  EXPECT_EQ(unit->name, "Dinas Kesehatan");
  EXPECT_EQ(accounts_->CreateUnitSync({"dinkes", "Lagi"}).error().code, ErrorCode::kConflict);
  auto units = RunAwait(io_, accounts_->ListUnits());
  ASSERT_TRUE(units.has_value());
  ASSERT_EQ(units->size(), 1u);
  EXPECT_EQ((*units)[0].code, "dinkes");
}

TEST_F(AccountServiceTest, UpdateUserRevokesSessions) {
  ASSERT_TRUE(accounts_->CreateUnitSync({"dinas-pu", "Dinas PU"}));
  auto user = accounts_->CreateUserSync({"siti", "", kPassword, Role::kVerifier, ""});
  ASSERT_TRUE(user.has_value());
  const std::vector<std::uint8_t> token_hash(32, 0x5A);
  ASSERT_TRUE(db_->WriteSync<int>([&](store::Connection& c) -> Result<int> {
    auto r = store::AccountStore::InsertSession(c, token_hash, user->id, now_,
                                                now_ + std::chrono::hours(8));
    if (!r) return tl::unexpected(r.error());
    return 0;
  }));
  UserUpdate update;
  update.role = Role::kUnitOfficer;
  update.unit_code = "dinas-pu";
  auto updated = RunAwait(io_, accounts_->UpdateUser("siti", update));
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  EXPECT_EQ(updated->role, "unit_officer");
  EXPECT_EQ(updated->unit_code, "dinas-pu");
  auto session = db_->ReadSync<store::SessionRecord>(
      [&](store::Connection& c) { return store::AccountStore::FindSession(c, token_hash); });
  ASSERT_TRUE(session.has_value());
  EXPECT_TRUE(session->revoked);
}

TEST_F(AccountServiceTest, UpdateUserValidates) {
  ASSERT_TRUE(accounts_->CreateUserSync({"siti", "", kPassword, Role::kVerifier, ""}));
  UserUpdate to_officer;
  to_officer.role = Role::kUnitOfficer;
  auto no_unit = accounts_->UpdateUserSync("siti", to_officer);
  ASSERT_FALSE(no_unit.has_value());
  EXPECT_EQ(no_unit.error().code, ErrorCode::kInvalidArgument);
  UserUpdate short_password;
  short_password.password = "pendek";
  EXPECT_EQ(accounts_->UpdateUserSync("siti", short_password).error().code,
            ErrorCode::kInvalidArgument);
  UserUpdate unknown_unit;
  unknown_unit.unit_code = "tidak-ada";
  EXPECT_EQ(accounts_->UpdateUserSync("siti", unknown_unit).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(accounts_->UpdateUserSync("tidak-ada", UserUpdate{}).error().code,
            ErrorCode::kNotFound);
  auto unchanged = accounts_->ListUsersSync();
  ASSERT_TRUE(unchanged.has_value());
  ASSERT_EQ(unchanged->size(), 1u);
  EXPECT_EQ((*unchanged)[0].role, "verifier");
  EXPECT_FALSE((*unchanged)[0].unit_id.has_value());
}

}  // namespace
}  // namespace simpul::service
