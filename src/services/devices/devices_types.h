#pragma once

// The vocabulary of named devices that drift between families: what the service takes and what
// it answers. Plain values; the rules live in DevicesService.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace lifeline {

// The kinds the registry lends, in the exchange's words (docs/devices.md).
std::span<const std::string_view> DeviceKinds();
// The rated flow of a concentrator kind in L/min; nullopt for other kinds.
std::optional<double> RatedFlowLpm(std::string_view kind);

// How a lending ends.
std::span<const std::string_view> DriftOutcomes();  // returned, passed_on, broken, lost
// How the family was on a check-in call.
std::span<const std::string_view> CheckInConditions();  // better, same, worse

struct NewDevice {
  std::string kind = {};
  std::string serial = {};
  std::string model = {};
  std::optional<std::int64_t> angel_id = std::nullopt;
  std::optional<std::int64_t> offer_id = std::nullopt;
  // Empty: a name is generated from the list of hopeful words and a running number.
  std::string name_zh = {};
  std::string name_en = {};
};

// Fields left unset keep their value.
struct DeviceChanges {
  std::optional<std::string> name_zh = std::nullopt;
  std::optional<std::string> name_en = std::nullopt;
  std::optional<std::string> serial = std::nullopt;
  std::optional<std::string> model = std::nullopt;
  std::optional<std::int64_t> offer_id = std::nullopt;
};

struct InspectionInput {
  bool disinfected = false;
  bool works = false;
  bool flow_checked = false;
  // Required for concentrators when the flow was checked.
  std::optional<double> measured_flow_lpm = std::nullopt;
  std::string note = {};
};

struct Inspection {
  std::int64_t id = 0;
  std::int64_t device_id = 0;
  UnixMillis at = 0;
  std::int64_t by_user = 0;
  std::string by_username = {};
  bool disinfected = false;
  bool works = false;
  bool flow_checked = false;
  std::optional<double> measured_flow_lpm;
  bool passed = false;
  std::string note = {};
};

// Where the device goes. Address, phone and name are shown only to coordinators and the
// device's angel.
struct Household {
  std::string contact_name = {};
  std::string phone = {};
  std::string address = {};
  std::optional<double> lat = std::nullopt;
  std::optional<double> lon = std::nullopt;
  std::string district_code = {};
};

struct NewDrift {
  Household household;
  std::optional<std::int64_t> clinic_case_id = std::nullopt;
  std::optional<std::int64_t> need_id = std::nullopt;
  std::optional<std::int64_t> match_id = std::nullopt;
  UnixMillis expected_end = 0;
  std::string guidance = {};  // how to use it, as explained to the family
  std::string doctor_advice = {};
  std::optional<double> prescribed_flow_lpm = std::nullopt;
  // Days between check-in calls after the first; unset: DevicesOptions::checkin_interval.
  std::optional<std::int64_t> checkin_interval_days = std::nullopt;
};

struct EndDrift {
  std::string outcome = {};  // returned, broken, lost (passed_on goes through PassOn)
  std::string note = {};
};

struct CheckInInput {
  bool reached = false;
  std::string condition = {};  // better, same, worse; required when reached
  std::optional<double> spo2 = std::nullopt;
  std::string note = {};
};

struct CheckIn {
  std::int64_t id = 0;
  std::int64_t drift_id = 0;
  UnixMillis at = 0;
  std::int64_t by_user = 0;
  std::string by_username = {};
  bool reached = false;
  std::string condition = {};
  std::optional<double> spo2;
  std::string note = {};
};

struct Drift {
  std::int64_t id = 0;
  std::int64_t device_id = 0;
  std::optional<std::int64_t> previous_drift_id;
  // Left empty (and `household_visible` false) for callers who may not see it.
  bool household_visible = false;
  Household household;
  std::string district_code = {};  // always shown: a district is not an address
  std::optional<std::int64_t> clinic_case_id;
  std::optional<std::int64_t> need_id;
  std::optional<std::int64_t> match_id;
  UnixMillis started_at = 0;
  std::int64_t started_by = 0;
  UnixMillis expected_end = 0;
  std::string guidance = {};
  std::string doctor_advice = {};
  std::optional<double> prescribed_flow_lpm;
  std::int64_t checkin_interval_days = 0;
  std::optional<UnixMillis> ended_at;
  std::string end_outcome = {};
  std::string end_note = {};
  // Open lendings: when the next check-in call is due and whether that is past.
  std::optional<UnixMillis> next_checkin_due;
  bool checkin_overdue = false;
  std::optional<UnixMillis> last_checkin_at;
  std::vector<CheckIn> checkins;
};

struct Device {
  std::int64_t id = 0;
  std::string kind = {};
  std::string name_zh = {};
  std::string name_en = {};
  std::string serial = {};
  std::string model = {};
  std::optional<std::int64_t> angel_id;
  std::string angel_username = {};
  std::optional<std::int64_t> offer_id;
  std::string status = {};  // available, lent, broken, lost
  std::int64_t registered_by = 0;
  UnixMillis registered_at = 0;
  UnixMillis updated_at = 0;
  std::optional<std::int64_t> open_drift_id;
  std::optional<Inspection> last_inspection;
  // Whether a passed inspection since the last lending began allows lending it now.
  bool ready_to_lend = false;
};

struct DeviceFilter {
  std::optional<std::string> kind = std::nullopt;
  std::optional<std::string> status = std::nullopt;
  std::optional<std::int64_t> angel_id = std::nullopt;
  std::string query = {};  // part of a name or serial
  int limit = 200;
  int offset = 0;
};

struct DevicePage {
  std::vector<Device> devices;
  std::int64_t total = 0;  // matching the filter, before limit and offset
};

// One entry of a device's life, in order.
struct DeviceEvent {
  std::int64_t id = 0;
  std::optional<std::int64_t> drift_id;
  UnixMillis at = 0;
  std::int64_t by_user = 0;
  std::string by_username = {};
  std::string kind = {};    // registered, edited, angel, inspected, lent, checked_in, ended
  std::string detail = {};  // JSON object text
};

// "Hope-017: 3 drifts, 3 families, 41 days in service" and everything behind it.
struct DeviceTimeline {
  Device device;
  std::int64_t drifts = 0;
  std::int64_t families = 0;         // distinct households (by phone)
  std::int64_t days_in_service = 0;  // whole days lent, the open lending counted to now
  std::vector<Drift> drift_list;     // oldest first, with their check-ins
  std::vector<Inspection> inspections;
  std::vector<DeviceEvent> events;  // oldest first
};

// An open lending on an angel's check-in list.
struct CheckInDue {
  Device device;
  Drift drift;
};

struct DeviceTotals {
  std::int64_t devices = 0;
  std::int64_t in_circulation = 0;  // in an open lending
  std::int64_t idle = 0;            // available, not lent
  std::int64_t out_of_service = 0;  // broken or lost
  std::int64_t overdue_checkins = 0;
  std::int64_t drifts = 0;
  std::int64_t ended_drifts = 0;
  double mean_days_per_drift = 0;  // over ended lendings
};

}  // namespace lifeline
