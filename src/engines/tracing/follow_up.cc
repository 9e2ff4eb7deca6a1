#include "engines/tracing/follow_up.h"

#include <algorithm>

#include "core/validation.h"

namespace lifeline::tracing {
namespace {

bool AnyWithin(std::span<const UnixMillis> times, UnixMillis from, UnixMillis to) {
  return std::any_of(times.begin(), times.end(),
                     [&](UnixMillis at) { return at >= from && at < to; });
}

}  // namespace

Result<std::vector<FollowUpTask>> FollowUpPlan(const Interval& quarantine,
                                               std::span<const UnixMillis> symptom_checks,
                                               std::span<const UnixMillis> tests,
                                               const FollowUpRules& rules) {
  if (quarantine.end < quarantine.start) return FieldInvalid("quarantine", "ends before it starts");
  for (std::size_t idx = 0; idx < rules.test_days.size(); ++idx) {
    if (rules.test_days[idx] < 1 || (idx > 0 && rules.test_days[idx] <= rules.test_days[idx - 1])) {
      return FieldInvalid("test_days", "ascending, from 1");
    }
  }
  const auto day_start = [&](int day) {
    return quarantine.start + static_cast<UnixMillis>(day - 1) * kMillisPerDay;
  };
  // Whole or partial days of the quarantine.
  const int days =
      static_cast<int>((quarantine.end - quarantine.start + kMillisPerDay - 1) / kMillisPerDay);
  std::vector<FollowUpTask> plan;
  for (int day = 1; day <= days; ++day) {
    const UnixMillis end = day_start(day + 1);
    plan.push_back(
        {TaskKind::kSymptomCheck, day, end, AnyWithin(symptom_checks, day_start(day), end)});
    const auto test_day = std::find(rules.test_days.begin(), rules.test_days.end(), day);
    if (test_day == rules.test_days.end()) continue;
    // A test counts from its day until the next test day begins (the last: its own day).
    const bool last = test_day + 1 == rules.test_days.end() || *(test_day + 1) > days;
    const UnixMillis window_end = last ? end : day_start(*(test_day + 1));
    plan.push_back(
        {TaskKind::kTest, day, window_end, AnyWithin(tests, day_start(day), window_end)});
  }
  return plan;
}

std::vector<FollowUpTask> Overdue(std::span<const FollowUpTask> plan, UnixMillis now) {
  std::vector<FollowUpTask> overdue;
  for (const FollowUpTask& task : plan) {
    if (!task.done && task.due <= now) overdue.push_back(task);
  }
  return overdue;
}

}  // namespace lifeline::tracing
