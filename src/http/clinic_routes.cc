// The online clinic's endpoints (docs/api.md, "Online clinic"). Roles are declared here; what
// depends on the record (an angel's own cases, a volunteer's own shifts) is the service's.

#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "http/clinic_json.h"
#include "http/routes.h"
#include "services/clinic/clinic_service.h"

namespace lifeline {
namespace {

const Access kHotline = Access::Only({Role::kAngel, Role::kCoordinator});
const Access kCoordinator = Access::Only({Role::kCoordinator});
const Access kQueueReaders = Access::Only({Role::kCoordinator, Role::kDoctor, Role::kNurse});
const Access kClinicalChangers = Access::Only({Role::kCoordinator, Role::kDoctor, Role::kNurse});
const Access kCaseReaders = Access::Only(
    {Role::kCoordinator, Role::kDoctor, Role::kNurse, Role::kCounsellor, Role::kAngel});
const Access kObservers =
    Access::Only({Role::kCoordinator, Role::kDoctor, Role::kNurse, Role::kAngel});
const Access kClinicians = Access::Only({Role::kDoctor, Role::kNurse, Role::kCounsellor});
const Access kVolunteers =
    Access::Only({Role::kDoctor, Role::kNurse, Role::kAngel, Role::kCounsellor});
const Access kReviewers = Access::Only({Role::kCoordinator, Role::kAdmin});
const Access kVolunteersAndReviewers =
    Access::Only({Role::kCoordinator, Role::kAdmin, Role::kDoctor, Role::kNurse, Role::kAngel,
                  Role::kCounsellor});

constexpr const char* kCase = R"(/api/v1/clinic/cases/(\d+))";
constexpr const char* kApplication = R"(/api/v1/clinic/volunteer-applications/(\d+))";
constexpr const char* kVolunteer = R"(/api/v1/clinic/volunteers/(\d+))";
constexpr const char* kAssignment = R"(/api/v1/clinic/assignments/(\d+))";

std::string Path(const char* prefix, const char* suffix) { return std::string(prefix) + suffix; }

ApiResponse IntakeResponse(const IntakeResult& result, const std::string& locale,
                           bool show_duplicate_status) {
  nlohmann::json body = {{"case_id", result.case_id}, {"duplicate", result.duplicate}};
  if (result.duplicate) {
    body["duplicate_of"] = result.case_id;
    // The public learns nothing about an existing case from a form anyone can fill in.
    if (show_duplicate_status) {
      body["status"] = StatusJson(result.status, locale);
      body["triage"] = TriageJson(result.triage);
    }
    return ApiResponse::Ok(body);
  }
  body["status_token"] = result.status_token;
  body["status"] = StatusJson(result.status, locale);
  if (show_duplicate_status) body["triage"] = TriageJson(result.triage);
  return ApiResponse::Created(body);
}

nlohmann::json TaskList(const std::vector<ClinicTask>& tasks) {
  nlohmann::json list = nlohmann::json::array();
  for (const ClinicTask& task : tasks) list.push_back(TaskJson(task));
  return {{"tasks", list}};
}

nlohmann::json QueueJson(const TierQueue& queue, const ClinicOptions& options) {
  nlohmann::json cases = nlohmann::json::array();
  for (const CaseSummary& summary : queue.cases) cases.push_back(CaseSummaryJson(summary));
  return {{"tier", triage::TierName(queue.tier)},
          {"limit_minutes", options.LimitFor(queue.tier) / kMillisPerMinute},
          {"overdue", queue.overdue},
          {"cases", cases}};
}

Result<std::string> OptionalText(const nlohmann::json& body, std::string_view field) {
  ASSIGN_OR_RETURN(const std::optional<std::string> text, OptionalString(body, field));
  return text.value_or("");
}

void AddIntakeRoutes(Router& router, ClinicService& clinic) {
  router.Add(Method::kPost, "/api/v1/clinic/requests", Access::Public(),
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewHelpRequest help, ParseHelpRequest(body));
               ASSIGN_OR_RETURN(const IntakeResult result,
                                clinic.SubmitPublicRequest(request.actor(), help));
               return IntakeResponse(result, request.locale(), false);
             });

  router.Add(Method::kPost, "/api/v1/clinic/hotline/requests", kHotline,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewHelpRequest help, ParseHelpRequest(body));
               ASSIGN_OR_RETURN(const IntakeResult result,
                                clinic.SubmitHotlineRequest(request.actor(), help));
               return IntakeResponse(result, request.locale(), true);
             });

  // The token travels as a query parameter, which the server's log line leaves out.
  router.Add(
      Method::kGet, "/api/v1/clinic/status", Access::Public(),
      [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
        const std::string token = request.QueryParam("token").value_or("");
        if (token.empty()) {
          return Status::InvalidArgument("error.field_required", {{"field", "token"}}, "token");
        }
        ASSIGN_OR_RETURN(const CaseStatusView status, clinic.StatusByToken(request.actor(), token));
        return ApiResponse::Ok(StatusJson(status, request.locale()));
      });
}

void AddQueueRoutes(Router& router, ClinicService& clinic) {
  router.Add(Method::kGet, "/api/v1/clinic/board", kCoordinator,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<TierQueue> board, clinic.Board(request.actor()));
               nlohmann::json tiers = nlohmann::json::array();
               for (const TierQueue& queue : board)
                 tiers.push_back(QueueJson(queue, clinic.options()));
               return ApiResponse::Ok({{"tiers", tiers}});
             });

  router.Add(Method::kGet, "/api/v1/clinic/queue", kQueueReaders,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(
                   const TierQueue queue,
                   clinic.Queue(request.actor(), request.QueryParam("tier").value_or("")));
               return ApiResponse::Ok(QueueJson(queue, clinic.options()));
             });

  router.Add(Method::kGet, "/api/v1/clinic/tasks/overdue", kCoordinator,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<ClinicTask> tasks,
                                clinic.OverdueTasks(request.actor()));
               return ApiResponse::Ok(TaskList(tasks));
             });

  router.Add(Method::kGet, "/api/v1/clinic/my/tasks", kVolunteers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<ClinicTask> tasks,
                                clinic.MyTasks(request.actor()));
               return ApiResponse::Ok(TaskList(tasks));
             });

  router.Add(
      Method::kGet, "/api/v1/clinic/my/cases", kVolunteers,
      [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
        ASSIGN_OR_RETURN(const std::vector<MyCase> cases, clinic.MyCases(request.actor()));
        nlohmann::json list = nlohmann::json::array();
        for (const MyCase& mine : cases) {
          list.push_back({{"assignment", AssignmentJson(mine.assignment, mine.summary.exposure)},
                          {"case", CaseSummaryJson(mine.summary)}});
        }
        return ApiResponse::Ok({{"cases", list}});
      });
}

void AddCaseRoutes(Router& router, ClinicService& clinic) {
  router.Add(Method::kGet, kCase, kCaseReaders,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const CaseDetail detail, clinic.GetCase(request.actor(), id));
               return ApiResponse::Ok(CaseDetailJson(detail));
             });

  // POST, not GET: revealing a family's number is an act with a reason, written to the audit log.
  router.Add(Method::kPost, Path(kCase, "/contact"), kCaseReaders,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::string reason, RequiredString(body, "reason"));
               ASSIGN_OR_RETURN(const std::string phone,
                                clinic.RevealContact(request.actor(), id, reason));
               return ApiResponse::Ok({{"phone", phone}});
             });

  router.Add(Method::kPost, Path(kCase, "/observations"), kObservers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const ObservationInput observation, ParseObservation(body));
               ASSIGN_OR_RETURN(const RetriageResult result,
                                clinic.AddObservation(request.actor(), id, observation));
               return ApiResponse::Created({{"triage", TriageJson(result.triage)},
                                            {"tier", triage::TierName(result.tier)},
                                            {"moved", result.moved}});
             });

  router.Add(Method::kPost, Path(kCase, "/tier"), kClinicalChangers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::string tier, OptionalText(body, "tier"));
               ASSIGN_OR_RETURN(const std::string reason, OptionalText(body, "reason"));
               RETURN_IF_ERROR(clinic.MoveTier(request.actor(), id, tier, reason));
               return ApiResponse::NoContent();
             });

  router.Add(Method::kPost, Path(kCase, "/seen"), kClinicians,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               RETURN_IF_ERROR(clinic.MarkSeen(request.actor(), id));
               return ApiResponse::NoContent();
             });

  router.Add(Method::kPost, Path(kCase, "/notes"), kCaseReaders,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::string text, OptionalText(body, "text"));
               ASSIGN_OR_RETURN(const CaseNote note, clinic.AddNote(request.actor(), id, text));
               return ApiResponse::Created(NoteJson(note));
             });

  router.Add(Method::kPost, Path(kCase, "/tasks"), kCaseReaders,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewTask task, ParseTask(body));
               ASSIGN_OR_RETURN(const ClinicTask created,
                                clinic.AddTask(request.actor(), id, task));
               return ApiResponse::Created(TaskJson(created));
             });

  router.Add(Method::kPost, R"(/api/v1/clinic/tasks/(\d+)/done)", kCaseReaders,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const ClinicTask task, clinic.CompleteTask(request.actor(), id));
               return ApiResponse::Ok(TaskJson(task));
             });

  router.Add(Method::kPost, Path(kCase, "/outcome"), kClinicalChangers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::string outcome, OptionalText(body, "outcome"));
               ASSIGN_OR_RETURN(const std::string note, OptionalText(body, "note"));
               RETURN_IF_ERROR(clinic.SetOutcome(request.actor(), id, outcome, note));
               return ApiResponse::NoContent();
             });

  router.Add(
      Method::kPost, Path(kCase, "/exposure"), kCoordinator,
      [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
        ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
        ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
        ASSIGN_OR_RETURN(const std::int64_t level, RequiredInt(body, "level"));
        ASSIGN_OR_RETURN(const std::string reason, OptionalText(body, "reason"));
        RETURN_IF_ERROR(clinic.RaiseExposure(request.actor(), id, static_cast<int>(level), reason));
        return ApiResponse::NoContent();
      });
}

void AddMatchingRoutes(Router& router, ClinicService& clinic) {
  router.Add(Method::kGet, Path(kCase, "/suggestions"), kCoordinator,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const std::vector<AssigneeSuggestion> suggestions,
                                clinic.SuggestAssignees(request.actor(), id));
               nlohmann::json list = nlohmann::json::array();
               for (const AssigneeSuggestion& suggestion : suggestions) {
                 list.push_back({{"volunteer", VolunteerJson(suggestion.volunteer)},
                                 {"spare_capacity", suggestion.spare_capacity}});
               }
               return ApiResponse::Ok({{"suggestions", list}});
             });

  router.Add(Method::kPost, Path(kCase, "/assignments"), kCoordinator,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::int64_t volunteer, RequiredInt(body, "volunteer_id"));
               ASSIGN_OR_RETURN(const Assignment offered,
                                clinic.OfferCase(request.actor(), id, volunteer));
               return ApiResponse::Created(AssignmentJson(offered, 0));
             });

  router.Add(Method::kPost, Path(kAssignment, "/accept"), kVolunteers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const Assignment accepted,
                                clinic.AcceptAssignment(request.actor(), id));
               return ApiResponse::Ok(AssignmentJson(accepted, 0));
             });

  router.Add(Method::kPost, Path(kAssignment, "/decline"), kVolunteers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::string note, OptionalText(body, "note"));
               ASSIGN_OR_RETURN(const Assignment declined,
                                clinic.DeclineAssignment(request.actor(), id, note));
               return ApiResponse::Ok(AssignmentJson(declined, 0));
             });

  router.Add(Method::kPost, Path(kAssignment, "/step-back"), kVolunteers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::string note, OptionalText(body, "note"));
               ASSIGN_OR_RETURN(const Assignment left, clinic.StepBack(request.actor(), id, note));
               return ApiResponse::Ok(AssignmentJson(left, 0));
             });
}

void AddVolunteerRoutes(Router& router, ClinicService& clinic) {
  router.Add(Method::kPost, "/api/v1/clinic/volunteer-applications", Access::Public(),
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const VolunteerApplication application,
                                ParseVolunteerApplication(body));
               ASSIGN_OR_RETURN(const ApplicationRecord created,
                                clinic.SubmitApplication(request.actor(), application));
               return ApiResponse::Created({{"id", created.id}, {"status", created.status}});
             });

  router.Add(Method::kGet, "/api/v1/clinic/volunteer-applications", kReviewers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               std::optional<std::string> status = request.QueryParam("status");
               if (status && status->empty()) status.reset();
               ASSIGN_OR_RETURN(const std::vector<ApplicationRecord> applications,
                                clinic.ListApplications(request.actor(), status));
               nlohmann::json list = nlohmann::json::array();
               for (const ApplicationRecord& each : applications)
                 list.push_back(ApplicationJson(each));
               return ApiResponse::Ok({{"applications", list}});
             });

  router.Add(Method::kGet, kApplication, kReviewers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const ApplicationRecord application,
                                clinic.GetApplication(request.actor(), id));
               return ApiResponse::Ok(ApplicationJson(application));
             });

  router.Add(Method::kPost, Path(kApplication, "/approve"), kReviewers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ApprovalDecision decision;
               ASSIGN_OR_RETURN(const std::optional<std::int64_t> readiness,
                                OptionalInt(body, "readiness"));
               decision.readiness = static_cast<int>(readiness.value_or(kMinReadiness));
               ASSIGN_OR_RETURN(decision.capacity, OptionalInt(body, "capacity"));
               ASSIGN_OR_RETURN(decision.override_reason, OptionalText(body, "override_reason"));
               ASSIGN_OR_RETURN(const VolunteerRecord volunteer,
                                clinic.ApproveApplication(request.actor(), id, decision));
               return ApiResponse::Ok(VolunteerJson(volunteer));
             });

  router.Add(Method::kPost, Path(kApplication, "/reject"), kReviewers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::string reason, OptionalText(body, "reason"));
               ASSIGN_OR_RETURN(const ApplicationRecord application,
                                clinic.RejectApplication(request.actor(), id, reason));
               return ApiResponse::Ok(ApplicationJson(application));
             });

  router.Add(Method::kGet, "/api/v1/clinic/volunteers", kReviewers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<VolunteerRecord> volunteers,
                                clinic.ListVolunteers(request.actor()));
               nlohmann::json list = nlohmann::json::array();
               for (const VolunteerRecord& each : volunteers) list.push_back(VolunteerJson(each));
               return ApiResponse::Ok({{"volunteers", list}});
             });

  router.Add(Method::kGet, kVolunteer, kVolunteersAndReviewers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const VolunteerRecord volunteer,
                                clinic.GetVolunteer(request.actor(), id));
               return ApiResponse::Ok(VolunteerJson(volunteer));
             });

  router.Add(Method::kPost, Path(kVolunteer, "/readiness"), kReviewers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::int64_t level, RequiredInt(body, "level"));
               ASSIGN_OR_RETURN(const std::string reason, OptionalText(body, "reason"));
               ASSIGN_OR_RETURN(
                   const VolunteerRecord volunteer,
                   clinic.SetReadiness(request.actor(), id, static_cast<int>(level), reason));
               return ApiResponse::Ok(VolunteerJson(volunteer));
             });

  router.Add(Method::kPatch, kVolunteer, kVolunteersAndReviewers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::int64_t capacity, RequiredInt(body, "capacity"));
               ASSIGN_OR_RETURN(const VolunteerRecord volunteer,
                                clinic.SetCapacity(request.actor(), id, capacity));
               return ApiResponse::Ok(VolunteerJson(volunteer));
             });

  router.Add(Method::kGet, Path(kVolunteer, "/shifts"), kVolunteersAndReviewers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const std::vector<Shift> shifts,
                                clinic.ListShifts(request.actor(), id));
               nlohmann::json list = nlohmann::json::array();
               for (const Shift& shift : shifts) list.push_back(ShiftJson(shift));
               return ApiResponse::Ok({{"shifts", list}});
             });

  router.Add(Method::kPost, Path(kVolunteer, "/shifts"), kVolunteersAndReviewers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewShift shift, ParseShift(body));
               ASSIGN_OR_RETURN(const Shift created, clinic.AddShift(request.actor(), id, shift));
               return ApiResponse::Created(ShiftJson(created));
             });

  router.Add(Method::kDelete, R"(/api/v1/clinic/shifts/(\d+))", kVolunteersAndReviewers,
             [&clinic](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               RETURN_IF_ERROR(clinic.RemoveShift(request.actor(), id));
               return ApiResponse::NoContent();
             });
}

}  // namespace

void AddClinicRoutes(Router& router, Services& services) {
  ClinicService& clinic = services.clinic;
  AddIntakeRoutes(router, clinic);
  AddQueueRoutes(router, clinic);
  AddCaseRoutes(router, clinic);
  AddMatchingRoutes(router, clinic);
  AddVolunteerRoutes(router, clinic);
}

}  // namespace lifeline
