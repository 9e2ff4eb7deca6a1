#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "services/devices/devices_types.h"
#include "store/database.h"

namespace lifeline {

struct DevicesOptions {
  // The first check-in call is due this long after a lending starts, the next ones this many
  // days after the last call that reached the family (a lending may set its own interval).
  UnixMillis first_checkin_after = kMillisPerDay;
  std::int64_t checkin_interval_days = 2;
  // A concentrator passes inspection only if it delivers at least this share of its rating.
  double min_flow_share = 0.9;
  // The clock every rule reads (tests and the demo's seeding move it).
  std::function<UnixMillis()> clock = NowMillis;
};

class DevicesBatch;

// Named devices that drift between families (migration 0007): a registry of lendable devices
// with generated bilingual names ("希望-017" / "Hope-017") and a follow-up volunteer (the
// device's angel), inspections, lendings ("drifts") to households with usage guidance and
// check-in calls, and how each lending ended (returned, passed on, broken, lost).
//
// Invariants: a device is in at most one open lending (also enforced by a unique partial index,
// so concurrent lendings cannot both commit); a lending starts only if the device's latest
// inspection passed and was recorded after the previous lending began; passing a device on
// ends one lending and starts the next in one transaction. Every change is kept as an event.
//
// Households' names, phones and addresses are returned only to coordinators and the device's
// angel, and every such read writes an audit row (entity "drift") in the same transaction;
// everyone else gets the lending without them. Phones are stored sealed with the deployment key
// and as a keyed hash (to count families). Roles are checked by the faces; the service enforces
// what depends on the record: an angel changes only the devices they follow. Failures are
// values: InvalidArgument naming the field, NotFound "error.record_not_found", PermissionDenied
// "error.devices.not_your_device", FailedPrecondition with the ids of i18n/devices.json.
//
// Holds no state beyond its options and the key; borrows `database`. Thread-safe.
class DevicesService {
 public:
  // `pseudonym_key` is the deployment key (crypto.h LoadOrCreateKeyFile); it must be non-empty.
  DevicesService(Database& database, std::string pseudonym_key, DevicesOptions options = {});

  // --- Registry ---
  Result<Device> Register(const Actor& actor, const NewDevice& device);
  Result<Device> Edit(const Actor& actor, std::int64_t device_id, const DeviceChanges& changes);
  // `angel_id` must be an enabled account with the role angel.
  Result<Device> AssignAngel(const Actor& actor, std::int64_t device_id, std::int64_t angel_id);
  Result<DevicePage> List(const Actor& actor, const DeviceFilter& filter);
  Result<Device> Get(const Actor& actor, std::int64_t device_id);

  // --- Inspections and lendings ---
  Result<Inspection> Inspect(const Actor& actor, std::int64_t device_id,
                             const InspectionInput& inspection);
  // FailedPrecondition "error.devices.inspection_required" without a passed inspection since
  // the previous lending began, "error.devices.already_lent" while a lending is open,
  // "error.devices.out_of_service" for a broken or lost device.
  Result<Drift> Lend(const Actor& actor, std::int64_t device_id, const NewDrift& drift);
  Result<Drift> End(const Actor& actor, std::int64_t device_id, const EndDrift& end);
  // Ends the open lending as passed on and starts the next family's, in one transaction; needs
  // a passed hand-over inspection recorded after the current lending started.
  Result<Drift> PassOn(const Actor& actor, std::int64_t device_id, const NewDrift& next,
                       const std::string& note);
  Result<CheckIn> RecordCheckIn(const Actor& actor, std::int64_t device_id,
                                const CheckInInput& check_in);

  // --- Reading ---
  Result<DeviceTimeline> Timeline(const Actor& actor, std::int64_t device_id);
  // Open lendings with their next check-in, earliest due first: an angel's own devices; a
  // coordinator's or admin's for everyone, or for `angel_id` when given.
  Result<std::vector<CheckInDue>> CheckInList(const Actor& actor,
                                              std::optional<std::int64_t> angel_id);
  Result<DeviceTotals> Totals(const Actor& actor);

  // Runs `writes` in one write transaction: what they write commits together, or nothing does
  // when they return an error (a refusal included). For writing many events at once, such as
  // the demo's seeding: one commit per event is slow on SQLite.
  Status WriteBatch(const std::function<Status(DevicesBatch&)>& writes);

  const DevicesOptions& options() const { return options_; }

 private:
  friend class DevicesBatch;

  UnixMillis Now() const { return options_.clock(); }

  Database& database_;
  const std::string pseudonym_key_;
  const DevicesOptions options_;
};

// The writes of DevicesService inside the transaction of DevicesService::WriteBatch: the same
// methods with the same rules and answers, each reading the service's clock when called. The
// single-call methods of DevicesService are each one of these in a batch of its own. Valid only
// during the WriteBatch callback it is handed to.
class DevicesBatch {
 public:
  Result<Device> Register(const Actor& actor, const NewDevice& device);
  Result<Inspection> Inspect(const Actor& actor, std::int64_t device_id,
                             const InspectionInput& inspection);
  Result<Drift> Lend(const Actor& actor, std::int64_t device_id, const NewDrift& drift);
  Result<Drift> End(const Actor& actor, std::int64_t device_id, const EndDrift& end);
  Result<Drift> PassOn(const Actor& actor, std::int64_t device_id, const NewDrift& next,
                       const std::string& note);
  Result<CheckIn> RecordCheckIn(const Actor& actor, std::int64_t device_id,
                                const CheckInInput& check_in);

 private:
  friend class DevicesService;
  DevicesBatch(const DevicesService& service, Connection& connection)
      : service_(service), connection_(connection) {}

  const DevicesService& service_;
  Connection& connection_;
};

}  // namespace lifeline
