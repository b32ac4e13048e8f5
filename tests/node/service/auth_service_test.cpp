#include "node/service/auth_service.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "tests/node/service/service_test_support.hpp"

namespace simpul::service {
namespace {

using std::chrono::minutes;
using testing::RunAwait;
using testing::ServiceTest;

constexpr minutes kTtl{60};
constexpr const char* kPassword = "kata-sandi-rahasia";

class AuthServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    auth_ = std::make_unique<AuthService>(*db_, clock_, kTtl);
    ASSERT_TRUE(accounts_->CreateUserSync({"siti", "Siti", kPassword, Role::kVerifier, ""}));
  }

  Result<LoginResult> Login(const std::string& user, const std::string& password) {
    return RunAwait(io_, auth_->Login(user, password, "192.0.2.10"));
  }
  Result<Principal> Authenticate(const std::string& token) {
    return RunAwait(io_, auth_->Authenticate(token));
  }
  std::string LoginOk() {
    auto r = Login("siti", kPassword);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? r->token : std::string();
  }

  std::unique_ptr<AuthService> auth_;
};

TEST_F(AuthServiceTest, LoginIssuesATokenThatAuthenticates) {
  auto login = Login("siti", kPassword);
  ASSERT_TRUE(login.has_value()) << login.error().message;
  EXPECT_GE(login->token.size(), 32u);
  EXPECT_EQ(login->expires_at, now_ + kTtl);
  EXPECT_EQ(login->principal.username, "siti");
  EXPECT_EQ(login->principal.role, Role::kVerifier);
  auto who = Authenticate(login->token);
  ASSERT_TRUE(who.has_value()) << who.error().message;
  EXPECT_EQ(who->username, "siti");
  EXPECT_EQ(who->user_id, login->principal.user_id);
  EXPECT_NE(LoginOk(), login->token);  // each login is its own session
}

TEST_F(AuthServiceTest, WrongPasswordAndUnknownUserLookAlike) {
  auto wrong = Login("siti", "kata-sandi-salah");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  auto unknown = Login("budi", kPassword);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
  EXPECT_EQ(Login("", "").error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, DisabledAccountCannotSignInAndLosesItsSessions) {
  const std::string token = LoginOk();
  UserUpdate disable;
  disable.disabled = true;
  ASSERT_TRUE(accounts_->UpdateUserSync("siti", disable).has_value());
  auto login = Login("siti", kPassword);
  ASSERT_FALSE(login.has_value());
  EXPECT_EQ(login.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(Authenticate(token).error().code, ErrorCode::kUnauthenticated);

  UserUpdate enable;
  enable.disabled = false;
  ASSERT_TRUE(accounts_->UpdateUserSync("siti", enable).has_value());
  EXPECT_FALSE(LoginOk().empty());
}

TEST_F(AuthServiceTest, SessionExpiresAfterItsLifetime) {
  const std::string token = LoginOk();
  Advance(kTtl - minutes(1));
  EXPECT_TRUE(Authenticate(token).has_value());
  Advance(minutes(2));
  auto expired = Authenticate(token);
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, LogoutRevokesOnlyThatSession) {
  const std::string phone = LoginOk();
  const std::string laptop = LoginOk();
  ASSERT_TRUE(RunAwait(io_, auth_->Logout(phone)).has_value());
  auto after = Authenticate(phone);
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(Authenticate(laptop).has_value());
}

TEST_F(AuthServiceTest, UnknownOrMalformedTokensAreRejected) {
  EXPECT_EQ(Authenticate("").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(Authenticate("bukan-token").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(Authenticate(std::string(4096, 'a')).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, RoleChangeEndsSessionsAndTakesEffectAtNextLogin) {
  const std::string token = LoginOk();
  UserUpdate promote;
  promote.role = Role::kSupervisor;
  ASSERT_TRUE(accounts_->UpdateUserSync("siti", promote).has_value());
  EXPECT_EQ(Authenticate(token).error().code, ErrorCode::kUnauthenticated);
  auto again = Login("siti", kPassword);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->principal.role, Role::kSupervisor);
}

TEST_F(AuthServiceTest, PasswordChangeReplacesTheOldPassword) {
  const std::string token = LoginOk();
  UserUpdate change;
  change.password = "sandi-baru-yang-panjang";
  ASSERT_TRUE(accounts_->UpdateUserSync("siti", change).has_value());
  EXPECT_FALSE(Authenticate(token).has_value());
  EXPECT_EQ(Login("siti", kPassword).error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(Login("siti", "sandi-baru-yang-panjang").has_value());
}

}  // namespace
}  // namespace simpul::service

namespace simpul::service {
namespace {

class LoginThrottleTest : public testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    auth_ = std::make_unique<AuthService>(*db_, clock_, std::chrono::minutes(60));
    ASSERT_TRUE(
        accounts_->CreateUserSync({"siti", "Siti", "kata-sandi-rahasia", Role::kVerifier, ""}));
  }
  Result<LoginResult> Login(const std::string& password) {
    return LoginAs("siti", password, "192.0.2.10");
  }
  Result<LoginResult> LoginAs(const std::string& user, const std::string& password,
                              const std::string& address) {
    return testing::RunAwait(io_, auth_->Login(user, password, address));
  }
  std::unique_ptr<AuthService> auth_;
};

TEST_F(LoginThrottleTest, RepeatedFailuresLockTheAccountForAWhile) {
  for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) {
    auto r = Login("tebakan-" + std::to_string(i));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  }
  // Locked: even the right password is refused, without telling whether it was right.
  auto locked = Login("kata-sandi-rahasia");
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, ErrorCode::kRateLimited);
  EXPECT_NE(locked.error().message.find("try again in"), std::string::npos);
  Advance(LoginThrottle::kFirstLockout + std::chrono::seconds(1));
  EXPECT_TRUE(Login("kata-sandi-rahasia"));
}

TEST_F(LoginThrottleTest, LockoutDoublesAndSuccessResets) {
  for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) ASSERT_FALSE(Login("salah"));
  Advance(LoginThrottle::kFirstLockout + std::chrono::seconds(1));
  ASSERT_EQ(Login("salah").error().code, ErrorCode::kUnauthenticated);  // 6th failure
  Advance(LoginThrottle::kFirstLockout + std::chrono::seconds(1));      // not yet: 2 min now
  EXPECT_EQ(Login("kata-sandi-rahasia").error().code, ErrorCode::kRateLimited);
  Advance(LoginThrottle::kFirstLockout);
  ASSERT_TRUE(Login("kata-sandi-rahasia"));
  // A success clears the record: one new failure does not lock.
  ASSERT_EQ(Login("salah").error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(Login("kata-sandi-rahasia"));
}

// A guesser spreading attempts over many usernames from one address stays under every
// per-account limit; the per-address limit stops it, without locking other addresses out.
TEST_F(LoginThrottleTest, FailuresSpreadOverAccountsLockTheAddress) {
  const std::string guesser = "198.51.100.7";
  for (int i = 0; i < LoginThrottle::kAddressFreeFailures; ++i) {
    auto r = LoginAs("akun-" + std::to_string(i), "tebakan", guesser);
    ASSERT_FALSE(r);
    ASSERT_EQ(r.error().code, ErrorCode::kUnauthenticated) << "attempt " << i;
  }
  // Even a right password is refused from that address, and the wait is known for Retry-After.
  auto locked = LoginAs("siti", "kata-sandi-rahasia", guesser);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(auth_->RetryAfter("siti", guesser),
            std::chrono::seconds(LoginThrottle::kAddressLockout));
  EXPECT_TRUE(LoginAs("siti", "kata-sandi-rahasia", "203.0.113.5")) << "another address";
  Advance(LoginThrottle::kAddressLockout + std::chrono::seconds(1));
  EXPECT_TRUE(LoginAs("siti", "kata-sandi-rahasia", guesser));
  EXPECT_EQ(auth_->RetryAfter("siti", guesser), std::chrono::seconds(0));
}

// One known password must not reset a guesser's count; the window does.
TEST_F(LoginThrottleTest, SuccessDoesNotClearTheAddressButTheWindowDoes) {
  const std::string office = "198.51.100.8";
  for (int i = 0; i + 1 < LoginThrottle::kAddressFreeFailures; ++i) {
    ASSERT_FALSE(LoginAs("akun-" + std::to_string(i), "tebakan", office));
  }
  ASSERT_TRUE(LoginAs("siti", "kata-sandi-rahasia", office));
  ASSERT_EQ(LoginAs("akun-x", "tebakan", office).error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(LoginAs("siti", "kata-sandi-rahasia", office).error().code, ErrorCode::kRateLimited);

  // Failures older than the window do not add up.
  const std::string other = "198.51.100.9";
  for (int i = 0; i + 1 < LoginThrottle::kAddressFreeFailures; ++i) {
    ASSERT_FALSE(LoginAs("akun-" + std::to_string(i), "tebakan", other));
  }
  Advance(LoginThrottle::kAddressWindow);
  ASSERT_EQ(LoginAs("akun-y", "tebakan", other).error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(LoginAs("siti", "kata-sandi-rahasia", other));
}

TEST(LoginThrottleMemoryTest, TracksAtMostTheCapOfAddresses) {
  domain::TimePoint now{};
  LoginThrottle throttle([&now] { return now; });
  for (int i = 0; i < LoginThrottle::kAddressFreeFailures; ++i) {
    throttle.RecordFailure("user-" + std::to_string(i), "10.0.0.1");
  }
  ASSERT_GT(throttle.LockedFor("someone", "10.0.0.1").count(), 0);
  // Filling the table with newer addresses forgets the least recently failed one first.
  for (std::size_t i = 0; i < LoginThrottle::kMaxTrackedAddresses; ++i) {
    now += std::chrono::milliseconds(1);
    throttle.RecordFailure("spread", "addr-" + std::to_string(i));
  }
  EXPECT_EQ(throttle.LockedFor("someone", "10.0.0.1").count(), 0);
  EXPECT_GT(throttle.LockedFor("spread", "").count(), 0) << "the username record is separate";
}

}  // namespace
}  // namespace simpul::service
