#include "engines/tracing/testing_rounds.h"

#include <gtest/gtest.h>

namespace lifeline::tracing {
namespace {

TEST(TestingRoundTest, DistrictsGoInOrderOfRiskDayByDayWithinCapacity) {
  const std::vector<RoundDistrict> districts{{"Hongshan", 1'600'000, 2.0},
                                             {"Jiangan", 900'000, 9.5},
                                             {"Wuchang", 1'300'000, 4.1},
                                             {"Caidian", 0, 8.0}};
  const auto round = ScheduleRound(districts, 1'000'000);
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  ASSERT_EQ(round->size(), 4u);  // 3.8 million tests at a million a day
  EXPECT_EQ((*round)[0].slots[0].district, "Jiangan");
  EXPECT_EQ((*round)[0].slots[0].tests, 900'000);
  EXPECT_EQ((*round)[0].slots[1].district, "Wuchang");
  EXPECT_EQ((*round)[0].slots[1].tests, 100'000);
  EXPECT_EQ((*round)[1].slots[0].district, "Wuchang");
  EXPECT_EQ((*round)[1].slots[0].tests, 1'000'000);
  EXPECT_EQ((*round)[2].slots[0].district, "Wuchang");
  EXPECT_EQ((*round)[2].slots[0].tests, 200'000);
  EXPECT_EQ((*round)[2].slots[1].district, "Hongshan");
  EXPECT_EQ((*round)[3].day, 3);
  EXPECT_EQ((*round)[3].tests, 800'000);
  std::int64_t total = 0;
  for (const RoundDay& day : *round) {
    EXPECT_LE(day.tests, 1'000'000);
    for (const RoundSlot& slot : day.slots) total += slot.tests;
  }
  EXPECT_EQ(total, 3'800'000);
  // Caidian, with no one to test, has no slot but keeps its place in the order.
  EXPECT_EQ(RoundOrder(districts), (std::vector<std::size_t>{1, 3, 2, 0}));
}

TEST(TestingRoundTest, RefusesBadInput) {
  const std::vector<RoundDistrict> twice{{"A", 10, 1}, {"A", 10, 2}};
  EXPECT_FALSE(ScheduleRound(twice, 5).ok());
  const std::vector<RoundDistrict> one{{"A", 10, 1}};
  EXPECT_FALSE(ScheduleRound(one, 0).ok());
  const std::vector<RoundDistrict> huge{{"A", 1'000'000'000, 1}};
  EXPECT_FALSE(ScheduleRound(huge, 1).ok());
  EXPECT_TRUE(ScheduleRound({}, 5)->empty());
}

}  // namespace
}  // namespace lifeline::tracing
