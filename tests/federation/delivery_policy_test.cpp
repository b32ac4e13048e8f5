#include "federation/delivery_policy.hpp"

#include <gtest/gtest.h>

namespace simpul::federation {
namespace {

using std::chrono::milliseconds;
using TimePoint = DeliveryPolicy::TimePoint;

DeliveryOptions Options() {
  DeliveryOptions o;
  o.base = milliseconds(2000);
  o.cap = milliseconds(15 * 60000);
  o.breaker_failures = 3;
  return o;
}

TEST(DeliveryPolicyTest, BackoffBoundDoublesFromBaseUpToTheCap) {
  DeliveryPolicy p(Options());
  const TimePoint t0{};
  std::vector<std::int64_t> bounds;
  for (int i = 0; i < 12; ++i) {
    p.OnFailure(t0, std::nullopt, 0.5);
    bounds.push_back(p.BackoffBound().count());
  }
  EXPECT_EQ(bounds[0], 2000);
  EXPECT_EQ(bounds[1], 4000);
  EXPECT_EQ(bounds[2], 8000);
  EXPECT_EQ(bounds[8], 512000);
  EXPECT_EQ(bounds[9], 900000);  // 1,024,000 capped at 15 min
  EXPECT_EQ(bounds[11], 900000);
}

TEST(DeliveryPolicyTest, FullJitterDrawsTheDelayFromZeroToTheBound) {
  DeliveryPolicy low(Options()), high(Options());
  const TimePoint t0{};
  low.OnFailure(t0, std::nullopt, 0.0);
  high.OnFailure(t0, std::nullopt, 0.999);
  EXPECT_EQ(low.next_attempt_at(), t0);  // jitter 0: retry at once
  EXPECT_EQ(high.next_attempt_at() - t0, milliseconds(1998));
  EXPECT_FALSE(high.MayAttempt(t0 + milliseconds(1000)));
  EXPECT_TRUE(high.MayAttempt(t0 + milliseconds(1998)));
}

TEST(DeliveryPolicyTest, RetryAfterIsHonouredWhenLongerButBounded) {
  DeliveryPolicy p(Options());
  const TimePoint t0{};
  p.OnFailure(t0, milliseconds(30000), 0.5);
  EXPECT_EQ(p.next_attempt_at() - t0, milliseconds(30000));
  DeliveryOptions o = Options();
  o.max_retry_after = milliseconds(60000);
  DeliveryPolicy bounded(o);
  bounded.OnFailure(t0, milliseconds(7 * 24 * 3600 * 1000LL), 0.5);
  EXPECT_EQ(bounded.next_attempt_at() - t0, milliseconds(60000));
}

TEST(DeliveryPolicyTest, BreakerOpensAfterConsecutiveFailuresAndProbesOnce) {
  DeliveryPolicy p(Options());
  TimePoint t{};
  p.OnFailure(t, std::nullopt, 0.0);
  p.OnFailure(t, std::nullopt, 0.0);
  EXPECT_EQ(p.state(), BreakerState::kClosed);
  p.OnFailure(t, std::nullopt, 0.5);
  EXPECT_EQ(p.state(), BreakerState::kOpen);
  EXPECT_FALSE(p.MayAttempt(t));
  t = p.next_attempt_at();
  EXPECT_TRUE(p.MayAttempt(t));
  EXPECT_EQ(p.state(), BreakerState::kHalfOpen);
  p.OnFailure(t, std::nullopt, 0.5);  // the probe failed: open again
  EXPECT_EQ(p.state(), BreakerState::kOpen);
  ASSERT_TRUE(p.MayAttempt(p.next_attempt_at()));
  p.OnSuccess();
  EXPECT_EQ(p.state(), BreakerState::kClosed);
  EXPECT_EQ(p.consecutive_failures(), 0);
  EXPECT_TRUE(p.MayAttempt(t));
}

}  // namespace
}  // namespace simpul::federation
