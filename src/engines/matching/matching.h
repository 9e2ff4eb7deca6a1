#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace lifeline::matching {

// Default search radius of a match, in kilometres.
constexpr double kDefaultRadiusKm = 30.0;
// Needs carry an urgency between these bounds; higher is more urgent.
constexpr int kMinPriority = 0;
constexpr int kMaxPriority = 100;

// Something somebody needs: `quantity` units of `kind` at (lat, lon).
struct Need {
  std::int64_t id = 0;
  std::string kind;  // e.g. "concentrator_5", "oximeter", "medicine:布洛芬 200mg"
  std::int64_t quantity = 0;
  int priority = 0;  // kMinPriority..kMaxPriority
  double lat = 0;
  double lon = 0;
};

// Something somebody offers: `quantity` units of `kind` at (lat, lon).
struct Offer {
  std::int64_t id = 0;
  std::string kind;
  std::int64_t quantity = 0;
  double lat = 0;
  double lon = 0;
};

// Candidate offers kept per need by default: its nearest compatible offers within the radius.
// On the benchmark's 10,000 x 2,000 Wuhan instance the capped optimum serves 0.04 % less
// priority than the optimum over all pairs in radius (16: 0.18 %, 32: 0.002 %); see
// bench/README.md, "Matching engine".
constexpr int kDefaultMaxCandidatesPerNeed = 24;

struct MatchOptions {
  double radius_km = kDefaultRadiusKm;
  // At most this many offers per need enter the candidate graph: the nearest compatible ones
  // within the radius (ties by offer id). 0 = every compatible offer within the radius, which
  // makes the result optimal over all assignments; with a cap it is optimal over that graph.
  int max_candidates_per_need = kDefaultMaxCandidatesPerNeed;
  // Offer kind -> further need kinds it can serve besides its own (a 10 L/min concentrator
  // serves a 5 L/min need). Same-kind matches are always allowed.
  std::map<std::string, std::vector<std::string>> also_serves;
};

// One assignment, with the reasons a coordinator sees: how far and how urgent.
struct Match {
  std::int64_t need_id = 0;
  std::int64_t offer_id = 0;
  std::int64_t quantity = 0;
  double distance_km = 0;  // great-circle, Earth radius 6371.0088 km
  int priority = 0;        // the need's
};

struct MatchResult {
  std::vector<Match> matches;                // sorted by need_id, then offer_id
  std::int64_t served_priority = 0;          // sum of priority x quantity matched
  double total_distance_km = 0;              // sum of distance x quantity matched
  std::int64_t unmet_quantity = 0;           // needed but not matched
  std::vector<std::int64_t> unmet_need_ids;  // needs not fully served, ascending
};

// The optimal assignment: among all assignments that respect kind, radius and quantities,
// those serving the most priority x quantity, and among them the least distance x quantity
// (distances compared in whole metres), over the candidate graph of MatchOptions (exact over
// all pairs in radius when max_candidates_per_need is 0). One min-cost flow (LEMON
// NetworkSimplex) whose priority weight provably outweighs any total distance, or, when such
// costs could overflow 64 bits, two passes in small integer costs: matching.cc says why both
// are exact.
// A need of priority 0 gains nothing and costs distance, so the optimum never serves it.
// Deterministic: the same input gives the same matches, whatever the input order. InvalidArgument
// for a priority out of range, a negative quantity, coordinates off the globe, a non-positive
// radius or repeated ids.
Result<MatchResult> MatchOptimal(std::span<const Need> needs, std::span<const Offer> offers,
                                 const MatchOptions& options);

// The baseline a coordinator would do by hand: needs by priority (then id), each taking the
// nearest compatible offers with stock left. Same checks and result shape as MatchOptimal.
Result<MatchResult> MatchGreedy(std::span<const Need> needs, std::span<const Offer> offers,
                                const MatchOptions& options);

}  // namespace lifeline::matching
