#include "engines/scenario/scenario.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "engines/scenario/people.h"
#include "engines/scenario/random.h"

namespace lifeline::scenario {
namespace {

// Independent random streams, one per kind of item, each keyed to the item's index.
constexpr std::uint64_t kHouseholdStream = 1;
constexpr std::uint64_t kVolunteerStream = 2;

// Share of households with 1, 2, 3, 4 and 5 (or more) people, percent (2020 census, China).
constexpr std::array<int, kMaxHouseholdSize> kHouseholdSizeWeights = {25, 30, 21, 13, 11};

// Residents live within this fraction of the radius of a disc with their district's area:
// the outer districts are mostly farmland and lakes, and people cluster near the seat.
constexpr double kCoreRadiusFraction = 0.6;
constexpr double kMetersPerDegreeLatitude = kEarthRadiusMeters * std::numbers::pi / 180.0;
// Coordinates are rounded to 1e-6 degree (about 0.1 m) so they survive any text round trip.
constexpr double kCoordinateScale = 1e6;
// Terms of the cosine series: 10 give full double precision for Wuhan's latitude (~0.53 rad).
constexpr int kCosineSeriesTerms = 10;

struct AgeBand {
  int low = 0;
  int high = 0;  // inclusive
  int weight = 0;
};

// Who lives alone: young workers, and elders whose partner has died.
constexpr std::array<AgeBand, 5> kLoneAdultAges = {
    {{20, 29, 24}, {30, 44, 18}, {45, 59, 18}, {60, 74, 22}, {75, 92, 18}}};
// The husband's age in a couple with no one else at home: newly-weds and empty nesters.
constexpr std::array<AgeBand, 4> kCoupleAges = {
    {{22, 34, 30}, {35, 54, 20}, {55, 69, 28}, {70, 90, 22}}};

constexpr int kMaxChildAtHomeAge = 24;
constexpr int kMinParentGap = 23;  // a parent's age minus their eldest child's
constexpr int kMaxParentGap = 35;
constexpr int kMinSiblingGap = 1;
constexpr int kMaxSiblingGap = 6;
constexpr int kMinWifeYounger = -2;  // the husband is usually the older partner
constexpr int kMaxWifeYounger = 5;
constexpr int kMinAdultAge = 20;
constexpr int kMaxAge = 98;

constexpr int kCoupleOnlyPerMille = 750;             // two-person homes; the rest: parent and child
constexpr int kSecondChildPerMille = 500;            // four and five-person homes
constexpr int kLoneGrandparentFemalePerMille = 600;  // women outlive men
constexpr int kMalePerMille = 510;                   // sex ratio of Wuhan's residents

struct ChronicIllnessBand {
  int min_age = 0;
  int per_mille = 0;
};

// Chance of a chronic illness serious enough to need regular calls (dialysis, heart failure,
// cancer care, severe COPD), rising with age. Tuned so that together with elders living alone
// about 15% of residents are vulnerable.
constexpr std::array<ChronicIllnessBand, 5> kChronicIllnessByAge = {
    {{0, 10}, {15, 40}, {40, 150}, {60, 320}, {75, 460}}};

struct VolunteerProfile {
  Role role;
  int weight = 0;            // share of volunteers, percent
  int female_per_mille = 0;  // nursing in China is overwhelmingly female
  int min_years = 0;
  int max_years = 0;
  int new_graduate_per_mille = 0;  // students and new graduates, with 0 years of practice
};

// The online clinic recruited mostly doctors; angels follow up families, counsellors listen.
constexpr std::array<VolunteerProfile, 4> kVolunteerProfiles = {{
    {Role::kDoctor, 45, 500, 2, 30, 150},
    {Role::kNurse, 25, 880, 0, 30, 0},
    {Role::kAngel, 20, 550, 0, 0, 0},
    {Role::kCounsellor, 10, 650, 0, 0, 0},
}};

constexpr std::array<int, kVolunteerProfiles.size()> kVolunteerWeights = [] {
  std::array<int, kVolunteerProfiles.size()> weights{};
  for (std::size_t index = 0; index < weights.size(); ++index) {
    weights[index] = kVolunteerProfiles[index].weight;
  }
  return weights;
}();

// cos(degrees) by its Taylor series: std::cos may differ in the last bit between libm versions.
double CosDegrees(double degrees) {
  const double radians = degrees * std::numbers::pi / 180.0;
  const double square = radians * radians;
  double term = 1.0;
  double sum = 1.0;
  for (int order = 1; order <= kCosineSeriesTerms; ++order) {
    term *= -square / static_cast<double>((2 * order - 1) * (2 * order));
    sum += term;
  }
  return sum;
}

double RoundCoordinate(double degrees) {
  return std::round(degrees * kCoordinateScale) / kCoordinateScale;
}

}  // namespace

// Rejection sampling from the square needs no trigonometry, so it is exact on every platform.
LatLon DrawLocation(Random& random, const District& district) {
  const double radius = ScatterRadiusMeters(district);
  double x = 0;
  double y = 0;
  do {
    x = 2 * random.Unit() - 1;
    y = 2 * random.Unit() - 1;
  } while (x * x + y * y > 1);
  const double meters_per_degree_longitude =
      kMetersPerDegreeLatitude * CosDegrees(district.centroid.lat);
  return {RoundCoordinate(district.centroid.lat + y * radius / kMetersPerDegreeLatitude),
          RoundCoordinate(district.centroid.lon + x * radius / meters_per_degree_longitude)};
}

namespace {

template <std::size_t kBands>
int DrawAge(Random& random, const std::array<AgeBand, kBands>& bands) {
  std::array<int, kBands> weights{};
  for (std::size_t index = 0; index < kBands; ++index) weights[index] = bands[index].weight;
  const AgeBand& band = bands[random.Weighted<int>(weights)];
  return random.Between(band.low, band.high);
}

Sex DrawSex(Random& random, int male_per_mille) {
  return random.ChancePerMille(male_per_mille) ? Sex::kMale : Sex::kFemale;
}

struct Member {
  int age = 0;
  Sex sex = Sex::kFemale;
  std::string_view surname;
};

// Husband aged `husband_age` and his wife; returns the husband's surname, which children take.
std::string_view AddCouple(Random& random, int husband_age, std::vector<Member>& members) {
  const std::string_view surname = DrawSurname(random);
  const int wife_age = std::clamp(husband_age - random.Between(kMinWifeYounger, kMaxWifeYounger),
                                  kMinAdultAge, kMaxAge);
  members.push_back({std::min(husband_age, kMaxAge), Sex::kMale, surname});
  members.push_back({wife_age, Sex::kFemale, DrawSurname(random)});
  return surname;
}

void AddChildren(Random& random, int count, int eldest_age, std::string_view surname,
                 std::vector<Member>& members) {
  int age = eldest_age;
  for (int child = 0; child < count; ++child) {
    members.push_back({age, DrawSex(random, kMalePerMille), surname});
    age = std::max(0, age - random.Between(kMinSiblingGap, kMaxSiblingGap));
  }
}

// Grandparents living with the family: a couple, or one, more often a grandmother.
void AddGrandparents(Random& random, int count, int parent_age, std::vector<Member>& members) {
  if (count <= 0) return;
  const int age = std::min(parent_age + random.Between(kMinParentGap, kMaxParentGap), kMaxAge);
  if (count >= 2) {
    AddCouple(random, age, members);
    return;
  }
  const Sex sex = random.ChancePerMille(kLoneGrandparentFemalePerMille) ? Sex::kFemale : Sex::kMale;
  members.push_back({age, sex, DrawSurname(random)});
}

// The `size` people of one household, shaped like Chinese urban households: people living
// alone, couples, parents with one or two children, and three generations under one roof.
std::vector<Member> DrawMembers(Random& random, int size) {
  std::vector<Member> members;
  if (size == 1) {
    const Sex sex = DrawSex(random, kMalePerMille);
    members.push_back({DrawAge(random, kLoneAdultAges), sex, DrawSurname(random)});
    return members;
  }
  if (size == 2 && random.ChancePerMille(kCoupleOnlyPerMille)) {
    AddCouple(random, DrawAge(random, kCoupleAges), members);
    return members;
  }
  const int eldest_age = random.Between(0, kMaxChildAtHomeAge);
  const int parent_age = eldest_age + random.Between(kMinParentGap, kMaxParentGap);
  if (size == 2) {
    const Sex parent_sex = DrawSex(random, kMalePerMille);
    const std::string_view surname = DrawSurname(random);
    members.push_back({parent_age, parent_sex, surname});
    AddChildren(random, 1, eldest_age, surname, members);
    return members;
  }
  const std::string_view surname = AddCouple(random, parent_age, members);
  const int extra = size - 3;  // people beyond the couple and their first child
  const int children = 1 + ((extra > 0 && random.ChancePerMille(kSecondChildPerMille)) ? 1 : 0);
  AddChildren(random, children, eldest_age, surname, members);
  AddGrandparents(random, extra - (children - 1), parent_age, members);
  return members;
}

bool DrawChronicIllness(Random& random, int age) {
  int per_mille = 0;
  for (const ChronicIllnessBand& band : kChronicIllnessByAge) {
    if (age >= band.min_age) per_mille = band.per_mille;
  }
  return random.ChancePerMille(per_mille);
}

// Adds household `household_id` (at most `max_size` people) to `residents`.
void AddHousehold(std::uint64_t seed, std::int64_t household_id, int max_size,
                  std::span<const District> districts, std::span<const std::int64_t> weights,
                  PhoneBook& phones, std::vector<Resident>& residents) {
  Random random(StreamSeed(seed, kHouseholdStream, static_cast<std::uint64_t>(household_id)));
  const int drawn_size = 1 + static_cast<int>(random.Weighted<int>(kHouseholdSizeWeights));
  const int size = std::min(drawn_size, max_size);
  const District& district = districts[random.Weighted<std::int64_t>(weights)];
  const LatLon location = DrawLocation(random, district);
  for (const Member& member : DrawMembers(random, size)) {
    Resident resident;
    resident.household_id = household_id;
    resident.display_name = DrawFullName(random, member.surname, member.sex);
    resident.sex = member.sex;
    resident.birth_year = kScenarioYear - member.age;
    resident.district_code = district.code;
    resident.location = location;
    resident.phone = phones.Draw(random);
    resident.chronic_illness = DrawChronicIllness(random, member.age);
    const bool elderly_alone = size == 1 && member.age >= kElderlyAge;
    resident.vulnerable = resident.chronic_illness || elderly_alone;
    residents.push_back(std::move(resident));
  }
}

Volunteer DrawVolunteer(std::uint64_t seed, std::size_t index, std::span<const District> districts,
                        std::span<const std::int64_t> weights, PhoneBook& phones) {
  Random random(StreamSeed(seed, kVolunteerStream, index));
  const VolunteerProfile& profile = kVolunteerProfiles[random.Weighted<int>(kVolunteerWeights)];
  Volunteer volunteer;
  volunteer.role = profile.role;
  volunteer.sex = random.ChancePerMille(profile.female_per_mille) ? Sex::kFemale : Sex::kMale;
  volunteer.display_name = DrawFullName(random, DrawSurname(random), volunteer.sex);
  volunteer.district_code = districts[random.Weighted<std::int64_t>(weights)].code;
  volunteer.phone = phones.Draw(random);
  if (profile.role == Role::kDoctor || profile.role == Role::kNurse) {
    volunteer.years_practice = random.ChancePerMille(profile.new_graduate_per_mille)
                                   ? 0
                                   : random.Between(profile.min_years, profile.max_years);
    volunteer.hospital = DrawVolunteerHospital(random);
    volunteer.department = random.Pick<std::string_view>(DepartmentKeys());
  }
  return volunteer;
}

}  // namespace

double ScatterRadiusMeters(const District& district) {
  constexpr double kSquareMetersPerSquareKm = 1e6;
  return kCoreRadiusFraction *
         std::sqrt(district.area_km2 * kSquareMetersPerSquareKm / std::numbers::pi);
}

Scenario GenerateScenario(const ScenarioOptions& options) {
  Scenario scenario;
  scenario.seed = options.seed;
  const std::span<const District> districts = WuhanDistricts();
  scenario.districts.assign(districts.begin(), districts.end());
  const std::span<const Hospital> hospitals = WuhanHospitals();
  scenario.hospitals.assign(hospitals.begin(), hospitals.end());

  std::vector<std::int64_t> population_weights;
  for (const District& district : districts) population_weights.push_back(district.population);

  PhoneBook phones;
  const int resident_count = std::max(0, options.residents);
  scenario.residents.reserve(static_cast<std::size_t>(resident_count));
  for (std::int64_t household_id = 1; static_cast<int>(scenario.residents.size()) < resident_count;
       ++household_id) {
    const int remaining = resident_count - static_cast<int>(scenario.residents.size());
    AddHousehold(options.seed, household_id, remaining, districts, population_weights, phones,
                 scenario.residents);
  }

  const int volunteer_count = std::max(0, options.volunteers);
  scenario.volunteers.reserve(static_cast<std::size_t>(volunteer_count));
  for (int index = 0; index < volunteer_count; ++index) {
    scenario.volunteers.push_back(DrawVolunteer(options.seed, static_cast<std::size_t>(index),
                                                districts, population_weights, phones));
  }
  return scenario;
}

}  // namespace lifeline::scenario
