#include "cli/gen_mobility_command.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "cli/commands.h"
#include "cli/console.h"
#include "core/csv.h"
#include "core/i18n.h"
#include "core/time.h"
#include "engines/companions/record_ingest.h"

namespace lifeline {
namespace {

using companions::SyntheticCity;
using companions::SyntheticCityOptions;

using Clock = SteadyClock;

constexpr const char* kCellsFile = "cells.csv";
constexpr const char* kRecordsFile = "records.csv";
constexpr const char* kCasesFile = "cases.csv";
// Files are written under this suffix and renamed when complete.
constexpr const char* kPartialSuffix = ".partial";
constexpr double kBytesPerMegabyte = 1024.0 * 1024.0;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// Writes one file under its partial name, block by block, and renames it when complete.
class OutputFile {
 public:
  explicit OutputFile(std::filesystem::path path)
      : path_(std::move(path)), partial_(path_.string() + kPartialSuffix) {}

  bool Open() {
    file_.reset(std::fopen(partial_.c_str(), "wb"));
    return Fail(file_ != nullptr);
  }
  bool Write(std::string_view block) {
    return Fail(std::fwrite(block.data(), 1, block.size(), file_.get()) == block.size());
  }
  // Closes the file and gives it its name.
  bool Finish() {
    const bool closed = std::fclose(file_.release()) == 0;
    if (!Fail(closed)) return false;
    std::error_code error;
    std::filesystem::rename(partial_, path_, error);
    if (error) detail_ = error.message();
    return !error;
  }
  // After a failure: the partial file goes.
  void Discard() {
    file_.reset();
    std::error_code ignored;
    std::filesystem::remove(partial_, ignored);
  }
  const std::string& detail() const { return detail_; }
  std::string path() const { return path_.string(); }

 private:
  bool Fail(bool ok) {
    if (!ok && detail_.empty()) detail_ = std::strerror(errno);
    return ok;
  }

  std::filesystem::path path_;
  std::string partial_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::string detail_;
};

bool WriteWhole(OutputFile& file, std::string_view text) {
  if (file.Open() && file.Write(text) && file.Finish()) return true;
  file.Discard();
  return false;
}

}  // namespace

int RunGenMobility(const GenMobilityCommandOptions& options, std::FILE* errors) {
  const std::string locale = CommandLineLocale();
  const Clock::time_point start_time = Clock::now();
  if (options.out_dir.empty()) {
    Say(errors, locale, "mobility.error.missing_out");
    return kGenMobilityExitUsage;
  }
  SyntheticCityOptions city_options;
  city_options.phones = options.phones;
  city_options.days = options.days;
  city_options.cases = options.cases;
  city_options.seed = options.seed;
  city_options.towers = options.towers;
  city_options.threads = options.threads;
  if (!options.start.empty()) {
    const std::optional<std::int64_t> start = companions::ParseRecordTime(options.start);
    if (!start) {
      Say(errors, locale, "mobility.error.start_text", {{"value", options.start}});
      return kGenMobilityExitUsage;
    }
    city_options.start = *start;
  }
  if (const Status status = companions::ValidateSyntheticCity(city_options); !status.ok()) {
    Say(errors, locale, status.message_id(), status.args());
    return kGenMobilityExitUsage;
  }

  const std::filesystem::path dir(options.out_dir);
  if (!options.force) {
    for (const char* name : {kCellsFile, kRecordsFile, kCasesFile}) {
      std::error_code ignored;
      if (std::filesystem::exists(dir / name, ignored)) {
        Say(errors, locale, "mobility.error.exists", {{"path", (dir / name).string()}});
        return kGenMobilityExitUsage;
      }
    }
  }
  std::error_code mkdir_error;
  std::filesystem::create_directories(dir, mkdir_error);
  if (mkdir_error || !std::filesystem::is_directory(dir)) {
    Say(errors, locale, "mobility.error.mkdir",
        {{"path", options.out_dir},
         {"detail", mkdir_error ? mkdir_error.message() : std::strerror(ENOTDIR)}});
    return kGenMobilityExitFailed;
  }

  Result<SyntheticCity> built = SyntheticCity::Build(city_options);
  if (!built.ok()) {
    Say(errors, locale, built.status().message_id(), built.status().args());
    return kGenMobilityExitUsage;
  }
  const SyntheticCity& city = *built;
  const int threads = city.options().threads;
  Say(errors, locale, "mobility.progress.built",
      {{"towers", std::to_string(city.towers().size())},
       {"phones", std::to_string(city.phone_count())},
       {"households", std::to_string(city.household_count())},
       {"workplaces", std::to_string(city.workplace_count())},
       {"cases", std::to_string(city.cases().size())},
       {"seconds", Fixed(SecondsSince(start_time), 3)}});

  auto write_failed = [&](const OutputFile& file) {
    Say(errors, locale, "mobility.error.write", {{"path", file.path()}, {"detail", file.detail()}});
    return kGenMobilityExitFailed;
  };
  OutputFile cells_file(dir / kCellsFile);
  const std::string cells = city.CellsCsv();
  if (!WriteWhole(cells_file, cells)) return write_failed(cells_file);
  OutputFile cases_file(dir / kCasesFile);
  const std::string cases = city.CasesCsv();
  if (!WriteWhole(cases_file, cases)) return write_failed(cases_file);

  OutputFile records_file(dir / kRecordsFile);
  if (!records_file.Open()) {
    records_file.Discard();
    return write_failed(records_file);
  }
  const Clock::time_point records_start = Clock::now();
  const companions::RecordsWritten written = city.StreamRecordsCsv(
      [&](std::string_view block) { return records_file.Write(block); },
      [&](int day, std::int64_t records, std::int64_t bytes) {
        Say(errors, locale, "mobility.progress.day",
            {{"day", std::to_string(day + 1)},
             {"days", std::to_string(city_options.days)},
             {"percent", Fixed(100.0 * (day + 1) / city_options.days, 1)},
             {"records", std::to_string(records)},
             {"megabytes", Fixed(static_cast<double>(bytes) / kBytesPerMegabyte, 1)},
             {"seconds", Fixed(SecondsSince(records_start), 1)}});
      });
  if (!written.complete || !records_file.Finish()) {
    records_file.Discard();
    return write_failed(records_file);
  }

  Say(errors, locale, "mobility.summary",
      {{"dir", options.out_dir},
       {"towers", std::to_string(city.towers().size())},
       {"cells_bytes", std::to_string(cells.size())},
       {"records", std::to_string(written.records)},
       {"records_bytes", std::to_string(written.bytes)},
       {"cases", std::to_string(city.cases().size())},
       {"cases_bytes", std::to_string(cases.size())},
       {"phones", std::to_string(city.phone_count())},
       {"households", std::to_string(city.household_count())},
       {"days", std::to_string(city_options.days)},
       {"start", FormatIso8601(city_options.start * kMillisPerSecond)},
       {"seed", std::to_string(city_options.seed)},
       {"threads", std::to_string(threads)},
       {"seconds", Fixed(SecondsSince(start_time), 2)}});
  return kGenMobilityExitOk;
}

}  // namespace lifeline
