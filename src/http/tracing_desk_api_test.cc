// The contact-tracing desk's list, records, testing rounds, code links and exports over HTTP,
// in-process, on both store backends: status codes, the answers' shapes, 400s that say what to
// fix, the public code pages without a session (the gate says only the colour), rate limits,
// and tracers and admins only everywhere else.

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "http/tracing_api_test_fixture.h"

namespace lifeline {
namespace {

using testing::Reply;

constexpr char kEnglish[] = "en";

class TracingDeskApiTest : public testing::TracingApiFixture {
 protected:
  // The tracer reads English: a logged-in user's saved language wins over Accept-Language.
  void SetUp() override {
    TracingApiFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_EQ(As(Role::kTracer, Method::kPatch, "/api/v1/me", {{"locale", kEnglish}}).status, 200);
  }

  // A 400 naming `field`, in English; returns the message.
  std::string BadRequest(const std::string& path, const nlohmann::json& body,
                         const std::string& field) {
    const Reply reply = As(Role::kTracer, Method::kPost, path, body, kEnglish);
    EXPECT_EQ(reply.status, 400) << reply.body.dump();
    EXPECT_EQ(reply.body["error"]["field"], field) << reply.body.dump();
    return reply.body["error"].value("message", "");
  }

  static std::string Ago(UnixMillis millis) { return FormatIso8601(NowMillis() - millis); }

  static nlohmann::json Round() {
    return {{"name", "Round 1"},
            {"start_date", "2020-02-01"},
            {"daily_capacity", 1000000},
            {"districts",
             {{{"code", "420102"}, {"name", "Jiang'an"}, {"population", 900000}},
              {{"code", "420106"}, {"name", "Wuchang"}, {"population", 1300000}}}}};
  }
};

TEST_P(TracingDeskApiTest, TheListShowsCasesWithTheirCodesAndTheRecordEverything) {
  const std::int64_t patient = Person({{"name", "Patient P"},
                                       {"phone", "138 0013 8000"},
                                       {"district_code", "420102"},
                                       {"status", "confirmed"},
                                       {"onset_at", Ago(5 * kMillisPerDay)},
                                       {"confirmed_at", Ago(3 * kMillisPerDay)}});
  const std::int64_t wife = Person({{"name", "Wife W"}, {"household", "Building 4"}});
  Post("/api/v1/tracing/exposures", {{"a_id", patient},
                                     {"b_id", wife},
                                     {"kind", "household"},
                                     {"start_at", Ago(9 * kMillisPerDay)},
                                     {"end_at", Ago(3 * kMillisPerDay)},
                                     {"place", "home"}});
  Post("/api/v1/tracing/tests", {{"person_id", wife},
                                 {"positive", false},
                                 {"ct", nullptr},
                                 {"taken_at", Ago(2 * kMillisPerDay)}});
  Post("/api/v1/tracing/visits", {{"person_id", wife},
                                  {"place", "market"},
                                  {"start_at", Ago(8 * kMillisPerDay)},
                                  {"end_at", Ago(8 * kMillisPerDay - kMillisPerHour)}});
  Post("/api/v1/tracing/checks",
       {{"person_id", wife}, {"at", Ago(kMillisPerDay)}, {"temperature_c", 36.7}});

  Reply cases = As(Role::kTracer, Method::kGet, "/api/v1/tracing/people");
  ASSERT_EQ(cases.status, 200) << cases.body.dump();
  EXPECT_EQ(cases.body["total"], 1);
  ASSERT_EQ(cases.body["people"].size(), 1u);
  const nlohmann::json& listed = cases.body["people"][0];
  EXPECT_EQ(listed["id"], patient);
  EXPECT_EQ(listed["colour"], "red");
  EXPECT_EQ(listed["reason"], "confirmed_case");
  EXPECT_EQ(listed["district_code"], "420102");
  EXPECT_TRUE(listed["released_at"].is_null());
  EXPECT_FALSE(listed.contains("phone")) << "the list carries no phones";
  for (const char* field :
       {"name", "status", "household", "onset_at", "confirmed_at", "asymptomatic_at"}) {
    EXPECT_TRUE(listed.contains(field)) << field;
  }
  Reply everyone = As(Role::kAdmin, Method::kGet, "/api/v1/tracing/people?status=all&q=wife");
  ASSERT_EQ(everyone.status, 200) << everyone.body.dump();
  ASSERT_EQ(everyone.body["people"].size(), 1u);
  EXPECT_EQ(everyone.body["people"][0]["reason"], "close_contact_in_quarantine");
  Reply bad =
      As(Role::kTracer, Method::kGet, "/api/v1/tracing/people?limit=1001", nullptr, kEnglish);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["field"], "limit");
  EXPECT_NE(bad.body["error"]["message"].get<std::string>().find("1..1000"), std::string::npos);
  EXPECT_EQ(As(Role::kTracer, Method::kGet, "/api/v1/tracing/people?status=cured").status, 400);
  EXPECT_EQ(As(Role::kTracer, Method::kGet, "/api/v1/tracing/people?offset=-1").status, 400);

  const Reply record =
      As(Role::kTracer, Method::kGet, "/api/v1/tracing/people/" + std::to_string(wife));
  ASSERT_EQ(record.status, 200) << record.body.dump();
  EXPECT_EQ(record.body["household"], "Building 4");
  ASSERT_EQ(record.body["tests"].size(), 1u);
  EXPECT_EQ(record.body["tests"][0]["positive"], false);
  EXPECT_TRUE(record.body["tests"][0]["ct"].is_null());
  EXPECT_EQ(record.body["tests"][0]["kind"], "pcr");
  ASSERT_EQ(record.body["exposures"].size(), 1u);
  const nlohmann::json& exposure = record.body["exposures"][0];
  EXPECT_EQ(exposure["other_id"], patient);
  EXPECT_EQ(exposure["other_name"], "Patient P");
  EXPECT_EQ(exposure["other_status"], "confirmed");
  EXPECT_EQ(exposure["place"], "home");
  EXPECT_TRUE(exposure["end_at"].get<std::string>().ends_with("Z"));
  ASSERT_EQ(record.body["visits"].size(), 1u);
  EXPECT_EQ(record.body["visits"][0]["high_risk"], false);
  ASSERT_EQ(record.body["checks"].size(), 1u);
  EXPECT_EQ(record.body["checks"][0]["temperature_c"], 36.7);
  EXPECT_EQ(record.body["checks"][0]["symptoms"], "");
  EXPECT_TRUE(record.body["code_link"].is_null());
}

TEST_P(TracingDeskApiTest, RoundsAreScheduledByRiskAndBatchesOpenCases) {
  // Wuchang has a recent case, so it is tested first although Jiang'an comes first in the body.
  Person({{"name", "Case C"},
          {"district_code", "420106"},
          {"status", "confirmed"},
          {"confirmed_at", Ago(2 * kMillisPerDay)}});
  const Reply created = As(Role::kTracer, Method::kPost, "/api/v1/tracing/rounds", Round());
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const nlohmann::json& round = created.body;
  EXPECT_EQ(round["name"], "Round 1");
  EXPECT_EQ(round["start_date"], "2020-02-01");
  EXPECT_EQ(round["daily_capacity"], 1000000);
  ASSERT_EQ(round["districts"].size(), 2u);
  EXPECT_EQ(round["districts"][0]["code"], "420106");
  EXPECT_EQ(round["districts"][0]["cases_14d"], 1);
  EXPECT_GT(round["districts"][0]["risk"].get<double>(), 0);
  EXPECT_EQ(round["districts"][1]["risk"], 0.0);
  ASSERT_EQ(round["days"].size(), 3u);  // 2.2 million tests
  EXPECT_EQ(round["days"][0]["date"], "2020-02-01");
  EXPECT_EQ(round["days"][1]["slots"][0],
            nlohmann::json({{"district", "420106"}, {"tests", 300000}}));
  EXPECT_EQ(round["days"][2]["date"], "2020-02-03");
  EXPECT_TRUE(round["batches"].empty());
  const std::string path = "/api/v1/tracing/rounds/" + std::to_string(round["id"].get<int>());

  Reply batch = As(Role::kTracer, Method::kPost, path + "/batches",
                   {{"district_code", "420102"},
                    {"batch", "JA-07"},
                    {"taken_at", Ago(kMillisPerHour)},
                    {"tested", 4000},
                    {"positives",
                     {{{"name", "Positive One"}, {"phone", "139 0000 1111"}, {"ct", 31.5}},
                      {{"name", "Positive Two"}, {"onset_at", Ago(kMillisPerDay)}}}}});
  ASSERT_EQ(batch.status, 201) << batch.body.dump();
  ASSERT_EQ(batch.body["case_ids"].size(), 2u);
  EXPECT_GT(batch.body["id"].get<int>(), 0);
  const Reply second =
      As(Role::kTracer, Method::kGet,
         "/api/v1/tracing/people/" + std::to_string(batch.body["case_ids"][1].get<int>()));
  EXPECT_EQ(second.body["status"], "confirmed");
  EXPECT_EQ(second.body["district_code"], "420102");
  EXPECT_EQ(second.body["tests"][0]["batch"], "JA-07");

  const Reply detail = As(Role::kTracer, Method::kGet, path);
  ASSERT_EQ(detail.status, 200) << detail.body.dump();
  ASSERT_EQ(detail.body["batches"].size(), 1u);
  EXPECT_EQ(detail.body["batches"][0]["positives"], 2);
  EXPECT_EQ(detail.body["batches"][0]["case_ids"], batch.body["case_ids"]);
  EXPECT_EQ(detail.body["districts"][1]["tested"], 4000);
  EXPECT_EQ(detail.body["districts"][1]["positives"], 2);
  const Reply list = As(Role::kAdmin, Method::kGet, "/api/v1/tracing/rounds");
  ASSERT_EQ(list.status, 200) << list.body.dump();
  ASSERT_EQ(list.body["rounds"].size(), 1u);
  const nlohmann::json& summary = list.body["rounds"][0];
  EXPECT_EQ(summary["districts"], 2);
  EXPECT_EQ(summary["population"], 2200000);
  EXPECT_EQ(summary["tested"], 4000);
  EXPECT_EQ(summary["positives"], 2);
  EXPECT_TRUE(summary.contains("created_at"));

  EXPECT_NE(BadRequest(path + "/batches",
                       {{"district_code", "420117"},
                        {"batch", "X"},
                        {"taken_at", Ago(kMillisPerHour)},
                        {"tested", 10}},
                       "district_code")
                .find("not part of this round"),
            std::string::npos);
  EXPECT_NE(BadRequest(path + "/batches",
                       {{"district_code", "420102"},
                        {"batch", "X"},
                        {"taken_at", Ago(kMillisPerHour)},
                        {"tested", 0},
                        {"positives", {{{"name", "P"}}}}},
                       "tested")
                .find("cannot be less than the number of positives"),
            std::string::npos);
  BadRequest(path + "/batches",
             {{"district_code", "420102"},
              {"batch", "X"},
              {"taken_at", Ago(kMillisPerHour)},
              {"tested", 5},
              {"positives", {{{"name", "P"}, {"ct", "high"}}}}},
             "positives[0].ct");
  EXPECT_EQ(As(Role::kTracer, Method::kGet, "/api/v1/tracing/rounds/999").status, 404);
  EXPECT_EQ(As(Role::kTracer, Method::kPost, "/api/v1/tracing/rounds/999/batches",
               {{"district_code", "420102"},
                {"batch", "X"},
                {"taken_at", Ago(kMillisPerHour)},
                {"tested", 5}})
                .status,
            404);
}

TEST_P(TracingDeskApiTest, BadRoundsGetA400ThatSaysWhatToFix) {
  const std::string rounds = "/api/v1/tracing/rounds";
  nlohmann::json round = Round();
  round.erase("name");
  EXPECT_NE(BadRequest(rounds, round, "name").find("required"), std::string::npos);
  round = Round();
  round["start_date"] = "1 Feb";
  EXPECT_NE(BadRequest(rounds, round, "start_date").find("YYYY-MM-DD"), std::string::npos);
  round = Round();
  round["daily_capacity"] = 0;
  EXPECT_NE(BadRequest(rounds, round, "daily_capacity").find("at least 1"), std::string::npos);
  round = Round();
  round["districts"] = nlohmann::json::array();
  EXPECT_NE(BadRequest(rounds, round, "districts").find("at least one district"),
            std::string::npos);
  round = Round();
  round["districts"][1]["code"] = "420102";
  EXPECT_NE(BadRequest(rounds, round, "districts[1].code").find("420102 is listed twice"),
            std::string::npos);
  round = Round();
  round["districts"][0]["population"] = -5;
  EXPECT_NE(BadRequest(rounds, round, "districts[0].population").find("cannot be negative"),
            std::string::npos);
  round = Round();
  round["districts"][1].erase("population");
  BadRequest(rounds, round, "districts[1].population");
  round = Round();
  round["districts"] = "420102";
  BadRequest(rounds, round, "districts");
  EXPECT_EQ(As(Role::kTracer, Method::kGet, rounds).body["rounds"].size(), 0u);
}

TEST_P(TracingDeskApiTest, ACodeLinkOpensThePersonsCodeWithoutASessionAndTheGateSeesOnlyTheColour) {
  const std::int64_t patient = Person(
      {{"name", "Patient P"}, {"status", "confirmed"}, {"confirmed_at", Ago(3 * kMillisPerDay)}});
  const std::int64_t contact = Person({{"name", "王小明"}, {"phone", "139 0000 2222"}});
  Post("/api/v1/tracing/exposures", {{"a_id", patient},
                                     {"b_id", contact},
                                     {"kind", "shared_meal"},
                                     {"start_at", Ago(4 * kMillisPerDay)},
                                     {"end_at", Ago(4 * kMillisPerDay - kMillisPerHour)}});
  const std::string person = "/api/v1/tracing/people/" + std::to_string(contact);
  const Reply made =
      As(Role::kTracer, Method::kPost, person + "/code-link", nlohmann::json::object());
  ASSERT_EQ(made.status, 201) << made.body.dump();
  const std::string token = made.body.value("token", "");
  ASSERT_GE(token.size(), 32u) << "at least 128 bits";
  EXPECT_EQ(made.body.size(), 1u);
  EXPECT_EQ(As(Role::kTracer, Method::kGet, person).body["code_link"], token);

  const Reply own = Request(Method::kGet, "/api/v1/codes/" + token);
  ASSERT_EQ(own.status, 200) << own.body.dump();
  EXPECT_EQ(own.body["name_masked"], "王**");
  EXPECT_EQ(own.body["colour"], "red");
  EXPECT_EQ(own.body["reason"], "close_contact_in_quarantine");
  EXPECT_TRUE(own.body["since"].is_string());
  EXPECT_TRUE(own.body["until"].is_string());
  ASSERT_FALSE(own.body["history"].empty());
  EXPECT_EQ(own.body["history"].back()["colour"], "red");
  EXPECT_FALSE(own.body.contains("phone"));
  EXPECT_EQ(own.text.find("王小明"), std::string::npos);

  const Reply gate = Request(Method::kGet, "/api/v1/codes/" + token + "/gate");
  ASSERT_EQ(gate.status, 200) << gate.body.dump();
  EXPECT_EQ(gate.body, nlohmann::json({{"colour", "red"}})) << "the colour and nothing else";

  const Reply unknown =
      Request(Method::kGet, "/api/v1/codes/" + std::string(64, 'a'), "", "", kEnglish);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body["error"]["message"],
            "This health-code link is not known; check that the link is complete.");
  EXPECT_EQ(Request(Method::kGet, "/api/v1/codes/not-a-token/gate").status, 404);
  EXPECT_EQ(PathForLog("/api/v1/codes/" + token + "/gate"), "/api/v1/codes/***/gate");
  EXPECT_EQ(PathForLog("/api/v1/codes/" + token), "/api/v1/codes/***");

  // A new link replaces the old one.
  const Reply renewed = As(Role::kAdmin, Method::kPost, person + "/code-link");
  ASSERT_EQ(renewed.status, 201);
  EXPECT_EQ(Request(Method::kGet, "/api/v1/codes/" + token).status, 404);
  EXPECT_EQ(
      Request(Method::kGet, "/api/v1/codes/" + renewed.body["token"].get<std::string>()).status,
      200);
  EXPECT_EQ(As(Role::kTracer, Method::kPost, "/api/v1/tracing/people/999/code-link").status, 404);
  EXPECT_EQ(As(Role::kCommunityWorker, Method::kPost, person + "/code-link").status, 403);
  EXPECT_EQ(Request(Method::kPost, person + "/code-link").status, 401);
}

TEST_P(TracingDeskApiTest, ExportsAreCsvWithTheirHeadersAndNoPhones) {
  const std::int64_t patient = Person({{"name", "Patient P"},
                                       {"phone", "138 0013 8000"},
                                       {"district_code", "420103"},
                                       {"status", "confirmed"},
                                       {"onset_at", Ago(5 * kMillisPerDay)},
                                       {"confirmed_at", Ago(3 * kMillisPerDay)}});
  const std::int64_t wife = Person({{"name", "Wife W"}, {"phone", "139 0000 1111"}});
  Post("/api/v1/tracing/exposures", {{"a_id", patient},
                                     {"b_id", wife},
                                     {"kind", "household"},
                                     {"start_at", Ago(9 * kMillisPerDay)},
                                     {"end_at", Ago(3 * kMillisPerDay)}});
  const Reply follow_ups =
      As(Role::kTracer, Method::kGet, "/api/v1/tracing/exports/follow-ups.csv");
  ASSERT_EQ(follow_ups.status, 200) << follow_ups.text;
  EXPECT_EQ(follow_ups.content_type, "text/csv; charset=utf-8");
  EXPECT_TRUE(follow_ups.text.starts_with(
      "person_id,name,district_code,quarantine_start,quarantine_end,overdue_tasks\r\n" +
      std::to_string(wife) + ",Wife W,,"))
      << follow_ups.text;
  const Reply cases = As(Role::kAdmin, Method::kGet, "/api/v1/tracing/exports/cases.csv");
  ASSERT_EQ(cases.status, 200) << cases.text;
  EXPECT_EQ(cases.content_type, "text/csv; charset=utf-8");
  EXPECT_TRUE(
      cases.text.starts_with("person_id,status,district_code,onset_date,confirmed_date\r\n" +
                             std::to_string(patient) + ",confirmed,420103,"))
      << cases.text;
  for (const Reply* csv : {&follow_ups, &cases}) {
    EXPECT_EQ(csv->text.find("138"), std::string::npos);
    EXPECT_EQ(csv->text.find("139"), std::string::npos);
  }
  EXPECT_EQ(cases.text.find("Patient"), std::string::npos);
  EXPECT_EQ(As(Role::kPlanner, Method::kGet, "/api/v1/tracing/exports/cases.csv").status, 403);
  EXPECT_EQ(Request(Method::kGet, "/api/v1/tracing/exports/follow-ups.csv").status, 401);
}

TEST_P(TracingDeskApiTest, TheDeskIsForTracersAndAdminsAndOnlyTheCodePagesArePublic) {
  int desk_routes = 0;
  for (const RouteSpec& route : server_->router().routes()) {
    SCOPED_TRACE(std::string(MethodName(route.method)) + " " + route.pattern);
    if (route.pattern.starts_with("/api/v1/tracing/")) {
      ++desk_routes;
      EXPECT_EQ(route.access.Describe(), "tracer, admin");
    } else if (route.pattern.starts_with("/api/v1/codes/")) {
      EXPECT_TRUE(route.access.is_public());
      EXPECT_TRUE(route.access.is_metered()) << "public code pages are rate-limited";
      EXPECT_EQ(route.method, Method::kGet);
    }
  }
  EXPECT_GE(desk_routes, 19);
}

// The same server with a small allowance for the public: the code pages are rate-limited per
// client address like every public route. The fixture's logins (public too) take their share
// first.
class TracingCodeRateLimitTest : public TracingDeskApiTest {
 protected:
  static constexpr int kAllowanceAfterLogins = 3;
  void ConfigureServer(ServerOptions& options) override {
    options.router.public_requests_per_minute = 1;
    options.router.public_burst = static_cast<double>(AllRoles().size() + kAllowanceAfterLogins);
  }
};

TEST_P(TracingCodeRateLimitTest, ThePublicCodePagesAreRateLimited) {
  int limited = 0;
  for (int attempt = 0; attempt < 6; ++attempt) {
    const Reply reply = Request(Method::kGet, "/api/v1/codes/" + std::string(64, 'b') + "/gate");
    if (reply.status == 429) ++limited;
  }
  EXPECT_GE(limited, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, TracingDeskApiTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());
INSTANTIATE_TEST_SUITE_P(Backends, TracingCodeRateLimitTest,
                         ::testing::ValuesIn(testing::TestBackends()), testing::BackendParamName());

}  // namespace
}  // namespace lifeline
