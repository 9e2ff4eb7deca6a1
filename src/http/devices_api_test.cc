// Named devices that drift over HTTP, in-process, on both store backends: registering, the
// inspection rule, lending, check-ins, passing on, returning, the timeline, who sees households
// (and the audit of it), field errors and record-level refusals.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "http/testing/api_server_test.h"

namespace lifeline {
namespace {

using testing::Reply;

class DevicesApiTest : public testing::ApiServerTest {
 protected:
  ScenarioOptions TestCity() const override {
    return {.seed = 3, .residents = 10, .volunteers = 0};
  }

  static nlohmann::json Household(const std::string& phone) {
    return {{"contact_name", "李先生"},
            {"phone", phone},
            {"address", "江汉区解放大道 100 号"},
            {"district_code", "420103"},
            {"lat", 30.58},
            {"lon", 114.27},
            {"expected_end", FormatIso8601(NowMillis() + 10 * kMillisPerDay)},
            {"guidance", "每天 3 次，每次 1 小时"},
            {"doctor_advice", "血氧低于 93% 请联系医生"},
            {"prescribed_flow_lpm", 2}};
  }

  std::int64_t AuditRows(const std::string& entity_id, Role role) {
    Result<QueryResult> rows = db().Query(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'drift' AND entity_id = $1 AND "
        "action = 'read' AND actor_user_id = $2",
        {entity_id, user_ids_[role]});
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? rows->rows.at(0).Int(0) : -1;
  }
};

TEST_P(DevicesApiTest, LendCheckInReturnAndSeeTheTimeline) {
  Reply bad = As(Role::kCoordinator, Method::kPost, "/api/v1/devices",
                 {{"kind", "toaster"}, {"serial", "A1"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["field"], "kind");
  EXPECT_EQ(
      As(Role::kAngel, Method::kPost, "/api/v1/devices", {{"kind", "oximeter"}, {"serial", "A1"}})
          .status,
      403);

  Reply registered = As(Role::kCoordinator, Method::kPost, "/api/v1/devices",
                        {{"kind", "concentrator_5"},
                         {"serial", "YW-2020-0017"},
                         {"model", "Yuwell 8F-5"},
                         {"angel_id", user_ids_[Role::kAngel]}});
  ASSERT_EQ(registered.status, 201) << registered.body.dump();
  EXPECT_EQ(registered.body["name_en"], "Hope-001");
  EXPECT_EQ(registered.body["name_zh"], "希望-001");
  const std::string device = "/api/v1/devices/" + std::to_string(registered.body["id"].get<int>());

  Reply early = As(Role::kAngel, Method::kPost, device + "/lend", Household("13900000001"));
  EXPECT_EQ(early.status, 409);
  EXPECT_NE(early.body["error"]["message"].get<std::string>().find("Hope-001"), std::string::npos)
      << early.body.dump();

  Reply inspected = As(
      Role::kAngel, Method::kPost, device + "/inspections",
      {{"disinfected", true}, {"works", true}, {"flow_checked", true}, {"measured_flow_lpm", 4.8}});
  ASSERT_EQ(inspected.status, 201) << inspected.body.dump();
  EXPECT_TRUE(inspected.body["passed"].get<bool>());

  nlohmann::json missing = Household("13900000001");
  missing.erase("guidance");
  Reply no_guidance = As(Role::kAngel, Method::kPost, device + "/lend", missing);
  EXPECT_EQ(no_guidance.status, 400);
  EXPECT_EQ(no_guidance.body["error"]["field"], "guidance");
  nlohmann::json late = Household("13900000001");
  late["expected_end"] = "next week";
  EXPECT_EQ(As(Role::kAngel, Method::kPost, device + "/lend", late).body["error"]["field"],
            "expected_end");

  Reply lent = As(Role::kAngel, Method::kPost, device + "/lend", Household("13900000001"));
  ASSERT_EQ(lent.status, 201) << lent.body.dump();
  EXPECT_EQ(lent.body["household"]["address"], "江汉区解放大道 100 号");
  EXPECT_FALSE(lent.body["checkin_overdue"].get<bool>());
  const std::string drift_id = std::to_string(lent.body["id"].get<int>());
  EXPECT_EQ(As(Role::kCoordinator, Method::kPost, device + "/lend", Household("139")).status, 400);

  Reply check_in = As(Role::kAngel, Method::kPost, device + "/checkins",
                      {{"reached", true}, {"condition", "better"}, {"spo2", 95}});
  ASSERT_EQ(check_in.status, 201) << check_in.body.dump();
  EXPECT_EQ(As(Role::kAngel, Method::kPost, device + "/checkins", {{"condition", "same"}})
                .body["error"]["field"],
            "reached");

  Reply list = As(Role::kAngel, Method::kGet, "/api/v1/devices/checkins");
  ASSERT_EQ(list.status, 200) << list.body.dump();
  ASSERT_EQ(list.body["checkins"].size(), 1u);
  EXPECT_EQ(list.body["checkins"][0]["drift"]["household"]["contact_name"], "李先生");
  EXPECT_EQ(
      As(Role::kCoordinator, Method::kGet, "/api/v1/devices/checkins").body["checkins"].size(), 1u);
  EXPECT_EQ(As(Role::kDoctor, Method::kGet, "/api/v1/devices/checkins").status, 403);

  Reply returned = As(Role::kAngel, Method::kPost, device + "/end",
                      {{"outcome", "returned"}, {"note", "已康复"}});
  ASSERT_EQ(returned.status, 200) << returned.body.dump();
  EXPECT_EQ(returned.body["end_outcome"], "returned");

  // The device page: a doctor sees the lending without the household; the coordinator sees it,
  // and that read is audited.
  Reply as_doctor = As(Role::kDoctor, Method::kGet, device);
  ASSERT_EQ(as_doctor.status, 200) << as_doctor.body.dump();
  EXPECT_EQ(as_doctor.body["summary"]["drifts"], 1);
  EXPECT_EQ(as_doctor.body["summary"]["families"], 1);
  EXPECT_FALSE(as_doctor.body["drifts"][0].contains("household"));
  EXPECT_EQ(as_doctor.body["drifts"][0]["checkins"].size(), 1u);
  EXPECT_EQ(AuditRows(drift_id, Role::kDoctor), 0);
  Reply as_coordinator = As(Role::kCoordinator, Method::kGet, device);
  EXPECT_EQ(as_coordinator.body["drifts"][0]["household"]["phone"], "13900000001");
  EXPECT_EQ(AuditRows(drift_id, Role::kCoordinator), 1);
  std::vector<std::string> kinds;
  for (const nlohmann::json& event : as_coordinator.body["events"]) kinds.push_back(event["kind"]);
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"registered", "inspected", "lent", "checked_in", "ended"}));

  Reply totals = As(Role::kNurse, Method::kGet, "/api/v1/devices/totals");
  ASSERT_EQ(totals.status, 200);
  EXPECT_EQ(totals.body["devices"], 1);
  EXPECT_EQ(totals.body["idle"], 1);
  EXPECT_EQ(totals.body["in_circulation"], 0);
}

TEST_P(DevicesApiTest, PassingOnThroughEndAndOtherAngelsAreRefused) {
  Reply registered = As(Role::kCoordinator, Method::kPost, "/api/v1/devices",
                        {{"kind", "oximeter"}, {"serial", "OX-1"}});
  ASSERT_EQ(registered.status, 201) << registered.body.dump();
  const std::string device = "/api/v1/devices/" + std::to_string(registered.body["id"].get<int>());
  // Not yet the angel's device: refused on the record.
  EXPECT_EQ(As(Role::kAngel, Method::kPost, device + "/inspections",
               {{"disinfected", true}, {"works", true}})
                .status,
            403);
  ASSERT_EQ(As(Role::kCoordinator, Method::kPost, device + "/angel",
               {{"angel_id", user_ids_[Role::kAngel]}})
                .status,
            200);
  EXPECT_EQ(As(Role::kCoordinator, Method::kPost, device + "/angel",
               {{"angel_id", user_ids_[Role::kDoctor]}})
                .body["error"]["field"],
            "angel_id");
  ASSERT_EQ(As(Role::kAngel, Method::kPost, device + "/inspections",
               {{"disinfected", true}, {"works", true}})
                .status,
            201);
  ASSERT_EQ(As(Role::kAngel, Method::kPost, device + "/lend", Household("13900000001")).status,
            201);

  Reply no_next = As(Role::kAngel, Method::kPost, device + "/end", {{"outcome", "passed_on"}});
  EXPECT_EQ(no_next.status, 400);
  EXPECT_EQ(no_next.body["error"]["field"], "next");
  // The hand-over inspection comes after this family got the device.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(As(Role::kAngel, Method::kPost, device + "/inspections",
               {{"disinfected", true}, {"works", true}})
                .status,
            201);
  Reply passed = As(Role::kAngel, Method::kPost, device + "/end",
                    {{"outcome", "passed_on"}, {"next", Household("13900000002")}});
  ASSERT_EQ(passed.status, 201) << passed.body.dump();
  EXPECT_FALSE(passed.body["previous_drift_id"].is_null());

  Reply page = As(Role::kCoordinator, Method::kGet, device);
  EXPECT_EQ(page.body["summary"]["drifts"], 2);
  EXPECT_EQ(page.body["summary"]["families"], 2);
  EXPECT_EQ(page.body["drifts"][0]["end_outcome"], "passed_on");

  Reply listed = As(Role::kDoctor, Method::kGet, "/api/v1/devices?status=lent&kind=oximeter");
  ASSERT_EQ(listed.status, 200) << listed.body.dump();
  EXPECT_EQ(listed.body["total"], 1);
  EXPECT_EQ(As(Role::kDoctor, Method::kGet, "/api/v1/devices?status=resting").status, 400);
  EXPECT_EQ(As(Role::kDoctor, Method::kGet, "/api/v1/devices/999").status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, DevicesApiTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
