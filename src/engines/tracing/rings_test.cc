#include "engines/tracing/rings.h"

#include <gtest/gtest.h>

namespace lifeline::tracing {
namespace {

TEST(RingTest, ContactsFallIntoTheirNearestRingAndTheWorkloadGrowsTenfold) {
  // Cases 1 and 2. 1 met 10 and 11; 11 met 20 (and 2, a case: ring 0 stays 0); 20 met 30 and
  // 10 (already ring 1); 30 met 40, beyond ring 3.
  const std::vector<PersonId> cases{1, 2};
  const std::vector<ContactLink> links{{1, 10},  {1, 11},  {11, 2},  {11, 20},
                                       {20, 30}, {20, 10}, {30, 40}, {2, 12}};
  const auto rings = ExpandRings(cases, links, 300);
  ASSERT_TRUE(rings.ok()) << rings.status().ToString();
  ASSERT_EQ(rings->size(), 3u);
  EXPECT_EQ((*rings)[0].people, (std::vector<PersonId>{10, 11, 12}));
  EXPECT_EQ((*rings)[1].people, (std::vector<PersonId>{20}));
  EXPECT_EQ((*rings)[2].people, (std::vector<PersonId>{30}));
  // Two cases: 50, 500 and 5,000 investigator-days; with 300 tracers a sixth of a day, 1.7 days
  // and 16.7 days, 18.5 days for all three rings.
  EXPECT_DOUBLE_EQ((*rings)[0].investigator_days, 50);
  EXPECT_DOUBLE_EQ((*rings)[1].investigator_days, 500);
  EXPECT_DOUBLE_EQ((*rings)[2].investigator_days, 5000);
  EXPECT_DOUBLE_EQ((*rings)[1].days_with_tracers, 500.0 / 300);
  EXPECT_DOUBLE_EQ((*rings)[2].cumulative_days_with_tracers, 5550.0 / 300);

  // The same with 3,000 tracers takes a tenth of the time; other figures are settings.
  RingOptions options;
  options.rings = 2;
  options.days_per_case = 20;
  options.growth = 5;
  const auto other = ExpandRings(cases, links, 3000, options);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->size(), 2u);
  EXPECT_DOUBLE_EQ((*other)[1].investigator_days, 200);
  EXPECT_DOUBLE_EQ((*other)[1].cumulative_days_with_tracers, 240.0 / 3000);
}

TEST(RingTest, RefusesBadInput) {
  const std::vector<PersonId> cases{1};
  EXPECT_FALSE(ExpandRings(cases, {}, 0).ok());
  const std::vector<ContactLink> self{{1, 1}};
  EXPECT_FALSE(ExpandRings(cases, self, 1).ok());
  RingOptions options;
  options.rings = 0;
  EXPECT_FALSE(ExpandRings(cases, {}, 1, options).ok());
  // No contacts: empty rings, the workload still planned.
  const auto empty = ExpandRings(cases, {}, 1);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE((*empty)[0].people.empty());
  EXPECT_DOUBLE_EQ((*empty)[0].investigator_days, 25);
}

}  // namespace
}  // namespace lifeline::tracing
