#include "services/city/city_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "core/crypto.h"
#include "engines/scenario/scenario.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Backend;
using testing::ScratchDatabase;

constexpr char kKey[] = "city-test-key-0123456789abcdef0123456789";
constexpr std::int64_t kSourcedBeds = 1000 + 1600 + 800 + 2000 + 1000;
constexpr std::int64_t kAdminUserId = 7;
constexpr int kPhoneDigits = 11;

// A small city keeps the suite quick; one test seeds the default size.
ScenarioOptions SmallCity() { return {.seed = 42, .residents = 300, .volunteers = 40}; }

NewHospital ValidHospital() {
  return {.name_zh = "武汉市第七医院",
          .name_en = "Wuhan No. 7 Hospital",
          .district_code = "420106",
          .kind = "general",
          .beds = 300,
          .location = {30.5440, 114.3300},
          .opened_on = "2020-02-10",
          .source = "test"};
}

Actor Admin() { return Actor{kAdminUserId, "admin", Role::kAdmin, "req-1"}; }

class CityServiceTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    city_ = std::make_unique<CityService>(scratch_->db(), kKey);
  }

  void Seed(const ScenarioOptions& options = SmallCity()) {
    Result<ScenarioCounts> counts = city_->SeedScenario(options);
    ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  }

  // The Status of adding `hospital` to the seeded city.
  Status AddStatus(const NewHospital& hospital) {
    return city_->AddHospital(Admin(), hospital).status();
  }

  std::unique_ptr<CityService> city_;
};

void ExpectInvalid(const Status& status, const std::string& message_id, const std::string& field) {
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument) << status.ToString();
  EXPECT_EQ(status.message_id(), message_id) << status.ToString();
  EXPECT_EQ(status.field(), field) << status.ToString();
}

TEST_P(CityServiceTest, EmptyBeforeSeeding) {
  Result<bool> seeded = city_->HasScenario();
  ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
  EXPECT_FALSE(*seeded);
  Result<CityOverview> overview = city_->Overview();
  ASSERT_TRUE(overview.ok()) << overview.status().ToString();
  EXPECT_EQ(overview->districts, 0);
  EXPECT_EQ(overview->beds, 0);
  EXPECT_EQ(overview->seeded_at, 0);
  EXPECT_EQ(overview->volunteers_by_role.size(), 4U);
  EXPECT_EQ(overview->volunteers_by_role.at("doctor"), 0);
}

TEST_P(CityServiceTest, SeedsTheDefaultCityQuickly) {
  const auto start = std::chrono::steady_clock::now();
  Result<ScenarioCounts> counts = city_->SeedScenario({});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->districts, 13);
  EXPECT_EQ(counts->hospitals, 5);
  EXPECT_EQ(counts->residents, scenario::kDefaultResidents);
  EXPECT_EQ(counts->volunteers, scenario::kDefaultVolunteers);
  std::cout << "seeded " << counts->residents + counts->volunteers << " people on "
            << testing::BackendName(GetParam()) << " in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms\n";
  Result<bool> seeded = city_->HasScenario();
  ASSERT_TRUE(seeded.ok());
  EXPECT_TRUE(*seeded);
}

TEST_P(CityServiceTest, SecondSeedIsRefused) {
  Seed();
  Result<ScenarioCounts> again = city_->SeedScenario({.seed = 7, .residents = 10});
  EXPECT_EQ(again.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message_id(), "error.scenario_exists");
  Result<CityOverview> overview = city_->Overview();
  ASSERT_TRUE(overview.ok());
  EXPECT_EQ(overview->residents, SmallCity().residents);
  EXPECT_EQ(overview->seed, SmallCity().seed);
}

TEST_P(CityServiceTest, ConcurrentSeedsWriteOneScenario) {
  Status first;
  Status second;
  std::thread other([&] { second = city_->SeedScenario(SmallCity()).status(); });
  first = city_->SeedScenario(SmallCity()).status();
  other.join();
  EXPECT_NE(first.ok(), second.ok()) << first.ToString() << " / " << second.ToString();
  const Status& refused = first.ok() ? second : first;
  EXPECT_EQ(refused.message_id(), "error.scenario_exists") << refused.ToString();
  Result<CityOverview> overview = city_->Overview();
  ASSERT_TRUE(overview.ok());
  EXPECT_EQ(overview->residents, SmallCity().residents);
}

TEST_P(CityServiceTest, RejectsOversizedScenario) {
  ExpectInvalid(city_->SeedScenario({.residents = -1}).status(), "error.field_invalid",
                "residents");
  ExpectInvalid(city_->SeedScenario({.volunteers = kMaxScenarioVolunteers + 1}).status(),
                "error.field_invalid", "volunteers");
  Result<bool> seeded = city_->HasScenario();
  ASSERT_TRUE(seeded.ok());
  EXPECT_FALSE(*seeded);
}

TEST_P(CityServiceTest, ListsDistrictsWithTheirCounts) {
  Seed();
  Result<std::vector<DistrictSummary>> districts = city_->ListDistricts();
  ASSERT_TRUE(districts.ok()) << districts.status().ToString();
  ASSERT_EQ(districts->size(), 13U);
  EXPECT_EQ(districts->front().code, "420102");
  EXPECT_EQ(districts->front().name_zh, "江岸区");
  EXPECT_EQ(districts->back().code, "420117");
  std::int64_t residents = 0;
  std::int64_t beds = 0;
  std::int64_t hospitals = 0;
  for (const DistrictSummary& district : *districts) {
    residents += district.residents;
    beds += district.beds;
    hospitals += district.hospitals;
    EXPECT_GT(district.population, 0);
    if (district.code == "420115") {  // Jiangxia: Leishenshan
      EXPECT_EQ(district.hospitals, 1);
      EXPECT_EQ(district.beds, 1600);
    }
  }
  EXPECT_EQ(residents, SmallCity().residents);
  EXPECT_EQ(beds, kSourcedBeds);
  EXPECT_EQ(hospitals, 5);
}

TEST_P(CityServiceTest, ListsAndGetsHospitals) {
  Seed();
  Result<std::vector<HospitalRecord>> all = city_->ListHospitals(std::nullopt);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 5U);
  EXPECT_EQ(all->front().name_en, "Huoshenshan Hospital");
  EXPECT_EQ(all->front().beds, 1000);
  EXPECT_EQ(all->front().kind, HospitalKind::kDesignated);
  EXPECT_EQ(all->front().district_code, "420114");

  Result<std::vector<HospitalRecord>> wuchang = city_->ListHospitals("420106");
  ASSERT_TRUE(wuchang.ok());
  ASSERT_EQ(wuchang->size(), 1U);
  EXPECT_EQ(wuchang->front().name_en, "Hongshan Gymnasium");
  EXPECT_EQ(wuchang->front().kind, HospitalKind::kShelter);
  EXPECT_EQ(wuchang->front().beds, 800);

  Result<std::vector<HospitalRecord>> jiangan = city_->ListHospitals("420102");
  ASSERT_TRUE(jiangan.ok());
  EXPECT_TRUE(jiangan->empty());
  ExpectInvalid(city_->ListHospitals("999999").status(), "error.unknown_district", "district_code");

  Result<HospitalRecord> got = city_->GetHospital(wuchang->front().id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->name_zh, wuchang->front().name_zh);
  EXPECT_EQ(got->location.lat, wuchang->front().location.lat);
  EXPECT_EQ(got->opened_on, "2020-02-03");
  EXPECT_FALSE(got->source.empty());

  Result<HospitalRecord> missing = city_->GetHospital(987654);
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.status().message_id(), "error.record_not_found");
  EXPECT_EQ(missing.status().args(), (MessageArgs{{"entity", "hospital"}, {"id", "987654"}}));
}

TEST_P(CityServiceTest, AddsAHospital) {
  Seed();
  NewHospital input = ValidHospital();
  input.name_zh = "  " + input.name_zh + " ";
  Result<HospitalRecord> added = city_->AddHospital(Admin(), input);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_GT(added->id, 0);
  EXPECT_EQ(added->name_zh, "武汉市第七医院");
  EXPECT_EQ(added->kind, HospitalKind::kGeneral);
  EXPECT_EQ(added->beds, 300);
  EXPECT_EQ(added->location.lon, 114.33);
  EXPECT_EQ(added->created_by, kAdminUserId);
  EXPECT_GT(added->created_at, 0);

  Result<CityOverview> overview = city_->Overview();
  ASSERT_TRUE(overview.ok());
  EXPECT_EQ(overview->hospitals, 6);
  EXPECT_EQ(overview->beds, kSourcedBeds + 300);
  Result<std::vector<HospitalRecord>> wuchang = city_->ListHospitals("420106");
  ASSERT_TRUE(wuchang.ok());
  EXPECT_EQ(wuchang->size(), 2U);

  // Optional fields may be left out.
  NewHospital minimal = ValidHospital();
  minimal.name_zh = "测试医院";
  minimal.name_en = "Test Hospital";
  minimal.opened_on.clear();
  minimal.source.clear();
  minimal.beds = 0;
  EXPECT_TRUE(AddStatus(minimal).ok());
}

TEST_P(CityServiceTest, RejectsDuplicateHospitalNames) {
  Seed();
  NewHospital same_zh = ValidHospital();
  same_zh.name_zh = "火神山医院";
  Status status = AddStatus(same_zh);
  EXPECT_EQ(status.code(), ErrorCode::kAlreadyExists) << status.ToString();
  EXPECT_EQ(status.message_id(), "error.hospital_exists");
  EXPECT_EQ(status.field(), "name_zh");

  NewHospital same_en = ValidHospital();
  same_en.name_en = "huoshenshan HOSPITAL";
  status = AddStatus(same_en);
  EXPECT_EQ(status.code(), ErrorCode::kAlreadyExists) << status.ToString();
  EXPECT_EQ(status.field(), "name_en") << status.ToString();
}

TEST_P(CityServiceTest, ValidatesNewHospitals) {
  Seed();
  NewHospital hospital = ValidHospital();
  hospital.name_zh = "   ";
  ExpectInvalid(AddStatus(hospital), "error.field_required", "name_zh");
  hospital = ValidHospital();
  hospital.name_en.clear();
  ExpectInvalid(AddStatus(hospital), "error.field_required", "name_en");
  hospital = ValidHospital();
  hospital.name_en = std::string(kMaxHospitalNameBytes + 1, 'x');
  ExpectInvalid(AddStatus(hospital), "error.field_too_long", "name_en");
  hospital = ValidHospital();
  hospital.kind = "field";
  ExpectInvalid(AddStatus(hospital), "error.unknown_hospital_kind", "kind");
  hospital = ValidHospital();
  hospital.district_code = "110101";
  ExpectInvalid(AddStatus(hospital), "error.unknown_district", "district_code");
  hospital = ValidHospital();
  hospital.beds = -1;
  ExpectInvalid(AddStatus(hospital), "error.field_invalid", "beds");
  hospital = ValidHospital();
  hospital.location.lat = 91;
  ExpectInvalid(AddStatus(hospital), "error.bad_coordinates", "lat");
  hospital = ValidHospital();
  hospital.location.lon = std::numeric_limits<double>::quiet_NaN();
  ExpectInvalid(AddStatus(hospital), "error.bad_coordinates", "lon");
  for (const char* date : {"2020-2-3", "2020-02-30", "yesterday", "2020-02-03T08:00:00Z"}) {
    hospital = ValidHospital();
    hospital.opened_on = date;
    ExpectInvalid(AddStatus(hospital), "error.bad_date", "opened_on");
  }
  Result<CityOverview> overview = city_->Overview();
  ASSERT_TRUE(overview.ok());
  EXPECT_EQ(overview->hospitals, 5) << "no invalid hospital may be stored";
}

TEST_P(CityServiceTest, OverviewMatchesTheGeneratedCity) {
  Seed();
  const scenario::Scenario expected = scenario::GenerateScenario(SmallCity());
  std::int64_t vulnerable = 0;
  for (const scenario::Resident& resident : expected.residents) vulnerable += resident.vulnerable;
  std::map<std::string, std::int64_t> by_role = {
      {"doctor", 0}, {"nurse", 0}, {"angel", 0}, {"counsellor", 0}};
  for (const scenario::Volunteer& volunteer : expected.volunteers) {
    ++by_role[std::string(RoleName(volunteer.role))];
  }

  Result<CityOverview> overview = city_->Overview();
  ASSERT_TRUE(overview.ok()) << overview.status().ToString();
  EXPECT_EQ(overview->districts, 13);
  EXPECT_EQ(overview->hospitals, 5);
  EXPECT_EQ(overview->beds, kSourcedBeds);
  EXPECT_EQ(overview->residents, static_cast<std::int64_t>(expected.residents.size()));
  EXPECT_EQ(overview->vulnerable_residents, vulnerable);
  EXPECT_EQ(overview->volunteers, static_cast<std::int64_t>(expected.volunteers.size()));
  EXPECT_EQ(overview->volunteers_by_role, by_role);
  EXPECT_EQ(overview->seed, SmallCity().seed);
  EXPECT_GT(overview->seeded_at, 0);
}

TEST_P(CityServiceTest, StoresResidentsAsGenerated) {
  Seed();
  const scenario::Scenario expected = scenario::GenerateScenario(SmallCity());
  Result<QueryResult> stored = scratch_->db().Query(
      "SELECT display_name, household_id, district_code, lat, lon, birth_year, vulnerable, "
      "chronic_illness FROM residents ORDER BY id");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_EQ(stored->rows.size(), expected.residents.size());
  for (std::size_t index = 0; index < expected.residents.size(); ++index) {
    const Row& row = stored->rows[index];
    const scenario::Resident& resident = expected.residents[index];
    EXPECT_EQ(row.Text(0), resident.display_name);
    EXPECT_EQ(row.Int(1), resident.household_id);
    EXPECT_EQ(row.Text(2), resident.district_code);
    EXPECT_EQ(row.Double(3), resident.location.lat);
    EXPECT_EQ(row.Double(4), resident.location.lon);
    EXPECT_EQ(row.Int(5), resident.birth_year);
    EXPECT_EQ(row.Int(6) != 0, resident.vulnerable);
    EXPECT_EQ(row.Int(7) != 0, resident.chronic_illness);
  }
}

// True if `text` holds a run of `kPhoneDigits` or more decimal digits.
bool HasPhoneLikeDigits(const std::string& text) {
  int run = 0;
  for (const char letter : text) {
    run = (letter >= '0' && letter <= '9') ? run + 1 : 0;
    if (run >= kPhoneDigits) return true;
  }
  return false;
}

TEST_P(CityServiceTest, NeverStoresRawPhoneNumbers) {
  Seed();
  const scenario::Scenario expected = scenario::GenerateScenario(SmallCity());
  std::set<std::string> expected_keys;
  for (const scenario::Resident& resident : expected.residents) {
    expected_keys.insert(KeyedHashHex(kKey, resident.phone));
  }
  for (const scenario::Volunteer& volunteer : expected.volunteers) {
    expected_keys.insert(KeyedHashHex(kKey, volunteer.phone));
  }

  std::set<std::string> stored_keys;
  for (const char* table : {"residents", "volunteers"}) {
    Result<QueryResult> rows = scratch_->db().Query(std::string("SELECT * FROM ") + table);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    std::size_t phone_column = rows->columns.size();
    for (std::size_t column = 0; column < rows->columns.size(); ++column) {
      if (rows->columns[column] == "phone_key") phone_column = column;
    }
    ASSERT_LT(phone_column, rows->columns.size()) << table;
    for (const Row& row : rows->rows) {
      stored_keys.insert(row.Text(phone_column));
      for (std::size_t column = 0; column < row.size(); ++column) {
        if (column == phone_column) continue;  // hex digests may hold digit runs by chance
        EXPECT_FALSE(HasPhoneLikeDigits(row.Text(column))) << table << ": " << row.Text(column);
      }
    }
  }
  EXPECT_EQ(stored_keys, expected_keys);
  // A different deployment key gives unrelated pseudonyms.
  EXPECT_NE(KeyedHashHex("another-key", expected.residents.front().phone),
            KeyedHashHex(kKey, expected.residents.front().phone));
}

INSTANTIATE_TEST_SUITE_P(Backends, CityServiceTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
