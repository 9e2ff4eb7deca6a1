#include "engines/scenario/scenario.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "core/geo.h"

namespace lifeline::scenario {
namespace {

constexpr int kMinorAge = 15;
// Districts are drawn on a flat map; allow for the sphere and the 1e-6 degree rounding.
constexpr double kRadiusTolerance = 1.01;
constexpr double kRoundingMeters = 1.0;

std::string FormatDouble(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// Every generated field, in order, so two scenarios compare equal only if identical.
std::string Fingerprint(const Scenario& scenario) {
  std::string text = std::to_string(scenario.seed) + "\n";
  for (const Resident& resident : scenario.residents) {
    text += std::to_string(resident.household_id) + "|" + resident.display_name + "|" +
            std::string(SexName(resident.sex)) + "|" + std::to_string(resident.birth_year) + "|" +
            resident.district_code + "|" + FormatDouble(resident.location.lat) + "|" +
            FormatDouble(resident.location.lon) + "|" + resident.phone + "|" +
            std::to_string(resident.chronic_illness) + std::to_string(resident.vulnerable) + "\n";
  }
  for (const Volunteer& volunteer : scenario.volunteers) {
    text += volunteer.display_name + "|" + std::string(SexName(volunteer.sex)) + "|" +
            std::string(RoleName(volunteer.role)) + "|" + volunteer.district_code + "|" +
            volunteer.phone + "|" + std::to_string(volunteer.years_practice) + "|" +
            volunteer.hospital + "|" + volunteer.department + "\n";
  }
  return text;
}

// FNV-1a: a fixed, portable hash for the golden check below.
std::uint64_t Fnv1a(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char byte : text) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

const District& DistrictByCode(const Scenario& scenario, const std::string& code) {
  for (const District& district : scenario.districts) {
    if (district.code == code) return district;
  }
  ADD_FAILURE() << "no district " << code;
  return scenario.districts.front();
}

TEST(ScenarioTest, SameSeedGivesIdenticalCity) {
  const Scenario first = GenerateScenario({});
  const Scenario second = GenerateScenario({});
  EXPECT_EQ(Fingerprint(first), Fingerprint(second));
}

// Pins the default city so a change of compiler, standard library or platform that altered it
// would fail here. Update the constant only when the generator is changed on purpose.
TEST(ScenarioTest, DefaultCityMatchesGoldenFingerprint) {
  constexpr std::uint64_t kGoldenFingerprint = 2044015781046672438ULL;
  EXPECT_EQ(Fnv1a(Fingerprint(GenerateScenario({}))), kGoldenFingerprint);
}

TEST(ScenarioTest, DifferentSeedGivesDifferentResidents) {
  const Scenario first = GenerateScenario({.seed = 1});
  const Scenario second = GenerateScenario({.seed = 2});
  ASSERT_EQ(first.residents.size(), second.residents.size());
  int same_names = 0;
  for (std::size_t index = 0; index < first.residents.size(); ++index) {
    if (first.residents[index].display_name == second.residents[index].display_name) ++same_names;
  }
  EXPECT_NE(Fingerprint(first), Fingerprint(second));
  EXPECT_LT(same_names, static_cast<int>(first.residents.size()) / 10);
}

TEST(ScenarioTest, HonoursRequestedCounts) {
  for (const int count : {0, 1, 7, 250}) {
    const Scenario scenario =
        GenerateScenario({.seed = 5, .residents = count, .volunteers = count});
    EXPECT_EQ(static_cast<int>(scenario.residents.size()), count);
    EXPECT_EQ(static_cast<int>(scenario.volunteers.size()), count);
  }
  const Scenario empty = GenerateScenario({.residents = -3, .volunteers = -1});
  EXPECT_TRUE(empty.residents.empty());
  EXPECT_TRUE(empty.volunteers.empty());
}

// Households are keyed to their own random stream, so a smaller city is a prefix of a larger.
TEST(ScenarioTest, SmallerCityIsPrefixOfLarger) {
  const Scenario small = GenerateScenario({.residents = 100, .volunteers = 10});
  const Scenario large = GenerateScenario({.residents = 3000, .volunteers = 40});
  const std::int64_t last_household = small.residents.back().household_id;
  for (std::size_t index = 0; index < small.residents.size(); ++index) {
    if (small.residents[index].household_id == last_household) break;  // may be truncated
    EXPECT_EQ(small.residents[index].display_name, large.residents[index].display_name);
    EXPECT_EQ(small.residents[index].phone, large.residents[index].phone);
  }
  EXPECT_EQ(small.volunteers[3].display_name, large.volunteers[3].display_name);
}

TEST(ScenarioTest, HasTheThirteenDistrictsOfWuhan) {
  const std::map<std::string, std::string> expected = {
      {"420102", "江岸区"}, {"420103", "江汉区"}, {"420104", "硚口区"}, {"420105", "汉阳区"},
      {"420106", "武昌区"}, {"420107", "青山区"}, {"420111", "洪山区"}, {"420112", "东西湖区"},
      {"420113", "汉南区"}, {"420114", "蔡甸区"}, {"420115", "江夏区"}, {"420116", "黄陂区"},
      {"420117", "新洲区"},
  };
  const Scenario scenario = GenerateScenario({.residents = 0, .volunteers = 0});
  ASSERT_EQ(scenario.districts.size(), expected.size());
  std::int64_t population = 0;
  for (const District& district : scenario.districts) {
    ASSERT_TRUE(expected.contains(district.code)) << district.code;
    EXPECT_EQ(district.name_zh, expected.at(district.code));
    EXPECT_FALSE(district.name_en.empty());
    EXPECT_TRUE(IsValidLatLon(district.centroid));
    EXPECT_GT(district.area_km2, 0);
    population += district.population;
  }
  // Wuhan had about 10-11 million residents (wuhan-2020.md).
  EXPECT_GT(population, 10'000'000);
  EXPECT_LT(population, 12'000'000);
}

TEST(ScenarioTest, HospitalsCarryTheirSourcedBeds) {
  struct Expected {
    std::string district_code;
    HospitalKind kind;
    std::int64_t beds;
  };
  const std::map<std::string, Expected> expected = {
      {"Huoshenshan Hospital", {"420114", HospitalKind::kDesignated, 1000}},
      {"Leishenshan Hospital", {"420115", HospitalKind::kDesignated, 1600}},
      {"Hongshan Gymnasium", {"420106", HospitalKind::kShelter, 800}},
      {"Wuhan Living Room", {"420112", HospitalKind::kShelter, 2000}},
      {"Wuhan International Convention & Exhibition Center",
       {"420103", HospitalKind::kShelter, 1000}},
  };
  const Scenario scenario = GenerateScenario({.residents = 0, .volunteers = 0});
  ASSERT_EQ(scenario.hospitals.size(), expected.size());
  for (const Hospital& hospital : scenario.hospitals) {
    ASSERT_TRUE(expected.contains(hospital.name_en)) << hospital.name_en;
    const Expected& want = expected.at(hospital.name_en);
    EXPECT_EQ(hospital.district_code, want.district_code) << hospital.name_en;
    EXPECT_EQ(hospital.kind, want.kind) << hospital.name_en;
    EXPECT_EQ(hospital.beds, want.beds) << hospital.name_en;
    EXPECT_FALSE(hospital.name_zh.empty());
    EXPECT_FALSE(hospital.source.empty());
    EXPECT_TRUE(hospital.opened_on.starts_with("2020-02-")) << hospital.opened_on;
    // Each facility sits in (or near the core of) its district.
    const District& district = DistrictByCode(scenario, hospital.district_code);
    EXPECT_LT(GreatCircleMeters(hospital.location, district.centroid), 15'000) << hospital.name_en;
  }
}

TEST(ScenarioTest, ResidentsLiveNearTheirDistrictCentroid) {
  for (const std::uint64_t seed : {std::uint64_t{1}, std::uint64_t{2}, kDefaultSeed}) {
    const Scenario scenario = GenerateScenario({.seed = seed});
    std::set<std::string> districts_seen;
    for (const Resident& resident : scenario.residents) {
      const District& district = DistrictByCode(scenario, resident.district_code);
      districts_seen.insert(district.code);
      EXPECT_LE(GreatCircleMeters(resident.location, district.centroid),
                ScatterRadiusMeters(district) * kRadiusTolerance + kRoundingMeters)
          << resident.display_name << " in " << district.name_en;
    }
    EXPECT_EQ(districts_seen.size(), scenario.districts.size());
  }
}

TEST(ScenarioTest, HouseholdMembersShareALocation) {
  const Scenario scenario = GenerateScenario({});
  std::map<std::int64_t, std::vector<const Resident*>> households;
  std::int64_t previous_id = 0;
  for (const Resident& resident : scenario.residents) {
    EXPECT_GE(resident.household_id, previous_id) << "households must be contiguous";
    previous_id = resident.household_id;
    households[resident.household_id].push_back(&resident);
  }
  std::set<std::size_t> sizes;
  for (const auto& [household_id, members] : households) {
    sizes.insert(members.size());
    EXPECT_LE(static_cast<int>(members.size()), kMaxHouseholdSize);
    for (const Resident* member : members) {
      EXPECT_EQ(member->district_code, members.front()->district_code) << household_id;
      EXPECT_EQ(member->location.lat, members.front()->location.lat) << household_id;
      EXPECT_EQ(member->location.lon, members.front()->location.lon) << household_id;
    }
  }
  EXPECT_EQ(sizes, (std::set<std::size_t>{1, 2, 3, 4, 5}));
}

TEST(ScenarioTest, VulnerableShareAndAgesAreRealistic) {
  constexpr double kMinVulnerableShare = 0.10;
  constexpr double kMaxVulnerableShare = 0.20;
  for (const std::uint64_t seed :
       {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3}, kDefaultSeed}) {
    const Scenario scenario = GenerateScenario({.seed = seed});
    int vulnerable = 0;
    int minors = 0;
    int elderly = 0;
    int males = 0;
    for (const Resident& resident : scenario.residents) {
      const int age = kScenarioYear - resident.birth_year;
      ASSERT_GE(age, 0);
      ASSERT_LE(age, 100);
      vulnerable += resident.vulnerable ? 1 : 0;
      minors += age < kMinorAge ? 1 : 0;
      elderly += age >= kElderlyAge ? 1 : 0;
      males += resident.sex == Sex::kMale ? 1 : 0;
      if (resident.chronic_illness) {
        EXPECT_TRUE(resident.vulnerable);
      }
    }
    const double total = static_cast<double>(scenario.residents.size());
    EXPECT_GE(vulnerable / total, kMinVulnerableShare) << "seed " << seed;
    EXPECT_LE(vulnerable / total, kMaxVulnerableShare) << "seed " << seed;
    // Wuhan, 2020 census: about 13% under 15 and 12% aged 65 or more.
    EXPECT_GT(minors / total, 0.07) << "seed " << seed;
    EXPECT_LT(minors / total, 0.25) << "seed " << seed;
    EXPECT_GT(elderly / total, 0.08) << "seed " << seed;
    EXPECT_LT(elderly / total, 0.25) << "seed " << seed;
    EXPECT_GT(males / total, 0.40) << "seed " << seed;
    EXPECT_LT(males / total, 0.60) << "seed " << seed;
  }
}

TEST(ScenarioTest, ElderlyLivingAloneAreVulnerable) {
  const Scenario scenario = GenerateScenario({});
  std::map<std::int64_t, int> household_sizes;
  for (const Resident& resident : scenario.residents) ++household_sizes[resident.household_id];
  int elderly_alone = 0;
  for (const Resident& resident : scenario.residents) {
    const int age = kScenarioYear - resident.birth_year;
    if (household_sizes[resident.household_id] == 1 && age >= kElderlyAge) {
      ++elderly_alone;
      EXPECT_TRUE(resident.vulnerable) << resident.display_name;
    }
  }
  EXPECT_GT(elderly_alone, 0);
}

bool IsSyntheticMobile(const std::string& phone) {
  if (phone.size() != 11) return false;
  for (const char digit : phone) {
    if (digit < '0' || digit > '9') return false;
  }
  const std::string prefix = phone.substr(0, 2);
  return (prefix == "13" || prefix == "15" || prefix == "18") && !phone.starts_with("154");
}

TEST(ScenarioTest, PhonesAreUniqueElevenDigitMobiles) {
  const Scenario scenario = GenerateScenario({});
  std::set<std::string> phones;
  for (const Resident& resident : scenario.residents) {
    EXPECT_TRUE(IsSyntheticMobile(resident.phone)) << resident.phone;
    phones.insert(resident.phone);
  }
  for (const Volunteer& volunteer : scenario.volunteers) {
    EXPECT_TRUE(IsSyntheticMobile(volunteer.phone)) << volunteer.phone;
    phones.insert(volunteer.phone);
  }
  EXPECT_EQ(phones.size(), scenario.residents.size() + scenario.volunteers.size());
}

TEST(ScenarioTest, NamesAreChineseSurnameFirst) {
  constexpr std::size_t kBytesPerCharacter = 3;  // CJK characters take three bytes in UTF-8
  const Scenario scenario = GenerateScenario({});
  std::set<std::string> names;
  for (const Resident& resident : scenario.residents) {
    const std::size_t characters = resident.display_name.size() / kBytesPerCharacter;
    EXPECT_EQ(resident.display_name.size() % kBytesPerCharacter, 0U) << resident.display_name;
    EXPECT_GE(characters, 2U) << resident.display_name;
    EXPECT_LE(characters, 3U) << resident.display_name;
    names.insert(resident.display_name);
  }
  // Common names repeat, as in any Chinese city, but most people are told apart.
  EXPECT_GT(names.size(), scenario.residents.size() / 2);
}

TEST(ScenarioTest, VolunteersHaveRolesAndPractice) {
  const Scenario scenario = GenerateScenario({});
  ASSERT_EQ(static_cast<int>(scenario.volunteers.size()), kDefaultVolunteers);
  std::map<Role, int> by_role;
  const std::span<const std::string_view> departments = DepartmentKeys();
  for (const Volunteer& volunteer : scenario.volunteers) {
    ++by_role[volunteer.role];
    EXPECT_FALSE(volunteer.display_name.empty());
    EXPECT_EQ(volunteer.district_code.size(), 6U);
    const bool clinical = volunteer.role == Role::kDoctor || volunteer.role == Role::kNurse;
    if (clinical) {
      EXPECT_GE(volunteer.years_practice, 0);
      EXPECT_LE(volunteer.years_practice, 30);
      EXPECT_FALSE(volunteer.hospital.empty());
      EXPECT_NE(std::find(departments.begin(), departments.end(), volunteer.department),
                departments.end())
          << volunteer.department;
    } else {
      EXPECT_EQ(volunteer.years_practice, 0);
      EXPECT_TRUE(volunteer.hospital.empty());
      EXPECT_TRUE(volunteer.department.empty());
    }
  }
  EXPECT_EQ(by_role.size(), 4U);
  for (const Role role : {Role::kDoctor, Role::kNurse, Role::kAngel, Role::kCounsellor}) {
    EXPECT_GT(by_role[role], 0) << RoleName(role);
  }
  EXPECT_GT(by_role[Role::kDoctor], by_role[Role::kNurse]);
}

TEST(ScenarioTest, HospitalKindNamesRoundTrip) {
  for (const HospitalKind kind :
       {HospitalKind::kDesignated, HospitalKind::kShelter, HospitalKind::kGeneral}) {
    EXPECT_EQ(ParseHospitalKind(HospitalKindName(kind)), kind);
  }
  EXPECT_EQ(ParseHospitalKind("field"), std::nullopt);
  EXPECT_EQ(ParseHospitalKind(""), std::nullopt);
}

}  // namespace
}  // namespace lifeline::scenario
