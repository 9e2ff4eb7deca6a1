#include "engines/matching/matching.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include "core/geo.h"
#include "engines/matching/offer_grid.h"

namespace lifeline::matching {
namespace {

constexpr double kMetersPerKm = 1000.0;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The input in canonical order (by id), kinds interned, and one offer grid per need kind: what
// both solvers work on, so that neither depends on the order the caller gave.
struct Instance {
  std::vector<Need> needs;    // ascending id
  std::vector<Offer> offers;  // ascending id
  std::vector<int> need_kind;
  std::vector<OfferGrid> grid_by_kind;           // indexed by need_kind
  std::vector<std::vector<int>> kinds_of_offer;  // the need kinds each offer can serve
  double radius_m = 0;
};

Status Invalid(std::string field, std::string reason, std::int64_t id) {
  return Status::InvalidArgument(
      "error.field_invalid",
      {{"field", field}, {"reason", std::move(reason)}, {"id", std::to_string(id)}}, field);
}

Status CheckPlace(double lat, double lon, std::int64_t id) {
  if (IsValidLatLon({lat, lon})) return Status::Ok();
  const bool lat_ok = IsValidLatLon({lat, 0});
  return Status::InvalidArgument("error.bad_coordinates", {{"id", std::to_string(id)}},
                                 lat_ok ? "lon" : "lat");
}

template <typename Item>
Status CheckUniqueIds(std::vector<Item>& sorted, const char* field) {
  std::sort(sorted.begin(), sorted.end(), [](const Item& a, const Item& b) { return a.id < b.id; });
  for (std::size_t idx = 1; idx < sorted.size(); ++idx) {
    if (sorted[idx].id == sorted[idx - 1].id) {
      return Status::InvalidArgument("error.match.duplicate_id",
                                     {{"field", field}, {"id", std::to_string(sorted[idx].id)}},
                                     field);
    }
  }
  return Status::Ok();
}

Result<Instance> MakeInstance(std::span<const Need> needs, std::span<const Offer> offers,
                              const MatchOptions& options) {
  if (!std::isfinite(options.radius_km) || options.radius_km <= 0) {
    return Status::InvalidArgument("error.field_invalid",
                                   {{"field", "radius_km"}, {"reason", "> 0"}}, "radius_km");
  }
  if (options.max_candidates_per_need < 0) {
    return Status::InvalidArgument("error.field_invalid",
                                   {{"field", "max_candidates_per_need"}, {"reason", ">= 0"}},
                                   "max_candidates_per_need");
  }
  for (const Need& need : needs) {
    if (need.kind.empty()) {
      return Status::InvalidArgument("error.field_required", {{"field", "kind"}}, "kind");
    }
    if (need.quantity < 0) return Invalid("quantity", ">= 0", need.id);
    if (need.priority < kMinPriority || need.priority > kMaxPriority) {
      return Invalid("priority", std::to_string(kMinPriority) + ".." + std::to_string(kMaxPriority),
                     need.id);
    }
    RETURN_IF_ERROR(CheckPlace(need.lat, need.lon, need.id));
  }
  for (const Offer& offer : offers) {
    if (offer.kind.empty()) {
      return Status::InvalidArgument("error.field_required", {{"field", "kind"}}, "kind");
    }
    if (offer.quantity < 0) return Invalid("quantity", ">= 0", offer.id);
    RETURN_IF_ERROR(CheckPlace(offer.lat, offer.lon, offer.id));
  }
  Instance instance;
  instance.radius_m = options.radius_km * kMetersPerKm;
  instance.needs.assign(needs.begin(), needs.end());
  instance.offers.assign(offers.begin(), offers.end());
  RETURN_IF_ERROR(CheckUniqueIds(instance.needs, "need_id"));
  RETURN_IF_ERROR(CheckUniqueIds(instance.offers, "offer_id"));

  // Need kinds in lexical order; each offer joins the grid of its own kind and of every need
  // kind it also serves.
  std::vector<std::string_view> kinds;
  for (const Need& need : instance.needs) kinds.push_back(need.kind);
  std::sort(kinds.begin(), kinds.end());
  kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
  std::unordered_map<std::string_view, int> kind_idx;
  for (std::size_t idx = 0; idx < kinds.size(); ++idx) kind_idx[kinds[idx]] = static_cast<int>(idx);
  for (const Need& need : instance.needs) instance.need_kind.push_back(kind_idx[need.kind]);
  std::vector<std::vector<int>> members(kinds.size());
  for (std::size_t offer_idx = 0; offer_idx < instance.offers.size(); ++offer_idx) {
    const Offer& offer = instance.offers[offer_idx];
    std::vector<int> served;
    if (auto it = kind_idx.find(offer.kind); it != kind_idx.end()) served.push_back(it->second);
    if (auto also = options.also_serves.find(offer.kind); also != options.also_serves.end()) {
      for (const std::string& kind : also->second) {
        if (auto it = kind_idx.find(kind); it != kind_idx.end()) served.push_back(it->second);
      }
    }
    std::sort(served.begin(), served.end());
    served.erase(std::unique(served.begin(), served.end()), served.end());
    for (const int kind : served) members[kind].push_back(static_cast<int>(offer_idx));
    instance.kinds_of_offer.push_back(std::move(served));
  }
  instance.grid_by_kind.reserve(kinds.size());
  for (const std::vector<int>& kind_members : members) {
    instance.grid_by_kind.emplace_back(instance.offers, kind_members);
  }
  return instance;
}

std::int64_t WholeMeters(const Need& need, const Offer& offer) {
  return std::llround(GreatCircleMeters({need.lat, need.lon}, {offer.lat, offer.lon}));
}

bool WithinRadius(const Instance& instance, const Need& need, const Offer& offer) {
  return GreatCircleMeters({need.lat, need.lon}, {offer.lat, offer.lon}) <= instance.radius_m;
}

// Totals and unmet needs of a set of matches, which it sorts by need id, then offer id.
MatchResult Summarize(const Instance& instance, std::vector<Match> matches) {
  std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
    return a.need_id != b.need_id ? a.need_id < b.need_id : a.offer_id < b.offer_id;
  });
  MatchResult result;
  std::int64_t total_meters = 0;
  std::unordered_map<std::int64_t, std::int64_t> served;
  for (const Match& match : matches) {
    result.served_priority += match.priority * match.quantity;
    total_meters += std::llround(match.distance_km * kMetersPerKm) * match.quantity;
    served[match.need_id] += match.quantity;
  }
  result.total_distance_km = static_cast<double>(total_meters) / kMetersPerKm;
  for (const Need& need : instance.needs) {
    const std::int64_t short_by = need.quantity - served[need.id];
    if (short_by > 0) {
      result.unmet_quantity += short_by;
      result.unmet_need_ids.push_back(need.id);
    }
  }
  result.matches = std::move(matches);
  return result;
}

Match MakeMatch(const Need& need, const Offer& offer, std::int64_t quantity, std::int64_t meters) {
  return {.need_id = need.id,
          .offer_id = offer.id,
          .quantity = quantity,
          .distance_km = static_cast<double>(meters) / kMetersPerKm,
          .priority = need.priority};
}

// A (need, offer) pair of the candidate graph, by index into the instance.
struct Candidate {
  int need_idx;
  int offer_idx;
  std::int64_t meters;
};

// For each need that could gain anything (priority and quantity above zero), its nearest
// compatible offers within the radius (at most `max_per_need`, 0 = all), ties by offer id.
std::vector<Candidate> Candidates(const Instance& instance, int max_per_need) {
  std::vector<Candidate> candidates;
  std::vector<NearbyOffer> found;
  const auto limit = static_cast<std::size_t>(max_per_need);
  auto settled = [&](std::vector<NearbyOffer>& so_far) {
    if (limit == 0 || so_far.size() < limit) return kInfinity;
    std::nth_element(so_far.begin(), so_far.begin() + static_cast<std::ptrdiff_t>(limit - 1),
                     so_far.end());
    return so_far[limit - 1].chord2;
  };
  auto in_stock = [&](int offer_idx) { return instance.offers[offer_idx].quantity > 0; };
  for (std::size_t need_idx = 0; need_idx < instance.needs.size(); ++need_idx) {
    const Need& need = instance.needs[need_idx];
    if (need.quantity == 0 || need.priority == 0) continue;
    instance.grid_by_kind[instance.need_kind[need_idx]].Search(
        {need.lat, need.lon}, instance.radius_m, in_stock, settled, found);
    if (limit != 0 && found.size() > limit) {
      std::nth_element(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(limit - 1),
                       found.end());
      found.resize(limit);
    }
    std::sort(found.begin(), found.end(),
              [](const NearbyOffer& a, const NearbyOffer& b) { return a.offer_idx < b.offer_idx; });
    for (const NearbyOffer& nearby : found) {
      const Offer& offer = instance.offers[nearby.offer_idx];
      const double meters = GreatCircleMeters({need.lat, need.lon}, {offer.lat, offer.lon});
      if (meters > instance.radius_m) continue;
      candidates.push_back({static_cast<int>(need_idx), nearby.offer_idx, std::llround(meters)});
    }
  }
  return candidates;
}

using Graph = lemon::SmartDigraph;
using Solver = lemon::NetworkSimplex<Graph, std::int64_t, std::int64_t>;

// The candidate graph as a circulation: source -> offer (its stock) -> need (candidate arcs) ->
// sink (its quantity) -> source. Every arc costs nothing except as set per phase.
struct Network {
  Graph graph;
  Graph::Node source, sink;
  std::vector<Graph::Arc> candidate_arcs;  // parallel to the candidates
  std::vector<Graph::Arc> need_arcs;       // need -> sink, indexed by need index (or INVALID)
  std::vector<Graph::Node> offer_nodes;    // indexed by offer index (or INVALID)
  Graph::ArcMap<std::int64_t> capacity{graph};
};

void BuildNetwork(const Instance& instance, const std::vector<Candidate>& candidates,
                  Network& network) {
  Graph& graph = network.graph;
  network.source = graph.addNode();
  network.sink = graph.addNode();
  network.offer_nodes.assign(instance.offers.size(), lemon::INVALID);
  std::vector<Graph::Node>& offer_node = network.offer_nodes;
  std::vector<Graph::Node> need_node(instance.needs.size(), lemon::INVALID);
  network.need_arcs.assign(instance.needs.size(), lemon::INVALID);
  std::int64_t total_stock = 0;
  for (const Candidate& candidate : candidates) {
    if (offer_node[candidate.offer_idx] == lemon::INVALID) {
      offer_node[candidate.offer_idx] = graph.addNode();
      const std::int64_t stock = instance.offers[candidate.offer_idx].quantity;
      network.capacity.set(graph.addArc(network.source, offer_node[candidate.offer_idx]), stock);
      total_stock += stock;
    }
    if (need_node[candidate.need_idx] == lemon::INVALID) {
      need_node[candidate.need_idx] = graph.addNode();
      const Graph::Arc arc = graph.addArc(need_node[candidate.need_idx], network.sink);
      network.capacity.set(arc, instance.needs[candidate.need_idx].quantity);
      network.need_arcs[candidate.need_idx] = arc;
    }
  }
  network.candidate_arcs.reserve(candidates.size());
  for (const Candidate& candidate : candidates) {
    const Graph::Arc arc =
        graph.addArc(offer_node[candidate.offer_idx], need_node[candidate.need_idx]);
    network.capacity.set(arc, std::min(instance.offers[candidate.offer_idx].quantity,
                                       instance.needs[candidate.need_idx].quantity));
    network.candidate_arcs.push_back(arc);
  }
  network.capacity.set(graph.addArc(network.sink, network.source), total_stock);
}

// The candidate graph for the single pass, in LEMON's "less or equal" supply form: each offer
// node may send up to its stock, which LEMON returns to its artificial root (cost 0) when unused;
// offer -> need (candidate arcs) -> sink (its quantity). No source and no return arc, which
// makes the simplex start from every offer holding its stock and shortens its work.
void BuildSupplyNetwork(const Instance& instance, const std::vector<Candidate>& candidates,
                        Network& network, Graph::NodeMap<std::int64_t>& supply) {
  Graph& graph = network.graph;
  network.source = lemon::INVALID;
  network.sink = graph.addNode();
  network.offer_nodes.assign(instance.offers.size(), lemon::INVALID);
  std::vector<Graph::Node>& offer_node = network.offer_nodes;
  std::vector<Graph::Node> need_node(instance.needs.size(), lemon::INVALID);
  network.need_arcs.assign(instance.needs.size(), lemon::INVALID);
  std::vector<std::pair<Graph::Node, std::int64_t>> stock;
  for (const Candidate& candidate : candidates) {
    if (offer_node[candidate.offer_idx] == lemon::INVALID) {
      offer_node[candidate.offer_idx] = graph.addNode();
      stock.emplace_back(offer_node[candidate.offer_idx],
                         instance.offers[candidate.offer_idx].quantity);
    }
    if (need_node[candidate.need_idx] == lemon::INVALID) {
      need_node[candidate.need_idx] = graph.addNode();
      const Graph::Arc arc = graph.addArc(need_node[candidate.need_idx], network.sink);
      network.capacity.set(arc, instance.needs[candidate.need_idx].quantity);
      network.need_arcs[candidate.need_idx] = arc;
    }
  }
  network.candidate_arcs.reserve(candidates.size());
  for (const Candidate& candidate : candidates) {
    const Graph::Arc arc =
        graph.addArc(offer_node[candidate.offer_idx], need_node[candidate.need_idx]);
    network.capacity.set(arc, std::min(instance.offers[candidate.offer_idx].quantity,
                                       instance.needs[candidate.need_idx].quantity));
    network.candidate_arcs.push_back(arc);
  }
  for (const auto& [node, quantity] : stock) supply.set(node, quantity);
}

// Both solvers start from the most urgent needs of each kind, whole priority levels at a time,
// until they want this many times the stock that could serve them; the rest join only if the
// duals say they could gain something (see SolveInOnePass and SolveInTwoPasses). Measured on the
// benchmark: 1.1 needs no second round there, and a larger set only slows the simplex.
constexpr double kInitialDemandOverStock = 1.1;

std::vector<char> InitialNeeds(const Instance& instance, const std::vector<Candidate>& candidates) {
  std::vector<char> active(instance.needs.size(), 0);
  std::vector<std::vector<int>> by_kind(instance.grid_by_kind.size());
  std::vector<char> has_candidates(instance.needs.size(), 0);
  for (const Candidate& candidate : candidates) has_candidates[candidate.need_idx] = 1;
  for (std::size_t need_idx = 0; need_idx < instance.needs.size(); ++need_idx) {
    if (has_candidates[need_idx])
      by_kind[instance.need_kind[need_idx]].push_back(static_cast<int>(need_idx));
  }
  for (std::size_t kind = 0; kind < by_kind.size(); ++kind) {
    const std::int64_t kind_stock = instance.grid_by_kind[kind].total_quantity();
    std::vector<int>& kind_needs = by_kind[kind];
    std::stable_sort(kind_needs.begin(), kind_needs.end(), [&](int a, int b) {
      return instance.needs[a].priority > instance.needs[b].priority;
    });
    std::int64_t demand = 0;
    int level = kMaxPriority + 1;
    for (const int need_idx : kind_needs) {
      const Need& need = instance.needs[need_idx];
      if (need.priority < level &&
          static_cast<double>(demand) >= kInitialDemandOverStock * static_cast<double>(kind_stock))
        break;
      level = need.priority;
      demand += need.quantity;
      active[need_idx] = 1;
    }
  }
  return active;
}

std::vector<Candidate> ActiveCandidates(const std::vector<Candidate>& candidates,
                                        const std::vector<char>& active) {
  std::vector<Candidate> kept;
  for (const Candidate& candidate : candidates) {
    if (active[candidate.need_idx]) kept.push_back(candidate);
  }
  return kept;
}

// The candidates of the final network and the units each carries.
struct Solution {
  std::vector<Candidate> candidates;
  std::vector<std::int64_t> flow;  // parallel to candidates
};

// The weight W of one unit of priority in the single-pass cost (see SolveInOnePass), or 0 when
// the costs could overflow 64 bits inside the simplex. Any feasible flow carries at most U units
// (the smaller of the stock and the demand in the candidate graph), each at most the longest
// candidate distance d, so its total distance is at most U·d < W = U·d + 1. Arc costs are then
// at most C = kMaxPriority·W in magnitude. LEMON's potentials are sums of costs along a path of
// the spanning tree from its root (its artificial arcs cost 0 here: every supply is >= 0), so
// they stay within N·C for N nodes, reduced costs within (2N + 1)·C, and the total cost within
// 2·U·C. W is used only when all of those stay below 2^62.
std::int64_t PriorityWeight(const Instance& instance, const std::vector<Candidate>& candidates) {
  std::vector<char> offer_seen(instance.offers.size(), 0), need_seen(instance.needs.size(), 0);
  std::int64_t stock = 0, demand = 0, nodes = 1, longest = 0;
  bool overflow = false;
  for (const Candidate& candidate : candidates) {
    if (!offer_seen[candidate.offer_idx]) {
      offer_seen[candidate.offer_idx] = 1;
      overflow |=
          __builtin_add_overflow(stock, instance.offers[candidate.offer_idx].quantity, &stock);
      ++nodes;
    }
    if (!need_seen[candidate.need_idx]) {
      need_seen[candidate.need_idx] = 1;
      overflow |=
          __builtin_add_overflow(demand, instance.needs[candidate.need_idx].quantity, &demand);
      ++nodes;
    }
    longest = std::max(longest, candidate.meters);
  }
  const std::int64_t units = std::min(stock, demand);
  constexpr std::int64_t kLimit = std::int64_t{1} << 62;
  std::int64_t weight = 0, max_cost = 0, tree_bound = 0, total_bound = 0;
  overflow |= __builtin_mul_overflow(units, longest, &weight) ||
              __builtin_add_overflow(weight, 1, &weight) ||
              __builtin_mul_overflow(weight, std::int64_t{kMaxPriority}, &max_cost) ||
              __builtin_mul_overflow(max_cost, 2 * nodes + 2, &tree_bound) ||
              __builtin_mul_overflow(max_cost, 2 * units + 2, &total_bound);
  if (overflow || tree_bound >= kLimit || total_bound >= kLimit) return 0;
  return weight;
}

// Lexicographic optimum in one min-cost flow: a unit served for need n over candidate (o, n)
// costs meters(o, n) - p(n)·W. For any two feasible flows f, g with P(f) > P(g) (priority
// served, an integer), cost(f) = D(f) - W·P(f) <= D(f) - W·P(g) - W < -W·P(g) <= cost(g), as
// 0 <= D(f) < W (PriorityWeight). So the cheapest flow serves the most priority, and among those
// the least distance: exactly the lexicographic order, without a second pass.
//
// The simplex runs on a subset of the needs, grown until LP duality proves the rest could gain
// nothing: a left-out need n with candidate offers O could enter with zero flow and a potential
// π(n) keeping every reduced cost non-negative iff p(n)·W + π(sink) <= min over o in O of
// (meters(o, n) + π(o)), where an offer outside the network has π = 0 (its stock sits on
// LEMON's artificial arc to the root, of cost 0). When every left-out need passes, the subset's
// optimum with zero flow elsewhere is optimal for the whole candidate graph.
Result<Solution> SolveInOnePass(const Instance& instance,
                                const std::vector<Candidate>& all_candidates, std::int64_t weight) {
  std::vector<char> active = InitialNeeds(instance, all_candidates);
  while (true) {
    Solution solution{.candidates = ActiveCandidates(all_candidates, active), .flow = {}};
    const std::vector<Candidate>& candidates = solution.candidates;
    Network network;
    const Graph& graph = network.graph;
    Graph::NodeMap<std::int64_t> supply(graph, 0);
    BuildSupplyNetwork(instance, candidates, network, supply);
    Graph::ArcMap<std::int64_t> cost(graph, 0);
    for (std::size_t need_idx = 0; need_idx < instance.needs.size(); ++need_idx) {
      if (network.need_arcs[need_idx] != lemon::INVALID) {
        cost.set(network.need_arcs[need_idx], -instance.needs[need_idx].priority * weight);
      }
    }
    for (std::size_t idx = 0; idx < candidates.size(); ++idx) {
      cost.set(network.candidate_arcs[idx], candidates[idx].meters);
    }
    // First-eligible pivots: on the benchmark 1.3 s against 1.6 s for block search (LEMON's
    // default), 2.4 s for candidate lists and 4.2 s for altering lists.
    Solver solver(graph);
    solver.upperMap(network.capacity).costMap(cost).supplyMap(supply).supplyType(Solver::LEQ);
    if (solver.run(Solver::FIRST_ELIGIBLE) != Solver::OPTIMAL) {
      return Status::Internal("matching: the single pass found no optimum");
    }
    const std::int64_t sink_potential = solver.potential(network.sink);
    std::vector<std::int64_t> cheapest(instance.needs.size(),
                                       std::numeric_limits<std::int64_t>::max());
    for (const Candidate& candidate : all_candidates) {
      if (active[candidate.need_idx]) continue;
      const Graph::Node offer_node = network.offer_nodes[candidate.offer_idx];
      const std::int64_t potential =
          offer_node == lemon::INVALID ? 0 : solver.potential(offer_node);
      cheapest[candidate.need_idx] =
          std::min(cheapest[candidate.need_idx], potential + candidate.meters);
    }
    bool grown = false;
    for (std::size_t need_idx = 0; need_idx < instance.needs.size(); ++need_idx) {
      if (active[need_idx] || cheapest[need_idx] == std::numeric_limits<std::int64_t>::max())
        continue;
      if (instance.needs[need_idx].priority * weight + sink_potential > cheapest[need_idx]) {
        active[need_idx] = 1;
        grown = true;
      }
    }
    if (grown) continue;
    solution.flow.reserve(candidates.size());
    for (const Graph::Arc arc : network.candidate_arcs) solution.flow.push_back(solver.flow(arc));
    return solution;
  }
}

// Lexicographic optimum in two exact phases, all in small integers (no big-M weight, so nothing
// can overflow whatever the quantities and distances), for instances too large for one pass:
//  1. maximise priority x quantity: a min-cost circulation with cost -priority on need -> sink.
//     Its optimal potentials π give each arc a reduced cost c + π(tail) - π(head).
//  2. By LP complementary slackness, a flow is optimal for phase 1 exactly when it puts every
//     arc with positive reduced cost at its lower bound and every arc with negative reduced cost
//     at its capacity. Fixing those arcs leaves precisely the phase-1 optima; among them a second
//     circulation with cost = whole metres on the candidate arcs finds the least distance.
Result<Solution> SolveInTwoPasses(const Instance& instance,
                                  const std::vector<Candidate>& all_candidates) {
  // Phase 1 over a subset of the needs, grown until LP duality proves the rest could gain
  // nothing: a left-out need n with candidate offers O could enter with potential π(n) and zero
  // flow iff p(n) + π(sink) < min over O of π(o) (an offer outside the network has π(source)).
  // When every left-out need passes, the subset's optimum and potentials are optimal for the
  // whole candidate graph, and the strict inequality puts every arc of a left-out need at zero
  // in every optimum, so phase 2 may ignore them too.
  std::vector<char> active = InitialNeeds(instance, all_candidates);
  std::vector<Candidate> candidates;
  std::unique_ptr<Network> network;
  std::unique_ptr<Graph::ArcMap<std::int64_t>> priority_cost_map;
  std::unique_ptr<Solver> by_priority;
  while (true) {
    candidates = ActiveCandidates(all_candidates, active);
    network = std::make_unique<Network>();
    BuildNetwork(instance, candidates, *network);
    const Graph& graph = network->graph;
    priority_cost_map = std::make_unique<Graph::ArcMap<std::int64_t>>(graph, 0);
    for (std::size_t need_idx = 0; need_idx < instance.needs.size(); ++need_idx) {
      if (network->need_arcs[need_idx] != lemon::INVALID) {
        priority_cost_map->set(network->need_arcs[need_idx], -instance.needs[need_idx].priority);
      }
    }
    by_priority = std::make_unique<Solver>(graph);
    if (by_priority->upperMap(network->capacity).costMap(*priority_cost_map).run() !=
        Solver::OPTIMAL) {
      return Status::Internal("matching: the priority phase found no optimum");
    }
    const std::int64_t source_potential = by_priority->potential(network->source);
    const std::int64_t sink_potential = by_priority->potential(network->sink);
    std::vector<std::int64_t> cheapest(instance.needs.size(),
                                       std::numeric_limits<std::int64_t>::max());
    for (const Candidate& candidate : all_candidates) {
      if (active[candidate.need_idx]) continue;
      const Graph::Node offer_node = network->offer_nodes[candidate.offer_idx];
      const std::int64_t potential =
          offer_node == lemon::INVALID ? source_potential : by_priority->potential(offer_node);
      cheapest[candidate.need_idx] = std::min(cheapest[candidate.need_idx], potential);
    }
    bool grown = false;
    for (std::size_t need_idx = 0; need_idx < instance.needs.size(); ++need_idx) {
      if (active[need_idx] || cheapest[need_idx] == std::numeric_limits<std::int64_t>::max())
        continue;
      if (instance.needs[need_idx].priority + sink_potential >= cheapest[need_idx]) {
        active[need_idx] = 1;
        grown = true;
      }
    }
    if (!grown) break;
  }
  const Graph& graph = network->graph;
  const Graph::ArcMap<std::int64_t>& priority_cost = *priority_cost_map;
  const std::int64_t best_priority = -by_priority->totalCost();

  // Phase 2 keeps only what phase 1 left open: arcs with positive reduced cost carry nothing,
  // arcs with negative reduced cost are full (folded into node supplies), the rest are free.
  // Most low-priority needs drop out here, so this network is far smaller.
  std::vector<int> candidate_of_arc(static_cast<std::size_t>(graph.maxArcId()) + 1, -1);
  for (std::size_t idx = 0; idx < candidates.size(); ++idx) {
    candidate_of_arc[static_cast<std::size_t>(graph.id(network->candidate_arcs[idx]))] =
        static_cast<int>(idx);
  }
  Graph open_graph;
  open_graph.reserveNode(lemon::countNodes(graph));
  for (Graph::NodeIt node(graph); node != lemon::INVALID; ++node) open_graph.addNode();
  std::vector<std::int64_t> supply(static_cast<std::size_t>(graph.maxNodeId()) + 1, 0);
  std::vector<std::int64_t> candidate_flow(candidates.size(), 0);
  std::vector<std::pair<Graph::Arc, int>> open_candidates;     // (arc of open_graph, candidate)
  std::vector<std::pair<Graph::Arc, std::int64_t>> open_arcs;  // (arc of open_graph, capacity)
  for (Graph::ArcIt arc(graph); arc != lemon::INVALID; ++arc) {
    const std::int64_t reduced = priority_cost[arc] + by_priority->potential(graph.source(arc)) -
                                 by_priority->potential(graph.target(arc));
    if (reduced > 0) continue;
    const int tail = graph.id(graph.source(arc)), head = graph.id(graph.target(arc));
    const int candidate = candidate_of_arc[static_cast<std::size_t>(graph.id(arc))];
    const std::int64_t capacity = network->capacity[arc];
    if (reduced < 0) {
      supply[static_cast<std::size_t>(tail)] -= capacity;
      supply[static_cast<std::size_t>(head)] += capacity;
      if (candidate >= 0) candidate_flow[static_cast<std::size_t>(candidate)] = capacity;
      continue;
    }
    const Graph::Arc open_arc =
        open_graph.addArc(open_graph.nodeFromId(tail), open_graph.nodeFromId(head));
    open_arcs.emplace_back(open_arc, capacity);
    if (candidate >= 0) open_candidates.emplace_back(open_arc, candidate);
  }
  Graph::ArcMap<std::int64_t> open_capacity(open_graph), distance_cost(open_graph, 0);
  for (const auto& [open_arc, capacity] : open_arcs) open_capacity.set(open_arc, capacity);
  for (const auto& [open_arc, candidate] : open_candidates) {
    distance_cost.set(open_arc, candidates[static_cast<std::size_t>(candidate)].meters);
  }
  Graph::NodeMap<std::int64_t> open_supply(open_graph);
  for (Graph::NodeIt node(open_graph); node != lemon::INVALID; ++node) {
    open_supply.set(node, supply[static_cast<std::size_t>(open_graph.id(node))]);
  }
  Solver by_distance(open_graph);
  if (by_distance.upperMap(open_capacity).costMap(distance_cost).supplyMap(open_supply).run() !=
      Solver::OPTIMAL) {
    return Status::Internal("matching: the distance phase found no optimum");
  }
  for (const auto& [open_arc, candidate] : open_candidates) {
    candidate_flow[static_cast<std::size_t>(candidate)] = by_distance.flow(open_arc);
  }
  std::int64_t served_priority = 0;
  for (std::size_t idx = 0; idx < candidates.size(); ++idx) {
    served_priority += instance.needs[candidates[idx].need_idx].priority * candidate_flow[idx];
  }
  if (served_priority != best_priority) {
    return Status::Internal("matching: the distance phase lost priority");
  }
  return Solution{.candidates = std::move(candidates), .flow = std::move(candidate_flow)};
}

}  // namespace

Result<MatchResult> MatchOptimal(std::span<const Need> needs, std::span<const Offer> offers,
                                 const MatchOptions& options) {
  ASSIGN_OR_RETURN(const Instance instance, MakeInstance(needs, offers, options));
  const std::vector<Candidate> all_candidates =
      Candidates(instance, options.max_candidates_per_need);
  if (all_candidates.empty()) return Summarize(instance, {});
  Solution solution;
  if (const std::int64_t weight = PriorityWeight(instance, all_candidates); weight > 0) {
    ASSIGN_OR_RETURN(solution, SolveInOnePass(instance, all_candidates, weight));
  } else {
    ASSIGN_OR_RETURN(solution, SolveInTwoPasses(instance, all_candidates));
  }
  std::vector<Match> matches;
  for (std::size_t idx = 0; idx < solution.candidates.size(); ++idx) {
    const std::int64_t flow = solution.flow[idx];
    if (flow == 0) continue;
    const Candidate& candidate = solution.candidates[idx];
    matches.push_back(MakeMatch(instance.needs[candidate.need_idx],
                                instance.offers[candidate.offer_idx], flow, candidate.meters));
  }
  return Summarize(instance, std::move(matches));
}

Result<MatchResult> MatchGreedy(std::span<const Need> needs, std::span<const Offer> offers,
                                const MatchOptions& options) {
  ASSIGN_OR_RETURN(const Instance instance, MakeInstance(needs, offers, options));
  std::vector<int> order(instance.needs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return instance.needs[a].priority > instance.needs[b].priority;
  });
  std::vector<std::int64_t> stock(instance.offers.size());
  for (std::size_t idx = 0; idx < stock.size(); ++idx) stock[idx] = instance.offers[idx].quantity;

  // Units the offers of each need kind still hold: once a kind runs dry, its remaining needs are
  // left unserved without a search (which would otherwise scan the whole radius in vain).
  std::vector<std::int64_t> kind_stock(instance.grid_by_kind.size());
  for (std::size_t kind = 0; kind < kind_stock.size(); ++kind) {
    kind_stock[kind] = instance.grid_by_kind[kind].total_quantity();
  }
  std::vector<Match> matches;
  std::vector<NearbyOffer> found;
  for (const int need_idx : order) {
    const Need& need = instance.needs[need_idx];
    if (need.quantity == 0 || kind_stock[instance.need_kind[need_idx]] == 0) continue;
    // Enough once the nearest offers found so far hold the quantity wanted.
    auto settled = [&](std::vector<NearbyOffer>& so_far) {
      std::sort(so_far.begin(), so_far.end());
      std::int64_t units = 0;
      for (const NearbyOffer& nearby : so_far) {
        units += stock[nearby.offer_idx];
        if (units >= need.quantity) return nearby.chord2;
      }
      return kInfinity;
    };
    auto in_stock = [&](int offer_idx) { return stock[offer_idx] > 0; };
    instance.grid_by_kind[instance.need_kind[need_idx]].Search(
        {need.lat, need.lon}, instance.radius_m, in_stock, settled, found);
    std::sort(found.begin(), found.end());
    std::int64_t wanted = need.quantity;
    for (const NearbyOffer& nearby : found) {
      if (wanted == 0) break;
      const Offer& offer = instance.offers[nearby.offer_idx];
      if (!WithinRadius(instance, need, offer)) continue;
      const std::int64_t taken = std::min(wanted, stock[nearby.offer_idx]);
      stock[nearby.offer_idx] -= taken;
      for (const int kind : instance.kinds_of_offer[nearby.offer_idx]) kind_stock[kind] -= taken;
      wanted -= taken;
      matches.push_back(MakeMatch(need, offer, taken, WholeMeters(need, offer)));
    }
  }
  return Summarize(instance, std::move(matches));
}

}  // namespace lifeline::matching
