#include "cli/match_command.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cli/commands.h"
#include "cli/console.h"
#include "cli/csv_input.h"
#include "core/csv.h"
#include "core/geo.h"
#include "core/i18n.h"

namespace lifeline {
namespace {

using matching::Need;
using matching::Offer;

// One input file's rows as the engine takes them, with the text ids (index = row order) and
// what was wrong with the rows left out.
template <typename Item>
struct Rows {
  std::vector<Item> items;  // id = index into names until Renumber()
  std::vector<std::string> names;
  std::int64_t skipped = 0;
};

// Reads the columns of one row, reporting the first problem on `errors`.
class RowReader {
 public:
  RowReader(const CsvReader& csv, const std::string& path, const std::string& locale,
            std::FILE* errors)
      : csv_(csv), path_(path), locale_(locale), errors_(errors) {}

  // Reports a bad row; returns false so callers can `return Bad(...)`.
  bool Bad(std::string_view reason_id, const MessageArgs& args = {}) {
    const Catalogue& catalogue = Catalogue::Builtin();
    std::fprintf(errors_, "%s\n",
                 catalogue
                     .Render(locale_, "match.row.bad",
                             {{"path", path_},
                              {"line", std::to_string(csv_.line())},
                              {"reason", catalogue.Render(locale_, reason_id, args)}})
                     .c_str());
    return false;
  }

  bool Text(std::size_t column, const char* name, std::string_view& out) {
    if (column >= csv_.size()) return Bad("match.row.missing_column", {{"column", name}});
    out = csv_.field(column);
    if (out.find_first_not_of(' ') == std::string_view::npos) {
      return Bad("match.row.empty", {{"column", name}});
    }
    return true;
  }
  bool Integer(std::size_t column, const char* name, std::int64_t& out) {
    std::string_view text;
    if (!Text(column, name, text)) return false;
    const std::optional<std::int64_t> value = ParseCsvInt(text);
    if (!value)
      return Bad("match.row.not_integer", {{"column", name}, {"value", std::string(text)}});
    out = *value;
    return true;
  }
  bool Quantity(std::size_t column, std::int64_t& out) {
    if (!Integer(column, "quantity", out)) return false;
    if (out < 0)
      return Bad("match.row.negative", {{"column", "quantity"}, {"value", std::to_string(out)}});
    return true;
  }
  bool Place(std::size_t lat_column, std::size_t lon_column, double& lat, double& lon) {
    std::string_view text;
    for (auto [column, name, out] :
         {std::tuple{lat_column, "lat", &lat}, std::tuple{lon_column, "lon", &lon}}) {
      if (!Text(column, name, text)) return false;
      const std::optional<double> value = ParseCsvDouble(text);
      if (!value)
        return Bad("match.row.not_number", {{"column", name}, {"value", std::string(text)}});
      *out = *value;
    }
    if (!IsValidLatLon({lat, lon})) return Bad("match.row.bad_coordinates");
    return true;
  }

 private:
  const CsvReader& csv_;
  const std::string& path_;
  const std::string& locale_;
  std::FILE* errors_;
};

// Keeps a row's text id unless it was seen before (then reports it and returns false).
bool AddName(std::string_view id, std::int64_t line, std::vector<std::string>& names,
             std::unordered_map<std::string, std::int64_t>& first_line, RowReader& row) {
  const auto [it, inserted] = first_line.emplace(std::string(id), line);
  if (!inserted) {
    return row.Bad("match.row.duplicate_id",
                   {{"id", std::string(id)}, {"first_line", std::to_string(it->second)}});
  }
  names.emplace_back(id);
  return true;
}

// Numbers items by the rank of their text id, so the engine's id order (its tie-break) is the
// ids' order and not the rows' order.
template <typename Item>
void Renumber(Rows<Item>& rows) {
  std::vector<std::size_t> order(rows.names.size());
  for (std::size_t idx = 0; idx < order.size(); ++idx) order[idx] = idx;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return rows.names[a] < rows.names[b]; });
  std::vector<std::string> sorted_names(order.size());
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    rows.items[order[rank]].id = static_cast<std::int64_t>(rank);
    sorted_names[rank] = std::move(rows.names[order[rank]]);
  }
  rows.names = std::move(sorted_names);
}

// After the last record: nothing when the file could not be read to its end (the error
// printed), otherwise the rows with their final ids.
template <typename Item>
std::optional<Rows<Item>> Finished(const CsvReader& csv, Rows<Item> rows, const std::string& path,
                                   const std::string& locale, std::FILE* errors) {
  if (!ReadToEnd(csv, path, locale, errors)) return std::nullopt;
  Renumber(rows);
  return rows;
}

std::optional<Rows<Need>> ReadNeeds(const std::string& path, const std::string& locale,
                                    std::FILE* errors) {
  std::optional<CsvInput> open =
      OpenCsvInput(path, {"need_id", "kind", "quantity", "priority", "lat", "lon"}, locale, errors);
  if (!open) return std::nullopt;
  Rows<Need> rows;
  std::unordered_map<std::string, std::int64_t> first_line;
  CsvReader& csv = *open->reader;
  const std::vector<std::size_t>& column = open->columns;
  RowReader row(csv, path, locale, errors);
  while (csv.Next()) {
    Need need;
    std::string_view id, kind;
    std::int64_t priority = 0;
    const bool ok =
        (!csv.malformed() || row.Bad("match.row.malformed")) &&
        row.Text(column[0], "need_id", id) && row.Text(column[1], "kind", kind) &&
        row.Quantity(column[2], need.quantity) && row.Integer(column[3], "priority", priority) &&
        (priority >= matching::kMinPriority && priority <= matching::kMaxPriority
             ? true
             : row.Bad("match.row.priority_range", {{"value", std::to_string(priority)}})) &&
        row.Place(column[4], column[5], need.lat, need.lon) &&
        AddName(id, csv.line(), rows.names, first_line, row);
    if (!ok) {
      ++rows.skipped;
      continue;
    }
    need.kind = std::string(kind);
    need.priority = static_cast<int>(priority);
    rows.items.push_back(std::move(need));
  }
  return Finished(csv, std::move(rows), path, locale, errors);
}

std::optional<Rows<Offer>> ReadOffers(const std::string& path, const std::string& locale,
                                      std::FILE* errors) {
  std::optional<CsvInput> open =
      OpenCsvInput(path, {"offer_id", "kind", "quantity", "lat", "lon"}, locale, errors);
  if (!open) return std::nullopt;
  Rows<Offer> rows;
  std::unordered_map<std::string, std::int64_t> first_line;
  CsvReader& csv = *open->reader;
  const std::vector<std::size_t>& column = open->columns;
  RowReader row(csv, path, locale, errors);
  while (csv.Next()) {
    Offer offer;
    std::string_view id, kind;
    const bool ok = (!csv.malformed() || row.Bad("match.row.malformed")) &&
                    row.Text(column[0], "offer_id", id) && row.Text(column[1], "kind", kind) &&
                    row.Quantity(column[2], offer.quantity) &&
                    row.Place(column[3], column[4], offer.lat, offer.lon) &&
                    AddName(id, csv.line(), rows.names, first_line, row);
    if (!ok) {
      ++rows.skipped;
      continue;
    }
    offer.kind = std::string(kind);
    rows.items.push_back(std::move(offer));
  }
  return Finished(csv, std::move(rows), path, locale, errors);
}

}  // namespace

int RunMatch(const MatchCommandOptions& options, std::FILE* output, std::FILE* errors) {
  const std::string locale = CommandLineLocale();
  const Catalogue& catalogue = Catalogue::Builtin();
  const auto start = std::chrono::steady_clock::now();
  std::optional<Rows<Need>> needs = ReadNeeds(options.needs_path, locale, errors);
  if (!needs) return kMatchExitUnreadable;
  std::optional<Rows<Offer>> offers = ReadOffers(options.offers_path, locale, errors);
  if (!offers) return kMatchExitUnreadable;

  matching::MatchOptions match_options;
  match_options.radius_km = options.radius_km;
  match_options.max_candidates_per_need = options.candidates;
  const Result<matching::MatchResult> result =
      options.greedy ? matching::MatchGreedy(needs->items, offers->items, match_options)
                     : matching::MatchOptimal(needs->items, offers->items, match_options);
  if (!result.ok()) {
    const Status& status = result.status();
    std::fprintf(
        errors, "%s\n",
        catalogue
            .Render(locale, "match.error.failed",
                    {{"message", catalogue.Render(locale, status.message_id(), status.args())}})
            .c_str());
    return kMatchExitFailed;
  }

  // Engine ids are ranks of the text ids, and matches come sorted by them: the text order.
  std::string text = "need_id,offer_id,quantity,distance_km\n";
  std::int64_t units = 0;
  for (const matching::Match& match : result->matches) {
    AppendCsvField(needs->names[static_cast<std::size_t>(match.need_id)], text);
    text += ',';
    AppendCsvField(offers->names[static_cast<std::size_t>(match.offer_id)], text);
    text += ',' + std::to_string(match.quantity) + ',' + Fixed(match.distance_km, 3) + '\n';
    units += match.quantity;
  }
  if (std::fwrite(text.data(), 1, text.size(), output) != text.size() || std::fflush(output) != 0) {
    std::fprintf(
        errors, "%s\n",
        catalogue.Render(locale, "match.error.write_stdout", {{"detail", std::strerror(errno)}})
            .c_str());
    return kMatchExitFailed;
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  const std::int64_t skipped = needs->skipped + offers->skipped;
  std::fprintf(
      errors, "%s\n",
      catalogue
          .Render(locale, "match.summary",
                  {{"needs", std::to_string(needs->items.size())},
                   {"offers", std::to_string(offers->items.size())},
                   {"method", catalogue.Render(locale, options.greedy ? "match.method.greedy"
                                                                      : "match.method.optimal")},
                   {"matches", std::to_string(result->matches.size())},
                   {"units", std::to_string(units)},
                   {"priority", std::to_string(result->served_priority)},
                   {"distance", Fixed(result->total_distance_km, 3)},
                   {"unmet_needs", std::to_string(result->unmet_need_ids.size())},
                   {"unmet_quantity", std::to_string(result->unmet_quantity)},
                   {"skipped", std::to_string(skipped)},
                   {"seconds", Fixed(elapsed.count(), 3)}})
          .c_str());
  return skipped > 0 ? kMatchExitRowsSkipped : kMatchExitOk;
}

}  // namespace lifeline
