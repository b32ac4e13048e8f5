#pragma once
// When a sender retries a destination (DESIGN §3, Outbox): exponential backoff with full jitter,
// the peer's Retry-After honoured, and a circuit breaker that stops hammering a peer that keeps
// failing. Pure state machines on explicit time, so delivery is testable without clocks:
//
//   DeliveryPolicy policy(options);
//   if (!policy.MayAttempt(now)) wait until policy.next_attempt_at();
//   ... deliver ...
//   ok ? policy.OnSuccess() : policy.OnFailure(now, retry_after, uniform_0_1);
//
// Not synchronised: one dispatcher owns one policy.

#include <chrono>
#include <optional>
#include <string_view>

namespace simpul::federation {

struct DeliveryOptions {
  std::chrono::milliseconds base{2000};       // first retry delay bound
  std::chrono::milliseconds cap{15 * 60000};  // largest delay bound
  int breaker_failures = 5;                   // consecutive failures that open the breaker
  std::chrono::milliseconds max_retry_after{24 * 3600 * 1000};  // a peer cannot ask for more
};

enum class BreakerState {
  kClosed,    // deliveries flow
  kOpen,      // the peer keeps failing: wait for next_attempt_at, then probe once
  kHalfOpen,  // one probe is allowed; its outcome closes or re-opens the breaker
};

std::string_view Name(BreakerState state);

class DeliveryPolicy {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit DeliveryPolicy(DeliveryOptions options);

  // True if an attempt may start at `now`. Moves an open breaker whose wait is over to
  // half-open (one probe).
  bool MayAttempt(TimePoint now);

  // The delivery succeeded: failures reset, breaker closed.
  void OnSuccess();

  // The delivery failed at `now`. The next attempt waits a delay drawn uniformly from
  // [0, min(cap, base * 2^(failures-1))) using `jitter` in [0, 1) ("full jitter"), or the peer's
  // `retry_after` if that is longer (bounded by max_retry_after). Opens the breaker after
  // breaker_failures consecutive failures, or at once when a half-open probe fails.
  void OnFailure(TimePoint now, std::optional<std::chrono::milliseconds> retry_after,
                 double jitter);

  BreakerState state() const { return state_; }
  int consecutive_failures() const { return failures_; }
  TimePoint next_attempt_at() const { return next_attempt_at_; }
  // The delay bound before jitter for the current failure count (for tests and metrics).
  std::chrono::milliseconds BackoffBound() const;

 private:
  DeliveryOptions options_;
  BreakerState state_ = BreakerState::kClosed;
  int failures_ = 0;
  TimePoint next_attempt_at_{};
};

}  // namespace simpul::federation
