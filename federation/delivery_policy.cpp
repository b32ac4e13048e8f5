#include "federation/delivery_policy.hpp"

#include <algorithm>
#include <cmath>

namespace simpul::federation {

std::string_view Name(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

DeliveryPolicy::DeliveryPolicy(DeliveryOptions options) : options_(options) {}

bool DeliveryPolicy::MayAttempt(TimePoint now) {
  if (now < next_attempt_at_) return false;
  if (state_ == BreakerState::kOpen) state_ = BreakerState::kHalfOpen;
  return true;
}

void DeliveryPolicy::OnSuccess() {
  failures_ = 0;
  state_ = BreakerState::kClosed;
  next_attempt_at_ = {};
}

std::chrono::milliseconds DeliveryPolicy::BackoffBound() const {
  if (failures_ <= 0) return std::chrono::milliseconds(0);
  // base * 2^(failures-1), computed without overflow: stop doubling once past the cap.
  auto bound = options_.base;
  for (int i = 1; i < failures_ && bound < options_.cap; ++i) bound *= 2;
  return std::min(bound, options_.cap);
}

void DeliveryPolicy::OnFailure(TimePoint now, std::optional<std::chrono::milliseconds> retry_after,
                               double jitter) {
  ++failures_;
  jitter = std::clamp(jitter, 0.0, 1.0);
  auto delay = std::chrono::milliseconds(
      static_cast<std::int64_t>(std::floor(static_cast<double>(BackoffBound().count()) * jitter)));
  if (retry_after) delay = std::max(delay, std::min(*retry_after, options_.max_retry_after));
  next_attempt_at_ = now + delay;
  if (state_ == BreakerState::kHalfOpen || failures_ >= options_.breaker_failures) {
    state_ = BreakerState::kOpen;
  }
}

}  // namespace simpul::federation
