// The matching engine at city scale on one core: a seeded synthetic Wuhan of needs and offers,
// MatchOptimal beside the MatchGreedy baseline, and how much more priority the optimum serves.
// With --compare it also solves a medium instance with and without the candidate cap to show
// what the cap costs. bench/README.md says how to run it and what this machine measured.

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "engines/matching/matching.h"

namespace lifeline::matching {
namespace {

// SplitMix64: a fixed generator, so every run and machine matches the same instance.
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int Below(int bound) { return static_cast<int>(Next() % static_cast<std::uint64_t>(bound)); }
  double Uniform(double low, double high) {
    return low + (high - low) * static_cast<double>(Next() >> 11) * 0x1.0p-53;
  }

 private:
  std::uint64_t state_;
};

// Wuhan's extent, roughly: the benchmark's points fall anywhere in it.
constexpr double kLatMin = 30.3, kLatMax = 30.9, kLonMin = 113.9, kLonMax = 114.7;
// Item kinds with their share of needs and offers (of 100).
struct KindShare {
  const char* kind;
  int need_share;
  int offer_share;
};
constexpr KindShare kKinds[] = {{"concentrator_3", 15, 20},
                                {"concentrator_5", 30, 25},
                                {"concentrator_10", 15, 10},
                                {"oximeter", 25, 35},
                                {"ventilator_noninvasive", 15, 10}};

const char* PickKind(Generator& random, bool for_need) {
  int roll = random.Below(100);
  for (const KindShare& share : kKinds) {
    roll -= for_need ? share.need_share : share.offer_share;
    if (roll < 0) return share.kind;
  }
  return kKinds[0].kind;
}

struct Instance {
  std::vector<Need> needs;
  std::vector<Offer> offers;
};

Instance MakeInstance(std::uint64_t seed, int need_count, int offer_count) {
  Generator random(seed);
  Instance instance;
  instance.needs.reserve(need_count);
  for (int idx = 0; idx < need_count; ++idx) {
    // Urgency skewed low, as on a real board: most needs are routine, a few are critical.
    const int priority = std::min(random.Below(101), random.Below(101));
    instance.needs.push_back({.id = idx + 1,
                              .kind = PickKind(random, true),
                              .quantity = 1 + random.Below(3),
                              .priority = priority,
                              .lat = random.Uniform(kLatMin, kLatMax),
                              .lon = random.Uniform(kLonMin, kLonMax)});
  }
  instance.offers.reserve(offer_count);
  for (int idx = 0; idx < offer_count; ++idx) {
    instance.offers.push_back({.id = idx + 1,
                               .kind = PickKind(random, false),
                               .quantity = 1 + random.Below(3),
                               .lat = random.Uniform(kLatMin, kLatMax),
                               .lon = random.Uniform(kLonMin, kLonMax)});
  }
  return instance;
}

MatchOptions Options(int candidates) {
  MatchOptions options;
  options.also_serves = {{"concentrator_10", {"concentrator_5", "concentrator_3"}},
                         {"concentrator_5", {"concentrator_3"}}};
  options.max_candidates_per_need = candidates;
  return options;
}

struct Timed {
  MatchResult result;
  double seconds = 0;
  double cpu_seconds = 0;  // of this process: shows the work when other jobs load the machine
};

template <typename Solve>
Timed Run(Solve solve, const Instance& instance, const MatchOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  Result<MatchResult> result = solve(instance.needs, instance.offers, options);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (!result.ok()) {
    std::fprintf(stderr, "matching failed: %s\n", result.status().ToString().c_str());
    std::exit(1);
  }
  return {std::move(result).value(), elapsed.count(), cpu_seconds};
}

void Print(const char* label, const Timed& timed) {
  std::int64_t units = 0;
  for (const Match& match : timed.result.matches) units += match.quantity;
  std::printf(
      "%-22s %8.3f s (cpu %.3f s)  served priority %12lld  units %8lld  total distance %12.3f km"
      "  (%.3f km/unit)  unmet needs %lld\n",
      label, timed.seconds, timed.cpu_seconds, static_cast<long long>(timed.result.served_priority),
      static_cast<long long>(units), timed.result.total_distance_km,
      units == 0 ? 0.0 : timed.result.total_distance_km / static_cast<double>(units),
      static_cast<long long>(timed.result.unmet_need_ids.size()));
}

void Gain(const char* label, const Timed& better, const Timed& base) {
  const std::int64_t gain = better.result.served_priority - base.result.served_priority;
  std::printf(
      "%s: %+lld priority x units (%+.2f %%)\n", label, static_cast<long long>(gain),
      base.result.served_priority == 0
          ? 0.0
          : 100.0 * static_cast<double>(gain) / static_cast<double>(base.result.served_priority));
}

}  // namespace
}  // namespace lifeline::matching

int main(int argc, char** argv) {
  using namespace lifeline::matching;  // NOLINT: a program's main, not a header
  CLI::App app("Matching engine benchmark: MatchOptimal vs MatchGreedy on a synthetic Wuhan");
  int needs = 100'000, offers = 20'000, candidates = kDefaultMaxCandidatesPerNeed;
  int compare_needs = 10'000, compare_offers = 2'000;
  std::uint64_t seed = 2020;
  bool compare = false;
  app.add_option("--needs", needs)->capture_default_str();
  app.add_option("--offers", offers)->capture_default_str();
  app.add_option("--candidates", candidates, "candidate offers per need, 0 = all in radius")
      ->capture_default_str();
  app.add_option("--seed", seed)->capture_default_str();
  app.add_flag("--compare", compare, "also solve a medium instance with and without the cap");
  app.add_option("--compare-needs", compare_needs)->capture_default_str();
  app.add_option("--compare-offers", compare_offers)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const Instance city = MakeInstance(seed, needs, offers);
  std::printf(
      "%d needs x %d offers over Wuhan, radius %.0f km, %d candidates per need, seed %llu\n", needs,
      offers, kDefaultRadiusKm, candidates, static_cast<unsigned long long>(seed));
  const Timed optimal = Run(MatchOptimal, city, Options(candidates));
  const Timed greedy = Run(MatchGreedy, city, Options(candidates));
  Print("MatchOptimal", optimal);
  Print("MatchGreedy", greedy);
  Gain("optimum over greedy", optimal, greedy);

  if (compare) {
    const Instance medium = MakeInstance(seed + 1, compare_needs, compare_offers);
    std::printf("\n%d needs x %d offers: the cap against the optimum over all pairs in radius\n",
                compare_needs, compare_offers);
    const Timed uncapped = Run(MatchOptimal, medium, Options(0));
    Print("uncapped optimum", uncapped);
    for (const int cap : {8, 16, 24, 32}) {
      const Timed capped = Run(MatchOptimal, medium, Options(cap));
      const std::string label = "capped at " + std::to_string(cap);
      Print(label.c_str(), capped);
      Gain(("  uncapped over " + label).c_str(), uncapped, capped);
    }
    Print("greedy", Run(MatchGreedy, medium, Options(0)));
  }
  return 0;
}
