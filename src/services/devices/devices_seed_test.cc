// The demo's drifting devices written through the devices service, on both store backends.

#include "services/devices/devices_seed.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "services/accounts/accounts.h"
#include "services/city/city_service.h"
#include "services/devices/devices_service.h"
#include "store/testing/test_database.h"

namespace lifeline::testing {
namespace {

constexpr char kKey[] = "devices-seed-test-key-0123456789abcdef012345";
constexpr std::uint64_t kSeed = 17;
constexpr int kResidents = 600;
constexpr int kConcentrators = 40;
constexpr int kOximeters = 20;
// 17:30 on Monday 2 March 2026 in Wuhan: the histories end then.
constexpr UnixMillis kEnds = 1772443800000;

// Everything the seeding wrote, but the sealed phones (sealing draws a fresh nonce).
std::string Fingerprint(Database& database) {
  return Rows(database,
              "SELECT id, kind, name_zh, name_en, serial, model, angel_id, status, registered_at, "
              "updated_at FROM devices ORDER BY id") +
         Rows(database,
              "SELECT id, device_id, previous_drift_id, contact_name, phone_key, address, lat, "
              "lon, district_code, started_at, started_by, expected_end, guidance, "
              "doctor_advice, prescribed_flow_lpm, checkin_interval_days, ended_at, "
              "end_outcome, end_note FROM device_drifts ORDER BY id") +
         Rows(database,
              "SELECT id, device_id, at, by_user, measured_flow_lpm, passed, note "
              "FROM device_inspections ORDER BY id") +
         Rows(database,
              "SELECT id, drift_id, at, by_user, reached, patient_condition, spo2 "
              "FROM device_checkins ORDER BY id") +
         Rows(database,
              "SELECT id, device_id, drift_id, at, by_user, kind, detail FROM device_events "
              "ORDER BY id");
}

class DevicesSeedTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    accounts_ = std::make_unique<AccountService>(
        db(), AccountOptions{.password_cost = PasswordCost::kMinimumForTests});
    Prepare(db(), *accounts_);
  }

  // The city and the accounts: the demo angel, three more angels, one disabled, a doctor.
  static void Prepare(Database& database, AccountService& accounts) {
    CityService city(database, kKey);
    ASSERT_TRUE(city.SeedScenario({.seed = kSeed, .residents = kResidents, .volunteers = 0}).ok());
    for (const char* name : {"angel-001", "angel", "doctor", "angel-002", "angel-003", "gone"}) {
      const Role role = std::string(name) == "doctor" ? Role::kDoctor : Role::kAngel;
      Result<User> user =
          accounts.CreateUserFromCommandLine({name, name, role, "password-123", ""});
      ASSERT_TRUE(user.ok()) << user.status().ToString();
      if (std::string(name) == "gone") {
        ASSERT_TRUE(accounts.UpdateUser(Actor::CommandLine(), user->id, {.disabled = true}).ok());
      }
    }
  }

  static DeviceSeedOptions Options() {
    DeviceSeedOptions options;
    options.seed = kSeed;
    options.residents = kResidents;
    options.volunteers = 0;
    options.concentrators = kConcentrators;
    options.oximeters = kOximeters;
    options.ends_at = kEnds;
    return options;
  }

  std::int64_t UserId(const std::string& username) {
    return Count(db(), "SELECT id FROM users WHERE username = '" + username + "'");
  }

  std::unique_ptr<AccountService> accounts_;
};

TEST_P(DevicesSeedTest, WritesDriftHistoriesOnceAndDeterministically) {
  int started_with = -1;
  DeviceSeedOptions options = Options();
  options.starting = [&](int concentrators, int oximeters) {
    started_with = concentrators + oximeters;
  };
  const Result<DeviceSeedReport> seeded = SeedDevices(db(), *accounts_, kKey, options);
  ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
  const DeviceSeedReport& report = *seeded;
  EXPECT_FALSE(report.skipped);
  EXPECT_EQ(started_with, kConcentrators + kOximeters);

  // Counts: every device, each kind, angels only from the enabled angel accounts.
  EXPECT_EQ(report.devices, kConcentrators + kOximeters);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM devices"), report.devices);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM devices WHERE kind = 'oximeter'"), kOximeters);
  for (const char* kind : {"concentrator_3", "concentrator_5", "concentrator_10"}) {
    EXPECT_GT(Count(db(), std::string("SELECT COUNT(*) FROM devices WHERE kind = '") + kind + "'"),
              0)
        << kind;
  }
  EXPECT_EQ(report.angels, 4);
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM devices d JOIN users u ON u.id = d.angel_id "
                  "WHERE u.role = 'angel' AND u.disabled = 0"),
            report.devices);
  EXPECT_EQ(Count(db(), "SELECT COUNT(DISTINCT name_en) FROM devices"), report.devices);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM device_drifts"), report.drifts);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM device_checkins"), report.checkins);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM device_inspections"), report.inspections);
  EXPECT_GT(report.failed_inspections, 0);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM device_checkins WHERE reached = 0"),
            Count(db(), "SELECT COUNT(*) FROM device_checkins WHERE note <> '' AND reached = 0"));
  EXPECT_GT(Count(db(), "SELECT COUNT(*) FROM device_checkins WHERE reached = 0"), 0);

  // Every lending ended in one of the four ways, or is the device's one open lending.
  EXPECT_GT(report.passed_on, 0);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM device_drifts WHERE end_outcome = 'passed_on'"),
            report.passed_on);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM device_drifts WHERE previous_drift_id IS NOT NULL"),
            report.passed_on);
  EXPECT_GT(Count(db(), "SELECT COUNT(*) FROM device_drifts WHERE end_outcome = 'returned'"), 0);
  EXPECT_GT(report.broken + report.lost, 0);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM devices WHERE status IN ('broken', 'lost')"),
            report.broken + report.lost);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM device_drifts WHERE ended_at IS NULL"), report.open);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM devices WHERE status = 'lent'"), report.open);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM device_drifts WHERE started_at >= " +
                            std::to_string(kEnds)),
            0);

  // The totals agree with the report when read at the seeding's end.
  DevicesOptions at_end;
  at_end.clock = [] { return kEnds; };
  DevicesService devices(db(), kKey, at_end);
  const Actor coordinator{0, "cli", Role::kCoordinator, "test"};
  const Result<DeviceTotals> totals = devices.Totals(coordinator);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  EXPECT_EQ(totals->devices, report.devices);
  EXPECT_EQ(totals->in_circulation, report.open);
  EXPECT_EQ(totals->overdue_checkins, report.overdue);
  EXPECT_GT(report.overdue, 0);
  EXPECT_LT(report.overdue, report.open);
  EXPECT_GT(totals->mean_days_per_drift, 2.0);

  // A device that served three families or more, passed from one to the next.
  const Result<QueryResult> travelled = db().Query(
      "SELECT device_id FROM device_drifts GROUP BY device_id HAVING "
      "COUNT(*) >= 3 AND COUNT(DISTINCT phone_key) >= 3 ORDER BY device_id");
  ASSERT_TRUE(travelled.ok());
  ASSERT_FALSE(travelled->rows.empty());
  const Result<DeviceTimeline> timeline =
      devices.Timeline(coordinator, travelled->rows.front().Int(0));
  ASSERT_TRUE(timeline.ok()) << timeline.status().ToString();
  EXPECT_GE(timeline->drifts, 3);
  EXPECT_GE(timeline->families, 3);
  EXPECT_GT(timeline->days_in_service, 3);
  EXPECT_EQ(timeline->drift_list.front().household.phone.empty(), false);
  EXPECT_GE(timeline->inspections.size(), 1u);

  // The demo angel's check-in list: a good share of open lendings, a few of them overdue.
  const std::int64_t angel_id = UserId("angel");
  const Actor angel{angel_id, "angel", Role::kAngel, "test"};
  const Result<std::vector<CheckInDue>> list = devices.CheckInList(angel, std::nullopt);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(static_cast<std::int64_t>(list->size()), report.demo_angel_open);
  EXPECT_GE(report.demo_angel_open, 3);
  std::int64_t overdue = 0;
  for (const CheckInDue& due : *list) {
    EXPECT_EQ(due.device.angel_id, angel_id);
    if (due.drift.checkin_overdue) ++overdue;
  }
  EXPECT_EQ(overdue, report.demo_angel_overdue);
  EXPECT_GT(overdue, 0);
  EXPECT_LT(overdue, static_cast<std::int64_t>(list->size()));
  EXPECT_GT(
      Count(db(), "SELECT COUNT(*) FROM devices WHERE angel_id = " + std::to_string(angel_id)),
      report.devices / 10);

  // The same options and accounts give the same histories on a fresh database.
  const std::string fingerprint = Fingerprint(db());
  Result<std::unique_ptr<ScratchDatabase>> other = ScratchDatabase::Create(GetParam());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  AccountService other_accounts((*other)->db(),
                                AccountOptions{.password_cost = PasswordCost::kMinimumForTests});
  Prepare((*other)->db(), other_accounts);
  const Result<DeviceSeedReport> again =
      SeedDevices((*other)->db(), other_accounts, kKey, Options());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->drifts, report.drifts);
  EXPECT_EQ(Fingerprint((*other)->db()), fingerprint);

  // A second run writes nothing.
  int restarted = 0;
  options.starting = [&](int, int) { ++restarted; };
  const Result<DeviceSeedReport> second = SeedDevices(db(), *accounts_, kKey, options);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->skipped);
  EXPECT_EQ(restarted, 0);
  EXPECT_EQ(Fingerprint(db()), fingerprint);
}

TEST_P(DevicesSeedTest, WithoutAngelsTheCoordinatorFollowsTheDevices) {
  ASSERT_TRUE(db().Transaction(TransactionMode::kWrite,
                               [](Connection& connection) {
                                 return connection
                                     .Execute("UPDATE users SET disabled = 1 WHERE role = 'angel'")
                                     .status();
                               })
                  .ok());
  DeviceSeedOptions options = Options();
  options.concentrators = 5;
  options.oximeters = 2;
  const Result<DeviceSeedReport> seeded = SeedDevices(db(), *accounts_, kKey, options);
  ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
  EXPECT_EQ(seeded->devices, 7);
  EXPECT_EQ(seeded->angels, 0);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM devices WHERE angel_id IS NULL"), 7);
  EXPECT_GT(seeded->drifts, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DevicesSeedTest, ::testing::ValuesIn(TestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace lifeline::testing
