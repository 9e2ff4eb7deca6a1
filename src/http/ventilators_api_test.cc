// The ventilator pipeline over HTTP on both store backends: roles, field errors, a need served
// through a proposal, the order moving forward, stale lines refused with 409, and totals.

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "http/testing/api_server_test.h"

namespace lifeline {
namespace {

using testing::Reply;

class VentilatorApiTest : public testing::ApiServerTest {
 protected:
  ScenarioOptions TestCity() const override {
    return {.seed = 3, .residents = 10, .volunteers = 0};
  }

  Reply As(Role role, Method method, const std::string& path, const nlohmann::json& body = nullptr,
           const std::string& language = "") {
    return Request(method, "/api/v1/ventilators" + path, body.is_null() ? "" : body.dump(),
                   tokens_[role], language);
  }

  std::int64_t FirstHospital() {
    Reply hospitals = Request(Method::kGet, "/api/v1/hospitals", "", tokens_[Role::kCoordinator]);
    EXPECT_EQ(hospitals.status, 200);
    return hospitals.body["hospitals"][0].value("id", std::int64_t{0});
  }

  nlohmann::json Need(std::int64_t hospital, std::int64_t quantity) {
    return {{"hospital_id", hospital},
            {"type", "invasive"},
            {"quantity", quantity},
            {"urgency", "critical"},
            {"verification_method", "phone_call"},
            {"verified_at", "2020-02-03T08:00:00+08:00"},
            {"note", "ICU director"}};
  }
};

TEST_P(VentilatorApiTest, RolesReadAndWrite) {
  for (const Role role : {Role::kCoordinator, Role::kAdmin, Role::kPlanner, Role::kDoctor}) {
    EXPECT_EQ(As(role, Method::kGet, "/totals").status, 200) << RoleName(role);
    EXPECT_EQ(As(role, Method::kGet, "/needs").status, 200) << RoleName(role);
  }
  for (const Role role : {Role::kNurse, Role::kAngel, Role::kTracer, Role::kBloodStaff}) {
    EXPECT_EQ(As(role, Method::kGet, "/needs").status, 403) << RoleName(role);
  }
  for (const Role role : {Role::kPlanner, Role::kDoctor}) {
    EXPECT_EQ(As(role, Method::kPost, "/needs", Need(FirstHospital(), 1)).status, 403);
    EXPECT_EQ(As(role, Method::kPost, "/proposals", nlohmann::json::object()).status, 403);
  }
  EXPECT_EQ(Request(Method::kGet, "/api/v1/ventilators/needs").status, 401);
}

TEST_P(VentilatorApiTest, BadInputNamesTheFieldInTheCallersLanguage) {
  nlohmann::json need = Need(FirstHospital(), 2);
  need["urgency"] = "whenever";
  Reply reply = As(Role::kCoordinator, Method::kPost, "/needs", need, "en");
  ASSERT_EQ(reply.status, 400) << reply.body.dump();
  EXPECT_EQ(reply.body["error"]["field"], "urgency");
  const std::string message = reply.body["error"]["message"];
  EXPECT_NE(message.find("whenever"), std::string::npos) << message;
  EXPECT_NE(message.find("critical"), std::string::npos) << message;

  need = Need(99999, 2);
  reply = As(Role::kCoordinator, Method::kPost, "/needs", need, "zh-CN");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"]["field"], "hospital_id");
  need = Need(FirstHospital(), 2);
  need["verified_at"] = "yesterday";
  reply = As(Role::kCoordinator, Method::kPost, "/needs", need);
  EXPECT_EQ(reply.body["error"]["field"], "verified_at");
  need.erase("quantity");
  reply = As(Role::kCoordinator, Method::kPost, "/needs", need);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"]["field"], "quantity");
  reply =
      As(Role::kCoordinator, Method::kPost, "/pledges",
         {{"foundation", "示例基金会"}, {"units", 2}, {"budget_yuan", 100}, {"type", "invasive"}},
         "en");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"]["field"], "units");
  reply = As(Role::kCoordinator, Method::kPost, "/stock",
             {{"supplier", "S"},
              {"model", "M"},
              {"type", "invasive"},
              {"unit_price_yuan", 0},
              {"lead_time_days", 3},
              {"quantity", 2}});
  EXPECT_EQ(reply.body["error"]["field"], "unit_price_yuan");
  reply = As(Role::kCoordinator, Method::kGet, "/orders/77");
  EXPECT_EQ(reply.status, 404);
}

TEST_P(VentilatorApiTest, ANeedGoesFromProposalToMachineInUse) {
  const std::int64_t hospital = FirstHospital();
  Reply need = As(Role::kCoordinator, Method::kPost, "/needs", Need(hospital, 3));
  ASSERT_EQ(need.status, 201) << need.body.dump();
  EXPECT_EQ(need.body["verified_at"], "2020-02-03T00:00:00Z");
  EXPECT_EQ(need.body["verified_by"], user_ids_[Role::kCoordinator]);
  ASSERT_EQ(As(Role::kAdmin, Method::kPost, "/pledges",
               {{"foundation", "示例甲慈善基金会"}, {"type", "invasive"}, {"units", 1}})
                .status,
            201);
  ASSERT_EQ(As(Role::kAdmin, Method::kPost, "/pledges",
               {{"foundation", "示例乙公益基金会"}, {"budget_yuan", 1'000'000}})
                .status,
            201);
  ASSERT_EQ(As(Role::kCoordinator, Method::kPost, "/stock",
               {{"supplier", "示例医疗器械甲公司"},
                {"model", "SV-900"},
                {"type", "invasive"},
                {"unit_price_yuan", 268'000},
                {"lead_time_days", 2},
                {"quantity", 10}})
                .status,
            201);

  Reply proposal = As(Role::kCoordinator, Method::kPost, "/proposals", nlohmann::json::object());
  ASSERT_EQ(proposal.status, 201) << proposal.body.dump();
  const nlohmann::json& lines = proposal.body["lines"];
  ASSERT_EQ(lines.size(), 2u) << proposal.body.dump();
  EXPECT_EQ(lines[0]["source"], "pledged_units");
  EXPECT_EQ(lines[1]["source"], "purchase");
  EXPECT_EQ(lines[1]["units"], 2);
  EXPECT_EQ(lines[1]["cost_yuan"], 536'000);
  EXPECT_EQ(lines[1]["reason"], "bought_in_time");
  EXPECT_EQ(lines[1]["reason_args"]["supplier"], "示例医疗器械甲公司");
  // A doctor can read the stored proposal but not accept it.
  const std::string proposal_path = "/proposals/" + std::to_string(proposal.body.value("id", 0));
  EXPECT_EQ(As(Role::kDoctor, Method::kGet, proposal_path).status, 200);
  const std::string accept =
      "/proposal-lines/" + std::to_string(lines[1].value("id", 0)) + "/accept";
  EXPECT_EQ(As(Role::kDoctor, Method::kPost, accept, nlohmann::json::object()).status, 403);

  Reply order = As(Role::kCoordinator, Method::kPost, accept, nlohmann::json::object());
  ASSERT_EQ(order.status, 201) << order.body.dump();
  EXPECT_EQ(order.body["state"], "ordered");
  Reply again = As(Role::kCoordinator, Method::kPost, accept, nlohmann::json::object(), "en");
  EXPECT_EQ(again.status, 409);
  const std::string order_path = "/orders/" + std::to_string(order.body.value("id", 0));

  Reply skip = As(Role::kCoordinator, Method::kPost, order_path + "/advance",
                  {{"state", "delivered"}}, "en");
  ASSERT_EQ(skip.status, 409) << skip.body.dump();
  EXPECT_EQ(skip.body["error"]["field"], "state");
  const std::string skip_message = skip.body["error"]["message"];
  EXPECT_NE(skip_message.find("shipped"), std::string::npos) << skip_message;
  for (const char* state : {"shipped", "delivered", "in_use"}) {
    Reply moved = As(Role::kCoordinator, Method::kPost, order_path + "/advance",
                     {{"state", state}, {"note", "ok"}});
    ASSERT_EQ(moved.status, 200) << moved.body.dump();
    EXPECT_EQ(moved.body["state"], state);
  }
  Reply read = As(Role::kPlanner, Method::kGet, order_path);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body["history"].size(), 4u);
  EXPECT_EQ(read.body["history"][3]["by"], "coordinator");

  Reply totals = As(Role::kDoctor, Method::kGet, "/totals");
  ASSERT_EQ(totals.status, 200);
  const nlohmann::json& first = totals.body["hospitals"][0];
  EXPECT_EQ(first["hospital_id"], hospital);
  EXPECT_EQ(first["needed"], 3);
  EXPECT_EQ(first["in_use"], 2);
  EXPECT_EQ(first["uncovered"], 1);
  EXPECT_EQ(totals.body["foundations"].size(), 2u);

  // The pledged-units line is still good; a second proposal's line for the same units after
  // it is accepted is stale.
  Reply second = As(Role::kCoordinator, Method::kPost, "/proposals", nlohmann::json::object());
  ASSERT_EQ(second.status, 201);
  ASSERT_EQ(second.body["lines"].size(), 1u);
  ASSERT_EQ(
      As(Role::kCoordinator, Method::kPost,
         "/proposal-lines/" + std::to_string(second.body["lines"][0].value("id", 0)) + "/accept",
         nlohmann::json::object())
          .status,
      201);
  Reply stale = As(Role::kCoordinator, Method::kPost,
                   "/proposal-lines/" + std::to_string(lines[0].value("id", 0)) + "/accept",
                   nlohmann::json::object());
  EXPECT_EQ(stale.status, 409) << stale.body.dump();
  // In the account's language (zh-CN): what changed, and to compute a new proposal.
  const std::string stale_message = stale.body["error"]["message"];
  EXPECT_NE(stale_message.find("需求"), std::string::npos) << stale_message;
  EXPECT_NE(stale_message.find("重新生成方案"), std::string::npos) << stale_message;
}

INSTANTIATE_TEST_SUITE_P(Backends, VentilatorApiTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
