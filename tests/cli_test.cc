// The `lifeline` command line as an operator meets it: help on every subcommand, creating the
// first admin from standard input, clear failures for bad input, a clean stop on SIGTERM, and a
// second server on a port in use failing before it touches the first one's companion runs.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "store/database.h"

namespace lifeline {
namespace {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `lifeline ARGS` through the shell with English messages, feeding `input` on stdin.
CommandResult RunLifeline(const std::string& args, const std::string& input = "") {
  const std::string input_file = ::testing::TempDir() + "/cli-input-" + std::to_string(getpid());
  std::ofstream(input_file) << input;
  const std::string command = "LIFELINE_LANG=en " + std::string(LIFELINE_BINARY) + " " + args +
                              " < " + input_file + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) result.output += buffer;
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::filesystem::remove(input_file);
  return result;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = ::testing::TempDir() + "/lifeline-cli-" + std::to_string(getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::string Db() const { return folder_ + "/lifeline.db"; }

  std::string folder_;
};

TEST_F(CliTest, EverySubcommandHasHelp) {
  for (const char* subcommand : {"", "serve", "demo", "migrate", "seed", "user add"}) {
    const CommandResult help = RunLifeline(std::string(subcommand) + " --help");
    EXPECT_EQ(help.exit_code, 0) << subcommand << "\n" << help.output;
    EXPECT_NE(help.output.find("Usage"), std::string::npos) << subcommand;
  }
  EXPECT_NE(RunLifeline("serve --help").output.find("--db"), std::string::npos);
  EXPECT_NE(RunLifeline("").exit_code, 0) << "a subcommand is required";
}

TEST_F(CliTest, CreatesTheFirstAdminFromStandardInput) {
  const CommandResult created =
      RunLifeline("user add --db " + Db() + " --username root --role admin --display-name Root",
                  "a long enough password\n");
  EXPECT_EQ(created.exit_code, 0) << created.output;
  EXPECT_NE(created.output.find("Created user root (role admin"), std::string::npos)
      << created.output;
  EXPECT_TRUE(std::filesystem::exists(Db() + ".key")) << "the deployment key sits beside the db";

  const CommandResult again =
      RunLifeline("user add --db " + Db() + " --username root --role admin", "another password\n");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("Username \"root\" is already taken."), std::string::npos)
      << again.output;

  const CommandResult short_password =
      RunLifeline("user add --db " + Db() + " --username nurse1 --role nurse", "short\n");
  EXPECT_EQ(short_password.exit_code, 1);
  EXPECT_NE(short_password.output.find("at least 8 characters"), std::string::npos);

  const CommandResult bad_role =
      RunLifeline("user add --db " + Db() + " --username x123 --role king", "long enough\n");
  EXPECT_EQ(bad_role.exit_code, 1);
  EXPECT_NE(bad_role.output.find("community_worker"), std::string::npos)
      << "the error lists the roles to choose from:\n"
      << bad_role.output;
}

TEST_F(CliTest, MigrateIsIdempotentAndSeedRefusesASecondScenario) {
  const CommandResult first = RunLifeline("migrate --db " + Db());
  EXPECT_EQ(first.exit_code, 0) << first.output;
  const CommandResult second = RunLifeline("migrate --db " + Db());
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_NE(second.output.find("(0 migrations applied now)"), std::string::npos) << second.output;

  const CommandResult seeded =
      RunLifeline("seed --db " + Db() + " --residents 30 --volunteers 5 --seed 7");
  EXPECT_EQ(seeded.exit_code, 0) << seeded.output;
  EXPECT_NE(seeded.output.find("13 districts"), std::string::npos) << seeded.output;
  EXPECT_NE(seeded.output.find("30 residents"), std::string::npos) << seeded.output;
  const CommandResult reseeded = RunLifeline("seed --db " + Db());
  EXPECT_EQ(reseeded.exit_code, 0);
  EXPECT_NE(reseeded.output.find("already holds a scenario"), std::string::npos);
}

TEST_F(CliTest, BadConfigFilesAndUnreachableDatabasesFailClearly) {
  const std::string config = folder_ + "/lifeline.conf";
  std::ofstream(config) << "# settings\nport = 8080\nprot = 9\n";
  const CommandResult typo = RunLifeline("serve --db " + Db() + " --config " + config);
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.output.find("Unknown config key prot"), std::string::npos) << typo.output;

  std::ofstream(config) << "port = eighty\n";
  const CommandResult not_number = RunLifeline("serve --db " + Db() + " --config " + config);
  EXPECT_EQ(not_number.exit_code, 2);
  EXPECT_NE(not_number.output.find("(line 1) must be an integer"), std::string::npos)
      << not_number.output;

  const CommandResult bad_limit =
      RunLifeline("serve --db " + Db() + " --port 0 --tier-limit intensive=10");
  EXPECT_EQ(bad_limit.exit_code, 1);
  EXPECT_NE(bad_limit.output.find("Time limit \"intensive=10\" is invalid"), std::string::npos)
      << bad_limit.output;
  std::ofstream(config) << "tier_limits = icu=10, ward=zero\n";
  const CommandResult bad_config_limit =
      RunLifeline("serve --db " + Db() + " --port 0 --config " + config);
  EXPECT_EQ(bad_config_limit.exit_code, 1);
  EXPECT_NE(bad_config_limit.output.find("\"ward=zero\""), std::string::npos)
      << bad_config_limit.output;

  // The tracing desk's rules live in the same file; a bad one names its line.
  std::ofstream(config) << "tracing_quarantine_days = 14\ntracing_test_days = 4, 1\n";
  const CommandResult bad_rule = RunLifeline("serve --db " + Db() + " --config " + config);
  EXPECT_EQ(bad_rule.exit_code, 2);
  EXPECT_NE(bad_rule.output.find("tracing_test_days (line 2)"), std::string::npos)
      << bad_rule.output;

  const CommandResult unreachable =
      RunLifeline("migrate --db postgresql://nobody@127.0.0.1:1/none --key-file " + folder_ + "/k");
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_NE(unreachable.output.find("Error:"), std::string::npos) << unreachable.output;
}

// `lifeline serve` on the database in the background, on a port of its choosing, writing to
// `log`; returns once it serves (the banner names the URL), with its pid and what it printed.
struct BackgroundServer {
  pid_t pid = -1;
  std::string printed;
};

BackgroundServer ServeInBackground(const std::string& db, const std::string& log) {
  BackgroundServer server;
  server.pid = fork();
  if (server.pid == 0) {
    (void)freopen(log.c_str(), "w", stdout);
    (void)freopen(log.c_str(), "a", stderr);
    setenv("LIFELINE_LANG", "en", 1);
    execl(LIFELINE_BINARY, LIFELINE_BINARY, "serve", "--db", db.c_str(), "--port", "0", nullptr);
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (server.printed.find("serving at http://") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(log);
    server.printed.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return server;
}

TEST_F(CliTest, ServerStopsCleanlyOnSigterm) {
  const std::string log = folder_ + "/server.log";
  BackgroundServer server = ServeInBackground(Db(), log);
  ASSERT_NE(server.printed.find("serving at http://"), std::string::npos) << server.printed;
  kill(server.pid, SIGTERM);
  int status = 0;
  waitpid(server.pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream in(log);
  std::string printed(std::istreambuf_iterator<char>(in), {});
  EXPECT_NE(printed.find("Stopped."), std::string::npos) << printed;
}

TEST_F(CliTest, ASecondServerOnATakenPortFailsAndLeavesTheFirstOnesRunsAlone) {
  BackgroundServer first = ServeInBackground(Db(), folder_ + "/first.log");
  std::smatch url;
  ASSERT_TRUE(std::regex_search(first.printed, url, std::regex(R"(http://[0-9.]+:([0-9]+)/)")))
      << first.printed;
  const std::string port = url[1];
  // A companion run the first server is running.
  Result<std::unique_ptr<Database>> database = OpenDatabase(Db(), 1);
  ASSERT_TRUE(database.ok()) << database.status().ToString();
  const auto run_status = [&] {
    const Result<QueryResult> found =
        (*database)->Query("SELECT status FROM tracing_companion_runs WHERE id = 1");
    return found.ok() && found->rows.size() == 1 ? found->rows[0].Text(0) : std::string();
  };
  const Status inserted =
      (*database)->Transaction(TransactionMode::kWrite, [](Connection& connection) {
        return connection
            .Execute(
                "INSERT INTO tracing_companion_runs (id, created_by, created_by_name, "
                "created_by_role, locale, created_at, status, stage, case_ids, gap_s) VALUES (1, "
                "1, 'tracer', 'tracer', 'en', 0, 'running', 'loading', '1', 3600)")
            .status();
      });
  ASSERT_TRUE(inserted.ok()) << inserted.ToString();

  const CommandResult second = RunLifeline("serve --db " + Db() + " --port " + port);
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_NE(second.output.find("is the port already in use?"), std::string::npos) << second.output;
  EXPECT_EQ(run_status(), "running");

  kill(first.pid, SIGTERM);
  int status = 0;
  waitpid(first.pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace lifeline
