#include "cli/companions_command.h"

#include <malloc.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cli/cluster.h"
#include "cli/commands.h"
#include "cli/companions_input.h"
#include "cli/companions_output.h"
#include "cli/console.h"
#include "cli/csv_input.h"
#include "core/crypto.h"
#include "core/csv.h"
#include "core/geo.h"
#include "core/i18n.h"
#include "core/time.h"
#include "engines/companions/run_store.h"

namespace lifeline {
namespace {

using companions::Case;
using companions::CompanionEngine;
using companions::CompanionPair;
using companions::CompanionRule;
using companions::Explanation;
using companions::PhoneKeyer;
using companions::PhoneNames;
using companions::RunStore;
using companions::RunTable;

using Clock = SteadyClock;

void ReportFailure(const Status& status, const Reporter& say) {
  Say(say.errors, say.locale, "companions.error.failed",
      {{"message", Catalogue::Builtin().Render(say.locale, status.message_id(), status.args())}});
}

// Builds this rank's engine. One process: from its runs. Several: each rank builds the stays of
// the phones it owns, then sends every stay to the rank owning its grid cell (cell mod ranks), so
// that each rank holds, for its cells, every phone's stays there: enough to decide every co-stay
// and dwell in those cells.
Result<CompanionEngine> BuildEngine(const CompanionRule& rule, LocalRecords& local, int threads,
                                    Cluster& cluster) {
  if (local.prepared || cluster.size() == 1) return BuildLocalEngine(rule, local, threads);
  ASSIGN_OR_RETURN(CompanionEngine::TowerGrid grid,
                   CompanionEngine::GridCellsOf(local.towers, rule));
  const companions::StayTable own =
      companions::StaysFromRuns(local.runs, grid.tower_cell, rule.gap_s, threads);
  local.runs = RunTable();
  // Per destination: for each phone with stays there, its key, its count, then (cell, start, end).
  const auto ranks = static_cast<std::size_t>(cluster.size());
  std::vector<std::string> outgoing(ranks);
  std::vector<std::vector<companions::StayId>> by_rank(ranks);
  for (std::size_t phone = 0; phone < own.phone_count(); ++phone) {
    for (auto& stays : by_rank) stays.clear();
    for (companions::StayId stay = own.phone_first_stay[phone];
         stay < own.phone_first_stay[phone + 1]; ++stay) {
      by_rank[own.cell[stay] % ranks].push_back(stay);
    }
    for (std::size_t rank = 0; rank < ranks; ++rank) {
      if (by_rank[rank].empty()) continue;
      std::string& out = outgoing[rank];
      AppendPod(out, own.phone_keys[phone]);
      AppendPod(out, static_cast<std::uint64_t>(by_rank[rank].size()));
      for (const companions::StayId stay : by_rank[rank]) {
        AppendPod(out, own.cell[stay]);
        AppendPod(out, own.start[stay]);
        AppendPod(out, own.end[stay]);
      }
    }
  }
  companions::StayTable mine;
  for (const std::string& bytes : cluster.AllToAll(std::move(outgoing))) {
    PodReader in(bytes);
    while (!in.done()) {
      const auto key = in.Pod<std::uint64_t>();
      const auto count = in.Pod<std::uint64_t>();
      mine.phone_keys.push_back(key);
      for (std::uint64_t idx = 0; idx < count; ++idx) {
        mine.cell.push_back(in.Pod<companions::CellIdx>());
        mine.start.push_back(in.Pod<std::int64_t>());
        mine.end.push_back(in.Pod<std::int64_t>());
      }
      mine.phone_first_stay.push_back(static_cast<companions::StayId>(mine.start.size()));
    }
  }
  return CompanionEngine::FromStays(std::move(grid.cells), std::move(mine), rule, {}, threads);
}

// Rank 0 gets every rank's pairs merged: per (case, companion), co-stays summed, the longest
// overlap and the earliest start over the ranks' cells. The same as one process would find.
std::vector<CompanionPair> MergePairs(std::vector<CompanionPair> pairs, Cluster& cluster) {
  if (cluster.size() == 1) return pairs;
  std::string bytes(reinterpret_cast<const char*>(pairs.data()),
                    pairs.size() * sizeof(CompanionPair));
  std::vector<CompanionPair> all;
  for (const std::string& part : cluster.GatherToRoot(std::move(bytes))) {
    const std::size_t count = part.size() / sizeof(CompanionPair);
    const std::size_t first = all.size();
    all.resize(first + count);
    std::memcpy(all.data() + first, part.data(), count * sizeof(CompanionPair));
  }
  std::sort(all.begin(), all.end(), [](const CompanionPair& a, const CompanionPair& b) {
    return std::tie(a.case_phone, a.companion_phone) < std::tie(b.case_phone, b.companion_phone);
  });
  std::vector<CompanionPair> merged;
  for (const CompanionPair& pair : all) {
    if (!merged.empty() && merged.back().case_phone == pair.case_phone &&
        merged.back().companion_phone == pair.companion_phone) {
      CompanionPair& into = merged.back();
      into.co_stays += pair.co_stays;
      into.longest_overlap_s = std::max(into.longest_overlap_s, pair.longest_overlap_s);
      into.first_overlap_start = std::min(into.first_overlap_start, pair.first_overlap_start);
    } else {
      merged.push_back(pair);
    }
  }
  return merged;
}

// Gathers the texts of hashed plain numbers on rank 0.
void GatherNames(PhoneNames& names, Cluster& cluster) {
  if (cluster.size() == 1) return;
  std::string bytes;
  for (const auto& [key, text] : names) {
    AppendPod(bytes, key);
    AppendText(bytes, text);
  }
  for (const std::string& part : cluster.GatherToRoot(std::move(bytes))) {
    PodReader in(part);
    while (!in.done()) {
      const auto key = in.Pod<std::uint64_t>();
      names.emplace(key, in.Text());
    }
  }
}

bool WriteAll(const std::string& text, std::FILE* output) {
  return std::fwrite(text.data(), 1, text.size(), output) == text.size() &&
         std::fflush(output) == 0;
}

// Lets `write` write to --out (through a temporary file renamed into place, so a failed run never
// leaves a partial file under the name) or to `output`.
template <typename Write>
bool WriteOutput(Write&& write, const std::string& out_path, std::FILE* output) {
  if (out_path.empty()) return write(output);
  const std::string temporary = out_path + ".partial";
  std::unique_ptr<std::FILE, CsvInput::FileCloser> file(std::fopen(temporary.c_str(), "wb"));
  bool written = file && write(file.get());
  written = (file && std::fclose(file.release()) == 0) && written;
  written = written && std::rename(temporary.c_str(), out_path.c_str()) == 0;
  if (!written) std::remove(temporary.c_str());
  return written;
}

int DefaultThreads(const CompanionsCommandOptions& options, const Cluster& cluster) {
  if (options.threads > 0) return options.threads;
  const int hardware = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return std::max(1, hardware / cluster.size());
}

std::optional<CompanionRule> RuleOf(const CompanionsCommandOptions& options, const Reporter& say) {
  CompanionRule rule;
  rule.gap_s = options.gap_s;
  if (!options.origin.empty()) {
    rule.origin = ParseOrigin(options.origin);
    if (!rule.origin) {
      Say(say.errors, say.locale, "companions.error.origin", {{"value", options.origin}});
      return std::nullopt;
    }
  }
  return rule;
}

int ReportWriteError(const CompanionsCommandOptions& options, const Reporter& say) {
  Say(say.errors, say.locale, "companions.error.write",
      {{"path", options.out_path.empty() ? "-" : options.out_path},
       {"detail", std::strerror(errno)}});
  return kCompanionsExitFailed;
}

// For ingest, which also holds the store's prepared stays: large buffers (record blocks,
// columns) come from and go back to the OS directly, so memory freed between phases is really
// free and the peak is what is live, not what glibc kept. A query leaves glibc its own way and
// reuses freed memory, which saves a page fault for every 4 KB it would map afresh (a quarter of
// its system time on 200 million records) for a peak about a third higher (bench/README.md).
void ReturnLargeBuffersToTheSystem() { mallopt(M_MMAP_THRESHOLD, 256 * 1024); }

// Ring 2 (rank 0's answer; other ranks' is empty): every ring-1 companion that is not a case,
// taken as confirmed when the latest case it accompanied was; its companions that are neither
// cases nor in ring 1. Nullopt (reported) if the engine failed on any rank.
std::optional<std::vector<CompanionPair>> FindRing2(std::span<const Case> cases,
                                                    std::span<const CompanionPair> ring1,
                                                    const CompanionEngine& engine, int threads,
                                                    Cluster& cluster, const Reporter& say) {
  std::string sources_bytes;
  if (cluster.rank() == 0) {
    std::unordered_map<std::uint64_t, std::int64_t> confirmed_at;
    for (const Case& confirmed : cases) confirmed_at[confirmed.phone] = confirmed.confirmed_at;
    std::unordered_map<std::uint64_t, std::int64_t> sources;
    for (const CompanionPair& pair : ring1) {
      if (confirmed_at.count(pair.companion_phone) != 0) continue;
      std::int64_t& at = sources.try_emplace(pair.companion_phone, INT64_MIN).first->second;
      at = std::max(at, confirmed_at.at(pair.case_phone));
    }
    std::vector<Case> ordered;
    for (const auto& [phone, at] : sources) ordered.push_back({phone, at});
    std::sort(ordered.begin(), ordered.end(),
              [](const Case& a, const Case& b) { return a.phone < b.phone; });
    sources_bytes.assign(reinterpret_cast<const char*>(ordered.data()),
                         ordered.size() * sizeof(Case));
  }
  sources_bytes = cluster.BroadcastFromRoot(std::move(sources_bytes));
  std::vector<Case> sources(sources_bytes.size() / sizeof(Case));
  std::memcpy(sources.data(), sources_bytes.data(), sources.size() * sizeof(Case));
  Say(say.errors, say.locale, "companions.progress.ring2",
      {{"sources", std::to_string(sources.size())}});
  Result<std::vector<CompanionPair>> found = engine.Evaluate(sources, threads);
  if (cluster.Max(found.ok() ? 0 : 1) != 0) {
    if (!found.ok()) ReportFailure(found.status(), say);
    return std::nullopt;
  }
  std::vector<CompanionPair> ring2 = MergePairs(std::move(*found), cluster);
  if (cluster.rank() == 0) {
    std::vector<std::uint64_t> known;
    for (const Case& confirmed : cases) known.push_back(confirmed.phone);
    for (const Case& source : sources) known.push_back(source.phone);
    std::sort(known.begin(), known.end());
    std::erase_if(ring2, [&](const CompanionPair& pair) {
      return std::binary_search(known.begin(), known.end(), pair.companion_phone);
    });
  }
  return ring2;
}

// One process, one ring: evaluates the cases in the order their rows go out and writes each
// case's rows as soon as they are found. Returns the number of pairs, or nullopt (reported) if
// the engine or the output failed.
std::optional<std::size_t> EvaluateAndStream(const CompanionsCommandOptions& options,
                                             const Cases& cases, const LocalRecords& local,
                                             const CompanionEngine& engine, int threads,
                                             const Reporter& say, std::FILE* output) {
  Status evaluated = Status::Ok();
  std::size_t pairs = 0;
  const bool written = WriteOutput(
      [&](std::FILE* file) {
        const std::vector<std::size_t> order =
            CasesInOutputOrder(cases.cases, cases.texts, local.names);
        std::vector<Case> ordered;
        ordered.reserve(order.size());
        for (const std::size_t idx : order) ordered.push_back(cases.cases[idx]);
        PairsCsvStream writer(ordered.size(), cases.texts, local.names, file);
        evaluated = engine.EvaluateEach(ordered, threads,
                                        [&](std::size_t idx, std::span<const CompanionPair> found) {
                                          writer.Take(idx, found);
                                        });
        pairs = writer.rows();
        return evaluated.ok() && writer.Finish();
      },
      options.out_path, output);
  if (!evaluated.ok()) {
    ReportFailure(evaluated, say);
    return std::nullopt;
  }
  if (!written) {
    ReportWriteError(options, say);
    return std::nullopt;
  }
  return pairs;
}

int RunOnCluster(const CompanionsCommandOptions& options, Cluster& cluster, std::FILE* output,
                 std::FILE* errors) {
  const Clock::time_point start = Clock::now();
  Reporter say{CommandLineLocale(), cluster.rank() == 0 ? errors : nullptr, options.max_reported};
  const int threads = DefaultThreads(options, cluster);
  const std::optional<CompanionRule> rule = RuleOf(options, say);
  if (!rule) return kCompanionsExitUnreadable;
  const std::optional<Keying> keying = MakeKeying(options, say);
  if (cluster.Max(keying ? 0 : 1) != 0) return kCompanionsExitUnreadable;
  const PhoneKeyer& keyer = keying->keyer;

  LocalRecords local;
  if (const int code = LoadRecords(options, *keying, threads, cluster, say, local); code != 0) {
    return code;
  }
  std::int64_t case_bad_rows = 0;
  std::optional<Cases> cases = ReadCases(options.cases_path, keyer, say, case_bad_rows);
  if (cluster.Max(cases ? 0 : 1) != 0) return kCompanionsExitUnreadable;
  local.bad_rows += cluster.rank() == 0 ? case_bad_rows : 0;

  const Clock::time_point build_start = Clock::now();
  // Phones are counted where they are owned (by phone), stays where they are used (by cell).
  const std::int64_t phones = cluster.Sum(static_cast<std::int64_t>(local.runs.phone_count()));
  // Which cases have records anywhere (each rank knows the phones it owns).
  std::string with_records(cases->cases.size(), '\0');
  {
    std::unordered_map<std::uint64_t, std::size_t> case_of;
    for (std::size_t idx = 0; idx < cases->cases.size(); ++idx) {
      case_of.emplace(cases->cases[idx].phone, idx);
    }
    for (const std::uint64_t key : local.runs.phone_keys) {
      if (const auto found = case_of.find(key); found != case_of.end()) {
        with_records[found->second] = 1;
      }
    }
    for (const std::string& part : cluster.GatherToRoot(with_records)) {
      for (std::size_t idx = 0; idx < part.size(); ++idx) with_records[idx] |= part[idx];
    }
  }
  Result<CompanionEngine> engine = BuildEngine(*rule, local, threads, cluster);
  if (cluster.Max(engine.ok() ? 0 : 1) != 0) {
    if (!engine.ok()) ReportFailure(engine.status(), say);
    return kCompanionsExitFailed;
  }
  local.runs = RunTable();
  const std::int64_t stays = cluster.Sum(static_cast<std::int64_t>(engine->stays().size()));
  Say(say.errors, say.locale, "companions.progress.built",
      {{"stays", std::to_string(stays)},
       {"phones", std::to_string(phones)},
       {"cells", std::to_string(engine->cells().size())},
       {"seconds", Fixed(SecondsSince(build_start), 2)}});
  for (std::size_t idx = 0; idx < cases->cases.size(); ++idx) {
    if (with_records[idx] == 0) {
      Say(say.errors, say.locale, "companions.note.case_without_records",
          {{"phone", cases->texts.at(cases->cases[idx].phone)},
           {"path", options.cases_path},
           {"line", std::to_string(cases->lines[idx])}});
    }
  }

  Say(say.errors, say.locale, "companions.progress.evaluating",
      {{"cases", std::to_string(cases->cases.size())}, {"threads", std::to_string(threads)}});
  const Clock::time_point evaluate_start = Clock::now();
  std::vector<CompanionPair> pairs;
  std::vector<CompanionPair> ring2;
  std::size_t pair_count = 0;
  // One process, one ring: each case's rows are written as soon as they are found.
  const bool stream = cluster.size() == 1 && options.rings < 2;
  if (stream) {
    const std::optional<std::size_t> streamed =
        EvaluateAndStream(options, *cases, local, *engine, threads, say, output);
    if (!streamed) return kCompanionsExitFailed;
    pair_count = *streamed;
    Say(say.errors, say.locale, "companions.progress.evaluated",
        {{"pairs", std::to_string(pair_count)},
         {"seconds", Fixed(SecondsSince(evaluate_start), 2)}});
  } else {
    Result<std::vector<CompanionPair>> ring1 = engine->Evaluate(cases->cases, threads);
    if (cluster.Max(ring1.ok() ? 0 : 1) != 0) {
      if (!ring1.ok()) ReportFailure(ring1.status(), say);
      return kCompanionsExitFailed;
    }
    pairs = MergePairs(std::move(*ring1), cluster);
    pair_count = pairs.size();
    Say(say.errors, say.locale, "companions.progress.evaluated",
        {{"pairs", std::to_string(pairs.size())},
         {"seconds", Fixed(SecondsSince(evaluate_start), 2)}});

    if (options.rings >= 2) {
      std::optional<std::vector<CompanionPair>> found =
          FindRing2(cases->cases, pairs, *engine, threads, cluster, say);
      if (!found) return kCompanionsExitFailed;
      ring2 = std::move(*found);
    }
    GatherNames(local.names, cluster);
    if (cluster.rank() != 0) return kCompanionsExitOk;

    // The engine's memory is free for the output now.
    engine = Status::Internal("released");
    if (!WriteOutput(
            [&](std::FILE* file) {
              return WritePairsCsv(pairs, ring2, options.rings >= 2, cases->texts, local.names,
                                   threads, file);
            },
            options.out_path, output)) {
      return ReportWriteError(options, say);
    }
  }
  Say(say.errors, say.locale, "companions.summary",
      {{"read", std::to_string(local.rows_read)},
       {"bad", std::to_string(local.bad_rows)},
       {"towers", std::to_string(local.towers.size())},
       {"phones", std::to_string(phones)},
       {"stays", std::to_string(stays)},
       {"cases", std::to_string(cases->cases.size())},
       {"pairs", std::to_string(pair_count)},
       {"threads", std::to_string(threads)},
       {"seconds", Fixed(SecondsSince(start), 2)}});
  if (options.rings >= 2) {
    Say(say.errors, say.locale, "companions.summary_ring2",
        {{"pairs", std::to_string(ring2.size())}});
  }
  return local.bad_rows > 0 ? kCompanionsExitRowsSkipped : kCompanionsExitOk;
}

}  // namespace

int RunCompanions(const CompanionsCommandOptions& options, std::FILE* output, std::FILE* errors) {
  if (StartedByMpirun()) {
    std::unique_ptr<Cluster> job = JoinMpiJob();
    if (!job) {
      Say(errors, CommandLineLocale(), "companions.error.mpi");
      return kCompanionsExitFailed;
    }
    return RunOnCluster(options, *job, output, errors);
  }
  SingleProcess single;
  return RunOnCluster(options, single, output, errors);
}

int RunCompanionsIngest(const CompanionsCommandOptions& options, std::FILE* errors) {
  ReturnLargeBuffersToTheSystem();
  const Clock::time_point start = Clock::now();
  Reporter say{CommandLineLocale(), errors, options.max_reported};
  const std::optional<Keying> keying = MakeKeying(options, say);
  if (!keying) return kCompanionsExitUnreadable;
  SingleProcess single;
  LocalRecords local;
  CompanionsCommandOptions csv = options;
  csv.store_path.clear();
  const int threads = DefaultThreads(options, single);
  if (const int code = LoadRecords(csv, *keying, threads, single, say, local); code != 0) {
    return code;
  }
  // The stays and index of the default rule, so that queries with it skip building them.
  const Clock::time_point prepare_start = Clock::now();
  Result<companions::PreparedStays> prepared =
      companions::PrepareStays(local.towers, local.runs, CompanionRule{}, threads);
  if (!prepared.ok()) {
    ReportFailure(prepared.status(), say);
    return kCompanionsExitFailed;
  }
  Say(errors, say.locale, "companions.progress.built",
      {{"stays", std::to_string(prepared->stays.size())},
       {"phones", std::to_string(prepared->stays.phone_count())},
       {"cells", std::to_string(prepared->cells.size())},
       {"seconds", Fixed(SecondsSince(prepare_start), 2)}});
  RunStore store;
  store.prepared = std::move(*prepared);
  store.towers = std::move(local.towers);
  store.runs = std::move(local.runs);
  store.names = std::move(local.names);
  store.key_fingerprint = keying->fingerprint;
  store.rows_read = local.rows_read;
  store.bad_rows = local.bad_rows;
  const Clock::time_point write_start = Clock::now();
  if (const Status written = companions::WriteRunStore(options.store_path, store); !written.ok()) {
    Say(errors, say.locale, written.message_id(), written.args());
    return kCompanionsExitFailed;
  }
  std::error_code error;
  const std::uintmax_t bytes = std::filesystem::file_size(options.store_path, error);
  Say(errors, say.locale, "companions.progress.store_written",
      {{"path", options.store_path},
       {"towers", std::to_string(store.towers.size())},
       {"phones", std::to_string(store.runs.phone_count())},
       {"runs", std::to_string(store.runs.size())},
       {"megabytes", std::to_string(error ? 0 : bytes >> 20)},
       {"seconds", Fixed(SecondsSince(write_start), 2)}});
  Say(errors, say.locale, "companions.summary_ingest",
      {{"read", std::to_string(local.rows_read)},
       {"bad", std::to_string(local.bad_rows)},
       {"seconds", Fixed(SecondsSince(start), 2)}});
  return local.bad_rows > 0 ? kCompanionsExitRowsSkipped : kCompanionsExitOk;
}

int RunCompanionsExplain(const CompanionsCommandOptions& options, std::FILE* output,
                         std::FILE* errors) {
  Reporter say{CommandLineLocale(), errors, options.max_reported};
  if (options.case_phone == options.companion_phone) {
    Say(errors, say.locale, "companions.error.same_phone", {{"phone", options.case_phone}});
    return kCompanionsExitUnreadable;
  }
  // One pair is small work: one process, whatever launched it (under mpirun, rank 0 answers).
  std::unique_ptr<Cluster> job;
  if (StartedByMpirun()) {
    job = JoinMpiJob();
    if (job && job->rank() != 0) return kCompanionsExitOk;
  }
  SingleProcess single;
  const std::optional<CompanionRule> rule = RuleOf(options, say);
  if (!rule) return kCompanionsExitUnreadable;
  const std::optional<Keying> keying = MakeKeying(options, say);
  if (!keying) return kCompanionsExitUnreadable;
  const PhoneKeyer& keyer = keying->keyer;
  const int threads = DefaultThreads(options, single);
  LocalRecords local;
  if (const int code = LoadRecords(options, *keying, threads, single, say, local); code != 0) {
    return code;
  }
  std::int64_t case_bad_rows = 0;
  std::optional<Cases> cases = ReadCases(options.cases_path, keyer, say, case_bad_rows);
  if (!cases) return kCompanionsExitUnreadable;
  local.bad_rows += case_bad_rows;
  Result<CompanionEngine> engine = BuildEngine(*rule, local, threads, single);
  if (!engine.ok()) {
    ReportFailure(engine.status(), say);
    return kCompanionsExitFailed;
  }

  const std::uint64_t case_key = keyer.Key(options.case_phone);
  const auto confirmed = std::find_if(cases->cases.begin(), cases->cases.end(),
                                      [&](const Case& each) { return each.phone == case_key; });
  if (confirmed == cases->cases.end()) {
    Say(errors, say.locale, "companions.error.no_such_case",
        {{"phone", options.case_phone}, {"path", options.cases_path}});
    return kCompanionsExitUnreadable;
  }
  // A "~" pseudonym names its key; any other text is keyed as the files' numbers are.
  std::uint64_t companion = keyer.Key(options.companion_phone);
  if (options.companion_phone.size() == 17 && options.companion_phone[0] == '~') {
    companion = std::stoull(options.companion_phone.substr(1), nullptr, 16);
  }
  const Result<Explanation> explanation = engine->Explain(*confirmed, companion);
  if (!explanation.ok()) {
    ReportFailure(explanation.status(), say);
    return kCompanionsExitFailed;
  }

  const std::string text = ExplanationText(say.locale, options.case_phone, options.companion_phone,
                                           confirmed->confirmed_at, *explanation, engine->rule());
  if (!WriteAll(text, output)) {
    Say(errors, say.locale, "companions.error.write",
        {{"path", "-"}, {"detail", std::strerror(errno)}});
    return kCompanionsExitFailed;
  }
  return local.bad_rows > 0 ? kCompanionsExitRowsSkipped : kCompanionsExitOk;
}

}  // namespace lifeline
