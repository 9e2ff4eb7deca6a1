// Companion runs on both store backends, with a runner the test controls: the checks before a
// run is queued, the import of findings as people and companion exposures (numbers hashed and
// sealed, evidence without numbers in the clear, no duplicates on a second run), progress, failed
// runs, runs interrupted by a restart or stopped by a shutdown, uploads, the role check and the
// audit.

#include "services/tracing/companion_runs.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/time.h"
#include "services/tracing/tracing_service.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Count;
using testing::TestBackends;

constexpr char kKey[] = "companion-runs-test-key-0123456789abcdef012";
// The case's confirmation: 2021-12-20T08:00:00Z.
constexpr UnixMillis kConfirmed = 1639987200000;

Actor Tracer() { return Actor{77, "tracer", Role::kTracer, "req-runs"}; }

// A gate a runner waits at until the test opens it.
class Gate {
 public:
  void Open() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

// What the engine would say of a pair, numbers and Unix seconds included.
std::string Evidence(const std::string& case_phone, const std::string& companion) {
  return "Case " + case_phone + ", confirmed 2021-12-20T08:00:00Z (1639987200); number " +
         companion + "; window ...\n  cell (0, 0): overlap 1800 s\n";
}

CompanionFinding Finding(const std::string& case_phone, const std::string& companion,
                         std::int64_t start) {
  return {
      case_phone, companion, 2, 1800, start, start, start + 1800, Evidence(case_phone, companion)};
}

class CompanionRunsTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    static std::atomic<int> folders = 0;
    data_dir_ = ::testing::TempDir() + "/companion-runs-" + std::to_string(getpid()) + "-" +
                std::to_string(folders++);
    std::filesystem::remove_all(data_dir_);
    tracing_ = std::make_unique<TracingService>(db(), kKey);
    service_ = OpenService();
    ASSERT_NE(service_, nullptr);
    WriteData("cells.csv", "cell_id,lat,lon\n");
    WriteData("records.csv", "phone,cell_id,time\n");
  }

  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  // A service as a server that has bound its port opens it; `recover` false: one that has not
  // (yet).
  std::unique_ptr<CompanionRunService> OpenService(bool recover = true) {
    CompanionRunOptions options;
    options.data_dir = data_dir_;
    options.max_upload_bytes = 64;
    options.progress_interval = 0;
    Result<std::unique_ptr<CompanionRunService>> opened = CompanionRunService::Open(
        db(), kKey,
        [this](const CompanionJob& job, const CompanionProgress& progress) {
          return runner_(job, progress);
        },
        options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return nullptr;
    if (recover) {
      const Status recovered = (*opened)->RecoverInterrupted();
      EXPECT_TRUE(recovered.ok()) << recovered.ToString();
    }
    return std::move(*opened);
  }

  void WriteData(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(
        std::filesystem::path(data_dir_ + "/" + name).parent_path());
    std::ofstream(data_dir_ + "/" + name, std::ios::binary) << text;
  }

  std::int64_t AddPerson(const std::string& name, const std::string& phone,
                         std::optional<UnixMillis> confirmed = std::nullopt) {
    TracingPersonInput person;
    person.name = name;
    person.phone = phone;
    if (confirmed) {
      person.status = "confirmed";
      person.confirmed_at = confirmed;
    }
    const Result<TracingPerson> added = tracing_->AddPerson(Tracer(), person);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : 0;
  }

  // A run of `case_id` held in its runner until `finish` opens, and a second one queued behind
  // it: what a server leaves when it stops mid-run.
  struct HeldRuns {
    Result<CompanionRun> started;
    Result<CompanionRun> queued;
  };
  HeldRuns HoldOneRunAndQueueAnother(std::int64_t case_id, Gate& finish) {
    auto running = std::make_shared<Gate>();
    runner_ = [running, &finish](const CompanionJob&, const CompanionProgress&) {
      running->Open();
      finish.Wait();
      CompanionJobResult result;
      result.findings = {Finding("13800138000", "13700137000", 1639951200)};
      return Result<CompanionJobResult>(result);
    };
    Result<CompanionRun> started = service_->Start(Tracer(), Request({case_id}));
    if (started.ok()) running->Wait();
    Result<CompanionRun> queued = service_->Start(Tracer(), Request({case_id}));
    return {std::move(started), std::move(queued)};
  }

  CompanionRunRequest Request(std::vector<std::int64_t> cases) {
    CompanionRunRequest request;
    request.cells = "cells.csv";
    request.records = "records.csv";
    request.case_ids = std::move(cases);
    request.locale = "en";
    return request;
  }

  CompanionRun RunToEnd(const CompanionRunRequest& request) {
    const Result<CompanionRun> started = service_->Start(Tracer(), request);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    if (!started.ok()) return {};
    EXPECT_EQ(started->status, "queued");
    service_->WaitIdle();
    const Result<CompanionRun> run = service_->Get(Tracer(), started->id);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : CompanionRun{};
  }

  // Polls until the run has `status` (the worker is on another thread).
  CompanionRun AwaitStatus(std::int64_t id, const std::string& status) {
    for (int attempt = 0; attempt < 2000; ++attempt) {
      const Result<CompanionRun> run = service_->Get(Tracer(), id);
      if (run.ok() && run->status == status) return *run;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "run " << id << " never became " << status;
    return {};
  }

  Status StartError(const CompanionRunRequest& request, const Actor& actor = Tracer()) {
    const Result<CompanionRun> started = service_->Start(actor, request);
    return started.status();
  }

  std::string data_dir_;
  std::unique_ptr<TracingService> tracing_;
  CompanionRunner runner_ = [](const CompanionJob&, const CompanionProgress&) {
    return Result<CompanionJobResult>(CompanionJobResult{});
  };
  std::unique_ptr<CompanionRunService> service_;
};

TEST_P(CompanionRunsTest, FindingsBecomePeopleAndCompanionExposuresOnceEach) {
  const std::int64_t case_id = AddPerson("Case", "138 0013 8000", kConfirmed);
  const std::int64_t known = AddPerson("Known neighbour", "139-0013-9000");
  CompanionJob seen;
  runner_ = [&](const CompanionJob& job, const CompanionProgress& progress) {
    seen = job;
    EXPECT_TRUE(progress(CompanionStage::kFinding, 1, 1));
    CompanionJobResult result;
    result.findings = {Finding("13800138000", "13900139000", 1639951200),
                       Finding("13800138000", "13700137000", 1639976400)};
    result.rows_read = 19;
    result.bad_rows = 3;
    result.log = "records.csv:18: unknown tower \"T9\"; skipped";
    return Result<CompanionJobResult>(result);
  };

  const CompanionRun run = RunToEnd(Request({case_id}));
  EXPECT_EQ(run.status, "done") << run.error.ToString();
  EXPECT_EQ(run.stage, "done");
  EXPECT_EQ(run.companions, 2);
  EXPECT_EQ(run.people_added, 1);
  EXPECT_EQ(run.exposures_added, 2);
  EXPECT_EQ(run.rows_read, 19);
  EXPECT_EQ(run.bad_rows, 3);
  EXPECT_EQ(run.log, "records.csv:18: unknown tower \"T9\"; skipped");
  EXPECT_TRUE(run.started_at.has_value());
  EXPECT_TRUE(run.finished_at.has_value());
  EXPECT_EQ(run.case_ids, std::vector<std::int64_t>{case_id});

  // The runner got the files inside the folder, the case's digits and T in seconds.
  const std::string folder = std::filesystem::canonical(data_dir_).string();
  EXPECT_EQ(seen.cells_path, folder + "/cells.csv");
  EXPECT_EQ(seen.records_path, folder + "/records.csv");
  EXPECT_EQ(seen.store_path, "");
  EXPECT_EQ(seen.gap_s, 3600);
  EXPECT_EQ(seen.locale, "en");
  ASSERT_EQ(seen.cases.size(), 1u);
  EXPECT_EQ(seen.cases[0].person_id, case_id);
  EXPECT_EQ(seen.cases[0].phone, "13800138000");
  EXPECT_EQ(seen.cases[0].confirmed_at_s, kConfirmed / 1000);

  const Result<CompanionRunFindings> findings = service_->Findings(Tracer(), run.id, 0, 10);
  ASSERT_TRUE(findings.ok()) << findings.status().ToString();
  ASSERT_EQ(findings->total, 2);
  ASSERT_EQ(findings->findings.size(), 2u);
  const CompanionRunFinding& neighbour = findings->findings[0];
  EXPECT_EQ(neighbour.case_id, case_id);
  EXPECT_EQ(neighbour.companion_id, known) << "matched by the number's digits";
  EXPECT_FALSE(neighbour.companion_added);
  EXPECT_TRUE(neighbour.exposure_added);
  EXPECT_EQ(neighbour.co_stays, 2);
  EXPECT_EQ(neighbour.longest_overlap_s, 1800);
  EXPECT_EQ(neighbour.first_overlap_start, 1639951200000);
  EXPECT_EQ(neighbour.exposure_start, 1639951200000);
  EXPECT_EQ(neighbour.exposure_end, 1639953000000);
  // No number in the clear in the store; the Unix time that contains digits stays as it was.
  EXPECT_EQ(neighbour.evidence, Evidence("138****8000", "139****9000"));
  const CompanionRunFinding& stranger = findings->findings[1];
  EXPECT_TRUE(stranger.companion_added);
  const Result<TracingRecord> added = tracing_->Record(Tracer(), stranger.companion_id);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->person.name, "137****7000");
  EXPECT_EQ(added->person.phone, "13700137000");
  EXPECT_EQ(added->person.status, "untested");
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM tracing_people WHERE phone_sealed = '13700137000' "
                  "OR phone_key = '13700137000' OR name = '13700137000'"),
            0);

  // Named a companion of a case: yellow.
  const Result<TracingCode> code = tracing_->Code(Tracer(), stranger.companion_id);
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(code->now.colour, tracing::CodeColour::kYellow);
  EXPECT_EQ(code->now.reason, tracing::CodeReason::kCompanionAwaitingTests);

  // The same data again: nothing new, the same exposures found.
  const CompanionRun again = RunToEnd(Request({case_id}));
  EXPECT_EQ(again.status, "done");
  EXPECT_EQ(again.companions, 2);
  EXPECT_EQ(again.people_added, 0);
  EXPECT_EQ(again.exposures_added, 0);
  const Result<CompanionRunFindings> second = service_->Findings(Tracer(), again.id, 0, 10);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->findings.size(), 2u);
  EXPECT_EQ(second->findings[0].exposure_id, neighbour.exposure_id);
  EXPECT_FALSE(second->findings[0].exposure_added);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_exposures WHERE kind = 'companion'"), 2);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_people"), 3);

  // Paging.
  const Result<CompanionRunFindings> page = service_->Findings(Tracer(), run.id, 1, 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->findings.size(), 1u);
  EXPECT_EQ(page->findings[0].companion_id, stranger.companion_id);
  EXPECT_EQ(page->total, 2);

  // Newest first.
  const Result<std::vector<CompanionRun>> listed = service_->List(Tracer(), 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, again.id);

  // Audited: each start and read, and the people and exposures as created by the tracer.
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM audit_log WHERE entity = 'companion_run' AND "
                  "action = 'create' AND actor_user_id = 77 AND request_id = 'req-runs'"),
            2);
  EXPECT_GE(Count(db(),
                  "SELECT COUNT(*) FROM audit_log WHERE entity = 'companion_run' AND "
                  "action = 'read'"),
            2);
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM audit_log WHERE entity = 'companion_run' AND "
                  "action = 'list'"),
            1);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'companion_run_findings'"),
            3);
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM audit_log WHERE entity = 'tracing_exposure' AND "
                  "actor_user_id = 77"),
            2);
}

TEST_P(CompanionRunsTest, AStoreAndTheGapAreHandedOnAndCompanionsWithoutPhonesAreNoted) {
  WriteData("city/week.runs", "not really a store");
  const std::int64_t case_id = AddPerson("Case", "13800138000", kConfirmed);
  CompanionJob seen;
  runner_ = [&](const CompanionJob& job, const CompanionProgress&) {
    seen = job;
    CompanionJobResult result;
    result.findings = {Finding("13800138000", "shop-terminal", 1639951200)};
    return Result<CompanionJobResult>(result);
  };
  CompanionRunRequest request = Request({case_id});
  request.cells.clear();
  request.records.clear();
  request.store = "city/week.runs";
  request.gap_s = 7200;
  const CompanionRun run = RunToEnd(request);
  EXPECT_EQ(run.status, "done");
  EXPECT_EQ(run.store, "city/week.runs");
  EXPECT_EQ(seen.store_path, std::filesystem::canonical(data_dir_).string() + "/city/week.runs");
  EXPECT_EQ(seen.gap_s, 7200);
  EXPECT_EQ(run.companions, 1);
  EXPECT_EQ(run.people_added, 0);
  EXPECT_EQ(run.exposures_added, 0);
  EXPECT_EQ(run.log,
            "1 companions had numbers that are not phone numbers of 7 to 15 digits and were "
            "not recorded.");
}

TEST_P(CompanionRunsTest, BadRequestsAreRefusedBeforeAnythingIsQueued) {
  const std::int64_t case_id = AddPerson("Case", "13800138000", kConfirmed);
  const std::int64_t no_phone = AddPerson("No phone", "", kConfirmed);
  const std::int64_t not_case = AddPerson("Contact", "13900139000");
  const std::int64_t same_number = AddPerson("Same", "138-0013-8000", kConfirmed);

  const Status nurse = StartError(Request({case_id}), Actor{5, "nurse", Role::kNurse, "r"});
  EXPECT_EQ(nurse.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(nurse.message_id(), "error.tracing.tracers_only");

  const auto expect_path_error = [&](const std::string& cells, const std::string& message_id) {
    CompanionRunRequest request = Request({case_id});
    request.cells = cells;
    const Status status = StartError(request);
    EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument) << cells;
    EXPECT_EQ(status.message_id(), message_id) << cells;
    EXPECT_EQ(status.field(), "cells") << cells;
  };
  expect_path_error("../cells.csv", "error.tracing.companion_runs.path_outside");
  expect_path_error("a/../../cells.csv", "error.tracing.companion_runs.path_outside");
  expect_path_error("/etc/passwd", "error.tracing.companion_runs.path_outside");
  expect_path_error("missing.csv", "error.tracing.companion_runs.path_missing");
  expect_path_error("", "error.field_required");
  // A symlink inside the folder that leads out of it.
  const std::string outside = data_dir_ + "-outside.csv";
  std::ofstream(outside) << "cell_id,lat,lon\n";
  std::filesystem::create_symlink(outside, data_dir_ + "/escape.csv");
  expect_path_error("escape.csv", "error.tracing.companion_runs.path_outside");
  std::filesystem::remove(outside);
  std::filesystem::create_directories(data_dir_ + "/folder");
  expect_path_error("folder", "error.tracing.companion_runs.path_missing");

  CompanionRunRequest both = Request({case_id});
  both.store = "cells.csv";
  EXPECT_EQ(StartError(both).field(), "store");
  CompanionRunRequest no_records = Request({case_id});
  no_records.records.clear();
  EXPECT_EQ(StartError(no_records).field(), "records");

  EXPECT_EQ(StartError(Request({})).message_id(), "error.field_required");
  EXPECT_EQ(StartError(Request({case_id, case_id})).field(), "case_ids");
  EXPECT_EQ(StartError(Request({999999})).code(), ErrorCode::kNotFound);
  const Status without_phone = StartError(Request({case_id, no_phone}));
  EXPECT_EQ(without_phone.message_id(), "error.tracing.companion_runs.case_without_phone");
  EXPECT_EQ(without_phone.args(), (MessageArgs{{"id", std::to_string(no_phone)}}));
  EXPECT_EQ(StartError(Request({not_case})).message_id(),
            "error.tracing.companion_runs.not_a_case");
  const Status twice = StartError(Request({case_id, same_number}));
  EXPECT_EQ(twice.message_id(), "error.tracing.companion_runs.same_number");
  for (const std::int64_t gap : {std::int64_t{-1}, kMaxCompanionGapSeconds + 1}) {
    CompanionRunRequest request = Request({case_id});
    request.gap_s = gap;
    EXPECT_EQ(StartError(request).field(), "gap_s");
  }
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_companion_runs"), 0);

  EXPECT_EQ(service_->Get(Tracer(), 12345).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->List(Tracer(), 0).status().field(), "limit");
  EXPECT_EQ(service_->List(Actor{5, "angel", Role::kAngel, "r"}, 10).status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_P(CompanionRunsTest, ProgressShowsWhileRunningAndAFailureIsKeptWithItsReason) {
  const std::int64_t case_id = AddPerson("Case", "13800138000", kConfirmed);
  Gate reported;
  Gate finish;
  runner_ = [&](const CompanionJob&, const CompanionProgress& progress) {
    EXPECT_TRUE(progress(CompanionStage::kLoading, 0, 0));
    EXPECT_TRUE(progress(CompanionStage::kFinding, 3, 10));
    reported.Open();
    finish.Wait();
    return Result<CompanionJobResult>(Status::InvalidArgument(
        "error.tracing.companion_runs.unreadable",
        {{"detail",
          "Cannot read " + std::filesystem::canonical(data_dir_).string() + "/records.csv"}}));
  };
  const Result<CompanionRun> started = service_->Start(Tracer(), Request({case_id}));
  ASSERT_TRUE(started.ok());
  reported.Wait();
  const CompanionRun running = AwaitStatus(started->id, "running");
  EXPECT_EQ(running.stage, "finding");
  EXPECT_EQ(running.done, 3);
  EXPECT_EQ(running.total, 10);
  finish.Open();
  service_->WaitIdle();
  const Result<CompanionRun> failed = service_->Get(Tracer(), started->id);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status, "failed");
  EXPECT_EQ(failed->stage, "finding");
  EXPECT_EQ(failed->error.message_id(), "error.tracing.companion_runs.unreadable");
  // The folder's own path is the server's business: the tracer sees the file's name.
  EXPECT_EQ(failed->error.args(), (MessageArgs{{"detail", "Cannot read records.csv"}}));
  EXPECT_TRUE(failed->finished_at.has_value());
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_exposures"), 0);
}

TEST_P(CompanionRunsTest, ARunLeftRunningByAStoppedServerIsMarkedFailedAndNeverImports) {
  const std::int64_t case_id = AddPerson("Case", "13800138000", kConfirmed);
  Gate finish;
  const HeldRuns held = HoldOneRunAndQueueAnother(case_id, finish);
  ASSERT_TRUE(held.started.ok() && held.queued.ok());
  const Result<CompanionRun>& started = held.started;
  const Result<CompanionRun>& queued = held.queued;

  // The server restarts (here: another one opens the service on the same database).
  std::unique_ptr<CompanionRunService> restarted = OpenService();
  ASSERT_NE(restarted, nullptr);
  for (const std::int64_t id : {started->id, queued->id}) {
    const Result<CompanionRun> run = restarted->Get(Tracer(), id);
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->status, "failed");
    EXPECT_EQ(run->error.message_id(), "error.tracing.companion_runs.interrupted");
    EXPECT_TRUE(run->finished_at.has_value());
  }
  // The old worker finishes after all: what it found is not imported, and the queued run
  // does not start.
  finish.Open();
  service_->WaitIdle();
  const Result<CompanionRun> after = restarted->Get(Tracer(), started->id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, "failed");
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_exposures"), 0);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_people"), 1);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_companion_run_findings"), 0);
}

TEST_P(CompanionRunsTest, AServerThatNeverServesLeavesTheRunsOfTheOneServingAlone) {
  const std::int64_t case_id = AddPerson("Case", "13800138000", kConfirmed);
  Gate finish;
  const HeldRuns held = HoldOneRunAndQueueAnother(case_id, finish);
  ASSERT_TRUE(held.started.ok() && held.queued.ok());
  const Result<CompanionRun>& started = held.started;
  const Result<CompanionRun>& queued = held.queued;

  // A second server opens the service on the same database, then fails to bind its port: it
  // never recovers, so it marks nothing and runs nothing.
  std::unique_ptr<CompanionRunService> unbound = OpenService(/*recover=*/false);
  ASSERT_NE(unbound, nullptr);
  EXPECT_EQ(AwaitStatus(started->id, "running").error.message_id(), "");
  EXPECT_EQ(service_->Get(Tracer(), queued->id)->status, "queued");
  EXPECT_EQ(unbound->Start(Tracer(), Request({case_id})).status().code(), ErrorCode::kInternal);
  unbound.reset();

  finish.Open();
  service_->WaitIdle();
  for (const std::int64_t id : {started->id, queued->id}) {
    const Result<CompanionRun> run = service_->Get(Tracer(), id);
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->status, "done") << id;
  }
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_exposures"), 1);
  EXPECT_EQ(service_->RecoverInterrupted().code(), ErrorCode::kInternal);
}

TEST_P(CompanionRunsTest, ShuttingDownStopsTheRunningJob) {
  const std::int64_t case_id = AddPerson("Case", "13800138000", kConfirmed);
  Gate running;
  runner_ = [&](const CompanionJob&, const CompanionProgress& progress) {
    running.Open();
    while (progress(CompanionStage::kFinding, 0, 1)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return Result<CompanionJobResult>(
        Status(ErrorCode::kUnavailable, "error.tracing.companion_runs.stopped"));
  };
  const Result<CompanionRun> started = service_->Start(Tracer(), Request({case_id}));
  ASSERT_TRUE(started.ok());
  running.Wait();
  service_.reset();  // returns only once the job has stopped
  service_ = OpenService();
  ASSERT_NE(service_, nullptr);
  const Result<CompanionRun> run = service_->Get(Tracer(), started->id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "failed");
  EXPECT_EQ(run->error.message_id(), "error.tracing.companion_runs.stopped");
}

TEST_P(CompanionRunsTest, UploadsLandInTheFolderOnceAndWithinTheLimit) {
  const Result<CompanionDataFile> uploaded =
      service_->Upload(Tracer(), "towers-2021.csv", "cell_id,lat,lon\nT1,30,114\n");
  ASSERT_TRUE(uploaded.ok()) << uploaded.status().ToString();
  EXPECT_EQ(uploaded->name, "towers-2021.csv");
  EXPECT_EQ(uploaded->bytes, 26);
  std::ifstream file(data_dir_ + "/towers-2021.csv");
  std::string header;
  std::getline(file, header);
  EXPECT_EQ(header, "cell_id,lat,lon");

  const Status taken = service_->Upload(Tracer(), "towers-2021.csv", "x\n").status();
  EXPECT_EQ(taken.code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(taken.message_id(), "error.tracing.companion_data.exists");
  const Status large = service_->Upload(Tracer(), "big.csv", std::string(65, 'x')).status();
  EXPECT_EQ(large.code(), ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(large.args(), (MessageArgs{{"max", "64"}}));
  EXPECT_EQ(service_->Upload(Tracer(), "empty.csv", "").status().code(),
            ErrorCode::kInvalidArgument);
  for (const char* name : {".hidden", "../up.csv", "a/b.csv", "with space.csv", ""}) {
    const Status bad = service_->Upload(Tracer(), name, "x\n").status();
    EXPECT_EQ(bad.code(), ErrorCode::kInvalidArgument) << name;
    EXPECT_EQ(bad.field(), "name") << name;
  }
  EXPECT_FALSE(std::filesystem::exists(data_dir_ + "/../up.csv"));
  EXPECT_EQ(
      service_->Upload(Actor{5, "doctor", Role::kDoctor, "r"}, "d.csv", "x\n").status().code(),
      ErrorCode::kPermissionDenied);

  const Result<std::vector<CompanionDataFile>> files = service_->ListData(Tracer());
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  std::vector<std::string> names;
  for (const CompanionDataFile& each : *files) names.push_back(each.name);
  EXPECT_EQ(names, (std::vector<std::string>{"cells.csv", "records.csv", "towers-2021.csv"}));
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'companion_data'"), 2);

  // An uploaded file can be used at once.
  const std::int64_t case_id = AddPerson("Case", "13800138000", kConfirmed);
  CompanionRunRequest request = Request({case_id});
  request.cells = "towers-2021.csv";
  EXPECT_EQ(RunToEnd(request).status, "done");
}

INSTANTIATE_TEST_SUITE_P(Backends, CompanionRunsTest, ::testing::ValuesIn(TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
