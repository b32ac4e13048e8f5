#pragma once
// Slows down password guessing against staff accounts. After kFreeFailures consecutive failed
// sign-ins for a username, further attempts for it are refused — without any password work — for
// a lockout that starts at one minute and doubles with each further failure, up to one hour. A
// successful sign-in clears the record. Lockouts are per username (government offices often share
// one address behind NAT, so per-address limits would lock out whole offices) and short, so an
// attacker cannot lock a user out for long.
//
// Memory is bounded: at most kMaxTracked usernames are remembered; the least recently failed are
// forgotten first. Thread-safe.

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

  explicit LoginThrottle(Clock clock) : clock_(std::move(clock)) {}

  // Fails kRateLimited, saying how long to wait, while `username` is locked out.
  Result<void> Check(std::string_view username);
  void RecordFailure(std::string_view username);
  void RecordSuccess(std::string_view username);

 private:
  struct Record {
    int failures = 0;
    domain::TimePoint last_failure;
    domain::TimePoint locked_until;
  };
  void EvictOldest();

  Clock clock_;
  std::mutex mu_;
  std::map<std::string, Record, std::less<>> records_;
};

}  // namespace simpul::service
