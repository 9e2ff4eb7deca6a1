// The demo desk on both store backends: the supermarket story holds in the seeded records (the
// chains name D as the source of A, B and C, and A as E's), codes, quarantines, follow-ups and
// risk areas are live on the seed's day, a testing round has a batch, and a second run writes
// nothing.

#include "services/tracing/tracing_seed.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "services/tracing/tracing_service.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Count;

constexpr char kKey[] = "tracing-seed-test-key-0123456789abcdef01234";
// 10 February 2020, 14:00 UTC.
constexpr UnixMillis kToday = 1581343200000;
const Actor kTracer{7, "tracer", Role::kTracer, "req-seed-test"};

class TracingSeedTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    TracingOptions options;
    options.clock = [] { return kToday; };
    service_ = std::make_unique<TracingService>(db(), kKey, options);
  }

  std::unique_ptr<TracingService> service_;
};

TEST_P(TracingSeedTest, TheSupermarketStoryHoldsInTheSeededDesk) {
  const Result<TracingSeedReport> report = SeedTracingDesk(db(), kKey, {.now = kToday});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->skipped);
  EXPECT_GE(report->people, 30) << "a few dozen people";
  EXPECT_GE(report->cases, 10);
  EXPECT_EQ(report->people, Count(db(), "SELECT COUNT(*) FROM tracing_people"));
  EXPECT_EQ(report->exposures, Count(db(), "SELECT COUNT(*) FROM tracing_exposures"));
  EXPECT_EQ(report->visits, Count(db(), "SELECT COUNT(*) FROM tracing_visits"));
  EXPECT_EQ(report->checks, Count(db(), "SELECT COUNT(*) FROM tracing_checks"));
  EXPECT_EQ(report->tests, Count(db(), "SELECT COUNT(*) FROM tracing_tests"));

  const Result<TracingChains> answer = service_->Chains(kTracer);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  const tracing::ChainReport* chains = &answer->report;
  const auto top = [&](std::int64_t case_id) -> std::int64_t {
    for (const tracing::CaseChain& chain : chains->chains) {
      if (chain.case_id == case_id && !chain.candidates.empty()) {
        return chain.candidates[0].infector;
      }
    }
    return 0;
  };
  EXPECT_EQ(top(report->story_a), report->story_d);
  EXPECT_EQ(top(report->story_b), report->story_d);
  EXPECT_EQ(top(report->story_c), report->story_d);
  EXPECT_EQ(top(report->story_e), report->story_a);
  ASSERT_EQ(chains->hidden_sources.size(), 1u) << "D alone is a possible hidden source";
  EXPECT_EQ(chains->hidden_sources[0].person, report->story_d);
  EXPECT_EQ(chains->hidden_sources[0].cases,
            (std::vector<std::int64_t>{report->story_a, report->story_b, report->story_c}));

  // Live on the seed's day: the story's cases and D's quarantine are red.
  const auto code = [&](std::int64_t person) {
    const Result<TracingCode> found = service_->Code(kTracer, person);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? found->now : tracing::HealthCode{};
  };
  EXPECT_EQ(code(report->story_a).reason, tracing::CodeReason::kConfirmedCase);
  EXPECT_EQ(code(report->story_d).reason, tracing::CodeReason::kCloseContactInQuarantine);
  EXPECT_EQ(code(report->story_e).reason, tracing::CodeReason::kCloseContactInQuarantine);
  const Result<TracingPeoplePage> everyone = service_->ListPeople(kTracer, {"all", "", 1000, 0});
  ASSERT_TRUE(everyone.ok());
  int yellow = 0;
  int green = 0;
  std::set<std::string> districts;
  for (const TracingListedPerson& listed : everyone->people) {
    yellow += listed.code.colour == tracing::CodeColour::kYellow;
    green += listed.code.colour == tracing::CodeColour::kGreen;
    districts.insert(listed.person.district_code);
  }
  EXPECT_GE(yellow, 1) << "back from a high-risk area";
  EXPECT_GE(green, 1) << "suspected cases without a link";
  EXPECT_GE(districts.size(), 4u);

  const Result<std::vector<TracingFollowUp>> follow_ups = service_->FollowUps(kTracer);
  ASSERT_TRUE(follow_ups.ok()) << follow_ups.status().ToString();
  ASSERT_GE(follow_ups->size(), 10u);
  const auto overdue = std::count_if(follow_ups->begin(), follow_ups->end(),
                                     [](const TracingFollowUp& f) { return !f.overdue.empty(); });
  EXPECT_GE(overdue, 1);
  EXPECT_LT(overdue, static_cast<std::ptrdiff_t>(follow_ups->size())) << "most report daily";

  const Result<std::vector<tracing::AreaRisk>> areas = service_->RiskAreas(kTracer);
  ASSERT_TRUE(areas.ok());
  EXPECT_TRUE(std::any_of(areas->begin(), areas->end(), [](const tracing::AreaRisk& area) {
    return area.level == tracing::RiskLevel::kMedium;
  }));

  const Result<TracingRound> round = service_->GetRound(kTracer, report->round_id);
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  EXPECT_EQ(round->districts.size(), 4u);
  EXPECT_GT(round->districts[0].risk, 0);
  ASSERT_EQ(round->batches.size(), 1u);
  ASSERT_EQ(round->batches[0].case_ids.size(), 2u);
  EXPECT_LT(round->batches[0].case_ids[0], round->batches[0].case_ids[1])
      << "the first positive was known before the batch, the second is new";
  const Result<TracingRecord> known = service_->Record(kTracer, round->batches[0].case_ids[0]);
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(known->person.status, "asymptomatic");
  EXPECT_FALSE(known->exposures.empty()) << "a household contact the desk already knew";

  const Result<TracingSeedReport> again = SeedTracingDesk(db(), kKey, {.now = kToday});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->skipped);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_people"), report->people);
}

INSTANTIATE_TEST_SUITE_P(Backends, TracingSeedTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
