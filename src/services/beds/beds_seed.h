#pragma once

#include <cstdint>

#include "core/status.h"
#include "services/beds/beds_service.h"

namespace lifeline {

// What SeedBedBoard wrote.
struct BedSeedReport {
  bool seeded = false;  // false: the board already had figures and nothing was written
  std::int64_t hospitals = 0;
  std::int64_t updates = 0;
  std::int64_t stale_classes = 0;  // current figures already stale at the end of seeding
};

// The demo's bed board: when no figure is recorded yet, gives every stored hospital bed classes
// split from its total beds and several verified updates over the last day, by the scenario
// (verified_by 0), through BedsService::RecordUpdate so every figure passes the same checks.
// The split and the figures are synthetic assumptions, documented in docs/beds.md: designated
// and general hospitals 3 % ventilated ICU, 7 % ICU, 20 % severe, the rest general beds;
// shelters only general beds; free beds scarce (the hospitals overflowed); about a third of the
// hospitals' latest checks older than the stale age. Deterministic for a given clock reading
// and set of hospitals. Times come from the service's clock.
Result<BedSeedReport> SeedBedBoard(BedsService& beds);

}  // namespace lifeline
