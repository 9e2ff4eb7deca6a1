#include "engines/companions/companions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <numbers>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engines/companions/random_city.h"

namespace lifeline::companions {
namespace {

using testing::City;
using testing::kDay;
using testing::kHour;
using testing::Pick;
using testing::RandomCity;
using testing::Uniform;

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
    // Case by case, in the order given (reversed here), each case once with its own pairs.
    std::vector<Case> reversed(city.cases.rbegin(), city.cases.rend());
    std::vector<std::vector<CompanionPair>> each(reversed.size());
    std::vector<int> taken(reversed.size(), 0);
    std::mutex taking;
    ASSERT_TRUE(engine
                    ->EvaluateEach(reversed, 2,
                                   [&](std::size_t idx, std::span<const CompanionPair> found) {
                                     const std::lock_guard<std::mutex> lock(taking);
                                     ++taken[idx];
                                     each[idx].assign(found.begin(), found.end());
                                   })
                    .ok());
    for (std::size_t idx = 0; idx < reversed.size(); ++idx) {
      EXPECT_EQ(taken[idx], 1);
      std::vector<CompanionPair> expected;
      std::copy_if(
          pairs->begin(), pairs->end(), std::back_inserter(expected),
          [&](const CompanionPair& pair) { return pair.case_phone == reversed[idx].phone; });
      EXPECT_EQ(each[idx], expected);
    }

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

TEST(CompanionEngineTest, CompanionsComeInKeyOrderWhetherFewOrMany) {
  // Case 1 stays 40 h at A; companions arrive there out of the order of their keys. Three
  // thousand other phones stay at B, so a case meeting four of them is "few" (its companions are
  // sorted) and a case at B meeting them all is "many" (they are read off in order).
  std::vector<Record> records{{1, kA, kT0}, {1, kA, kT0 + 40 * kHour}, {1, kC, kT0 + 41 * kHour}};
  std::int64_t arrive = kT0;
  for (std::uint64_t key : {300, 100, 400, 200}) {
    arrive += kHour;
    records.push_back({key, kA, arrive});
    records.push_back({key, kA, arrive + kHour});
    records.push_back({key, kC, arrive + 2 * kHour});
  }
  for (std::uint64_t key = 6000; key > 3000; --key) {
    const std::int64_t arrive = kT0 + static_cast<std::int64_t>(6000 - key);
    records.push_back({key, kB, arrive});
    records.push_back({key, kC, arrive + kHour});
  }
  records.push_back({2, kB, kT0});
  records.push_back({2, kB, kT0 + 20 * kHour});
  records.push_back({2, kB, kT0 + 40 * kHour});
  const Town town = Build(records);
  const std::int64_t at = kT0 + 2 * kDay;
  const std::vector<CompanionPair> few = town.Pairs({{1, at}});
  ASSERT_EQ(few.size(), 4u);
  EXPECT_EQ(few[0].companion_phone, 100u);
  EXPECT_EQ(few[1].companion_phone, 200u);
  EXPECT_EQ(few[3].companion_phone, 400u);
  const std::vector<CompanionPair> many = town.Pairs({{2, at}});
  ASSERT_EQ(many.size(), 3000u);
  EXPECT_TRUE(
      std::is_sorted(many.begin(), many.end(), [](const CompanionPair& a, const CompanionPair& b) {
        return a.companion_phone < b.companion_phone;
      }));
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
  // Case by case, the same refusals come before any case is handed over.
  int taken = 0;
  const auto take = [&](std::size_t, std::span<const CompanionPair>) { ++taken; };
  EXPECT_EQ(town.engine.EvaluateEach(twice, 1, take).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(town.engine.EvaluateEach(once, 0, take).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(taken, 0);
}

}  // namespace
}  // namespace lifeline::companions
