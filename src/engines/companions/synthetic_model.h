#pragma once

// The synthetic city's insides, shared by synthetic_city.cc (building the city) and
// synthetic_records.cc (the phones' days): random streams, the map, places and profiles.
// Not for other code: the public face is synthetic_city.h.

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "engines/companions/synthetic_city.h"

namespace lifeline::companions::synthetic {

// ---------------------------------------------------------------------------------------------
// Counter-based random streams: every draw is keyed to what it is for, never to a shared
// sequence, so any part of the city can be generated alone, on any thread, in any order.

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

// The splitmix64 finaliser (Steele, Lea, Flood 2014).
constexpr std::uint64_t Mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// What a stream is for; part of its key.
enum class Stream : std::uint64_t {
  kTower = 1,
  kHousehold,
  kHome,
  kPlace,
  kProfile,
  kDay,
  kCase,
  kNumber,
};

inline std::uint64_t StreamKey(std::uint64_t seed, Stream stream, std::uint64_t index,
                               std::uint64_t sub = 0) {
  std::uint64_t key = Mix64(seed + kGolden * static_cast<std::uint64_t>(stream));
  key = Mix64(key ^ (index * kGolden + 1));
  return Mix64(key ^ (sub * 0xd1b54a32d192ed03ULL + 7));
}

// splitmix64 as a generator: a counter run through the finaliser. Distributions use only integer
// arithmetic and correctly rounded IEEE operations, so draws are identical on every platform.
// Cheap to make; not thread-safe (one per stream).
class Rng {
 public:
  explicit Rng(std::uint64_t key) : state_(key) {}

  std::uint64_t Next() {
    state_ += kGolden;
    return Mix64(state_);
  }
  // Uniform in [0, bound) by multiply-and-shift (Lemire); the bias is below 2^-32 for our bounds.
  std::uint64_t Below(std::uint64_t bound) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(Next()) * bound) >> 64);
  }
  // Uniform integer in [low, high].
  std::int64_t Between(std::int64_t low, std::int64_t high) {
    return low + static_cast<std::int64_t>(Below(static_cast<std::uint64_t>(high - low) + 1));
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool PerMille(int per_mille) { return static_cast<int>(Below(1000)) < per_mille; }
  // Roughly standard normal: Irwin-Hall with four terms, scaled to unit variance. Light tails are
  // fine for scattering things around a centre, and it needs neither log nor cos.
  double Normal() {
    constexpr double kUnitVariance = 1.7320508075688772;  // sqrt(12 / 4)
    return (Unit() + Unit() + Unit() + Unit() - 2.0) * kUnitVariance;
  }
  // An index drawn with probability proportional to `weights` (not all zero).
  std::size_t Weighted(std::span<const int> weights) {
    int total = 0;
    for (const int weight : weights) total += weight;
    int draw = static_cast<int>(Below(static_cast<std::uint64_t>(total)));
    for (std::size_t idx = 0; idx < weights.size(); ++idx) {
      if (draw < weights[idx]) return idx;
      draw -= weights[idx];
    }
    return weights.size() - 1;
  }

 private:
  std::uint64_t state_;
};

// ---------------------------------------------------------------------------------------------
// The map: a Wuhan-sized box, in planar metres east and north of its south-west corner (the
// generator's own projection; the files carry degrees).

constexpr std::int64_t kLatMinMicro = 30'450'000;
constexpr std::int64_t kLatMaxMicro = 30'750'000;
constexpr std::int64_t kLonMinMicro = 114'100'000;
constexpr std::int64_t kLonMaxMicro = 114'500'000;
// R·π/180 with R = 6371008.8 m; a degree of longitude is that times cos(30.6°).
constexpr double kMetersPerDegreeLat = 111195.08;
constexpr double kMetersPerDegreeLon = 95710.0;
constexpr double kBoxWidth = (kLonMaxMicro - kLonMinMicro) * 1e-6 * kMetersPerDegreeLon;
constexpr double kBoxHeight = (kLatMaxMicro - kLatMinMicro) * 1e-6 * kMetersPerDegreeLat;

struct Point {
  double x = 0;
  double y = 0;
};

inline double DistanceSquared(Point a, Point b) {
  return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y);
}

// A day's plan is in seconds from the day's start, read as local time in UTC+8.
constexpr std::int32_t kDaySeconds = 86400;
constexpr std::int64_t kLocalOffsetSeconds = 8 * 3600;

// ---------------------------------------------------------------------------------------------
// Places and people.

enum class PlaceKind : std::uint8_t {
  kHome,
  kOffice,
  kFactory,
  kSchool,
  kHospital,
  kMarket,
  kSupermarket,
};
constexpr std::size_t kPlaceKinds = 7;

enum class Role : std::uint8_t { kStudent, kWorker, kAtHome };

constexpr std::uint32_t kNoPlace = std::numeric_limits<std::uint32_t>::max();

// Towers a place sees: the nearest first.
constexpr int kNearTowers = 3;

constexpr std::size_t kTowerIdChars = 7;  // "C" and six digits

}  // namespace lifeline::companions::synthetic

namespace lifeline::companions {

struct SyntheticCity::Place {
  synthetic::Point point;
  std::array<std::uint32_t, synthetic::kNearTowers> near_towers{};
  // How often a phone here records each of near_towers, per mille (they sum to 1000): a place
  // near one tower sees it nearly always, one halfway between two ping-pongs between them.
  std::array<std::uint16_t, synthetic::kNearTowers> tower_per_mille{};
  synthetic::PlaceKind kind = synthetic::PlaceKind::kHome;
  std::uint8_t district = 0;
};

// Who a phone is: where it lives, works and likes to go, and its habits; fixed for the period.
struct SyntheticCity::Profile {
  std::uint32_t household = 0;  // also its home's place id
  std::uint32_t work = synthetic::kNoPlace;
  std::array<std::uint32_t, 3> favourites{};
  std::uint8_t favourite_count = 0;
  synthetic::Role role = synthetic::Role::kAtHome;
  std::uint8_t off_days = 0;  // bit d: no work on weekday d (0 = Sunday)
  std::uint16_t work_start_min = 0;
  std::uint16_t work_minutes = 0;
  std::uint16_t evening_per_mille = 0;  // chance of visiting a favourite after work
};

// The nearest towers to a point, by a uniform grid of buckets over the box. Immutable after
// construction; safe to share between threads.
class SyntheticCity::TowerLocator {
 public:
  explicit TowerLocator(std::vector<synthetic::Point> towers);

  // The `count` (1 to kNearTowers) nearest towers to `point` (clamped into the box), nearest
  // first, into `out`; of equally near towers the one met first in the grid's fixed order.
  void Nearest(synthetic::Point point, int count, std::uint32_t* out) const;
  synthetic::Point point(std::uint32_t tower) const { return towers_[tower]; }

 private:
  std::size_t BucketOf(synthetic::Point point) const;

  std::vector<synthetic::Point> towers_;
  double bucket_meters_ = 1;
  int cols_ = 1;
  int rows_ = 1;
  std::vector<std::uint32_t> first_;  // per bucket, its first slot in ids_; one more at the end
  std::vector<std::uint32_t> ids_;
};

}  // namespace lifeline::companions
