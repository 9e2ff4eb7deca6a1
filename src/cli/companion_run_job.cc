#include "cli/companion_run_job.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "cli/cluster.h"
#include "cli/companions_input.h"
#include "cli/companions_output.h"
#include "cli/console.h"
#include "core/i18n.h"
#include "engines/companions/companions.h"
#include "engines/companions/phone_keys.h"

namespace lifeline {
namespace {

using companions::Case;
using companions::CompanionEngine;
using companions::CompanionPair;
using companions::Explanation;

// Bad rows are listed one by one up to this many per kind and file, then counted, as on the
// command line.
constexpr std::int64_t kMaxReportedRows = 10;
// Cases are evaluated this many per hardware thread between two progress reports (and chances
// to stop).
constexpr std::size_t kCasesPerThreadPerStep = 4;

// What the engine's loading says, kept in memory instead of printed (open_memstream).
class CapturedText {
 public:
  CapturedText() : file_(open_memstream(&buffer_, &size_)) {}
  ~CapturedText() {
    if (file_ != nullptr) std::fclose(file_);
    std::free(buffer_);
  }
  CapturedText(const CapturedText&) = delete;
  CapturedText& operator=(const CapturedText&) = delete;

  std::FILE* file() const { return file_; }
  // Everything said so far, without the last line end.
  std::string Text() {
    if (file_ == nullptr) return "";
    std::fflush(file_);
    std::string text(buffer_, size_);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

 private:
  char* buffer_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_ = nullptr;
};

Status Stopped() { return Status(ErrorCode::kUnavailable, "error.tracing.companion_runs.stopped"); }

Status EngineFailed(const Status& status, const std::string& locale) {
  return Status(
      ErrorCode::kFailedPrecondition, "error.tracing.companion_runs.engine",
      {{"detail", Catalogue::Builtin().Render(locale, status.message_id(), status.args())}});
}

// One pair on its way to a finding.
struct Pair {
  std::size_t case_idx = 0;
  CompanionPair pair;
  std::string companion_text;
};

Result<CompanionJobResult> RunJob(const CompanionJob& job, const CompanionProgress& progress,
                                  int threads_flag) {
  const int threads = threads_flag > 0
                          ? threads_flag
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  CapturedText said;
  const Reporter say{job.locale, said.file(), kMaxReportedRows};
  if (!progress(CompanionStage::kLoading, 0, 0)) return Stopped();
  // Called on the ingest's threads, one at a time; a stop ends the parse at the next chunk.
  std::atomic<bool> stop = false;
  const RecordsProgress loading = [&](std::uint64_t done, std::uint64_t total) {
    if (!progress(CompanionStage::kLoading, static_cast<std::int64_t>(done),
                  static_cast<std::int64_t>(total))) {
      stop = true;
    }
    return !stop;
  };

  CompanionsCommandOptions options;
  options.cells_path = job.cells_path;
  options.records_path = job.records_path;
  options.store_path = job.store_path;
  options.gap_s = job.gap_s;
  options.threads = threads;
  options.max_reported = kMaxReportedRows;
  SingleProcess single;
  LocalRecords local;
  const int loaded = LoadRecords(options, Keying{}, threads, single, say, local, loading);
  if (stop) return Stopped();
  if (loaded != kCompanionsExitOk) {
    return Status::InvalidArgument("error.tracing.companion_runs.unreadable",
                                   {{"detail", said.Text()}});
  }
  companions::CompanionRule rule;
  rule.gap_s = job.gap_s;
  Result<CompanionEngine> engine = BuildLocalEngine(rule, local, threads);
  if (!engine.ok()) return EngineFailed(engine.status(), job.locale);

  const companions::PhoneKeyer keyer;
  std::vector<Case> cases;
  for (const CompanionJobCase& confirmed : job.cases) {
    cases.push_back({keyer.Key(confirmed.phone), confirmed.confirmed_at_s});
    if (engine->StaysOf(cases.back().phone).empty()) {
      Say(say.errors, say.locale, "tracing.companion_runs.note.case_without_records",
          {{"id", std::to_string(confirmed.person_id)}});
    }
  }

  // Finding: a few cases per thread at a time, so that progress shows and a stop is heard.
  std::vector<std::vector<CompanionPair>> found(cases.size());
  const std::size_t step = kCasesPerThreadPerStep * static_cast<std::size_t>(threads);
  const auto case_count = static_cast<std::int64_t>(cases.size());
  for (std::size_t first = 0; first < cases.size(); first += step) {
    if (!progress(CompanionStage::kFinding, static_cast<std::int64_t>(first), case_count)) {
      return Stopped();
    }
    const std::span<const Case> some(cases.data() + first, std::min(step, cases.size() - first));
    const Status evaluated = engine->EvaluateEach(
        some, threads, [&](std::size_t idx, std::span<const CompanionPair> pairs) {
          found[first + idx].assign(pairs.begin(), pairs.end());
        });
    if (!evaluated.ok()) return EngineFailed(evaluated, job.locale);
  }

  // In the order `lifeline companions` writes its rows.
  std::vector<Pair> pairs;
  for (std::size_t case_idx = 0; case_idx < found.size(); ++case_idx) {
    for (const CompanionPair& pair : found[case_idx]) {
      pairs.push_back({case_idx, pair, companions::PhoneText(pair.companion_phone, local.names)});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [&](const Pair& a, const Pair& b) {
    return std::tie(job.cases[a.case_idx].phone, a.companion_text) <
           std::tie(job.cases[b.case_idx].phone, b.companion_text);
  });

  CompanionJobResult result;
  const auto pair_count = static_cast<std::int64_t>(pairs.size());
  for (std::size_t idx = 0; idx < pairs.size(); ++idx) {
    if (!progress(CompanionStage::kExplaining, static_cast<std::int64_t>(idx), pair_count)) {
      return Stopped();
    }
    const Pair& pair = pairs[idx];
    const CompanionJobCase& confirmed = job.cases[pair.case_idx];
    const Result<Explanation> explanation =
        engine->Explain(cases[pair.case_idx], pair.pair.companion_phone);
    if (!explanation.ok()) return EngineFailed(explanation.status(), job.locale);
    if (explanation->co_stays.empty()) {
      return Status::Internal("a companion pair without a qualifying co-stay");
    }
    // Co-stays come by overlap start: the first is the exposure.
    const companions::Interval& first = explanation->co_stays.front().overlap;
    result.findings.push_back(
        {confirmed.phone, pair.companion_text, pair.pair.co_stays, pair.pair.longest_overlap_s,
         pair.pair.first_overlap_start, first.start, first.end,
         ExplanationText(job.locale, confirmed.phone, pair.companion_text, confirmed.confirmed_at_s,
                         *explanation, engine->rule())});
  }
  if (!progress(CompanionStage::kExplaining, pair_count, pair_count)) return Stopped();
  result.rows_read = local.rows_read;
  result.bad_rows = local.bad_rows;
  result.log = said.Text();
  return result;
}

}  // namespace

CompanionRunner MakeCompanionRunner(int threads) {
  return [threads](const CompanionJob& job, const CompanionProgress& progress) {
    return RunJob(job, progress, threads);
  };
}

}  // namespace lifeline
