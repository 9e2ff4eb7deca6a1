#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/geo.h"
#include "core/role.h"

namespace lifeline::scenario {

// The demo city: Wuhan's real districts and early-2020 emergency hospitals (public figures, see
// DATA.md), filled with synthetic residents and volunteers drawn from a seed. Pure computation:
// no I/O, no clock, no global state; the same options give the same city, bit for bit, on every
// platform, compiler and standard library.

// The year ages are counted from: the outbreak's.
constexpr int kScenarioYear = 2020;
// 23 January 2020, the day Wuhan closed its outbound transport.
constexpr std::uint64_t kDefaultSeed = 20200123;
constexpr int kDefaultResidents = 3000;
// The online clinic's account counts 400+ doctors, nurses and medical students.
constexpr int kDefaultVolunteers = 400;
constexpr int kMaxHouseholdSize = 5;
// People this old or older count as elderly when they live alone.
constexpr int kElderlyAge = 65;

enum class HospitalKind {
  kDesignated,  // a hospital designated for COVID-19 patients, such as the new builds
  kShelter,     // a fangcang shelter hospital in a gymnasium or exhibition hall
  kGeneral,     // any other hospital
};

// "designated", "shelter", "general": the wire and database names.
std::string_view HospitalKindName(HospitalKind kind);
std::optional<HospitalKind> ParseHospitalKind(std::string_view name);

enum class Sex { kFemale, kMale };

// "female", "male".
std::string_view SexName(Sex sex);

// A county-level division of Wuhan. Figures other than code and names are approximate.
struct District {
  std::string code;  // GB/T 2260 division code, e.g. "420106"
  std::string name_zh;
  std::string name_en;
  LatLon centroid;
  std::int64_t population = 0;  // residents, about 2019
  double area_km2 = 0;
};

// A facility from the public record, with where its figures come from.
struct Hospital {
  std::string name_zh;
  std::string name_en;
  std::string district_code;
  HospitalKind kind = HospitalKind::kGeneral;
  std::int64_t beds = 0;
  LatLon location;
  std::string opened_on;  // ISO date "2020-02-04"
  std::string source;     // who reported the figures
};

// A synthetic person. Members of one household share its district and location.
struct Resident {
  std::int64_t household_id = 0;  // 1-based within the scenario
  std::string display_name;       // Chinese, surname first
  Sex sex = Sex::kFemale;
  int birth_year = 0;
  std::string district_code;
  LatLon location;
  std::string phone;  // raw synthetic 11-digit mobile number; pseudonymise before storing
  bool chronic_illness = false;
  // Needs a daily call from a community worker: chronic illness, or elderly and living alone.
  bool vulnerable = false;
};

// A synthetic volunteer of the online clinic or the follow-up network.
struct Volunteer {
  std::string display_name;
  Sex sex = Sex::kFemale;
  Role role = Role::kAngel;  // kDoctor, kNurse, kAngel or kCounsellor
  std::string district_code;
  std::string phone;       // raw synthetic 11-digit mobile number
  int years_practice = 0;  // doctors and nurses: 0-30 (0 = student or new graduate)
  std::string hospital;    // doctors and nurses: the Chinese name of their hospital
  std::string department;  // doctors and nurses: a key such as "respiratory"
};

struct ScenarioOptions {
  std::uint64_t seed = kDefaultSeed;
  int residents = kDefaultResidents;    // negative counts as 0
  int volunteers = kDefaultVolunteers;  // negative counts as 0
};

struct Scenario {
  std::uint64_t seed = 0;
  std::vector<District> districts;  // the 13 districts, by code
  std::vector<Hospital> hospitals;  // the sourced facilities
  std::vector<Resident> residents;  // grouped by household, household ids ascending
  std::vector<Volunteer> volunteers;
};

// Builds the city for `options`. Deterministic: equal options give equal scenarios.
Scenario GenerateScenario(const ScenarioOptions& options);

// The 13 districts of Wuhan, ordered by code. Static storage.
std::span<const District> WuhanDistricts();

// The sourced hospitals of early 2020 (see DATA.md). Static storage.
std::span<const Hospital> WuhanHospitals();

// Residents of `district` live within this distance of its centroid: part of the radius of a
// disc with the district's area, because people cluster in each district's built-up core.
double ScatterRadiusMeters(const District& district);

// The department keys volunteers may carry; i18n/city.json names each as "department.<key>".
std::span<const std::string_view> DepartmentKeys();

}  // namespace lifeline::scenario
