#include "core/rate_limiter.h"

#include <algorithm>

namespace lifeline {
namespace {

// Refills are summed in floating point, so a bucket due exactly one token can hold
// 0.9999999999999999 (0.3 + 0.3 + 0.3 + 0.1); without slack that request would be refused.
constexpr double kTokenTolerance = 1e-9;

}  // namespace

bool RateLimiter::Allow(const std::string& key, UnixMillis now) {
  std::lock_guard lock(mutex_);
  if (++calls_since_sweep_ >= kSweepEvery) SweepFullBuckets(now);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (!inserted) {
    const double refill =
        static_cast<double>(now - bucket.updated) / kMillisPerMinute * per_minute_;
    bucket.tokens = std::min(burst_, bucket.tokens + std::max(0.0, refill));
    bucket.updated = std::max(bucket.updated, now);
  }
  if (bucket.tokens < 1.0 - kTokenTolerance) return false;
  bucket.tokens -= 1.0;
  return true;
}

void RateLimiter::SweepFullBuckets(UnixMillis now) {
  calls_since_sweep_ = 0;
  std::erase_if(buckets_, [&](const auto& entry) {
    const Bucket& bucket = entry.second;
    const double refill =
        static_cast<double>(now - bucket.updated) / kMillisPerMinute * per_minute_;
    return bucket.tokens + refill >= burst_;
  });
}

}  // namespace lifeline
