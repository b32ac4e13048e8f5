#pragma once
// Staff accounts and work units, managed by node admins (over HTTP) and by simpulctl (directly on
// the database file). Passwords are hashed with Argon2id before any write job is queued.
//
// Thread safety: all methods may be called concurrently; the Sync forms block the caller.

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "crypto/password.hpp"
#include "node/service/clock.hpp"
#include "node/service/principal.hpp"
#include "node/store/account_store.hpp"
#include "node/store/database.hpp"

namespace simpul::service {

// Argon2id cost for staff passwords: the OWASP baseline (2 passes, 19 MiB). A sign-in costs tens of
// milliseconds and a few concurrent sign-ins do not push a small VM out of memory.
inline constexpr crypto::PasswordHashCost kStaffPasswordCost{2, 19u << 20};

struct NewUser {
  std::string username, display_name, password;
  Role role = Role::kVerifier;
  std::string unit_code;  // required for unit officers, else empty
};

// A partial update: unset fields stay as they are.
struct UserUpdate {
  std::optional<Role> role;
  std::optional<std::string> unit_code;
  std::optional<bool> disabled;
  std::optional<std::string> password;
};

struct NewUnit {
  std::string code, name;
};

class AccountService {
 public:
  AccountService(store::Database& db, Clock clock, crypto::PasswordHashCost cost);

  // Fails kInvalidArgument for a bad username (3–64 of [a-z0-9._-]), a password under 10 bytes,
  // a unit officer without a unit; kNotFound for an unknown unit; kConflict if the name is taken.
  boost::asio::awaitable<Result<store::UserRecord>> CreateUser(NewUser user);
  Result<store::UserRecord> CreateUserSync(NewUser user);
  // Changing role, unit, password or disabling ends the user's sessions.
  boost::asio::awaitable<Result<store::UserRecord>> UpdateUser(std::string username,
                                                               UserUpdate update);
  Result<store::UserRecord> UpdateUserSync(std::string username, UserUpdate update);
  boost::asio::awaitable<Result<std::vector<store::UserRecord>>> ListUsers();
  Result<std::vector<store::UserRecord>> ListUsersSync();

  // Fails kInvalidArgument for a bad code (2–32 of [a-z0-9_-]) or empty name, kConflict if taken.
  boost::asio::awaitable<Result<store::UnitRecord>> CreateUnit(NewUnit unit);
  Result<store::UnitRecord> CreateUnitSync(NewUnit unit);
  boost::asio::awaitable<Result<std::vector<store::UnitRecord>>> ListUnits();
  Result<std::vector<store::UnitRecord>> ListUnitsSync();

 private:
  Result<store::Database::Job<store::UserRecord>> CreateUserJob(NewUser user);
  Result<store::Database::Job<store::UserRecord>> UpdateUserJob(std::string username,
                                                                UserUpdate update);
  Result<store::Database::Job<store::UnitRecord>> CreateUnitJob(NewUnit unit);

  store::Database& db_;
  Clock clock_;
  crypto::PasswordHashCost cost_;
};

}  // namespace simpul::service
