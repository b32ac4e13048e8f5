#include "node/service/login_throttle.hpp"

#include <algorithm>

namespace simpul::service {

Result<void> LoginThrottle::Check(std::string_view username, std::string_view address) {
  const std::chrono::seconds wait = LockedFor(username, address);
  if (wait.count() == 0) return {};
  return Fail(ErrorCode::kRateLimited,
              "too many failed sign-ins for this account or from this address; try again in " +
                  std::to_string(wait.count()) + " s");
}

std::chrono::seconds LoginThrottle::LockedFor(std::string_view username, std::string_view address) {
  const domain::TimePoint now = clock_();
  std::lock_guard lock(mu_);
  domain::TimePoint until = LockedUntil(accounts_, username);
  if (!address.empty()) until = std::max(until, LockedUntil(addresses_, address));
  if (until <= now) return std::chrono::seconds(0);
  return std::chrono::ceil<std::chrono::seconds>(until - now);
}

void LoginThrottle::RecordFailure(std::string_view username, std::string_view address) {
  const domain::TimePoint now = clock_();
  std::lock_guard lock(mu_);
  Record& account = Find(accounts_, username, kMaxTracked);
  ++account.failures;
  account.last_failure = now;
  if (account.failures >= kFreeFailures) {
    // 1 min at the 5th failure, 2 at the 6th, ... capped at 60.
    const int doublings = std::min(account.failures - kFreeFailures, 6);
    const auto lockout =
        std::min<std::chrono::minutes>(kFirstLockout * (1 << doublings), kMaxLockout);
    account.locked_until = now + lockout;
  }
  if (address.empty()) return;
  Record& from = Find(addresses_, address, kMaxTrackedAddresses);
  if (from.failures == 0 || now - from.first_failure >= kAddressWindow) {
    from.failures = 0;
    from.first_failure = now;
  }
  ++from.failures;
  from.last_failure = now;
  if (from.failures >= kAddressFreeFailures) from.locked_until = now + kAddressLockout;
}

void LoginThrottle::RecordSuccess(std::string_view username) {
  std::lock_guard lock(mu_);
  if (auto it = accounts_.find(username); it != accounts_.end()) accounts_.erase(it);
}

LoginThrottle::Record& LoginThrottle::Find(Table& table, std::string_view key, std::size_t cap) {
  if (auto it = table.find(key); it != table.end()) return it->second;
  if (table.size() >= cap) {
    auto oldest = std::min_element(table.begin(), table.end(), [](const auto& a, const auto& b) {
      return a.second.last_failure < b.second.last_failure;
    });
    table.erase(oldest);
  }
  return table.emplace(std::string(key), Record{}).first->second;
}

domain::TimePoint LoginThrottle::LockedUntil(const Table& table, std::string_view key) {
  auto it = table.find(key);
  return it == table.end() ? domain::TimePoint{} : it->second.locked_until;
}

}  // namespace simpul::service
