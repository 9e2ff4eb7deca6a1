#include "engines/tracing/rings.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/validation.h"

namespace lifeline::tracing {

Result<std::vector<Ring>> ExpandRings(std::span<const PersonId> cases,
                                      std::span<const ContactLink> links, int tracers_on_duty,
                                      const RingOptions& options) {
  if (options.rings < 1 || options.rings > 10) return FieldInvalid("rings", "1..10");
  if (!(options.days_per_case >= 0)) return FieldInvalid("days_per_case", ">= 0");
  if (!(options.growth >= 0)) return FieldInvalid("growth", ">= 0");
  if (tracers_on_duty < 1) return FieldInvalid("tracers_on_duty", ">= 1");
  std::unordered_map<PersonId, std::vector<PersonId>> neighbours;
  for (const ContactLink& link : links) {
    if (link.a == link.b) return FieldInvalid("contact", "a person is not their own contact");
    neighbours[link.a].push_back(link.b);
    neighbours[link.b].push_back(link.a);
  }
  // Breadth first from every case at once: a person's ring is their distance from the nearest.
  std::unordered_map<PersonId, int> ring_of;
  std::vector<PersonId> frontier;
  for (const PersonId person : cases) {
    if (ring_of.emplace(person, 0).second) frontier.push_back(person);
  }
  std::vector<Ring> rings;
  double cumulative = 0;
  const auto case_count = static_cast<double>(frontier.size());
  for (int ring = 1; ring <= options.rings; ++ring) {
    std::vector<PersonId> next;
    for (const PersonId person : frontier) {
      const auto found = neighbours.find(person);
      if (found == neighbours.end()) continue;
      for (const PersonId contact : found->second) {
        if (ring_of.emplace(contact, ring).second) next.push_back(contact);
      }
    }
    std::sort(next.begin(), next.end());
    Ring result;
    result.ring = ring;
    result.people = next;
    result.investigator_days =
        case_count * options.days_per_case * std::pow(options.growth, ring - 1);
    result.days_with_tracers = result.investigator_days / tracers_on_duty;
    cumulative += result.days_with_tracers;
    result.cumulative_days_with_tracers = cumulative;
    rings.push_back(std::move(result));
    frontier = std::move(next);
  }
  return rings;
}

}  // namespace lifeline::tracing
