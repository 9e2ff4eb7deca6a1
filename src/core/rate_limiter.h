#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/time.h"

namespace lifeline {

// Token buckets keyed by a string (a client address, a username): each key may spend
// `burst` requests at once and regains `per_minute` per minute. Thread-safe. Buckets that have
// refilled completely are dropped, so memory stays bounded by the keys active recently.
class RateLimiter {
 public:
  RateLimiter(double per_minute, double burst) : per_minute_(per_minute), burst_(burst) {}

  // Spends one token for `key` at `now`; false if the bucket is empty.
  bool Allow(const std::string& key, UnixMillis now);

 private:
  struct Bucket {
    double tokens;
    UnixMillis updated;
  };
  static constexpr std::size_t kSweepEvery = 1024;

  void SweepFullBuckets(UnixMillis now);

  const double per_minute_;
  const double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::size_t calls_since_sweep_ = 0;
};

}  // namespace lifeline
