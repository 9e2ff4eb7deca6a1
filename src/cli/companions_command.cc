#include "cli/companions_command.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cli/commands.h"
#include "cli/csv_input.h"
#include "core/csv.h"
#include "core/geo.h"
#include "core/i18n.h"
#include "core/time.h"

namespace lifeline {
namespace {

using companions::Case;
using companions::CompanionEngine;
using companions::CompanionPair;
using companions::CompanionRule;
using companions::Explanation;
using companions::Record;
using companions::Tower;

using Clock = std::chrono::steady_clock;

std::string Fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Prints one catalogue message as a line on `out`.
void Say(std::FILE* out, const std::string& locale, std::string_view id,
         const MessageArgs& args = {}) {
  std::fprintf(out, "%s\n", Catalogue::Builtin().Render(locale, id, args).c_str());
}

std::string_view Trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// Unix seconds, or ISO-8601 with "Z" or an offset (fractions of a second are dropped, towards
// the past); nullopt for anything else or a time beyond ±kMaxAbsSeconds.
std::optional<std::int64_t> ParseTime(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return std::nullopt;
  std::optional<std::int64_t> seconds = ParseCsvInt(text);
  if (!seconds) {
    const Result<UnixMillis> millis = ParseIso8601(text);
    if (!millis.ok()) return std::nullopt;
    seconds = *millis / kMillisPerSecond - (*millis % kMillisPerSecond < 0 ? 1 : 0);
  }
  if (*seconds > companions::kMaxAbsSeconds || *seconds < -companions::kMaxAbsSeconds) {
    return std::nullopt;
  }
  return seconds;
}

std::string IsoOf(std::int64_t seconds) { return FormatIso8601(seconds * kMillisPerSecond); }

// The kinds of bad rows, each reported one by one up to a limit, then counted.
enum BadKind : std::size_t {
  kMalformed,     // broken quoting, a missing or empty column
  kBadNumber,     // a coordinate that is not a number or off the globe
  kUnknownTower,  // a record naming no tower of cells.csv
  kBadTime,       // neither Unix seconds nor ISO-8601 with a zone
  kDuplicate,     // a tower or a case listed twice
  kBadKindCount,
};

constexpr std::array<const char*, kBadKindCount> kBadKindIds = {
    "companions.kind.malformed", "companions.kind.bad_number", "companions.kind.unknown_tower",
    "companions.kind.bad_time", "companions.kind.duplicate"};

// Reads the columns of the current row of one file and reports what is wrong with it.
class RowChecker {
 public:
  RowChecker(const CsvReader& csv, const std::string& path, const std::string& locale,
             std::FILE* errors, std::int64_t max_reported)
      : csv_(csv), path_(path), locale_(locale), errors_(errors), max_reported_(max_reported) {}

  // Reports a bad row of `kind`; returns false so callers can `return Bad(...)`.
  bool Bad(BadKind kind, std::string_view reason_id, const MessageArgs& args = {}) {
    if (counts_[kind]++ < max_reported_) {
      const Catalogue& catalogue = Catalogue::Builtin();
      Say(errors_, locale_, "companions.row.bad",
          {{"path", path_},
           {"line", std::to_string(csv_.line())},
           {"reason", catalogue.Render(locale_, reason_id, args)}});
    }
    return false;
  }

  bool Wellformed() { return !csv_.malformed() || Bad(kMalformed, "companions.row.malformed"); }

  bool Text(std::size_t column, const char* name, std::string_view& out) {
    if (column >= csv_.size()) {
      return Bad(kMalformed, "companions.row.missing_column", {{"column", name}});
    }
    out = Trim(csv_.field(column));
    if (out.empty()) return Bad(kMalformed, "companions.row.empty", {{"column", name}});
    return true;
  }

  bool Number(std::size_t column, const char* name, double& out) {
    std::string_view text;
    if (!Text(column, name, text)) return false;
    const std::optional<double> value = ParseCsvDouble(text);
    if (!value) {
      return Bad(kBadNumber, "companions.row.not_number",
                 {{"column", name}, {"value", std::string(text)}});
    }
    out = *value;
    return true;
  }

  bool Time(std::size_t column, const char* name, std::int64_t& out) {
    std::string_view text;
    if (!Text(column, name, text)) return false;
    const std::optional<std::int64_t> value = ParseTime(text);
    if (!value) {
      return Bad(kBadTime, "companions.row.bad_time",
                 {{"column", name}, {"value", std::string(text)}});
    }
    out = *value;
    return true;
  }

  // After the last row: how many rows of each kind were not shown; returns the bad rows' total.
  std::int64_t Finish() {
    std::int64_t total = 0;
    for (std::size_t kind = 0; kind < kBadKindCount; ++kind) {
      total += counts_[kind];
      if (counts_[kind] > max_reported_) {
        Say(errors_, locale_, "companions.row.more",
            {{"path", path_},
             {"count", std::to_string(counts_[kind] - max_reported_)},
             {"kind", Catalogue::Builtin().Render(locale_, kBadKindIds[kind])}});
      }
    }
    return total;
  }

 private:
  const CsvReader& csv_;
  const std::string& path_;
  const std::string& locale_;
  std::FILE* errors_;
  std::int64_t max_reported_;
  std::array<std::int64_t, kBadKindCount> counts_{};
};

// Phone numbers as text, numbered first in the order met and then by their sorted order, so a
// key is the rank of the number's text and output sorted by key is sorted by text.
class PhoneDictionary {
 public:
  std::uint32_t Intern(std::string_view phone) {
    const auto [it, inserted] =
        ids_.try_emplace(std::string(phone), static_cast<std::uint32_t>(names_.size()));
    if (inserted) names_.emplace_back(phone);
    return it->second;
  }
  // Sorts the names; returns the new key of every id handed out.
  std::vector<std::uint64_t> Sort() {
    std::vector<std::uint32_t> order(names_.size());
    for (std::uint32_t id = 0; id < order.size(); ++id) order[id] = id;
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return names_[a] < names_[b]; });
    std::vector<std::uint64_t> key_of(names_.size());
    std::vector<std::string> sorted(names_.size());
    for (std::size_t rank = 0; rank < order.size(); ++rank) {
      key_of[order[rank]] = rank;
      sorted[rank] = std::move(names_[order[rank]]);
    }
    names_ = std::move(sorted);
    ids_.clear();
    return key_of;
  }
  // After Sort(): the text of a key, and the key of a text.
  const std::string& Name(std::uint64_t key) const { return names_[key]; }
  std::optional<std::uint64_t> Find(std::string_view phone) const {
    const auto it = std::lower_bound(names_.begin(), names_.end(), phone);
    if (it == names_.end() || *it != phone) return std::nullopt;
    return static_cast<std::uint64_t>(it - names_.begin());
  }
  std::size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<std::string> names_;
};

// Everything the three files hold, ready for the engine.
struct Input {
  std::vector<Tower> towers;
  std::vector<Record> records;
  std::vector<Case> cases;
  std::vector<std::int64_t> case_lines;  // per case: its line in cases.csv
  PhoneDictionary phones;
  std::int64_t records_read = 0;
  std::int64_t bad_rows = 0;
};

bool ReadCells(const std::string& path, const std::string& locale, std::FILE* errors,
               std::int64_t max_reported, Input& input) {
  std::optional<CsvInput> open = OpenCsvInput(path, {"cell_id", "lat", "lon"}, locale, errors);
  if (!open) return false;
  CsvReader& csv = *open->reader;
  const std::vector<std::size_t>& column = open->columns;
  RowChecker row(csv, path, locale, errors, max_reported);
  std::unordered_map<std::string, std::int64_t> first_line;
  while (csv.Next()) {
    std::string_view id;
    Tower tower;
    const bool ok = row.Wellformed() && row.Text(column[0], "cell_id", id) &&
                    row.Number(column[1], "lat", tower.lat) &&
                    row.Number(column[2], "lon", tower.lon) &&
                    (IsValidLatLon({tower.lat, tower.lon}) ||
                     row.Bad(kBadNumber, "companions.row.bad_coordinates"));
    if (!ok) continue;
    const auto [it, inserted] = first_line.try_emplace(std::string(id), csv.line());
    if (!inserted) {
      row.Bad(kDuplicate, "companions.row.duplicate_tower",
              {{"id", std::string(id)}, {"first_line", std::to_string(it->second)}});
      continue;
    }
    tower.cell_id = std::string(id);
    input.towers.push_back(std::move(tower));
  }
  input.bad_rows += row.Finish();
  return ReadToEnd(csv, path, locale, errors);
}

bool ReadRecords(const std::string& path, const std::string& locale, std::FILE* errors,
                 std::int64_t max_reported, Input& input) {
  std::optional<CsvInput> open = OpenCsvInput(path, {"phone", "cell_id", "time"}, locale, errors);
  if (!open) return false;
  std::unordered_map<std::string, std::uint32_t> tower_of;
  for (std::size_t idx = 0; idx < input.towers.size(); ++idx) {
    tower_of.emplace(input.towers[idx].cell_id, static_cast<std::uint32_t>(idx));
  }
  CsvReader& csv = *open->reader;
  const std::vector<std::size_t>& column = open->columns;
  RowChecker row(csv, path, locale, errors, max_reported);
  std::string cell_id;
  while (csv.Next()) {
    ++input.records_read;
    std::string_view phone, cell;
    Record record;
    if (!row.Wellformed() || !row.Text(column[0], "phone", phone) ||
        !row.Text(column[1], "cell_id", cell) || !row.Time(column[2], "time", record.time)) {
      continue;
    }
    cell_id.assign(cell);
    const auto tower = tower_of.find(cell_id);
    if (tower == tower_of.end()) {
      row.Bad(kUnknownTower, "companions.row.unknown_tower", {{"id", cell_id}});
      continue;
    }
    record.tower = tower->second;
    record.phone = input.phones.Intern(phone);
    input.records.push_back(record);
  }
  input.bad_rows += row.Finish();
  return ReadToEnd(csv, path, locale, errors);
}

bool ReadCases(const std::string& path, const std::string& locale, std::FILE* errors,
               std::int64_t max_reported, Input& input) {
  std::optional<CsvInput> open = OpenCsvInput(path, {"phone", "confirmed_at"}, locale, errors);
  if (!open) return false;
  CsvReader& csv = *open->reader;
  const std::vector<std::size_t>& column = open->columns;
  RowChecker row(csv, path, locale, errors, max_reported);
  std::unordered_map<std::uint64_t, std::int64_t> first_line;
  while (csv.Next()) {
    std::string_view phone;
    Case confirmed;
    if (!row.Wellformed() || !row.Text(column[0], "phone", phone) ||
        !row.Time(column[1], "confirmed_at", confirmed.confirmed_at)) {
      continue;
    }
    confirmed.phone = input.phones.Intern(phone);
    const auto [it, inserted] = first_line.try_emplace(confirmed.phone, csv.line());
    if (!inserted) {
      row.Bad(kDuplicate, "companions.row.duplicate_case",
              {{"phone", std::string(phone)}, {"first_line", std::to_string(it->second)}});
      continue;
    }
    input.cases.push_back(confirmed);
    input.case_lines.push_back(csv.line());
  }
  input.bad_rows += row.Finish();
  return ReadToEnd(csv, path, locale, errors);
}

// Reads the three files, reporting bad rows, and turns phone numbers into keys. Nothing when a
// file cannot be read or lacks a header column (the reason printed).
std::optional<Input> ReadInput(const CompanionsCommandOptions& options, const std::string& locale,
                               std::FILE* errors) {
  Input input;
  const Clock::time_point start = Clock::now();
  if (!ReadCells(options.cells_path, locale, errors, options.max_reported, input)) {
    return std::nullopt;
  }
  if (!ReadRecords(options.records_path, locale, errors, options.max_reported, input)) {
    return std::nullopt;
  }
  const std::size_t phones_with_records = input.phones.size();
  if (!ReadCases(options.cases_path, locale, errors, options.max_reported, input)) {
    return std::nullopt;
  }
  const std::vector<std::uint64_t> key_of = input.phones.Sort();
  for (Record& record : input.records) record.phone = key_of[record.phone];
  for (std::size_t idx = 0; idx < input.cases.size(); ++idx) {
    Case& confirmed = input.cases[idx];
    // Ids handed out only while reading cases belong to phones without records.
    if (confirmed.phone >= phones_with_records) {
      Say(errors, locale, "companions.note.case_without_records",
          {{"phone", input.phones.Name(key_of[confirmed.phone])},
           {"path", options.cases_path},
           {"line", std::to_string(input.case_lines[idx])}});
    }
    confirmed.phone = key_of[confirmed.phone];
  }
  Say(errors, locale, "companions.progress.read",
      {{"towers", std::to_string(input.towers.size())},
       {"records", std::to_string(input.records.size())},
       {"read", std::to_string(input.records_read)},
       {"cases", std::to_string(input.cases.size())},
       {"bad", std::to_string(input.bad_rows)},
       {"seconds", Fixed(SecondsSince(start), 3)}});
  return input;
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

void ReportFailure(const Status& status, const std::string& locale, std::FILE* errors) {
  Say(errors, locale, "companions.error.failed",
      {{"message", Catalogue::Builtin().Render(locale, status.message_id(), status.args())}});
}

// Reads the input and builds the engine; on failure the exit code.
struct Prepared {
  Input input;
  std::optional<CompanionEngine> engine;
  int exit_code = kCompanionsExitOk;
};

Prepared Prepare(const CompanionsCommandOptions& options, const std::string& locale,
                 std::FILE* errors) {
  Prepared prepared;
  CompanionRule rule;
  rule.gap_s = options.gap_s;
  if (!options.origin.empty()) {
    rule.origin = ParseOrigin(options.origin);
    if (!rule.origin) {
      Say(errors, locale, "companions.error.origin", {{"value", options.origin}});
      prepared.exit_code = kCompanionsExitUnreadable;
      return prepared;
    }
  }
  std::optional<Input> input = ReadInput(options, locale, errors);
  if (!input) {
    prepared.exit_code = kCompanionsExitUnreadable;
    return prepared;
  }
  prepared.input = std::move(*input);
  const Clock::time_point start = Clock::now();
  Result<CompanionEngine> engine =
      CompanionEngine::Build(prepared.input.towers, prepared.input.records, rule);
  if (!engine.ok()) {
    ReportFailure(engine.status(), locale, errors);
    prepared.exit_code = kCompanionsExitFailed;
    return prepared;
  }
  prepared.engine.emplace(std::move(*engine));
  Say(errors, locale, "companions.progress.built",
      {{"stays", std::to_string(prepared.engine->stays().size())},
       {"phones", std::to_string(prepared.engine->stays().phone_count())},
       {"cells", std::to_string(prepared.engine->cells().size())},
       {"seconds", Fixed(SecondsSince(start), 3)}});
  // Records are in the engine now.
  std::vector<Record>().swap(prepared.input.records);
  return prepared;
}

void AppendCsvField(std::string_view text, std::string& out) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

bool WriteAll(const std::string& text, std::FILE* output) {
  return std::fwrite(text.data(), 1, text.size(), output) == text.size() &&
         std::fflush(output) == 0;
}

// Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "(" + std::to_string(...).
std::string CellText(const GridCell& cell) {
  std::string text = "(";
  text += std::to_string(cell.gx);
  text += ", ";
  text += std::to_string(cell.gy);
  text += ")";
  return text;
}

}  // namespace

int RunCompanions(const CompanionsCommandOptions& options, std::FILE* output, std::FILE* errors) {
  const std::string locale = CommandLineLocale();
  const Clock::time_point start = Clock::now();
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  Prepared prepared = Prepare(options, locale, errors);
  if (!prepared.engine) return prepared.exit_code;
  const Input& input = prepared.input;

  Say(errors, locale, "companions.progress.evaluating",
      {{"cases", std::to_string(input.cases.size())}, {"threads", std::to_string(threads)}});
  const Clock::time_point evaluate_start = Clock::now();
  const Result<std::vector<CompanionPair>> pairs = prepared.engine->Evaluate(input.cases, threads);
  if (!pairs.ok()) {
    ReportFailure(pairs.status(), locale, errors);
    return kCompanionsExitFailed;
  }
  Say(errors, locale, "companions.progress.evaluated",
      {{"pairs", std::to_string(pairs->size())},
       {"seconds", Fixed(SecondsSince(evaluate_start), 3)}});

  // Keys are ranks of the phone numbers' text and pairs come sorted by them: the text order.
  std::string text = "case_phone,companion_phone,co_stays,longest_overlap_s,first_overlap_start\n";
  for (const CompanionPair& pair : *pairs) {
    AppendCsvField(input.phones.Name(pair.case_phone), text);
    text += ',';
    AppendCsvField(input.phones.Name(pair.companion_phone), text);
    text += ',' + std::to_string(pair.co_stays) + ',' + std::to_string(pair.longest_overlap_s) +
            ',' + std::to_string(pair.first_overlap_start) + '\n';
  }
  bool written = false;
  if (options.out_path.empty()) {
    written = WriteAll(text, output);
  } else {
    std::unique_ptr<std::FILE, CsvInput::FileCloser> file(
        std::fopen(options.out_path.c_str(), "wb"));
    written = file && WriteAll(text, file.get());
    written = (file && std::fclose(file.release()) == 0) && written;
  }
  if (!written) {
    Say(errors, locale, "companions.error.write",
        {{"path", options.out_path.empty() ? "-" : options.out_path},
         {"detail", std::strerror(errno)}});
    return kCompanionsExitFailed;
  }
  Say(errors, locale, "companions.summary",
      {{"read", std::to_string(input.records_read)},
       {"bad", std::to_string(input.bad_rows)},
       {"towers", std::to_string(input.towers.size())},
       {"phones", std::to_string(input.phones.size())},
       {"stays", std::to_string(prepared.engine->stays().size())},
       {"cases", std::to_string(input.cases.size())},
       {"pairs", std::to_string(pairs->size())},
       {"threads", std::to_string(threads)},
       {"seconds", Fixed(SecondsSince(start), 3)}});
  return input.bad_rows > 0 ? kCompanionsExitRowsSkipped : kCompanionsExitOk;
}

int RunCompanionsExplain(const CompanionsCommandOptions& options, std::FILE* output,
                         std::FILE* errors) {
  const std::string locale = CommandLineLocale();
  if (options.case_phone == options.companion_phone) {
    Say(errors, locale, "companions.error.same_phone", {{"phone", options.case_phone}});
    return kCompanionsExitUnreadable;
  }
  Prepared prepared = Prepare(options, locale, errors);
  if (!prepared.engine) return prepared.exit_code;
  const Input& input = prepared.input;
  const CompanionRule& rule = prepared.engine->rule();

  const std::optional<std::uint64_t> case_key = input.phones.Find(options.case_phone);
  const auto confirmed =
      std::find_if(input.cases.begin(), input.cases.end(),
                   [&](const Case& each) { return case_key && each.phone == *case_key; });
  if (confirmed == input.cases.end()) {
    Say(errors, locale, "companions.error.no_such_case",
        {{"phone", options.case_phone}, {"path", options.cases_path}});
    return kCompanionsExitUnreadable;
  }
  // A companion without records cannot be one; any key that is not the case's explains nothing.
  const std::optional<std::uint64_t> companion_key = input.phones.Find(options.companion_phone);
  const std::uint64_t companion = companion_key ? *companion_key : input.phones.size();
  const Result<Explanation> explanation = prepared.engine->Explain(*confirmed, companion);
  if (!explanation.ok()) {
    ReportFailure(explanation.status(), locale, errors);
    return kCompanionsExitFailed;
  }

  const Catalogue& catalogue = Catalogue::Builtin();
  std::string text;
  auto line = [&](std::string_view id, const MessageArgs& args) {
    text += catalogue.Render(locale, id, args);
    text += '\n';
  };
  line("companions.explain.header", {{"case", options.case_phone},
                                     {"companion", options.companion_phone},
                                     {"confirmed_iso", IsoOf(confirmed->confirmed_at)},
                                     {"confirmed", std::to_string(confirmed->confirmed_at)},
                                     {"from_iso", IsoOf(explanation->window.start)},
                                     {"from", std::to_string(explanation->window.start)},
                                     {"to_iso", IsoOf(explanation->window.end)},
                                     {"to", std::to_string(explanation->window.end)}});
  if (explanation->co_stays.empty()) {
    line("companions.explain.none", {{"case", options.case_phone},
                                     {"companion", options.companion_phone},
                                     {"overlap", std::to_string(rule.overlap_s)},
                                     {"dwell", std::to_string(rule.dwell_s)}});
  } else {
    line("companions.explain.co_stays", {{"count", std::to_string(explanation->co_stays.size())},
                                         {"overlap", std::to_string(rule.overlap_s)}});
    for (const companions::CoStay& co_stay : explanation->co_stays) {
      line("companions.explain.co_stay",
           {{"cell", CellText(co_stay.cell)},
            {"case_start_iso", IsoOf(co_stay.case_stay.start)},
            {"case_end_iso", IsoOf(co_stay.case_stay.end)},
            {"case_start", std::to_string(co_stay.case_stay.start)},
            {"case_end", std::to_string(co_stay.case_stay.end)},
            {"companion_start_iso", IsoOf(co_stay.companion_stay.start)},
            {"companion_end_iso", IsoOf(co_stay.companion_stay.end)},
            {"companion_start", std::to_string(co_stay.companion_stay.start)},
            {"companion_end", std::to_string(co_stay.companion_stay.end)},
            {"overlap_start_iso", IsoOf(co_stay.overlap.start)},
            {"overlap_end_iso", IsoOf(co_stay.overlap.end)},
            {"overlap_s", std::to_string(co_stay.overlap.end - co_stay.overlap.start)}});
    }
    line("companions.explain.dwells", {{"dwell", std::to_string(rule.dwell_s)}});
    for (const companions::CellDwell& dwell : explanation->dwells) {
      line("companions.explain.dwell",
           {{"cell", CellText(dwell.cell)},
            {"case_dwell", std::to_string(dwell.case_dwell_s)},
            {"case_hours", Fixed(static_cast<double>(dwell.case_dwell_s) / 3600.0, 2)},
            {"companion_dwell", std::to_string(dwell.companion_dwell_s)},
            {"companion_hours", Fixed(static_cast<double>(dwell.companion_dwell_s) / 3600.0, 2)}});
    }
  }
  if (!WriteAll(text, output)) {
    Say(errors, locale, "companions.error.write",
        {{"path", "-"}, {"detail", std::strerror(errno)}});
    return kCompanionsExitFailed;
  }
  return input.bad_rows > 0 ? kCompanionsExitRowsSkipped : kCompanionsExitOk;
}

}  // namespace lifeline
