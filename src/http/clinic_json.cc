#include "http/clinic_json.h"

#include <cstdio>
#include <optional>
#include <vector>

#include "core/i18n.h"
#include "core/json_fields.h"
#include "core/time.h"

namespace lifeline {
namespace {

constexpr std::size_t kMaxListItems = 50;

nlohmann::json InstantOrNull(const std::optional<UnixMillis>& instant) {
  return instant ? nlohmann::json(FormatIso8601(*instant)) : nlohmann::json(nullptr);
}

template <typename T>
nlohmann::json ValueOrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

Status WrongType(const std::string& field, const std::string& expected) {
  return Status::InvalidArgument("error.field_type", {{"field", field}, {"expected", expected}},
                                 field);
}

Result<std::optional<double>> OptionalNumber(const nlohmann::json& body, std::string_view field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<double>();
  ASSIGN_OR_RETURN(const double value, RequiredNumber(body, field));
  return std::optional<double>(value);
}

Result<std::vector<std::string>> StringList(const nlohmann::json& body, const std::string& field) {
  std::vector<std::string> items;
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return items;
  if (!it->is_array() || it->size() > kMaxListItems) return WrongType(field, "array of strings");
  for (const nlohmann::json& item : *it) {
    if (!item.is_string()) return WrongType(field, "array of strings");
    items.push_back(item.get<std::string>());
  }
  return items;
}

Result<std::string> TextOrEmpty(const nlohmann::json& body, std::string_view field) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(body, field));
  return value.value_or("");
}

nlohmann::json Codes(const std::vector<std::string>& codes) { return nlohmann::json(codes); }

// Minutes after midnight as "HH:MM".
std::string ClockText(int minute_of_day) {
  constexpr int kMinutesPerHour = 60;
  char text[16];
  std::snprintf(text, sizeof text, "%02d:%02d", minute_of_day / kMinutesPerHour,
                minute_of_day % kMinutesPerHour);
  return text;
}

}  // namespace

Result<UnixMillis> OptionalInstant(const nlohmann::json& body, const std::string& field) {
  ASSIGN_OR_RETURN(const std::optional<std::string> text, OptionalString(body, field));
  if (!text || text->empty()) return UnixMillis{0};
  Result<UnixMillis> parsed = ParseIso8601(*text);
  if (!parsed.ok()) return Status::InvalidArgument("error.bad_time", {{"value", *text}}, field);
  return *parsed;
}

Result<ObservationInput> ParseObservation(const nlohmann::json& body) {
  ObservationInput observation;
  for (const ObservationNumberField& field : ObservationNumberFields()) {
    ASSIGN_OR_RETURN(observation.*field.member, OptionalNumber(body, field.name));
  }
  for (const ObservationFlagField& field : ObservationFlagFields()) {
    ASSIGN_OR_RETURN(observation.*field.member, OptionalBool(body, field.name));
  }
  ASSIGN_OR_RETURN(observation.consciousness, OptionalString(body, "consciousness"));
  ASSIGN_OR_RETURN(observation.symptoms, StringList(body, "symptoms"));
  return observation;
}

Result<NewHelpRequest> ParseHelpRequest(const nlohmann::json& body) {
  NewHelpRequest request;
  // Only types are checked here, so the service decides what is missing, consent first.
  ASSIGN_OR_RETURN(const std::optional<bool> consent, OptionalBool(body, "consent"));
  request.consent = consent.value_or(false);
  ASSIGN_OR_RETURN(request.age_years, OptionalNumber(body, "age_years"));
  ASSIGN_OR_RETURN(request.age_months, OptionalInt(body, "age_months"));
  ASSIGN_OR_RETURN(request.sex, TextOrEmpty(body, "sex"));
  ASSIGN_OR_RETURN(request.pregnancy_weeks, OptionalInt(body, "pregnancy_weeks"));
  ASSIGN_OR_RETURN(request.district_code, TextOrEmpty(body, "district_code"));
  ASSIGN_OR_RETURN(request.street, TextOrEmpty(body, "street"));
  ASSIGN_OR_RETURN(request.phone, TextOrEmpty(body, "phone"));
  ASSIGN_OR_RETURN(request.onset_date, TextOrEmpty(body, "onset_date"));
  ASSIGN_OR_RETURN(request.comorbidities, StringList(body, "comorbidities"));
  ASSIGN_OR_RETURN(request.antigen, TextOrEmpty(body, "antigen"));
  ASSIGN_OR_RETURN(request.pcr, TextOrEmpty(body, "pcr"));
  ASSIGN_OR_RETURN(request.imaging_findings, TextOrEmpty(body, "imaging_findings"));
  ASSIGN_OR_RETURN(request.needs, StringList(body, "needs"));
  ASSIGN_OR_RETURN(request.observation, ParseObservation(body));
  return request;
}

Result<VolunteerApplication> ParseVolunteerApplication(const nlohmann::json& body) {
  VolunteerApplication application;
  ASSIGN_OR_RETURN(application.display_name, TextOrEmpty(body, "display_name"));
  ASSIGN_OR_RETURN(application.role, TextOrEmpty(body, "role"));
  ASSIGN_OR_RETURN(application.phone, TextOrEmpty(body, "phone"));
  ASSIGN_OR_RETURN(application.licence_number, TextOrEmpty(body, "licence_number"));
  ASSIGN_OR_RETURN(application.hospital, TextOrEmpty(body, "hospital"));
  ASSIGN_OR_RETURN(application.department, TextOrEmpty(body, "department"));
  ASSIGN_OR_RETURN(const std::optional<std::int64_t> years, OptionalInt(body, "years_practice"));
  application.years_practice = years.value_or(0);
  ASSIGN_OR_RETURN(application.username, TextOrEmpty(body, "username"));
  ASSIGN_OR_RETURN(application.password, TextOrEmpty(body, "password"));
  ASSIGN_OR_RETURN(application.locale, TextOrEmpty(body, "locale"));
  return application;
}

Result<NewShift> ParseShift(const nlohmann::json& body) {
  NewShift shift;
  ASSIGN_OR_RETURN(shift.kind, TextOrEmpty(body, "kind"));
  ASSIGN_OR_RETURN(const std::optional<std::int64_t> weekday, OptionalInt(body, "weekday"));
  shift.weekday = weekday.value_or(0);
  ASSIGN_OR_RETURN(shift.start, TextOrEmpty(body, "start"));
  ASSIGN_OR_RETURN(shift.end, TextOrEmpty(body, "end"));
  ASSIGN_OR_RETURN(shift.starts_at, OptionalInstant(body, "starts_at"));
  ASSIGN_OR_RETURN(shift.ends_at, OptionalInstant(body, "ends_at"));
  return shift;
}

Result<NewTask> ParseTask(const nlohmann::json& body) {
  NewTask task;
  ASSIGN_OR_RETURN(task.text, TextOrEmpty(body, "text"));
  ASSIGN_OR_RETURN(task.due_at, OptionalInstant(body, "due_at"));
  ASSIGN_OR_RETURN(const std::optional<std::int64_t> assignee, OptionalInt(body, "assignee_id"));
  task.assignee_id = assignee.value_or(0);
  return task;
}

nlohmann::json StatusJson(const CaseStatusView& status, const std::string& locale) {
  const std::string tier(triage::TierName(status.tier));
  return {{"status", status.open ? "open" : "closed"},
          {"tier", tier},
          {"actions", Codes(status.actions)},
          {"advice", Catalogue::Builtin().Render(locale, "clinic.advice." + tier)},
          {"updated_at", FormatIso8601(status.updated_at)}};
}

nlohmann::json TriageJson(const TriageRecord& triage) {
  return {{"id", triage.id},
          {"at", FormatIso8601(triage.at)},
          {"nhc_severity", triage::SeverityName(triage.nhc_severity)},
          {"who_severity", triage::SeverityName(triage.who_severity)},
          {"news2", ValueOrNull(triage.news2)},
          {"news2_band",
           triage.news2_band.empty() ? nlohmann::json(nullptr) : nlohmann::json(triage.news2_band)},
          {"priority", triage.priority},
          {"tier", triage::TierName(triage.tier)},
          {"reasons", Codes(triage.reasons)},
          {"missing", Codes(triage.missing)},
          {"actions", Codes(triage.actions)}};
}

nlohmann::json CaseSummaryJson(const CaseSummary& summary) {
  return {{"id", summary.id},
          {"status", summary.open ? "open" : "closed"},
          {"tier", triage::TierName(summary.tier)},
          {"priority", summary.priority},
          {"nhc_severity", triage::SeverityName(summary.nhc_severity)},
          {"who_severity", triage::SeverityName(summary.who_severity)},
          {"exposure", summary.exposure},
          {"age_years", summary.age_years},
          {"age_months", ValueOrNull(summary.age_months)},
          {"sex", summary.sex},
          {"district_code", summary.district_code},
          {"needs", NeedNames(summary.needs)},
          {"created_at", FormatIso8601(summary.created_at)},
          {"waiting_since", FormatIso8601(summary.waiting_since)},
          {"due_at", FormatIso8601(summary.due_at)},
          {"overdue", summary.overdue},
          {"assigned", summary.assigned}};
}

nlohmann::json TaskJson(const ClinicTask& task) {
  return {{"id", task.id},
          {"case_id", task.case_id},
          {"kind", task.kind},
          {"text", task.text},
          {"due_at", FormatIso8601(task.due_at)},
          {"assignee_id", task.assignee_id},
          {"created_by", task.created_by},
          {"created_at", FormatIso8601(task.created_at)},
          {"done_at", InstantOrNull(task.done_at)},
          {"overdue", task.overdue}};
}

nlohmann::json NoteJson(const CaseNote& note) {
  return {{"id", note.id},
          {"at", FormatIso8601(note.at)},
          {"author_id", note.author_id},
          {"author_username", note.author_username},
          {"author_role", note.author_role},
          {"text", note.text}};
}

nlohmann::json AssignmentJson(const Assignment& assignment, int case_exposure) {
  return {{"id", assignment.id},
          {"case_id", assignment.case_id},
          {"volunteer_id", assignment.volunteer_id},
          {"volunteer_name", assignment.volunteer_name},
          {"volunteer_role", assignment.volunteer_role},
          {"readiness", assignment.readiness},
          {"above_readiness", assignment.readiness < case_exposure},
          {"status", assignment.status},
          {"offered_at", FormatIso8601(assignment.offered_at)},
          {"accepted_at", InstantOrNull(assignment.accepted_at)},
          {"ended_at", InstantOrNull(assignment.ended_at)},
          {"note", assignment.note}};
}

nlohmann::json CaseDetailJson(const CaseDetail& detail) {
  nlohmann::json json = CaseSummaryJson(detail.summary);
  json["intake_channel"] = detail.intake_channel;
  json["entered_by"] = detail.entered_by;
  json["pregnancy_weeks"] = ValueOrNull(detail.pregnancy_weeks);
  json["street"] = detail.street;
  json["phone_last4"] = detail.phone_last4;
  json["onset_date"] = detail.onset_date;
  json["comorbidities"] = RiskFactorNames(detail.risk_factors);
  json["antigen"] = detail.antigen;
  json["pcr"] = detail.pcr;
  json["imaging_findings"] = detail.imaging_findings;
  json["tier_set_by"] = detail.tier_set_by;
  json["tier_entered_at"] = FormatIso8601(detail.tier_entered_at);
  json["exposure_floor"] = detail.exposure_floor;
  json["actions"] = Codes(detail.actions);
  json["updated_at"] = FormatIso8601(detail.updated_at);
  json["last_seen_at"] = InstantOrNull(detail.last_seen_at);
  json["outcome"] =
      detail.outcome.empty() ? nlohmann::json(nullptr) : nlohmann::json(detail.outcome);
  json["closed_at"] = InstantOrNull(detail.closed_at);
  nlohmann::json observations = nlohmann::json::array();
  for (const ObservationRecord& record : detail.observations) {
    nlohmann::json values = {{"id", record.id},
                             {"at", FormatIso8601(record.at)},
                             {"recorded_by", record.recorded_by},
                             {"source", record.source},
                             {"consciousness", ValueOrNull(record.values.consciousness)},
                             {"symptoms", record.values.symptoms}};
    for (const ObservationNumberField& field : ObservationNumberFields()) {
      values[std::string(field.name)] = ValueOrNull(record.values.*field.member);
    }
    for (const ObservationFlagField& field : ObservationFlagFields()) {
      values[std::string(field.name)] = ValueOrNull(record.values.*field.member);
    }
    observations.push_back(std::move(values));
  }
  json["observations"] = std::move(observations);
  nlohmann::json triages = nlohmann::json::array();
  for (const TriageRecord& triage : detail.triages) triages.push_back(TriageJson(triage));
  json["triages"] = std::move(triages);
  nlohmann::json moves = nlohmann::json::array();
  for (const TierMove& move : detail.tier_moves) {
    moves.push_back({{"at", FormatIso8601(move.at)},
                     {"by_user", move.by_user},
                     {"by_username", move.by_username},
                     {"from_tier", move.from_tier.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(move.from_tier)},
                     {"to_tier", move.to_tier},
                     {"cause", move.cause},
                     {"reason", move.reason}});
  }
  json["tier_moves"] = std::move(moves);
  nlohmann::json notes = nlohmann::json::array();
  for (const CaseNote& note : detail.notes) notes.push_back(NoteJson(note));
  json["notes"] = std::move(notes);
  nlohmann::json tasks = nlohmann::json::array();
  for (const ClinicTask& task : detail.tasks) tasks.push_back(TaskJson(task));
  json["tasks"] = std::move(tasks);
  nlohmann::json assignments = nlohmann::json::array();
  for (const Assignment& assignment : detail.assignments) {
    assignments.push_back(AssignmentJson(assignment, detail.summary.exposure));
  }
  json["assignments"] = std::move(assignments);
  return json;
}

nlohmann::json ApplicationJson(const ApplicationRecord& application) {
  return {{"id", application.id},
          {"status", application.status},
          {"display_name", application.display_name},
          {"role", RoleName(application.role)},
          {"phone_last4", application.phone_last4},
          {"licence_number", application.licence_number},
          {"hospital", application.hospital},
          {"department", application.department},
          {"years_practice", application.years_practice},
          {"username", application.username},
          {"submitted_at", FormatIso8601(application.submitted_at)},
          {"meets_clinical_requirement", application.meets_clinical_requirement},
          {"decided_at", InstantOrNull(application.decided_at)},
          {"decided_by", application.decided_by},
          {"decision_reason", application.decision_reason},
          {"overridden", application.overridden},
          {"user_id", application.user_id}};
}

nlohmann::json ShiftJson(const Shift& shift) {
  nlohmann::json json = {{"id", shift.id}, {"kind", shift.kind}};
  if (shift.kind == "weekly") {
    json["weekday"] = shift.weekday;
    json["start"] = ClockText(shift.start_minute);
    json["end"] = ClockText(shift.end_minute);
  } else {
    json["starts_at"] = FormatIso8601(shift.starts_at);
    json["ends_at"] = FormatIso8601(shift.ends_at);
  }
  return json;
}

nlohmann::json VolunteerJson(const VolunteerRecord& volunteer) {
  nlohmann::json shifts = nlohmann::json::array();
  for (const Shift& shift : volunteer.shifts) shifts.push_back(ShiftJson(shift));
  return {{"user_id", volunteer.user_id},
          {"username", volunteer.username},
          {"display_name", volunteer.display_name},
          {"role", RoleName(volunteer.role)},
          {"disabled", volunteer.disabled},
          {"readiness", volunteer.readiness},
          {"capacity", volunteer.capacity},
          {"active_cases", volunteer.active_cases},
          {"licence_number", volunteer.licence_number},
          {"hospital", volunteer.hospital},
          {"department", volunteer.department},
          {"years_practice", volunteer.years_practice},
          {"approved_at", FormatIso8601(volunteer.approved_at)},
          {"on_shift", volunteer.on_shift},
          {"shifts", std::move(shifts)}};
}

}  // namespace lifeline
