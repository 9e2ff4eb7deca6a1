#include "engines/tracing/health_codes.h"

#include <gtest/gtest.h>

namespace lifeline::tracing {
namespace {

UnixMillis Day(int day, int hour = 0) {
  return DaysFromCivil(2022, 12, static_cast<unsigned>(day)) * kMillisPerDay +
         hour * kMillisPerHour;
}

TEST(HealthCodeTest, NobodyKnownIsGreen) {
  const HealthCode code = CodeAt({}, Day(5));
  EXPECT_EQ(code.colour, CodeColour::kGreen);
  EXPECT_EQ(code.reason, CodeReason::kNone);
  EXPECT_EQ(CodeHistory({}, Day(5)), (std::vector<CodeChange>{{Day(5), CodeColour::kGreen}}));
}

TEST(HealthCodeTest, ACompanionIsYellowUntilTwoNegativesADayApart) {
  CodeFacts facts;
  facts.companion_flags = {Day(1, 9)};
  EXPECT_EQ(CodeAt(facts, Day(1, 8)).colour, CodeColour::kGreen);
  const HealthCode flagged = CodeAt(facts, Day(1, 10));
  EXPECT_EQ(flagged.colour, CodeColour::kYellow);
  EXPECT_EQ(flagged.reason, CodeReason::kCompanionAwaitingTests);
  EXPECT_EQ(flagged.since, Day(1, 9));
  EXPECT_FALSE(flagged.until.has_value());

  // A negative before the flag counts for nothing; two 12 h apart count as one.
  facts.tests = {{Day(1, 8), false}, {Day(2, 8), false}, {Day(2, 20), false}};
  EXPECT_EQ(CodeAt(facts, Day(3)).colour, CodeColour::kYellow);
  // The second negative at least 24 h after the first counted one clears it.
  facts.tests.push_back({Day(3, 8), false});
  EXPECT_EQ(CodeAt(facts, Day(3, 7)).colour, CodeColour::kYellow);
  EXPECT_EQ(CodeAt(facts, Day(3, 8)).colour, CodeColour::kGreen);
  EXPECT_EQ(CodeHistory(facts, Day(10)),
            (std::vector<CodeChange>{
                {Day(1, 8), CodeColour::kGreen, CodeReason::kNone},
                {Day(1, 9), CodeColour::kYellow, CodeReason::kCompanionAwaitingTests},
                {Day(3, 8), CodeColour::kGreen, CodeReason::kNone}}));

  // Named again later: yellow again, and the earlier negatives no longer count.
  facts.companion_flags.push_back(Day(6));
  EXPECT_EQ(CodeAt(facts, Day(9)).colour, CodeColour::kYellow);
  // A positive between negatives starts the count again.
  facts.tests.push_back({Day(7), false});
  facts.tests.push_back({Day(8), true});
  facts.tests.push_back({Day(9), false});
  EXPECT_EQ(CodeAt(facts, Day(9, 12)).colour, CodeColour::kYellow);
  facts.tests.push_back({Day(10), false});
  EXPECT_EQ(CodeAt(facts, Day(10)).colour, CodeColour::kGreen);
}

TEST(HealthCodeTest, ANewExposureRestartsQuarantine) {
  CodeFacts facts;
  facts.close_contact_exposures = {Day(1)};
  HealthCode code = CodeAt(facts, Day(5));
  EXPECT_EQ(code.colour, CodeColour::kRed);
  EXPECT_EQ(code.reason, CodeReason::kCloseContactInQuarantine);
  EXPECT_EQ(code.until, Day(15));
  EXPECT_EQ(CodeAt(facts, Day(15)).colour, CodeColour::kGreen);

  facts.close_contact_exposures.push_back(Day(10));
  code = CodeAt(facts, Day(15));
  EXPECT_EQ(code.colour, CodeColour::kRed);
  EXPECT_EQ(code.since, Day(1));
  EXPECT_EQ(code.until, Day(24));
  EXPECT_EQ(
      CodeHistory(facts, Day(30)),
      (std::vector<CodeChange>{{Day(1), CodeColour::kRed, CodeReason::kCloseContactInQuarantine},
                               {Day(24), CodeColour::kGreen, CodeReason::kNone}}));
  // The span the desk shows and the follow-up covers.
  const std::optional<Interval> span = QuarantineSpan(facts.close_contact_exposures, Day(15));
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(span->start, Day(1));
  EXPECT_EQ(span->end, Day(24));
  EXPECT_FALSE(QuarantineSpan(facts.close_contact_exposures, Day(24)).has_value());
  // An exposure after the quarantine ended starts a new one.
  facts.close_contact_exposures.push_back(Day(26));
  EXPECT_EQ(CodeAt(facts, Day(27)).since, Day(26));
}

TEST(HealthCodeTest, TheStrongestReasonNamesTheCode) {
  CodeFacts facts;
  facts.high_risk_stays = {{Day(1), Day(3)}};
  facts.companion_flags = {Day(2)};
  facts.close_contact_exposures = {Day(4)};
  facts.confirmed_at = Day(6);
  facts.released_at = Day(12);
  EXPECT_EQ(CodeAt(facts, Day(1, 12)).reason, CodeReason::kHighRiskAreaStay);
  EXPECT_EQ(CodeAt(facts, Day(2, 12)).reason, CodeReason::kCompanionAwaitingTests);
  EXPECT_EQ(CodeAt(facts, Day(5)).reason, CodeReason::kCloseContactInQuarantine);
  EXPECT_EQ(CodeAt(facts, Day(7)).reason, CodeReason::kConfirmedCase);
  // Released on the 12th: the quarantine of the 4th still runs to the 18th, then the companion
  // flag (never cleared by tests) keeps it yellow; the area stay ended on the 17th.
  EXPECT_EQ(CodeAt(facts, Day(13)).reason, CodeReason::kCloseContactInQuarantine);
  EXPECT_EQ(CodeAt(facts, Day(18)).reason, CodeReason::kCompanionAwaitingTests);
  facts.tests = {{Day(19), false}, {Day(20), false}};
  EXPECT_EQ(CodeAt(facts, Day(20)).colour, CodeColour::kGreen);
}

TEST(HealthCodeTest, AHighRiskAreaStayIsYellowForFourteenDaysAfter) {
  CodeFacts facts;
  facts.high_risk_stays = {{Day(1), Day(5)}};
  const HealthCode code = CodeAt(facts, Day(10));
  EXPECT_EQ(code.colour, CodeColour::kYellow);
  EXPECT_EQ(code.until, Day(19));
  EXPECT_EQ(CodeAt(facts, Day(19)).colour, CodeColour::kGreen);
  HealthCodeRules rules;
  rules.area_window = 7 * kMillisPerDay;
  EXPECT_EQ(CodeAt(facts, Day(12), rules).colour, CodeColour::kGreen);
  rules.negatives_needed = 0;
  EXPECT_EQ(CheckHealthCodeRules(rules).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace lifeline::tracing
