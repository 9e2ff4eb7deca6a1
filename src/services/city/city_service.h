#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/actor.h"
#include "core/geo.h"
#include "core/status.h"
#include "core/time.h"
#include "engines/scenario/scenario.h"
#include "store/database.h"

namespace lifeline {

// What SeedScenario builds: seed and sizes of the synthetic city (see engines/scenario).
using ScenarioOptions = scenario::ScenarioOptions;
using HospitalKind = scenario::HospitalKind;

// Upper bounds on a seeded scenario, so a typo cannot fill the disk.
constexpr int kMaxScenarioResidents = 200'000;
constexpr int kMaxScenarioVolunteers = 20'000;
// Limits on a hospital's text fields, in bytes (a Chinese character takes three).
constexpr std::size_t kMaxHospitalNameBytes = 300;
constexpr std::size_t kMaxHospitalSourceBytes = 1000;
// More beds than the largest hospital on Earth is a typing mistake.
constexpr std::int64_t kMaxHospitalBeds = 100'000;

// Rows written by SeedScenario.
struct ScenarioCounts {
  std::int64_t districts = 0;
  std::int64_t hospitals = 0;
  std::int64_t residents = 0;
  std::int64_t volunteers = 0;
};

struct DistrictSummary {
  std::string code;  // GB/T 2260, e.g. "420106"
  std::string name_zh;
  std::string name_en;
  LatLon centroid;
  std::int64_t population = 0;  // approximate real figure, not the synthetic residents
  std::int64_t hospitals = 0;
  std::int64_t beds = 0;
  std::int64_t residents = 0;  // synthetic residents stored
};

struct HospitalRecord {
  std::int64_t id = 0;
  std::string name_zh;
  std::string name_en;
  std::string district_code;
  HospitalKind kind = HospitalKind::kGeneral;  // scenario::HospitalKindName gives the wire name
  std::int64_t beds = 0;
  LatLon location;
  std::string opened_on;  // "YYYY-MM-DD" or empty
  std::string source;
  UnixMillis created_at = 0;
  std::int64_t created_by = 0;  // user id; 0 for the scenario and the command line
};

// A hospital as a caller submits it; AddHospital checks every field.
struct NewHospital {
  std::string name_zh;
  std::string name_en;
  std::string district_code;
  std::string kind;  // "designated", "shelter" or "general"
  std::int64_t beds = 0;
  LatLon location;
  std::string opened_on;  // optional: "YYYY-MM-DD"
  std::string source;     // optional
};

struct CityOverview {
  std::int64_t districts = 0;
  std::int64_t hospitals = 0;
  std::int64_t beds = 0;
  std::int64_t residents = 0;
  std::int64_t vulnerable_residents = 0;
  std::int64_t volunteers = 0;
  // "doctor", "nurse", "angel", "counsellor": always all four, zero when none.
  std::map<std::string, std::int64_t> volunteers_by_role;
  std::uint64_t seed = 0;    // of the stored scenario; 0 when there is none
  UnixMillis seeded_at = 0;  // when the scenario was written; 0 when there is none
};

// The city: districts, hospitals, and the synthetic residents and volunteers of the demo
// scenario. Owns the tables of migration 0004.
//
// Phone numbers are pseudonymised on the way in: only KeyedHashHex(key, phone) reaches the
// database, and the key (the deployment's secret, never stored) stays in this object. The
// service holds no other state; it borrows `database`, which must outlive it. Thread-safe: every
// method may be called from any thread, each runs in its own transaction, and concurrent
// SeedScenario calls write at most one scenario.
//
// Role checks belong to the caller (faces): reading is for any signed-in role, AddHospital for
// admin and coordinator. Failures are values: InvalidArgument with the offending `field` for bad
// input, and the catalogue ids of i18n/server.json and i18n/city.json.
class CityService {
 public:
  // `pseudonym_key` must be non-empty (crypto.h LoadOrCreateKeyFile provides it).
  CityService(Database& database, std::string pseudonym_key);

  // Generates the scenario for `options` and writes all of it in one write transaction.
  // FailedPrecondition "error.scenario_exists" if the database already holds districts;
  // InvalidArgument "error.field_invalid" (field "residents" / "volunteers") past the limits.
  Result<ScenarioCounts> SeedScenario(const ScenarioOptions& options);

  // True once a scenario (its districts) is stored.
  Result<bool> HasScenario();

  // Every district by code, with its hospitals, beds and synthetic residents counted.
  Result<std::vector<DistrictSummary>> ListDistricts();

  // Hospitals by id, optionally of one district; InvalidArgument "error.unknown_district"
  // (field "district_code") for a code that is not stored.
  Result<std::vector<HospitalRecord>> ListHospitals(std::optional<std::string> district_code);

  // NotFound "error.record_not_found" {entity: "hospital", id} when absent.
  Result<HospitalRecord> GetHospital(std::int64_t id);

  // Adds a hospital after trimming surrounding spaces from its text fields. InvalidArgument:
  // "error.field_required" (name_zh, name_en, district_code), "error.field_too_long",
  // "error.unknown_hospital_kind" (kind), "error.unknown_district" (district_code),
  // "error.field_invalid" (beds below 0 or above kMaxHospitalBeds), "error.bad_coordinates"
  // (field "lat" or "lon", whichever is out of range), "error.bad_date" (opened_on).
  // AlreadyExists "error.hospital_exists" (field name_zh or name_en) for a taken name; English
  // names are compared without regard to case. Records `actor.user_id` as its creator.
  Result<HospitalRecord> AddHospital(const Actor& actor, const NewHospital& hospital);

  // Totals over the stored city; all zero before seeding.
  Result<CityOverview> Overview();

 private:
  Database& database_;
  const std::string pseudonym_key_;
};

}  // namespace lifeline
