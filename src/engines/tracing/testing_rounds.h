#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace lifeline::tracing {

// A testing round (issue 6): the chosen districts are tested in order of risk, highest first,
// as many people a day as the capacity allows (e.g. 1,000,000 tests a day); a district too big
// for one day continues the next, and a day with capacity left starts the next district.

struct RoundDistrict {
  std::string id;
  std::int64_t population = 0;  // people to test
  double risk = 0;              // higher is tested sooner (e.g. cases per 10,000 in 14 days)
};

struct RoundSlot {
  std::string district;
  std::int64_t tests = 0;
};

struct RoundDay {
  int day = 0;  // from 0
  std::vector<RoundSlot> slots;
  std::int64_t tests = 0;  // the day's total, at most the capacity
};

// The order a round tests `districts` in, as indices: risk highest first, then by id.
std::vector<std::size_t> RoundOrder(std::span<const RoundDistrict> districts);

// InvalidArgument for a capacity under 1, a negative population, a district listed twice, or a
// round longer than 10,000 days.
Result<std::vector<RoundDay>> ScheduleRound(std::span<const RoundDistrict> districts,
                                            std::int64_t daily_capacity);

}  // namespace lifeline::tracing
