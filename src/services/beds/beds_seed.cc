#include "services/beds/beds_seed.h"

#include <algorithm>
#include <array>
#include <vector>

namespace lifeline {
namespace {

// Shares of a hospital's total beds per class, in per mille, for designated and general
// hospitals. Synthetic: public reports of 2020 give the total beds of the new hospitals, not a
// split by class; these shares only make the demo board plausible.
constexpr std::int64_t kVentilatorPerMille = 30;
constexpr std::int64_t kIcuPerMille = 70;
constexpr std::int64_t kSeverePerMille = 200;
constexpr std::int64_t kPerMille = 1000;

// Updates per class, spread over the last day.
constexpr int kUpdatesPerClass = 3;
// Hospitals whose latest check is older than the stale age: one in kStaleEvery.
constexpr std::uint64_t kStaleEvery = 3;

// SplitMix64: a fixed, portable stream of numbers keyed to the data, so the demo board is the
// same on every platform (std:: distributions are not).
std::uint64_t Mix(std::uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

std::uint64_t Draw(std::int64_t hospital_id, int salt, std::uint64_t bound) {
  return Mix(static_cast<std::uint64_t>(hospital_id) * 1'000'003ULL +
             static_cast<std::uint64_t>(salt)) %
         bound;
}

struct ClassShare {
  BedClass bed_class;
  std::int64_t capacity;
};

std::vector<ClassShare> SplitBeds(const BedHospital& hospital) {
  if (hospital.kind == scenario::HospitalKind::kShelter) {
    return {{BedClass::kGeneral, hospital.beds}};
  }
  const std::int64_t ventilator = hospital.beds * kVentilatorPerMille / kPerMille;
  const std::int64_t icu = hospital.beds * kIcuPerMille / kPerMille;
  const std::int64_t severe = hospital.beds * kSeverePerMille / kPerMille;
  return {{BedClass::kGeneral, hospital.beds - ventilator - icu - severe},
          {BedClass::kSevere, severe},
          {BedClass::kIcu, icu},
          {BedClass::kIcuVentilator, ventilator}};
}

}  // namespace

Result<BedSeedReport> SeedBedBoard(BedsService& beds) {
  BedSeedReport report;
  ASSIGN_OR_RETURN(const bool empty, beds.IsEmpty());
  if (!empty) return report;
  ASSIGN_OR_RETURN(const BedBoard board, beds.Board());
  const UnixMillis now = board.now;
  const UnixMillis stale_after = beds.options().stale_after;
  const Actor scenario{0, "scenario", Role::kAdmin, "seed-beds"};

  for (const BedHospital& hospital : [&] {
         std::vector<BedHospital> hospitals;
         for (const HospitalBeds& row : board.hospitals) hospitals.push_back(row.hospital);
         return hospitals;
       }()) {
    if (hospital.beds <= 0) continue;
    ++report.hospitals;
    // The latest check: within the fresh half of the stale age, or past the stale age for one
    // hospital in kStaleEvery (never past a day, so the history stays within the last day).
    const bool stale = Draw(hospital.id, 1, kStaleEvery) == 0;
    const UnixMillis fresh_span = std::max<UnixMillis>(stale_after / 2, kMillisPerMinute);
    const UnixMillis latest_age =
        stale ? stale_after + kMillisPerMinute +
                    static_cast<UnixMillis>(Draw(hospital.id, 2, kMillisPerHour * 3))
              : kMillisPerMinute * 5 + static_cast<UnixMillis>(Draw(hospital.id, 3, fresh_span));
    int salt = 10;
    for (const ClassShare& share : SplitBeds(hospital)) {
      if (share.capacity <= 0) continue;
      // Oldest first; each earlier check some hours before the next. Free beds shrink towards
      // the latest check: the hospitals were full and every freed bed was taken within hours.
      for (int step = kUpdatesPerClass - 1; step >= 0; --step) {
        const UnixMillis age = std::min<UnixMillis>(
            latest_age + step * (4 * kMillisPerHour + static_cast<UnixMillis>(Draw(
                                                          hospital.id, ++salt, kMillisPerHour))),
            kMillisPerDay - kMillisPerMinute);
        // At most 3 % of the class free, less at each later check; often none.
        const std::int64_t most_free = share.capacity * 3 / 100 * (step + 1) / kUpdatesPerClass;
        const std::int64_t free = static_cast<std::int64_t>(
            Draw(hospital.id, ++salt, static_cast<std::uint64_t>(most_free) + 1));
        const VerificationMethod method =
            kAllVerificationMethods[Draw(hospital.id, ++salt, std::size(kAllVerificationMethods))];
        RETURN_IF_ERROR(
            beds.RecordUpdate(scenario, {.hospital_id = hospital.id,
                                         .bed_class = std::string(BedClassName(share.bed_class)),
                                         .capacity = share.capacity,
                                         .free = free,
                                         .method = std::string(VerificationMethodName(method)),
                                         .verified_at = now - age,
                                         .note = ""})
                .status());
        ++report.updates;
      }
    }
  }
  // Counted from the board, not assumed: a long stale age leaves nothing stale.
  ASSIGN_OR_RETURN(const BedBoard seeded, beds.Board());
  for (const HospitalBeds& row : seeded.hospitals) {
    report.stale_classes += std::count_if(
        row.classes.begin(), row.classes.end(),
        [](const BedClassState& state) { return state.freshness == Freshness::kStale; });
  }
  report.seeded = true;
  return report;
}

}  // namespace lifeline
