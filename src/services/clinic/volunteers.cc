// Volunteer applications and their review, readiness and capacity.

#include <algorithm>
#include <utility>

#include "services/accounts/accounts.h"
#include "services/audit/audit_log.h"
#include "services/clinic/clinic_internal.h"
#include "services/clinic/clinic_service.h"

namespace lifeline {

using namespace clinic;  // the helpers of clinic_internal.h

namespace {

constexpr std::size_t kMaxDisplayName = 100;
constexpr std::int64_t kMaxYearsPractice = 70;
constexpr Role kVolunteerRoles[] = {Role::kDoctor, Role::kNurse, Role::kAngel, Role::kCounsellor};
constexpr std::string_view kApplicationStatuses[] = {"pending", "approved", "rejected"};

constexpr std::string_view kApplicationColumns =
    "id, status, display_name, role, phone_last4, licence_number, hospital, department, "
    "years_practice, username, submitted_at, decided_at, decided_by, decision_reason, "
    "overridden, user_id, locale, password_hash";

bool IsClinicalRole(Role role) { return role == Role::kDoctor || role == Role::kNurse; }

struct StoredApplication {
  ApplicationRecord record;
  std::string locale;
  std::string password_hash;
};

StoredApplication ApplicationFromRow(const Row& row, const ClinicOptions& options) {
  StoredApplication stored;
  ApplicationRecord& record = stored.record;
  record.id = row.Int(0);
  record.status = row.Text(1);
  record.display_name = row.Text(2);
  record.role = ParseRole(row.Text(3)).value_or(Role::kAngel);
  record.phone_last4 = row.Text(4);
  record.licence_number = row.Text(5);
  record.hospital = row.Text(6);
  record.department = row.Text(7);
  record.years_practice = row.Int(8);
  record.username = row.Text(9);
  record.submitted_at = row.Int(10);
  if (!row.IsNull(11)) record.decided_at = row.Int(11);
  record.decided_by = row.Int(12);
  record.decision_reason = row.Text(13);
  record.overridden = row.Int(14) != 0;
  record.user_id = row.Int(15);
  record.meets_clinical_requirement =
      MeetsClinicalRequirement(options, record.role, record.department, record.years_practice);
  stored.locale = row.Text(16);
  stored.password_hash = row.Text(17);
  return stored;
}

Result<StoredApplication> LoadApplication(Connection& connection, const ClinicOptions& options,
                                          std::int64_t application_id) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT " + std::string(kApplicationColumns) +
                                        " FROM clinic_applications WHERE id = $1",
                                    {application_id}));
  if (found.rows.empty()) return RecordNotFound("volunteer_application", application_id);
  return ApplicationFromRow(found.rows.front(), options);
}

Status RequirePending(const ApplicationRecord& application) {
  if (application.status == "pending") return Status::Ok();
  return Status(ErrorCode::kFailedPrecondition, "error.clinic.application_decided",
                {{"status", application.status}});
}

Result<VolunteerRecord> LoadVolunteer(Connection& connection, const ClinicOptions& options,
                                      std::int64_t user_id, UnixMillis now) {
  ASSIGN_OR_RETURN(std::vector<VolunteerRecord> found,
                   LoadVolunteers(connection, options, "v.user_id = $1", {user_id}, now));
  if (found.empty()) return RecordNotFound("volunteer", user_id);
  return std::move(found.front());
}

Status AuditVolunteer(Connection& connection, const Actor& actor, std::string action,
                      std::string_view entity, std::int64_t id, std::string reason) {
  return AuditLog::Append(connection, actor,
                          {std::move(action), std::string(entity),
                           id == 0 ? "*" : std::to_string(id), std::move(reason)});
}

}  // namespace

namespace clinic {

bool MeetsClinicalRequirement(const ClinicOptions& options, Role role,
                              const std::string& department, std::int64_t years_practice) {
  if (!IsClinicalRole(role)) return true;
  const bool relevant =
      std::find(options.relevant_departments.begin(), options.relevant_departments.end(),
                department) != options.relevant_departments.end();
  return relevant && years_practice >= options.min_clinical_years;
}

}  // namespace clinic

Result<ApplicationRecord> ClinicService::SubmitApplication(
    const Actor& actor, const VolunteerApplication& application) {
  RETURN_IF_ERROR(CheckText(application.display_name, "display_name", kMaxDisplayName, true));
  const std::optional<Role> role = ParseRole(application.role);
  if (!role || std::find(std::begin(kVolunteerRoles), std::end(kVolunteerRoles), *role) ==
                   std::end(kVolunteerRoles)) {
    if (application.role.empty()) return FieldRequired("role");
    return UnknownChoice("role", application.role, {"doctor", "nurse", "angel", "counsellor"});
  }
  ASSIGN_OR_RETURN(const PhonePseudonym phone,
                   PseudonymisePhone(pseudonym_key_, application.phone, "phone"));
  const bool clinical = IsClinicalRole(*role);
  RETURN_IF_ERROR(CheckText(application.licence_number, "licence_number", kMaxShortText, clinical));
  RETURN_IF_ERROR(CheckText(application.hospital, "hospital", kMaxShortText, clinical));
  RETURN_IF_ERROR(CheckText(application.department, "department", kMaxShortText, clinical));
  if (application.years_practice < 0 || application.years_practice > kMaxYearsPractice) {
    return FieldInvalid("years_practice", "0.." + std::to_string(kMaxYearsPractice));
  }
  // Checks the account fields and hashes the password before the transaction; the password
  // itself is never stored.
  ASSIGN_OR_RETURN(const PreparedUser account,
                   accounts_.PrepareUser({application.username, Trimmed(application.display_name),
                                          *role, application.password, application.locale}));
  ApplicationRecord record;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const bool taken,
                         AccountService::IsUsernameTaken(connection, account.username));
        ASSIGN_OR_RETURN(
            const QueryResult pending,
            connection.Query("SELECT 1 FROM clinic_applications WHERE username = $1 AND "
                             "status = 'pending'",
                             {account.username}));
        if (taken || !pending.rows.empty()) {
          return Status(ErrorCode::kAlreadyExists, "error.username_taken",
                        {{"username", account.username}}, "username");
        }
        ASSIGN_OR_RETURN(
            const QueryResult inserted,
            connection.Query(
                "INSERT INTO clinic_applications (status, display_name, role, phone_key, "
                "phone_last4, "
                "licence_number, hospital, department, years_practice, username, password_hash, "
                "locale, submitted_at) VALUES ('pending', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                "$11, $12) RETURNING id",
                {account.display_name, std::string(RoleName(*role)), phone.key, phone.last4,
                 Trimmed(application.licence_number), Trimmed(application.hospital),
                 Trimmed(application.department), application.years_practice, account.username,
                 account.password_hash, account.locale, Now()}));
        const std::int64_t id = inserted.rows.at(0).Int(0);
        ASSIGN_OR_RETURN(const StoredApplication stored, LoadApplication(connection, options_, id));
        record = stored.record;
        return AuditVolunteer(connection, actor, "create", "volunteer_application", id,
                              "role " + std::string(RoleName(*role)));
      }));
  return record;
}

Result<std::vector<ApplicationRecord>> ClinicService::ListApplications(
    const Actor& actor, const std::optional<std::string>& status) {
  if (status && std::find(std::begin(kApplicationStatuses), std::end(kApplicationStatuses),
                          *status) == std::end(kApplicationStatuses)) {
    return UnknownChoice("status", *status, {"pending", "approved", "rejected"});
  }
  std::vector<ApplicationRecord> applications;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        const std::string select =
            "SELECT " + std::string(kApplicationColumns) + " FROM clinic_applications";
        ASSIGN_OR_RETURN(
            const QueryResult found,
            status ? connection.Query(select + " WHERE status = $1 ORDER BY id", {*status})
                   : connection.Query(select + " ORDER BY id"));
        applications.clear();
        for (const Row& row : found.rows) {
          applications.push_back(ApplicationFromRow(row, options_).record);
        }
        return AuditVolunteer(connection, actor, "list", "volunteer_application", 0,
                              status.value_or(""));
      }));
  return applications;
}

Result<ApplicationRecord> ClinicService::GetApplication(const Actor& actor,
                                                        std::int64_t application_id) {
  ApplicationRecord record;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const StoredApplication stored,
                         LoadApplication(connection, options_, application_id));
        record = stored.record;
        return AuditVolunteer(connection, actor, "read", "volunteer_application", application_id,
                              "");
      }));
  return record;
}

Result<VolunteerRecord> ClinicService::ApproveApplication(const Actor& actor,
                                                          std::int64_t application_id,
                                                          const ApprovalDecision& decision) {
  if (decision.readiness < kMinReadiness || decision.readiness > kMaxReadiness) {
    return FieldInvalid("readiness", "1..3");
  }
  const std::int64_t capacity = decision.capacity.value_or(options_.default_capacity);
  if (capacity < 0 || capacity > kMaxCapacity) {
    return FieldInvalid("capacity", "0.." + std::to_string(kMaxCapacity));
  }
  RETURN_IF_ERROR(CheckText(decision.override_reason, "override_reason", kMaxReasonText, false));
  const std::string override_reason = Trimmed(decision.override_reason);
  VolunteerRecord volunteer;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        const UnixMillis now = Now();
        ASSIGN_OR_RETURN(const StoredApplication stored,
                         LoadApplication(connection, options_, application_id));
        const ApplicationRecord& application = stored.record;
        RETURN_IF_ERROR(RequirePending(application));
        const bool overridden = !application.meets_clinical_requirement;
        if (overridden && override_reason.empty()) {
          return Status(ErrorCode::kFailedPrecondition, "error.clinic.clinical_requirement",
                        {{"years", std::to_string(options_.min_clinical_years)}},
                        "override_reason");
        }
        ASSIGN_OR_RETURN(const User user,
                         AccountService::InsertPreparedUser(
                             connection, actor,
                             {application.username, application.display_name, application.role,
                              stored.locale, stored.password_hash}));
        RETURN_IF_ERROR(
            connection
                .Execute(
                    "INSERT INTO clinic_volunteers (user_id, application_id, readiness, "
                    "capacity, licence_number, hospital, department, years_practice, "
                    "approved_at, approved_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    {user.id, application_id, static_cast<std::int64_t>(decision.readiness),
                     capacity, application.licence_number, application.hospital,
                     application.department, application.years_practice, now, actor.user_id})
                .status());
        // The hash moved to the account; the application keeps no copy.
        RETURN_IF_ERROR(
            connection
                .Execute("UPDATE clinic_applications SET status = 'approved', decided_at = $1, "
                         "decided_by = $2, decision_reason = $3, overridden = $4, user_id = $5, "
                         "password_hash = '' WHERE id = $6",
                         {now, actor.user_id, override_reason, Flag(overridden), user.id,
                          application_id})
                .status());
        ASSIGN_OR_RETURN(volunteer, LoadVolunteer(connection, options_, user.id, now));
        return AuditVolunteer(
            connection, actor, "approve", "volunteer_application", application_id,
            "readiness " + std::to_string(decision.readiness) +
                (overridden ? ", clinical requirement overridden: " + override_reason : ""));
      }));
  return volunteer;
}

Result<ApplicationRecord> ClinicService::RejectApplication(const Actor& actor,
                                                           std::int64_t application_id,
                                                           const std::string& reason) {
  RETURN_IF_ERROR(CheckText(reason, "reason", kMaxReasonText, /*required=*/true));
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const StoredApplication stored,
                         LoadApplication(connection, options_, application_id));
        RETURN_IF_ERROR(RequirePending(stored.record));
        RETURN_IF_ERROR(
            connection
                .Execute("UPDATE clinic_applications SET status = 'rejected', decided_at = $1, "
                         "decided_by = $2, decision_reason = $3, password_hash = '' WHERE id = $4",
                         {Now(), actor.user_id, Trimmed(reason), application_id})
                .status());
        return AuditVolunteer(connection, actor, "reject", "volunteer_application", application_id,
                              Trimmed(reason));
      }));
  return GetApplication(actor, application_id);
}

Result<std::vector<VolunteerRecord>> ClinicService::ListVolunteers(const Actor& actor) {
  std::vector<VolunteerRecord> volunteers;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(volunteers, LoadVolunteers(connection, options_, "1 = 1", {}, Now()));
        return AuditVolunteer(connection, actor, "list", "volunteer", 0, "");
      }));
  return volunteers;
}

Result<VolunteerRecord> ClinicService::GetVolunteer(const Actor& actor, std::int64_t user_id) {
  VolunteerRecord volunteer;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(volunteer, LoadVolunteer(connection, options_, user_id, Now()));
        RETURN_IF_ERROR(RequireSelfOrReviewer(actor, user_id));
        return AuditVolunteer(connection, actor, "read", "volunteer", user_id, "");
      }));
  return volunteer;
}

Result<VolunteerRecord> ClinicService::SetReadiness(const Actor& actor, std::int64_t user_id,
                                                    int level, const std::string& reason) {
  if (level < kMinReadiness || level > kMaxReadiness) return FieldInvalid("level", "1..3");
  RETURN_IF_ERROR(CheckText(reason, "reason", kMaxReasonText, /*required=*/false));
  VolunteerRecord volunteer;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        const UnixMillis now = Now();
        ASSIGN_OR_RETURN(volunteer, LoadVolunteer(connection, options_, user_id, now));
        const int before = volunteer.readiness;
        if (level > before + 1) {
          return Status(ErrorCode::kFailedPrecondition, "error.clinic.readiness_step",
                        {{"current", std::to_string(before)}}, "level");
        }
        RETURN_IF_ERROR(
            connection
                .Execute("UPDATE clinic_volunteers SET readiness = $1 WHERE user_id = $2",
                         {static_cast<std::int64_t>(level), user_id})
                .status());
        volunteer.readiness = level;
        return AuditVolunteer(
            connection, actor, "update", "volunteer", user_id,
            "readiness " + std::to_string(before) + "->" + std::to_string(level) + " " + reason);
      }));
  return volunteer;
}

Result<VolunteerRecord> ClinicService::SetCapacity(const Actor& actor, std::int64_t user_id,
                                                   std::int64_t capacity) {
  if (capacity < 0 || capacity > kMaxCapacity) {
    return FieldInvalid("capacity", "0.." + std::to_string(kMaxCapacity));
  }
  VolunteerRecord volunteer;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(volunteer, LoadVolunteer(connection, options_, user_id, Now()));
        const bool reviewer = actor.role == Role::kCoordinator || actor.role == Role::kAdmin;
        if (!reviewer && actor.user_id != user_id) {
          return Status(ErrorCode::kPermissionDenied, "error.clinic.not_your_record");
        }
        RETURN_IF_ERROR(
            connection
                .Execute("UPDATE clinic_volunteers SET capacity = $1 WHERE user_id = $2",
                         {capacity, user_id})
                .status());
        volunteer.capacity = capacity;
        return AuditVolunteer(connection, actor, "update", "volunteer", user_id,
                              "capacity " + std::to_string(capacity));
      }));
  return volunteer;
}

}  // namespace lifeline
