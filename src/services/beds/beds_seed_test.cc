#include "services/beds/beds_seed.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "services/city/city_service.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

constexpr char kKey[] = "beds-seed-test-key-0123456789abcdef012345";
constexpr UnixMillis kMondayMorning = 1580695200000;

class BedSeedTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    CityService city(db(), kKey);
    ASSERT_TRUE(city.SeedScenario({.seed = 5, .residents = 0, .volunteers = 0}).ok());
    BedsOptions options;
    options.clock = [] { return kMondayMorning; };
    beds_ = std::make_unique<BedsService>(db(), options);
  }

  std::unique_ptr<BedsService> beds_;
};

TEST_P(BedSeedTest, EveryHospitalGetsItsBedsSplitIntoClassesWithADayOfChecks) {
  Result<BedSeedReport> report = SeedBedBoard(*beds_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->seeded);
  EXPECT_EQ(report->hospitals, 5);
  // Two designated hospitals with four classes, three shelters with one; three checks each.
  EXPECT_EQ(report->updates, (2 * 4 + 3) * 3);

  Result<BedBoard> board = beds_->Board();
  ASSERT_TRUE(board.ok()) << board.status().ToString();
  int stale_hospitals = 0;
  int fresh_hospitals = 0;
  for (const HospitalBeds& row : board->hospitals) {
    const bool shelter = row.hospital.kind == scenario::HospitalKind::kShelter;
    EXPECT_EQ(row.classes.size(), shelter ? 1u : 4u) << row.hospital.name_en;
    EXPECT_EQ(row.capacity, row.hospital.beds) << "the classes add up to the hospital's beds";
    EXPECT_LE(row.free * 100, row.capacity * 3) << "free beds are scarce";
    for (const BedClassState& state : row.classes) {
      EXPECT_EQ(state.update.verified_by, 0);
      EXPECT_LT(state.age, kMillisPerDay);
    }
    (row.freshness == Freshness::kStale ? stale_hospitals : fresh_hospitals) += 1;
    Result<std::vector<BedUpdateRecord>> history = beds_->History(row.hospital.id);
    ASSERT_TRUE(history.ok()) << history.status().ToString();
    EXPECT_EQ(history->size(), row.classes.size() * 3);
    for (const BedUpdateRecord& update : *history) {
      EXPECT_GT(update.verified_at, kMondayMorning - kMillisPerDay);
    }
  }
  EXPECT_GT(stale_hospitals, 0);
  EXPECT_GT(fresh_hospitals, 0);
  EXPECT_EQ(report->stale_classes > 0, stale_hospitals > 0);

  // Only an empty board is seeded.
  Result<BedSeedReport> again = SeedBedBoard(*beds_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->seeded);
  EXPECT_EQ(again->updates, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, BedSeedTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
