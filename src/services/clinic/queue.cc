// The coordinator's board, the per-tier queues and the lists of tasks.

#include <array>
#include <utility>

#include "services/clinic/clinic_internal.h"
#include "services/clinic/clinic_service.h"

namespace lifeline {

using namespace clinic;  // the helpers of clinic_internal.h

namespace {

// The board's columns, in the order a case usually travels.
constexpr std::array<Tier, 5> kBoardTiers = {Tier::kTriageDesk, Tier::kOutpatient, Tier::kWard,
                                             Tier::kIcu, Tier::kLifeCare};

// Doctors and nurses work the clinical tiers; life care is the counsellors'.
bool MayReadQueue(Role role, Tier tier) {
  if (role == Role::kDoctor || role == Role::kNurse) return tier != Tier::kLifeCare;
  return role == Role::kCoordinator;
}

}  // namespace

Result<std::vector<TierQueue>> ClinicService::Board(const Actor& actor) {
  std::vector<TierQueue> board;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        board.clear();
        for (const Tier tier : kBoardTiers) board.push_back(TierQueue{tier, 0, {}});
        ASSIGN_OR_RETURN(std::vector<CaseSummary> cases,
                         LoadOpenCases(connection, options_, "", {}, Now()));
        for (CaseSummary& summary : cases) {
          for (TierQueue& queue : board) {
            if (queue.tier != summary.tier) continue;
            if (summary.overdue) ++queue.overdue;
            queue.cases.push_back(std::move(summary));
            break;
          }
        }
        return AuditCase(connection, actor, "list", 0, "board");
      }));
  return board;
}

Result<TierQueue> ClinicService::Queue(const Actor& actor, const std::string& tier) {
  if (tier.empty()) return FieldRequired("tier");
  const std::optional<Tier> parsed = triage::ParseTier(tier);
  if (!parsed) return FieldInvalid("tier", "triage_desk, outpatient, ward, icu, life_care");
  if (!MayReadQueue(actor.role, *parsed)) {
    return Status(ErrorCode::kPermissionDenied, "error.clinic.queue_not_for_role",
                  {{"tier", tier}, {"role", std::string(RoleName(actor.role))}});
  }
  TierQueue queue{*parsed, 0, {}};
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(queue.cases,
                         LoadOpenCases(connection, options_, " AND c.tier = $1", {tier}, Now()));
        queue.overdue = 0;
        for (const CaseSummary& summary : queue.cases) queue.overdue += summary.overdue ? 1 : 0;
        return AuditCase(connection, actor, "list", 0, "queue " + tier);
      }));
  return queue;
}

Result<std::vector<ClinicTask>> ClinicService::OverdueTasks(const Actor& actor) {
  std::vector<ClinicTask> tasks;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        // Follow-ups of closed cases lapse; debriefs outlive the case they follow.
        ASSIGN_OR_RETURN(tasks,
                         LoadTasks(connection,
                                   "done_at IS NULL AND due_at < $1 AND (kind = 'debrief' OR "
                                   "case_id IN (SELECT id FROM clinic_cases WHERE status = "
                                   "'open'))",
                                   {Now()}, Now()));
        return AuditCase(connection, actor, "list", 0, "overdue tasks");
      }));
  return tasks;
}

Result<std::vector<ClinicTask>> ClinicService::MyTasks(const Actor& actor) {
  std::vector<ClinicTask> tasks;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(tasks, LoadTasks(connection, "done_at IS NULL AND assignee_id = $1",
                                          {actor.user_id}, Now()));
        return AuditCase(connection, actor, "list", 0, "my tasks");
      }));
  return tasks;
}

}  // namespace lifeline
