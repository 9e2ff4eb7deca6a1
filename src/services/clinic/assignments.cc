// Matching volunteers to cases by role, emotional exposure, capacity and shift; offers,
// acceptance, declining and stepping back.

#include <algorithm>
#include <set>
#include <utility>

#include "services/clinic/clinic_internal.h"
#include "services/clinic/clinic_service.h"

namespace lifeline {

using namespace clinic;  // the helpers of clinic_internal.h

namespace {

// Who looks after a case in each tier: clinicians in the clinical tiers, angels for the
// follow-up calls of outpatients and of ward patients waiting at home, counsellors in life care.
std::vector<Role> RolesForTier(Tier tier) {
  switch (tier) {
    case Tier::kTriageDesk:
    case Tier::kIcu:
      return {Role::kDoctor, Role::kNurse};
    case Tier::kOutpatient:
    case Tier::kWard:
      return {Role::kDoctor, Role::kNurse, Role::kAngel};
    case Tier::kLifeCare:
      return {Role::kCounsellor};
  }
  return {};
}

Status ReadinessTooLow(int readiness, int exposure) {
  return Status(ErrorCode::kFailedPrecondition, "error.clinic.readiness_too_low",
                {{"readiness", std::to_string(readiness)}, {"exposure", std::to_string(exposure)}},
                "volunteer_id");
}

Result<Assignment> LoadAssignment(Connection& connection, std::int64_t assignment_id) {
  ASSIGN_OR_RETURN(const std::vector<Assignment> found,
                   LoadAssignments(connection, "a.id = $1", {assignment_id}));
  if (found.empty()) return RecordNotFound("assignment", assignment_id);
  return found.front();
}

}  // namespace

Result<std::vector<AssigneeSuggestion>> ClinicService::SuggestAssignees(const Actor& actor,
                                                                        std::int64_t case_id) {
  std::vector<AssigneeSuggestion> suggestions;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        const UnixMillis now = Now();
        ASSIGN_OR_RETURN(const CaseDetail stored, LoadCase(connection, options_, case_id, now));
        if (!stored.summary.open) return CaseClosed(case_id);
        std::string where = "u.disabled = 0 AND u.role IN (";
        std::vector<Value> params;
        for (const Role role : RolesForTier(stored.summary.tier)) {
          params.emplace_back(std::string(RoleName(role)));
          where += (params.size() == 1 ? "$" : ", $") + std::to_string(params.size());
        }
        where += ")";
        ASSIGN_OR_RETURN(const std::vector<VolunteerRecord> candidates,
                         LoadVolunteers(connection, options_, where, params, now));
        // Anyone already on the case, or who declined or left it, is not asked again.
        ASSIGN_OR_RETURN(const QueryResult previous,
                         connection.Query("SELECT volunteer_id FROM clinic_assignments "
                                          "WHERE case_id = $1",
                                          {case_id}));
        std::set<std::int64_t> excluded;
        for (const Row& row : previous.rows) excluded.insert(row.Int(0));
        suggestions.clear();
        for (const VolunteerRecord& volunteer : candidates) {
          const std::int64_t spare = volunteer.capacity - volunteer.active_cases;
          if (volunteer.readiness < stored.summary.exposure || spare <= 0 || !volunteer.on_shift ||
              excluded.contains(volunteer.user_id)) {
            continue;
          }
          suggestions.push_back({volunteer, spare});
        }
        std::sort(suggestions.begin(), suggestions.end(),
                  [](const AssigneeSuggestion& a, const AssigneeSuggestion& b) {
                    if (a.spare_capacity != b.spare_capacity) {
                      return a.spare_capacity > b.spare_capacity;
                    }
                    if (a.volunteer.readiness != b.volunteer.readiness) {
                      return a.volunteer.readiness > b.volunteer.readiness;
                    }
                    return a.volunteer.user_id < b.volunteer.user_id;
                  });
        return AuditCase(connection, actor, "read", case_id, "assignee suggestions");
      }));
  return suggestions;
}

Result<Assignment> ClinicService::OfferCase(const Actor& actor, std::int64_t case_id,
                                            std::int64_t volunteer_id) {
  if (volunteer_id <= 0) return FieldRequired("volunteer_id");
  Assignment offered;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        const UnixMillis now = Now();
        ASSIGN_OR_RETURN(const CaseDetail stored, LoadCase(connection, options_, case_id, now));
        if (!stored.summary.open) return CaseClosed(case_id);
        ASSIGN_OR_RETURN(const std::vector<VolunteerRecord> found,
                         LoadVolunteers(connection, options_, "v.user_id = $1 AND u.disabled = 0",
                                        {volunteer_id}, now));
        if (found.empty()) {
          return Status::InvalidArgument("error.clinic.unknown_volunteer",
                                         {{"id", std::to_string(volunteer_id)}}, "volunteer_id");
        }
        const VolunteerRecord& volunteer = found.front();
        // No one, a coordinator included, can hand a volunteer more than they are ready for.
        if (volunteer.readiness < stored.summary.exposure) {
          return ReadinessTooLow(volunteer.readiness, stored.summary.exposure);
        }
        ASSIGN_OR_RETURN(const QueryResult current,
                         connection.Query("SELECT 1 FROM clinic_assignments WHERE case_id = $1 AND "
                                          "volunteer_id = $2 AND status IN ('offered', 'active')",
                                          {case_id, volunteer_id}));
        if (!current.rows.empty()) {
          return Status(ErrorCode::kAlreadyExists, "error.clinic.already_assigned", {},
                        "volunteer_id");
        }
        if (volunteer.active_cases >= volunteer.capacity) {
          return Status(ErrorCode::kFailedPrecondition, "error.clinic.volunteer_at_capacity",
                        {{"capacity", std::to_string(volunteer.capacity)}}, "volunteer_id");
        }
        ASSIGN_OR_RETURN(
            const QueryResult inserted,
            connection.Query("INSERT INTO clinic_assignments (case_id, volunteer_id, "
                             "status, offered_at, offered_by) VALUES ($1, $2, 'offered', "
                             "$3, $4) RETURNING id",
                             {case_id, volunteer_id, now, actor.user_id}));
        ASSIGN_OR_RETURN(offered, LoadAssignment(connection, inserted.rows.at(0).Int(0)));
        return AuditCase(connection, actor, "assign", case_id,
                         "offered to user " + std::to_string(volunteer_id));
      }));
  return offered;
}

Result<Assignment> ClinicService::AcceptAssignment(const Actor& actor, std::int64_t assignment_id) {
  return RespondToAssignment(actor, assignment_id, "accept", "");
}

Result<Assignment> ClinicService::DeclineAssignment(const Actor& actor, std::int64_t assignment_id,
                                                    const std::string& note) {
  return RespondToAssignment(actor, assignment_id, "decline", note);
}

Result<Assignment> ClinicService::StepBack(const Actor& actor, std::int64_t assignment_id,
                                           const std::string& note) {
  return RespondToAssignment(actor, assignment_id, "step_back", note);
}

Result<Assignment> ClinicService::RespondToAssignment(const Actor& actor,
                                                      std::int64_t assignment_id,
                                                      const std::string& response,
                                                      const std::string& note) {
  RETURN_IF_ERROR(CheckText(note, "note", kMaxReasonText, /*required=*/false));
  Assignment assignment;
  const Status status =
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        const UnixMillis now = Now();
        ASSIGN_OR_RETURN(assignment, LoadAssignment(connection, assignment_id));
        if (assignment.volunteer_id != actor.user_id) {
          return Status(ErrorCode::kPermissionDenied, "error.clinic.not_your_assignment");
        }
        const bool offered = assignment.status == kAssignmentOffered;
        const bool active = assignment.status == kAssignmentActive;
        const bool allowed = response == "step_back" ? offered || active : offered;
        if (!allowed) {
          return Status(ErrorCode::kFailedPrecondition, "error.clinic.assignment_state",
                        {{"status", assignment.status}});
        }
        if (response == "accept") {
          // The case may have grown graver since it was offered.
          ASSIGN_OR_RETURN(const CaseDetail stored,
                           LoadCase(connection, options_, assignment.case_id, now));
          if (assignment.readiness < stored.summary.exposure) {
            return ReadinessTooLow(assignment.readiness, stored.summary.exposure);
          }
          RETURN_IF_ERROR(connection
                              .Execute("UPDATE clinic_assignments SET status = 'active', "
                                       "accepted_at = $1 WHERE id = $2",
                                       {now, assignment_id})
                              .status());
        } else {
          const std::string next = response == "decline" ? "declined" : "stepped_back";
          RETURN_IF_ERROR(connection
                              .Execute("UPDATE clinic_assignments SET status = $1, ended_at = $2, "
                                       "note = $3 WHERE id = $4",
                                       {next, now, Trimmed(note), assignment_id})
                              .status());
        }
        ASSIGN_OR_RETURN(assignment, LoadAssignment(connection, assignment_id));
        return AuditCase(connection, actor, "update", assignment.case_id,
                         "assignment " + std::to_string(assignment_id) + " " + assignment.status);
      });
  AuditRefusal(database_, actor, "assignment", assignment_id, status);
  RETURN_IF_ERROR(status);
  return assignment;
}

Result<std::vector<MyCase>> ClinicService::MyCases(const Actor& actor) {
  std::vector<MyCase> cases;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        const UnixMillis now = Now();
        ASSIGN_OR_RETURN(
            const std::vector<Assignment> assignments,
            LoadAssignments(connection, "a.volunteer_id = $1 AND a.status IN ('offered', 'active')",
                            {actor.user_id}));
        cases.clear();
        for (const Assignment& assignment : assignments) {
          ASSIGN_OR_RETURN(const CaseDetail stored,
                           LoadCase(connection, options_, assignment.case_id, now));
          cases.push_back({assignment, stored.summary});
        }
        return AuditCase(connection, actor, "list", 0, "my cases");
      }));
  return cases;
}

}  // namespace lifeline
