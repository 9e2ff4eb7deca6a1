#include "cli/companions_input.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <unordered_map>

#include "cli/console.h"
#include "cli/csv_input.h"
#include "core/crypto.h"
#include "core/csv.h"
#include "core/i18n.h"
#include "engines/companions/record_ingest.h"

namespace lifeline {
namespace {

using companions::BadKind;
using companions::BadRow;
using companions::BadRows;
using companions::Case;
using companions::PhoneKeyer;
using companions::PhoneNames;
using companions::RunStore;
using companions::RunTable;
using companions::Tower;

using Clock = SteadyClock;

// The purpose the pseudonym key is derived for (crypto.h ShortHashKey): changing it changes every
// pseudonym, so it is fixed.
constexpr std::string_view kPseudonymPurpose = "companions phone pseudonym";

constexpr std::array<const char*, companions::kBadKindCount> kBadKindIds = {
    "companions.kind.malformed", "companions.kind.bad_number", "companions.kind.unknown_tower",
    "companions.kind.bad_time", "companions.kind.duplicate"};

// Prints the bad rows of one file ("path:line: reason; skipped", then "N more rows with …").
void ReportBadRows(const std::string& path, const BadRows& bad, std::int64_t max_reported,
                   const std::string& locale, std::FILE* errors) {
  const Catalogue& catalogue = Catalogue::Builtin();
  for (const BadRow& row : bad.shown) {
    Say(errors, locale, "companions.row.bad",
        {{"path", path},
         {"line", std::to_string(row.line)},
         {"reason", catalogue.Render(locale, row.reason_id, row.args)}});
  }
  for (std::size_t kind = 0; kind < companions::kBadKindCount; ++kind) {
    if (bad.counts[kind] > max_reported) {
      Say(errors, locale, "companions.row.more",
          {{"path", path},
           {"count", std::to_string(bad.counts[kind] - max_reported)},
           {"kind", catalogue.Render(locale, kBadKindIds[kind])}});
    }
  }
}

// Reads the columns of the current row of a small file (cells, cases) and records what is wrong.
class RowChecker {
 public:
  RowChecker(const CsvReader& csv, std::int64_t max_reported)
      : csv_(csv), max_reported_(max_reported) {}

  // Records a bad row of `kind`; returns false so callers can `return Bad(...)`.
  bool Bad(BadKind kind, const char* reason_id, MessageArgs args = {}) {
    bad_.Add({csv_.line(), kind, reason_id, std::move(args)}, max_reported_);
    return false;
  }

  bool Wellformed() {
    return !csv_.malformed() || Bad(companions::kMalformed, "companions.row.malformed");
  }

  bool Text(std::size_t column, const char* name, std::string_view& out) {
    if (column >= csv_.size()) {
      return Bad(companions::kMalformed, "companions.row.missing_column", {{"column", name}});
    }
    out = companions::TrimSpaces(csv_.field(column));
    if (out.empty()) return Bad(companions::kMalformed, "companions.row.empty", {{"column", name}});
    return true;
  }

  bool Number(std::size_t column, const char* name, double& out) {
    std::string_view text;
    if (!Text(column, name, text)) return false;
    const std::optional<double> value = ParseCsvDouble(text);
    if (!value) {
      return Bad(companions::kBadNumber, "companions.row.not_number",
                 {{"column", name}, {"value", std::string(text)}});
    }
    out = *value;
    return true;
  }

  bool Time(std::size_t column, const char* name, std::int64_t& out) {
    std::string_view text;
    if (!Text(column, name, text)) return false;
    const std::optional<std::int64_t> value = companions::ParseRecordTime(text);
    if (!value) {
      return Bad(companions::kBadTime, "companions.row.bad_time",
                 {{"column", name}, {"value", std::string(text)}});
    }
    out = *value;
    return true;
  }

  const BadRows& bad() const { return bad_; }

 private:
  const CsvReader& csv_;
  std::int64_t max_reported_;
  BadRows bad_;
};

// The towers of cells.csv, sorted by cell_id (the engine's order); nullopt if the file cannot be
// read or lacks a column (said). Bad rows go to `bad_rows`.
std::optional<std::vector<Tower>> ReadCells(const std::string& path, const Reporter& say,
                                            std::int64_t& bad_rows) {
  std::optional<CsvInput> open =
      OpenCsvInput(path, {"cell_id", "lat", "lon"}, say.locale, say.errors);
  if (!open) return std::nullopt;
  CsvReader& csv = *open->reader;
  const std::vector<std::size_t>& column = open->columns;
  RowChecker row(csv, say.max_reported);
  std::unordered_map<std::string, std::int64_t> first_line;
  std::vector<Tower> towers;
  while (csv.Next()) {
    std::string_view id;
    Tower tower;
    const bool ok = row.Wellformed() && row.Text(column[0], "cell_id", id) &&
                    row.Number(column[1], "lat", tower.lat) &&
                    row.Number(column[2], "lon", tower.lon) &&
                    (IsValidLatLon({tower.lat, tower.lon}) ||
                     row.Bad(companions::kBadNumber, "companions.row.bad_coordinates"));
    if (!ok) continue;
    const auto [it, inserted] = first_line.try_emplace(std::string(id), csv.line());
    if (!inserted) {
      row.Bad(companions::kDuplicate, "companions.row.duplicate_tower",
              {{"id", std::string(id)}, {"first_line", std::to_string(it->second)}});
      continue;
    }
    tower.cell_id = std::string(id);
    towers.push_back(std::move(tower));
  }
  ReportBadRows(path, row.bad(), say.max_reported, say.locale, say.errors);
  bad_rows += row.bad().total();
  if (!ReadToEnd(csv, path, say.locale, say.errors)) return std::nullopt;
  std::sort(towers.begin(), towers.end(),
            [](const Tower& a, const Tower& b) { return a.cell_id < b.cell_id; });
  return towers;
}

// records.csv through pread, so threads (and ranks) read their chunks independently.
class FileSource : public companions::ByteSource {
 public:
  explicit FileSource(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  std::uint64_t size() const override { return size_; }
  bool ReadAt(std::uint64_t offset, std::size_t length, char* out) const override {
    while (length > 0) {
      const ssize_t got = ::pread(fd_, out, length, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      out += got;
      offset += static_cast<std::uint64_t>(got);
      length -= static_cast<std::size_t>(got);
    }
    return true;
  }

 private:
  int fd_;
  std::uint64_t size_;
};

// records.csv open, its header checked: the columns, where data starts, and the bytes.
struct RecordsFile {
  std::unique_ptr<FileSource> source;
  std::uint64_t data_start = 0;
  companions::RecordColumns columns;
};

std::optional<RecordsFile> OpenRecords(const std::string& path, const Reporter& say) {
  // The header by name, as for every CSV input (errors said the same way).
  std::optional<CsvInput> header =
      OpenCsvInput(path, {"phone", "cell_id", "time"}, say.locale, say.errors);
  if (!header) return std::nullopt;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const off_t size = fd < 0 ? -1 : ::lseek(fd, 0, SEEK_END);
  if (size < 0) {
    Say(say.errors, say.locale, "cli.csv.unreadable",
        {{"path", path}, {"detail", std::strerror(errno)}});
    if (fd >= 0) ::close(fd);
    return std::nullopt;
  }
  RecordsFile file;
  file.source = std::make_unique<FileSource>(fd, static_cast<std::uint64_t>(size));
  file.columns = {header->columns[0], header->columns[1], header->columns[2]};
  // Data starts after the header's line end.
  char block[4096];
  std::uint64_t at = 0;
  file.data_start = file.source->size();
  while (at < file.source->size()) {
    const std::size_t length =
        static_cast<std::size_t>(std::min<std::uint64_t>(sizeof block, file.source->size() - at));
    if (!file.source->ReadAt(at, length, block)) break;
    if (const void* newline = std::memchr(block, '\n', length)) {
      file.data_start =
          at + static_cast<std::uint64_t>(static_cast<const char*>(newline) - block) + 1;
      break;
    }
    at += length;
  }
  return file;
}

// Prints "Reading records.csv: 30 %" as each tenth of the file is parsed.
class ProgressPrinter {
 public:
  ProgressPrinter(const Reporter& say, std::string path) : say_(say), path_(std::move(path)) {}
  // Never stops the parse.
  bool operator()(std::uint64_t done, std::uint64_t total) {
    if (total == 0) return true;
    const auto tenth = static_cast<int>(done * 10 / total);
    if (tenth <= printed_ || tenth >= 10) return true;
    printed_ = tenth;
    Say(say_.errors, say_.locale, "companions.progress.records",
        {{"path", path_},
         {"percent", std::to_string(tenth * 10)},
         {"megabytes", std::to_string(done >> 20)},
         {"seconds", Fixed(SecondsSince(start_), 1)}});
    return true;
  }

 private:
  const Reporter& say_;
  std::string path_;
  int printed_ = 0;
  Clock::time_point start_ = Clock::now();
};

std::string EncodeBadRows(const BadRows& bad) {
  std::string bytes;
  for (const std::int64_t count : bad.counts) AppendPod(bytes, count);
  AppendPod(bytes, static_cast<std::uint64_t>(bad.shown.size()));
  for (const BadRow& row : bad.shown) {
    AppendPod(bytes, row.line);
    AppendPod(bytes, static_cast<std::uint64_t>(row.kind));
    AppendText(bytes, row.reason_id);
    AppendPod(bytes, static_cast<std::uint64_t>(row.args.size()));
    for (const auto& [name, value] : row.args) {
      AppendText(bytes, name);
      AppendText(bytes, value);
    }
  }
  return bytes;
}

BadRows DecodeBadRows(const std::string& bytes) {
  PodReader in(bytes);
  BadRows bad;
  for (std::int64_t& count : bad.counts) count = in.Pod<std::int64_t>();
  const auto rows = in.Pod<std::uint64_t>();
  for (std::uint64_t idx = 0; idx < rows; ++idx) {
    BadRow row;
    row.line = in.Pod<std::int64_t>();
    row.kind = static_cast<BadKind>(in.Pod<std::uint64_t>());
    row.reason_id = in.Text();
    const auto args = in.Pod<std::uint64_t>();
    for (std::uint64_t arg = 0; arg < args; ++arg) {
      std::string name = in.Text();
      row.args.emplace_back(std::move(name), in.Text());
    }
    bad.shown.push_back(std::move(row));
  }
  return bad;
}

// Ingests this rank's share of records.csv and hands every phone's records to the rank that owns
// it (partition p belongs to rank p mod ranks); rank 0 prints the bad rows of the whole file in
// line order. Returns the exit code so far (0, or why it stopped).
int IngestCsvRecords(const CompanionsCommandOptions& options, const PhoneKeyer& keyer, int threads,
                     Cluster& cluster, const Reporter& say, LocalRecords& local,
                     const RecordsProgress& told) {
  const Clock::time_point start = Clock::now();
  std::optional<RecordsFile> file = OpenRecords(options.records_path, say);
  if (cluster.Max(file ? 0 : 1) != 0) return kCompanionsExitUnreadable;
  const std::uint64_t data = file->source->size() - file->data_start;
  const auto share = [&](int rank) {
    return file->data_start +
           data * static_cast<std::uint64_t>(rank) / static_cast<std::uint64_t>(cluster.size());
  };
  companions::TowerLookup lookup(local.towers);
  ProgressPrinter progress(say, options.records_path);
  companions::IngestOptions ingest_options;
  ingest_options.threads = threads;
  ingest_options.max_shown = say.max_reported;
  // A caller following the progress itself is told instead of the tenths being printed.
  if (told) {
    ingest_options.progress = told;
  } else if (say.errors != nullptr) {
    ingest_options.progress = std::ref(progress);
  }
  Result<companions::RecordsIngest> ingest = companions::IngestRecords(
      *file->source, file->data_start, share(cluster.rank()), share(cluster.rank() + 1),
      file->columns, lookup, keyer, ingest_options);
  if (cluster.Max(ingest.ok() ? 0 : 1) != 0) {
    if (!ingest.ok()) {
      Say(say.errors, say.locale, "companions.error.failed",
          {{"message", Catalogue::Builtin().Render(say.locale, ingest.status().message_id(),
                                                   ingest.status().args())}});
    }
    return kCompanionsExitFailed;
  }
  // Line numbers: the header's line, then the lines of the ranks before.
  ingest->bad.ShiftLines(1 + cluster.ExclusiveSum(ingest->lines));
  std::vector<std::string> bad_by_rank = cluster.GatherToRoot(EncodeBadRows(ingest->bad));
  BadRows bad;
  for (const std::string& bytes : bad_by_rank) bad.Append(DecodeBadRows(bytes), say.max_reported);
  ReportBadRows(options.records_path, bad, say.max_reported, say.locale, say.errors);
  local.bad_rows += bad.total();
  std::int64_t rows = ingest->rows;
  for (const std::string& bytes :
       cluster.GatherToRoot(std::string(reinterpret_cast<const char*>(&rows), sizeof rows))) {
    if (cluster.rank() == 0) local.rows_read += PodReader(bytes).Pod<std::int64_t>();
  }
  local.names = std::move(ingest->names);

  companions::PartitionedRecords records = std::move(ingest->records);
  if (cluster.size() > 1) {
    // Each partition goes to its owner whole.
    std::vector<std::string> outgoing(static_cast<std::size_t>(cluster.size()));
    for (std::size_t partition = 0; partition < companions::kPhonePartitions; ++partition) {
      std::string& out = outgoing[partition % outgoing.size()];
      for (auto& block : records.bucket(partition)) {
        out.append(reinterpret_cast<const char*>(block->records.data()),
                   block->size * sizeof(companions::PackedRecord));
        block.reset();
      }
    }
    records = companions::PartitionedRecords();
    for (const std::string& bytes : cluster.AllToAll(std::move(outgoing))) {
      for (std::size_t at = 0; at + sizeof(companions::PackedRecord) <= bytes.size();
           at += sizeof(companions::PackedRecord)) {
        companions::PackedRecord record;
        std::memcpy(&record, bytes.data() + at, sizeof record);
        records.Add(record);
      }
    }
  }
  Say(say.errors, say.locale, "companions.progress.read",
      {{"towers", std::to_string(local.towers.size())},
       {"records", std::to_string(local.rows_read - bad.total())},
       {"read", std::to_string(local.rows_read)},
       {"bad", std::to_string(bad.total())},
       {"seconds", Fixed(SecondsSince(start), 2)}});
  const Clock::time_point sort_start = Clock::now();
  local.runs = companions::BuildRuns(std::move(records), threads);
  const std::int64_t runs = cluster.Sum(static_cast<std::int64_t>(local.runs.size()));
  const std::int64_t phones = cluster.Sum(static_cast<std::int64_t>(local.runs.phone_count()));
  Say(say.errors, say.locale, "companions.progress.runs",
      {{"runs", std::to_string(runs)},
       {"phones", std::to_string(phones)},
       {"seconds", Fixed(SecondsSince(sort_start), 2)}});
  return kCompanionsExitOk;
}

// Keeps only the phones of `runs` this rank owns.
RunTable OwnPhones(RunTable runs, const Cluster& cluster) {
  if (cluster.size() == 1) return runs;
  RunTable own;
  for (std::size_t phone = 0; phone < runs.phone_count(); ++phone) {
    if (static_cast<int>(companions::PhonePartition(runs.phone_keys[phone]) %
                         static_cast<std::size_t>(cluster.size())) != cluster.rank()) {
      continue;
    }
    own.phone_keys.push_back(runs.phone_keys[phone]);
    for (std::uint64_t run = runs.phone_first_run[phone]; run < runs.phone_first_run[phone + 1];
         ++run) {
      own.tower.push_back(runs.tower[run]);
      own.first.push_back(runs.first[run]);
      own.last.push_back(runs.last[run]);
    }
    own.phone_first_run.push_back(own.size());
  }
  return own;
}

// Whether a store's prepared stays were built for the rule these flags ask for (the gap, the
// default cell size, the origin); the window, overlap and dwell apply at evaluation.
bool UsesPrepared(const companions::PreparedStays& prepared,
                  const CompanionsCommandOptions& options) {
  const std::optional<LatLon> origin =
      options.origin.empty() ? std::nullopt : ParseOrigin(options.origin);
  const bool same_origin =
      origin.has_value() == prepared.origin.has_value() &&
      (!origin || (origin->lat == prepared.origin->lat && origin->lon == prepared.origin->lon));
  return prepared.gap_s == options.gap_s &&
         prepared.cell_meters == companions::kDefaultCellMeters && same_origin;
}

}  // namespace

std::optional<Cases> ReadCases(const std::string& path, const PhoneKeyer& keyer,
                               const Reporter& say, std::int64_t& bad_rows) {
  std::optional<CsvInput> open =
      OpenCsvInput(path, {"phone", "confirmed_at"}, say.locale, say.errors);
  if (!open) return std::nullopt;
  CsvReader& csv = *open->reader;
  const std::vector<std::size_t>& column = open->columns;
  RowChecker row(csv, say.max_reported);
  std::unordered_map<std::uint64_t, std::int64_t> first_line;
  Cases cases;
  while (csv.Next()) {
    std::string_view phone;
    Case confirmed;
    if (!row.Wellformed() || !row.Text(column[0], "phone", phone) ||
        !row.Time(column[1], "confirmed_at", confirmed.confirmed_at)) {
      continue;
    }
    confirmed.phone = keyer.Key(phone);
    const auto [it, inserted] = first_line.try_emplace(confirmed.phone, csv.line());
    if (!inserted) {
      row.Bad(companions::kDuplicate, "companions.row.duplicate_case",
              {{"phone", std::string(phone)}, {"first_line", std::to_string(it->second)}});
      continue;
    }
    cases.cases.push_back(confirmed);
    cases.lines.push_back(csv.line());
    cases.texts.emplace(confirmed.phone, std::string(phone));
  }
  ReportBadRows(path, row.bad(), say.max_reported, say.locale, say.errors);
  bad_rows += row.bad().total();
  if (!ReadToEnd(csv, path, say.locale, say.errors)) return std::nullopt;
  return cases;
}

// The keying the flags ask for; nullopt (said) when --pseudonymise has no key file.
std::optional<Keying> MakeKeying(const CompanionsCommandOptions& options, const Reporter& say) {
  if (!options.pseudonymise) return Keying{};
  std::error_code error;
  const Result<std::string> key = std::filesystem::is_regular_file(options.key_file, error)
                                      ? LoadOrCreateKeyFile(options.key_file)
                                      : Result<std::string>(Status::NotFound("error.not_found"));
  if (!key.ok() || key->empty()) {
    Say(say.errors, say.locale, "companions.error.key_file", {{"path", options.key_file}});
    return std::nullopt;
  }
  const ShortHashKey hash_key(*key, kPseudonymPurpose);
  return Keying{PhoneKeyer(hash_key), hash_key.Fingerprint()};
}

// "LAT,LON" as a point on the globe.
std::optional<LatLon> ParseOrigin(std::string_view text) {
  const std::size_t comma = text.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  const std::optional<double> lat = ParseCsvDouble(text.substr(0, comma));
  const std::optional<double> lon = ParseCsvDouble(text.substr(comma + 1));
  if (!lat || !lon || !IsValidLatLon({*lat, *lon})) return std::nullopt;
  return LatLon{*lat, *lon};
}

// Loads the records: from the columnar store (--store) or from cells.csv and records.csv. Returns
// the exit code so far.
int LoadRecords(const CompanionsCommandOptions& options, const Keying& keying, int threads,
                Cluster& cluster, const Reporter& say, LocalRecords& local,
                const RecordsProgress& progress) {
  if (options.store_path.empty()) {
    std::optional<std::vector<Tower>> towers = ReadCells(options.cells_path, say, local.bad_rows);
    if (cluster.Max(towers ? 0 : 1) != 0) return kCompanionsExitUnreadable;
    local.towers = std::move(*towers);
    return IngestCsvRecords(options, keying.keyer, threads, cluster, say, local, progress);
  }
  const Clock::time_point start = Clock::now();
  Result<RunStore> store = companions::ReadRunStore(options.store_path);
  int code = kCompanionsExitOk;
  if (!store.ok()) {
    Say(say.errors, say.locale, store.status().message_id(), store.status().args());
    code = kCompanionsExitUnreadable;
  } else if (store->pseudonymised() != options.pseudonymise) {
    Say(say.errors, say.locale,
        store->pseudonymised() ? "companions.error.store_pseudonymised"
                               : "companions.error.store_plain",
        {{"path", options.store_path}});
    code = kCompanionsExitUnreadable;
  } else if (store->pseudonymised() && store->key_fingerprint != keying.fingerprint) {
    Say(say.errors, say.locale, "companions.error.store_other_key",
        {{"path", options.store_path}, {"key_file", options.key_file}});
    code = kCompanionsExitUnreadable;
  }
  if (cluster.Max(code) != 0) return kCompanionsExitUnreadable;
  Say(say.errors, say.locale, "companions.progress.store_read",
      {{"path", options.store_path},
       {"towers", std::to_string(store->towers.size())},
       {"phones", std::to_string(store->runs.phone_count())},
       {"runs", std::to_string(store->runs.size())},
       {"seconds", Fixed(SecondsSince(start), 2)}});
  if (cluster.size() > 1 || !store->prepared || !UsesPrepared(*store->prepared, options)) {
    // The runs are needed after all: checked before anything trusts them.
    const Status runs = store->CheckRuns();
    if (!runs.ok()) Say(say.errors, say.locale, runs.message_id(), runs.args());
    if (cluster.Max(runs.ok() ? 0 : 1) != 0) return kCompanionsExitUnreadable;
    store->prepared.reset();
  }
  local.towers = std::move(store->towers);
  local.prepared = std::move(store->prepared);
  local.runs = OwnPhones(std::move(store->runs), cluster);
  local.names = std::move(store->names);
  local.rows_read = cluster.rank() == 0 ? store->rows_read : 0;
  local.bad_rows = cluster.rank() == 0 ? store->bad_rows : 0;
  local.key_fingerprint = store->key_fingerprint;
  return kCompanionsExitOk;
}

Result<companions::CompanionEngine> BuildLocalEngine(const companions::CompanionRule& rule,
                                                     LocalRecords& local, int threads) {
  if (local.prepared) {
    companions::PreparedStays& prepared = *local.prepared;
    return companions::CompanionEngine::FromParts(
        std::move(prepared.cells), std::move(prepared.stays), std::move(prepared.index), rule);
  }
  return companions::CompanionEngine::FromRuns(local.towers, std::move(local.runs), rule, {},
                                               threads);
}

}  // namespace lifeline
