#include "engines/tracing/risk_areas.h"

#include <gtest/gtest.h>

namespace lifeline::tracing {
namespace {

UnixMillis Day(int day) { return DaysFromCivil(2022, 12, 1) * kMillisPerDay + day * kMillisPerDay; }

TEST(RiskAreaTest, ACaseMakesAnAreaMediumForFourteenDaysAndANewCaseExtendsIt) {
  std::vector<CaseVisit> visits{{"Jiangan/Baibuting", 1, Day(0)}};
  auto risks = AreaRisksAt(visits, Day(3));
  ASSERT_EQ(risks.size(), 1u);
  EXPECT_EQ(risks[0].level, RiskLevel::kMedium);
  EXPECT_EQ(risks[0].since, Day(0));
  EXPECT_EQ(risks[0].until, Day(14));
  EXPECT_EQ(risks[0].cases, 1);
  EXPECT_EQ(AreaRisksAt(visits, Day(14))[0].level, RiskLevel::kLow);

  visits.push_back({"Jiangan/Baibuting", 2, Day(10)});
  risks = AreaRisksAt(visits, Day(14));
  EXPECT_EQ(risks[0].level, RiskLevel::kMedium);
  EXPECT_EQ(risks[0].since, Day(0));
  EXPECT_EQ(risks[0].until, Day(24));
  EXPECT_EQ(AreaHistory(visits, "Jiangan/Baibuting", Day(30)),
            (std::vector<RiskChange>{{Day(0), RiskLevel::kMedium}, {Day(24), RiskLevel::kLow}}));
}

TEST(RiskAreaTest, ManyCasesMakeItHighAndItFallsBackAsTheyAge) {
  RiskAreaRules rules;
  rules.high_cases = 3;
  std::vector<CaseVisit> visits{
      {"A", 1, Day(0)}, {"A", 2, Day(2)}, {"A", 2, Day(4)}, {"A", 3, Day(5)}, {"B", 4, Day(1)}};
  const auto risks = AreaRisksAt(visits, Day(6), rules);
  ASSERT_EQ(risks.size(), 2u);
  EXPECT_EQ(risks[0].area, "A");
  EXPECT_EQ(risks[0].level, RiskLevel::kHigh);
  EXPECT_EQ(risks[0].since, Day(5));
  EXPECT_EQ(risks[0].cases, 3);        // case 2 twice counts once
  EXPECT_EQ(risks[0].until, Day(14));  // case 1's visit ages out first
  EXPECT_EQ(risks[1].level, RiskLevel::kMedium);
  EXPECT_EQ(AreaHistory(visits, "A", Day(40), rules),
            (std::vector<RiskChange>{{Day(0), RiskLevel::kMedium},
                                     {Day(5), RiskLevel::kHigh},
                                     {Day(14), RiskLevel::kMedium},
                                     {Day(19), RiskLevel::kLow}}));
  // Visits after `now` do not count yet.
  EXPECT_TRUE(AreaRisksAt(visits, Day(-1), rules).empty());
  rules.high_cases = 0;
  EXPECT_EQ(CheckRiskAreaRules(rules).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace lifeline::tracing
