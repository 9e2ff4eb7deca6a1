// The devices' vocabulary, validation helpers, generated names and reading the tables of
// migration 0007 inside a caller's transaction.

#include <array>
#include <cstdio>
#include <utility>

#include "core/crypto.h"
#include "services/audit/audit_log.h"
#include "services/devices/devices_internal.h"

namespace lifeline {
namespace {

constexpr std::array<std::string_view, 7> kKinds = {
    "concentrator_3",      "concentrator_5",         "concentrator_10",      "oximeter",
    "ventilator_invasive", "ventilator_noninvasive", "ventilator_high_flow",
};
constexpr std::array<std::string_view, 4> kOutcomes = {"returned", "passed_on", "broken", "lost"};
constexpr std::array<std::string_view, 3> kConditions = {"better", "same", "worse"};

struct RatedFlow {
  std::string_view kind;
  double lpm;
};
constexpr std::array<RatedFlow, 3> kRatedFlows = {{
    {"concentrator_3", 3},
    {"concentrator_5", 5},
    {"concentrator_10", 10},
}};

// Hopeful words for generated names, in both languages; a device's running number picks one.
struct HopefulWord {
  std::string_view zh;
  std::string_view en;
};
constexpr std::array<HopefulWord, 12> kHopefulWords = {{
    {"希望", "Hope"},
    {"曙光", "Dawn"},
    {"春风", "Spring Breeze"},
    {"暖阳", "Warm Sun"},
    {"晴空", "Clear Sky"},
    {"新芽", "New Sprout"},
    {"星火", "Spark"},
    {"安康", "Wellbeing"},
    {"明天", "Tomorrow"},
    {"同心", "Together"},
    {"守望", "Watchful"},
    {"归途", "Homeward"},
}};

}  // namespace

std::span<const std::string_view> DeviceKinds() { return kKinds; }
std::span<const std::string_view> DriftOutcomes() { return kOutcomes; }
std::span<const std::string_view> CheckInConditions() { return kConditions; }

std::optional<double> RatedFlowLpm(std::string_view kind) {
  for (const RatedFlow& rated : kRatedFlows) {
    if (rated.kind == kind) return rated.lpm;
  }
  return std::nullopt;
}

namespace devices {
namespace {

constexpr std::string_view kDeviceSelect =
    "SELECT d.id, d.kind, d.name_zh, d.name_en, d.serial, d.model, d.angel_id, "
    "COALESCE(u.username, ''), d.offer_id, d.status, d.registered_by, d.registered_at, "
    "d.updated_at, (SELECT o.id FROM device_drifts o WHERE o.device_id = d.id AND o.ended_at IS "
    "NULL), (SELECT MAX(s.started_at) FROM device_drifts s WHERE s.device_id = d.id), "
    "i.id, i.at, i.by_user, i.by_username, i.disinfected, i.works, i.flow_checked, "
    "i.measured_flow_lpm, i.passed, i.note "
    "FROM devices d LEFT JOIN users u ON u.id = d.angel_id "
    "LEFT JOIN device_inspections i ON i.id = (SELECT l.id FROM device_inspections l WHERE "
    "l.device_id = d.id ORDER BY l.at DESC, l.id DESC LIMIT 1)";

constexpr std::string_view kInspectionColumns =
    "id, device_id, at, by_user, by_username, disinfected, works, flow_checked, "
    "measured_flow_lpm, passed, note";

constexpr std::string_view kDriftSelect =
    "SELECT d.id, d.device_id, d.previous_drift_id, d.contact_name, d.phone_sealed, d.address, "
    "d.lat, d.lon, d.district_code, d.clinic_case_id, d.need_id, d.match_id, d.started_at, "
    "d.started_by, d.expected_end, d.guidance, d.doctor_advice, d.prescribed_flow_lpm, "
    "d.checkin_interval_days, d.ended_at, d.end_outcome, d.end_note, "
    "(SELECT MAX(c.at) FROM device_checkins c WHERE c.drift_id = d.id AND c.reached = 1) "
    "FROM device_drifts d";

Inspection InspectionFromRow(const Row& row, std::size_t first) {
  Inspection inspection;
  inspection.id = row.Int(first);
  inspection.device_id = row.Int(first + 1);
  inspection.at = row.Int(first + 2);
  inspection.by_user = row.Int(first + 3);
  inspection.by_username = row.Text(first + 4);
  inspection.disinfected = row.Int(first + 5) != 0;
  inspection.works = row.Int(first + 6) != 0;
  inspection.flow_checked = row.Int(first + 7) != 0;
  inspection.measured_flow_lpm = row.OptionalDouble(first + 8);
  inspection.passed = row.Int(first + 9) != 0;
  inspection.note = row.Text(first + 10);
  return inspection;
}

Device DeviceFromRow(const Row& row) {
  Device device;
  device.id = row.Int(0);
  device.kind = row.Text(1);
  device.name_zh = row.Text(2);
  device.name_en = row.Text(3);
  device.serial = row.Text(4);
  device.model = row.Text(5);
  device.angel_id = row.OptionalInt(6);
  device.angel_username = row.Text(7);
  device.offer_id = row.OptionalInt(8);
  device.status = row.Text(9);
  device.registered_by = row.Int(10);
  device.registered_at = row.Int(11);
  device.updated_at = row.Int(12);
  device.open_drift_id = row.OptionalInt(13);
  const std::optional<std::int64_t> last_started = row.OptionalInt(14);
  if (!row.IsNull(15)) {
    // The inspection columns of the join, without device_id: give InspectionFromRow its layout.
    Inspection inspection;
    inspection.id = row.Int(15);
    inspection.device_id = device.id;
    inspection.at = row.Int(16);
    inspection.by_user = row.Int(17);
    inspection.by_username = row.Text(18);
    inspection.disinfected = row.Int(19) != 0;
    inspection.works = row.Int(20) != 0;
    inspection.flow_checked = row.Int(21) != 0;
    inspection.measured_flow_lpm = row.OptionalDouble(22);
    inspection.passed = row.Int(23) != 0;
    inspection.note = row.Text(24);
    device.last_inspection = std::move(inspection);
  }
  device.ready_to_lend = device.status == kStatusAvailable && !device.open_drift_id &&
                         device.last_inspection && device.last_inspection->passed &&
                         (!last_started || device.last_inspection->at > *last_started);
  return device;
}

}  // namespace

bool MaySeeHouseholds(const Actor& actor, const Device& device) {
  if (actor.role == Role::kCoordinator) return true;
  return actor.role == Role::kAngel && device.angel_id && *device.angel_id == actor.user_id;
}

Status RequireOwnDevice(const Actor& actor, const Device& device) {
  if (actor.role != Role::kAngel) return Status::Ok();
  if (device.angel_id && *device.angel_id == actor.user_id) return Status::Ok();
  return Status(ErrorCode::kPermissionDenied, "error.devices.not_your_device",
                {{"name", device.name_en}});
}

std::pair<std::string, std::string> GeneratedName(std::int64_t number) {
  const HopefulWord& word =
      kHopefulWords[static_cast<std::size_t>(number - 1) % kHopefulWords.size()];
  char digits[24];
  std::snprintf(digits, sizeof digits, "-%03lld", static_cast<long long>(number));
  return {std::string(word.zh) + digits, std::string(word.en) + digits};
}

Result<Device> LoadDevice(Connection& connection, std::int64_t device_id) {
  ASSIGN_OR_RETURN(std::vector<Device> found, LoadDevices(connection, "d.id = $1", {device_id}));
  if (found.empty()) return RecordNotFound("device", device_id);
  return std::move(found.front());
}

Result<std::vector<Device>> LoadDevices(Connection& connection, const std::string& where,
                                        const std::vector<Value>& params,
                                        const std::string& suffix) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query(std::string(kDeviceSelect) + " WHERE " + where +
                                        (suffix.empty() ? " ORDER BY d.id" : suffix),
                                    params));
  std::vector<Device> devices;
  devices.reserve(found.rows.size());
  for (const Row& row : found.rows) devices.push_back(DeviceFromRow(row));
  return devices;
}

UnixMillis NextCheckInDue(const DevicesOptions& options, UnixMillis started_at,
                          std::optional<UnixMillis> last_reached, std::int64_t interval_days) {
  if (!last_reached) return started_at + options.first_checkin_after;
  return *last_reached + interval_days * kMillisPerDay;
}

Result<std::vector<Drift>> LoadDrifts(Connection& connection, const DevicesOptions& options,
                                      const std::string& where, const std::vector<Value>& params,
                                      UnixMillis now) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query(
          std::string(kDriftSelect) + " WHERE " + where + " ORDER BY d.started_at, d.id", params));
  std::vector<Drift> drifts;
  drifts.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    Drift drift;
    drift.id = row.Int(0);
    drift.device_id = row.Int(1);
    drift.previous_drift_id = row.OptionalInt(2);
    drift.household.contact_name = row.Text(3);
    drift.household.phone = row.Text(4);  // sealed until RevealOrRedact
    drift.household.address = row.Text(5);
    drift.household.lat = row.OptionalDouble(6);
    drift.household.lon = row.OptionalDouble(7);
    drift.household.district_code = row.Text(8);
    drift.district_code = row.Text(8);
    drift.clinic_case_id = row.OptionalInt(9);
    drift.need_id = row.OptionalInt(10);
    drift.match_id = row.OptionalInt(11);
    drift.started_at = row.Int(12);
    drift.started_by = row.Int(13);
    drift.expected_end = row.Int(14);
    drift.guidance = row.Text(15);
    drift.doctor_advice = row.Text(16);
    drift.prescribed_flow_lpm = row.OptionalDouble(17);
    drift.checkin_interval_days = row.Int(18);
    drift.ended_at = row.OptionalInt(19);
    drift.end_outcome = row.Text(20);
    drift.end_note = row.Text(21);
    drift.last_checkin_at = row.OptionalInt(22);
    if (!drift.ended_at) {
      drift.next_checkin_due = NextCheckInDue(options, drift.started_at, drift.last_checkin_at,
                                              drift.checkin_interval_days);
      drift.checkin_overdue = now > *drift.next_checkin_due;
    }
    drifts.push_back(std::move(drift));
  }
  return drifts;
}

Result<std::vector<CheckIn>> LoadCheckIns(Connection& connection, std::int64_t drift_id) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT id, drift_id, at, by_user, by_username, reached, "
                                    "patient_condition, spo2, note FROM device_checkins WHERE "
                                    "drift_id = $1 ORDER BY at, id",
                                    {drift_id}));
  std::vector<CheckIn> check_ins;
  check_ins.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    CheckIn check_in;
    check_in.id = row.Int(0);
    check_in.drift_id = row.Int(1);
    check_in.at = row.Int(2);
    check_in.by_user = row.Int(3);
    check_in.by_username = row.Text(4);
    check_in.reached = row.Int(5) != 0;
    check_in.condition = row.Text(6);
    check_in.spo2 = row.OptionalDouble(7);
    check_in.note = row.Text(8);
    check_ins.push_back(std::move(check_in));
  }
  return check_ins;
}

Result<std::vector<Inspection>> LoadInspections(Connection& connection, std::int64_t device_id) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT " + std::string(kInspectionColumns) +
                                        " FROM device_inspections WHERE device_id = $1 ORDER BY "
                                        "at, id",
                                    {device_id}));
  std::vector<Inspection> inspections;
  inspections.reserve(found.rows.size());
  for (const Row& row : found.rows) inspections.push_back(InspectionFromRow(row, 0));
  return inspections;
}

Status RevealOrRedact(const std::string& key, bool visible, Drift& drift) {
  drift.household_visible = visible;
  if (!visible) {
    drift.household = Household{};
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(drift.household.phone, OpenSealedText(key, drift.household.phone));
  return Status::Ok();
}

Status AuditHouseholdRead(Connection& connection, const Actor& actor, std::int64_t drift_id) {
  return AuditLog::Append(connection, actor,
                          {"read", "drift", std::to_string(drift_id), "household"});
}

Status AppendEvent(Connection& connection, std::int64_t device_id,
                   std::optional<std::int64_t> drift_id, UnixMillis at, const Actor& actor,
                   std::string_view kind, const nlohmann::json& detail) {
  return connection
      .Execute(
          "INSERT INTO device_events (device_id, drift_id, at, by_user, by_username, kind, "
          "detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {device_id, drift_id ? Value(*drift_id) : Value(nullptr), at, actor.user_id,
           actor.username, std::string(kind), detail.dump()})
      .status();
}

}  // namespace devices
}  // namespace lifeline
