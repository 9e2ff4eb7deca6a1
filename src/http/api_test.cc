// The HTTP face end to end, in-process, on both store backends: role checks on every endpoint,
// error bodies, limits, request ids, languages and audit of account reads.

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "http/testing/api_server_test.h"

namespace lifeline {
namespace {

using testing::kTestPassword;
using testing::Reply;

constexpr std::size_t kTestBodyLimit = 4096;

class ApiTest : public testing::ApiServerTest {
 protected:
  void ConfigureServer(ServerOptions& options) override { options.max_body_bytes = kTestBodyLimit; }

  void AddTestRoutes(Router& router) override {
    router.Add(
        Method::kGet, "/api/v1/test/throw", Access::AnyRole(),
        [](const ApiRequest&) -> Result<ApiResponse> { throw std::runtime_error("handler bug"); });
  }

  Reply Send(Method method, const std::string& path, const std::string& body = "",
             const std::string& token = "", const std::string& language = "") {
    return Request(method, path, body, token, language);
  }
};

TEST_P(ApiTest, EveryProtectedEndpointAsksForATokenAndChecksTheRole) {
  // Paths name an account nobody is logged in as, so revoking its sessions harms no caller.
  auto target =
      accounts_->CreateUserFromCommandLine({"target", "T", Role::kAngel, kTestPassword, ""});
  ASSERT_TRUE(target.ok());
  int protected_routes = 0;
  for (const RouteSpec& route : server_->router().routes()) {
    if (route.access.is_public()) continue;
    ++protected_routes;
    const std::string path = route.ExamplePath(std::to_string(target->id));
    SCOPED_TRACE(std::string(MethodName(route.method)) + " " + path);
    Reply anonymous = Send(route.method, path, "{}");
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_EQ(anonymous.body["error"]["code"], "unauthenticated");
    Reply forged = Send(route.method, path, "{}", std::string(64, 'a'));
    EXPECT_EQ(forged.status, 401);
    for (const Role role : AllRoles()) {
      Reply reply = Send(route.method, path, "{}", tokens_[role]);
      if (route.access.Allows(role)) {
        EXPECT_NE(reply.status, 401) << RoleName(role);
        EXPECT_NE(reply.status, 403) << RoleName(role);
        // Logging out ends the token the loop uses; take a fresh one.
        if (path == "/api/v1/auth/logout") tokens_[role] = Login(std::string(RoleName(role)));
      } else {
        EXPECT_EQ(reply.status, 403) << RoleName(role);
        EXPECT_EQ(reply.body["error"]["code"], "permission_denied");
      }
    }
  }
  EXPECT_GT(protected_routes, 10);
}

TEST_P(ApiTest, CompanionRunsAndTheirDataAreForTracersAndAdminsOnly) {
  int companion_routes = 0;
  for (const RouteSpec& route : server_->router().routes()) {
    if (!route.pattern.starts_with("/api/v1/tracing/companion-")) continue;
    ++companion_routes;
    SCOPED_TRACE(route.pattern);
    EXPECT_EQ(route.access.Describe(), "tracer, admin");
  }
  EXPECT_EQ(companion_routes, 6) << "runs: start, list, one, findings; data: list, upload";
}

TEST_P(ApiTest, BadBodiesGetA400NamingTheField) {
  const std::string& admin = tokens_[Role::kAdmin];
  Reply malformed = Send(Method::kPost, "/api/v1/users", "{\"username\": ", admin);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.body["error"]["code"], "invalid_argument");
  Reply not_object = Send(Method::kPost, "/api/v1/users", "[1,2]", admin);
  EXPECT_EQ(not_object.status, 400);
  Reply missing = Send(Method::kPost, "/api/v1/users", R"({"username":"x1234"})", admin);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body["error"]["field"], "display_name");
  EXPECT_EQ(missing.body["error"]["message"], "缺少必填字段“显示名称”。")
      << "the message names the field in the caller's words";
  Reply wrong_type = Send(
      Method::kPost, "/api/v1/users",
      R"({"username":"x1234","display_name":5,"role":"nurse","password":"long enough"})", admin);
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(wrong_type.body["error"]["field"], "display_name");
  Reply bad_role = Send(
      Method::kPost, "/api/v1/users",
      R"({"username":"x1234","display_name":"X","role":"king","password":"long enough"})", admin);
  EXPECT_EQ(bad_role.status, 400);
  EXPECT_EQ(bad_role.body["error"]["field"], "role");
  Reply bad_id = Send(Method::kGet, "/api/v1/users/99999", "", admin);
  EXPECT_EQ(bad_id.status, 404);
  Reply bad_query = Send(Method::kGet, "/api/v1/audit?limit=abc", "", admin);
  EXPECT_EQ(bad_query.status, 400);
  EXPECT_EQ(bad_query.body["error"]["field"], "limit");
}

TEST_P(ApiTest, OversizedBodiesAndUnknownRoutesGetJsonErrorsAndTheServerKeepsServing) {
  Reply oversized = Send(Method::kPost, "/api/v1/users", std::string(kTestBodyLimit * 2, 'x'),
                         tokens_[Role::kAdmin]);
  EXPECT_EQ(oversized.status, 413);
  EXPECT_EQ(oversized.body["error"]["code"], "payload_too_large");
  Reply unknown = Send(Method::kGet, "/api/v1/no/such/thing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body["error"]["code"], "not_found");
  EXPECT_FALSE(unknown.request_id.empty());
  Reply health = Send(Method::kGet, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body["status"], "ok");
}

TEST_P(ApiTest, AnExceptionInAHandlerIsA500WithTheRequestId) {
  Reply crashed = Send(Method::kGet, "/api/v1/test/throw", "", tokens_[Role::kNurse], "en");
  EXPECT_EQ(crashed.status, 500);
  ASSERT_FALSE(crashed.request_id.empty());
  const std::string message = crashed.body["error"]["message"];
  EXPECT_NE(message.find(crashed.request_id), std::string::npos) << message;
  EXPECT_EQ(message.find("handler bug"), std::string::npos) << "internals must not leak";
  EXPECT_EQ(Send(Method::kGet, "/healthz").status, 200);
}

TEST_P(ApiTest, MessagesFollowTheCallersLanguage) {
  Reply chinese = Send(Method::kGet, "/api/v1/users");
  EXPECT_EQ(chinese.body["error"]["message"], "请先登录。");
  Reply english = Send(Method::kGet, "/api/v1/users", "", "", "en-GB,en;q=0.8");
  EXPECT_EQ(english.body["error"]["message"], "Please log in.");
  const std::string& nurse = tokens_[Role::kNurse];
  EXPECT_EQ(Send(Method::kPatch, "/api/v1/me", R"({"locale":"en"})", nurse).status, 200);
  Reply forbidden = Send(Method::kGet, "/api/v1/users", "", nurse, "zh-CN");
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.body["error"]["message"], "Your role (nurse) may not do this.");
  Reply districts = Send(Method::kGet, "/api/v1/public/districts");
  ASSERT_EQ(districts.status, 200);
  ASSERT_EQ(districts.body["districts"].size(), 13u);
  EXPECT_EQ(districts.body["districts"][0].size(), 3u) << "codes and names only";
  Reply catalogue = Send(Method::kGet, "/api/v1/i18n/en");
  EXPECT_EQ(catalogue.body["messages"]["app.name"], "Lifeline");
  EXPECT_EQ(Send(Method::kGet, "/api/v1/i18n/fr").status, 400);
}

TEST_P(ApiTest, AccountReadsAreAuditedWithTheRequestId) {
  const std::int64_t nurse_id = user_ids_[Role::kNurse];
  Reply read =
      Send(Method::kGet, "/api/v1/users/" + std::to_string(nurse_id), "", tokens_[Role::kAdmin]);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body["username"], "nurse");
  Reply audit = Send(Method::kGet,
                     "/api/v1/audit?entity=user&entity_id=" + std::to_string(nurse_id) + "&limit=5",
                     "", tokens_[Role::kAdmin]);
  ASSERT_EQ(audit.status, 200);
  ASSERT_FALSE(audit.body["entries"].empty());
  const nlohmann::json& newest = audit.body["entries"][0];
  EXPECT_EQ(newest["action"], "read");
  EXPECT_EQ(newest["actor_username"], "admin");
  EXPECT_EQ(newest["request_id"], read.request_id);
}

TEST_P(ApiTest, LogoutAndDisablingEndAccess) {
  const std::string token = Login("tracer");
  EXPECT_EQ(Send(Method::kGet, "/api/v1/me", "", token).status, 200);
  EXPECT_EQ(Send(Method::kPost, "/api/v1/auth/logout", "", token).status, 204);
  EXPECT_EQ(Send(Method::kGet, "/api/v1/me", "", token).status, 401);
  const std::string planner = tokens_[Role::kPlanner];
  Reply disabled =
      Send(Method::kPatch, "/api/v1/users/" + std::to_string(user_ids_[Role::kPlanner]),
           R"({"disabled":true})", tokens_[Role::kAdmin]);
  EXPECT_EQ(disabled.status, 200);
  EXPECT_EQ(disabled.body["disabled"], true);
  EXPECT_EQ(Send(Method::kGet, "/api/v1/me", "", planner).status, 401);
  Reply wrong = Send(Method::kPost, "/api/v1/auth/login",
                     R"({"username":"planner","password":"test-password"})");
  EXPECT_EQ(wrong.status, 401);
}

TEST_P(ApiTest, ServesTheWebUi) {
  auto index = client_->Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->get_header_value("Content-Type").find("text/html"), std::string::npos);
  auto traversal = client_->Get("/../CMakeLists.txt");
  ASSERT_TRUE(traversal);
  EXPECT_EQ(traversal->status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
