#pragma once

// Helpers shared by the devices service's source files; not part of its interface.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "core/validation.h"
#include "services/devices/devices_service.h"
#include "services/devices/devices_types.h"
#include "store/database.h"

namespace lifeline::devices {

constexpr std::string_view kStatusAvailable = "available";
constexpr std::string_view kStatusLent = "lent";
constexpr std::string_view kOutcomePassedOn = "passed_on";

// Limits on free text, in bytes (a Chinese character takes three).
constexpr std::size_t kMaxNameText = 60;
constexpr std::size_t kMaxShortText = 200;
constexpr std::size_t kMaxNoteText = 2000;
constexpr std::int64_t kMaxCheckInIntervalDays = 30;
constexpr double kMaxFlowLpm = 60;

// --- Who may do what ---
// Coordinators and the device's own angel see households.
bool MaySeeHouseholds(const Actor& actor, const Device& device);
// Angels change only the devices they follow; other roles are checked by the faces.
Status RequireOwnDevice(const Actor& actor, const Device& device);

// --- Names ---
// The generated bilingual name for running number `number`: "希望-017" / "Hope-017".
std::pair<std::string, std::string> GeneratedName(std::int64_t number);

// --- The store ---
Result<Device> LoadDevice(Connection& connection, std::int64_t device_id);
// Devices matching `where` (SQL over alias d after WHERE, "1 = 1" for all) in id order.
Result<std::vector<Device>> LoadDevices(Connection& connection, const std::string& where,
                                        const std::vector<Value>& params,
                                        const std::string& suffix = "");
// Lendings matching `where` (over alias d), oldest first, with household fields filled in as
// stored (the phone still sealed in household.phone) and the check-in schedule as of `now`.
Result<std::vector<Drift>> LoadDrifts(Connection& connection, const DevicesOptions& options,
                                      const std::string& where, const std::vector<Value>& params,
                                      UnixMillis now);
Result<std::vector<CheckIn>> LoadCheckIns(Connection& connection, std::int64_t drift_id);
Result<std::vector<Inspection>> LoadInspections(Connection& connection, std::int64_t device_id);
// Either opens the sealed phone (the caller may see the household) or clears the household.
Status RevealOrRedact(const std::string& key, bool visible, Drift& drift);
Status AuditHouseholdRead(Connection& connection, const Actor& actor, std::int64_t drift_id);
Status AppendEvent(Connection& connection, std::int64_t device_id,
                   std::optional<std::int64_t> drift_id, UnixMillis at, const Actor& actor,
                   std::string_view kind, const nlohmann::json& detail);
// The check-in due after a lending that started at `started_at`, last reached at `last_reached`.
UnixMillis NextCheckInDue(const DevicesOptions& options, UnixMillis started_at,
                          std::optional<UnixMillis> last_reached, std::int64_t interval_days);

}  // namespace lifeline::devices
