// The bed board over HTTP, in-process, on both store backends: field errors, roles, and the flow
// from a verified figure to the board, the history and a recommendation.

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "http/testing/api_server_test.h"

namespace lifeline {
namespace {

using testing::Reply;

// Near Huoshenshan (Caidian).
constexpr const char* kPatientQuery = "lat=30.53&lon=114.08";

class BedsApiTest : public testing::ApiServerTest {
 protected:
  ScenarioOptions TestCity() const override { return {.seed = 3, .residents = 0, .volunteers = 0}; }

  // The id of the seeded hospital named `name_en`.
  std::int64_t HospitalId(const std::string& name_en) {
    Reply hospitals = As(Role::kAdmin, Method::kGet, "/api/v1/hospitals");
    EXPECT_EQ(hospitals.status, 200) << hospitals.body.dump();
    for (const nlohmann::json& hospital : hospitals.body["hospitals"]) {
      if (hospital["name_en"] == name_en) return hospital["id"].get<std::int64_t>();
    }
    ADD_FAILURE() << "no hospital " << name_en;
    return 0;
  }

  static nlohmann::json Figure(const std::string& bed_class, int capacity, int free,
                               UnixMillis ago = 0) {
    return {{"bed_class", bed_class},
            {"capacity", capacity},
            {"free", free},
            {"method", "phone_call"},
            {"verified_at", FormatIso8601(NowMillis() - ago)},
            {"note", "called the duty desk"}};
  }

  static std::string UpdatesPath(std::int64_t hospital) {
    return "/api/v1/beds/hospitals/" + std::to_string(hospital) + "/updates";
  }
};

TEST_P(BedsApiTest, BadInputGets4xxNamingTheField) {
  const std::int64_t hospital = HospitalId("Huoshenshan Hospital");
  const std::string path = UpdatesPath(hospital);
  struct Case {
    const char* field;
    nlohmann::json value;
  };
  for (const Case& spoilt :
       {Case{"bed_class", nullptr}, Case{"bed_class", "corridor"}, Case{"capacity", "many"},
        Case{"capacity", -1}, Case{"free", 99}, Case{"method", "rumour"},
        Case{"verified_at", "this morning"}, Case{"verified_at", "2019-01-01T00:00:00Z"},
        Case{"verified_at", FormatIso8601(NowMillis() + kMillisPerDay)}}) {
    nlohmann::json body = Figure("icu", 20, 3);
    if (spoilt.value.is_null()) {
      body.erase(spoilt.field);
    } else {
      body[spoilt.field] = spoilt.value;
    }
    Reply reply = As(Role::kNurse, Method::kPost, path, body);
    EXPECT_EQ(reply.status, 400) << spoilt.field << " " << reply.body.dump();
    EXPECT_EQ(reply.body["error"]["field"], spoilt.field) << reply.body.dump();
    EXPECT_FALSE(reply.body["error"]["message"].get<std::string>().empty());
  }
  Reply above = As(Role::kNurse, Method::kPost, path, Figure("icu", 10, 11));
  // Signed-in callers read messages in their account's language (Chinese by default).
  EXPECT_EQ(above.body["error"]["message"], "空床数（11）不能多于床位总数（10）。");
  Reply chinese = As(Role::kNurse, Method::kPost, path, Figure("sofa", 10, 1), "zh-CN");
  EXPECT_NE(chinese.body["error"]["message"].get<std::string>().find("床位类别"), std::string::npos)
      << chinese.body.dump();

  Reply unknown =
      As(Role::kNurse, Method::kPost, UpdatesPath(hospital + 1000), Figure("icu", 9, 1));
  EXPECT_EQ(unknown.status, 404) << unknown.body.dump();
  EXPECT_EQ(As(Role::kNurse, Method::kGet,
               "/api/v1/beds/hospitals/" + std::to_string(hospital + 1000) + "/history")
                .status,
            404);

  for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
           {kPatientQuery, "severity"},
           {std::string("severity=grave&") + kPatientQuery, "severity"},
           {"severity=mild&lon=114.08", "lat"},
           {"severity=mild&lat=north&lon=114.08", "lat"},
           {"severity=mild&lat=30.5&lon=200", "lon"},
           {std::string("severity=mild&include_stale=maybe&") + kPatientQuery, "include_stale"}}) {
    Reply reply = As(Role::kDoctor, Method::kGet, "/api/v1/beds/recommendations?" + query);
    EXPECT_EQ(reply.status, 400) << query << " " << reply.body.dump();
    EXPECT_EQ(reply.body["error"]["field"], field) << query << " " << reply.body.dump();
  }
  Reply district = As(Role::kAngel, Method::kGet, "/api/v1/beds/board?district=999999");
  EXPECT_EQ(district.status, 400);
  EXPECT_EQ(district.body["error"]["field"], "district_code");
}

TEST_P(BedsApiTest, RolesDecideWhoRecordsAndWhoAsksForBeds) {
  const std::string path = UpdatesPath(HospitalId("Huoshenshan Hospital"));
  for (const Role role : {Role::kCoordinator, Role::kDoctor, Role::kNurse, Role::kAdmin}) {
    EXPECT_EQ(As(role, Method::kPost, path, Figure("icu", 20, 3)).status, 201) << RoleName(role);
  }
  for (const Role role : {Role::kAngel, Role::kCounsellor, Role::kPlanner, Role::kTracer}) {
    EXPECT_EQ(As(role, Method::kPost, path, Figure("icu", 20, 3)).status, 403) << RoleName(role);
  }
  const std::string recommend =
      std::string("/api/v1/beds/recommendations?severity=critical&") + kPatientQuery;
  for (const Role role :
       {Role::kCoordinator, Role::kDoctor, Role::kNurse, Role::kAngel, Role::kAdmin}) {
    EXPECT_EQ(As(role, Method::kGet, recommend).status, 200) << RoleName(role);
  }
  for (const Role role : {Role::kCounsellor, Role::kBloodStaff, Role::kCommunityWorker}) {
    EXPECT_EQ(As(role, Method::kGet, recommend).status, 403) << RoleName(role);
  }
  for (const Role role : AllRoles()) {
    EXPECT_EQ(As(role, Method::kGet, "/api/v1/beds/board").status, 200) << RoleName(role);
  }
  EXPECT_EQ(Request(Method::kGet, "/api/v1/beds/board").status, 401);
}

TEST_P(BedsApiTest, AVerifiedFigureReachesTheBoardTheHistoryAndTheRecommendations) {
  const std::int64_t huoshenshan = HospitalId("Huoshenshan Hospital");
  const std::int64_t leishenshan = HospitalId("Leishenshan Hospital");
  Reply old = As(Role::kNurse, Method::kPost, UpdatesPath(huoshenshan),
                 Figure("icu_ventilator", 30, 4, 2 * kMillisPerHour));
  ASSERT_EQ(old.status, 201) << old.body.dump();
  Reply created = As(Role::kNurse, Method::kPost, UpdatesPath(huoshenshan),
                     Figure("icu_ventilator", 30, 2, 10 * kMillisPerMinute));
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["free"], 2);
  EXPECT_EQ(created.body["method"], "phone_call");
  EXPECT_EQ(created.body["verified_by"], user_ids_[Role::kNurse]);
  EXPECT_EQ(created.body["verified_by_name"], "nurse");
  // Leishenshan's figure is older than the stale age (6 h by default).
  ASSERT_EQ(As(Role::kDoctor, Method::kPost, UpdatesPath(leishenshan),
               Figure("icu_ventilator", 40, 9, 7 * kMillisPerHour))
                .status,
            201);

  Reply board = As(Role::kAngel, Method::kGet, "/api/v1/beds/board");
  ASSERT_EQ(board.status, 200) << board.body.dump();
  EXPECT_EQ(board.body["stale_after_minutes"], 360);
  EXPECT_EQ(board.body["hospitals"].size(), 5u);
  for (const nlohmann::json& row : board.body["hospitals"]) {
    if (row["id"] == huoshenshan) {
      ASSERT_EQ(row["classes"].size(), 1u) << row.dump();
      EXPECT_EQ(row["classes"][0]["free"], 2);
      EXPECT_EQ(row["classes"][0]["freshness"], "fresh");
      EXPECT_EQ(row["classes"][0]["age_minutes"], 10);
      EXPECT_EQ(row["freshness"], "fresh");
    } else if (row["id"] == leishenshan) {
      EXPECT_EQ(row["freshness"], "stale");
    } else {
      EXPECT_TRUE(row["classes"].empty()) << row.dump();
      EXPECT_TRUE(row["freshness"].is_null()) << row.dump();
    }
  }
  Reply icu_only = As(Role::kAngel, Method::kGet, "/api/v1/beds/board?bed_class=general");
  ASSERT_EQ(icu_only.status, 200) << icu_only.body.dump();
  EXPECT_TRUE(icu_only.body["hospitals"].empty());

  Reply history = As(Role::kPlanner, Method::kGet,
                     "/api/v1/beds/hospitals/" + std::to_string(huoshenshan) + "/history");
  ASSERT_EQ(history.status, 200) << history.body.dump();
  ASSERT_EQ(history.body["updates"].size(), 2u);
  EXPECT_EQ(history.body["updates"][0]["free"], 2);
  EXPECT_EQ(history.body["updates"][1]["free"], 4);
  EXPECT_EQ(history.body["updates"][1]["note"], "called the duty desk");

  const std::string critical =
      std::string("/api/v1/beds/recommendations?severity=critical&") + kPatientQuery;
  Reply fresh = As(Role::kAngel, Method::kGet, critical);
  ASSERT_EQ(fresh.status, 200) << fresh.body.dump();
  EXPECT_EQ(fresh.body["classes"], nlohmann::json({"icu_ventilator", "icu"}));
  ASSERT_EQ(fresh.body["hospitals"].size(), 1u) << "the stale figure is left out";
  const nlohmann::json& first = fresh.body["hospitals"][0];
  EXPECT_EQ(first["id"], huoshenshan);
  EXPECT_EQ(first["bed"]["bed_class"], "icu_ventilator");
  EXPECT_LT(first["distance_km"].get<double>(), 2.0);
  ASSERT_EQ(first["reasons"].size(), 4u) << first.dump();
  EXPECT_EQ(first["reasons"][0]["text"], "病情需要带呼吸机的 ICU 床位");
  EXPECT_EQ(first["reasons"][1]["text"], "空床 2 / 30");
  EXPECT_EQ(first["reasons"][2]["text"], "10 分钟前核实（电话核实）");

  Reply with_stale = As(Role::kAngel, Method::kGet, critical + "&include_stale=true");
  ASSERT_EQ(with_stale.status, 200) << with_stale.body.dump();
  ASSERT_EQ(with_stale.body["hospitals"].size(), 2u);
  EXPECT_EQ(with_stale.body["hospitals"][1]["id"], leishenshan);
  EXPECT_EQ(with_stale.body["hospitals"][1]["bed"]["freshness"], "stale");

  Reply mild = As(Role::kAngel, Method::kGet,
                  std::string("/api/v1/beds/recommendations?severity=mild&") + kPatientQuery);
  ASSERT_EQ(mild.status, 200);
  EXPECT_TRUE(mild.body["hospitals"].empty()) << "no general beds were reported";
}

INSTANTIATE_TEST_SUITE_P(Backends, BedsApiTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
