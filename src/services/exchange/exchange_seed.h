#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "core/time.h"
#include "engines/scenario/scenario.h"
#include "store/database.h"

namespace lifeline {

struct ExchangeSeedOptions {
  // The synthetic city the offering households come from (engines/scenario), regenerated from
  // these; use the values the city was seeded with.
  std::uint64_t seed = scenario::kDefaultSeed;
  int residents = scenario::kDefaultResidents;
  int volunteers = scenario::kDefaultVolunteers;
  // Records to write besides the needs of the clinic's cases, which follow from the cases.
  int household_offers = 1'600;
  int organisation_offers = 240;
  int hospital_needs = 1'000;
  // The instant everything is recorded at (0: now); expiry dates and deadlines follow it.
  UnixMillis now = 0;
};

struct ExchangeSeedReport {
  bool skipped = false;  // the exchange already had records: nothing was written
  std::int64_t household_offers = 0;
  std::int64_t organisation_offers = 0;
  std::int64_t case_needs = 0;
  std::int64_t hospital_needs = 0;
  std::int64_t offered_quantity = 0;
  std::int64_t needed_quantity = 0;
  std::int64_t proposal_id = 0;
  std::int64_t proposed_matches = 0;
  std::int64_t unmet_quantity = 0;  // of the proposal
};

// Fills an empty exchange with a synthetic day of offers and needs over Wuhan's districts
// (docs/exchange.md), written with ExchangeService::Import in one transaction, then runs one
// proposal so coordinators have matches to confirm.
//
// Offers come from synthetic residents of the scenario (households: mostly concentrators to
// lend, oximeters, medicines from the home cabinet) and from clearly fictional organisations
// ("示例…": pharmacies, community posts, companies) with larger quantities and the only
// ventilators. Needs come from the stored open clinic cases that are severe or critical or asked
// for a bed (a concentrator sized by severity, often an oximeter, sometimes a medicine) and
// from the stored hospitals, spread by beds, with urgencies. Supply is kept scarcer than demand
// for every kind, as in the surge. Medicines come from a named table with strengths and expiry
// dates after `now`.
//
// Writes nothing when the exchange already has offers, needs or proposals (`skipped`). Without
// clinic cases only hospital needs are written; without hospitals only case needs.
// Deterministic for equal options, equal stored cases and hospitals. Borrows `database`; the
// `sealing_key` is the deployment key the offerers' phones are sealed with.
Result<ExchangeSeedReport> SeedExchange(Database& database, const std::string& sealing_key,
                                        const ExchangeSeedOptions& options);

}  // namespace lifeline
