#include "node/service/login_throttle.hpp"

#include <algorithm>

namespace simpul::service {

Result<void> LoginThrottle::Check(std::string_view username) {
  const domain::TimePoint now = clock_();
  std::lock_guard lock(mu_);
  auto it = records_.find(username);
  if (it == records_.end() || it->second.locked_until <= now) return {};
  const auto wait = std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now);
  return Fail(ErrorCode::kRateLimited, "too many failed sign-ins for this account; try again in " +
                                           std::to_string(wait.count()) + " s");
}

void LoginThrottle::RecordFailure(std::string_view username) {
  const domain::TimePoint now = clock_();
  std::lock_guard lock(mu_);
  auto it = records_.find(username);
  if (it == records_.end()) {
    if (records_.size() >= kMaxTracked) EvictOldest();
    it = records_.emplace(std::string(username), Record{}).first;
  }
  Record& r = it->second;
  ++r.failures;
  r.last_failure = now;
  if (r.failures >= kFreeFailures) {
    // 1 min at the 5th failure, 2 at the 6th, ... capped at 60.
    const int doublings = std::min(r.failures - kFreeFailures, 6);
    const auto lockout =
        std::min<std::chrono::minutes>(kFirstLockout * (1 << doublings), kMaxLockout);
    r.locked_until = now + lockout;
  }
}

void LoginThrottle::RecordSuccess(std::string_view username) {
  std::lock_guard lock(mu_);
  if (auto it = records_.find(username); it != records_.end()) records_.erase(it);
}

void LoginThrottle::EvictOldest() {
  auto oldest = std::min_element(
      records_.begin(), records_.end(),
      [](const auto& a, const auto& b) { return a.second.last_failure < b.second.last_failure; });
  if (oldest != records_.end()) records_.erase(oldest);
}

}  // namespace simpul::service
