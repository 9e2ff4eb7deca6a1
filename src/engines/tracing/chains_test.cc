#include "engines/tracing/chains.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace lifeline::tracing {
namespace {

// January 2020, day `day` at `hour`:00 UTC.
UnixMillis Jan(int day, int hour = 0) {
  return DaysFromCivil(2020, 1, static_cast<unsigned>(day)) * kMillisPerDay + hour * kMillisPerHour;
}

const Candidate* Top(const ChainReport& report, PersonId case_id) {
  for (const CaseChain& chain : report.chains) {
    if (chain.case_id == case_id) return chain.candidates.empty() ? nullptr : &chain.candidates[0];
  }
  return nullptr;
}

const CaseChain* ChainOf(const ChainReport& report, PersonId case_id) {
  for (const CaseChain& chain : report.chains) {
    if (chain.case_id == case_id) return &chain;
  }
  return nullptr;
}

// The supermarket story: three patients with no link between them — A, who works in the
// supermarket's clothing section (onset 14 Jan), and a couple, B and C (onsets 16 and 17 Jan) —
// tied together only when investigators found D, back from Wuhan on 7 Jan without symptoms, who
// had been to the supermarket on 8 and 9 Jan and played cards with B and C at a family dinner on
// the same days. E, A's colleague, has a fever from 17 Jan.
constexpr PersonId kA = 1, kB = 2, kC = 3, kD = 4, kE = 5;

struct Story {
  std::vector<Person> people;
  std::vector<Exposure> exposures;
  std::vector<Visit> visits;
};

Story Supermarket() {
  Story story;
  story.people = {
      {kA, PersonStatus::kConfirmed, Jan(14), {}},
      {kB, PersonStatus::kConfirmed, Jan(16), {}},
      {kC, PersonStatus::kConfirmed, Jan(17), {}},
      {kD, PersonStatus::kUntested, std::nullopt, {{Jan(1), Jan(7, 12)}}},  // Wuhan
      {kE, PersonStatus::kSuspected, Jan(17), {}},
  };
  story.exposures = {
      {kB, kC, ExposureKind::kHousehold, {Jan(1), Jan(20)}, "home of B and C"},
      {kD, kB, ExposureKind::kSharedMeal, {Jan(8, 18), Jan(8, 23)}, "family dinner"},
      {kD, kC, ExposureKind::kSharedMeal, {Jan(8, 18), Jan(8, 23)}, "family dinner"},
      {kD, kB, ExposureKind::kSharedMeal, {Jan(9, 18), Jan(9, 23)}, "family dinner"},
      {kD, kC, ExposureKind::kSharedMeal, {Jan(9, 18), Jan(9, 23)}, "family dinner"},
      {kA, kE, ExposureKind::kWorkplace, {Jan(2), Jan(16)}, "supermarket"},
  };
  // A works at the supermarket every day; D shops there on the 8th and 9th; B never goes.
  for (int day = 2; day <= 13; ++day) {
    story.visits.push_back({kA, "supermarket", {Jan(day, 8), Jan(day, 18)}});
  }
  story.visits.push_back({kD, "supermarket", {Jan(8, 10), Jan(8, 11)}});
  story.visits.push_back({kD, "supermarket", {Jan(9, 15), Jan(9, 16)}});
  return story;
}

TEST(ChainInferenceTest, TheSupermarketCarrierIsNamedAsTheSourceOfThreeCases) {
  const Story story = Supermarket();
  const auto report = InferChains(story.people, story.exposures, story.visits);
  ASSERT_TRUE(report.ok()) << report.status().ToString();

  for (const PersonId infected : {kA, kB, kC}) {
    SCOPED_TRACE("case " + std::to_string(infected));
    const Candidate* top = Top(*report, infected);
    ASSERT_NE(top, nullptr);
    EXPECT_EQ(top->infector, kD);
    EXPECT_TRUE(top->infector_explained);  // back from Wuhan
    EXPECT_FALSE(top->onset_to_onset);
    EXPECT_GE(top->interval_days, 1);
    EXPECT_LE(top->interval_days, 14);
  }
  // A met D in the supermarket: the shared visit is the link, with its place and time.
  EXPECT_EQ(Top(*report, kA)->kind, ExposureKind::kSamePlaceTime);
  EXPECT_EQ(Top(*report, kA)->place, "supermarket");
  EXPECT_EQ(Top(*report, kB)->kind, ExposureKind::kSharedMeal);
  // B cannot have infected C a day before C's onset as readily as the dinner did; C cannot have
  // infected B at all (C fell ill after B).
  const CaseChain* c = ChainOf(*report, kC);
  ASSERT_EQ(c->candidates.size(), 2u);
  EXPECT_EQ(c->candidates[1].infector, kB);
  EXPECT_TRUE(c->candidates[1].onset_to_onset);
  EXPECT_LT(c->candidates[1].share, 0.1);
  EXPECT_EQ(ChainOf(*report, kB)->candidates.size(), 1u);

  // E is A's contact: A is E's likely infector, three days onset to onset.
  const Candidate* e = Top(*report, kE);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->infector, kA);
  EXPECT_TRUE(e->onset_to_onset);
  EXPECT_DOUBLE_EQ(e->interval_days, 3);
  EXPECT_EQ(e->kind, ExposureKind::kWorkplace);
  // ... and E, ill after A, is no candidate for A.
  EXPECT_EQ(ChainOf(*report, kA)->candidates.size(), 1u);

  // D: no symptoms, no test, the only plausible source of A, B and C.
  ASSERT_EQ(report->hidden_sources.size(), 1u);
  EXPECT_EQ(report->hidden_sources[0].person, kD);
  EXPECT_EQ(report->hidden_sources[0].cases, (std::vector<PersonId>{kA, kB, kC}));
}

TEST(ChainInferenceTest, IntervalsOutsideTheIncubationBoundsAreNoLink) {
  // X meets Y 20 days before Y's onset, and Z half a day before it.
  const std::vector<Person> people{{1, PersonStatus::kConfirmed, Jan(25), {}},
                                   {2, PersonStatus::kUntested, std::nullopt, {}},
                                   {3, PersonStatus::kUntested, std::nullopt, {}}};
  const std::vector<Exposure> exposures{
      {1, 2, ExposureKind::kHousehold, {Jan(5), Jan(5, 2)}, ""},
      {1, 3, ExposureKind::kHousehold, {Jan(24, 12), Jan(24, 13)}, ""}};
  const auto report = InferChains(people, exposures, {});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->chains.size(), 1u);
  EXPECT_TRUE(report->chains[0].candidates.empty());
  EXPECT_TRUE(report->hidden_sources.empty());

  // Wider bounds make both plausible, the one nearer the most likely interval first.
  ChainOptions wide;
  wide.min_incubation_days = 0;
  wide.max_incubation_days = 21;
  const auto widened = InferChains(people, exposures, {}, wide);
  ASSERT_TRUE(widened.ok());
  ASSERT_EQ(widened->chains[0].candidates.size(), 2u);
  EXPECT_NEAR(widened->chains[0].candidates[0].share + widened->chains[0].candidates[1].share, 1,
              1e-9);
}

TEST(ChainInferenceTest, AnUntestedContactWithoutAReasonCountsLittleAndHidesNothingAlone) {
  // Two cases each meet only U, who has no reason of their own to be infected: U is still their
  // likeliest source, but a second, explained candidate for one of them takes the lead there.
  const std::vector<Person> people{{1, PersonStatus::kConfirmed, Jan(20), {}},
                                   {2, PersonStatus::kConfirmed, Jan(21), {}},
                                   {3, PersonStatus::kUntested, std::nullopt, {}},
                                   {4, PersonStatus::kConfirmed, Jan(12), {}}};
  const std::vector<Exposure> exposures{
      {1, 3, ExposureKind::kSharedMeal, {Jan(15, 18), Jan(15, 20)}, ""},
      {2, 3, ExposureKind::kSharedMeal, {Jan(16, 18), Jan(16, 20)}, ""},
      {2, 4, ExposureKind::kWorkplace, {Jan(10), Jan(17)}, ""}};
  const auto report = InferChains(people, exposures, {});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(Top(*report, 1)->infector, 3);
  EXPECT_FALSE(Top(*report, 1)->infector_explained);
  EXPECT_EQ(Top(*report, 2)->infector, 4);
  EXPECT_TRUE(report->hidden_sources.empty());
}

TEST(ChainInferenceTest, RefusesBadInput) {
  const std::vector<Person> twice{{1, PersonStatus::kConfirmed, Jan(20), {}},
                                  {1, PersonStatus::kUntested, std::nullopt, {}}};
  EXPECT_EQ(InferChains(twice, {}, {}).status().code(), ErrorCode::kInvalidArgument);
  const std::vector<Person> one{{1, PersonStatus::kConfirmed, Jan(20), {}}};
  const std::vector<Exposure> unknown{{1, 9, ExposureKind::kHousehold, {Jan(1), Jan(2)}, ""}};
  EXPECT_EQ(InferChains(one, unknown, {}).status().code(), ErrorCode::kInvalidArgument);
  const std::vector<Visit> backwards{{1, "shop", {Jan(2), Jan(1)}}};
  EXPECT_EQ(InferChains(one, {}, backwards).status().code(), ErrorCode::kInvalidArgument);
  const std::vector<Person> far{{1, PersonStatus::kConfirmed, UnixMillis{1} << 62, {}}};
  EXPECT_EQ(InferChains(far, {}, {}).status().code(), ErrorCode::kInvalidArgument);
  ChainOptions bad;
  bad.most_likely_days = 20;  // beyond the 14-day bound
  EXPECT_EQ(InferChains(one, {}, {}, bad).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace lifeline::tracing
