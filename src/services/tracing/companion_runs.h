#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "store/database.h"

namespace lifeline {

// Companion runs of the contact-tracing desk (issue 6, migration 0014): a tracer points at
// cell-tower data in the server's companion data folder (or uploads it there) and chooses cases;
// the companion engine (docs/companions.md) runs as a job on a worker thread, reporting its
// progress; each (case, companion) pair it finds becomes a companion exposure between the case
// and the person with that number — found by the keyed hash of its digits, else added as an
// untested person named by the masked number — with the pair's `companions explain` text as
// evidence. A run imports in one transaction, so it lands whole or not at all, and re-running
// adds no exposure twice for the same pair and interval.
//
// The engine itself is not linked here: the face supplies a CompanionRunner (the command line's
// runs it in-process, cli/companion_run_job.h), so the service stays below the faces.
//
// Only tracers and admins may call it (PermissionDenied "error.tracing.tracers_only"); starting a
// run, reading one or the list, uploading and listing data each write an audit row, and the
// people and exposures a run adds are audited as created by whoever started it. Paths are names
// relative to the data folder; anything else (absolute, "..", a symlink leading out, a missing
// file) is InvalidArgument naming the field.
//
// Runs execute one at a time, in the order started. Runs left queued or running by a server
// that stopped are marked failed ("error.tracing.companion_runs.interrupted") when the next one
// calls RecoverInterrupted, which a server does only once its port is bound: a second server on
// the same database that fails to start leaves the first one's runs alone. So one database has
// one server running companion runs. Thread-safe; the destructor asks the running job to stop
// (the runner checks between steps), waits for it and leaves queued runs for the next start to
// mark.

// What a runner is given.
struct CompanionJobCase {
  std::int64_t person_id = 0;       // names the case in the log (never its number)
  std::string phone;                // the number's digits: records must spell it so
  std::int64_t confirmed_at_s = 0;  // T of the rule's window, Unix seconds
};

struct CompanionJob {
  // Absolute paths inside the data folder: cells and records, or a store.
  std::string cells_path;
  std::string records_path;
  std::string store_path;
  std::vector<CompanionJobCase> cases;  // distinct numbers
  std::int64_t gap_s = 0;
  std::string locale;  // of the evidence and the log
};

// One pair the engine found (docs/companions.md, "The rule"); times are Unix seconds.
struct CompanionFinding {
  std::string case_phone;       // as the job gave it
  std::string companion_phone;  // as the records spell it
  std::int64_t co_stays = 0;
  std::int64_t longest_overlap_s = 0;
  std::int64_t first_overlap_start = 0;
  // The first qualifying co-stay's overlap: the exposure's interval.
  std::int64_t overlap_start = 0;
  std::int64_t overlap_end = 0;
  std::string evidence;  // `lifeline companions explain` for the pair
};

struct CompanionJobResult {
  std::vector<CompanionFinding> findings;
  std::int64_t rows_read = 0;
  std::int64_t bad_rows = 0;
  // What the engine said loading the data: bad rows, counts, cases without records.
  std::string log;
};

// The stages a run goes through, as stored and on the wire.
enum class CompanionStage { kQueued, kLoading, kFinding, kExplaining, kImporting, kDone };
const char* CompanionStageName(CompanionStage stage);

// Called by the runner as it goes: `done` of `total` units of the stage (bytes of records while
// loading, cases while finding, pairs while explaining). Returns false when the run must stop;
// the runner then returns any error soon.
using CompanionProgress =
    std::function<bool(CompanionStage stage, std::int64_t done, std::int64_t total)>;
// Runs the engine on a job. Errors are values whose message ids are in the catalogue.
using CompanionRunner =
    std::function<Result<CompanionJobResult>(const CompanionJob&, const CompanionProgress&)>;

// What a tracer asks for.
struct CompanionRunRequest {
  std::string cells;  // file names in the data folder: cells and records, or store
  std::string records;
  std::string store;
  std::vector<std::int64_t> case_ids;  // tracing_people with a phone and a confirmation
  std::optional<std::int64_t> gap_s;   // default: the rule's 3600 s
  std::string locale;                  // of the evidence and log; default zh-CN
};

struct CompanionRun {
  std::int64_t id = 0;
  std::int64_t created_by = 0;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> started_at;
  std::optional<UnixMillis> finished_at;
  std::string status;  // queued, running, done, failed
  std::string stage;   // CompanionStageName
  std::int64_t done = 0;
  std::int64_t total = 0;
  std::string cells;
  std::string records;
  std::string store;
  std::vector<std::int64_t> case_ids;
  std::int64_t gap_s = 0;
  std::int64_t companions = 0;
  std::int64_t people_added = 0;
  std::int64_t exposures_added = 0;
  std::int64_t rows_read = 0;
  std::int64_t bad_rows = 0;
  // Why a failed run failed: its message id and arguments, to render in the reader's language
  // (the code carries nothing); ok otherwise.
  Status error;
  std::string log;
};

// A pair a run found and what it became.
struct CompanionRunFinding {
  std::int64_t case_id = 0;
  std::int64_t companion_id = 0;
  bool companion_added = false;
  std::int64_t exposure_id = 0;
  bool exposure_added = false;
  std::int64_t co_stays = 0;
  std::int64_t longest_overlap_s = 0;
  UnixMillis first_overlap_start = 0;
  UnixMillis exposure_start = 0;
  UnixMillis exposure_end = 0;
  std::string evidence;  // as stored on the exposure
};

struct CompanionRunFindings {
  std::vector<CompanionRunFinding> findings;
  std::int64_t total = 0;
};

// A file in the companion data folder.
struct CompanionDataFile {
  std::string name;
  std::int64_t bytes = 0;
  UnixMillis modified_at = 0;
};

struct CompanionRunOptions {
  // The folder runs read from and uploads go to; made (mode 0700) if missing.
  std::string data_dir;
  // The largest upload.
  std::size_t max_upload_bytes = std::size_t{1} << 20;
  // Progress is written to the store at most this often (and at each new stage).
  UnixMillis progress_interval = 1000;
  std::function<UnixMillis()> clock = NowMillis;
};

class CompanionRunService {
 public:
  // Makes the data folder; touches no run. Until RecoverInterrupted the service reads runs and
  // the folder and takes uploads, but starts none. `deployment_key` is the tracing desk's
  // (phones are sealed and hashed with it, services/tracing/tracing_phone.h).
  static Result<std::unique_ptr<CompanionRunService>> Open(Database& database,
                                                           std::string deployment_key,
                                                           CompanionRunner runner,
                                                           CompanionRunOptions options);
  // Marks the runs a stopped server left queued or running as failed and starts the worker.
  // Call once, when this server is sure to serve (its port bound); Start before it, or a second
  // call, is Internal (a bug of the face).
  Status RecoverInterrupted();
  ~CompanionRunService();
  CompanionRunService(const CompanionRunService&) = delete;
  CompanionRunService& operator=(const CompanionRunService&) = delete;

  // Checks the request and queues the run (after RecoverInterrupted). InvalidArgument naming the
  // field for a bad path, gap or case list; NotFound for an unknown case; InvalidArgument for a
  // case without a phone or a confirmation, or two cases with one number.
  Result<CompanionRun> Start(const Actor& actor, const CompanionRunRequest& request);
  Result<CompanionRun> Get(const Actor& actor, std::int64_t run_id);
  // Newest first; `limit` within 1..kMaxCompanionRunsListed.
  Result<std::vector<CompanionRun>> List(const Actor& actor, int limit);
  // A done run's pairs in the order found, from `offset`, at most `limit`
  // (1..kMaxCompanionRunFindingsListed).
  Result<CompanionRunFindings> Findings(const Actor& actor, std::int64_t run_id,
                                        std::int64_t offset, int limit);

  // Saves `bytes` as `name` in the data folder (letters, digits, '.', '_', '-'; not starting
  // with '.'; at most 100 bytes). AlreadyExists if the name is taken, PayloadTooLarge over
  // max_upload_bytes.
  Result<CompanionDataFile> Upload(const Actor& actor, const std::string& name,
                                   std::string_view bytes);
  // The data folder's files (not those starting with '.'), by name.
  Result<std::vector<CompanionDataFile>> ListData(const Actor& actor);
  std::size_t max_upload_bytes() const { return options_.max_upload_bytes; }

  // Blocks until no run is queued or running here (tests, and a clean shutdown).
  void WaitIdle();

 private:
  CompanionRunService(Database& database, std::string deployment_key, CompanionRunner runner,
                      CompanionRunOptions options);
  UnixMillis Now() const { return options_.clock(); }
  void Work();
  void Execute(std::int64_t run_id);

  Database& database_;
  const std::string deployment_key_;
  const CompanionRunner runner_;
  const CompanionRunOptions options_;
  std::string data_dir_;  // canonical

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::int64_t> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  bool recovered_ = false;  // RecoverInterrupted ran: the worker runs
  std::thread worker_;
};

constexpr int kMaxCompanionRunsListed = 500;
constexpr int kMaxCompanionRunFindingsListed = 1000;
constexpr std::size_t kMaxCompanionRunCases = 10000;
// A gap longer than a week would merge days apart into one stay.
constexpr std::int64_t kMaxCompanionGapSeconds = 7 * 24 * 3600;

}  // namespace lifeline
