// Named devices that drift (docs/devices.md): the registry, a device's timeline, inspections,
// lendings and their ends, check-ins, the angels' check-in lists and the totals. Roles are
// declared here; whether an angel follows the device is the service's to check.

#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "core/time.h"
#include "http/clinic_json.h"
#include "http/routes.h"
#include "services/devices/devices_service.h"

namespace lifeline {
namespace {

const Access kReaders = Access::Only({Role::kCoordinator, Role::kAdmin, Role::kAngel, Role::kDoctor,
                                      Role::kNurse, Role::kCommunityWorker});
const Access kRegistrars = Access::Only({Role::kCoordinator, Role::kAdmin});
const Access kCarers = Access::Only({Role::kCoordinator, Role::kAngel});
const Access kCheckInReaders = Access::Only({Role::kCoordinator, Role::kAdmin, Role::kAngel});

constexpr const char* kDevice = R"(/api/v1/devices/(\d+))";

std::string Path(const char* suffix) { return std::string(kDevice) + suffix; }

template <typename T>
nlohmann::json ValueOrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json InstantOrNull(const std::optional<UnixMillis>& instant) {
  return instant ? nlohmann::json(FormatIso8601(*instant)) : nlohmann::json(nullptr);
}

Result<std::optional<double>> OptionalNumber(const nlohmann::json& body, std::string_view field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<double>();
  ASSIGN_OR_RETURN(const double value, RequiredNumber(body, field));
  return std::optional<double>(value);
}

Result<std::string> OptionalText(const nlohmann::json& body, std::string_view field,
                                 std::size_t max_bytes = kDefaultMaxStringBytes) {
  ASSIGN_OR_RETURN(const std::optional<std::string> text, OptionalString(body, field, max_bytes));
  return text.value_or("");
}

Result<bool> FlagOf(const nlohmann::json& body, std::string_view field) {
  ASSIGN_OR_RETURN(const std::optional<bool> flag, OptionalBool(body, field));
  return flag.value_or(false);
}

// --- Rendering ---

nlohmann::json InspectionJson(const Inspection& inspection) {
  return {{"id", inspection.id},
          {"device_id", inspection.device_id},
          {"at", FormatIso8601(inspection.at)},
          {"by_user", inspection.by_user},
          {"by_username", inspection.by_username},
          {"disinfected", inspection.disinfected},
          {"works", inspection.works},
          {"flow_checked", inspection.flow_checked},
          {"measured_flow_lpm", ValueOrNull(inspection.measured_flow_lpm)},
          {"passed", inspection.passed},
          {"note", inspection.note}};
}

nlohmann::json DeviceJson(const Device& device) {
  return {{"id", device.id},
          {"kind", device.kind},
          {"name_zh", device.name_zh},
          {"name_en", device.name_en},
          {"serial", device.serial},
          {"model", device.model},
          {"angel_id", ValueOrNull(device.angel_id)},
          {"angel_username", device.angel_username},
          {"offer_id", ValueOrNull(device.offer_id)},
          {"status", device.status},
          {"registered_by", device.registered_by},
          {"registered_at", FormatIso8601(device.registered_at)},
          {"updated_at", FormatIso8601(device.updated_at)},
          {"open_drift_id", ValueOrNull(device.open_drift_id)},
          {"last_inspection", device.last_inspection ? InspectionJson(*device.last_inspection)
                                                     : nlohmann::json(nullptr)},
          {"ready_to_lend", device.ready_to_lend}};
}

nlohmann::json CheckInJson(const CheckIn& check_in) {
  return {{"id", check_in.id},
          {"drift_id", check_in.drift_id},
          {"at", FormatIso8601(check_in.at)},
          {"by_user", check_in.by_user},
          {"by_username", check_in.by_username},
          {"reached", check_in.reached},
          {"condition", check_in.condition},
          {"spo2", ValueOrNull(check_in.spo2)},
          {"note", check_in.note}};
}

nlohmann::json DriftJson(const Drift& drift) {
  nlohmann::json check_ins = nlohmann::json::array();
  for (const CheckIn& check_in : drift.checkins) check_ins.push_back(CheckInJson(check_in));
  nlohmann::json json = {{"id", drift.id},
                         {"device_id", drift.device_id},
                         {"previous_drift_id", ValueOrNull(drift.previous_drift_id)},
                         {"household_visible", drift.household_visible},
                         {"district_code", drift.district_code},
                         {"clinic_case_id", ValueOrNull(drift.clinic_case_id)},
                         {"need_id", ValueOrNull(drift.need_id)},
                         {"match_id", ValueOrNull(drift.match_id)},
                         {"started_at", FormatIso8601(drift.started_at)},
                         {"started_by", drift.started_by},
                         {"expected_end", FormatIso8601(drift.expected_end)},
                         {"guidance", drift.guidance},
                         {"doctor_advice", drift.doctor_advice},
                         {"prescribed_flow_lpm", ValueOrNull(drift.prescribed_flow_lpm)},
                         {"checkin_interval_days", drift.checkin_interval_days},
                         {"ended_at", InstantOrNull(drift.ended_at)},
                         {"end_outcome", drift.end_outcome},
                         {"end_note", drift.end_note},
                         {"next_checkin_due", InstantOrNull(drift.next_checkin_due)},
                         {"checkin_overdue", drift.checkin_overdue},
                         {"last_checkin_at", InstantOrNull(drift.last_checkin_at)},
                         {"checkins", check_ins}};
  // Left out entirely, not blanked, for those who may not see it.
  if (drift.household_visible) {
    const Household& household = drift.household;
    json["household"] = {
        {"contact_name", household.contact_name}, {"phone", household.phone},
        {"address", household.address},           {"lat", ValueOrNull(household.lat)},
        {"lon", ValueOrNull(household.lon)},      {"district_code", household.district_code}};
  }
  return json;
}

nlohmann::json TimelineJson(const DeviceTimeline& timeline) {
  nlohmann::json drifts = nlohmann::json::array();
  for (const Drift& drift : timeline.drift_list) drifts.push_back(DriftJson(drift));
  nlohmann::json inspections = nlohmann::json::array();
  for (const Inspection& inspection : timeline.inspections) {
    inspections.push_back(InspectionJson(inspection));
  }
  nlohmann::json events = nlohmann::json::array();
  for (const DeviceEvent& event : timeline.events) {
    nlohmann::json detail = nlohmann::json::parse(event.detail, nullptr, false);
    if (detail.is_discarded()) detail = nlohmann::json::object();
    events.push_back({{"id", event.id},
                      {"drift_id", ValueOrNull(event.drift_id)},
                      {"at", FormatIso8601(event.at)},
                      {"by_user", event.by_user},
                      {"by_username", event.by_username},
                      {"kind", event.kind},
                      {"detail", detail}});
  }
  return {{"device", DeviceJson(timeline.device)},
          {"summary",
           {{"drifts", timeline.drifts},
            {"families", timeline.families},
            {"days_in_service", timeline.days_in_service}}},
          {"drifts", drifts},
          {"inspections", inspections},
          {"events", events}};
}

nlohmann::json TotalsJson(const DeviceTotals& totals) {
  return {{"devices", totals.devices},
          {"in_circulation", totals.in_circulation},
          {"idle", totals.idle},
          {"out_of_service", totals.out_of_service},
          {"overdue_checkins", totals.overdue_checkins},
          {"drifts", totals.drifts},
          {"ended_drifts", totals.ended_drifts},
          {"mean_days_per_drift", totals.mean_days_per_drift}};
}

// --- Parsing ---

Result<NewDevice> ParseNewDevice(const nlohmann::json& body) {
  NewDevice device;
  ASSIGN_OR_RETURN(device.kind, OptionalText(body, "kind"));
  ASSIGN_OR_RETURN(device.serial, OptionalText(body, "serial"));
  ASSIGN_OR_RETURN(device.model, OptionalText(body, "model"));
  ASSIGN_OR_RETURN(device.name_zh, OptionalText(body, "name_zh"));
  ASSIGN_OR_RETURN(device.name_en, OptionalText(body, "name_en"));
  ASSIGN_OR_RETURN(device.angel_id, OptionalInt(body, "angel_id"));
  ASSIGN_OR_RETURN(device.offer_id, OptionalInt(body, "offer_id"));
  return device;
}

Result<DeviceChanges> ParseChanges(const nlohmann::json& body) {
  DeviceChanges changes;
  ASSIGN_OR_RETURN(changes.name_zh, OptionalString(body, "name_zh"));
  ASSIGN_OR_RETURN(changes.name_en, OptionalString(body, "name_en"));
  ASSIGN_OR_RETURN(changes.serial, OptionalString(body, "serial"));
  ASSIGN_OR_RETURN(changes.model, OptionalString(body, "model"));
  ASSIGN_OR_RETURN(changes.offer_id, OptionalInt(body, "offer_id"));
  return changes;
}

Result<NewDrift> ParseNewDrift(const nlohmann::json& body) {
  NewDrift drift;
  Household& household = drift.household;
  ASSIGN_OR_RETURN(household.contact_name, OptionalText(body, "contact_name"));
  ASSIGN_OR_RETURN(household.phone, OptionalText(body, "phone"));
  ASSIGN_OR_RETURN(household.address, OptionalText(body, "address"));
  ASSIGN_OR_RETURN(household.district_code, OptionalText(body, "district_code"));
  ASSIGN_OR_RETURN(household.lat, OptionalNumber(body, "lat"));
  ASSIGN_OR_RETURN(household.lon, OptionalNumber(body, "lon"));
  ASSIGN_OR_RETURN(drift.clinic_case_id, OptionalInt(body, "clinic_case_id"));
  ASSIGN_OR_RETURN(drift.need_id, OptionalInt(body, "need_id"));
  ASSIGN_OR_RETURN(drift.match_id, OptionalInt(body, "match_id"));
  ASSIGN_OR_RETURN(drift.expected_end, OptionalInstant(body, "expected_end"));
  ASSIGN_OR_RETURN(drift.guidance, OptionalText(body, "guidance", 4 * kDefaultMaxStringBytes));
  ASSIGN_OR_RETURN(drift.doctor_advice,
                   OptionalText(body, "doctor_advice", 4 * kDefaultMaxStringBytes));
  ASSIGN_OR_RETURN(drift.prescribed_flow_lpm, OptionalNumber(body, "prescribed_flow_lpm"));
  ASSIGN_OR_RETURN(drift.checkin_interval_days, OptionalInt(body, "checkin_interval_days"));
  return drift;
}

void AddRegistryRoutes(Router& router, DevicesService& devices) {
  router.Add(Method::kGet, "/api/v1/devices", kReaders,
             [&devices](const ApiRequest& request) -> Result<ApiResponse> {
               DeviceFilter filter;
               filter.kind = request.QueryParam("kind");
               filter.status = request.QueryParam("status");
               filter.query = request.QueryParam("q").value_or("");
               ASSIGN_OR_RETURN(filter.angel_id, request.QueryInt("angel_id"));
               ASSIGN_OR_RETURN(const std::optional<std::int64_t> limit, request.QueryInt("limit"));
               ASSIGN_OR_RETURN(const std::optional<std::int64_t> offset,
                                request.QueryInt("offset"));
               if (limit) filter.limit = static_cast<int>(*limit);
               if (offset) filter.offset = static_cast<int>(*offset);
               ASSIGN_OR_RETURN(const DevicePage page, devices.List(request.actor(), filter));
               nlohmann::json list = nlohmann::json::array();
               for (const Device& device : page.devices) list.push_back(DeviceJson(device));
               return ApiResponse::Ok({{"devices", list}, {"total", page.total}});
             });

  router.Add(Method::kGet, "/api/v1/devices/totals", kReaders,
             [&devices](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const DeviceTotals totals, devices.Totals(request.actor()));
               return ApiResponse::Ok(TotalsJson(totals));
             });

  router.Add(Method::kPost, "/api/v1/devices", kRegistrars,
             [&devices](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewDevice device, ParseNewDevice(body));
               ASSIGN_OR_RETURN(const Device registered, devices.Register(request.actor(), device));
               return ApiResponse::Created(DeviceJson(registered));
             });

  router.Add(Method::kGet, kDevice, kReaders,
             [&devices](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "device_id"));
               ASSIGN_OR_RETURN(const DeviceTimeline timeline,
                                devices.Timeline(request.actor(), id));
               return ApiResponse::Ok(TimelineJson(timeline));
             });

  router.Add(Method::kPatch, kDevice, kRegistrars,
             [&devices](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "device_id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const DeviceChanges changes, ParseChanges(body));
               ASSIGN_OR_RETURN(const Device edited, devices.Edit(request.actor(), id, changes));
               return ApiResponse::Ok(DeviceJson(edited));
             });

  router.Add(Method::kPost, Path("/angel"), kRegistrars,
             [&devices](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "device_id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::int64_t angel_id, RequiredInt(body, "angel_id"));
               ASSIGN_OR_RETURN(const Device assigned,
                                devices.AssignAngel(request.actor(), id, angel_id));
               return ApiResponse::Ok(DeviceJson(assigned));
             });
}

void AddDriftRoutes(Router& router, DevicesService& devices) {
  router.Add(Method::kPost, Path("/inspections"), kCarers,
             [&devices](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "device_id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               InspectionInput input;
               ASSIGN_OR_RETURN(input.disinfected, FlagOf(body, "disinfected"));
               ASSIGN_OR_RETURN(input.works, FlagOf(body, "works"));
               ASSIGN_OR_RETURN(input.flow_checked, FlagOf(body, "flow_checked"));
               ASSIGN_OR_RETURN(input.measured_flow_lpm, OptionalNumber(body, "measured_flow_lpm"));
               ASSIGN_OR_RETURN(input.note, OptionalText(body, "note", 4 * kDefaultMaxStringBytes));
               ASSIGN_OR_RETURN(const Inspection inspection,
                                devices.Inspect(request.actor(), id, input));
               return ApiResponse::Created(InspectionJson(inspection));
             });

  router.Add(Method::kPost, Path("/lend"), kCarers,
             [&devices](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "device_id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewDrift drift, ParseNewDrift(body));
               ASSIGN_OR_RETURN(const Drift lent, devices.Lend(request.actor(), id, drift));
               return ApiResponse::Created(DriftJson(lent));
             });

  // "passed_on" names the next family in "next" and starts their lending in the same step.
  router.Add(Method::kPost, Path("/end"), kCarers,
             [&devices](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "device_id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               EndDrift end;
               ASSIGN_OR_RETURN(end.outcome, OptionalText(body, "outcome"));
               ASSIGN_OR_RETURN(end.note, OptionalText(body, "note", 4 * kDefaultMaxStringBytes));
               const auto next = body.find("next");
               if (end.outcome == "passed_on" && next != body.end() && !next->is_null()) {
                 if (!next->is_object()) {
                   return Status::InvalidArgument(
                       "error.field_type", {{"field", "next"}, {"expected", "object"}}, "next");
                 }
                 ASSIGN_OR_RETURN(const NewDrift drift, ParseNewDrift(*next));
                 ASSIGN_OR_RETURN(const Drift started,
                                  devices.PassOn(request.actor(), id, drift, end.note));
                 return ApiResponse::Created(DriftJson(started));
               }
               ASSIGN_OR_RETURN(const Drift ended, devices.End(request.actor(), id, end));
               return ApiResponse::Ok(DriftJson(ended));
             });

  router.Add(
      Method::kPost, Path("/checkins"), kCarers,
      [&devices](const ApiRequest& request) -> Result<ApiResponse> {
        ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "device_id"));
        ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
        CheckInInput input;
        ASSIGN_OR_RETURN(const std::optional<bool> reached, OptionalBool(body, "reached"));
        if (!reached) {
          return Status::InvalidArgument("error.field_required", {{"field", "reached"}}, "reached");
        }
        input.reached = *reached;
        ASSIGN_OR_RETURN(input.condition, OptionalText(body, "condition"));
        ASSIGN_OR_RETURN(input.spo2, OptionalNumber(body, "spo2"));
        ASSIGN_OR_RETURN(input.note, OptionalText(body, "note", 4 * kDefaultMaxStringBytes));
        ASSIGN_OR_RETURN(const CheckIn check_in, devices.RecordCheckIn(request.actor(), id, input));
        return ApiResponse::Created(CheckInJson(check_in));
      });

  router.Add(
      Method::kGet, "/api/v1/devices/checkins", kCheckInReaders,
      [&devices](const ApiRequest& request) -> Result<ApiResponse> {
        ASSIGN_OR_RETURN(const std::optional<std::int64_t> angel_id, request.QueryInt("angel_id"));
        ASSIGN_OR_RETURN(const std::vector<CheckInDue> list,
                         devices.CheckInList(request.actor(), angel_id));
        nlohmann::json items = nlohmann::json::array();
        std::int64_t overdue = 0;
        for (const CheckInDue& due : list) {
          if (due.drift.checkin_overdue) ++overdue;
          items.push_back({{"device", DeviceJson(due.device)}, {"drift", DriftJson(due.drift)}});
        }
        return ApiResponse::Ok({{"checkins", items}, {"overdue", overdue}});
      });
}

}  // namespace

void AddDevicesRoutes(Router& router, Services& services) {
  AddRegistryRoutes(router, services.devices);
  AddDriftRoutes(router, services.devices);
}

}  // namespace lifeline
