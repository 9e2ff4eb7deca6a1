// The exchange over HTTP, in-process, on both store backends: creating offers and needs, field
// errors in the caller's language (the expired medicine's own message), what the board shows to
// whom, proposing, confirming, the 409 of a decided or stale match, withdrawal and history.

#include <gtest/gtest.h>
#include <httplib.h>

#include <string>

#include <nlohmann/json.hpp>

#include "http/testing/api_server_test.h"

namespace lifeline {
namespace {

using testing::Reply;

nlohmann::json OfferBody() {
  return {{"offerer_kind", "person"},
          {"offerer_name", "李先生"},
          {"contact_phone", "13912345678"},
          {"lat", 30.5512},
          {"lon", 114.3123},
          {"district_code", "420106"},
          {"address", "中南路 8 号"},
          {"kind", "concentrator"},
          {"flow_lpm", 5},
          {"quantity", 1},
          {"mode", "lend"},
          {"condition", "good"}};
}

class ExchangeApiTest : public testing::ApiServerTest {
 protected:
  ScenarioOptions TestCity() const override {
    return {.seed = 3, .residents = 10, .volunteers = 0};
  }

  // A clinic case from the public form; returns its id.
  std::int64_t NewCase() {
    const nlohmann::json request = {{"consent", true},         {"age_years", 67},
                                    {"sex", "male"},           {"district_code", "420106"},
                                    {"street", "中南路 1 号"}, {"phone", "13800138000"},
                                    {"needs", {"oxygen"}},     {"spo2", 91},
                                    {"resp_rate", 24},         {"heart_rate", 96},
                                    {"temperature_c", 38.4},   {"consciousness", "A"}};
    Reply reply = Request(Method::kPost, "/api/v1/clinic/requests", request.dump());
    EXPECT_EQ(reply.status, 201) << reply.body.dump();
    return reply.body.value("case_id", std::int64_t{0});
  }
};

TEST_P(ExchangeApiTest, OffersAreCheckedAndHouseholdsHiddenFromAllButCoordinators) {
  Reply created = As(Role::kAngel, Method::kPost, "/api/v1/exchange/offers", OfferBody());
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::int64_t id = created.body["id"];
  EXPECT_EQ(created.body["remaining"], 1);
  EXPECT_FALSE(created.body.contains("address"));  // the angel is no coordinator

  nlohmann::json expired = OfferBody();
  expired.update({{"kind", "medicine"},
                  {"medicine_name", "Lianhua Qingwen"},
                  {"strength", "0.35 g"},
                  {"expiry_date", "2019-12-31"}});
  Reply refused = As(Role::kNurse, Method::kPost, "/api/v1/exchange/offers", expired, "en");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.body["error"]["field"], "expiry_date");
  EXPECT_NE(refused.body["error"]["message"].get<std::string>().find("2019-12-31"),
            std::string::npos)
      << refused.body.dump();

  nlohmann::json no_quantity = OfferBody();
  no_quantity.erase("quantity");
  Reply missing = As(Role::kNurse, Method::kPost, "/api/v1/exchange/offers", no_quantity);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body["error"]["field"], "quantity");

  Reply doctor_board = As(Role::kDoctor, Method::kGet, "/api/v1/exchange/board?kind=concentrator");
  ASSERT_EQ(doctor_board.status, 200) << doctor_board.body.dump();
  ASSERT_EQ(doctor_board.body["offers"].size(), 1u);
  const nlohmann::json& seen = doctor_board.body["offers"][0];
  EXPECT_FALSE(seen["precise"].get<bool>());
  EXPECT_FALSE(seen.contains("address"));
  EXPECT_NE(seen["lon"].get<double>(), 114.3123);

  Reply coordinator =
      As(Role::kCoordinator, Method::kGet, "/api/v1/exchange/offers/" + std::to_string(id));
  ASSERT_EQ(coordinator.status, 200);
  EXPECT_EQ(coordinator.body["address"], "中南路 8 号");
  EXPECT_EQ(coordinator.body["contact_phone"], "13912345678");
  Result<QueryResult> audited = db().Query(
      "SELECT COUNT(*) FROM audit_log WHERE entity = 'exchange_offer' AND entity_id = $1",
      {std::to_string(id)});
  EXPECT_GE(audited->rows.at(0).Int(0), 1);

  // Another volunteer cannot withdraw the angel's offer; the angel can, once.
  const std::string withdraw = "/api/v1/exchange/offers/" + std::to_string(id) + "/withdraw";
  EXPECT_EQ(As(Role::kNurse, Method::kPost, withdraw, {{"reason", "x"}}).status, 403);
  EXPECT_EQ(As(Role::kAngel, Method::kPost, withdraw, {{"reason", "given away"}}).status, 204);
  EXPECT_EQ(As(Role::kAngel, Method::kPost, withdraw).status, 409);
  Reply history =
      As(Role::kDoctor, Method::kGet, "/api/v1/exchange/offers/" + std::to_string(id) + "/history");
  ASSERT_EQ(history.status, 200);
  ASSERT_EQ(history.body["events"].size(), 2u);
  EXPECT_EQ(history.body["events"][1]["action"], "withdraw");
}

TEST_P(ExchangeApiTest, ProposeConfirmAndRefuseADecidedOrStaleMatch) {
  const std::int64_t case_id = NewCase();
  Reply need = As(Role::kNurse, Method::kPost, "/api/v1/exchange/needs",
                  {{"source", "case"},
                   {"case_id", case_id},
                   {"lat", 30.55},
                   {"lon", 114.30},
                   {"kind", "concentrator"},
                   {"flow_lpm", 3},
                   {"quantity", 1},
                   {"needed_by", "2099-01-01T00:00:00Z"}});
  ASSERT_EQ(need.status, 201) << need.body.dump();
  EXPECT_GT(need.body["priority"].get<int>(), 0);
  Reply hospital_need = As(Role::kCoordinator, Method::kPost, "/api/v1/exchange/needs",
                           {{"source", "hospital"},
                            {"hospital_id", 999999},
                            {"urgency", "urgent"},
                            {"kind", "oximeter"},
                            {"quantity", 2}});
  EXPECT_EQ(hospital_need.status, 400);
  EXPECT_EQ(hospital_need.body["error"]["field"], "hospital_id");

  nlohmann::json big = OfferBody();
  big["flow_lpm"] = 10;  // serves the 3 L/min need
  big["quantity"] = 2;
  Reply offer = As(Role::kCoordinator, Method::kPost, "/api/v1/exchange/offers", big);
  ASSERT_EQ(offer.status, 201) << offer.body.dump();

  Reply proposal = As(Role::kCoordinator, Method::kPost, "/api/v1/exchange/proposals");
  ASSERT_EQ(proposal.status, 201) << proposal.body.dump();
  ASSERT_EQ(proposal.body["matches"].size(), 1u);
  const nlohmann::json match = proposal.body["matches"][0];
  EXPECT_EQ(match["need_id"], need.body["id"]);
  EXPECT_EQ(match["priority"], need.body["priority"]);
  EXPECT_LT(match["distance_km"].get<double>(), 2.0);
  const std::string match_path =
      "/api/v1/exchange/matches/" + std::to_string(match["id"].get<int>());

  Reply listed = As(Role::kAngel, Method::kGet, "/api/v1/exchange/matches?status=proposed");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body["matches"].size(), 1u);
  Reply confirmed = As(Role::kCoordinator, Method::kPost, match_path + "/confirm");
  ASSERT_EQ(confirmed.status, 200) << confirmed.body.dump();
  EXPECT_EQ(confirmed.body["status"], "confirmed");
  Reply again = As(Role::kCoordinator, Method::kPost, match_path + "/confirm", nullptr, "en");
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body["error"]["message"].get<std::string>().find("confirmed"), std::string::npos)
      << again.body.dump();
  Reply mine = As(Role::kDoctor, Method::kGet,
                  "/api/v1/exchange/matches?status=confirmed&need_id=" +
                      std::to_string(need.body["id"].get<int>()));
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body["matches"].size(), 1u);
  Reply after = As(Role::kCoordinator, Method::kGet,
                   "/api/v1/exchange/offers/" + std::to_string(offer.body["id"].get<int>()));
  EXPECT_EQ(after.body["remaining"], 1);

  // A second need for the remaining machine; the offer shrinks before it is confirmed.
  Reply second_need = As(Role::kDoctor, Method::kPost, "/api/v1/exchange/needs",
                         {{"source", "case"},
                          {"case_id", case_id},
                          {"kind", "concentrator"},
                          {"flow_lpm", 5},
                          {"quantity", 1}});
  ASSERT_EQ(second_need.status, 201) << second_need.body.dump();
  Reply second =
      As(Role::kCoordinator, Method::kPost, "/api/v1/exchange/proposals", {{"radius_km", 30}});
  ASSERT_EQ(second.status, 201) << second.body.dump();
  ASSERT_EQ(second.body["matches"].size(), 1u);
  const std::string second_path =
      "/api/v1/exchange/matches/" + std::to_string(second.body["matches"][0]["id"].get<int>());
  EXPECT_EQ(As(Role::kCoordinator, Method::kPatch,
               "/api/v1/exchange/offers/" + std::to_string(offer.body["id"].get<int>()),
               {{"condition", "fair"}})
                .status,
            200);
  Reply stale = As(Role::kCoordinator, Method::kPost, second_path + "/confirm");
  EXPECT_EQ(stale.status, 409);
  Reply rejected =
      As(Role::kAdmin, Method::kPost, second_path + "/reject", {{"reason", "offer changed"}});
  ASSERT_EQ(rejected.status, 200) << rejected.body.dump();
  EXPECT_EQ(rejected.body["status"], "rejected");
  Reply proposals = As(Role::kCoordinator, Method::kGet, "/api/v1/exchange/proposals");
  ASSERT_EQ(proposals.status, 200);
  EXPECT_EQ(proposals.body["proposals"].size(), 2u);
  EXPECT_EQ(
      As(Role::kCoordinator, Method::kPost, "/api/v1/exchange/proposals", {{"radius_km", "far"}})
          .status,
      400);
}

INSTANTIATE_TEST_SUITE_P(Backends, ExchangeApiTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
