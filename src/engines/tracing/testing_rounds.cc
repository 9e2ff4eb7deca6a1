#include "engines/tracing/testing_rounds.h"

#include <algorithm>
#include <set>

#include "core/validation.h"

namespace lifeline::tracing {
namespace {

constexpr std::int64_t kMaxRoundDays = 10000;

}  // namespace

std::vector<std::size_t> RoundOrder(std::span<const RoundDistrict> districts) {
  std::vector<std::size_t> order(districts.size());
  for (std::size_t index = 0; index < order.size(); ++index) order[index] = index;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return districts[a].risk != districts[b].risk ? districts[a].risk > districts[b].risk
                                                  : districts[a].id < districts[b].id;
  });
  return order;
}

Result<std::vector<RoundDay>> ScheduleRound(std::span<const RoundDistrict> districts,
                                            std::int64_t daily_capacity) {
  if (daily_capacity < 1) return FieldInvalid("daily_capacity", ">= 1");
  std::set<std::string> seen;
  std::int64_t total = 0;
  for (const RoundDistrict& district : districts) {
    if (!seen.insert(district.id).second)
      return FieldInvalid("district", "listed twice: " + district.id);
    if (district.population < 0) return FieldInvalid("population", ">= 0");
    total += district.population;
    if (total / daily_capacity > kMaxRoundDays) {
      return FieldInvalid("daily_capacity", "the round would take over 10,000 days");
    }
  }
  std::vector<RoundDay> days;
  for (const std::size_t index : RoundOrder(districts)) {
    const RoundDistrict* district = &districts[index];
    std::int64_t left = district->population;
    while (left > 0) {
      if (days.empty() || days.back().tests == daily_capacity) {
        days.push_back({static_cast<int>(days.size()), {}, 0});
      }
      RoundDay& day = days.back();
      const std::int64_t tests = std::min(left, daily_capacity - day.tests);
      day.slots.push_back({district->id, tests});
      day.tests += tests;
      left -= tests;
    }
  }
  return days;
}

}  // namespace lifeline::tracing
