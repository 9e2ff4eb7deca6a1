#include "engines/tracing/follow_up.h"

#include <gtest/gtest.h>

namespace lifeline::tracing {
namespace {

constexpr UnixMillis kStart = 1'670'000'000'000;  // a quarantine's start

UnixMillis At(int day, int hour) {  // day 1 is the first
  return kStart + (day - 1) * kMillisPerDay + hour * kMillisPerHour;
}

TEST(FollowUpTest, DailyChecksAndTestsOnDaysOneFourSevenFourteen) {
  const Interval quarantine{kStart, kStart + 14 * kMillisPerDay};
  const std::vector<UnixMillis> checks{At(1, 9), At(2, 9), At(3, 23)};
  // Day 1's test on time; day 4's taken late, on day 5, still counts; none since.
  const std::vector<UnixMillis> tests{At(1, 10), At(5, 8)};
  const auto plan = FollowUpPlan(quarantine, checks, tests);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->size(), 14u + 4u);
  EXPECT_EQ((*plan)[0], (FollowUpTask{TaskKind::kSymptomCheck, 1, At(2, 0), true}));
  EXPECT_EQ((*plan)[1], (FollowUpTask{TaskKind::kTest, 1, At(4, 0), true}));

  // On day 8 at noon the checks of days 4 to 7 are overdue; no test is: day 4's was taken late
  // and counts, day 7's may be taken until day 14 begins.
  const std::vector<FollowUpTask> overdue = Overdue(*plan, At(8, 12));
  std::vector<int> check_days;
  for (const FollowUpTask& task : overdue) {
    EXPECT_EQ(task.kind, TaskKind::kSymptomCheck);
    check_days.push_back(task.day);
  }
  EXPECT_EQ(check_days, (std::vector<int>{4, 5, 6, 7}));
  // When day 14 begins, day 7's test is overdue too.
  const std::vector<FollowUpTask> later = Overdue(*plan, At(14, 0));
  EXPECT_EQ(std::count_if(later.begin(), later.end(),
                          [](const FollowUpTask& task) { return task.kind == TaskKind::kTest; }),
            1);
}

TEST(FollowUpTest, AShortQuarantineHasOnlyItsOwnDaysAndBadRulesAreRefused) {
  const auto plan = FollowUpPlan({kStart, kStart + 3 * kMillisPerDay}, {}, {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->size(), 3u + 1u);  // checks of days 1-3, the test of day 1
  EXPECT_EQ(plan->back(), (FollowUpTask{TaskKind::kSymptomCheck, 3, At(4, 0), false}));
  FollowUpRules rules;
  rules.test_days = {4, 1};
  EXPECT_FALSE(FollowUpPlan({kStart, kStart + kMillisPerDay}, {}, {}, rules).ok());
  EXPECT_FALSE(FollowUpPlan({kStart, kStart - 1}, {}, {}).ok());
}

}  // namespace
}  // namespace lifeline::tracing
