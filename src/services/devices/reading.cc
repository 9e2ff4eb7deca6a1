// A device's whole life, the angels' check-in lists and the totals.

#include <algorithm>
#include <map>
#include <utility>

#include "services/audit/audit_log.h"
#include "services/devices/devices_internal.h"
#include "services/devices/devices_service.h"

namespace lifeline {

using namespace devices;  // the helpers of devices_internal.h

namespace {

constexpr std::string_view kOpenDriftOf =
    "EXISTS (SELECT 1 FROM device_drifts o WHERE o.device_id = d.id AND o.ended_at IS NULL)";

Result<std::vector<DeviceEvent>> LoadEvents(Connection& connection, std::int64_t device_id) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT id, drift_id, at, by_user, by_username, kind, detail "
                                    "FROM device_events WHERE device_id = $1 ORDER BY at, id",
                                    {device_id}));
  std::vector<DeviceEvent> events;
  events.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    DeviceEvent event;
    event.id = row.Int(0);
    event.drift_id = row.OptionalInt(1);
    event.at = row.Int(2);
    event.by_user = row.Int(3);
    event.by_username = row.Text(4);
    event.kind = row.Text(5);
    event.detail = row.Text(6);
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace

Result<DeviceTimeline> DevicesService::Timeline(const Actor& actor, std::int64_t device_id) {
  const UnixMillis now = Now();
  DeviceTimeline timeline;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(timeline.device, LoadDevice(connection, device_id));
        ASSIGN_OR_RETURN(timeline.drift_list,
                         LoadDrifts(connection, options_, "d.device_id = $1", {device_id}, now));
        const bool visible = MaySeeHouseholds(actor, timeline.device);
        UnixMillis lent_millis = 0;
        for (Drift& drift : timeline.drift_list) {
          lent_millis += drift.ended_at.value_or(now) - drift.started_at;
          ASSIGN_OR_RETURN(drift.checkins, LoadCheckIns(connection, drift.id));
          RETURN_IF_ERROR(RevealOrRedact(pseudonym_key_, visible, drift));
          if (visible) RETURN_IF_ERROR(AuditHouseholdRead(connection, actor, drift.id));
        }
        timeline.drifts = static_cast<std::int64_t>(timeline.drift_list.size());
        timeline.days_in_service = std::max<UnixMillis>(lent_millis, 0) / kMillisPerDay;
        ASSIGN_OR_RETURN(const QueryResult families,
                         connection.Query("SELECT COUNT(DISTINCT phone_key) FROM device_drifts "
                                          "WHERE device_id = $1",
                                          {device_id}));
        timeline.families = families.rows.at(0).Int(0);
        ASSIGN_OR_RETURN(timeline.inspections, LoadInspections(connection, device_id));
        ASSIGN_OR_RETURN(timeline.events, LoadEvents(connection, device_id));
        return Status::Ok();
      }));
  return timeline;
}

Result<std::vector<CheckInDue>> DevicesService::CheckInList(const Actor& actor,
                                                            std::optional<std::int64_t> angel_id) {
  if (actor.role == Role::kAngel) {
    if (angel_id && *angel_id != actor.user_id) {
      return Status(ErrorCode::kPermissionDenied, "error.devices.only_own_checkins");
    }
    angel_id = actor.user_id;
  } else if (actor.role != Role::kCoordinator && actor.role != Role::kAdmin) {
    return Status(ErrorCode::kPermissionDenied, "error.devices.only_own_checkins");
  }
  const UnixMillis now = Now();
  std::vector<CheckInDue> list;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        list.clear();
        std::string where(kOpenDriftOf);
        std::vector<Value> params;
        if (angel_id) {
          where += " AND d.angel_id = $1";
          params.push_back(*angel_id);
        }
        ASSIGN_OR_RETURN(std::vector<Device> devices, LoadDevices(connection, where, params));
        std::map<std::int64_t, Device> by_drift;
        for (Device& device : devices) by_drift.emplace(*device.open_drift_id, std::move(device));
        std::string drift_where =
            "d.ended_at IS NULL AND d.device_id IN (SELECT id FROM devices WHERE 1 = 1";
        drift_where += angel_id ? " AND angel_id = $1)" : ")";
        ASSIGN_OR_RETURN(std::vector<Drift> drifts,
                         LoadDrifts(connection, options_, drift_where, params, now));
        std::int64_t revealed = 0;
        for (Drift& drift : drifts) {
          const auto device = by_drift.find(drift.id);
          if (device == by_drift.end()) continue;
          const bool visible = MaySeeHouseholds(actor, device->second);
          RETURN_IF_ERROR(RevealOrRedact(pseudonym_key_, visible, drift));
          if (visible) ++revealed;
          list.push_back({std::move(device->second), std::move(drift)});
        }
        std::stable_sort(list.begin(), list.end(), [](const CheckInDue& a, const CheckInDue& b) {
          return a.drift.next_checkin_due < b.drift.next_checkin_due;
        });
        if (revealed == 0) return Status::Ok();
        return AuditLog::Append(
            connection, actor,
            {"list", "drift", "*", "check-in list: " + std::to_string(revealed) + " households"});
      }));
  return list;
}

Result<DeviceTotals> DevicesService::Totals(const Actor& /*actor*/) {
  const UnixMillis now = Now();
  DeviceTotals totals;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const QueryResult counts,
                         connection.Query("SELECT COUNT(*), "
                                          "SUM(CASE WHEN status = 'lent' THEN 1 ELSE 0 END), "
                                          "SUM(CASE WHEN status = 'available' THEN 1 ELSE 0 END), "
                                          "SUM(CASE WHEN status IN ('broken', 'lost') THEN 1 "
                                          "ELSE 0 END) FROM devices"));
        totals.devices = counts.rows.at(0).Int(0);
        totals.in_circulation = counts.rows.at(0).Int(1);
        totals.idle = counts.rows.at(0).Int(2);
        totals.out_of_service = counts.rows.at(0).Int(3);
        ASSIGN_OR_RETURN(const QueryResult drifts,
                         connection.Query("SELECT COUNT(*), "
                                          "SUM(CASE WHEN ended_at IS NULL THEN 0 ELSE 1 END), "
                                          "SUM(CASE WHEN ended_at IS NULL THEN 0 ELSE ended_at - "
                                          "started_at END) FROM device_drifts"));
        totals.drifts = drifts.rows.at(0).Int(0);
        totals.ended_drifts = drifts.rows.at(0).Int(1);
        if (totals.ended_drifts > 0) {
          totals.mean_days_per_drift = drifts.rows.at(0).Double(2) /
                                       static_cast<double>(kMillisPerDay) /
                                       static_cast<double>(totals.ended_drifts);
        }
        ASSIGN_OR_RETURN(const std::vector<Drift> open,
                         LoadDrifts(connection, options_, "d.ended_at IS NULL", {}, now));
        totals.overdue_checkins = std::count_if(
            open.begin(), open.end(), [](const Drift& drift) { return drift.checkin_overdue; });
        return Status::Ok();
      }));
  return totals;
}

}  // namespace lifeline
