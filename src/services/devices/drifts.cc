// Inspections, lendings (drifts) and their ends, passing a device on, check-in calls.

#include <cmath>
#include <utility>

#include "core/crypto.h"
#include "services/audit/audit_log.h"
#include "services/devices/devices_internal.h"
#include "services/devices/devices_service.h"

namespace lifeline {

using namespace devices;  // the helpers of devices_internal.h

namespace {

constexpr std::size_t kMaxAddressText = 500;
constexpr double kMaxSpo2 = 100;

// A household's phone as stored: the keyed hash of its digits (to count families) and the
// number sealed with the deployment key (to call them).
struct StoredPhone {
  std::string key;
  std::string sealed;
};

// The digits of a household's phone number as typed.
Result<std::string> HouseholdPhoneDigits(const std::string& phone) {
  if (Trimmed(phone).empty()) return FieldRequired("phone");
  std::optional<std::string> digits = PhoneDigits(phone);
  if (!digits) return FieldInvalid("phone", "7-15 digits");
  return std::move(*digits);
}

Result<StoredPhone> StorePhone(const std::string& key, const std::string& phone) {
  ASSIGN_OR_RETURN(const std::string digits, HouseholdPhoneDigits(phone));
  return StoredPhone{KeyedHashHex(key, digits), SealText(key, Trimmed(phone))};
}

Status CheckRange(std::optional<double> value, std::string_view field, double min, double max) {
  if (!value) return Status::Ok();
  if (!std::isfinite(*value) || *value < min || *value > max) {
    return FieldInvalid(field, std::to_string(static_cast<int>(min)) + ".." +
                                   std::to_string(static_cast<int>(max)));
  }
  return Status::Ok();
}

Status ValidateNewDrift(const NewDrift& drift, UnixMillis now) {
  const Household& household = drift.household;
  RETURN_IF_ERROR(CheckText(household.contact_name, "contact_name", kMaxShortText, true));
  RETURN_IF_ERROR(CheckText(household.phone, "phone", kMaxShortText, true));
  RETURN_IF_ERROR(HouseholdPhoneDigits(household.phone).status());
  RETURN_IF_ERROR(CheckText(household.address, "address", kMaxAddressText, true));
  if (Trimmed(household.district_code).empty()) return FieldRequired("district_code");
  if (household.lat.has_value() != household.lon.has_value()) {
    return FieldRequired(household.lat ? "lon" : "lat");
  }
  RETURN_IF_ERROR(CheckRange(household.lat, "lat", -90, 90));
  RETURN_IF_ERROR(CheckRange(household.lon, "lon", -180, 180));
  if (drift.expected_end == 0) return FieldRequired("expected_end");
  if (drift.expected_end <= now) return FieldInvalid("expected_end", "after now");
  RETURN_IF_ERROR(CheckText(drift.guidance, "guidance", kMaxNoteText, true));
  RETURN_IF_ERROR(CheckText(drift.doctor_advice, "doctor_advice", kMaxNoteText, false));
  if (drift.prescribed_flow_lpm && *drift.prescribed_flow_lpm <= 0) {
    return FieldInvalid("prescribed_flow_lpm", "> 0");
  }
  RETURN_IF_ERROR(CheckRange(drift.prescribed_flow_lpm, "prescribed_flow_lpm", 0, kMaxFlowLpm));
  if (drift.checkin_interval_days && (*drift.checkin_interval_days < 1 ||
                                      *drift.checkin_interval_days > kMaxCheckInIntervalDays)) {
    return FieldInvalid("checkin_interval_days", "1.." + std::to_string(kMaxCheckInIntervalDays));
  }
  for (const auto& [field, id] :
       {std::pair{"clinic_case_id", drift.clinic_case_id}, std::pair{"need_id", drift.need_id},
        std::pair{"match_id", drift.match_id}}) {
    if (id && *id <= 0) return FieldInvalid(field, "> 0");
  }
  return Status::Ok();
}

Status RequireLendable(const Device& device) {
  if (device.status != kStatusAvailable && device.status != kStatusLent) {
    return Status(ErrorCode::kFailedPrecondition, "error.devices.out_of_service",
                  {{"name", device.name_en}, {"status", device.status}});
  }
  return Status::Ok();
}

Status AlreadyLent(const Device& device) {
  return Status(ErrorCode::kFailedPrecondition, "error.devices.already_lent",
                {{"name", device.name_en}});
}

Status NotLent(const Device& device) {
  return Status(ErrorCode::kFailedPrecondition, "error.devices.not_lent",
                {{"name", device.name_en}});
}

Status InspectionRequired(const Device& device) {
  return Status(ErrorCode::kFailedPrecondition, "error.devices.inspection_required",
                {{"name", device.name_en}});
}

Value Optional(const std::optional<std::int64_t>& value) {
  return value ? Value(*value) : Value(nullptr);
}

Value Optional(const std::optional<double>& value) {
  return value ? Value(*value) : Value(nullptr);
}

// Inserts the lending and marks the device lent; the one-open-lending index turns a concurrent
// lending of the same device into "already lent".
Result<std::int64_t> StartDrift(Connection& connection, const std::string& key,
                                const DevicesOptions& options, const Actor& actor,
                                const Device& device, const NewDrift& drift,
                                std::optional<std::int64_t> previous_drift_id, UnixMillis now) {
  const Household& household = drift.household;
  const std::string district = Trimmed(household.district_code);
  ASSIGN_OR_RETURN(const QueryResult district_found,
                   connection.Query("SELECT 1 FROM districts WHERE code = $1", {district}));
  if (district_found.rows.empty()) {
    return Status::InvalidArgument("error.unknown_district", {{"code", district}}, "district_code");
  }
  ASSIGN_OR_RETURN(const StoredPhone phone, StorePhone(key, household.phone));
  const std::int64_t interval = drift.checkin_interval_days.value_or(options.checkin_interval_days);
  Result<QueryResult> inserted = connection.Query(
      "INSERT INTO device_drifts (device_id, previous_drift_id, contact_name, phone_key, "
      "phone_sealed, address, lat, lon, district_code, clinic_case_id, need_id, match_id, "
      "started_at, started_by, expected_end, guidance, doctor_advice, prescribed_flow_lpm, "
      "checkin_interval_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
      "$14, $15, $16, $17, $18, $19) RETURNING id",
      {device.id, Optional(previous_drift_id), Trimmed(household.contact_name), phone.key,
       phone.sealed, Trimmed(household.address), Optional(household.lat), Optional(household.lon),
       district, Optional(drift.clinic_case_id), Optional(drift.need_id), Optional(drift.match_id),
       now, actor.user_id, drift.expected_end, Trimmed(drift.guidance),
       Trimmed(drift.doctor_advice), Optional(drift.prescribed_flow_lpm), interval});
  if (!inserted.ok()) {
    if (inserted.status().code() == ErrorCode::kAlreadyExists) return AlreadyLent(device);
    return inserted.status();
  }
  const std::int64_t drift_id = inserted->rows.at(0).Int(0);
  RETURN_IF_ERROR(connection
                      .Execute("UPDATE devices SET status = $1, updated_at = $2 WHERE id = $3",
                               {std::string(kStatusLent), now, device.id})
                      .status());
  nlohmann::json detail = {{"district_code", district},
                           {"expected_end", drift.expected_end},
                           {"checkin_interval_days", interval}};
  if (previous_drift_id) detail["previous_drift_id"] = *previous_drift_id;
  if (drift.prescribed_flow_lpm) detail["prescribed_flow_lpm"] = *drift.prescribed_flow_lpm;
  RETURN_IF_ERROR(AppendEvent(connection, device.id, drift_id, now, actor, "lent", detail));
  RETURN_IF_ERROR(
      AuditLog::Append(connection, actor, {"create", "drift", std::to_string(drift_id), ""}));
  return drift_id;
}

Status CloseDrift(Connection& connection, const Actor& actor, const Device& device,
                  std::int64_t drift_id, const std::string& outcome, const std::string& note,
                  UnixMillis now) {
  ASSIGN_OR_RETURN(const std::int64_t changed,
                   connection.Execute("UPDATE device_drifts SET ended_at = $1, ended_by = $2, "
                                      "end_outcome = $3, end_note = $4 WHERE id = $5 AND "
                                      "ended_at IS NULL",
                                      {now, actor.user_id, outcome, Trimmed(note), drift_id}));
  if (changed != 1) return NotLent(device);
  RETURN_IF_ERROR(
      AppendEvent(connection, device.id, drift_id, now, actor, "ended", {{"outcome", outcome}}));
  return AuditLog::Append(connection, actor,
                          {"update", "drift", std::to_string(drift_id), "ended " + outcome});
}

Result<Drift> LoadOneDrift(Connection& connection, const DevicesOptions& options,
                           const std::string& key, const Actor& actor, const Device& device,
                           std::int64_t drift_id, UnixMillis now) {
  ASSIGN_OR_RETURN(std::vector<Drift> drifts,
                   LoadDrifts(connection, options, "d.id = $1", {drift_id}, now));
  if (drifts.empty()) return RecordNotFound("drift", drift_id);
  Drift drift = std::move(drifts.front());
  ASSIGN_OR_RETURN(drift.checkins, LoadCheckIns(connection, drift_id));
  RETURN_IF_ERROR(RevealOrRedact(key, MaySeeHouseholds(actor, device), drift));
  return drift;
}

}  // namespace

Result<Inspection> DevicesService::Inspect(const Actor& actor, std::int64_t device_id,
                                           const InspectionInput& input) {
  Inspection inspection;
  RETURN_IF_ERROR(WriteBatch([&](DevicesBatch& batch) -> Status {
    ASSIGN_OR_RETURN(inspection, batch.Inspect(actor, device_id, input));
    return Status::Ok();
  }));
  return inspection;
}

Result<Inspection> DevicesBatch::Inspect(const Actor& actor, std::int64_t device_id,
                                         const InspectionInput& input) {
  RETURN_IF_ERROR(CheckText(input.note, "note", kMaxNoteText, false));
  RETURN_IF_ERROR(CheckRange(input.measured_flow_lpm, "measured_flow_lpm", 0, kMaxFlowLpm));
  const UnixMillis now = service_.Now();
  Inspection inspection;
  ASSIGN_OR_RETURN(const Device device, LoadDevice(connection_, device_id));
  RETURN_IF_ERROR(RequireOwnDevice(actor, device));
  if (device.status == "lost") {
    return Status(ErrorCode::kFailedPrecondition, "error.devices.out_of_service",
                  {{"name", device.name_en}, {"status", device.status}});
  }
  const std::optional<double> rated = RatedFlowLpm(device.kind);
  if (rated && input.flow_checked && !input.measured_flow_lpm) {
    return FieldRequired("measured_flow_lpm");
  }
  // Oximeters have no flow to check; concentrators must deliver near their rating.
  const bool flow_applies = device.kind != "oximeter";
  bool passed = input.disinfected && input.works && (!flow_applies || input.flow_checked);
  if (passed && rated)
    passed = *input.measured_flow_lpm >= service_.options_.min_flow_share * *rated;
  ASSIGN_OR_RETURN(
      const QueryResult inserted,
      connection_.Query(
          "INSERT INTO device_inspections (device_id, at, by_user, by_username, "
          "disinfected, works, flow_checked, measured_flow_lpm, passed, note) VALUES ($1, "
          "$2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
          {device_id, now, actor.user_id, actor.username, std::int64_t{input.disinfected ? 1 : 0},
           std::int64_t{input.works ? 1 : 0}, std::int64_t{input.flow_checked ? 1 : 0},
           Optional(input.measured_flow_lpm), std::int64_t{passed ? 1 : 0}, Trimmed(input.note)}));
  inspection = Inspection{inserted.rows.at(0).Int(0),
                          device_id,
                          now,
                          actor.user_id,
                          actor.username,
                          input.disinfected,
                          input.works,
                          input.flow_checked,
                          input.measured_flow_lpm,
                          passed,
                          Trimmed(input.note)};
  nlohmann::json detail = {{"passed", passed},
                           {"disinfected", input.disinfected},
                           {"works", input.works},
                           {"flow_checked", input.flow_checked}};
  if (input.measured_flow_lpm) detail["measured_flow_lpm"] = *input.measured_flow_lpm;
  // A broken device that passes again has been repaired.
  if (passed && device.status == "broken") {
    detail["repaired"] = true;
    RETURN_IF_ERROR(connection_
                        .Execute("UPDATE devices SET status = $1, updated_at = $2 WHERE "
                                 "id = $3",
                                 {std::string(kStatusAvailable), now, device_id})
                        .status());
  }
  RETURN_IF_ERROR(
      AppendEvent(connection_, device_id, device.open_drift_id, now, actor, "inspected", detail));
  return inspection;
}

Result<Drift> DevicesService::Lend(const Actor& actor, std::int64_t device_id,
                                   const NewDrift& drift) {
  Drift lent;
  RETURN_IF_ERROR(WriteBatch([&](DevicesBatch& batch) -> Status {
    ASSIGN_OR_RETURN(lent, batch.Lend(actor, device_id, drift));
    return Status::Ok();
  }));
  return lent;
}

Result<Drift> DevicesBatch::Lend(const Actor& actor, std::int64_t device_id,
                                 const NewDrift& drift) {
  const UnixMillis now = service_.Now();
  RETURN_IF_ERROR(ValidateNewDrift(drift, now));
  Drift lent;
  ASSIGN_OR_RETURN(const Device device, LoadDevice(connection_, device_id));
  RETURN_IF_ERROR(RequireOwnDevice(actor, device));
  RETURN_IF_ERROR(RequireLendable(device));
  if (device.open_drift_id) return AlreadyLent(device);
  if (!device.ready_to_lend) return InspectionRequired(device);
  ASSIGN_OR_RETURN(const std::int64_t drift_id,
                   StartDrift(connection_, service_.pseudonym_key_, service_.options_, actor,
                              device, drift, std::nullopt, now));
  ASSIGN_OR_RETURN(lent, LoadOneDrift(connection_, service_.options_, service_.pseudonym_key_,
                                      actor, device, drift_id, now));
  return lent;
}

Result<Drift> DevicesService::End(const Actor& actor, std::int64_t device_id, const EndDrift& end) {
  Drift ended;
  RETURN_IF_ERROR(WriteBatch([&](DevicesBatch& batch) -> Status {
    ASSIGN_OR_RETURN(ended, batch.End(actor, device_id, end));
    return Status::Ok();
  }));
  return ended;
}

Result<Drift> DevicesBatch::End(const Actor& actor, std::int64_t device_id, const EndDrift& end) {
  if (end.outcome.empty()) return FieldRequired("outcome");
  if (!IsOneOf(end.outcome, DriftOutcomes())) {
    return UnknownChoice("outcome", end.outcome, DriftOutcomes());
  }
  if (end.outcome == kOutcomePassedOn) {
    return Status::InvalidArgument("error.devices.pass_on_needs_next", {}, "next");
  }
  RETURN_IF_ERROR(CheckText(end.note, "note", kMaxNoteText, false));
  const UnixMillis now = service_.Now();
  Drift ended;
  ASSIGN_OR_RETURN(const Device device, LoadDevice(connection_, device_id));
  RETURN_IF_ERROR(RequireOwnDevice(actor, device));
  if (!device.open_drift_id) return NotLent(device);
  RETURN_IF_ERROR(
      CloseDrift(connection_, actor, device, *device.open_drift_id, end.outcome, end.note, now));
  const std::string status =
      end.outcome == "returned" ? std::string(kStatusAvailable) : end.outcome;  // broken, lost
  RETURN_IF_ERROR(connection_
                      .Execute("UPDATE devices SET status = $1, updated_at = $2 WHERE id = $3",
                               {status, now, device_id})
                      .status());
  ASSIGN_OR_RETURN(ended, LoadOneDrift(connection_, service_.options_, service_.pseudonym_key_,
                                       actor, device, *device.open_drift_id, now));
  return ended;
}

Result<Drift> DevicesService::PassOn(const Actor& actor, std::int64_t device_id,
                                     const NewDrift& next, const std::string& note) {
  Drift started;
  RETURN_IF_ERROR(WriteBatch([&](DevicesBatch& batch) -> Status {
    ASSIGN_OR_RETURN(started, batch.PassOn(actor, device_id, next, note));
    return Status::Ok();
  }));
  return started;
}

Result<Drift> DevicesBatch::PassOn(const Actor& actor, std::int64_t device_id, const NewDrift& next,
                                   const std::string& note) {
  const UnixMillis now = service_.Now();
  RETURN_IF_ERROR(ValidateNewDrift(next, now));
  RETURN_IF_ERROR(CheckText(note, "note", kMaxNoteText, false));
  Drift started;
  ASSIGN_OR_RETURN(const Device device, LoadDevice(connection_, device_id));
  RETURN_IF_ERROR(RequireOwnDevice(actor, device));
  if (!device.open_drift_id) return NotLent(device);
  ASSIGN_OR_RETURN(const QueryResult open,
                   connection_.Query("SELECT started_at FROM device_drifts WHERE id = $1",
                                     {*device.open_drift_id}));
  const UnixMillis current_start = open.rows.at(0).Int(0);
  // The hand-over inspection: the latest one, passed, after this family got the device.
  if (!device.last_inspection || !device.last_inspection->passed ||
      device.last_inspection->at <= current_start) {
    return InspectionRequired(device);
  }
  RETURN_IF_ERROR(CloseDrift(connection_, actor, device, *device.open_drift_id,
                             std::string(kOutcomePassedOn), note, now));
  ASSIGN_OR_RETURN(const std::int64_t drift_id,
                   StartDrift(connection_, service_.pseudonym_key_, service_.options_, actor,
                              device, next, device.open_drift_id, now));
  ASSIGN_OR_RETURN(started, LoadOneDrift(connection_, service_.options_, service_.pseudonym_key_,
                                         actor, device, drift_id, now));
  return started;
}

Result<CheckIn> DevicesService::RecordCheckIn(const Actor& actor, std::int64_t device_id,
                                              const CheckInInput& input) {
  CheckIn recorded;
  RETURN_IF_ERROR(WriteBatch([&](DevicesBatch& batch) -> Status {
    ASSIGN_OR_RETURN(recorded, batch.RecordCheckIn(actor, device_id, input));
    return Status::Ok();
  }));
  return recorded;
}

Result<CheckIn> DevicesBatch::RecordCheckIn(const Actor& actor, std::int64_t device_id,
                                            const CheckInInput& input) {
  if (input.reached) {
    if (input.condition.empty()) return FieldRequired("condition");
    if (!IsOneOf(input.condition, CheckInConditions())) {
      return UnknownChoice("condition", input.condition, CheckInConditions());
    }
  } else if (!input.condition.empty() || input.spo2) {
    // Nobody answered, so nothing about the patient can have been learned.
    return FieldInvalid(input.spo2 ? "spo2" : "condition", "reached = false");
  }
  RETURN_IF_ERROR(CheckRange(input.spo2, "spo2", 0, kMaxSpo2));
  RETURN_IF_ERROR(CheckText(input.note, "note", kMaxNoteText, false));
  const UnixMillis now = service_.Now();
  CheckIn recorded;
  ASSIGN_OR_RETURN(const Device device, LoadDevice(connection_, device_id));
  RETURN_IF_ERROR(RequireOwnDevice(actor, device));
  if (!device.open_drift_id) return NotLent(device);
  ASSIGN_OR_RETURN(
      const QueryResult inserted,
      connection_.Query("INSERT INTO device_checkins (drift_id, at, by_user, by_username, "
                        "reached, patient_condition, spo2, note) VALUES ($1, $2, $3, $4, "
                        "$5, $6, $7, $8) RETURNING id",
                        {*device.open_drift_id, now, actor.user_id, actor.username,
                         std::int64_t{input.reached ? 1 : 0}, input.condition, Optional(input.spo2),
                         Trimmed(input.note)}));
  recorded = CheckIn{inserted.rows.at(0).Int(0),
                     *device.open_drift_id,
                     now,
                     actor.user_id,
                     actor.username,
                     input.reached,
                     input.condition,
                     input.spo2,
                     Trimmed(input.note)};
  nlohmann::json detail = {{"reached", input.reached}, {"condition", input.condition}};
  if (input.spo2) detail["spo2"] = *input.spo2;
  RETURN_IF_ERROR(
      AppendEvent(connection_, device_id, device.open_drift_id, now, actor, "checked_in", detail));
  return recorded;
}

}  // namespace lifeline
