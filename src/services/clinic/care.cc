// One case's care: its page, new observations, tier moves, being seen, notes, follow-up tasks,
// the outcome and its exposure level.

#include <utility>

#include "core/crypto.h"
#include "services/clinic/clinic_internal.h"
#include "services/clinic/clinic_service.h"

namespace lifeline {

using namespace clinic;  // the helpers of clinic_internal.h

namespace {

constexpr std::string_view kTaskFollowUp = "follow_up";
constexpr std::string_view kTaskDebrief = "debrief";

bool IsClinician(Role role) {
  return role == Role::kDoctor || role == Role::kNurse || role == Role::kCounsellor;
}

Result<std::vector<TierMove>> LoadTierMoves(Connection& connection, std::int64_t case_id) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT at, by_user, by_username, from_tier, to_tier, cause, "
                                    "reason FROM clinic_tier_moves WHERE case_id = $1 ORDER BY id",
                                    {case_id}));
  std::vector<TierMove> moves;
  for (const Row& row : found.rows) {
    moves.push_back(
        {row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4), row.Text(5), row.Text(6)});
  }
  return moves;
}

Result<std::vector<CaseNote>> LoadNotes(Connection& connection, std::int64_t case_id) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT id, at, author_id, author_username, author_role, text "
                                    "FROM clinic_notes WHERE case_id = $1 ORDER BY id",
                                    {case_id}));
  std::vector<CaseNote> notes;
  for (const Row& row : found.rows) {
    notes.push_back({row.Int(0), row.Int(1), row.Int(2), row.Text(3), row.Text(4), row.Text(5)});
  }
  return notes;
}

Status MarkSeenAt(Connection& connection, std::int64_t case_id, UnixMillis now) {
  return connection
      .Execute(
          "UPDATE clinic_cases SET last_seen_at = $1, waiting_since = $1, updated_at = $1 "
          "WHERE id = $2",
          {now, case_id})
      .status();
}

Result<std::int64_t> InsertTask(Connection& connection, std::int64_t case_id, std::string_view kind,
                                const std::string& text, UnixMillis due_at,
                                std::int64_t assignee_id, std::int64_t created_by, UnixMillis now) {
  ASSIGN_OR_RETURN(
      const QueryResult inserted,
      connection.Query(
          "INSERT INTO clinic_tasks (case_id, kind, text, due_at, assignee_id, created_by, "
          "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          {case_id, std::string(kind), text, due_at, assignee_id, created_by, now}));
  return inserted.rows.at(0).Int(0);
}

}  // namespace

Result<CaseDetail> ClinicService::GetCase(const Actor& actor, std::int64_t case_id) {
  CaseDetail detail;
  const Status status =
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(detail, LoadCase(connection, options_, case_id, Now()));
        RETURN_IF_ERROR(RequireCaseAccess(connection, actor, case_id));
        ASSIGN_OR_RETURN(detail.observations, LoadObservations(connection, case_id));
        ASSIGN_OR_RETURN(detail.triages, LoadTriages(connection, case_id));
        ASSIGN_OR_RETURN(detail.tier_moves, LoadTierMoves(connection, case_id));
        ASSIGN_OR_RETURN(detail.notes, LoadNotes(connection, case_id));
        ASSIGN_OR_RETURN(detail.tasks, LoadTasks(connection, "case_id = $1", {case_id}, Now()));
        ASSIGN_OR_RETURN(detail.assignments,
                         LoadAssignments(connection, "a.case_id = $1", {case_id}));
        return AuditCase(connection, actor, "read", case_id, "");
      });
  AuditRefusal(database_, actor, "case", case_id, status);
  RETURN_IF_ERROR(status);
  return detail;
}

Result<std::string> ClinicService::RevealContact(const Actor& actor, std::int64_t case_id,
                                                 const std::string& reason) {
  const std::string why = Trimmed(reason);
  if (why.empty()) return FieldRequired("reason");
  std::string sealed;
  const Status status =
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(
            const QueryResult found,
            connection.Query("SELECT phone_sealed FROM clinic_cases WHERE id = $1", {case_id}));
        if (found.rows.empty()) {
          return RecordNotFound("case", case_id);
        }
        RETURN_IF_ERROR(RequireCaseAccess(connection, actor, case_id));
        sealed = found.rows[0].Text(0);
        return AuditCase(connection, actor, "reveal_contact", case_id, why);
      });
  AuditRefusal(database_, actor, "case", case_id, status);
  RETURN_IF_ERROR(status);
  return OpenSealedText(pseudonym_key_, sealed);
}

Result<RetriageResult> ClinicService::AddObservation(const Actor& actor, std::int64_t case_id,
                                                     const ObservationInput& observation) {
  RETURN_IF_ERROR(ValidateObservation(observation));
  RetriageResult triaged;
  const Status status =
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        const UnixMillis now = Now();
        ASSIGN_OR_RETURN(const CaseDetail stored, LoadCase(connection, options_, case_id, now));
        RETURN_IF_ERROR(RequireCaseAccess(connection, actor, case_id));
        if (!stored.summary.open) return CaseClosed(case_id);
        ASSIGN_OR_RETURN(
            const std::int64_t observation_id,
            InsertObservation(connection, case_id, now, actor.user_id, "update", observation));
        ASSIGN_OR_RETURN(triaged,
                         Retriage(connection, actor, options_, case_id, observation_id, now));
        return AuditCase(connection, actor, "update", case_id, "observations");
      });
  AuditRefusal(database_, actor, "case", case_id, status);
  RETURN_IF_ERROR(status);
  return triaged;
}

Status ClinicService::MoveTier(const Actor& actor, std::int64_t case_id, const std::string& tier,
                               const std::string& reason) {
  if (tier.empty()) return FieldRequired("tier");
  const std::optional<Tier> target = triage::ParseTier(tier);
  if (!target) return FieldInvalid("tier", "triage_desk, outpatient, ward, icu, life_care");
  RETURN_IF_ERROR(CheckText(reason, "reason", kMaxReasonText, /*required=*/true));
  return database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
    const UnixMillis now = Now();
    ASSIGN_OR_RETURN(CaseDetail stored, LoadCase(connection, options_, case_id, now));
    if (!stored.summary.open) return CaseClosed(case_id);
    if (stored.summary.tier == *target) return Status::Ok();
    const std::string from = TierText(stored.summary.tier);
    RETURN_IF_ERROR(
        InsertTierMove(connection, case_id, now, actor, from, *target, "clinician", reason));
    RETURN_IF_ERROR(connection
                        .Execute("UPDATE clinic_cases SET tier = $1, tier_set_by = 'clinician', "
                                 "tier_entered_at = $2, waiting_since = $2 WHERE id = $3",
                                 {TierText(*target), now, case_id})
                        .status());
    stored.summary.tier = *target;
    RETURN_IF_ERROR(UpdateExposure(connection, stored, now));
    return AuditCase(connection, actor, "update", case_id, "tier " + from + "->" + tier);
  });
}

Status ClinicService::MarkSeen(const Actor& actor, std::int64_t case_id) {
  return database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
    const UnixMillis now = Now();
    ASSIGN_OR_RETURN(const CaseDetail stored, LoadCase(connection, options_, case_id, now));
    if (!stored.summary.open) return CaseClosed(case_id);
    RETURN_IF_ERROR(MarkSeenAt(connection, case_id, now));
    return AuditCase(connection, actor, "update", case_id, "seen");
  });
}

Result<CaseNote> ClinicService::AddNote(const Actor& actor, std::int64_t case_id,
                                        const std::string& text) {
  RETURN_IF_ERROR(CheckText(text, "text", kMaxNoteText, /*required=*/true));
  CaseNote note;
  const Status status =
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        const UnixMillis now = Now();
        ASSIGN_OR_RETURN(const CaseDetail stored, LoadCase(connection, options_, case_id, now));
        RETURN_IF_ERROR(RequireCaseAccess(connection, actor, case_id));
        const std::string role(RoleName(actor.role));
        ASSIGN_OR_RETURN(
            const QueryResult inserted,
            connection.Query("INSERT INTO clinic_notes (case_id, at, author_id, author_username, "
                             "author_role, text) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                             {case_id, now, actor.user_id, actor.username, role, text}));
        note = {inserted.rows.at(0).Int(0), now, actor.user_id, actor.username, role, text};
        if (stored.summary.open && IsClinician(actor.role)) {
          RETURN_IF_ERROR(MarkSeenAt(connection, case_id, now));
        } else {
          RETURN_IF_ERROR(
              connection
                  .Execute("UPDATE clinic_cases SET updated_at = $1 WHERE id = $2", {now, case_id})
                  .status());
        }
        return AuditCase(connection, actor, "update", case_id, "note");
      });
  AuditRefusal(database_, actor, "case", case_id, status);
  RETURN_IF_ERROR(status);
  return note;
}

Result<ClinicTask> ClinicService::AddTask(const Actor& actor, std::int64_t case_id,
                                          const NewTask& task) {
  RETURN_IF_ERROR(CheckText(task.text, "text", kMaxReasonText, /*required=*/true));
  if (task.due_at <= 0) return FieldRequired("due_at");
  ClinicTask created;
  const Status status =
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        const UnixMillis now = Now();
        ASSIGN_OR_RETURN(const CaseDetail stored, LoadCase(connection, options_, case_id, now));
        RETURN_IF_ERROR(RequireCaseAccess(connection, actor, case_id));
        if (!stored.summary.open) return CaseClosed(case_id);
        if (task.assignee_id != 0) {
          ASSIGN_OR_RETURN(const QueryResult volunteer,
                           connection.Query("SELECT 1 FROM clinic_volunteers WHERE user_id = $1",
                                            {task.assignee_id}));
          if (volunteer.rows.empty()) return FieldInvalid("assignee_id", "a volunteer's user id");
        }
        ASSIGN_OR_RETURN(const std::int64_t task_id,
                         InsertTask(connection, case_id, kTaskFollowUp, task.text, task.due_at,
                                    task.assignee_id, actor.user_id, now));
        ASSIGN_OR_RETURN(const std::vector<ClinicTask> tasks,
                         LoadTasks(connection, "id = $1", {task_id}, now));
        created = tasks.at(0);
        return AuditCase(connection, actor, "update", case_id, "task");
      });
  AuditRefusal(database_, actor, "case", case_id, status);
  RETURN_IF_ERROR(status);
  return created;
}

Result<ClinicTask> ClinicService::CompleteTask(const Actor& actor, std::int64_t task_id) {
  ClinicTask task;
  const Status status =
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        const UnixMillis now = Now();
        ASSIGN_OR_RETURN(const std::vector<ClinicTask> found,
                         LoadTasks(connection, "id = $1", {task_id}, now));
        if (found.empty()) return RecordNotFound("clinic_task", task_id);
        task = found.front();
        // A volunteer's own task (a debrief) stays theirs after they leave the case.
        if (task.assignee_id != actor.user_id) {
          RETURN_IF_ERROR(RequireCaseAccess(connection, actor, task.case_id));
        }
        if (task.done_at) {
          return Status(ErrorCode::kFailedPrecondition, "error.clinic.task_done",
                        {{"id", std::to_string(task_id)}});
        }
        RETURN_IF_ERROR(
            connection
                .Execute("UPDATE clinic_tasks SET done_at = $1, done_by = $2 WHERE id = $3",
                         {now, actor.user_id, task_id})
                .status());
        task.done_at = now;
        task.overdue = false;
        return AuditCase(connection, actor, "update", task.case_id,
                         "task " + std::to_string(task_id) + " done");
      });
  AuditRefusal(database_, actor, "clinic_task", task_id, status);
  RETURN_IF_ERROR(status);
  return task;
}

Status ClinicService::SetOutcome(const Actor& actor, std::int64_t case_id,
                                 const std::string& outcome, const std::string& note) {
  if (outcome.empty()) return FieldRequired("outcome");
  const std::optional<CaseOutcome> parsed = ParseCaseOutcome(outcome);
  if (!parsed) return FieldInvalid("outcome", "recovered, admitted, died, lost");
  RETURN_IF_ERROR(CheckText(note, "note", kMaxNoteText, /*required=*/false));
  return database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
    const UnixMillis now = Now();
    ASSIGN_OR_RETURN(CaseDetail stored, LoadCase(connection, options_, case_id, now));
    if (!stored.summary.open) return CaseClosed(case_id);
    RETURN_IF_ERROR(connection
                        .Execute("UPDATE clinic_cases SET status = 'closed', outcome = $1, "
                                 "closed_at = $2 WHERE id = $3",
                                 {outcome, now, case_id})
                        .status());
    stored.outcome = outcome;
    RETURN_IF_ERROR(UpdateExposure(connection, stored, now));
    if (*parsed == CaseOutcome::kDied) {
      // Everyone who took the case, even if they stepped back since, is offered a debrief.
      ASSIGN_OR_RETURN(const QueryResult carers,
                       connection.Query("SELECT DISTINCT volunteer_id FROM clinic_assignments "
                                        "WHERE case_id = $1 AND accepted_at IS NOT NULL",
                                        {case_id}));
      for (const Row& row : carers.rows) {
        RETURN_IF_ERROR(InsertTask(connection, case_id, kTaskDebrief, "",
                                   now + options_.debrief_delay, row.Int(0), actor.user_id, now)
                            .status());
      }
    }
    RETURN_IF_ERROR(connection
                        .Execute("UPDATE clinic_assignments SET status = 'ended', ended_at = $1 "
                                 "WHERE case_id = $2 AND status IN ('offered', 'active')",
                                 {now, case_id})
                        .status());
    if (!Trimmed(note).empty()) {
      RETURN_IF_ERROR(connection
                          .Execute("INSERT INTO clinic_notes (case_id, at, author_id, "
                                   "author_username, author_role, text) VALUES ($1, $2, $3, $4, "
                                   "$5, $6)",
                                   {case_id, now, actor.user_id, actor.username,
                                    std::string(RoleName(actor.role)), note})
                          .status());
    }
    return AuditCase(connection, actor, "update", case_id, "outcome " + outcome);
  });
}

Status ClinicService::RaiseExposure(const Actor& actor, std::int64_t case_id, int level,
                                    const std::string& reason) {
  if (level < kExposureRoutine || level > kExposureGrave) return FieldInvalid("level", "1..3");
  RETURN_IF_ERROR(CheckText(reason, "reason", kMaxReasonText, /*required=*/true));
  return database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
    const UnixMillis now = Now();
    ASSIGN_OR_RETURN(CaseDetail stored, LoadCase(connection, options_, case_id, now));
    if (level <= stored.summary.exposure) {
      return Status(ErrorCode::kFailedPrecondition, "error.clinic.exposure_not_raised",
                    {{"level", std::to_string(stored.summary.exposure)}}, "level");
    }
    RETURN_IF_ERROR(connection
                        .Execute("UPDATE clinic_cases SET exposure_floor = $1 WHERE id = $2",
                                 {static_cast<std::int64_t>(level), case_id})
                        .status());
    stored.exposure_floor = level;
    RETURN_IF_ERROR(UpdateExposure(connection, stored, now));
    return AuditCase(connection, actor, "update", case_id,
                     "exposure " + std::to_string(level) + ": " + reason);
  });
}

}  // namespace lifeline
