#pragma once

#include <span>
#include <vector>

#include "core/status.h"
#include "engines/tracing/chains.h"

namespace lifeline::tracing {

// Rings of contacts (issue 6): ring 1 is the cases' contacts, ring 2 their contacts, and so on,
// each person in the nearest ring only. Beside the people, the workload the desk plans with:
// tracing one case's first ring takes `days_per_case` investigator-days (25), and each further
// ring `growth` (10) times the ring before, which is why a desk that has to reach the second
// ring needs ten times the tracers.

struct ContactLink {
  PersonId a = 0;  // a contact of b and b of a
  PersonId b = 0;
};

struct RingOptions {
  int rings = 3;
  double days_per_case = 25;
  double growth = 10;
};

struct Ring {
  int ring = 0;
  std::vector<PersonId> people;  // ascending
  double investigator_days = 0;  // cases x days_per_case x growth^(ring - 1)
  // With the tracers on duty: days to trace this ring, and all rings up to it.
  double days_with_tracers = 0;
  double cumulative_days_with_tracers = 0;
};

// InvalidArgument for fewer than one ring or more than 10, negative days or growth, fewer than
// one tracer on duty, or a link naming one person twice.
Result<std::vector<Ring>> ExpandRings(std::span<const PersonId> cases,
                                      std::span<const ContactLink> links, int tracers_on_duty,
                                      const RingOptions& options = {});

}  // namespace lifeline::tracing
