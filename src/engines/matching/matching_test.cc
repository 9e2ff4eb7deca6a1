#include "engines/matching/matching.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/geo.h"

namespace lifeline::matching {
namespace {

std::int64_t Meters(const Need& need, const Offer& offer) {
  return std::llround(GreatCircleMeters({need.lat, need.lon}, {offer.lat, offer.lon}));
}

bool Serves(const Offer& offer, const Need& need, const MatchOptions& options) {
  if (offer.kind == need.kind) return true;
  const auto also = options.also_serves.find(offer.kind);
  return also != options.also_serves.end() &&
         std::find(also->second.begin(), also->second.end(), need.kind) != also->second.end();
}

bool Allowed(const Offer& offer, const Need& need, const MatchOptions& options) {
  return Serves(offer, need, options) &&
         GreatCircleMeters({need.lat, need.lon}, {offer.lat, offer.lon}) <=
             options.radius_km * 1000;
}

// The lexicographic value of an assignment: more priority first, then fewer metres.
struct Value {
  std::int64_t priority = 0;
  std::int64_t meters = 0;
  bool BetterThan(const Value& other) const {
    return priority != other.priority ? priority > other.priority : meters < other.meters;
  }
};

// Every integer assignment, need by need: each need takes 0..quantity units spread over its
// allowed offers in every possible way, within the stock left.
class ExhaustiveSearch {
 public:
  ExhaustiveSearch(const std::vector<Need>& needs, const std::vector<Offer>& offers,
                   const MatchOptions& options)
      : needs_(needs), offers_(offers), options_(options) {
    for (const Offer& offer : offers) stock_.push_back(offer.quantity);
  }

  Value Best() {
    best_ = {};
    Need(0, 0, 0, {});
    return best_;
  }

 private:
  // Need `need_idx`, distributing over offers from `offer_idx` on; `taken` units so far.
  void Need(std::size_t need_idx, std::size_t offer_idx, std::int64_t taken, Value value) {
    if (need_idx == needs_.size()) {
      if (value.BetterThan(best_)) best_ = value;
      return;
    }
    if (offer_idx == offers_.size()) {
      Need(need_idx + 1, 0, 0, value);
      return;
    }
    const matching::Need& need = needs_[need_idx];
    const Offer& offer = offers_[offer_idx];
    Need(need_idx, offer_idx + 1, taken, value);  // nothing from this offer
    if (!Allowed(offer, need, options_)) return;
    for (std::int64_t units = 1; units <= stock_[offer_idx] && taken + units <= need.quantity;
         ++units) {
      stock_[offer_idx] -= units;
      Need(need_idx, offer_idx + 1, taken + units,
           {value.priority + need.priority * units, value.meters + Meters(need, offer) * units});
      stock_[offer_idx] += units;
    }
  }

  const std::vector<matching::Need>& needs_;
  const std::vector<Offer>& offers_;
  const MatchOptions& options_;
  std::vector<std::int64_t> stock_;
  Value best_;
};

// Checks that `result` is a feasible assignment whose totals add up, and returns its value.
Value CheckFeasible(const MatchResult& result, const std::vector<Need>& needs,
                    const std::vector<Offer>& offers, const MatchOptions& options) {
  Value value;
  std::int64_t served_total = 0;
  std::map<std::int64_t, std::int64_t> served, used;
  for (const Match& match : result.matches) {
    const auto need = std::find_if(needs.begin(), needs.end(),
                                   [&](const Need& n) { return n.id == match.need_id; });
    const auto offer = std::find_if(offers.begin(), offers.end(),
                                    [&](const Offer& o) { return o.id == match.offer_id; });
    EXPECT_NE(need, needs.end());
    EXPECT_NE(offer, offers.end());
    if (need == needs.end() || offer == offers.end()) continue;
    EXPECT_GT(match.quantity, 0);
    EXPECT_TRUE(Allowed(*offer, *need, options)) << match.need_id << " " << match.offer_id;
    EXPECT_EQ(match.priority, need->priority);
    EXPECT_DOUBLE_EQ(match.distance_km, static_cast<double>(Meters(*need, *offer)) / 1000);
    served[match.need_id] += match.quantity;
    used[match.offer_id] += match.quantity;
    served_total += match.quantity;
    value.priority += need->priority * match.quantity;
    value.meters += Meters(*need, *offer) * match.quantity;
  }
  for (const Need& need : needs) EXPECT_LE(served[need.id], need.quantity);
  for (const Offer& offer : offers) EXPECT_LE(used[offer.id], offer.quantity);
  EXPECT_TRUE(std::is_sorted(
      result.matches.begin(), result.matches.end(), [](const Match& a, const Match& b) {
        return std::pair(a.need_id, a.offer_id) < std::pair(b.need_id, b.offer_id);
      }));
  EXPECT_EQ(result.served_priority, value.priority);
  EXPECT_NEAR(result.total_distance_km, static_cast<double>(value.meters) / 1000, 1e-6);
  std::int64_t wanted = 0;
  std::vector<std::int64_t> unmet;
  for (const Need& need : needs) {
    wanted += need.quantity;
    if (served[need.id] < need.quantity) unmet.push_back(need.id);
  }
  std::sort(unmet.begin(), unmet.end());
  EXPECT_EQ(result.unmet_quantity, wanted - served_total);
  EXPECT_EQ(result.unmet_need_ids, unmet);
  return value;
}

struct Instance {
  std::vector<Need> needs;
  std::vector<Offer> offers;
  MatchOptions options;
};

// Points in a ~30 km square around Wuhan with a 15 km radius, so some pairs are out of reach;
// two kinds plus a bigger one that also serves "a"; ties in priority are common.
Instance RandomInstance(std::mt19937_64& random, int need_count, int offer_count,
                        int max_need_quantity, int max_stock) {
  auto uniform = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  auto coordinate = [&](double base) { return base + uniform(0, 3000) / 10000.0; };
  const char* kinds[] = {"a", "b", "a_plus"};
  Instance instance;
  instance.options.radius_km = 15;
  instance.options.also_serves = {{"a_plus", {"a"}}};
  for (int idx = 0; idx < need_count; ++idx) {
    instance.needs.push_back({.id = 1000 + (idx * 37) % 1009,
                              .kind = kinds[uniform(0, 1)],
                              .quantity = uniform(0, max_need_quantity),
                              .priority = uniform(0, 4) * 25,
                              .lat = coordinate(30.5),
                              .lon = coordinate(114.2)});
  }
  for (int idx = 0; idx < offer_count; ++idx) {
    instance.offers.push_back({.id = 5 + (idx * 53) % 1013,
                               .kind = kinds[uniform(0, 2)],
                               .quantity = uniform(0, max_stock),
                               .lat = coordinate(30.5),
                               .lon = coordinate(114.2)});
  }
  return instance;
}

TEST(MatchOptimalTest, MatchesExhaustiveSearchOnSmallRandomInstances) {
  std::mt19937_64 random(20200214);
  int instances_with_matches = 0;
  for (int round = 0; round < 300; ++round) {
    const int need_count = 2 + static_cast<int>(random() % 4);
    const int offer_count = 2 + static_cast<int>(random() % 3);
    Instance instance = RandomInstance(random, need_count, offer_count, 2, 3);
    for (const int cap : {0, kDefaultMaxCandidatesPerNeed}) {
      instance.options.max_candidates_per_need = cap;
      const Result<MatchResult> result =
          MatchOptimal(instance.needs, instance.offers, instance.options);
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      const Value value = CheckFeasible(*result, instance.needs, instance.offers, instance.options);
      const Value best = ExhaustiveSearch(instance.needs, instance.offers, instance.options).Best();
      ASSERT_EQ(value.priority, best.priority) << "round " << round;
      ASSERT_EQ(value.meters, best.meters) << "round " << round;
      if (!result->matches.empty()) ++instances_with_matches;
    }
  }
  EXPECT_GT(instances_with_matches, 300) << "the instances should mostly allow some matches";
}

// Quantities in the trillions make one weighted pass overflow 64 bits, so MatchOptimal takes its
// two-pass method. Scaling every quantity by k scales the optimum by k (the constraints are
// totally unimodular), so exhaustive search on the unscaled instance still gives the answer.
TEST(MatchOptimalTest, HugeQuantitiesMatchTheScaledExhaustiveOptimum) {
  constexpr std::int64_t kScale = 1'000'000'000'000;
  std::mt19937_64 random(20200223);
  int instances_with_matches = 0;
  for (int round = 0; round < 100; ++round) {
    const int need_count = 2 + static_cast<int>(random() % 4);
    const int offer_count = 2 + static_cast<int>(random() % 3);
    const Instance instance = RandomInstance(random, need_count, offer_count, 2, 3);
    const Value best = ExhaustiveSearch(instance.needs, instance.offers, instance.options).Best();
    Instance scaled = instance;
    for (Need& need : scaled.needs) need.quantity *= kScale;
    for (Offer& offer : scaled.offers) offer.quantity *= kScale;
    const Result<MatchResult> result = MatchOptimal(scaled.needs, scaled.offers, scaled.options);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    const Value value = CheckFeasible(*result, scaled.needs, scaled.offers, scaled.options);
    ASSERT_EQ(value.priority, best.priority * kScale) << "round " << round;
    ASSERT_EQ(value.meters, best.meters * kScale) << "round " << round;
    if (!result->matches.empty()) ++instances_with_matches;
  }
  EXPECT_GT(instances_with_matches, 50) << "the instances should mostly allow some matches";
}

TEST(MatchOptimalTest, PriorityComesBeforeDistanceAndDistanceBreaksTheRest) {
  const std::vector<Offer> offers = {
      {.id = 1, .kind = "o2", .quantity = 1, .lat = 30.5, .lon = 114.3}};
  // Need 10 is next to the offer but less urgent than need 11, 20 km away.
  std::vector<Need> needs = {
      {.id = 10, .kind = "o2", .quantity = 1, .priority = 40, .lat = 30.5, .lon = 114.301},
      {.id = 11, .kind = "o2", .quantity = 1, .priority = 41, .lat = 30.68, .lon = 114.3}};
  Result<MatchResult> result = MatchOptimal(needs, offers, {});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->matches.size(), 1u);
  EXPECT_EQ(result->matches[0].need_id, 11);
  EXPECT_EQ(result->matches[0].priority, 41);
  EXPECT_NEAR(result->matches[0].distance_km, 20.015, 0.001);
  EXPECT_EQ(result->unmet_need_ids, std::vector<std::int64_t>{10});
  // Equal urgency: the nearer need wins.
  needs[1].priority = 40;
  result = MatchOptimal(needs, offers, {});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->matches.size(), 1u);
  EXPECT_EQ(result->matches[0].need_id, 10);
  EXPECT_EQ(result->served_priority, 40);
}

TEST(MatchOptimalTest, OptimumServesMorePriorityThanGreedyWhenGreedyGrabsTheSharedOffer) {
  // Need 1 (urgent) can reach offers A and B, need 2 only A; A is nearer to need 1. Greedy gives
  // A to need 1 and leaves need 2 empty; the optimum sends B to need 1 and A to need 2.
  const std::vector<Offer> offers = {
      {.id = 1, .kind = "k", .quantity = 1, .lat = 30.50, .lon = 114.30},
      {.id = 2, .kind = "k", .quantity = 1, .lat = 30.50, .lon = 114.10}};
  const std::vector<Need> needs = {
      {.id = 1, .kind = "k", .quantity = 1, .priority = 90, .lat = 30.50, .lon = 114.20},
      {.id = 2, .kind = "k", .quantity = 1, .priority = 50, .lat = 30.50, .lon = 114.45}};
  MatchOptions options;
  options.radius_km = 20;
  const Result<MatchResult> optimal = MatchOptimal(needs, offers, options);
  const Result<MatchResult> greedy = MatchGreedy(needs, offers, options);
  ASSERT_TRUE(optimal.ok());
  ASSERT_TRUE(greedy.ok());
  EXPECT_EQ(optimal->served_priority, 140);
  EXPECT_EQ(greedy->served_priority, 90);
  EXPECT_TRUE(greedy->unmet_need_ids == std::vector<std::int64_t>{2});
  EXPECT_TRUE(optimal->unmet_need_ids.empty());
}

TEST(MatchOptimalTest, RespectsTheRadius) {
  const std::vector<Offer> offers = {
      {.id = 1, .kind = "k", .quantity = 5, .lat = 30.0, .lon = 114.0}};
  // 0.27 degrees of latitude: 30.02 km.
  const std::vector<Need> needs = {
      {.id = 1, .kind = "k", .quantity = 1, .priority = 50, .lat = 30.27, .lon = 114.0}};
  MatchOptions options;
  Result<MatchResult> result = MatchOptimal(needs, offers, options);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->matches.empty());
  EXPECT_EQ(result->unmet_quantity, 1);
  options.radius_km = 30.03;
  result = MatchOptimal(needs, offers, options);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->matches.size(), 1u);
  EXPECT_NEAR(result->matches[0].distance_km, 30.023, 0.001);
}

TEST(MatchOptimalTest, MatchesOnlyTheSameKindOrWhatAnOfferAlsoServes) {
  const std::vector<Offer> offers = {
      {.id = 1, .kind = "concentrator_10", .quantity = 1, .lat = 30.5, .lon = 114.3},
      {.id = 2, .kind = "concentrator_5", .quantity = 1, .lat = 30.5, .lon = 114.3},
      {.id = 3, .kind = "oximeter", .quantity = 5, .lat = 30.5, .lon = 114.3}};
  const std::vector<Need> needs = {{.id = 1,
                                    .kind = "concentrator_5",
                                    .quantity = 2,
                                    .priority = 60,
                                    .lat = 30.51,
                                    .lon = 114.3},
                                   {.id = 2,
                                    .kind = "concentrator_10",
                                    .quantity = 1,
                                    .priority = 30,
                                    .lat = 30.51,
                                    .lon = 114.3}};
  Result<MatchResult> result = MatchOptimal(needs, offers, {});
  ASSERT_TRUE(result.ok());
  // Without also_serves: each concentrator to its own kind; the oximeters serve nobody.
  ASSERT_EQ(result->matches.size(), 2u);
  EXPECT_EQ(result->matches[0].need_id, 1);
  EXPECT_EQ(result->matches[0].offer_id, 2);
  EXPECT_EQ(result->matches[1].need_id, 2);
  EXPECT_EQ(result->matches[1].offer_id, 1);
  EXPECT_EQ(result->served_priority, 90);
  // A 10 L/min machine also serves a 5 L/min need, which is more urgent; never the reverse.
  MatchOptions options;
  options.also_serves = {{"concentrator_10", {"concentrator_5"}}};
  result = MatchOptimal(needs, offers, options);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->matches.size(), 2u);
  EXPECT_EQ(result->matches[0].need_id, 1);
  EXPECT_EQ(result->matches[0].offer_id, 1);
  EXPECT_EQ(result->matches[1].need_id, 1);
  EXPECT_EQ(result->matches[1].offer_id, 2);
  EXPECT_EQ(result->served_priority, 120);
  EXPECT_EQ(result->unmet_need_ids, std::vector<std::int64_t>{2});
}

// One need that wants everything: the optimum takes exactly the offers within the radius, which
// checks the grid search against a scan of all pairs, also near a pole and the antimeridian.
TEST(MatchOptimalTest, FindsEveryOfferWithinTheRadiusAndTheNearestUnderACap) {
  std::mt19937_64 random(7);
  struct Place {
    double lat, lon, spread_deg, radius_km;
  };
  for (const Place place :
       {Place{30.6, 114.3, 0.6, 30}, Place{30.6, 114.3, 3, 120}, Place{-33.9, 151.2, 0.2, 8},
        Place{89.8, 10, 1, 60}, Place{10, 179.95, 0.5, 40}, Place{-10, -179.9, 0.5, 40},
        Place{0, 0, 20, 2000}}) {
    std::vector<Offer> offers;
    auto coordinate = [&](double center, double limit) {
      const double value = center + std::uniform_real_distribution<double>(
                                        -place.spread_deg, place.spread_deg)(random);
      return std::clamp(value, -limit, limit);
    };
    for (int idx = 0; idx < 400; ++idx) {
      double lon = coordinate(place.lon, 1000);
      if (lon > 180) lon -= 360;
      if (lon < -180) lon += 360;
      offers.push_back({.id = idx + 1,
                        .kind = "k",
                        .quantity = 1,
                        .lat = coordinate(place.lat, 90),
                        .lon = lon});
    }
    const std::vector<Need> needs = {{.id = 1,
                                      .kind = "k",
                                      .quantity = 1000,
                                      .priority = 1,
                                      .lat = place.lat,
                                      .lon = place.lon}};
    MatchOptions options;
    options.radius_km = place.radius_km;
    std::vector<std::pair<std::int64_t, std::int64_t>> within;  // (metres, offer id)
    for (const Offer& offer : offers) {
      if (Allowed(offer, needs[0], options)) within.emplace_back(Meters(needs[0], offer), offer.id);
    }
    std::sort(within.begin(), within.end());
    ASSERT_GT(within.size(), 20u) << place.lat << "," << place.lon;
    for (const int cap : {0, 1, 7, 500}) {
      options.max_candidates_per_need = cap;
      const Result<MatchResult> result = MatchOptimal(needs, offers, options);
      ASSERT_TRUE(result.ok());
      std::set<std::int64_t> matched;
      for (const Match& match : result->matches) matched.insert(match.offer_id);
      const std::size_t expected_count =
          cap == 0 ? within.size() : std::min<std::size_t>(cap, within.size());
      std::set<std::int64_t> expected;
      for (std::size_t idx = 0; idx < expected_count; ++idx) expected.insert(within[idx].second);
      EXPECT_EQ(matched, expected) << place.lat << "," << place.lon << " cap " << cap;
    }
  }
}

TEST(MatchOptimalTest, SameResultWhateverTheInputOrder) {
  std::mt19937_64 random(99);
  Instance instance = RandomInstance(random, 300, 80, 3, 4);
  const Result<MatchResult> first = MatchOptimal(instance.needs, instance.offers, instance.options);
  const Result<MatchResult> first_greedy =
      MatchGreedy(instance.needs, instance.offers, instance.options);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first_greedy.ok());
  ASSERT_FALSE(first->matches.empty());
  auto same = [](const MatchResult& a, const MatchResult& b) {
    if (a.matches.size() != b.matches.size()) return false;
    for (std::size_t idx = 0; idx < a.matches.size(); ++idx) {
      const Match& x = a.matches[idx];
      const Match& y = b.matches[idx];
      if (x.need_id != y.need_id || x.offer_id != y.offer_id || x.quantity != y.quantity ||
          x.distance_km != y.distance_km || x.priority != y.priority)
        return false;
    }
    return a.served_priority == b.served_priority && a.total_distance_km == b.total_distance_km &&
           a.unmet_need_ids == b.unmet_need_ids;
  };
  for (int round = 0; round < 5; ++round) {
    std::shuffle(instance.needs.begin(), instance.needs.end(), random);
    std::shuffle(instance.offers.begin(), instance.offers.end(), random);
    const Result<MatchResult> again =
        MatchOptimal(instance.needs, instance.offers, instance.options);
    const Result<MatchResult> again_greedy =
        MatchGreedy(instance.needs, instance.offers, instance.options);
    ASSERT_TRUE(again.ok());
    ASSERT_TRUE(again_greedy.ok());
    EXPECT_TRUE(same(*first, *again)) << "round " << round;
    EXPECT_TRUE(same(*first_greedy, *again_greedy)) << "round " << round;
  }
}

TEST(MatchGreedyTest, FeasibleAndNeverServesMorePriorityThanTheOptimum) {
  std::mt19937_64 random(4242);
  int optimum_strictly_better = 0;
  for (int round = 0; round < 200; ++round) {
    const Instance instance = RandomInstance(random, 2 + round % 40, 2 + round % 13, 3, 3);
    const Result<MatchResult> greedy =
        MatchGreedy(instance.needs, instance.offers, instance.options);
    const Result<MatchResult> optimal =
        MatchOptimal(instance.needs, instance.offers, instance.options);
    ASSERT_TRUE(greedy.ok());
    ASSERT_TRUE(optimal.ok());
    CheckFeasible(*greedy, instance.needs, instance.offers, instance.options);
    CheckFeasible(*optimal, instance.needs, instance.offers, instance.options);
    ASSERT_LE(greedy->served_priority, optimal->served_priority) << "round " << round;
    if (greedy->served_priority < optimal->served_priority) ++optimum_strictly_better;
  }
  EXPECT_GT(optimum_strictly_better, 0);
}

TEST(MatchGreedyTest, TakesNeedsByPriorityEachFromItsNearestOffers) {
  const std::vector<Offer> offers = {
      {.id = 1, .kind = "k", .quantity = 1, .lat = 30.50, .lon = 114.30},
      {.id = 2, .kind = "k", .quantity = 2, .lat = 30.50, .lon = 114.32},
      {.id = 3, .kind = "k", .quantity = 5, .lat = 30.50, .lon = 114.70}};
  const std::vector<Need> needs = {
      {.id = 5, .kind = "k", .quantity = 2, .priority = 10, .lat = 30.50, .lon = 114.30},
      {.id = 6, .kind = "k", .quantity = 2, .priority = 80, .lat = 30.50, .lon = 114.30}};
  const Result<MatchResult> greedy = MatchGreedy(needs, offers, {});
  ASSERT_TRUE(greedy.ok());
  ASSERT_EQ(greedy->matches.size(), 3u);
  // Need 6 first: offer 1 (here) and one unit of offer 2; need 5 then the other unit of 2.
  EXPECT_EQ(greedy->matches[0].need_id, 5);
  EXPECT_EQ(greedy->matches[0].offer_id, 2);
  EXPECT_EQ(greedy->matches[0].quantity, 1);
  EXPECT_EQ(greedy->matches[1].offer_id, 1);
  EXPECT_EQ(greedy->matches[2].offer_id, 2);
  EXPECT_EQ(greedy->unmet_need_ids, std::vector<std::int64_t>{5});
  EXPECT_EQ(greedy->unmet_quantity, 1);
}

void ExpectInvalid(const Result<MatchResult>& result, const std::string& message_id,
                   const std::string& field) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.status().message_id(), message_id);
  EXPECT_EQ(result.status().field(), field);
}

TEST(MatchOptimalTest, RejectsInvalidInput) {
  const Need need{.id = 1, .kind = "k", .quantity = 1, .priority = 50, .lat = 30.5, .lon = 114.3};
  const Offer offer{.id = 1, .kind = "k", .quantity = 1, .lat = 30.5, .lon = 114.3};
  auto with_need = [&](auto change) {
    Need changed = need;
    change(changed);
    return std::vector<Need>{changed};
  };
  auto with_offer = [&](auto change) {
    Offer changed = offer;
    change(changed);
    return std::vector<Offer>{changed};
  };
  const std::vector<Need> needs = {need};
  const std::vector<Offer> offers = {offer};
  const std::vector<Need> twin_needs = {need, need};
  const std::vector<Offer> twin_offers = {offer, offer};
  auto options = [](auto change) {
    MatchOptions changed;
    change(changed);
    return changed;
  };
  for (auto* match : {&MatchOptimal, &MatchGreedy}) {
    ExpectInvalid(match(with_need([](Need& n) { n.priority = 101; }), offers, {}),
                  "error.field_invalid", "priority");
    ExpectInvalid(match(with_need([](Need& n) { n.priority = -1; }), offers, {}),
                  "error.field_invalid", "priority");
    ExpectInvalid(match(with_need([](Need& n) { n.quantity = -1; }), offers, {}),
                  "error.field_invalid", "quantity");
    ExpectInvalid(match(with_need([](Need& n) { n.lat = 90.5; }), offers, {}),
                  "error.bad_coordinates", "lat");
    ExpectInvalid(match(with_need([](Need& n) { n.kind.clear(); }), offers, {}),
                  "error.field_required", "kind");
    ExpectInvalid(match(needs, with_offer([](Offer& o) { o.lon = NAN; }), {}),
                  "error.bad_coordinates", "lon");
    ExpectInvalid(match(needs, with_offer([](Offer& o) { o.quantity = -2; }), {}),
                  "error.field_invalid", "quantity");
    ExpectInvalid(match(twin_needs, offers, {}), "error.match.duplicate_id", "need_id");
    ExpectInvalid(match(needs, twin_offers, {}), "error.match.duplicate_id", "offer_id");
    ExpectInvalid(match(needs, offers, options([](MatchOptions& o) { o.radius_km = 0; })),
                  "error.field_invalid", "radius_km");
    ExpectInvalid(match(needs, offers, options([](MatchOptions& o) { o.radius_km = INFINITY; })),
                  "error.field_invalid", "radius_km");
    ExpectInvalid(
        match(needs, offers, options([](MatchOptions& o) { o.max_candidates_per_need = -1; })),
        "error.field_invalid", "max_candidates_per_need");
    EXPECT_TRUE(match(needs, offers, {}).ok());
    EXPECT_TRUE(match({}, {}, {}).ok());
  }
}

TEST(MatchOptimalTest, ZeroPriorityAndZeroQuantityNeedsGainNothing) {
  const std::vector<Offer> offers = {
      {.id = 1, .kind = "k", .quantity = 3, .lat = 30.5, .lon = 114.3}};
  const std::vector<Need> needs = {
      {.id = 1, .kind = "k", .quantity = 1, .priority = 0, .lat = 30.51, .lon = 114.3},
      {.id = 2, .kind = "k", .quantity = 0, .priority = 70, .lat = 30.51, .lon = 114.3}};
  const Result<MatchResult> result = MatchOptimal(needs, offers, {});
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->matches.empty());
  EXPECT_EQ(result->unmet_need_ids, std::vector<std::int64_t>{1});
  EXPECT_EQ(result->unmet_quantity, 1);
}

}  // namespace
}  // namespace lifeline::matching
