// The online clinic over HTTP, in-process, on both store backends: status codes, field errors,
// the private link, role and record checks (an angel reaches only their own cases) and audit.

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "http/testing/api_server_test.h"

namespace lifeline {
namespace {

using testing::kTestPassword;
using testing::Reply;

constexpr const char* kPhoneDigits = "13800138000";

nlohmann::json PublicRequest() {
  return {{"consent", true},
          {"age_years", 67},
          {"sex", "male"},
          {"district_code", "420106"},
          {"street", "中南路 1 号"},
          {"phone", kPhoneDigits},
          {"onset_date", "2020-01-30"},
          {"comorbidities", {"diabetes"}},
          {"imaging_findings", "双肺多发磨玻璃影"},
          {"needs", {"oxygen"}},
          {"spo2", 91},
          {"on_oxygen", false},
          {"resp_rate", 24},
          {"heart_rate", 96},
          {"temperature_c", 38.4},
          {"systolic_bp", 128},
          {"consciousness", "A"},
          {"symptoms", {"cough", "fever"}}};
}

class ClinicApiTest : public testing::ApiServerTest {
 protected:
  ScenarioOptions TestCity() const override {
    return {.seed = 3, .residents = 10, .volunteers = 0};
  }

  Reply Send(const std::string& method, const std::string& path,
             const nlohmann::json& body = nullptr, const std::string& token = "",
             const std::string& language = "") {
    const Method parsed = method == "GET"      ? Method::kGet
                          : method == "PATCH"  ? Method::kPatch
                          : method == "DELETE" ? Method::kDelete
                                               : Method::kPost;
    return Request(parsed, path, body.is_null() ? "" : body.dump(), token, language);
  }

  Reply As(Role role, const std::string& method, const std::string& path,
           const nlohmann::json& body = nullptr) {
    return Send(method, path, body, tokens_[role]);
  }

  // A new case from the public form; returns its id and status token.
  std::pair<std::int64_t, std::string> NewCase(const std::string& phone = kPhoneDigits) {
    nlohmann::json request = PublicRequest();
    request["phone"] = phone;
    Reply reply = Send("POST", "/api/v1/clinic/requests", request);
    EXPECT_EQ(reply.status, 201) << reply.body.dump();
    return {reply.body.value("case_id", std::int64_t{0}), reply.body.value("status_token", "")};
  }

  // A volunteer who applied on the public form and was approved; returns user id and token.
  std::pair<std::int64_t, std::string> ApprovedVolunteer(const std::string& username,
                                                         const std::string& role, int readiness) {
    Reply applied = Send("POST", "/api/v1/clinic/volunteer-applications",
                         {{"display_name", "V " + username},
                          {"role", role},
                          {"phone", "13912345678"},
                          {"licence_number", "L-1"},
                          {"hospital", "Union Hospital"},
                          {"department", "respiratory"},
                          {"years_practice", 6},
                          {"username", username},
                          {"password", kTestPassword}});
    EXPECT_EQ(applied.status, 201) << applied.body.dump();
    Reply approved = As(Role::kCoordinator, "POST",
                        "/api/v1/clinic/volunteer-applications/" +
                            std::to_string(applied.body.value("id", 0)) + "/approve",
                        {{"readiness", readiness}});
    EXPECT_EQ(approved.status, 200) << approved.body.dump();
    return {approved.body.value("user_id", std::int64_t{0}), Login(username)};
  }
};

TEST_P(ClinicApiTest, ThePrivateLinkShowsStatusAndAdviceAndNothingPersonal) {
  Reply created = Send("POST", "/api/v1/clinic/requests", PublicRequest());
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::string token = created.body["status_token"];
  EXPECT_EQ(token.size(), 64u);
  EXPECT_FALSE(created.body.contains("triage"));

  Reply status = Send("GET", "/api/v1/clinic/status?token=" + token, nullptr, "", "en");
  ASSERT_EQ(status.status, 200) << status.body.dump();
  const nlohmann::json& view = status.body;
  EXPECT_EQ(view.size(), 5u) << view.dump();
  for (const char* key : {"status", "tier", "actions", "advice", "updated_at"}) {
    EXPECT_TRUE(view.contains(key)) << key;
  }
  EXPECT_EQ(view["status"], "open");
  const std::string text = view.dump();
  for (const char* personal : {"8000", "中南路", "420106", "diabetes", "age", "male", "cough"}) {
    EXPECT_EQ(text.find(personal), std::string::npos) << personal << " in " << text;
  }
  EXPECT_NE(view["advice"].get<std::string>().find("120"), std::string::npos);

  Reply unknown = Send("GET", "/api/v1/clinic/status?token=" + std::string(64, '0'));
  EXPECT_EQ(unknown.status, 404);
  Reply missing = Send("GET", "/api/v1/clinic/status");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body["error"]["field"], "token");

  // The read was audited as the public, with the request id.
  Reply audit = As(Role::kAdmin, "GET",
                   "/api/v1/audit?entity=case&entity_id=" +
                       std::to_string(created.body["case_id"].get<std::int64_t>()));
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.body["entries"][0]["action"], "read");
  EXPECT_EQ(audit.body["entries"][0]["actor_username"], "public");
  EXPECT_EQ(audit.body["entries"][0]["request_id"], status.request_id);
}

TEST_P(ClinicApiTest, BadRequestsGet400NamingTheField) {
  Reply no_consent = Send("POST", "/api/v1/clinic/requests", nlohmann::json::object());
  EXPECT_EQ(no_consent.status, 400);
  EXPECT_EQ(no_consent.body["error"]["field"], "consent");
  const std::map<std::string, nlohmann::json> spoilt = {
      {"age_years", nullptr}, {"spo2", "low"},        {"comorbidities", "diabetes"},
      {"district_code", "1"}, {"consciousness", "X"}, {"phone", "none"},
      {"needs", {"a pony"}},  {"onset_date", "soon"}, {"consent", "yes"}};
  for (const auto& [field, value] : spoilt) {
    nlohmann::json request = PublicRequest();
    request[field] = value;
    Reply reply = Send("POST", "/api/v1/clinic/requests", request);
    EXPECT_EQ(reply.status, 400) << field << ": " << reply.body.dump();
    EXPECT_EQ(reply.body["error"]["field"], field) << reply.body.dump();
  }
  const auto [case_id, token] = NewCase();
  Reply bad_tier =
      As(Role::kDoctor, "POST", "/api/v1/clinic/cases/" + std::to_string(case_id) + "/tier",
         {{"tier", "roof"}, {"reason", "x"}});
  EXPECT_EQ(bad_tier.status, 400);
  EXPECT_EQ(bad_tier.body["error"]["field"], "tier");
  Reply no_case = As(Role::kCoordinator, "GET", "/api/v1/clinic/cases/999999");
  EXPECT_EQ(no_case.status, 404);
}

TEST_P(ClinicApiTest, ADuplicateJoinsTheOpenCaseAndTellsThePublicNothingMore) {
  const auto [case_id, token] = NewCase();
  Reply again = Send("POST", "/api/v1/clinic/requests", PublicRequest());
  ASSERT_EQ(again.status, 200) << again.body.dump();
  EXPECT_EQ(again.body["duplicate"], true);
  EXPECT_EQ(again.body["duplicate_of"], case_id);
  EXPECT_FALSE(again.body.contains("status_token"));
  EXPECT_FALSE(again.body.contains("status"));
  Reply hotline = As(Role::kAngel, "POST", "/api/v1/clinic/hotline/requests", PublicRequest());
  ASSERT_EQ(hotline.status, 200) << hotline.body.dump();
  EXPECT_EQ(hotline.body["duplicate_of"], case_id);
  EXPECT_TRUE(hotline.body.contains("triage"));
  Reply detail = As(Role::kDoctor, "GET", "/api/v1/clinic/cases/" + std::to_string(case_id));
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(detail.body["triages"].size(), 3u);
  EXPECT_EQ(detail.body["phone_last4"], "8000");
  EXPECT_EQ(detail.body.dump().find(kPhoneDigits), std::string::npos);
}

TEST_P(ClinicApiTest, AnAngelReachesOnlyTheCasesGivenToThem) {
  const auto [case_id, token] = NewCase();
  const std::string path = "/api/v1/clinic/cases/" + std::to_string(case_id);
  const auto [angel_id, angel_token] = ApprovedVolunteer("angel_li", "angel", 2);
  // A volunteer reads their own record (readiness, capacity, shifts), nobody else's.
  Reply own =
      Send("GET", "/api/v1/clinic/volunteers/" + std::to_string(angel_id), nullptr, angel_token);
  ASSERT_EQ(own.status, 200) << own.body.dump();
  EXPECT_EQ(own.body["readiness"], 2);
  const auto [other_id, other_token] = ApprovedVolunteer("angel_wang", "angel", 1);
  EXPECT_EQ(
      Send("GET", "/api/v1/clinic/volunteers/" + std::to_string(other_id), nullptr, angel_token)
          .status,
      403);
  Reply refused = Send("GET", path, nullptr, angel_token);
  EXPECT_EQ(refused.status, 403) << refused.body.dump();
  EXPECT_EQ(refused.body["error"]["code"], "permission_denied");
  EXPECT_EQ(Send("POST", path + "/notes", {{"text", "hi"}}, angel_token).status, 403);
  // The account named "angel" has no assignment at all.
  EXPECT_EQ(As(Role::kAngel, "GET", path).status, 403);

  Reply offered =
      As(Role::kCoordinator, "POST", path + "/assignments", {{"volunteer_id", angel_id}});
  ASSERT_EQ(offered.status, 201) << offered.body.dump();
  const std::string assignment =
      "/api/v1/clinic/assignments/" + std::to_string(offered.body["id"].get<std::int64_t>());
  EXPECT_EQ(As(Role::kAngel, "POST", assignment + "/accept").status, 403);
  ASSERT_EQ(Send("POST", assignment + "/accept", nullptr, angel_token).status, 200);
  Reply mine = Send("GET", "/api/v1/clinic/my/cases", nullptr, angel_token);
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.body["cases"].size(), 1u);
  EXPECT_EQ(mine.body["cases"][0]["case"]["id"], case_id);
  Reply read = Send("GET", path, nullptr, angel_token);
  ASSERT_EQ(read.status, 200) << read.body.dump();
  EXPECT_EQ(read.body["assignments"][0]["status"], "active");
  Reply note = Send("POST", path + "/notes", {{"text", "family reached"}}, angel_token);
  EXPECT_EQ(note.status, 201);
  ASSERT_EQ(Send("POST", assignment + "/step-back", nlohmann::json::object(), angel_token).status,
            200);
  EXPECT_EQ(Send("GET", path, nullptr, angel_token).status, 403);
  EXPECT_EQ(As(Role::kAngel, "GET", "/api/v1/clinic/board").status, 403);
}

TEST_P(ClinicApiTest, TheFamilysNumberIsRevealedOnlyToCarersWithAReasonAndAudited) {
  const auto [case_id, token] = NewCase("+86 139-0000-4321");
  const std::string contact = "/api/v1/clinic/cases/" + std::to_string(case_id) + "/contact";
  Reply no_reason = As(Role::kCoordinator, "POST", contact, nlohmann::json::object());
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(no_reason.body["error"]["field"], "reason");
  Reply revealed = As(Role::kCoordinator, "POST", contact, {{"reason", "call back: SpO2 falling"}});
  ASSERT_EQ(revealed.status, 200) << revealed.body.dump();
  EXPECT_EQ(revealed.body["phone"], "13900004321");
  // An angel with no assignment on the case, and a tracer, may not see it.
  EXPECT_EQ(As(Role::kAngel, "POST", contact, {{"reason", "curious"}}).status, 403);
  EXPECT_EQ(As(Role::kTracer, "POST", contact, {{"reason", "curious"}}).status, 403);
  Reply audit =
      As(Role::kAdmin, "GET", "/api/v1/audit?entity=case&entity_id=" + std::to_string(case_id));
  ASSERT_EQ(audit.status, 200);
  bool reveal_logged = false;
  for (const auto& entry : audit.body["entries"]) {
    if (entry["action"] == "reveal_contact") {
      reveal_logged = true;
      EXPECT_EQ(entry["actor_username"], "coordinator");
      EXPECT_EQ(entry["reason"], "call back: SpO2 falling");
    }
  }
  EXPECT_TRUE(reveal_logged);
  // The number is in the database neither in clear nor in its usual written forms.
  auto stored =
      scratch_->db().Query("SELECT phone_key, phone_last4, phone_sealed FROM clinic_cases");
  ASSERT_TRUE(stored.ok());
  for (std::size_t column = 0; column < 3; ++column) {
    EXPECT_EQ(stored->rows.at(0).Text(column).find("13900004321"), std::string::npos);
  }
}

TEST_P(ClinicApiTest, RolesReachTheQueuesAndCasePagesTheyShould) {
  const auto [case_id, token] = NewCase();
  const std::string path = "/api/v1/clinic/cases/" + std::to_string(case_id);
  for (const Role role : {Role::kCoordinator, Role::kDoctor, Role::kNurse, Role::kCounsellor}) {
    EXPECT_EQ(As(role, "GET", path).status, 200) << RoleName(role);
  }
  for (const Role role : {Role::kAdmin, Role::kTracer, Role::kPlanner}) {
    EXPECT_EQ(As(role, "GET", path).status, 403) << RoleName(role);
  }
  EXPECT_EQ(Send("GET", path).status, 401);
  Reply board = As(Role::kCoordinator, "GET", "/api/v1/clinic/board");
  ASSERT_EQ(board.status, 200);
  ASSERT_EQ(board.body["tiers"].size(), 5u);
  EXPECT_EQ(board.body["tiers"][3]["tier"], "icu");
  EXPECT_EQ(board.body["tiers"][3]["limit_minutes"], 15);
  EXPECT_EQ(As(Role::kDoctor, "GET", "/api/v1/clinic/board").status, 403);
  EXPECT_EQ(As(Role::kNurse, "GET", "/api/v1/clinic/queue?tier=icu").status, 200);
  EXPECT_EQ(As(Role::kDoctor, "GET", "/api/v1/clinic/queue?tier=life_care").status, 403);
  EXPECT_EQ(As(Role::kCounsellor, "GET", "/api/v1/clinic/queue?tier=life_care").status, 403);
  EXPECT_EQ(As(Role::kNurse, "GET", "/api/v1/clinic/queue").status, 400);
  EXPECT_EQ(Send("POST", "/api/v1/clinic/hotline/requests", PublicRequest()).status, 401);
  EXPECT_EQ(As(Role::kDoctor, "POST", "/api/v1/clinic/hotline/requests", PublicRequest()).status,
            403);

  // Every read of a case and every listing is in the audit log with its request id.
  Reply read = As(Role::kNurse, "GET", path);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body["imaging_findings"], "双肺多发磨玻璃影") << "the report's words are kept";
  Reply audit = As(Role::kAdmin, "GET", "/api/v1/audit?entity=case&limit=50");
  ASSERT_EQ(audit.status, 200);
  bool found_read = false;
  bool found_list = false;
  for (const nlohmann::json& entry : audit.body["entries"]) {
    if (entry["request_id"] == read.request_id) {
      found_read = entry["action"] == "read" && entry["actor_username"] == "nurse";
    }
    if (entry["action"] == "list" && entry["reason"] == "queue icu") found_list = true;
  }
  EXPECT_TRUE(found_read);
  EXPECT_TRUE(found_list);
}

TEST_P(ClinicApiTest, ClinicalWorkOnACase) {
  const auto [case_id, token] = NewCase();
  const std::string path = "/api/v1/clinic/cases/" + std::to_string(case_id);
  Reply observed = As(Role::kNurse, "POST", path + "/observations",
                      {{"spo2", 85}, {"resp_rate", 34}, {"symptoms", {"cannot breathe"}}});
  ASSERT_EQ(observed.status, 201) << observed.body.dump();
  EXPECT_EQ(observed.body["tier"], "icu");
  EXPECT_EQ(observed.body["triage"]["nhc_severity"], "severe");
  EXPECT_EQ(As(Role::kDoctor, "POST", path + "/seen").status, 204);
  Reply task = As(Role::kDoctor, "POST", path + "/tasks",
                  {{"text", "call back"}, {"due_at", "2030-01-01T00:00:00Z"}});
  ASSERT_EQ(task.status, 201) << task.body.dump();
  Reply bad_time = As(Role::kDoctor, "POST", path + "/tasks", {{"text", "x"}, {"due_at", "later"}});
  EXPECT_EQ(bad_time.body["error"]["field"], "due_at");
  EXPECT_EQ(As(Role::kDoctor, "POST",
               "/api/v1/clinic/tasks/" + std::to_string(task.body["id"].get<int>()) + "/done")
                .status,
            200);
  EXPECT_EQ(As(Role::kDoctor, "POST", path + "/outcome", {{"outcome", "admitted"}}).status, 204);
  Reply closed = Send("GET", "/api/v1/clinic/status?token=" + token);
  EXPECT_EQ(closed.body["status"], "closed");
  EXPECT_EQ(As(Role::kDoctor, "POST", path + "/outcome", {{"outcome", "died"}}).status, 409);
}

TEST_P(ClinicApiTest, VolunteerReviewEnforcesTheClinicalRule) {
  Reply applied = Send("POST", "/api/v1/clinic/volunteer-applications",
                       {{"display_name", "Dr Junior"},
                        {"role", "doctor"},
                        {"phone", "13700000000"},
                        {"licence_number", "L-2"},
                        {"hospital", "Tongji"},
                        {"department", "respiratory"},
                        {"years_practice", 1},
                        {"username", "drjunior"},
                        {"password", kTestPassword}});
  ASSERT_EQ(applied.status, 201) << applied.body.dump();
  EXPECT_EQ(applied.body.size(), 2u);  // id and status: the public learns nothing else
  const std::string path = "/api/v1/clinic/volunteer-applications/" +
                           std::to_string(applied.body["id"].get<std::int64_t>());
  EXPECT_EQ(As(Role::kDoctor, "GET", path).status, 403);
  Reply refused = As(Role::kCoordinator, "POST", path + "/approve", nlohmann::json::object());
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.body["error"]["field"], "override_reason");
  Reply approved = As(Role::kAdmin, "POST", path + "/approve",
                      {{"readiness", 2}, {"override_reason", "ICU experience abroad"}});
  ASSERT_EQ(approved.status, 200) << approved.body.dump();
  EXPECT_EQ(approved.body["role"], "doctor");
  EXPECT_EQ(approved.body["readiness"], 2);
  const std::string volunteer =
      "/api/v1/clinic/volunteers/" + std::to_string(approved.body["user_id"].get<std::int64_t>());
  Reply raised = As(Role::kCoordinator, "POST", volunteer + "/readiness", {{"level", 3}});
  EXPECT_EQ(raised.status, 200) << raised.body.dump();
  Reply listed =
      As(Role::kCoordinator, "GET", "/api/v1/clinic/volunteer-applications?status=approved");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body["applications"][0]["overridden"], true);
  EXPECT_FALSE(Login("drjunior").empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ClinicApiTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
