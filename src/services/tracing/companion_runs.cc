#include "services/tracing/companion_runs.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "core/i18n.h"
#include "core/role.h"
#include "core/validation.h"
#include "services/tracing/tracing_common.h"

namespace lifeline {
namespace {

namespace fs = std::filesystem;

// The rule's default gap (docs/companions.md, "Stays").
constexpr std::int64_t kDefaultGapSeconds = 3600;
constexpr std::size_t kMaxPathBytes = 500;
constexpr std::size_t kMaxUploadNameBytes = 100;
constexpr std::size_t kMaxDataFilesListed = 1000;
// The worker keeps at most this much of what the engine said about the data.
constexpr std::size_t kMaxLogBytes = 64 * 1024;

constexpr const char* kRunColumns =
    "id, created_by, created_at, started_at, finished_at, status, stage, progress_done, "
    "progress_total, cells_path, records_path, store_path, case_ids, gap_s, companions, "
    "people_added, exposures_added, rows_read, bad_rows, error_id, error_args, log";

std::string JoinIds(const std::vector<std::int64_t>& ids) {
  std::string text;
  for (const std::int64_t id : ids) {
    if (!text.empty()) text += ',';
    text += std::to_string(id);
  }
  return text;
}

std::vector<std::int64_t> SplitIds(const std::string& text) {
  std::vector<std::int64_t> ids;
  std::size_t from = 0;
  while (from < text.size()) {
    const std::size_t comma = std::min(text.find(',', from), text.size());
    ids.push_back(std::stoll(text.substr(from, comma - from)));
    from = comma + 1;
  }
  return ids;
}

std::string ArgsJson(const MessageArgs& args) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : args) object[name] = value;
  return object.dump();
}

MessageArgs ArgsFromJson(const std::string& text) {
  MessageArgs args;
  const nlohmann::json object = nlohmann::json::parse(text, nullptr, false);
  if (!object.is_object()) return args;
  for (const auto& [name, value] : object.items()) {
    if (value.is_string()) args.emplace_back(name, value.get<std::string>());
  }
  return args;
}

CompanionRun RunFromRow(const Row& row) {
  CompanionRun run;
  run.id = row.Int(0);
  run.created_by = row.Int(1);
  run.created_at = row.Int(2);
  run.started_at = row.OptionalInt(3);
  run.finished_at = row.OptionalInt(4);
  run.status = row.Text(5);
  run.stage = row.Text(6);
  run.done = row.Int(7);
  run.total = row.Int(8);
  run.cells = row.Text(9);
  run.records = row.Text(10);
  run.store = row.Text(11);
  run.case_ids = SplitIds(row.Text(12));
  run.gap_s = row.Int(13);
  run.companions = row.Int(14);
  run.people_added = row.Int(15);
  run.exposures_added = row.Int(16);
  run.rows_read = row.Int(17);
  run.bad_rows = row.Int(18);
  if (!row.Text(19).empty()) {
    run.error = Status(ErrorCode::kFailedPrecondition, row.Text(19), ArgsFromJson(row.Text(20)));
  }
  run.log = row.Text(21);
  return run;
}

Result<CompanionRun> LoadRun(Connection& connection, std::int64_t run_id) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query(std::string("SELECT ") + kRunColumns +
                                        " FROM tracing_companion_runs WHERE id = $1",
                                    {run_id}));
  if (found.rows.empty()) return RecordNotFound("companion_run", run_id);
  return RunFromRow(found.rows[0]);
}

Status PathOutside(std::string_view field, const std::string& name) {
  return Status::InvalidArgument("error.tracing.companion_runs.path_outside",
                                 {{"field", std::string(field)}, {"value", name}},
                                 std::string(field));
}

// `name` resolved inside `data_dir` (canonical): a relative path without "..", naming a regular
// file that is really inside the folder once symlinks are followed.
Result<std::string> DataPath(const std::string& data_dir, std::string_view field,
                             const std::string& name) {
  if (name.empty()) return FieldRequired(field);
  if (name.size() > kMaxPathBytes) return FieldTooLong(field, kMaxPathBytes);
  const fs::path relative(name);
  if (relative.is_absolute() || relative.has_root_name() || relative.has_root_directory()) {
    return PathOutside(field, name);
  }
  for (const fs::path& part : relative) {
    if (part == "..") return PathOutside(field, name);
  }
  std::error_code error;
  const fs::path resolved = fs::canonical(fs::path(data_dir) / relative, error);
  if (error || !fs::is_regular_file(resolved, error)) {
    return Status::InvalidArgument("error.tracing.companion_runs.path_missing",
                                   {{"field", std::string(field)}, {"value", name}},
                                   std::string(field));
  }
  const std::string text = resolved.string();
  if (!text.starts_with(data_dir + "/")) return PathOutside(field, name);
  return text;
}

// The cases of a run as the runner needs them, checked: each a person with a phone and a
// confirmation (its earliest of confirmed_at and asymptomatic_at is T), no number twice.
Result<std::vector<CompanionJobCase>> LoadCases(Connection& connection, const std::string& key,
                                                const std::vector<std::int64_t>& ids) {
  std::vector<CompanionJobCase> cases;
  std::unordered_map<std::string, std::int64_t> by_digits;
  for (const std::int64_t id : ids) {
    ASSIGN_OR_RETURN(const QueryResult found,
                     connection.Query("SELECT phone_sealed, confirmed_at, asymptomatic_at "
                                      "FROM tracing_people WHERE id = $1",
                                      {id}));
    if (found.rows.empty()) return RecordNotFound("tracing_person", id);
    const Row& row = found.rows[0];
    const MessageArgs which = {{"id", std::to_string(id)}};
    std::optional<std::string> digits;
    if (!row.Text(0).empty()) {
      ASSIGN_OR_RETURN(const std::string phone, OpenSealedText(key, row.Text(0)));
      digits = PhoneDigits(phone);
    }
    if (!digits) {
      return Status::InvalidArgument("error.tracing.companion_runs.case_without_phone", which,
                                     "case_ids");
    }
    std::optional<UnixMillis> confirmed = row.OptionalInt(1);
    if (const std::optional<UnixMillis> asymptomatic = row.OptionalInt(2)) {
      confirmed = confirmed ? std::min(*confirmed, *asymptomatic) : *asymptomatic;
    }
    if (!confirmed) {
      return Status::InvalidArgument("error.tracing.companion_runs.not_a_case", which, "case_ids");
    }
    const auto [first, inserted] = by_digits.emplace(*digits, id);
    if (!inserted) {
      return Status::InvalidArgument(
          "error.tracing.companion_runs.same_number",
          {{"first", std::to_string(first->second)}, {"second", std::to_string(id)}}, "case_ids");
    }
    cases.push_back({id, *digits, *confirmed / kMillisPerSecond});
  }
  return cases;
}

// `text` with every occurrence of `number` that stands alone (not part of a longer run of
// digits, such as a Unix time) replaced by `replacement`.
std::string ReplaceNumber(std::string text, const std::string& number,
                          const std::string& replacement) {
  if (number.empty()) return text;
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t at = text.find(number);
  while (at != std::string::npos) {
    const std::size_t end = at + number.size();
    const bool alone = (at == 0 || !is_digit(text[at - 1]) || !is_digit(number.front())) &&
                       (end == text.size() || !is_digit(text[end]) || !is_digit(number.back()));
    if (alone) {
      text.replace(at, number.size(), replacement);
      at = text.find(number, at + replacement.size());
    } else {
      at = text.find(number, at + 1);
    }
  }
  return text;
}

// Without the data folder's absolute path: the runner names files by where they are, a tracer
// by their names in the folder.
std::string WithoutFolder(std::string text, const std::string& data_dir) {
  const std::string prefix = data_dir + "/";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
    text.erase(at, prefix.size());
  }
  if (text.size() > kMaxLogBytes) text.resize(kMaxLogBytes);
  return text;
}

Status CheckUploadName(const std::string& name) {
  if (name.empty()) return FieldRequired("name");
  if (name.size() > kMaxUploadNameBytes) return FieldTooLong("name", kMaxUploadNameBytes);
  const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
  if (!allowed || name.front() == '.') {
    return FieldInvalid("name", "letters, digits, '.', '_' or '-', not starting with '.'");
  }
  return Status::Ok();
}

Result<CompanionDataFile> DataFile(const fs::path& path, std::string name) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return Status::Internal("cannot stat " + path.string());
  return CompanionDataFile{std::move(name), static_cast<std::int64_t>(info.st_size),
                           static_cast<UnixMillis>(info.st_mtim.tv_sec) * kMillisPerSecond +
                               info.st_mtim.tv_nsec / 1000000};
}

}  // namespace

const char* CompanionStageName(CompanionStage stage) {
  switch (stage) {
    case CompanionStage::kQueued:
      return "queued";
    case CompanionStage::kLoading:
      return "loading";
    case CompanionStage::kFinding:
      return "finding";
    case CompanionStage::kExplaining:
      return "explaining";
    case CompanionStage::kImporting:
      return "importing";
    case CompanionStage::kDone:
      break;
  }
  return "done";
}

Result<std::unique_ptr<CompanionRunService>> CompanionRunService::Open(
    Database& database, std::string deployment_key, CompanionRunner runner,
    CompanionRunOptions options) {
  if (deployment_key.empty() || !runner || options.data_dir.empty()) {
    return Status::Internal("CompanionRunService needs a key, a runner and a data folder");
  }
  std::error_code error;
  if (!fs::is_directory(options.data_dir, error)) {
    fs::create_directories(options.data_dir, error);
    if (error)
      return Status::Internal("cannot create " + options.data_dir + ": " + error.message());
    fs::permissions(options.data_dir, fs::perms::owner_all, error);
  }
  std::unique_ptr<CompanionRunService> service(new CompanionRunService(
      database, std::move(deployment_key), std::move(runner), std::move(options)));
  service->data_dir_ = fs::canonical(service->options_.data_dir, error).string();
  if (error) return Status::Internal("cannot resolve " + service->options_.data_dir);
  return service;
}

Status CompanionRunService::RecoverInterrupted() {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (recovered_) return Status::Internal("CompanionRunService::RecoverInterrupted called twice");
  // Start is refused until the update is done, so it never marks a run of this server.
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    return connection
        .Execute(
            "UPDATE tracing_companion_runs SET status = 'failed', error_id = $1, "
            "error_args = '{}', finished_at = $2 WHERE status IN ('queued', 'running')",
            {std::string("error.tracing.companion_runs.interrupted"), Now()})
        .status();
  }));
  recovered_ = true;
  worker_ = std::thread([this] { Work(); });
  return Status::Ok();
}

CompanionRunService::CompanionRunService(Database& database, std::string deployment_key,
                                         CompanionRunner runner, CompanionRunOptions options)
    : database_(database),
      deployment_key_(std::move(deployment_key)),
      runner_(std::move(runner)),
      options_(std::move(options)) {}

CompanionRunService::~CompanionRunService() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Result<CompanionRun> CompanionRunService::Start(const Actor& actor,
                                                const CompanionRunRequest& request) {
  RETURN_IF_ERROR(CheckTracer(actor));
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!recovered_) {
      return Status::Internal("CompanionRunService::Start before RecoverInterrupted");
    }
  }
  const bool from_store = !request.store.empty();
  if (from_store && (!request.cells.empty() || !request.records.empty())) {
    return FieldInvalid("store", "either store, or cells and records");
  }
  if (from_store) {
    RETURN_IF_ERROR(DataPath(data_dir_, "store", request.store).status());
  } else {
    RETURN_IF_ERROR(DataPath(data_dir_, "cells", request.cells).status());
    RETURN_IF_ERROR(DataPath(data_dir_, "records", request.records).status());
  }
  if (request.case_ids.empty()) return FieldRequired("case_ids");
  if (request.case_ids.size() > kMaxCompanionRunCases) {
    return FieldInvalid("case_ids", "at most " + std::to_string(kMaxCompanionRunCases) + " ids");
  }
  std::vector<std::int64_t> sorted = request.case_ids;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return FieldInvalid("case_ids", "each id once");
  }
  const std::int64_t gap_s = request.gap_s.value_or(kDefaultGapSeconds);
  if (gap_s < 0 || gap_s > kMaxCompanionGapSeconds) {
    return FieldInvalid("gap_s", "0.." + std::to_string(kMaxCompanionGapSeconds));
  }
  const std::string locale =
      IsSupportedLocale(request.locale) ? request.locale : std::string(kDefaultLocale);
  const UnixMillis now = Now();
  CompanionRun run;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    RETURN_IF_ERROR(LoadCases(connection, deployment_key_, request.case_ids).status());
    ASSIGN_OR_RETURN(
        const std::int64_t id,
        InsertReturningId(
            connection,
            "INSERT INTO tracing_companion_runs (created_by, created_by_name, created_by_role, "
            "request_id, locale, created_at, status, stage, cells_path, records_path, "
            "store_path, case_ids, gap_s) VALUES ($1, $2, $3, $4, $5, $6, 'queued', 'queued', "
            "$7, $8, $9, $10, $11) RETURNING id",
            {actor.user_id, actor.username, std::string(RoleName(actor.role)), actor.request_id,
             locale, now, request.cells, request.records, request.store, JoinIds(request.case_ids),
             gap_s}));
    RETURN_IF_ERROR(Audit(connection, actor, "create", "companion_run", std::to_string(id)));
    ASSIGN_OR_RETURN(run, LoadRun(connection, id));
    return Status::Ok();
  }));
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(run.id);
  }
  changed_.notify_all();
  return run;
}

Result<CompanionRun> CompanionRunService::Get(const Actor& actor, std::int64_t run_id) {
  RETURN_IF_ERROR(CheckTracer(actor));
  CompanionRun run;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(run, LoadRun(connection, run_id));
    return Audit(connection, actor, "read", "companion_run", std::to_string(run_id));
  }));
  return run;
}

Result<std::vector<CompanionRun>> CompanionRunService::List(const Actor& actor, int limit) {
  RETURN_IF_ERROR(CheckTracer(actor));
  if (limit < 1 || limit > kMaxCompanionRunsListed) {
    return FieldInvalid("limit", "1.." + std::to_string(kMaxCompanionRunsListed));
  }
  std::vector<CompanionRun> runs;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const QueryResult rows,
                     connection.Query(std::string("SELECT ") + kRunColumns +
                                          " FROM tracing_companion_runs ORDER BY id DESC "
                                          "LIMIT $1",
                                      {std::int64_t{limit}}));
    for (const Row& row : rows.rows) runs.push_back(RunFromRow(row));
    return Audit(connection, actor, "list", "companion_run", "*");
  }));
  return runs;
}

Result<CompanionRunFindings> CompanionRunService::Findings(const Actor& actor, std::int64_t run_id,
                                                           std::int64_t offset, int limit) {
  RETURN_IF_ERROR(CheckTracer(actor));
  if (offset < 0) return FieldInvalid("offset", ">= 0");
  if (limit < 1 || limit > kMaxCompanionRunFindingsListed) {
    return FieldInvalid("limit", "1.." + std::to_string(kMaxCompanionRunFindingsListed));
  }
  CompanionRunFindings page;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    RETURN_IF_ERROR(LoadRun(connection, run_id).status());
    ASSIGN_OR_RETURN(
        const QueryResult rows,
        connection.Query(
            "SELECT f.case_id, f.companion_id, f.companion_added, f.exposure_id, "
            "f.exposure_added, f.co_stays, f.longest_overlap_s, f.first_overlap_start, "
            "e.start_at, e.end_at, e.evidence FROM tracing_companion_run_findings f "
            "JOIN tracing_exposures e ON e.id = f.exposure_id WHERE f.run_id = $1 "
            "ORDER BY f.id LIMIT $2 OFFSET $3",
            {run_id, std::int64_t{limit}, offset}));
    for (const Row& row : rows.rows) {
      page.findings.push_back({row.Int(0), row.Int(1), row.Int(2) != 0, row.Int(3), row.Int(4) != 0,
                               row.Int(5), row.Int(6), row.Int(7), row.Int(8), row.Int(9),
                               row.Text(10)});
    }
    ASSIGN_OR_RETURN(const QueryResult count,
                     connection.Query("SELECT COUNT(*) FROM tracing_companion_run_findings "
                                      "WHERE run_id = $1",
                                      {run_id}));
    page.total = count.rows.at(0).Int(0);
    return Audit(connection, actor, "read", "companion_run_findings", std::to_string(run_id));
  }));
  return page;
}

Result<CompanionDataFile> CompanionRunService::Upload(const Actor& actor, const std::string& name,
                                                      std::string_view bytes) {
  RETURN_IF_ERROR(CheckTracer(actor));
  RETURN_IF_ERROR(CheckUploadName(name));
  if (bytes.empty()) {
    return Status::InvalidArgument("error.tracing.companion_data.empty", {{"name", name}});
  }
  if (bytes.size() > options_.max_upload_bytes) {
    return Status(ErrorCode::kPayloadTooLarge, "error.tracing.companion_data.too_large",
                  {{"max", std::to_string(options_.max_upload_bytes)}});
  }
  // Written under a hidden name first, then linked into place, which fails if the name was
  // taken meanwhile: a run never reads half a file, and no file is replaced under a run.
  const fs::path final_path = fs::path(data_dir_) / name;
  const fs::path temporary = fs::path(data_dir_) / ("." + name + ".upload-" + RandomHex(8));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      return Status::Internal("cannot write " + temporary.string());
    }
  }
  const int linked = ::link(temporary.c_str(), final_path.c_str());
  const int link_error = errno;
  std::error_code ignored;
  fs::remove(temporary, ignored);
  if (linked != 0 && link_error == EEXIST) {
    return Status(ErrorCode::kAlreadyExists, "error.tracing.companion_data.exists",
                  {{"name", name}});
  }
  if (linked != 0) return Status::Internal("cannot link " + final_path.string());
  const Status audited =
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
        return Audit(connection, actor, "create", "companion_data", name);
      });
  if (!audited.ok()) {
    fs::remove(final_path, ignored);
    return audited;
  }
  return DataFile(final_path, name);
}

Result<std::vector<CompanionDataFile>> CompanionRunService::ListData(const Actor& actor) {
  RETURN_IF_ERROR(CheckTracer(actor));
  std::vector<CompanionDataFile> files;
  std::error_code error;
  for (auto entry = fs::recursive_directory_iterator(data_dir_, error);
       !error && entry != fs::recursive_directory_iterator() && files.size() < kMaxDataFilesListed;
       entry.increment(error)) {
    const std::string name = fs::relative(entry->path(), data_dir_, error).string();
    const bool hidden = name.empty() || name.front() == '.' || name.find("/.") != std::string::npos;
    if (hidden) {
      if (entry->is_directory(error)) entry.disable_recursion_pending();
      continue;
    }
    if (!DataPath(data_dir_, "name", name).ok()) continue;
    ASSIGN_OR_RETURN(CompanionDataFile file, DataFile(entry->path(), name));
    files.push_back(std::move(file));
  }
  if (error) return Status::Internal("cannot list " + data_dir_ + ": " + error.message());
  std::sort(files.begin(), files.end(),
            [](const CompanionDataFile& a, const CompanionDataFile& b) { return a.name < b.name; });
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    return Audit(connection, actor, "list", "companion_data", "*");
  }));
  return files;
}

void CompanionRunService::WaitIdle() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return !busy_ && (queue_.empty() || stopping_); });
}

void CompanionRunService::Work() {
  for (;;) {
    std::int64_t run_id = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      run_id = queue_.front();
      queue_.pop_front();
      busy_ = true;
    }
    Execute(run_id);
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      busy_ = false;
    }
    changed_.notify_all();
  }
  changed_.notify_all();
}

namespace {

// What the worker knows of a run it executes.
struct RunContext {
  std::int64_t id = 0;
  Actor starter;
  std::string locale;
  std::vector<CompanionJobCase> cases;
};

// Marks a running run failed with `status`; nothing if it is no longer running (another server
// start marked it interrupted).
void MarkFailed(Database& database, std::int64_t run_id, const Status& status,
                const std::string& log, UnixMillis now) {
  const Status marked = database.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    return connection
        .Execute(
            "UPDATE tracing_companion_runs SET status = 'failed', error_id = $2, "
            "error_args = $3, log = $4, finished_at = $5 WHERE id = $1 AND status = "
            "'running'",
            {run_id, status.message_id(), ArgsJson(status.args()), log, now})
        .status();
  });
  (void)marked;  // the run stays "running" until the next start marks it interrupted
}

// The people and exposures of a run's findings, and the run done, in one transaction.
Status Import(Connection& connection, const std::string& key, const RunContext& run,
              const CompanionJobResult& result, const std::string& log, UnixMillis now) {
  std::unordered_map<std::string, std::int64_t> case_by_phone;
  for (const CompanionJobCase& confirmed : run.cases) {
    case_by_phone.emplace(confirmed.phone, confirmed.person_id);
  }
  std::int64_t people_added = 0;
  std::int64_t exposures_added = 0;
  std::int64_t not_phones = 0;
  for (const CompanionFinding& finding : result.findings) {
    const auto confirmed = case_by_phone.find(finding.case_phone);
    if (confirmed == case_by_phone.end()) {
      return Status::Internal("the runner found a case it was not given");
    }
    const std::int64_t case_id = confirmed->second;
    const std::optional<ProtectedPhone> phone = ProtectPhone(key, finding.companion_phone);
    if (!phone) {
      ++not_phones;
      continue;
    }
    const std::string digits = *PhoneDigits(finding.companion_phone);
    ASSIGN_OR_RETURN(const QueryResult known,
                     connection.Query("SELECT id FROM tracing_people WHERE phone_key = $1 "
                                      "ORDER BY id LIMIT 1",
                                      {phone->key}));
    std::int64_t companion_id = 0;
    const bool companion_added = known.rows.empty();
    if (companion_added) {
      ASSIGN_OR_RETURN(
          companion_id,
          InsertReturningId(
              connection,
              "INSERT INTO tracing_people (name, phone_key, phone_sealed, status, "
              "created_by, created_at, updated_at) VALUES ($1, $2, $3, "
              "'untested', $4, $5, $5) RETURNING id",
              {MaskedPhone(digits), phone->key, phone->sealed, run.starter.user_id, now}));
      RETURN_IF_ERROR(
          Audit(connection, run.starter, "create", "tracing_person", std::to_string(companion_id)));
      ++people_added;
    } else {
      companion_id = known.rows[0].Int(0);
    }
    if (companion_id == case_id) continue;  // two spellings of the case's own number

    const UnixMillis start = finding.overlap_start * kMillisPerSecond;
    const UnixMillis end = finding.overlap_end * kMillisPerSecond;
    ASSIGN_OR_RETURN(const QueryResult recorded,
                     connection.Query("SELECT id FROM tracing_exposures WHERE kind = 'companion' "
                                      "AND ((a_id = $1 AND b_id = $2) OR (a_id = $2 AND b_id = "
                                      "$1)) AND start_at = $3 AND end_at = $4 ORDER BY id LIMIT 1",
                                      {case_id, companion_id, start, end}));
    std::int64_t exposure_id = 0;
    const bool exposure_added = recorded.rows.empty();
    if (exposure_added) {
      // Numbers are never stored in the clear: the evidence names both by their masked digits
      // (the exposure itself links the two people).
      std::string evidence =
          ReplaceNumber(finding.evidence, finding.companion_phone, MaskedPhone(digits));
      evidence =
          ReplaceNumber(std::move(evidence), finding.case_phone, MaskedPhone(finding.case_phone));
      ASSIGN_OR_RETURN(
          exposure_id,
          InsertReturningId(
              connection,
              "INSERT INTO tracing_exposures (a_id, b_id, kind, start_at, end_at, "
              "evidence, created_by, created_at) VALUES ($1, $2, 'companion', $3, "
              "$4, $5, $6, $7) RETURNING id",
              {case_id, companion_id, start, end, evidence, run.starter.user_id, now}));
      RETURN_IF_ERROR(Audit(connection, run.starter, "create", "tracing_exposure",
                            std::to_string(exposure_id)));
      ++exposures_added;
    } else {
      exposure_id = recorded.rows[0].Int(0);
    }
    RETURN_IF_ERROR(
        connection
            .Execute(
                "INSERT INTO tracing_companion_run_findings (run_id, case_id, "
                "companion_id, exposure_id, companion_added, exposure_added, co_stays, "
                "longest_overlap_s, first_overlap_start) VALUES ($1, $2, $3, $4, $5, $6, "
                "$7, $8, $9)",
                {run.id, case_id, companion_id, exposure_id, std::int64_t{companion_added ? 1 : 0},
                 std::int64_t{exposure_added ? 1 : 0}, finding.co_stays, finding.longest_overlap_s,
                 finding.first_overlap_start * kMillisPerSecond})
            .status());
  }
  std::string full_log = log;
  if (not_phones > 0) {
    if (!full_log.empty()) full_log += '\n';
    full_log += Catalogue::Builtin().Render(run.locale, "tracing.companion_runs.note.not_phones",
                                            {{"count", std::to_string(not_phones)}});
  }
  const auto findings = static_cast<std::int64_t>(result.findings.size());
  ASSIGN_OR_RETURN(
      const std::int64_t updated,
      connection.Execute(
          "UPDATE tracing_companion_runs SET status = 'done', stage = 'done', progress_done = $2, "
          "progress_total = $2, finished_at = $3, companions = $2, people_added = $4, "
          "exposures_added = $5, rows_read = $6, bad_rows = $7, log = $8 "
          "WHERE id = $1 AND status = 'running'",
          {run.id, findings, now, people_added, exposures_added, result.rows_read, result.bad_rows,
           full_log}));
  if (updated != 1) {
    return Status(ErrorCode::kFailedPrecondition, "error.tracing.companion_runs.interrupted");
  }
  return Status::Ok();
}

}  // namespace

void CompanionRunService::Execute(std::int64_t run_id) {
  RunContext run;
  run.id = run_id;
  CompanionJob job;
  Status prepared = database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(
        const QueryResult found,
        connection.Query("SELECT created_by, created_by_name, created_by_role, request_id, "
                         "locale, cells_path, records_path, store_path, case_ids, gap_s, status "
                         "FROM tracing_companion_runs WHERE id = $1",
                         {run_id}));
    if (found.rows.empty() || found.rows[0].Text(10) != "queued") {
      return Status(ErrorCode::kFailedPrecondition, "error.tracing.companion_runs.interrupted");
    }
    const Row& row = found.rows[0];
    run.starter =
        Actor{row.Int(0), row.Text(1), ParseRole(row.Text(2)).value_or(Role::kTracer), row.Text(3)};
    job.locale = row.Text(4);
    run.locale = job.locale;
    job.gap_s = row.Int(9);
    return connection
        .Execute(
            "UPDATE tracing_companion_runs SET status = 'running', stage = 'loading', "
            "started_at = $2 WHERE id = $1",
            {run_id, Now()})
        .status();
  });
  if (!prepared.ok()) return;  // marked meanwhile by another server's start; nothing to do

  // The inputs are checked again: files and people may have changed since the run was queued.
  Status checked = database_.Transaction(TransactionMode::kRead, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const CompanionRun stored, LoadRun(connection, run_id));
    if (!stored.store.empty()) {
      ASSIGN_OR_RETURN(job.store_path, DataPath(data_dir_, "store", stored.store));
    } else {
      ASSIGN_OR_RETURN(job.cells_path, DataPath(data_dir_, "cells", stored.cells));
      ASSIGN_OR_RETURN(job.records_path, DataPath(data_dir_, "records", stored.records));
    }
    ASSIGN_OR_RETURN(run.cases, LoadCases(connection, deployment_key_, stored.case_ids));
    return Status::Ok();
  });
  if (!checked.ok()) {
    MarkFailed(database_, run_id, checked, "", Now());
    return;
  }
  job.cases = run.cases;

  CompanionStage last_stage = CompanionStage::kLoading;
  UnixMillis last_write = 0;
  const CompanionProgress progress = [&](CompanionStage stage, std::int64_t done,
                                         std::int64_t total) {
    const UnixMillis now = Now();
    if (stage != last_stage || now - last_write >= options_.progress_interval) {
      last_stage = stage;
      last_write = now;
      const Status written =
          database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
            return connection
                .Execute(
                    "UPDATE tracing_companion_runs SET stage = $2, progress_done = $3, "
                    "progress_total = $4 WHERE id = $1 AND status = 'running'",
                    {run_id, std::string(CompanionStageName(stage)), done, total})
                .status();
          });
      (void)written;  // progress is advisory; the outcome is written at the end
    }
    const std::lock_guard<std::mutex> lock(mutex_);
    return !stopping_;
  };
  Result<CompanionJobResult> result = runner_(job, progress);
  if (!result.ok()) {
    Status failed = result.status();
    MessageArgs args = failed.args();
    for (auto& [name, value] : args) value = WithoutFolder(value, data_dir_);
    MarkFailed(database_, run_id, Status(failed.code(), failed.message_id(), std::move(args)), "",
               Now());
    return;
  }
  progress(CompanionStage::kImporting, 0, static_cast<std::int64_t>(result->findings.size()));
  const std::string log = WithoutFolder(result->log, data_dir_);
  const Status imported =
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
        return Import(connection, deployment_key_, run, *result, log, Now());
      });
  if (!imported.ok()) MarkFailed(database_, run_id, imported, log, Now());
}

}  // namespace lifeline
