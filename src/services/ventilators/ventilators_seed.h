#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/status.h"
#include "core/time.h"
#include "store/database.h"

namespace lifeline {

struct VentilatorSeedOptions {
  // The pipeline is replayed over the days before this instant (0: now).
  UnixMillis ends_at = 0;
};

struct VentilatorSeedReport {
  bool skipped = false;  // the pipeline already had records, or there are no hospitals
  std::int64_t needs = 0;
  std::int64_t units_needed = 0;
  std::int64_t pledges = 0;
  std::int64_t budget_yuan = 0;
  std::int64_t stock_offers = 0;
  std::int64_t orders = 0;
  std::int64_t units_ordered = 0;
  std::map<std::string, std::int64_t> orders_by_state;  // every state, zero when none
};

// Writes a demo ventilator pipeline through VentilatorService, as it would have happened over
// the fortnight before `ends_at`: verified needs at the stored hospitals (designated hospitals
// need invasive and non-invasive machines, shelter hospitals high-flow ones), pledges of a few
// fictional foundations (units and budgets), fictional suppliers' stock at synthetic prices, a
// proposal whose lines are all accepted, orders moved forward so that every state appears, and
// later needs left uncovered. The sizes follow the public figure of about 2,000-3,000 donated
// ventilators in Hubei, scaled by beds (docs/ventilators.md). Deterministic for equal options
// and hospitals. Writes nothing when the pipeline already has needs, pledges or stock.
Result<VentilatorSeedReport> SeedVentilators(Database& database,
                                             const VentilatorSeedOptions& options);

}  // namespace lifeline
