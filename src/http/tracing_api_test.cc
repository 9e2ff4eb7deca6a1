// The contact-tracing desk over HTTP, in-process, on both store backends: recording people,
// visits, exposures and tests, the chains naming the supermarket carrier, health codes with
// their history, field errors in the caller's language, and tracers and admins only.

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "http/tracing_api_test_fixture.h"

namespace lifeline {
namespace {

using testing::Reply;

std::string Jan(int day, int hour = 0) {
  return FormatIso8601(DaysFromCivil(2020, 1, static_cast<unsigned>(day)) * kMillisPerDay +
                       hour * kMillisPerHour);
}

using TracingApiTest = testing::TracingApiFixture;

TEST_P(TracingApiTest, TracersRecordTheStoryAndTheChainsNameTheCarrier) {
  const std::int64_t a = Person(
      {{"name", "A"}, {"status", "confirmed"}, {"onset_at", Jan(14)}, {"confirmed_at", Jan(16)}});
  const std::int64_t b = Person(
      {{"name", "B"}, {"status", "confirmed"}, {"onset_at", Jan(16)}, {"confirmed_at", Jan(18)}});
  const std::int64_t c = Person(
      {{"name", "C"}, {"status", "confirmed"}, {"onset_at", Jan(17)}, {"confirmed_at", Jan(19)}});
  const std::int64_t d = Person({{"name", "D"}, {"phone", "138 0013 8000"}});
  Post("/api/v1/tracing/visits", {{"person_id", d},
                                  {"place", "Wuhan"},
                                  {"start_at", Jan(1)},
                                  {"end_at", Jan(7, 12)},
                                  {"high_risk", true}});
  Post("/api/v1/tracing/visits", {{"person_id", a},
                                  {"place", "supermarket"},
                                  {"start_at", Jan(8, 8)},
                                  {"end_at", Jan(8, 18)}});
  Post("/api/v1/tracing/visits", {{"person_id", d},
                                  {"place", "supermarket"},
                                  {"start_at", Jan(8, 10)},
                                  {"end_at", Jan(8, 11)}});
  Post(
      "/api/v1/tracing/exposures",
      {{"a_id", b}, {"b_id", c}, {"kind", "household"}, {"start_at", Jan(1)}, {"end_at", Jan(20)}});
  for (const std::int64_t guest : {b, c}) {
    Post("/api/v1/tracing/exposures", {{"a_id", d},
                                       {"b_id", guest},
                                       {"kind", "shared_meal"},
                                       {"start_at", Jan(9, 18)},
                                       {"end_at", Jan(9, 23)},
                                       {"place", "family dinner"}});
  }

  const Reply chains = As(Role::kTracer, Method::kGet, "/api/v1/tracing/chains");
  ASSERT_EQ(chains.status, 200) << chains.body.dump();
  ASSERT_EQ(chains.body["chains"].size(), 3u);
  for (const nlohmann::json& chain : chains.body["chains"]) {
    EXPECT_EQ(chain["candidates"][0]["infector_id"], d) << chain.dump();
  }
  EXPECT_EQ(chains.body["chains"][0]["candidates"][0]["kind"], "same_place_time");
  EXPECT_EQ(chains.body["chains"][0]["candidates"][0]["place"], "supermarket");
  ASSERT_EQ(chains.body["hidden_sources"].size(), 1u);
  EXPECT_EQ(chains.body["hidden_sources"][0]["person_id"], d);
  EXPECT_EQ(chains.body["hidden_sources"][0]["case_ids"], nlohmann::json::array({a, b, c}));
  // The people the chains name, to label the graph without the whole list; no phones.
  const nlohmann::json& people = chains.body["people"];
  ASSERT_EQ(people.size(), 4u) << people.dump();
  EXPECT_EQ(people[0], nlohmann::json({{"id", a},
                                       {"name", "A"},
                                       {"status", "confirmed"},
                                       {"onset_at", Jan(14)},
                                       {"confirmed_at", Jan(16)},
                                       {"asymptomatic_at", nullptr}}));
  EXPECT_EQ(people[3], nlohmann::json({{"id", d},
                                       {"name", "D"},
                                       {"status", "untested"},
                                       {"onset_at", nullptr},
                                       {"confirmed_at", nullptr},
                                       {"asymptomatic_at", nullptr}}));
  EXPECT_EQ(people[1]["id"], b);
  EXPECT_EQ(people[2]["id"], c);

  // D's code: yellow for the Wuhan stay, red in quarantine as B's and C's close contact, and
  // red as an asymptomatic case once a positive test makes D one.
  Post(
      "/api/v1/tracing/tests",
      {{"person_id", d}, {"kind", "pcr"}, {"positive", true}, {"ct", 28.5}, {"taken_at", Jan(20)}});
  const Reply person =
      As(Role::kAdmin, Method::kGet, "/api/v1/tracing/people/" + std::to_string(d));
  ASSERT_EQ(person.status, 200);
  EXPECT_EQ(person.body["status"], "asymptomatic");
  EXPECT_EQ(person.body["phone"], "138 0013 8000");
  const Reply code =
      As(Role::kTracer, Method::kGet, "/api/v1/tracing/people/" + std::to_string(d) + "/code");
  ASSERT_EQ(code.status, 200) << code.body.dump();
  EXPECT_EQ(code.body["colour"], "red");
  EXPECT_EQ(code.body["reason"], "asymptomatic_case");
  const nlohmann::json& history = code.body["history"];
  ASSERT_EQ(history.size(), 3u) << history.dump();
  EXPECT_EQ(history[0]["colour"], "yellow");
  EXPECT_EQ(history[0]["reason"], "high_risk_area_stay");
  EXPECT_EQ(history[1]["reason"], "close_contact_in_quarantine");  // the dinners with B and C
  EXPECT_EQ(history[1]["at"], Jan(9, 23));
  EXPECT_EQ(history[2]["reason"], "asymptomatic_case");
  EXPECT_EQ(history[2]["at"], Jan(20));
}

TEST_P(TracingApiTest, RingsWithTheirWorkloadAndRiskAreas) {
  const std::int64_t patient = Person(
      {{"name", "P"}, {"status", "confirmed"}, {"onset_at", Jan(3)}, {"confirmed_at", Jan(5)}});
  const std::int64_t wife = Person({{"name", "W"}});
  Post("/api/v1/tracing/exposures", {{"a_id", patient},
                                     {"b_id", wife},
                                     {"kind", "household"},
                                     {"start_at", Jan(1)},
                                     {"end_at", Jan(5)}});
  Post("/api/v1/tracing/visits", {{"person_id", patient},
                                  {"place", "home"},
                                  {"area", "Baibuting"},
                                  {"start_at", FormatIso8601(NowMillis() - kMillisPerDay)},
                                  {"end_at", FormatIso8601(NowMillis() - kMillisPerHour)}});
  const Reply rings =
      As(Role::kTracer, Method::kGet,
         "/api/v1/tracing/rings?case_ids=" + std::to_string(patient) + "&tracers=300");
  ASSERT_EQ(rings.status, 200) << rings.body.dump();
  ASSERT_EQ(rings.body["rings"].size(), 3u);
  EXPECT_EQ(rings.body["rings"][0]["people"], nlohmann::json::array({wife}));
  EXPECT_EQ(rings.body["rings"][2]["investigator_days"], 2500.0);
  EXPECT_EQ(As(Role::kTracer, Method::kGet, "/api/v1/tracing/rings?case_ids=1,x&tracers=3")
                .body["error"]["field"],
            "case_ids");
  EXPECT_EQ(
      As(Role::kTracer, Method::kGet, "/api/v1/tracing/rings?case_ids=1").body["error"]["field"],
      "tracers");
  // The wife, exposed until an hour ago, is in quarantine: her first day's check is done.
  Post("/api/v1/tracing/exposures", {{"a_id", patient},
                                     {"b_id", wife},
                                     {"kind", "household"},
                                     {"start_at", Jan(5)},
                                     {"end_at", FormatIso8601(NowMillis() - kMillisPerHour)}});
  Post("/api/v1/tracing/checks",
       {{"person_id", wife}, {"at", FormatIso8601(NowMillis() - 1000)}, {"temperature_c", 36.8}});
  const Reply follow_ups = As(Role::kTracer, Method::kGet, "/api/v1/tracing/follow-ups");
  ASSERT_EQ(follow_ups.status, 200) << follow_ups.body.dump();
  ASSERT_EQ(follow_ups.body["follow_ups"].size(), 1u);
  EXPECT_EQ(follow_ups.body["follow_ups"][0]["person_id"], wife);
  EXPECT_EQ(follow_ups.body["follow_ups"][0]["tasks"][0]["kind"], "symptom_check");
  EXPECT_EQ(follow_ups.body["follow_ups"][0]["tasks"][0]["done"], true);
  EXPECT_TRUE(follow_ups.body["follow_ups"][0]["overdue"].empty());

  const Reply areas = As(Role::kTracer, Method::kGet, "/api/v1/tracing/risk-areas");
  ASSERT_EQ(areas.status, 200) << areas.body.dump();
  ASSERT_EQ(areas.body["areas"].size(), 1u);
  EXPECT_EQ(areas.body["areas"][0]["area"], "Baibuting");
  EXPECT_EQ(areas.body["areas"][0]["level"], "medium");
  EXPECT_EQ(As(Role::kPlanner, Method::kGet, "/api/v1/tracing/risk-areas").status, 403);
}

TEST_P(TracingApiTest, BadFieldsAreNamedAndOtherRolesAreRefused) {
  Reply bad = As(Role::kTracer, Method::kPost, "/api/v1/tracing/people",
                 {{"name", "X"}, {"status", "cured"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["field"], "status");
  bad = As(Role::kTracer, Method::kPost, "/api/v1/tracing/people",
           {{"name", "X"}, {"onset_at", "yesterday"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["field"], "onset_at");
  bad = As(Role::kTracer, Method::kPost, "/api/v1/tracing/tests", {{"person_id", 1}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["field"], "positive");
  EXPECT_EQ(As(Role::kTracer, Method::kGet, "/api/v1/tracing/people/999").status, 404);
  for (const Role role : {Role::kDoctor, Role::kCoordinator, Role::kCommunityWorker}) {
    EXPECT_EQ(As(role, Method::kGet, "/api/v1/tracing/chains").status, 403);
    EXPECT_EQ(As(role, Method::kPost, "/api/v1/tracing/people", {{"name", "X"}}).status, 403);
  }
  EXPECT_EQ(Request(Method::kGet, "/api/v1/tracing/chains").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, TracingApiTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
