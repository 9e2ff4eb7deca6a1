#include "core/rate_limiter.h"

#include <string>

#include <gtest/gtest.h>

namespace lifeline {
namespace {

constexpr UnixMillis kStart = 1580717700000;  // any instant; the limiter only uses differences

// How many requests `key` gets at `now` before the first refusal (stops at `limit`).
int CountAllowed(RateLimiter& limiter, const std::string& key, UnixMillis now, int limit = 1000) {
  int allowed = 0;
  while (allowed < limit && limiter.Allow(key, now)) ++allowed;
  return allowed;
}

TEST(RateLimiterTest, BurstThenRefusal) {
  RateLimiter limiter(/*per_minute=*/60, /*burst=*/5);
  for (int request = 0; request < 5; ++request) {
    EXPECT_TRUE(limiter.Allow("10.0.0.1", kStart)) << "request " << request;
  }
  EXPECT_FALSE(limiter.Allow("10.0.0.1", kStart));
  EXPECT_FALSE(limiter.Allow("10.0.0.1", kStart));
}

TEST(RateLimiterTest, RefillsAtTheConfiguredRate) {
  RateLimiter limiter(/*per_minute=*/60, /*burst=*/5);  // one token per second
  ASSERT_EQ(CountAllowed(limiter, "ip", kStart), 5);
  EXPECT_FALSE(limiter.Allow("ip", kStart + 999));
  EXPECT_TRUE(limiter.Allow("ip", kStart + 1000));
  EXPECT_FALSE(limiter.Allow("ip", kStart + 1000));
  EXPECT_EQ(CountAllowed(limiter, "ip", kStart + 4000), 3);
}

TEST(RateLimiterTest, RefusedRequestsDoNotResetTheRefill) {
  RateLimiter limiter(/*per_minute=*/60, /*burst=*/1);
  ASSERT_TRUE(limiter.Allow("ip", kStart));
  EXPECT_FALSE(limiter.Allow("ip", kStart + 300));
  EXPECT_FALSE(limiter.Allow("ip", kStart + 600));
  EXPECT_FALSE(limiter.Allow("ip", kStart + 900));
  EXPECT_TRUE(limiter.Allow("ip", kStart + 1000));
}

TEST(RateLimiterTest, RefillIsExactAtTheBoundary) {
  // 100 per minute: 17.4 s buys exactly 29 tokens, not 28.
  RateLimiter limiter(/*per_minute=*/100, /*burst=*/100);
  ASSERT_EQ(CountAllowed(limiter, "ip", kStart), 100);
  EXPECT_EQ(CountAllowed(limiter, "ip", kStart + 17'400), 29);
}

TEST(RateLimiterTest, SlowRatesAccumulateFractions) {
  RateLimiter limiter(/*per_minute=*/1, /*burst=*/1);
  ASSERT_TRUE(limiter.Allow("user", kStart));
  EXPECT_FALSE(limiter.Allow("user", kStart + 30'000));
  EXPECT_FALSE(limiter.Allow("user", kStart + 59'999));
  EXPECT_TRUE(limiter.Allow("user", kStart + 60'000));
  EXPECT_FALSE(limiter.Allow("user", kStart + 60'000));
}

TEST(RateLimiterTest, RefillIsCappedAtBurst) {
  RateLimiter limiter(/*per_minute=*/60, /*burst=*/3);
  ASSERT_EQ(CountAllowed(limiter, "ip", kStart), 3);
  EXPECT_EQ(CountAllowed(limiter, "ip", kStart + kMillisPerHour), 3);
}

TEST(RateLimiterTest, KeysAreIndependent) {
  RateLimiter limiter(/*per_minute=*/60, /*burst=*/2);
  ASSERT_EQ(CountAllowed(limiter, "alice", kStart), 2);
  EXPECT_FALSE(limiter.Allow("alice", kStart));
  EXPECT_EQ(CountAllowed(limiter, "bob", kStart), 2);
  EXPECT_FALSE(limiter.Allow("alice", kStart));
  EXPECT_FALSE(limiter.Allow("bob", kStart));
}

TEST(RateLimiterTest, ClockGoingBackwardsGrantsNothing) {
  RateLimiter limiter(/*per_minute=*/60, /*burst=*/1);
  ASSERT_TRUE(limiter.Allow("ip", kStart + 10'000));
  EXPECT_FALSE(limiter.Allow("ip", kStart));
  // The refill is measured from the latest instant seen, not from the earlier one.
  EXPECT_FALSE(limiter.Allow("ip", kStart + 10'999));
  EXPECT_TRUE(limiter.Allow("ip", kStart + 11'000));
}

TEST(RateLimiterTest, SweepingIdleBucketsKeepsEmptyOnesEmpty) {
  RateLimiter limiter(/*per_minute=*/1, /*burst=*/1);
  ASSERT_TRUE(limiter.Allow("attacker", kStart));
  // Enough traffic from other clients to trigger several sweeps of full buckets.
  for (int client = 0; client < 5000; ++client) {
    ASSERT_TRUE(limiter.Allow("client-" + std::to_string(client), kStart + 1000));
  }
  EXPECT_FALSE(limiter.Allow("attacker", kStart + 2000));
  // A swept client comes back with a full bucket, as if never seen.
  EXPECT_TRUE(limiter.Allow("client-0", kStart + kMillisPerHour));
  EXPECT_FALSE(limiter.Allow("client-0", kStart + kMillisPerHour));
}

TEST(RateLimiterTest, ZeroRateNeverRefills) {
  RateLimiter limiter(/*per_minute=*/0, /*burst=*/2);
  ASSERT_EQ(CountAllowed(limiter, "ip", kStart), 2);
  EXPECT_FALSE(limiter.Allow("ip", kStart + 365 * kMillisPerDay));
}

}  // namespace
}  // namespace lifeline
