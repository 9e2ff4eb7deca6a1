#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/server.h"
#include "services/accounts/accounts.h"
#include "services/audit/audit_log.h"
#include "services/beds/beds_service.h"
#include "services/city/city_service.h"
#include "services/clinic/clinic_service.h"
#include "services/devices/devices_service.h"
#include "services/exchange/exchange_service.h"
#include "services/tracing/companion_runs.h"
#include "services/tracing/tracing_service.h"
#include "services/ventilators/ventilators.h"
#include "store/testing/test_database.h"

namespace httplib {
class Client;
}

namespace lifeline::testing {

// Every test account's password.
constexpr const char* kTestPassword = "test-password";
// The deployment key of the test server (pseudonyms, sealed phones).
constexpr const char* kTestDeploymentKey = "api-test-key-0123456789abcdef0123456789";

struct Reply {
  int status = 0;
  nlohmann::json body;  // discarded (null) when the answer is not JSON
  std::string request_id;
  std::string text;  // the body as sent
  std::string content_type;
};

// Base fixture of the HTTP tests: for the backend under test, a fresh database with a small
// seeded city, the services, one account per role (`user_ids_`) logged in (`tokens_`), and a real
// HttpServer on a free loopback port served from a thread. Subclasses adjust the server through
// ConfigureServer / AddTestRoutes and the city through TestCity.
class ApiServerTest : public BackendTest {
 protected:
  ApiServerTest();
  ~ApiServerTest() override;

  void SetUp() override;
  void TearDown() override;

  virtual void ConfigureServer(ServerOptions&) {}
  virtual void AddTestRoutes(Router&) {}
  virtual ScenarioOptions TestCity() const;
  // The engine behind companion runs; by default one that fails every run (tests of the runs
  // themselves give the real one, cli/companion_run_job.h).
  virtual CompanionRunner TestCompanionRunner() const;

  std::string Login(const std::string& username);
  // Any method, the body sent as given (malformed JSON included).
  Reply Request(Method method, const std::string& path, const std::string& body = "",
                const std::string& token = "", const std::string& language = "");
  // The same as the test user of `role`, with `body` as JSON (none when null).
  Reply As(Role role, Method method, const std::string& path, const nlohmann::json& body = nullptr,
           const std::string& language = "");

  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<CityService> city_;
  std::unique_ptr<ClinicService> clinic_;
  std::unique_ptr<BedsService> beds_;
  std::unique_ptr<VentilatorService> ventilators_;
  std::unique_ptr<ExchangeService> exchange_;
  std::unique_ptr<DevicesService> devices_;
  std::unique_ptr<TracingService> tracing_;
  std::string companion_data_dir_;  // a fresh folder per test
  std::unique_ptr<CompanionRunService> companion_runs_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
  std::map<Role, std::string> tokens_;
  std::map<Role, std::int64_t> user_ids_;
};

}  // namespace lifeline::testing
