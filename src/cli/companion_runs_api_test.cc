// Companion runs over HTTP with the real runner, in-process, on both store backends: a tracer
// uploads tiny cell-tower files, starts a run for two cases, follows it to the end, reads what it
// found with its evidence, and the companions' health codes turn yellow.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/companion_run_job.h"
#include "companions_small_city.h"
#include "http/testing/api_server_test.h"

namespace lifeline {
namespace {

using testing::Reply;

using testing::kCells;  // the small city of tests/companions_small_city.h
using testing::kRecords;

constexpr const char* kConfirmed = "2021-12-20T08:00:00Z";
constexpr const char* kRuns = "/api/v1/tracing/companion-runs";

class CompanionRunsApiTest : public testing::ApiServerTest {
 protected:
  ScenarioOptions TestCity() const override {
    return {.seed = 3, .residents = 10, .volunteers = 0};
  }
  CompanionRunner TestCompanionRunner() const override { return MakeCompanionRunner(2); }

  // The tracer reads English; the admin keeps Chinese, every account's default.
  void SetUp() override {
    ApiServerTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_EQ(As(Role::kTracer, Method::kPatch, "/api/v1/me", {{"locale", "en"}}).status, 200);
  }

  static std::string RunPath(std::int64_t id, const char* suffix = "") {
    std::string path = kRuns;
    path += '/';
    path += std::to_string(id);
    path += suffix;
    return path;
  }

  std::int64_t Person(const nlohmann::json& person) {
    const Reply reply = As(Role::kTracer, Method::kPost, "/api/v1/tracing/people", person);
    EXPECT_EQ(reply.status, 201) << reply.body.dump();
    return reply.body.value("id", std::int64_t{0});
  }

  Reply Upload(const std::string& name, const std::string& text) {
    return Request(Method::kPost, "/api/v1/tracing/companion-data/" + name, text,
                   tokens_[Role::kTracer]);
  }

  // Polls the run until it is done or failed.
  nlohmann::json AwaitEnd(std::int64_t id) {
    for (int attempt = 0; attempt < 1000; ++attempt) {
      const Reply reply = As(Role::kTracer, Method::kGet, RunPath(id));
      EXPECT_EQ(reply.status, 200) << reply.body.dump();
      const std::string status = reply.body.value("status", "");
      if (status == "done" || status == "failed") return reply.body;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "run " << id << " did not end";
    return nullptr;
  }

  std::string Colour(std::int64_t person) {
    const Reply code = As(Role::kTracer, Method::kGet,
                          "/api/v1/tracing/people/" + std::to_string(person) + "/code");
    EXPECT_EQ(code.status, 200) << code.body.dump();
    return code.body.value("colour", "") + "/" + code.body.value("reason", "");
  }
};

TEST_P(CompanionRunsApiTest, AnUploadedCityRunsToTheEndAndItsCompanionsTurnYellow) {
  const Reply cells = Upload("cells.csv", kCells);
  ASSERT_EQ(cells.status, 201) << cells.body.dump();
  EXPECT_EQ(cells.body["name"], "cells.csv");
  EXPECT_EQ(cells.body["bytes"], std::string(kCells).size());
  ASSERT_EQ(Upload("records.csv", kRecords).status, 201);
  const Reply again = Upload("records.csv", kRecords);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["error"]["message"],
            "The companion data folder already has a file records.csv; files are never "
            "replaced, so choose another name.");
  const Reply files = As(Role::kAdmin, Method::kGet, "/api/v1/tracing/companion-data");
  ASSERT_EQ(files.status, 200);
  ASSERT_EQ(files.body["files"].size(), 2u);
  EXPECT_EQ(files.body["files"][1]["name"], "records.csv");
  EXPECT_EQ(files.body["max_upload_bytes"], 1 << 20);

  const std::int64_t first = Person({{"name", "First case"},
                                     {"phone", "138 0000 0001"},
                                     {"status", "confirmed"},
                                     {"confirmed_at", kConfirmed}});
  const std::int64_t second = Person({{"name", "Second case"},
                                      {"phone", "13600000004"},
                                      {"status", "asymptomatic"},
                                      {"asymptomatic_at", kConfirmed}});
  const std::int64_t neighbour = Person({{"name", "Neighbour"}, {"phone", "135-0000-0006"}});
  EXPECT_EQ(Colour(neighbour), "green/none");

  const Reply started =
      As(Role::kTracer, Method::kPost, kRuns,
         {{"cells", "cells.csv"}, {"records", "records.csv"}, {"case_ids", {first, second}}});
  ASSERT_EQ(started.status, 202) << started.body.dump();
  EXPECT_EQ(started.body["status"], "queued");
  EXPECT_EQ(started.body["case_ids"], nlohmann::json::array({first, second}));
  EXPECT_EQ(started.body["gap_s"], 3600);
  const std::int64_t id = started.body["id"];

  const nlohmann::json run = AwaitEnd(id);
  ASSERT_EQ(run["status"], "done") << run.dump();
  EXPECT_EQ(run["stage"], "done");
  EXPECT_EQ(run["percent"], 100);
  EXPECT_EQ(run["companions"], 2);
  EXPECT_EQ(run["people_added"], 1);  // 13900000002; 13500000006 is the neighbour
  EXPECT_EQ(run["exposures_added"], 2);
  EXPECT_EQ(run["rows_read"], 19);
  EXPECT_EQ(run["bad_rows"], 3);
  EXPECT_EQ(run["error"], nullptr);
  EXPECT_FALSE(run["started_at"].is_null());
  EXPECT_FALSE(run["finished_at"].is_null());
  // What the engine said of the data, in the starter's language.
  const std::string log = run["log"];
  EXPECT_EQ(log.rfind("records.csv:18: unknown tower \"T9\"; skipped\n", 0), 0u) << log;
  EXPECT_NE(log.find("Read 4 towers and 16 of 19 records (3 bad rows)"), std::string::npos) << log;

  const Reply found = As(Role::kTracer, Method::kGet, RunPath(id, "/findings"));
  ASSERT_EQ(found.status, 200) << found.body.dump();
  ASSERT_EQ(found.body["total"], 2);
  const nlohmann::json& by_neighbour = found.body["findings"][0];  // case 13600000004 first
  EXPECT_EQ(by_neighbour["case_id"], second);
  EXPECT_EQ(by_neighbour["companion_id"], neighbour);
  EXPECT_EQ(by_neighbour["companion_added"], false);
  EXPECT_EQ(by_neighbour["co_stays"], 1);
  EXPECT_EQ(by_neighbour["start_at"], "2021-12-19T12:00:00Z");
  EXPECT_EQ(by_neighbour["end_at"], "2021-12-19T13:00:00Z");
  const nlohmann::json& companion = found.body["findings"][1];
  EXPECT_EQ(companion["case_id"], first);
  EXPECT_EQ(companion["companion_added"], true);
  EXPECT_EQ(companion["exposure_added"], true);
  EXPECT_EQ(companion["co_stays"], 2);
  EXPECT_EQ(companion["longest_overlap_s"], 2400);
  EXPECT_EQ(companion["first_overlap_start"], "2021-12-19T22:00:00Z");
  EXPECT_EQ(companion["start_at"], "2021-12-19T22:00:00Z");
  EXPECT_EQ(companion["end_at"], "2021-12-19T22:30:00Z");
  // `companions explain` in the starter's language, the numbers masked.
  EXPECT_EQ(companion["evidence"],
            "Case 138****0001, confirmed 2021-12-20T08:00:00Z (1639987200); number 139****0002; "
            "window 2021-12-06T08:00:00Z (1638777600) to 2021-12-20T08:00:00Z (1639987200).\n"
            "2 qualifying co-stays (overlap more than 600 s):\n"
            "  cell (0, 0): case 2021-12-18T16:00:00Z to 2021-12-20T07:00:00Z "
            "(1639843200-1639983600); companion 2021-12-19T22:00:00Z to 2021-12-19T22:30:00Z "
            "(1639951200-1639953000); overlap 2021-12-19T22:00:00Z to 2021-12-19T22:30:00Z, "
            "1800 s\n"
            "  cell (0, 0): case 2021-12-18T16:00:00Z to 2021-12-20T07:00:00Z "
            "(1639843200-1639983600); companion 2021-12-20T05:00:00Z to 2021-12-20T05:40:00Z "
            "(1639976400-1639978800); overlap 2021-12-20T05:00:00Z to 2021-12-20T05:40:00Z, "
            "2400 s\n"
            "Dwell per cell in the window (one must exceed 108000 s):\n"
            "  cell (0, 0): case 140400 s (39.00 h), companion 4800 s (1.33 h)\n");

  // The new person is on record with the number, named by its masked digits; both companions'
  // codes are yellow now.
  const std::int64_t added = companion["companion_id"];
  const Reply person =
      As(Role::kTracer, Method::kGet, "/api/v1/tracing/people/" + std::to_string(added));
  ASSERT_EQ(person.status, 200);
  EXPECT_EQ(person.body["name"], "139****0002");
  EXPECT_EQ(person.body["phone"], "13900000002");
  EXPECT_EQ(person.body["status"], "untested");
  EXPECT_EQ(Colour(added), "yellow/companion_awaiting_tests");
  EXPECT_EQ(Colour(neighbour), "yellow/companion_awaiting_tests");

  // Run again: nothing new.
  const Reply rerun = As(Role::kTracer, Method::kPost, kRuns,
                         {{"cells", "cells.csv"},
                          {"records", "records.csv"},
                          {"case_ids", {second, first}},
                          {"gap_s", 3600}});
  ASSERT_EQ(rerun.status, 202) << rerun.body.dump();
  const nlohmann::json second_run = AwaitEnd(rerun.body["id"]);
  EXPECT_EQ(second_run["status"], "done");
  EXPECT_EQ(second_run["companions"], 2);
  EXPECT_EQ(second_run["people_added"], 0);
  EXPECT_EQ(second_run["exposures_added"], 0);

  const Reply listed = As(Role::kTracer, Method::kGet, std::string(kRuns) + "?limit=1");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body["runs"].size(), 1u);
  EXPECT_EQ(listed.body["runs"][0]["id"], rerun.body["id"]);

  // The lists' limits: runs 1-500, findings 1-1000 from an offset of 0 or more.
  const std::string findings = std::string(kRuns) + "/" + rerun.body["id"].dump() + "/findings";
  for (const std::string& path :
       {std::string(kRuns) + "?limit=0", std::string(kRuns) + "?limit=501", findings + "?limit=0",
        findings + "?limit=1001", findings + "?offset=-1"}) {
    const Reply bad = As(Role::kTracer, Method::kGet, path);
    EXPECT_EQ(bad.status, 400) << path;
    EXPECT_EQ(bad.body["error"]["field"], path.ends_with("offset=-1") ? "offset" : "limit") << path;
  }
  EXPECT_EQ(As(Role::kTracer, Method::kGet, std::string(kRuns) + "?limit=500").status, 200);
  const Reply last = As(Role::kTracer, Method::kGet, findings + "?offset=1&limit=1000");
  ASSERT_EQ(last.status, 200);
  EXPECT_EQ(last.body["findings"].size(), 1u);
  EXPECT_EQ(last.body["total"], 2);
}

TEST_P(CompanionRunsApiTest, BadRunsAreRefusedWithWhatToFixAndUnreadableDataFailsTheRun) {
  const std::int64_t confirmed = Person({{"name", "Case"},
                                         {"phone", "13800000001"},
                                         {"status", "confirmed"},
                                         {"confirmed_at", kConfirmed}});
  ASSERT_EQ(Upload("cells.csv", kCells).status, 201);
  ASSERT_EQ(Upload("broken.csv", "phone,tower,time\n1,T1,1\n").status, 201);

  const Reply outside =
      As(Role::kTracer, Method::kPost, kRuns,
         {{"cells", "../cells.csv"}, {"records", "records.csv"}, {"case_ids", {confirmed}}});
  EXPECT_EQ(outside.status, 400);
  EXPECT_EQ(outside.body["error"]["field"], "cells");
  EXPECT_EQ(outside.body["error"]["message"],
            "cells: give the name of a file in the companion data folder (a relative path, not "
            "starting with \"/\", without \"..\", not a symlink leading out of the folder); got "
            "\"../cells.csv\".");
  const Reply missing =
      As(Role::kAdmin, Method::kPost, kRuns,
         {{"cells", "cells.csv"}, {"records", "records.csv"}, {"case_ids", {confirmed}}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body["error"]["field"], "records");
  EXPECT_EQ(missing.body["error"]["message"],
            "记录文件：伴随数据文件夹中没有文件“records.csv”。请先上传，或请服务器管理员把它放进该"
            "文件夹。");
  const Reply no_cases =
      As(Role::kTracer, Method::kPost, kRuns, {{"cells", "cells.csv"}, {"records", "broken.csv"}});
  EXPECT_EQ(no_cases.status, 400);
  EXPECT_EQ(no_cases.body["error"]["field"], "case_ids");
  const Reply bad_ids =
      As(Role::kTracer, Method::kPost, kRuns,
         {{"cells", "cells.csv"}, {"records", "broken.csv"}, {"case_ids", {"one"}}});
  EXPECT_EQ(bad_ids.status, 400);
  EXPECT_EQ(bad_ids.body["error"]["field"], "case_ids");
  const Reply unknown =
      As(Role::kTracer, Method::kPost, kRuns,
         {{"cells", "cells.csv"}, {"records", "broken.csv"}, {"case_ids", {confirmed + 1000}}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(As(Role::kTracer, Method::kGet, std::string(kRuns) + "/99999").status, 404);
  const Reply bad_name = Upload(".profile", "x\n");
  EXPECT_EQ(bad_name.status, 400);
  EXPECT_EQ(bad_name.body["error"]["field"], "name");

  // The records file lacks a column: the run fails, saying so in the reader's language.
  const Reply started =
      As(Role::kTracer, Method::kPost, kRuns,
         {{"cells", "cells.csv"}, {"records", "broken.csv"}, {"case_ids", {confirmed}}});
  ASSERT_EQ(started.status, 202) << started.body.dump();
  const nlohmann::json run = AwaitEnd(started.body["id"]);
  EXPECT_EQ(run["status"], "failed");
  EXPECT_EQ(run["stage"], "loading");
  EXPECT_EQ(run["error"],
            "The cell-tower data cannot be read: broken.csv: the header has no column "
            "\"cell_id\".");
}

INSTANTIATE_TEST_SUITE_P(Backends, CompanionRunsApiTest,
                         ::testing::ValuesIn(lifeline::testing::TestBackends()),
                         lifeline::testing::BackendParamName());

}  // namespace
}  // namespace lifeline
