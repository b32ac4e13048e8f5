#pragma once
// Slows down password guessing against staff accounts, on two keys:
//
// - Per username: after kFreeFailures consecutive failed sign-ins for a username, further attempts
//   for it are refused — without any password work — for a lockout that starts at one minute and
//   doubles with each further failure, up to one hour. A successful sign-in clears the record.
//   Short, so an attacker cannot lock a user out for long.
// - Per client address: a guesser spreading attempts over many usernames stays under every
//   per-username limit, so an address with kAddressFreeFailures failures (on any usernames)
//   within kAddressWindow is refused for kAddressLockout. Government offices often share one
//   address behind NAT, so this limit is far above what typing mistakes reach, and a success does
//   not clear it (one known password must not reset a guesser's count); the window does.
//
// Memory is bounded: at most kMaxTracked usernames and kMaxTrackedAddresses addresses are
// remembered; the least recently failed are forgotten first. Thread-safe.

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "crypto/result.hpp"
#include "node/service/clock.hpp"

namespace simpul::service {

class LoginThrottle {
 public:
  static constexpr int kFreeFailures = 5;
  static constexpr std::size_t kMaxTracked = 10000;
  static constexpr std::chrono::minutes kFirstLockout{1};
  static constexpr std::chrono::minutes kMaxLockout{60};

  static constexpr int kAddressFreeFailures = 30;
  static constexpr std::chrono::minutes kAddressWindow{10};
  static constexpr std::chrono::minutes kAddressLockout{10};
  static constexpr std::size_t kMaxTrackedAddresses = 10000;

  explicit LoginThrottle(Clock clock) : clock_(std::move(clock)) {}

  // Fails kRateLimited, saying how long to wait, while `username` or `address` is locked out.
  // An empty `address` (unknown) is not limited by address.
  Result<void> Check(std::string_view username, std::string_view address);
  // How long until both `username` and `address` may try again; zero when they may now.
  std::chrono::seconds LockedFor(std::string_view username, std::string_view address);
  void RecordFailure(std::string_view username, std::string_view address);
  // Clears the username's record; the address's count stays until its window ends.
  void RecordSuccess(std::string_view username);

 private:
  struct Record {
    int failures = 0;
    domain::TimePoint first_failure;  // starts an address's window
    domain::TimePoint last_failure;
    domain::TimePoint locked_until;
  };
  using Table = std::map<std::string, Record, std::less<>>;

  // `key`'s record in `table`, made (after evicting the oldest when `table` holds `cap`) if new.
  static Record& Find(Table& table, std::string_view key, std::size_t cap);
  static domain::TimePoint LockedUntil(const Table& table, std::string_view key);

  Clock clock_;
  std::mutex mu_;
  Table accounts_;
  Table addresses_;
};

}  // namespace simpul::service
