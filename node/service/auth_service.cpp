#include "node/service/auth_service.hpp"

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "node/service/account_service.hpp"
#include "node/store/account_store.hpp"

namespace simpul::service {
namespace {

std::vector<std::uint8_t> TokenHash(std::string_view token) {
  auto d = crypto::Sha256(crypto::AsBytes(token));
  return {d.begin(), d.end()};
}

Error BadLogin() { return Error{ErrorCode::kUnauthenticated, "wrong username or password"}; }

}  // namespace

Result<Principal> PrincipalOf(const store::UserRecord& user) {
  auto role = ParseRole(user.role);
  if (!role) return Fail(ErrorCode::kInternal, "account " + user.username + " has unknown role");
  return Principal{user.id, user.username, *role, user.unit_id, user.unit_code};
}

AuthService::AuthService(store::Database& db, Clock clock, std::chrono::minutes session_ttl)
    : db_(db),
      clock_(std::move(clock)),
      session_ttl_(session_ttl),
      dummy_hash_(crypto::HashPassword(crypto::RandomToken(16), kStaffPasswordCost).value_or("")),
      throttle_(clock_) {}

boost::asio::awaitable<Result<LoginResult>> AuthService::Login(std::string username,
                                                               std::string password,
                                                               std::string address) {
  if (username.empty() || username.size() > 64 || password.empty() || password.size() > 1024) {
    co_return tl::unexpected(BadLogin());
  }
  if (auto allowed = throttle_.Check(username, address); !allowed)
    co_return tl::unexpected(allowed.error());
  // Password verification is deliberately slow (Argon2id); it runs on a database worker thread,
  // never on the I/O thread.
  auto principal =
      co_await db_.Read<Principal>([&, this](store::Connection& c) -> Result<Principal> {
        auto user = store::AccountStore::FindUser(c, username);
        if (!user) {
          (void)crypto::VerifyPassword(dummy_hash_, password);
          if (user.error().code == ErrorCode::kNotFound) return tl::unexpected(BadLogin());
          return tl::unexpected(user.error());
        }
        if (!crypto::VerifyPassword(user->password_hash, password) || user->disabled) {
          return tl::unexpected(BadLogin());
        }
        return PrincipalOf(*user);
      });
  if (!principal) {
    if (principal.error().code == ErrorCode::kUnauthenticated)
      throttle_.RecordFailure(username, address);
    co_return tl::unexpected(principal.error());
  }
  throttle_.RecordSuccess(username);
  LoginResult out;
  out.token = crypto::RandomToken(32);
  const domain::TimePoint now = clock_();
  out.expires_at = now + session_ttl_;
  out.principal = *principal;
  auto stored =
      co_await db_.Write<std::monostate>([&](store::Connection& c) -> Result<std::monostate> {
        auto r = store::AccountStore::InsertSession(c, TokenHash(out.token), out.principal.user_id,
                                                    now, out.expires_at);
        if (!r) return tl::unexpected(r.error());
        return std::monostate{};
      });
  if (!stored) co_return tl::unexpected(stored.error());
  co_return out;
}

std::chrono::seconds AuthService::RetryAfter(std::string_view username, std::string_view address) {
  return throttle_.LockedFor(username, address);
}

boost::asio::awaitable<Result<Principal>> AuthService::Authenticate(std::string token) {
  if (token.empty() || token.size() > 128) {
    co_return Fail(ErrorCode::kUnauthenticated, "sign in first: no valid session token");
  }
  const domain::TimePoint now = clock_();
  co_return co_await db_.Read<Principal>([&](store::Connection& c) -> Result<Principal> {
    auto session = store::AccountStore::FindSession(c, TokenHash(token));
    if (!session) {
      if (session.error().code == ErrorCode::kNotFound) {
        return Fail(ErrorCode::kUnauthenticated, "session unknown; sign in again");
      }
      return tl::unexpected(session.error());
    }
    if (session->revoked) return Fail(ErrorCode::kUnauthenticated, "session ended; sign in again");
    if (session->expires_at <= now) {
      return Fail(ErrorCode::kUnauthenticated, "session expired; sign in again");
    }
    if (session->user.disabled) return Fail(ErrorCode::kUnauthenticated, "account disabled");
    return PrincipalOf(session->user);
  });
}

boost::asio::awaitable<Result<void>> AuthService::Logout(std::string token) {
  auto r = co_await db_.Write<std::monostate>([&](store::Connection& c) -> Result<std::monostate> {
    auto revoked = store::AccountStore::RevokeSession(c, TokenHash(token));
    if (!revoked) return tl::unexpected(revoked.error());
    return std::monostate{};
  });
  if (!r) co_return tl::unexpected(r.error());
  co_return Result<void>{};
}

}  // namespace simpul::service
