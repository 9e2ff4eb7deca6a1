// An acknowledged write survives kill -9: a real `lifeline serve` process takes concurrent
// writes, is killed with SIGKILL mid-stream, restarted on the same database, and every write it
// acknowledged must be there. Runs on SQLite and on PostgreSQL.

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "services/accounts/accounts.h"
#include "services/city/city_service.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Backend;
using testing::ScratchDatabase;

constexpr const char* kAdminPassword = "durable-admin";
constexpr int kWriterThreads = 4;
constexpr int kWritesBeforeKill = 300;
constexpr auto kStartTimeout = std::chrono::seconds(30);

// A `lifeline serve` child process on a free port, its stdout read for the URL it prints.
class ServerProcess {
 public:
  ServerProcess(const std::string& db_url, const std::string& key_file) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      execl(LIFELINE_BINARY, LIFELINE_BINARY, "serve", "--db", db_url.c_str(), "--key-file",
            key_file.c_str(), "--port", "0", "--public-rate", "100000", nullptr);
      _exit(127);
    }
    close(out[1]);
    std::string printed;
    char buffer[256];
    const std::regex url_pattern(R"(http://127\.0\.0\.1:(\d+)/)");
    std::smatch match;
    ssize_t n = 0;
    while (!std::regex_search(printed, match, url_pattern) &&
           (n = read(out[0], buffer, sizeof buffer)) > 0) {
      printed.append(buffer, static_cast<std::size_t>(n));
    }
    close(out[0]);
    if (std::regex_search(printed, match, url_pattern)) port_ = std::stoi(match[1].str());
  }

  ~ServerProcess() { Kill(SIGKILL); }

  int port() const { return port_; }

  void Kill(int signal_number) {
    if (pid_ <= 0) return;
    kill(pid_, signal_number);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string LoginAdmin(httplib::Client& client) {
  auto reply =
      client.Post("/api/v1/auth/login",
                  nlohmann::json{{"username", "admin"}, {"password", kAdminPassword}}.dump(),
                  "application/json");
  if (!reply || reply->status != 200) return "";
  return nlohmann::json::parse(reply->body)["token"];
}

class DurabilityTest : public ::testing::TestWithParam<Backend> {};

TEST_P(DurabilityTest, EveryAcknowledgedWriteSurvivesSigkill) {
  auto scratch = ScratchDatabase::Create(GetParam());
  ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();
  const std::string key_file = ::testing::TempDir() + "/durability-" + std::to_string(getpid()) +
                               "-" + testing::BackendName(GetParam()) + ".key";
  {
    const std::string key(64, 'k');
    CityService city((*scratch)->db(), key);
    ScenarioOptions scenario;
    scenario.residents = 20;
    scenario.volunteers = 5;
    ASSERT_TRUE(city.SeedScenario(scenario).ok());
    AccountService accounts((*scratch)->db(), AccountOptions{});
    ASSERT_TRUE(
        accounts.CreateUserFromCommandLine({"admin", "Admin", Role::kAdmin, kAdminPassword, ""})
            .ok());
  }
  (*scratch)->Close();

  std::vector<std::int64_t> acknowledged;
  std::mutex acknowledged_mutex;
  {
    ServerProcess server((*scratch)->url(), key_file);
    ASSERT_GT(server.port(), 0) << "server did not print its URL";
    httplib::Client login_client("127.0.0.1", server.port());
    const std::string token = LoginAdmin(login_client);
    ASSERT_FALSE(token.empty());

    std::atomic<int> attempted{0};
    std::atomic<bool> killed{false};
    std::vector<std::thread> writers;
    for (int thread_index = 0; thread_index < kWriterThreads; ++thread_index) {
      writers.emplace_back([&, thread_index] {
        httplib::Client client("127.0.0.1", server.port());
        client.set_connection_timeout(std::chrono::seconds(2));
        client.set_read_timeout(std::chrono::seconds(5));
        const httplib::Headers headers = {{"Authorization", "Bearer " + token}};
        for (int n = 0; !killed; ++n) {
          attempted++;
          const nlohmann::json hospital = {
              {"name_zh", "耐久测试医院 " + std::to_string(thread_index) + "-" + std::to_string(n)},
              {"name_en", "Durability " + std::to_string(thread_index) + "-" + std::to_string(n)},
              {"district_code", "420106"},
              {"kind", "general"},
              {"beds", n},
              {"lat", 30.55},
              {"lon", 114.31}};
          auto reply =
              client.Post("/api/v1/hospitals", headers, hospital.dump(), "application/json");
          if (!reply) continue;  // the server died under us: this write was never acknowledged
          if (reply->status == 201) {
            std::lock_guard lock(acknowledged_mutex);
            acknowledged.push_back(nlohmann::json::parse(reply->body)["id"]);
          }
        }
      });
    }
    while (attempted < kWritesBeforeKill) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    server.Kill(SIGKILL);
    killed = true;
    for (std::thread& writer : writers) writer.join();
  }
  ASSERT_GE(acknowledged.size(), static_cast<std::size_t>(kWritesBeforeKill / 2));

  ServerProcess restarted((*scratch)->url(), key_file);
  ASSERT_GT(restarted.port(), 0) << "server did not restart";
  httplib::Client client("127.0.0.1", restarted.port());
  const std::string token = LoginAdmin(client);
  ASSERT_FALSE(token.empty());
  auto listed = client.Get("/api/v1/hospitals", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200);
  std::set<std::int64_t> present;
  const nlohmann::json listing = nlohmann::json::parse(listed->body);
  for (const auto& hospital : listing["hospitals"]) {
    present.insert(hospital["id"].get<std::int64_t>());
  }
  std::size_t lost = 0;
  for (const std::int64_t id : acknowledged) lost += present.count(id) == 0;
  EXPECT_EQ(lost, 0u) << "of " << acknowledged.size() << " acknowledged writes";
  unlink(key_file.c_str());
}

INSTANTIATE_TEST_SUITE_P(Backends, DurabilityTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
