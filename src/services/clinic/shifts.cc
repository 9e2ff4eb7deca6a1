// Volunteers as the matching sees them (capacity in use, shifts, on duty now) and their shifts.

#include <map>
#include <utility>

#include "services/audit/audit_log.h"
#include "services/clinic/clinic_internal.h"
#include "services/clinic/clinic_service.h"

namespace lifeline {

using namespace clinic;  // the helpers of clinic_internal.h

namespace {

constexpr int kMinutesPerHour = 60;
constexpr int kMinutesPerDay = 24 * kMinutesPerHour;
constexpr int kDaysPerWeek = 7;
// 1970-01-01, day 0 of UnixMillis, was a Thursday: ISO weekday 4.
constexpr std::int64_t kEpochIsoWeekday = 4;
constexpr UnixMillis kMaxShiftLength = 7 * kMillisPerDay;
constexpr std::string_view kShiftColumns =
    "id, user_id, kind, weekday, start_minute, end_minute, starts_at, ends_at";

std::int64_t FloorDiv(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

Shift ShiftFromRow(const Row& row) {
  return {row.Int(0),
          row.Text(2),
          static_cast<int>(row.Int(3)),
          static_cast<int>(row.Int(4)),
          static_cast<int>(row.Int(5)),
          row.Int(6),
          row.Int(7)};
}

// "08:30" as minutes after midnight; -1 when malformed.
int ParseClock(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return -1;
  for (const std::size_t index : {0u, 1u, 3u, 4u}) {
    if (text[index] < '0' || text[index] > '9') return -1;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return -1;
  return hours * kMinutesPerHour + minutes;
}

Result<std::vector<Shift>> LoadShifts(Connection& connection, std::int64_t user_id) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT " + std::string(kShiftColumns) +
                                        " FROM clinic_shifts WHERE user_id = $1 ORDER BY id",
                                    {user_id}));
  std::vector<Shift> shifts;
  for (const Row& row : found.rows) shifts.push_back(ShiftFromRow(row));
  return shifts;
}

Status RequireVolunteer(Connection& connection, std::int64_t user_id) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query("SELECT 1 FROM clinic_volunteers WHERE user_id = $1", {user_id}));
  return found.rows.empty() ? RecordNotFound("volunteer", user_id) : Status::Ok();
}

}  // namespace

namespace clinic {

bool IsOnShift(const std::vector<Shift>& shifts, UnixMillis now, int local_utc_offset_minutes) {
  const UnixMillis local = now + local_utc_offset_minutes * kMillisPerMinute;
  const std::int64_t day = FloorDiv(local, kMillisPerDay);
  const int minute = static_cast<int>((local - day * kMillisPerDay) / kMillisPerMinute);
  const std::int64_t days_since_a_monday = day + kEpochIsoWeekday - 1;
  const std::int64_t weeks = FloorDiv(days_since_a_monday, kDaysPerWeek);
  const int weekday = static_cast<int>(days_since_a_monday - weeks * kDaysPerWeek) + 1;
  const int yesterday = weekday == 1 ? kDaysPerWeek : weekday - 1;
  for (const Shift& shift : shifts) {
    if (shift.kind == "once") {
      if (shift.starts_at <= now && now < shift.ends_at) return true;
    } else if (shift.start_minute < shift.end_minute) {
      if (shift.weekday == weekday && shift.start_minute <= minute && minute < shift.end_minute) {
        return true;
      }
    } else if ((shift.weekday == weekday && minute >= shift.start_minute) ||
               (shift.weekday == yesterday && minute < shift.end_minute)) {
      return true;  // a night shift that started today or yesterday
    }
  }
  return false;
}

Result<std::vector<VolunteerRecord>> LoadVolunteers(Connection& connection,
                                                    const ClinicOptions& options,
                                                    const std::string& where,
                                                    const std::vector<Value>& params,
                                                    UnixMillis now) {
  const std::string from =
      " FROM clinic_volunteers v JOIN users u ON u.id = v.user_id WHERE " + where;
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query("SELECT v.user_id, u.username, u.display_name, u.role, u.disabled, "
                       "v.readiness, v.capacity, (SELECT COUNT(*) FROM clinic_assignments a "
                       "WHERE a.volunteer_id = v.user_id AND a.status IN ('offered', 'active')), "
                       "v.licence_number, v.hospital, v.department, v.years_practice, "
                       "v.approved_at" +
                           from + " ORDER BY v.user_id",
                       params));
  ASSIGN_OR_RETURN(const QueryResult shift_rows,
                   connection.Query("SELECT " + std::string(kShiftColumns) +
                                        " FROM clinic_shifts WHERE user_id IN (SELECT v.user_id" +
                                        from + ") ORDER BY id",
                                    params));
  std::map<std::int64_t, std::vector<Shift>> shifts_by_user;
  for (const Row& row : shift_rows.rows) shifts_by_user[row.Int(1)].push_back(ShiftFromRow(row));

  std::vector<VolunteerRecord> volunteers;
  volunteers.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    VolunteerRecord volunteer;
    volunteer.user_id = row.Int(0);
    volunteer.username = row.Text(1);
    volunteer.display_name = row.Text(2);
    volunteer.role = ParseRole(row.Text(3)).value_or(Role::kAngel);
    volunteer.disabled = row.Int(4) != 0;
    volunteer.readiness = static_cast<int>(row.Int(5));
    volunteer.capacity = row.Int(6);
    volunteer.active_cases = row.Int(7);
    volunteer.licence_number = row.Text(8);
    volunteer.hospital = row.Text(9);
    volunteer.department = row.Text(10);
    volunteer.years_practice = row.Int(11);
    volunteer.approved_at = row.Int(12);
    volunteer.shifts = std::move(shifts_by_user[volunteer.user_id]);
    volunteer.on_shift = IsOnShift(volunteer.shifts, now, options.local_utc_offset_minutes);
    volunteers.push_back(std::move(volunteer));
  }
  return volunteers;
}

}  // namespace clinic

Result<std::vector<Shift>> ClinicService::ListShifts(const Actor& actor, std::int64_t user_id) {
  std::vector<Shift> shifts;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        RETURN_IF_ERROR(RequireVolunteer(connection, user_id));
        RETURN_IF_ERROR(RequireSelfOrReviewer(actor, user_id));
        ASSIGN_OR_RETURN(shifts, LoadShifts(connection, user_id));
        return Status::Ok();
      }));
  return shifts;
}

Result<Shift> ClinicService::AddShift(const Actor& actor, std::int64_t user_id,
                                      const NewShift& shift) {
  Shift stored;
  stored.kind = shift.kind;
  if (shift.kind == "weekly") {
    if (shift.weekday < 1 || shift.weekday > kDaysPerWeek) return FieldInvalid("weekday", "1..7");
    stored.weekday = static_cast<int>(shift.weekday);
    stored.start_minute = ParseClock(shift.start);
    stored.end_minute = ParseClock(shift.end);
    if (stored.start_minute < 0) return FieldInvalid("start", "HH:MM");
    if (stored.end_minute < 0 || stored.end_minute == stored.start_minute) {
      return FieldInvalid("end", "HH:MM");
    }
  } else if (shift.kind == "once") {
    if (shift.starts_at <= 0) return FieldRequired("starts_at");
    if (shift.ends_at <= shift.starts_at || shift.ends_at - shift.starts_at > kMaxShiftLength) {
      return FieldInvalid("ends_at", "after starts_at, within 7 days");
    }
    stored.starts_at = shift.starts_at;
    stored.ends_at = shift.ends_at;
  } else {
    if (shift.kind.empty()) return FieldRequired("kind");
    return UnknownChoice("kind", shift.kind, {"weekly", "once"});
  }
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        RETURN_IF_ERROR(RequireVolunteer(connection, user_id));
        RETURN_IF_ERROR(RequireSelfOrReviewer(actor, user_id));
        ASSIGN_OR_RETURN(
            const QueryResult inserted,
            connection.Query("INSERT INTO clinic_shifts (user_id, kind, weekday, start_minute, "
                             "end_minute, starts_at, ends_at, created_at) VALUES ($1, $2, $3, $4, "
                             "$5, $6, $7, $8) RETURNING id",
                             {user_id, stored.kind, static_cast<std::int64_t>(stored.weekday),
                              static_cast<std::int64_t>(stored.start_minute),
                              static_cast<std::int64_t>(stored.end_minute), stored.starts_at,
                              stored.ends_at, Now()}));
        stored.id = inserted.rows.at(0).Int(0);
        return AuditLog::Append(connection, actor,
                                {"update", "volunteer", std::to_string(user_id),
                                 "shift " + std::to_string(stored.id) + " added"});
      }));
  return stored;
}

Status ClinicService::RemoveShift(const Actor& actor, std::int64_t shift_id) {
  return database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
    ASSIGN_OR_RETURN(
        const QueryResult found,
        connection.Query("SELECT user_id FROM clinic_shifts WHERE id = $1", {shift_id}));
    if (found.rows.empty()) return RecordNotFound("shift", shift_id);
    const std::int64_t user_id = found.rows.front().Int(0);
    RETURN_IF_ERROR(RequireSelfOrReviewer(actor, user_id));
    RETURN_IF_ERROR(
        connection.Execute("DELETE FROM clinic_shifts WHERE id = $1", {shift_id}).status());
    return AuditLog::Append(connection, actor,
                            {"update", "volunteer", std::to_string(user_id),
                             "shift " + std::to_string(shift_id) + " removed"});
  });
}

}  // namespace lifeline
