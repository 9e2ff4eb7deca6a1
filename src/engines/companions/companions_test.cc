#include "engines/companions/companions.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/time.h"
#include "engines/companions/record_ingest.h"
#include "engines/companions/run_store.h"

namespace lifeline::companions {
namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;

// ---------------------------------------------------------------------------------------------
// The reference: the rule of issue 5 read literally, quadratic, sharing no code with the engine.

struct RefStay {
  std::int64_t gx = 0, gy = 0;
  std::int64_t start = 0, end = 0;
};

struct RefCity {
  std::map<std::uint64_t, std::vector<RefStay>> stays;  // by phone
};

RefCity RefBuild(const std::vector<Tower>& towers, const std::vector<Record>& records,
                 const CompanionRule& rule) {
  double lat0 = 0, lon0 = 0;
  if (rule.origin) {
    lat0 = rule.origin->lat;
    lon0 = rule.origin->lon;
  } else if (!towers.empty()) {
    lat0 = towers[0].lat;
    lon0 = towers[0].lon;
    for (const Tower& tower : towers) {
      lat0 = std::min(lat0, tower.lat);
      lon0 = std::min(lon0, tower.lon);
    }
  }
  const double pi = std::numbers::pi;
  std::vector<std::pair<std::int64_t, std::int64_t>> grid;
  for (const Tower& tower : towers) {
    const double x = 6371008.8 * ((tower.lon - lon0) * pi / 180.0) * std::cos(lat0 * pi / 180.0);
    const double y = 6371008.8 * ((tower.lat - lat0) * pi / 180.0);
    grid.emplace_back(static_cast<std::int64_t>(std::floor(x / rule.cell_meters)),
                      static_cast<std::int64_t>(std::floor(y / rule.cell_meters)));
  }
  std::map<std::uint64_t, std::vector<Record>> by_phone;
  for (const Record& record : records) by_phone[record.phone].push_back(record);
  RefCity city;
  for (auto& [phone, list] : by_phone) {
    // "order one phone's records by time (ties by cell id)"
    std::stable_sort(list.begin(), list.end(), [&](const Record& a, const Record& b) {
      if (a.time != b.time) return a.time < b.time;
      return towers[a.tower].cell_id < towers[b.tower].cell_id;
    });
    std::vector<RefStay>& stays = city.stays[phone];
    std::size_t idx = 0;
    while (idx < list.size()) {
      // "Consecutive records in the same grid cell form one stay."
      const auto cell = grid[list[idx].tower];
      std::size_t last = idx;
      while (last + 1 < list.size() && grid[list[last + 1].tower] == cell) ++last;
      RefStay stay{cell.first, cell.second, list[idx].time, list[last].time};
      // "ends at the phone's next record ... if that comes within 3600 s of the stay's last
      // record, otherwise at the stay's last record."
      if (last + 1 < list.size() && list[last + 1].time - list[last].time <= rule.gap_s) {
        stay.end = list[last + 1].time;
      }
      stays.push_back(stay);
      idx = last + 1;
    }
  }
  return city;
}

struct RefCoStay {
  RefStay case_stay, companion_stay;  // clipped
  std::int64_t overlap_start = 0, overlap_end = 0;
};

struct RefResult {
  std::vector<CompanionPair> pairs;
  // (case, companion) -> qualifying co-stays; dwells per cell (case, companion).
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<RefCoStay>> co_stays;
  std::map<std::pair<std::uint64_t, std::uint64_t>,
           std::map<std::pair<std::int64_t, std::int64_t>, std::pair<std::int64_t, std::int64_t>>>
      dwells;
};

RefResult RefEvaluate(const RefCity& city, std::vector<Case> cases, const CompanionRule& rule) {
  std::sort(cases.begin(), cases.end(),
            [](const Case& a, const Case& b) { return a.phone < b.phone; });
  RefResult result;
  for (const Case& confirmed : cases) {
    const std::int64_t lo = confirmed.confirmed_at - rule.window_s, hi = confirmed.confirmed_at;
    // Clip every phone's stays to [lo, hi] and sum dwells.
    std::map<std::uint64_t, std::vector<RefStay>> clipped;
    std::map<std::uint64_t, std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t>> dwell;
    for (const auto& [phone, stays] : city.stays) {
      for (const RefStay& stay : stays) {
        if (stay.end < lo || stay.start > hi) continue;
        RefStay cut = stay;
        cut.start = std::max(stay.start, lo);
        cut.end = std::min(stay.end, hi);
        clipped[phone].push_back(cut);
        dwell[phone][{cut.gx, cut.gy}] += cut.end - cut.start;
      }
    }
    for (const auto& [phone, stays] : clipped) {
      if (phone == confirmed.phone) continue;
      CompanionPair pair{confirmed.phone, phone, 0, 0, 0};
      std::vector<RefCoStay> evidence;
      for (const RefStay& mine : clipped[confirmed.phone]) {
        for (const RefStay& theirs : stays) {
          if (mine.gx != theirs.gx || mine.gy != theirs.gy) continue;
          const std::int64_t start = std::max(mine.start, theirs.start);
          const std::int64_t end = std::min(mine.end, theirs.end);
          if (end - start <= rule.overlap_s) continue;
          const std::pair<std::int64_t, std::int64_t> cell{mine.gx, mine.gy};
          if (dwell[confirmed.phone][cell] <= rule.dwell_s && dwell[phone][cell] <= rule.dwell_s) {
            continue;
          }
          pair.first_overlap_start =
              pair.co_stays == 0 ? start : std::min(pair.first_overlap_start, start);
          pair.longest_overlap_s = std::max(pair.longest_overlap_s, end - start);
          ++pair.co_stays;
          evidence.push_back({mine, theirs, start, end});
          result.dwells[{confirmed.phone, phone}][cell] = {dwell[confirmed.phone][cell],
                                                           dwell[phone][cell]};
        }
      }
      if (pair.co_stays > 0) {
        result.pairs.push_back(pair);
        result.co_stays[{confirmed.phone, phone}] = evidence;
      }
    }
  }
  return result;
}

// Compares the engine's explanation of a pair with the reference's evidence, as multisets.
void ExpectSameEvidence(const Explanation& explanation, const RefResult& ref) {
  const std::pair<std::uint64_t, std::uint64_t> key{explanation.case_phone,
                                                    explanation.companion_phone};
  std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                         std::int64_t, std::int64_t, std::int64_t>>
      got, want;
  for (const CoStay& co : explanation.co_stays) {
    EXPECT_GT(co.overlap.end - co.overlap.start, 0);
    got.emplace_back(co.cell.gx, co.cell.gy, co.case_stay.start, co.case_stay.end,
                     co.companion_stay.start, co.companion_stay.end, co.overlap.start,
                     co.overlap.end);
  }
  if (const auto found = ref.co_stays.find(key); found != ref.co_stays.end()) {
    for (const RefCoStay& co : found->second) {
      want.emplace_back(co.case_stay.gx, co.case_stay.gy, co.case_stay.start, co.case_stay.end,
                        co.companion_stay.start, co.companion_stay.end, co.overlap_start,
                        co.overlap_end);
    }
  }
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(std::get<6>(a), std::get<0>(a), std::get<1>(a), std::get<2>(a),
                           std::get<4>(a)) < std::make_tuple(std::get<6>(b), std::get<0>(b),
                                                             std::get<1>(b), std::get<2>(b),
                                                             std::get<4>(b));
  }));
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want) << "case " << key.first << " companion " << key.second;

  std::map<std::pair<std::int64_t, std::int64_t>, std::pair<std::int64_t, std::int64_t>> got_dwells,
      want_dwells;
  for (const CellDwell& dwell : explanation.dwells) {
    got_dwells[{dwell.cell.gx, dwell.cell.gy}] = {dwell.case_dwell_s, dwell.companion_dwell_s};
  }
  if (const auto found = ref.dwells.find(key); found != ref.dwells.end()) {
    want_dwells = found->second;
  }
  EXPECT_EQ(got_dwells, want_dwells) << "case " << key.first << " companion " << key.second;
}

// ---------------------------------------------------------------------------------------------
// Small random cities.

struct City {
  std::vector<Tower> towers;
  std::vector<Record> records;
  std::vector<Case> cases;
  CompanionRule rule;
  EngineOptions options;
};

template <typename T>
T Pick(std::mt19937_64& rng, std::initializer_list<T> choices) {
  return *(choices.begin() +
           std::uniform_int_distribution<std::size_t>(0, choices.size() - 1)(rng));
}

std::int64_t Uniform(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

// A few sites in a 3 km square, some with a second tower a few tens of metres away (often in the
// same grid cell); 5-20 phones with a home site, moving between sites over 16 days in visits of
// minutes to 40 hours, seen every 1-90 minutes, with silent spells; dense enough that the rule
// fires in most cities. Half the cities use times on a 5-minute lattice, so ties and exact
// thresholds occur; half use a random rule.
City RandomCity(std::uint64_t seed) {
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

TEST(CompanionEngineTest, MatchesTheReferenceOnRandomCities) {
  constexpr int kCities = 500;
  int cities_with_pairs = 0, cities_with_rejected_overlaps = 0;
  std::size_t total_pairs = 0;
  for (int seed = 1; seed <= kCities; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const City city = RandomCity(static_cast<std::uint64_t>(seed));
    const auto engine = CompanionEngine::Build(city.towers, city.records, city.rule, city.options);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    const RefCity ref_city = RefBuild(city.towers, city.records, city.rule);

    // Stays, phone by phone.
    ASSERT_EQ(engine->stays().phone_count(), ref_city.stays.size());
    for (const auto& [phone, ref_stays] : ref_city.stays) {
      const std::vector<Stay> stays = engine->StaysOf(phone);
      ASSERT_EQ(stays.size(), ref_stays.size()) << "phone " << phone;
      for (std::size_t idx = 0; idx < stays.size(); ++idx) {
        EXPECT_EQ(stays[idx].cell, (GridCell{ref_stays[idx].gx, ref_stays[idx].gy}));
        EXPECT_EQ(stays[idx].interval, (Interval{ref_stays[idx].start, ref_stays[idx].end}));
      }
    }

    // Pairs, with one thread and with several.
    const RefResult ref = RefEvaluate(ref_city, city.cases, city.rule);
    const auto pairs = engine->Evaluate(city.cases, 1);
    ASSERT_TRUE(pairs.ok()) << pairs.status().ToString();
    EXPECT_EQ(*pairs, ref.pairs);
    const auto threaded = engine->Evaluate(city.cases, 3);
    ASSERT_TRUE(threaded.ok());
    EXPECT_EQ(*threaded, *pairs);

    // Evidence for every pair and for every other (case, phone): empty when no pair.
    for (const Case& confirmed : city.cases) {
      for (const auto& [phone, unused] : ref_city.stays) {
        if (phone == confirmed.phone) continue;
        const auto explanation = engine->Explain(confirmed, phone);
        ASSERT_TRUE(explanation.ok());
        EXPECT_EQ(explanation->window,
                  (Interval{confirmed.confirmed_at - city.rule.window_s, confirmed.confirmed_at}));
        ExpectSameEvidence(*explanation, ref);
      }
    }

    if (!ref.pairs.empty()) ++cities_with_pairs;
    total_pairs += ref.pairs.size();
    // Some cities must also have overlapping stays that the dwell condition turns down.
    CompanionRule no_dwell = city.rule;
    no_dwell.dwell_s = 0;
    if (RefEvaluate(ref_city, city.cases, no_dwell).pairs.size() > ref.pairs.size()) {
      ++cities_with_rejected_overlaps;
    }
  }
  // The generator must make the rule fire often, and often not, or the comparison proves little.
  EXPECT_GT(cities_with_pairs, kCities / 2);
  EXPECT_LT(cities_with_pairs, kCities);
  EXPECT_GT(cities_with_rejected_overlaps, kCities / 10);
  RecordProperty("cities_with_pairs", cities_with_pairs);
  RecordProperty("total_pairs", static_cast<int>(total_pairs));
  std::printf(
      "cities with companions: %d of %d; pairs: %zu; cities where dwell turned some down: %d\n",
      cities_with_pairs, kCities, total_pairs, cities_with_rejected_overlaps);
}

TEST(CompanionEngineTest, SameResultWhateverTheThreadCount) {
  City city = RandomCity(4242);
  city.rule = CompanionRule{};
  // A bigger city: many copies of the phones, shifted in time, and every phone a case.
  std::vector<Record> more;
  for (std::uint64_t copy = 1; copy < 20; ++copy) {
    for (const Record& record : city.records) {
      more.push_back({record.phone ^ (copy << 56), record.tower,
                      record.time + static_cast<std::int64_t>(copy) * 1800});
    }
  }
  city.records.insert(city.records.end(), more.begin(), more.end());
  std::set<std::uint64_t> phones;
  for (const Record& record : city.records) phones.insert(record.phone);
  std::vector<Case> cases;
  std::int64_t at = 1'640'000'000 + 15 * kDay;
  for (const std::uint64_t phone : phones) cases.push_back({phone, at += 977});
  const auto engine = CompanionEngine::Build(city.towers, city.records, city.rule);
  ASSERT_TRUE(engine.ok());
  const auto one = engine->Evaluate(cases, 1);
  const auto four = engine->Evaluate(cases, 4);
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(four.ok());
  EXPECT_FALSE(one->empty());
  EXPECT_EQ(*one, *four);
  EXPECT_EQ(*one,
            RefEvaluate(RefBuild(city.towers, city.records, city.rule), cases, city.rule).pairs);
}

// ---------------------------------------------------------------------------------------------
// Hand-written edge cases. Towers "A" and "A2" share grid cell (0, 0) of the explicit origin;
// "B" and "C" lie in other cells. The towers are listed out of cell_id order on purpose.

constexpr std::uint32_t kB = 0, kA = 1, kC = 2, kA2 = 3;
constexpr std::int64_t kT0 = 1'700'000'000;

std::vector<Tower> Towers() {
  return {
      {"B", 30.02, 114.02}, {"A", 30.001, 114.001}, {"C", 30.04, 114.04}, {"A2", 30.003, 114.003}};
}

CompanionRule Rule() {
  CompanionRule rule;
  rule.origin = LatLon{30.0, 114.0};
  return rule;
}

// A hand-written town: its records and the engine over them. Pairs() checks every answer
// against the reference as well.
struct Town {
  std::vector<Record> records;
  CompanionRule rule;
  CompanionEngine engine;

  std::vector<CompanionPair> Pairs(const std::vector<Case>& cases) const {
    auto pairs = engine.Evaluate(cases);
    EXPECT_TRUE(pairs.ok()) << pairs.status().ToString();
    if (!pairs.ok()) return {};
    EXPECT_EQ(*pairs, RefEvaluate(RefBuild(Towers(), records, rule), cases, rule).pairs);
    return std::move(pairs).value();
  }
};

Town Build(const std::vector<Record>& records, const CompanionRule& rule = Rule()) {
  auto engine = CompanionEngine::Build(Towers(), records, rule);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return {records, rule, std::move(engine).value()};
}

TEST(CompanionRuleTest, DefaultsAreTheIssues) {
  const CompanionRule rule;
  EXPECT_EQ(rule.cell_meters, 800.0);
  EXPECT_EQ(kEarthRadiusMeters, 6371008.8);
  EXPECT_EQ(rule.gap_s, 3600);
  EXPECT_EQ(rule.window_s, 14 * 86400);
  EXPECT_EQ(rule.overlap_s, 600);
  EXPECT_EQ(rule.dwell_s, 108000);
  EXPECT_FALSE(rule.origin.has_value());
}

TEST(CompanionGridTest, CellsFollowTheFormulaAndPackInOrder) {
  const auto cells = TowerCells(Towers(), LatLon{30.0, 114.0}, 800.0);
  ASSERT_TRUE(cells.ok());
  EXPECT_EQ((*cells)[kA], (GridCell{0, 0}));
  EXPECT_EQ((*cells)[kA2], (GridCell{0, 0}));
  // B: x = R·rad(0.02)·cos(rad(30)) = 1925.9 m, y = R·rad(0.02) = 2223.9 m.
  EXPECT_EQ((*cells)[kB], (GridCell{2, 2}));
  // Without an origin: the minimum latitude and the minimum longitude, here tower A's.
  EXPECT_EQ(GridOrigin(Towers(), std::nullopt).lat, 30.001);
  EXPECT_EQ(GridOrigin(Towers(), std::nullopt).lon, 114.001);
  for (const GridCell cell :
       {GridCell{0, 0}, GridCell{-3, 7}, GridCell{-(1LL << 31), (1LL << 31) - 1}}) {
    EXPECT_EQ(UnpackCell(PackCell(cell)), cell);
  }
  EXPECT_LT(PackCell({-1, 5}), PackCell({0, -5}));
  EXPECT_LT(PackCell({0, -5}), PackCell({0, 4}));
}

TEST(CompanionStaysTest, TiesInTimeGoByTheTowersCellIdText) {
  // At kT0 + 100 the phone is seen on A and B: "A" < "B", so A's record comes first and the
  // stay in A runs to B's record at the same second.
  const Town town =
      Build({{5, kB, kT0 + 100}, {5, kA, kT0}, {5, kA, kT0 + 100}, {5, kC, kT0 + 200}});
  const std::vector<Stay> stays = town.engine.StaysOf(5);
  ASSERT_EQ(stays.size(), 3u);
  EXPECT_EQ(stays[0], (Stay{{0, 0}, {kT0, kT0 + 100}}));
  EXPECT_EQ(stays[1], (Stay{{2, 2}, {kT0 + 100, kT0 + 200}}));
  EXPECT_EQ(stays[2].interval, (Interval{kT0 + 200, kT0 + 200}));
}

TEST(CompanionStaysTest, NextRecordWithinTheGapEndsTheStay) {
  const Town town = Build({{1, kA, kT0},
                           {1, kA, kT0 + 1000},
                           {1, kB, kT0 + 4600},
                           {2, kA, kT0},
                           {2, kA, kT0 + 1000},
                           {2, kB, kT0 + 4601}});
  EXPECT_EQ(town.engine.StaysOf(1)[0].interval, (Interval{kT0, kT0 + 4600}));  // exactly the gap
  EXPECT_EQ(town.engine.StaysOf(2)[0].interval, (Interval{kT0, kT0 + 1000}));  // one second more
}

TEST(CompanionStaysTest, TwoTowersInOneGridCellMakeOneStay) {
  const Town town =
      Build({{1, kA, kT0}, {1, kA2, kT0 + 500}, {1, kA, kT0 + 1000}, {1, kB, kT0 + 1200}});
  const std::vector<Stay> stays = town.engine.StaysOf(1);
  ASSERT_EQ(stays.size(), 2u);
  EXPECT_EQ(stays[0], (Stay{{0, 0}, {kT0, kT0 + 1200}}));
  EXPECT_TRUE(town.engine.StaysOf(99).empty());
}

// The case (phone 1) stays in A for 40 h; others come for a while.
std::vector<Record> CaseAtHome() { return {{1, kA, kT0}, {1, kA, kT0 + 40 * kHour}}; }

TEST(CompanionEngineTest, OverlapMustExceed600Seconds) {
  std::vector<Record> records = CaseAtHome();
  records.insert(records.end(), {{2, kA, kT0 + 1000},
                                 {2, kB, kT0 + 1600},  // 600 s
                                 {3, kA2, kT0 + 1000},
                                 {3, kB, kT0 + 1601}});  // 601 s, tower A2
  const Town town = Build(records);
  const std::vector<Case> cases{{1, kT0 + 41 * kHour}};
  EXPECT_EQ(town.Pairs(cases), (std::vector<CompanionPair>{{1, 3, 1, 601, kT0 + 1000}}));
  const auto evidence = town.engine.Explain(cases[0], 3);
  ASSERT_TRUE(evidence.ok());
  ASSERT_EQ(evidence->co_stays.size(), 1u);
  EXPECT_EQ(
      evidence->co_stays[0],
      (CoStay{
          {0, 0}, {kT0, kT0 + 40 * kHour}, {kT0 + 1000, kT0 + 1601}, {kT0 + 1000, kT0 + 1601}}));
  EXPECT_EQ(evidence->dwells, (std::vector<CellDwell>{{{0, 0}, 40 * kHour, 601}}));
  EXPECT_TRUE(town.engine.Explain(cases[0], 2)->co_stays.empty());
}

TEST(CompanionEngineTest, DwellMustExceed30Hours) {
  // Case 1 dwells exactly 30 h in cell (0, 0) (tower A) and phone 2 meets it for 3000 s: not
  // enough. Case 4 dwells 30 h and a second there (tower A2): phone 2 is its companion, and so is
  // case 1, and 4 is 1's, through 4's dwell. Phone 5 dwells 31 h in B, where case 6 passes by for
  // an hour: the companion's dwell suffices.
  const Town town = Build({{1, kA, kT0},
                           {1, kA, kT0 + 108000},
                           {4, kA2, kT0},
                           {4, kA2, kT0 + 108001},
                           {2, kA, kT0 + 1000},
                           {2, kC, kT0 + 4000},
                           {5, kB, kT0},
                           {5, kB, kT0 + 31 * kHour},
                           {6, kB, kT0 + 2 * kHour},
                           {6, kC, kT0 + 3 * kHour}});
  const std::int64_t at = kT0 + 2 * kDay;
  EXPECT_EQ(town.Pairs({{1, at}, {4, at}, {6, at}}),
            (std::vector<CompanionPair>{{1, 4, 1, 108000, kT0},
                                        {4, 1, 1, 108000, kT0},
                                        {4, 2, 1, 3000, kT0 + 1000},
                                        {6, 5, 1, kHour, kT0 + 2 * kHour}}));
  const auto evidence = town.engine.Explain({1, at}, 4);
  ASSERT_TRUE(evidence.ok());
  EXPECT_EQ(evidence->dwells, (std::vector<CellDwell>{{{0, 0}, 108000, 108001}}));
}

TEST(CompanionEngineTest, StaysAreClippedToTheWindow) {
  const std::int64_t confirmed = kT0 + 20 * kDay;
  const std::int64_t window_start = confirmed - 14 * kDay;
  // Phone 1: 49 h in A of which 29 h in the window; phone 2 sits with it throughout.
  // Phone 3: 51 h in B of which 31 h in the window; phone 4 sits with it throughout.
  const Town town = Build({{1, kA, window_start - 20 * kHour},
                           {1, kA, window_start + 29 * kHour},
                           {2, kA, window_start - 20 * kHour},
                           {2, kA, window_start + 29 * kHour - 100},
                           {2, kC, window_start + 29 * kHour},
                           {3, kB, window_start - 20 * kHour},
                           {3, kB, window_start + 31 * kHour},
                           {4, kB, window_start - 20 * kHour},
                           {4, kB, window_start + 31 * kHour - 100},
                           {4, kC, window_start + 31 * kHour}});
  EXPECT_EQ(town.Pairs({{1, confirmed}, {3, confirmed}}),
            (std::vector<CompanionPair>{{3, 4, 1, 31 * kHour, window_start}}));
  const auto evidence = town.engine.Explain({3, confirmed}, 4);
  ASSERT_TRUE(evidence.ok());
  ASSERT_EQ(evidence->co_stays.size(), 1u);
  EXPECT_EQ(evidence->co_stays[0].case_stay, (Interval{window_start, window_start + 31 * kHour}));
  EXPECT_EQ(evidence->dwells, (std::vector<CellDwell>{{{2, 2}, 31 * kHour, 31 * kHour}}));
  // Confirmed an hour later, the window starts an hour later too, and phone 3's dwell is 30 h.
  EXPECT_TRUE(town.Pairs({{3, confirmed + kHour}}).empty());
}

TEST(CompanionEngineTest, OverlapAfterConfirmationDoesNotCount) {
  const std::int64_t confirmed = kT0 + 3 * kDay;
  // The case is in A from kT0 until well after its confirmation; phone 2 arrives 500 s before
  // the confirmation and stays long after (500 s inside the window), phone 3 arrives 700 s before.
  const Town town = Build({{1, kA, kT0},
                           {1, kA, confirmed + 10000},
                           {2, kA, confirmed - 500},
                           {2, kA, confirmed + 5000},
                           {3, kA2, confirmed - 700},
                           {3, kA2, confirmed + 5000}});
  EXPECT_EQ(town.Pairs({{1, confirmed}}),
            (std::vector<CompanionPair>{{1, 3, 1, 700, confirmed - 700}}));
}

TEST(CompanionEngineTest, APhoneInTwoCellsAtOneSecondFollowsTheTieOrder) {
  // Phone 2 is seen on B and on A at kT0 + 2000. By cell_id "A" < "B" its records run B@0,
  // A@2000, B@2000, A@5000: it stays in A only for an instant while case 1 is there, so it is no
  // companion. (Had the tie gone the other way, it would have stayed in A from 2000 to 5000.)
  const Town town = Build({{1, kA, kT0},
                           {1, kA, kT0 + 40 * kHour},
                           {2, kB, kT0},
                           {2, kB, kT0 + 2000},
                           {2, kA, kT0 + 2000},
                           {2, kA, kT0 + 5000}});
  EXPECT_EQ(town.engine.StaysOf(2), (std::vector<Stay>{{{2, 2}, {kT0, kT0 + 2000}},
                                                       {{0, 0}, {kT0 + 2000, kT0 + 2000}},
                                                       {{2, 2}, {kT0 + 2000, kT0 + 5000}},
                                                       {{0, 0}, {kT0 + 5000, kT0 + 5000}}}));
  EXPECT_TRUE(town.Pairs({{1, kT0 + 2 * kDay}}).empty());
}

TEST(CompanionEngineTest, ACaseIsNeverItsOwnCompanionButMayBeAnothers) {
  // Phones 1 and 2 are both cases and share A for 40 h; phone 1 also has two overlapping
  // records of its own elsewhere.
  const Town town = Build({{1, kA, kT0},
                           {1, kA, kT0 + 40 * kHour},
                           {2, kA2, kT0 + kHour},
                           {2, kA, kT0 + 39 * kHour},
                           {2, kB, kT0 + 39 * kHour + 10}});
  const std::vector<CompanionPair> pairs = town.Pairs({{2, kT0 + 3 * kDay}, {1, kT0 + 3 * kDay}});
  EXPECT_EQ(pairs, (std::vector<CompanionPair>{{1, 2, 1, 38 * kHour + 10, kT0 + kHour},
                                               {2, 1, 1, 38 * kHour + 10, kT0 + kHour}}));
  EXPECT_EQ(town.engine.Explain({1, kT0 + 3 * kDay}, 1).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(CompanionEngineTest, CaseWithoutRecordsHasNoCompanions) {
  const Town town = Build(CaseAtHome());
  EXPECT_TRUE(town.Pairs({{77, kT0 + kDay}}).empty());
  const auto evidence = town.engine.Explain({77, kT0 + kDay}, 1);
  ASSERT_TRUE(evidence.ok());
  EXPECT_TRUE(evidence->co_stays.empty());
}

TEST(CompanionEngineTest, RefusesBadInput) {
  const std::vector<Record> none;
  const std::vector<Tower> repeated{{"A", 30, 114}, {"A", 30.1, 114.1}};
  EXPECT_FALSE(CompanionEngine::Build(repeated, none, Rule()).ok());
  const std::vector<Tower> off_globe{{"A", 91, 114}};
  EXPECT_FALSE(CompanionEngine::Build(off_globe, none, Rule()).ok());
  const std::vector<Record> unknown_tower{{1, 4, kT0}};
  EXPECT_FALSE(CompanionEngine::Build(Towers(), unknown_tower, Rule()).ok());
  const std::vector<Record> far_future{{1, kA, kMaxAbsSeconds + 1}};
  EXPECT_FALSE(CompanionEngine::Build(Towers(), far_future, Rule()).ok());
  CompanionRule rule = Rule();
  rule.gap_s = -1;
  EXPECT_FALSE(CompanionEngine::Build(Towers(), none, rule).ok());
  rule = Rule();
  rule.cell_meters = 0;
  EXPECT_FALSE(CompanionEngine::Build(Towers(), none, rule).ok());
  const Town town = Build(CaseAtHome());
  const std::vector<Case> twice{{1, kT0}, {1, kT0 + 1}};
  EXPECT_EQ(town.engine.Evaluate(twice).status().code(), ErrorCode::kInvalidArgument);
  const std::vector<Case> once{{1, kT0}};
  EXPECT_EQ(town.engine.Evaluate(once, 0).status().code(), ErrorCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Bulk ingest (records.csv bytes -> partitioned records -> runs -> engine) against Build.

// Phone number text for a test key: short keys print as digits (packed keys), big ones as 20-digit
// text (hashed plain keys, kept in PhoneNames), some with letters (never packable).
std::string PhoneTextOf(std::uint64_t key) {
  if (key % 7 == 3) return "ext-" + std::to_string(key);
  return std::to_string(key);
}

// records.csv of a city: columns in another order than the contract, an extra column, CRLF on
// some lines, quoted fields, blank lines; plus bad rows whose lines are returned.
std::string RecordsCsv(const City& city, std::mt19937_64& rng,
                       std::vector<std::int64_t>& bad_lines) {
  std::string text = "time,extra,cell_id,phone\n";
  std::int64_t line = 1;
  for (const Record& record : city.records) {
    const int style = static_cast<int>(rng() % 20);
    if (style == 0) {
      text += "\n";  // blank
      ++line;
    } else if (style == 1) {
      text += std::to_string(record.time) + ",x,NOPE," + PhoneTextOf(record.phone) + "\n";
      bad_lines.push_back(++line);
    } else if (style == 2) {
      text += "yesterday,x," + city.towers[record.tower].cell_id + ",1\n";
      bad_lines.push_back(++line);
    } else if (style == 3) {
      text += "\"unclosed,x\n";
      bad_lines.push_back(++line);
    }
    const std::string time =
        style == 4 ? FormatIso8601(record.time * kMillisPerSecond) : std::to_string(record.time);
    text +=
        time + (style == 5 ? ",\"a,\"\"b\"\"\"," : ",y,") + city.towers[record.tower].cell_id + ",";
    text += style == 6 ? "\"" + PhoneTextOf(record.phone) + "\"" : PhoneTextOf(record.phone);
    text += style == 7 ? "\r\n" : "\n";
    ++line;
  }
  return text;
}

TEST(CompanionIngestTest, BulkIngestGivesBuildsAnswersWhateverTheChunksAndThreads) {
  for (int seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const City city = RandomCity(static_cast<std::uint64_t>(seed));
    std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
    std::vector<std::int64_t> bad_lines;
    const std::string csv = RecordsCsv(city, rng, bad_lines);
    const std::size_t data_start = csv.find('\n') + 1;
    const RecordColumns columns{3, 2, 0};

    // Build over the original records, keyed as ingest keys their text.
    const PhoneKeyer keyer;
    std::vector<Record> keyed = city.records;
    for (Record& record : keyed) record.phone = keyer.Key(PhoneTextOf(record.phone));
    std::vector<Case> cases = city.cases;
    for (Case& confirmed : cases) confirmed.phone = keyer.Key(PhoneTextOf(confirmed.phone));
    const auto built = CompanionEngine::Build(city.towers, keyed, city.rule, city.options);
    ASSERT_TRUE(built.ok());
    const auto expected = built->Evaluate(cases);
    ASSERT_TRUE(expected.ok());

    std::vector<Tower> sorted = city.towers;
    std::sort(sorted.begin(), sorted.end(),
              [](const Tower& a, const Tower& b) { return a.cell_id < b.cell_id; });
    const TowerLookup lookup(sorted);
    const StringSource source(csv);
    for (const auto& [chunk_bytes, threads] :
         std::vector<std::pair<std::size_t, int>>{{1 << 20, 1}, {97, 3}, {13, 2}}) {
      SCOPED_TRACE("chunk " + std::to_string(chunk_bytes));
      IngestOptions options;
      options.threads = threads;
      options.chunk_bytes = chunk_bytes;
      options.max_shown = 1000;
      auto ingest =
          IngestRecords(source, data_start, 0, csv.size(), columns, lookup, keyer, options);
      ASSERT_TRUE(ingest.ok()) << ingest.status().ToString();
      std::vector<std::int64_t> lines;
      for (const BadRow& row : ingest->bad.shown) lines.push_back(row.line + 1);  // + header
      EXPECT_EQ(lines, bad_lines);
      EXPECT_EQ(ingest->bad.total(), static_cast<std::int64_t>(bad_lines.size()));
      EXPECT_EQ(static_cast<std::size_t>(ingest->records.size()), city.records.size());
      for (const Record& record : city.records) {
        if (!PhoneKeyer::IsPacked(keyer.Key(PhoneTextOf(record.phone)))) {
          EXPECT_EQ(ingest->names.at(keyer.Key(PhoneTextOf(record.phone))),
                    PhoneTextOf(record.phone));
        }
      }
      const RunTable runs = BuildRuns(std::move(ingest->records), threads);
      ASSERT_TRUE(runs.Validate(sorted.size()).ok());
      const auto engine = CompanionEngine::FromRuns(sorted, runs, city.rule, city.options, threads);
      ASSERT_TRUE(engine.ok()) << engine.status().ToString();
      EXPECT_EQ(engine->stays().size(), built->stays().size());
      const auto pairs = engine->Evaluate(cases, threads);
      ASSERT_TRUE(pairs.ok());
      EXPECT_EQ(*pairs, *expected);
    }
  }
}

TEST(CompanionIngestTest, RangesSplitAnywhereCoverEveryLineOnce) {
  const City city = RandomCity(77);
  std::mt19937_64 rng(77);
  std::vector<std::int64_t> bad_lines;
  const std::string csv = RecordsCsv(city, rng, bad_lines);
  const std::size_t data_start = csv.find('\n') + 1;
  std::vector<Tower> sorted = city.towers;
  std::sort(sorted.begin(), sorted.end(),
            [](const Tower& a, const Tower& b) { return a.cell_id < b.cell_id; });
  const TowerLookup lookup(sorted);
  const StringSource source(csv);
  // Cut into 2..5 ranges at arbitrary bytes, as MPI ranks do; lines and records add up.
  for (int parts = 2; parts <= 5; ++parts) {
    std::int64_t lines = 0, rows = 0;
    std::uint64_t records = 0;
    std::vector<std::int64_t> found;
    for (int part = 0; part < parts; ++part) {
      const std::size_t from = data_start + (csv.size() - data_start) * part / parts;
      const std::size_t to = data_start + (csv.size() - data_start) * (part + 1) / parts;
      IngestOptions options;
      options.max_shown = 1000;
      auto ingest =
          IngestRecords(source, data_start, from, to, {3, 2, 0}, lookup, PhoneKeyer(), options);
      ASSERT_TRUE(ingest.ok());
      for (const BadRow& row : ingest->bad.shown) found.push_back(row.line + lines + 1);
      lines += ingest->lines;
      rows += ingest->rows;
      records += ingest->records.size();
    }
    EXPECT_EQ(found, bad_lines);
    EXPECT_EQ(records, city.records.size());
    EXPECT_EQ(lines,
              std::count(csv.begin() + static_cast<std::ptrdiff_t>(data_start), csv.end(), '\n'));
    EXPECT_GT(rows, 0);
  }
}

TEST(CompanionIngestTest, TimesOutsideUnsigned32BitSecondsAreBadRows) {
  const std::vector<Tower> towers = {{"A", 30.0, 114.0}};
  const TowerLookup lookup(towers);
  const std::string csv =
      "phone,cell_id,time\n1,A,4294967295\n1,A,4294967296\n1,A,-1\n1,A,1969-12-31T23:59:59Z\n"
      "1,A,2021-12-20T16:13:05+08:00\n";
  auto ingest = IngestRecords(StringSource(csv), csv.find('\n') + 1, 0, csv.size(), {0, 1, 2},
                              lookup, PhoneKeyer(), IngestOptions());
  ASSERT_TRUE(ingest.ok());
  EXPECT_EQ(ingest->records.size(), 2u);
  ASSERT_EQ(ingest->bad.shown.size(), 3u);
  EXPECT_EQ(ingest->bad.shown[0].reason_id, "companions.row.time_out_of_range");
  EXPECT_EQ(ingest->bad.shown[0].line, 2);
  EXPECT_EQ(ingest->bad.counts[kBadTime], 3);
}

TEST(PhoneKeyerTest, DigitsPackAndUnpackOthersHash) {
  for (const char* phone :
       {"13800138000", "0123", "123", "+8613800138000", "0", "99999999999999999"}) {
    const auto key = PhoneKeyer::PackedKey(phone);
    ASSERT_TRUE(key.has_value()) << phone;
    EXPECT_EQ(PhoneKeyer::UnpackKey(*key), phone);
    EXPECT_EQ(PhoneKeyer().Key(phone), *key);
  }
  EXPECT_NE(*PhoneKeyer::PackedKey("0123"), *PhoneKeyer::PackedKey("123"));
  for (const char* phone : {"999999999999999999", "138-0013-8000", "+", "1 2"}) {
    EXPECT_FALSE(PhoneKeyer::PackedKey(phone).has_value()) << phone;
    EXPECT_FALSE(PhoneKeyer::IsPacked(PhoneKeyer().Key(phone))) << phone;
  }
  const PhoneKeyer one(ShortHashKey("key one", "test"));
  const PhoneKeyer two(ShortHashKey("key two", "test"));
  EXPECT_TRUE(one.pseudonymised());
  EXPECT_EQ(one.Key("13800138000"), one.Key("13800138000"));
  EXPECT_NE(one.Key("13800138000"), two.Key("13800138000"));
  EXPECT_NE(one.Key("13800138000"), PhoneKeyer().Key("13800138000"));
  EXPECT_EQ(PhoneText(one.Key("13800138000"), {}).size(), 17u);
  EXPECT_EQ(PhoneText(one.Key("13800138000"), {})[0], '~');
}

// A store of a random city's runs (towers sorted), ingested from its records.csv text.
RunStore StoreOf(const City& city, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> bad_lines;
  const std::string csv = RecordsCsv(city, rng, bad_lines);
  RunStore store;
  store.towers = city.towers;
  std::sort(store.towers.begin(), store.towers.end(),
            [](const Tower& a, const Tower& b) { return a.cell_id < b.cell_id; });
  const TowerLookup lookup(store.towers);
  auto ingest = IngestRecords(StringSource(csv), csv.find('\n') + 1, 0, csv.size(), {3, 2, 0},
                              lookup, PhoneKeyer(), IngestOptions());
  EXPECT_TRUE(ingest.ok());
  store.names = ingest->names;
  store.runs = BuildRuns(std::move(ingest->records), 2);
  return store;
}

TEST(RunStoreTest, RoundTripsAndRefusesDamage) {
  const City city = RandomCity(5);
  RunStore store = StoreOf(city, 5);
  store.rows_read = 123;
  store.bad_rows = 4;
  const std::string path =
      (std::filesystem::temp_directory_path() / ("runstore_" + std::to_string(::getpid())))
          .string();
  ASSERT_TRUE(WriteRunStore(path, store).ok());
  auto read = ReadRunStore(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->runs.phone_keys, store.runs.phone_keys);
  EXPECT_EQ(read->runs.phone_first_run, store.runs.phone_first_run);
  EXPECT_EQ(read->runs.tower, store.runs.tower);
  EXPECT_EQ(read->runs.first, store.runs.first);
  EXPECT_EQ(read->runs.last, store.runs.last);
  EXPECT_EQ(read->names, store.names);
  EXPECT_EQ(read->towers.size(), store.towers.size());
  EXPECT_EQ(read->rows_read, 123);
  EXPECT_FALSE(read->pseudonymised());

  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto refused = [&](std::string damaged, const char* id) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
    const auto result = ReadRunStore(path);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().message_id(), id);
  };
  refused(bytes.substr(0, bytes.size() / 2), "companions.store.damaged");
  refused(bytes + "x", "companions.store.damaged");
  std::string foreign = bytes;
  foreign[0] = 'X';
  refused(foreign, "companions.store.foreign");
  // Counts past the file's size.
  refused(std::string(bytes.data(), 8) + std::string(bytes.size() - 8, '\xff'),
          "companions.store.damaged");
  refused("", "companions.store.foreign");
  std::remove(path.c_str());
  EXPECT_EQ(ReadRunStore(path).status().message_id(), "companions.store.unreadable");
}

TEST(RunStoreTest, PreparedStaysAnswerAsTheRunsDoAndDamageIsRefused) {
  for (const std::uint64_t seed : {11u, 12u, 13u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    City city = RandomCity(seed);
    city.rule = CompanionRule{};
    RunStore store = StoreOf(city, seed);
    auto grid = CompanionEngine::GridCellsOf(store.towers, city.rule);
    ASSERT_TRUE(grid.ok());
    PreparedStays prepared;
    prepared.gap_s = city.rule.gap_s;
    prepared.cell_meters = city.rule.cell_meters;
    prepared.stays = StaysFromRuns(store.runs, grid->tower_cell, city.rule.gap_s, 2);
    prepared.index = CellIndex(prepared.stays, grid->cells.size(), kDefaultLongStaySeconds, 2);
    prepared.cells = grid->cells;
    store.prepared = std::move(prepared);
    const std::string path =
        (std::filesystem::temp_directory_path() / ("prepared_" + std::to_string(::getpid())))
            .string();
    ASSERT_TRUE(WriteRunStore(path, store).ok());

    const PhoneKeyer keyer;
    std::vector<Case> cases = city.cases;
    for (Case& confirmed : cases) confirmed.phone = keyer.Key(PhoneTextOf(confirmed.phone));
    const auto from_runs = CompanionEngine::FromRuns(store.towers, store.runs, city.rule);
    ASSERT_TRUE(from_runs.ok());
    const auto expected = from_runs->Evaluate(cases);
    ASSERT_TRUE(expected.ok());
    {
      auto read = ReadRunStore(path);
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      ASSERT_TRUE(read->prepared.has_value());
      ASSERT_TRUE(read->CheckRuns().ok());
      EXPECT_EQ(read->runs.tower, store.runs.tower);
      PreparedStays& mapped = *read->prepared;
      EXPECT_EQ(mapped.gap_s, 3600);
      EXPECT_FALSE(mapped.origin.has_value());
      const auto engine = CompanionEngine::FromParts(
          std::move(mapped.cells), std::move(mapped.stays), std::move(mapped.index), city.rule);
      ASSERT_TRUE(engine.ok());
      const auto pairs = engine->Evaluate(cases, 2);
      ASSERT_TRUE(pairs.ok());
      EXPECT_EQ(*pairs, *expected);
    }

    // An index entry naming a phone past the last, in the file's last bytes: refused, not used.
    std::string bytes;
    {
      std::ifstream in(path, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    ASSERT_GE(bytes.size(), sizeof(CellIndex::Entry));
    std::string damaged = bytes;
    CellIndex::Entry last;
    std::memcpy(&last, damaged.data() + damaged.size() - sizeof last, sizeof last);
    last.owner = 0xfffffff0u;
    std::memcpy(damaged.data() + damaged.size() - sizeof last, &last, sizeof last);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
    const auto refused = ReadRunStore(path);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().message_id(), "companions.store.damaged");
    EXPECT_NE(refused.status().ToString().find("an index entry names no stay"), std::string::npos)
        << refused.status().ToString();
    std::remove(path.c_str());
  }
}

TEST(RunStoreTest, ACorruptedStoreIsRefusedOrAnsweredNeverCrashes) {
  City city = RandomCity(21);
  city.rule = CompanionRule{};
  RunStore store = StoreOf(city, 21);
  auto grid = CompanionEngine::GridCellsOf(store.towers, city.rule);
  ASSERT_TRUE(grid.ok());
  PreparedStays prepared;
  prepared.gap_s = city.rule.gap_s;
  prepared.cell_meters = city.rule.cell_meters;
  prepared.stays = StaysFromRuns(store.runs, grid->tower_cell, city.rule.gap_s, 1);
  prepared.index = CellIndex(prepared.stays, grid->cells.size(), kDefaultLongStaySeconds, 1);
  prepared.cells = grid->cells;
  store.prepared = std::move(prepared);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("corrupt_" + std::to_string(::getpid()))).string();
  ASSERT_TRUE(WriteRunStore(path, store).ok());
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const PhoneKeyer keyer;
  std::vector<Case> cases = city.cases;
  for (Case& confirmed : cases) confirmed.phone = keyer.Key(PhoneTextOf(confirmed.phone));
  std::mt19937_64 rng(21);
  int refused = 0, answered = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string damaged = bytes;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int flip = 0; flip < flips; ++flip) {
      damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
    auto read = ReadRunStore(path);
    if (!read.ok()) {
      EXPECT_EQ(read.status().message_id().rfind("companions.store.", 0), 0u);
      ++refused;
      continue;
    }
    // Whatever survived the checks is in bounds: the query runs to the end (answers may differ).
    ++answered;
    if (read->prepared) {
      PreparedStays& mapped = *read->prepared;
      auto engine = CompanionEngine::FromParts(std::move(mapped.cells), std::move(mapped.stays),
                                               std::move(mapped.index), city.rule);
      if (engine.ok()) (void)engine->Evaluate(cases, 2);
    }
    if (read->CheckRuns().ok()) {
      auto engine = CompanionEngine::FromRuns(read->towers, read->runs, city.rule);
      if (engine.ok()) (void)engine->Evaluate(cases, 2);
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(answered, 0);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace lifeline::companions
