#pragma once

// Small random cities for the companion engine's tests: a few sites in a 3 km square, phones
// moving between them over 16 days, cases, sometimes a random rule (see RandomCity).

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "engines/companions/companions.h"

namespace lifeline::companions::testing {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;

struct City {
  std::vector<Tower> towers;
  std::vector<Record> records;
  std::vector<Case> cases;
  CompanionRule rule;
  EngineOptions options;
};

template <typename T>
inline T Pick(std::mt19937_64& rng, std::initializer_list<T> choices) {
  return *(choices.begin() +
           std::uniform_int_distribution<std::size_t>(0, choices.size() - 1)(rng));
}

inline std::int64_t Uniform(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

// A few sites in a 3 km square, some with a second tower a few tens of metres away (often in the
// same grid cell); 5-20 phones with a home site, moving between sites over 16 days in visits of
// minutes to 40 hours, seen every 1-90 minutes, with silent spells; dense enough that the rule
// fires in most cities. Half the cities use times on a 5-minute lattice, so ties and exact
// thresholds occur; half use a random rule.
inline City RandomCity(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  City city;
  const double base_lat = 30.5, base_lon = 114.3;
  const int sites = static_cast<int>(Uniform(rng, 2, 5));
  std::vector<std::uint32_t> ids(40);
  for (std::uint32_t idx = 0; idx < ids.size(); ++idx) ids[idx] = idx;
  std::shuffle(ids.begin(), ids.end(), rng);
  std::uniform_real_distribution<double> spread(0, 0.027);  // about 3 km
  for (int site = 0; site < sites; ++site) {
    const double lat = base_lat + spread(rng), lon = base_lon + spread(rng);
    const int towers_here = static_cast<int>(Uniform(rng, 1, 2));
    for (int tower = 0; tower < towers_here; ++tower) {
      const double jitter = tower == 0 ? 0 : 0.0003;
      std::string cell_id = "T";
      cell_id += std::to_string(ids[city.towers.size()]);
      city.towers.push_back(
          {std::move(cell_id), lat + jitter, lon + jitter * Pick(rng, {-1.0, 1.0})});
    }
  }
  const bool lattice = rng() % 2 == 0;
  const std::int64_t t0 = 1'640'000'000;
  const auto snap = [&](std::int64_t time) { return lattice ? time - time % 300 : time; };
  const int phones = static_cast<int>(Uniform(rng, 5, 20));
  std::vector<std::uint64_t> keys;
  for (int phone = 0; phone < phones; ++phone) {
    const std::uint64_t key = rng() % 3 == 0 ? static_cast<std::uint64_t>(phone + 1) : rng();
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    keys.push_back(key);
    const auto home = static_cast<std::uint32_t>(Uniform(rng, 0, city.towers.size() - 1));
    std::int64_t time = t0 + Uniform(rng, 0, 6 * kHour);
    while (time < t0 + 16 * kDay) {
      const std::uint32_t tower =
          rng() % 2 == 0 ? home
                         : static_cast<std::uint32_t>(Uniform(rng, 0, city.towers.size() - 1));
      const int kind = static_cast<int>(Uniform(rng, 0, 9));
      const std::int64_t length = kind < 3   ? Uniform(rng, 5 * 60, kHour)
                                  : kind < 7 ? Uniform(rng, kHour, 8 * kHour)
                                             : Uniform(rng, 8 * kHour, 40 * kHour);
      const std::int64_t until = time + length;
      while (time <= until) {
        city.records.push_back({key, tower, snap(time)});
        time += Uniform(rng, 60, 90 * 60);
      }
      if (rng() % 5 == 0) time += Uniform(rng, 0, 10 * kHour);  // phone off
    }
  }
  const int cases = static_cast<int>(Uniform(rng, 1, std::min<int>(4, keys.size())));
  std::vector<std::uint64_t> shuffled = keys;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  for (int idx = 0; idx < cases; ++idx) {
    city.cases.push_back({shuffled[idx], snap(t0 + Uniform(rng, -kDay, 17 * kDay))});
  }
  if (rng() % 2 == 0) {
    city.rule.gap_s = Pick<std::int64_t>(rng, {0, 600, 1800, 3600, 7200});
    city.rule.overlap_s = Pick<std::int64_t>(rng, {0, 300, 600, 1200});
    city.rule.dwell_s = Pick<std::int64_t>(rng, {0, 3600, 36000, 108000, 200000});
    city.rule.window_s = Pick<std::int64_t>(rng, {1, 3, 7, 14}) * kDay;
    city.rule.cell_meters = Pick(rng, {300.0, 800.0, 1500.0});
    if (rng() % 3 == 0) city.rule.origin = LatLon{base_lat - 0.01, base_lon - 0.01};
  }
  city.options.long_stay_s =
      Pick<std::int64_t>(rng, {0, 1800, kDefaultLongStaySeconds, kDay * 100});
  std::shuffle(city.records.begin(), city.records.end(), rng);
  return city;
}

}  // namespace lifeline::companions::testing
