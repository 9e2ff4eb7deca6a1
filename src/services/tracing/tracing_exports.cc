// CSV exports with the minimum fields for the reader who needs them: community workers who visit
// the quarantined get names and dates but no phones, places or exposures; reporting gets
// statuses, districts and dates but no names or phones. Phones are never even read here.

#include <string>
#include <string_view>

#include "core/csv.h"
#include "services/tracing/tracing_internal.h"
#include "services/tracing/tracing_service.h"

namespace lifeline {

using namespace tracing_internal;  // the helpers of tracing_internal.h

namespace {

// A text field as written: a leading '=', '+', '-', '@', tab or carriage return would make a
// spreadsheet read the cell as a formula (CSV injection), so such a text gets a leading "'".
void AppendText(std::string_view text, std::string& out) {
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    std::string guarded(1, '\'');
    guarded.append(text.data(), text.size());
    AppendCsvField(guarded, out);
    return;
  }
  AppendCsvField(text, out);
}

std::string Date(std::optional<UnixMillis> at, int utc_offset_minutes) {
  return at ? LocalDate(*at, utc_offset_minutes) : std::string();
}

void EndLine(std::string& out) { out.append("\r\n", 2); }

}  // namespace

Result<std::string> TracingService::FollowUpsCsv(const Actor& actor) {
  RETURN_IF_ERROR(CheckTracer(actor));
  std::vector<TracingFollowUp> follow_ups;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(follow_ups, LoadFollowUps(connection, Now(), options_));
    return Audit(connection, actor, "export", "tracing_follow_up", "follow-ups.csv");
  }));
  std::string csv = "person_id,name,district_code,quarantine_start,quarantine_end,overdue_tasks";
  EndLine(csv);
  for (const TracingFollowUp& follow_up : follow_ups) {
    csv += std::to_string(follow_up.person_id);
    csv.push_back(',');
    AppendText(follow_up.name, csv);
    csv.push_back(',');
    AppendText(follow_up.district_code, csv);
    csv.push_back(',');
    csv += FormatIso8601(follow_up.quarantine.start);
    csv.push_back(',');
    csv += FormatIso8601(follow_up.quarantine.end);
    csv.push_back(',');
    csv += std::to_string(follow_up.overdue.size());
    EndLine(csv);
  }
  return csv;
}

Result<std::string> TracingService::CasesCsv(const Actor& actor) {
  RETURN_IF_ERROR(CheckTracer(actor));
  std::string csv = "person_id,status,district_code,onset_date,confirmed_date";
  EndLine(csv);
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    // The list's cases: confirmed, asymptomatic and suspected.
    ASSIGN_OR_RETURN(const QueryResult rows,
                     connection.Query("SELECT id, status, district_code, onset_at, confirmed_at, "
                                      "asymptomatic_at FROM tracing_people WHERE status IN " +
                                      kCasesAndSuspectedSql + " ORDER BY id"));
    for (const Row& row : rows.rows) {
      csv += std::to_string(row.Int(0));
      csv.push_back(',');
      AppendText(row.Text(1), csv);
      csv.push_back(',');
      AppendText(row.Text(2), csv);
      csv.push_back(',');
      csv += Date(row.OptionalInt(3), options_.local_utc_offset_minutes);
      csv.push_back(',');
      // Confirmed by a test: with symptoms (confirmed_at) or without (asymptomatic_at).
      csv += Date(CaseSince(row.OptionalInt(4), row.OptionalInt(5)),
                  options_.local_utc_offset_minutes);
      EndLine(csv);
    }
    return Audit(connection, actor, "export", "tracing_person", "cases.csv");
  }));
  return csv;
}

}  // namespace lifeline
