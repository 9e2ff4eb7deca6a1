#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"
#include "core/time.h"
#include "engines/scenario/scenario.h"
#include "services/accounts/accounts.h"
#include "store/database.h"

namespace lifeline {

// The demo's lending network: about 200 concentrators and 100 oximeters.
constexpr int kDefaultSeedConcentrators = 200;
constexpr int kDefaultSeedOximeters = 100;
// The histories cover this many days before the seeding's end.
constexpr int kDefaultSeedDeviceDays = 42;

struct DeviceSeedOptions {
  // The synthetic city the households come from (engines/scenario), regenerated from these;
  // use the values the city was seeded with.
  std::uint64_t seed = scenario::kDefaultSeed;
  int residents = scenario::kDefaultResidents;
  int volunteers = scenario::kDefaultVolunteers;
  int concentrators = kDefaultSeedConcentrators;  // 3, 5 and 10 L/min, clamped to [0, 5000]
  int oximeters = kDefaultSeedOximeters;          // clamped to [0, 5000]
  int days = kDefaultSeedDeviceDays;              // clamped to [7, 365]
  // The histories end at this instant (0: now); lendings still open then stay open.
  UnixMillis ends_at = 0;
  // The account (role angel) that follows a larger share of the devices: the demo's `angel`,
  // so its check-in list has open lendings, a few of them overdue. Absent: no special share.
  std::string demo_angel = "angel";
  int demo_angel_per_mille = 150;
  // Called once before anything is written (not when the seeding is skipped).
  std::function<void(int concentrators, int oximeters)> starting;
};

struct DeviceSeedReport {
  bool skipped = false;  // devices existed: nothing was written
  std::int64_t devices = 0;
  std::int64_t angels = 0;  // angel accounts that follow devices
  std::int64_t inspections = 0;
  std::int64_t failed_inspections = 0;
  std::int64_t drifts = 0;
  std::int64_t passed_on = 0;  // lendings ended by passing the device to the next family
  std::int64_t checkins = 0;
  std::int64_t open = 0;     // lendings still open at the end
  std::int64_t overdue = 0;  // of those, with their check-in call overdue at the end
  std::int64_t broken = 0;   // devices broken at the end (some were repaired before)
  std::int64_t lost = 0;
  std::int64_t demo_angel_open = 0;
  std::int64_t demo_angel_overdue = 0;
};

// Writes the demo's drifting devices through DevicesService, as it would have happened over the
// `days` before `ends_at`, with the service's clock set to each event: a coordinator registers
// each device (generated names) with an angel from the enabled accounts of role angel; before
// each lending the angel inspects it (a few fail and pass after a repair), lends it to a
// household, calls on schedule (day 1, then every 2 days; a few calls go unanswered and are
// tried again), and the lending ends returned, passed directly to the next family (so some
// devices serve three families or more), broken (some repaired later) or lost. Lendings open at
// the end stay open; about one in six of each angel's has its latest calls missed, so it is
// overdue. Households are synthetic patients of the scenario's city (engines/scenario
// GenerateClinicDay): contact name, the family's phone, a street on a real road of the district
// and the home's location. Without angel accounts the devices have no angel and the coordinator
// does the angels' part.
//
// Writes nothing when a device exists (`skipped`). Deterministic for equal options and equal
// accounts, `ends_at` included. Each device's history is written in one transaction through
// DevicesService::WriteBatch, with the same rules as single calls. Store errors stop the seeding
// and are returned, leaving the devices written so far. Borrows its arguments; call from one
// thread.
Result<DeviceSeedReport> SeedDevices(Database& database, AccountService& accounts,
                                     const std::string& pseudonym_key,
                                     const DeviceSeedOptions& options);

}  // namespace lifeline
