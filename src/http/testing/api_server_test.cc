#include "http/testing/api_server_test.h"

#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

namespace lifeline::testing {

ApiServerTest::ApiServerTest() = default;
ApiServerTest::~ApiServerTest() = default;

ScenarioOptions ApiServerTest::TestCity() const {
  return ScenarioOptions{.seed = 3, .residents = 50, .volunteers = 10};
}

CompanionRunner ApiServerTest::TestCompanionRunner() const {
  return [](const CompanionJob&, const CompanionProgress&) -> Result<CompanionJobResult> {
    return Status::Internal("no companion runner in this test");
  };
}

void ApiServerTest::SetUp() {
  BackendTest::SetUp();
  if (HasFatalFailure()) return;
  accounts_ = std::make_unique<AccountService>(
      db(), AccountOptions{.password_cost = PasswordCost::kMinimumForTests,
                           .login_attempts_per_minute = 1000,
                           .login_burst = 1000});
  audit_ = std::make_unique<AuditLog>(db());
  city_ = std::make_unique<CityService>(db(), kTestDeploymentKey);
  clinic_ = std::make_unique<ClinicService>(db(), *accounts_, kTestDeploymentKey);
  beds_ = std::make_unique<BedsService>(db());
  ventilators_ = std::make_unique<VentilatorService>(db());
  exchange_ = std::make_unique<ExchangeService>(db(), kTestDeploymentKey);
  devices_ = std::make_unique<DevicesService>(db(), kTestDeploymentKey);
  tracing_ = std::make_unique<TracingService>(db(), kTestDeploymentKey);
  static std::atomic<int> folders = 0;
  companion_data_dir_ = ::testing::TempDir() + "/companion-data-" + std::to_string(getpid()) + "-" +
                        std::to_string(folders++);
  std::filesystem::remove_all(companion_data_dir_);
  Result<std::unique_ptr<CompanionRunService>> runs = CompanionRunService::Open(
      db(), kTestDeploymentKey, TestCompanionRunner(), {.data_dir = companion_data_dir_});
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  companion_runs_ = std::move(*runs);
  const Result<ScenarioCounts> seeded = city_->SeedScenario(TestCity());
  ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
  for (const Role role : AllRoles()) {
    const std::string name(RoleName(role));
    const Result<User> user =
        accounts_->CreateUserFromCommandLine({name, name, role, kTestPassword, ""});
    ASSERT_TRUE(user.ok()) << user.status().ToString();
    user_ids_[role] = user->id;
  }
  ServerOptions options;
  options.port = 0;
  options.router.public_requests_per_minute = 100000;
  options.router.public_burst = 100000;
  ConfigureServer(options);
  server_ = std::make_unique<HttpServer>(
      options,
      Services{db(), *accounts_, *audit_, *city_, *clinic_, *beds_, *ventilators_, *exchange_,
               *devices_, *tracing_, *companion_runs_},
      [this](Router& router) { AddTestRoutes(router); });
  ASSERT_TRUE(server_->Bind().ok());
  ASSERT_TRUE(companion_runs_->RecoverInterrupted().ok());
  thread_ = std::thread([this] { server_->Run(); });
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  for (const Role role : AllRoles()) tokens_[role] = Login(std::string(RoleName(role)));
}

void ApiServerTest::TearDown() {
  if (server_) server_->Stop();
  if (thread_.joinable()) thread_.join();
  companion_runs_.reset();
  if (!companion_data_dir_.empty()) std::filesystem::remove_all(companion_data_dir_);
}

std::string ApiServerTest::Login(const std::string& username) {
  const Reply reply =
      Request(Method::kPost, "/api/v1/auth/login",
              nlohmann::json{{"username", username}, {"password", kTestPassword}}.dump());
  EXPECT_EQ(reply.status, 200) << reply.body.dump();
  return reply.body.value("token", "");
}

Reply ApiServerTest::As(Role role, Method method, const std::string& path,
                        const nlohmann::json& body, const std::string& language) {
  return Request(method, path, body.is_null() ? "" : body.dump(), tokens_[role], language);
}

Reply ApiServerTest::Request(Method method, const std::string& path, const std::string& body,
                             const std::string& token, const std::string& language) {
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  if (!language.empty()) headers.emplace("Accept-Language", language);
  httplib::Result result = [&] {
    switch (method) {
      case Method::kPost:
        return client_->Post(path, headers, body, "application/json");
      case Method::kPatch:
        return client_->Patch(path, headers, body, "application/json");
      case Method::kDelete:
        return client_->Delete(path, headers, body, "application/json");
      case Method::kGet:
        break;
    }
    return client_->Get(path, headers);
  }();
  Reply reply;
  if (!result) {
    ADD_FAILURE() << "no response for " << MethodName(method) << " " << path;
    return reply;
  }
  reply.status = result->status;
  reply.request_id = result->get_header_value(kRequestIdHeader);
  reply.text = result->body;
  reply.content_type = result->get_header_value("Content-Type");
  reply.body = nlohmann::json::parse(result->body, nullptr, false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

}  // namespace lifeline::testing
