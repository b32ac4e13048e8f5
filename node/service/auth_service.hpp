#pragma once
// Staff sign-in and session tokens. A token is 32 random bytes (base64url) handed to the client
// once; only its SHA-256 is stored, so a leaked database does not leak live sessions. Sessions
// expire after a fixed lifetime and end at sign-out, when the account is disabled, or when its
// password or role changes.
//
// Thread safety: all methods may be called concurrently.

#include <chrono>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "crypto/password.hpp"
#include "node/service/clock.hpp"
#include "node/service/login_throttle.hpp"
#include "node/service/principal.hpp"
#include "node/store/account_store.hpp"
#include "node/store/database.hpp"

namespace simpul::service {

struct LoginResult {
  std::string token;
  domain::TimePoint expires_at;
  Principal principal;
};

class AuthService {
 public:
  AuthService(store::Database& db, Clock clock, std::chrono::minutes session_ttl);

  // Fails kUnauthenticated with one message for an unknown user, a wrong password or a disabled
  // account, so usernames cannot be probed; kRateLimited while the username or the client
  // `address` is locked out after repeated failures (see LoginThrottle).
  boost::asio::awaitable<Result<LoginResult>> Login(std::string username, std::string password,
                                                    std::string address);
  // After a kRateLimited Login: how long until `username` may try again from `address`.
  std::chrono::seconds RetryAfter(std::string_view username, std::string_view address);
  // Fails kUnauthenticated when the token is unknown, expired, revoked or its account disabled.
  boost::asio::awaitable<Result<Principal>> Authenticate(std::string token);
  boost::asio::awaitable<Result<void>> Logout(std::string token);

 private:
  store::Database& db_;
  Clock clock_;
  std::chrono::minutes session_ttl_;
  std::string dummy_hash_;  // verified against when the user is unknown, to equalise timing
  LoginThrottle throttle_;
};

// Principal of a stored account. Fails kInternal if the stored role is unknown.
Result<Principal> PrincipalOf(const store::UserRecord& user);

}  // namespace simpul::service
