#pragma once

// The online clinic on the wire: request bodies parsed into the service's inputs (type errors
// name the field; the service checks values) and its records rendered as JSON (docs/api.md,
// "Online clinic").

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "services/clinic/clinic_service.h"

namespace lifeline {

Result<ObservationInput> ParseObservation(const nlohmann::json& body);
Result<NewHelpRequest> ParseHelpRequest(const nlohmann::json& body);
Result<VolunteerApplication> ParseVolunteerApplication(const nlohmann::json& body);
Result<NewShift> ParseShift(const nlohmann::json& body);
Result<NewTask> ParseTask(const nlohmann::json& body);
// An optional ISO-8601 instant; "error.bad_time" naming the field when malformed, 0 when absent.
Result<UnixMillis> OptionalInstant(const nlohmann::json& body, const std::string& field);

// The private link's view, with the advice for its tier in `locale`.
nlohmann::json StatusJson(const CaseStatusView& status, const std::string& locale);
nlohmann::json TriageJson(const TriageRecord& triage);
nlohmann::json CaseSummaryJson(const CaseSummary& summary);
nlohmann::json CaseDetailJson(const CaseDetail& detail);
nlohmann::json TaskJson(const ClinicTask& task);
nlohmann::json NoteJson(const CaseNote& note);
// `case_exposure` flags an assignment whose volunteer is no longer ready for the case.
nlohmann::json AssignmentJson(const Assignment& assignment, int case_exposure);
nlohmann::json ApplicationJson(const ApplicationRecord& application);
nlohmann::json VolunteerJson(const VolunteerRecord& volunteer);
nlohmann::json ShiftJson(const Shift& shift);

}  // namespace lifeline
