// Named devices that drift, on both store backends: names, inspections before lending, one open
// lending per device (also under concurrency), passing on, check-in schedule, timelines,
// totals, who sees households and the audit of those reads.

#include "services/devices/devices_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "services/accounts/accounts.h"
#include "services/city/city_service.h"
#include "store/testing/test_database.h"

namespace lifeline::testing {
namespace {

constexpr char kKey[] = "devices-test-key-0123456789abcdef0123456789";
constexpr char kDistrict[] = "420106";  // Wuchang
// 10:00 on Monday 3 February 2020 in Wuhan.
constexpr UnixMillis kStart = 1580695200000;

class DevicesTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    accounts_ = std::make_unique<AccountService>(
        db(), AccountOptions{.password_cost = PasswordCost::kMinimumForTests});
    CityService city(db(), kKey);
    ASSERT_TRUE(city.SeedScenario({.seed = 7, .residents = 10, .volunteers = 0}).ok());
    coordinator_ = MakeActor("coord", Role::kCoordinator);
    angel_ = MakeActor("angel1", Role::kAngel);
    other_angel_ = MakeActor("angel2", Role::kAngel);
    doctor_ = MakeActor("doc", Role::kDoctor);
    DevicesOptions options;
    options.clock = [this] { return now_; };
    devices_ = std::make_unique<DevicesService>(db(), kKey, options);
  }

  Actor MakeActor(const std::string& username, Role role) {
    Result<User> user =
        accounts_->CreateUserFromCommandLine({username, username, role, "password-123", ""});
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    return Actor{user.ok() ? user->id : 0, username, role, "req-" + username};
  }

  void Advance(UnixMillis millis) { now_ += millis; }

  Device Register(const std::string& kind = "concentrator_5") {
    Result<Device> device = devices_->Register(
        coordinator_, {.kind = kind,
                       .serial = std::string("SN-").append(std::to_string(++serials_)),
                       .model = "Yuwell 8F-5",
                       .angel_id = angel_.user_id});
    EXPECT_TRUE(device.ok()) << device.status().ToString();
    return device.ok() ? *device : Device{};
  }

  Inspection Inspect(std::int64_t device_id, bool works = true, double flow = 5.0) {
    Result<Inspection> inspection = devices_->Inspect(
        angel_, device_id,
        {.disinfected = true, .works = works, .flow_checked = true, .measured_flow_lpm = flow});
    EXPECT_TRUE(inspection.ok()) << inspection.status().ToString();
    return inspection.ok() ? *inspection : Inspection{};
  }

  NewDrift Household(const std::string& phone = "139 0000 0001") {
    NewDrift drift;
    drift.household = {.contact_name = "王女士",
                       .phone = phone,
                       .address = "武昌区中南路 1 号 3 单元 502",
                       .lat = 30.54,
                       .lon = 114.33,
                       .district_code = kDistrict};
    drift.expected_end = now_ + 14 * kMillisPerDay;
    drift.guidance = "每天吸氧 2 次，每次 1 小时；远离明火。";
    drift.doctor_advice = "SpO2 低于 93% 时联系医生";
    drift.prescribed_flow_lpm = 2;
    return drift;
  }

  Drift Lend(std::int64_t device_id, const std::string& phone = "139 0000 0001") {
    Result<Drift> drift = devices_->Lend(coordinator_, device_id, Household(phone));
    EXPECT_TRUE(drift.ok()) << drift.status().ToString();
    return drift.ok() ? *drift : Drift{};
  }

  std::int64_t Count(const std::string& sql, const std::vector<Value>& params = {}) {
    Result<QueryResult> rows = db().Query(sql, params);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? rows->rows.at(0).Int(0) : -1;
  }

  std::int64_t HouseholdReads(std::int64_t actor_id) {
    return Count(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'drift' AND action IN ('read', 'list') "
        "AND actor_user_id = $1",
        {actor_id});
  }

  UnixMillis now_ = kStart;
  int serials_ = 0;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<DevicesService> devices_;
  Actor coordinator_, angel_, other_angel_, doctor_;
};

void ExpectError(const Status& status, ErrorCode code, const std::string& message_id,
                 const std::string& field = "") {
  EXPECT_EQ(status.code(), code) << status.ToString();
  EXPECT_EQ(status.message_id(), message_id) << status.ToString();
  if (!field.empty()) {
    EXPECT_EQ(status.field(), field) << status.ToString();
  }
}

TEST_P(DevicesTest, RegisterGeneratesUniqueBilingualNamesThatCanBeEdited) {
  const Device first = Register();
  EXPECT_EQ(first.name_zh, "希望-001");
  EXPECT_EQ(first.name_en, "Hope-001");
  EXPECT_EQ(first.status, "available");
  EXPECT_EQ(first.angel_username, "angel1");
  EXPECT_FALSE(first.ready_to_lend);
  const Device second = Register("oximeter");
  EXPECT_EQ(second.name_en, "Dawn-002");

  // A name edited into the generated sequence is skipped, not duplicated.
  Result<Device> edited = devices_->Edit(coordinator_, first.id,
                                         {.name_zh = "春风-003", .name_en = "Spring Breeze-003"});
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->name_en, "Spring Breeze-003");
  const Device third = Register();
  EXPECT_EQ(third.name_zh, "暖阳-004");
  EXPECT_EQ(third.name_en, "Warm Sun-004");

  ExpectError(devices_->Edit(coordinator_, second.id, {.name_en = "spring breeze-003"}).status(),
              ErrorCode::kAlreadyExists, "error.devices.name_taken", "name_en");
  ExpectError(
      devices_
          ->Register(
              coordinator_,
              {.kind = "oximeter", .serial = "X", .name_zh = "暖阳-004", .name_en = "Hope One"})
          .status(),
      ErrorCode::kAlreadyExists, "error.devices.name_taken", "name_zh");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_events WHERE kind = 'edited'"), 1);
}

TEST_P(DevicesTest, ValidationErrorsNameTheirFields) {
  ExpectError(devices_->Register(coordinator_, {.kind = "", .serial = "1"}).status(),
              ErrorCode::kInvalidArgument, "error.field_required", "kind");
  ExpectError(devices_->Register(coordinator_, {.kind = "toaster", .serial = "1"}).status(),
              ErrorCode::kInvalidArgument, "error.unknown_choice", "kind");
  ExpectError(devices_->Register(coordinator_, {.kind = "oximeter", .serial = " "}).status(),
              ErrorCode::kInvalidArgument, "error.field_required", "serial");
  ExpectError(
      devices_
          ->Register(coordinator_, {.kind = "oximeter", .serial = "1", .angel_id = doctor_.user_id})
          .status(),
      ErrorCode::kInvalidArgument, "error.devices.not_an_angel", "angel_id");
  const Device device = Register();
  Inspect(device.id);
  ExpectError(
      devices_
          ->Inspect(angel_, device.id, {.disinfected = true, .works = true, .flow_checked = true})
          .status(),
      ErrorCode::kInvalidArgument, "error.field_required", "measured_flow_lpm");

  const std::vector<std::pair<std::string, std::function<void(NewDrift&)>>> spoilers = {
      {"contact_name", [](NewDrift& d) { d.household.contact_name = ""; }},
      {"phone", [](NewDrift& d) { d.household.phone = ""; }},
      {"phone", [](NewDrift& d) { d.household.phone = "call me"; }},
      {"address", [](NewDrift& d) { d.household.address = "  \t "; }},
      {"district_code", [](NewDrift& d) { d.household.district_code = ""; }},
      {"district_code", [](NewDrift& d) { d.household.district_code = "999999"; }},
      {"lon", [](NewDrift& d) { d.household.lon.reset(); }},
      {"lat", [](NewDrift& d) { d.household.lat = 120; }},
      {"expected_end", [](NewDrift& d) { d.expected_end = 0; }},
      {"expected_end", [](NewDrift& d) { d.expected_end = kStart - 1; }},
      {"guidance", [](NewDrift& d) { d.guidance = ""; }},
      {"prescribed_flow_lpm", [](NewDrift& d) { d.prescribed_flow_lpm = -1; }},
      {"checkin_interval_days", [](NewDrift& d) { d.checkin_interval_days = 0; }},
      {"clinic_case_id", [](NewDrift& d) { d.clinic_case_id = -3; }},
  };
  for (const auto& [field, spoil] : spoilers) {
    SCOPED_TRACE(field);
    NewDrift drift = Household();
    spoil(drift);
    const Status status = devices_->Lend(coordinator_, device.id, drift).status();
    EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument) << status.ToString();
    EXPECT_EQ(status.field(), field) << status.ToString();
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_drifts"), 0);

  Lend(device.id);
  ExpectError(devices_->RecordCheckIn(angel_, device.id, {.reached = true}).status(),
              ErrorCode::kInvalidArgument, "error.field_required", "condition");
  ExpectError(
      devices_->RecordCheckIn(angel_, device.id, {.reached = true, .condition = "fine"}).status(),
      ErrorCode::kInvalidArgument, "error.unknown_choice", "condition");
  ExpectError(
      devices_
          ->RecordCheckIn(angel_, device.id, {.reached = true, .condition = "same", .spo2 = 130})
          .status(),
      ErrorCode::kInvalidArgument, "error.field_invalid", "spo2");
  ExpectError(devices_->End(angel_, device.id, {.outcome = "sold"}).status(),
              ErrorCode::kInvalidArgument, "error.unknown_choice", "outcome");
  ExpectError(devices_->End(angel_, device.id, {.outcome = "passed_on"}).status(),
              ErrorCode::kInvalidArgument, "error.devices.pass_on_needs_next", "next");
}

TEST_P(DevicesTest, NoLendingWithoutAPassedInspectionSinceTheLastLending) {
  const Device device = Register();
  ExpectError(devices_->Lend(coordinator_, device.id, Household()).status(),
              ErrorCode::kFailedPrecondition, "error.devices.inspection_required");

  // A concentrator delivering too little flow fails, and a failure blocks.
  Advance(kMillisPerMinute);
  EXPECT_FALSE(Inspect(device.id, true, 3.9).passed);
  ExpectError(devices_->Lend(coordinator_, device.id, Household()).status(),
              ErrorCode::kFailedPrecondition, "error.devices.inspection_required");
  Advance(kMillisPerMinute);
  EXPECT_TRUE(Inspect(device.id).passed);
  Advance(kMillisPerMinute);
  EXPECT_FALSE(Inspect(device.id, /*works=*/false).passed);  // the latest inspection decides
  ExpectError(devices_->Lend(coordinator_, device.id, Household()).status(),
              ErrorCode::kFailedPrecondition, "error.devices.inspection_required");
  Advance(kMillisPerMinute);
  EXPECT_TRUE(Inspect(device.id).passed);
  EXPECT_TRUE(devices_->Get(coordinator_, device.id)->ready_to_lend);

  const Drift drift = Lend(device.id);
  EXPECT_GT(drift.id, 0);
  ExpectError(devices_->Lend(coordinator_, device.id, Household("139 0000 0002")).status(),
              ErrorCode::kFailedPrecondition, "error.devices.already_lent");

  // Back home, it needs a new inspection before the next family.
  Advance(3 * kMillisPerDay);
  ASSERT_TRUE(devices_->End(angel_, device.id, {.outcome = "returned"}).ok());
  EXPECT_EQ(devices_->Get(coordinator_, device.id)->status, "available");
  ExpectError(devices_->Lend(coordinator_, device.id, Household("139 0000 0002")).status(),
              ErrorCode::kFailedPrecondition, "error.devices.inspection_required");
  Advance(kMillisPerHour);
  Inspect(device.id);
  Lend(device.id, "139 0000 0002");

  // An oximeter has no flow to check.
  const Device oximeter = Register("oximeter");
  Result<Inspection> oximeter_inspection =
      devices_->Inspect(angel_, oximeter.id, {.disinfected = true, .works = true});
  ASSERT_TRUE(oximeter_inspection.ok()) << oximeter_inspection.status().ToString();
  EXPECT_TRUE(oximeter_inspection->passed);
}

TEST_P(DevicesTest, ConcurrentLendingsOfOneDeviceLetOnlyOneCommit) {
  const Device device = Register();
  Inspect(device.id);
  Advance(kMillisPerMinute);
  constexpr int kAttempts = 8;
  std::atomic<int> lent = 0;
  std::atomic<int> refused = 0;
  std::vector<std::thread> threads;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    threads.emplace_back([&, attempt] {
      const Result<Drift> drift = devices_->Lend(
          coordinator_, device.id,
          Household(std::string("139 0000 10").append(std::to_string(10 + attempt))));
      if (drift.ok()) {
        ++lent;
      } else if (drift.status().message_id() == "error.devices.already_lent") {
        ++refused;
      } else {
        ADD_FAILURE() << drift.status().ToString();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(lent.load(), 1);
  EXPECT_EQ(refused.load(), kAttempts - 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_drifts WHERE ended_at IS NULL"), 1);

  // The database itself refuses a second open lending, whatever the service checks.
  const Status second = db().Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    return connection
        .Execute(
            "INSERT INTO device_drifts (device_id, contact_name, phone_key, phone_sealed, "
            "address, district_code, started_at, started_by, expected_end, guidance, "
            "checkin_interval_days) VALUES ($1, 'x', 'k', 's', 'a', $2, 1, 1, 2, 'g', 2)",
            {device.id, std::string(kDistrict)})
        .status();
  });
  EXPECT_EQ(second.code(), ErrorCode::kAlreadyExists) << second.ToString();
}

TEST_P(DevicesTest, PassingOnEndsAndStartsInOneStepAfterAHandOverInspection) {
  const Device device = Register();
  Inspect(device.id);
  Advance(kMillisPerMinute);
  const Drift first = Lend(device.id, "139 0000 0001");
  Advance(5 * kMillisPerDay);
  ExpectError(devices_->PassOn(angel_, device.id, Household("139 0000 0002"), "").status(),
              ErrorCode::kFailedPrecondition, "error.devices.inspection_required");
  Inspect(device.id);  // the hand-over inspection at the first family's home
  Advance(kMillisPerHour);
  Result<Drift> second = devices_->PassOn(angel_, device.id, Household("139 0000 0002"), "邻居");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->previous_drift_id, first.id);
  EXPECT_FALSE(second->ended_at.has_value());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_drifts WHERE end_outcome = 'passed_on' AND id = $1",
                  {first.id}),
            1);
  EXPECT_EQ(devices_->Get(coordinator_, device.id)->status, "lent");

  // The next hand-over needs its own inspection: the old one predates this lending.
  Advance(kMillisPerDay);
  ExpectError(devices_->PassOn(angel_, device.id, Household("139 0000 0003"), "").status(),
              ErrorCode::kFailedPrecondition, "error.devices.inspection_required");
  Inspect(device.id);
  Advance(kMillisPerMinute);
  ASSERT_TRUE(devices_->PassOn(angel_, device.id, Household("139 0000 0003"), "").ok());

  Advance(2 * kMillisPerDay);
  ASSERT_TRUE(devices_->End(angel_, device.id, {.outcome = "broken", .note = "压缩机坏了"}).ok());
  EXPECT_EQ(devices_->Get(coordinator_, device.id)->status, "broken");
  ExpectError(devices_->Lend(coordinator_, device.id, Household()).status(),
              ErrorCode::kFailedPrecondition, "error.devices.out_of_service");
  ExpectError(devices_->End(angel_, device.id, {.outcome = "returned"}).status(),
              ErrorCode::kFailedPrecondition, "error.devices.not_lent");

  Result<DeviceTimeline> timeline = devices_->Timeline(coordinator_, device.id);
  ASSERT_TRUE(timeline.ok()) << timeline.status().ToString();
  EXPECT_EQ(timeline->drifts, 3);
  EXPECT_EQ(timeline->families, 3);
}

TEST_P(DevicesTest, TimelineCountsDriftsFamiliesAndDaysInService) {
  const Device device = Register();
  // Family A for 10 days, back to the depot, family B for 20 days, passed to family A again
  // (the same phone in another format) for 11 days and counting.
  Inspect(device.id);
  Advance(kMillisPerMinute);
  Lend(device.id, "13900000001");
  Advance(10 * kMillisPerDay);
  ASSERT_TRUE(devices_->End(angel_, device.id, {.outcome = "returned"}).ok());
  Advance(2 * kMillisPerDay);
  Inspect(device.id);
  Advance(kMillisPerMinute);
  Lend(device.id, "13900000002");
  Advance(20 * kMillisPerDay);
  Inspect(device.id);
  Advance(kMillisPerMinute);
  ASSERT_TRUE(devices_->PassOn(angel_, device.id, Household("139-0000-0001"), "").ok());
  Advance(11 * kMillisPerDay + 5 * kMillisPerHour);

  Result<DeviceTimeline> timeline = devices_->Timeline(coordinator_, device.id);
  ASSERT_TRUE(timeline.ok()) << timeline.status().ToString();
  EXPECT_EQ(timeline->drifts, 3);
  EXPECT_EQ(timeline->families, 2);
  EXPECT_EQ(timeline->days_in_service, 41);
  ASSERT_EQ(timeline->drift_list.size(), 3u);
  EXPECT_EQ(timeline->drift_list[0].end_outcome, "returned");
  EXPECT_EQ(timeline->drift_list[1].end_outcome, "passed_on");
  EXPECT_FALSE(timeline->drift_list[2].ended_at.has_value());
  EXPECT_EQ(timeline->inspections.size(), 3u);
  std::vector<std::string> kinds;
  for (const DeviceEvent& event : timeline->events) kinds.push_back(event.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"registered", "inspected", "lent", "ended",
                                             "inspected", "lent", "inspected", "ended", "lent"}));
  for (std::size_t index = 1; index < timeline->events.size(); ++index) {
    EXPECT_LE(timeline->events[index - 1].at, timeline->events[index].at);
  }
}

TEST_P(DevicesTest, CheckInsAreDueOnDayOneThenEveryTwoDaysAndFlaggedWhenOverdue) {
  const Device device = Register();
  Inspect(device.id);
  Advance(kMillisPerMinute);
  const Drift drift = Lend(device.id);
  const UnixMillis started = drift.started_at;
  ASSERT_TRUE(drift.next_checkin_due.has_value());
  EXPECT_EQ(*drift.next_checkin_due, started + kMillisPerDay);

  auto due = [&](const Actor& actor) {
    Result<std::vector<CheckInDue>> list = devices_->CheckInList(actor, std::nullopt);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? *list : std::vector<CheckInDue>{};
  };
  ASSERT_EQ(due(angel_).size(), 1u);
  EXPECT_FALSE(due(angel_)[0].drift.checkin_overdue);
  EXPECT_TRUE(due(other_angel_).empty());

  Advance(kMillisPerDay);  // exactly due: not yet overdue
  EXPECT_FALSE(due(angel_)[0].drift.checkin_overdue);
  Advance(1);
  EXPECT_TRUE(due(angel_)[0].drift.checkin_overdue);
  EXPECT_EQ(devices_->Totals(coordinator_)->overdue_checkins, 1);

  // Nobody answered: still due.
  ASSERT_TRUE(
      devices_->RecordCheckIn(angel_, device.id, {.reached = false, .note = "没人接"}).ok());
  EXPECT_TRUE(due(angel_)[0].drift.checkin_overdue);
  Advance(kMillisPerHour);
  const UnixMillis reached_at = now_;
  ASSERT_TRUE(
      devices_
          ->RecordCheckIn(angel_, device.id, {.reached = true, .condition = "better", .spo2 = 95})
          .ok());
  CheckInDue entry = due(angel_)[0];
  EXPECT_EQ(*entry.drift.next_checkin_due, reached_at + 2 * kMillisPerDay);
  EXPECT_FALSE(entry.drift.checkin_overdue);
  EXPECT_EQ(*entry.drift.last_checkin_at, reached_at);
  EXPECT_EQ(devices_->Totals(coordinator_)->overdue_checkins, 0);
  Advance(2 * kMillisPerDay + 1);
  EXPECT_TRUE(due(angel_)[0].drift.checkin_overdue);

  // A lending may ask for calls less often; coordinators see everyone's list.
  const Device second = Register();
  Inspect(second.id);
  Advance(kMillisPerMinute);
  NewDrift weekly = Household("139 0000 0009");
  weekly.checkin_interval_days = 7;
  ASSERT_TRUE(devices_->Lend(coordinator_, second.id, weekly).ok());
  Advance(kMillisPerHour);
  ASSERT_TRUE(
      devices_->RecordCheckIn(coordinator_, second.id, {.reached = true, .condition = "same"})
          .ok());
  const std::vector<CheckInDue> all = due(coordinator_);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].device.id, device.id);  // overdue first
  EXPECT_EQ(*all[1].drift.next_checkin_due, now_ + 7 * kMillisPerDay);
  ExpectError(devices_->CheckInList(angel_, other_angel_.user_id).status(),
              ErrorCode::kPermissionDenied, "error.devices.only_own_checkins");
}

TEST_P(DevicesTest, HouseholdsAreShownOnlyToCoordinatorsAndTheDevicesAngelAndAudited) {
  const Device device = Register();
  Inspect(device.id);
  Advance(kMillisPerMinute);
  const Drift drift = Lend(device.id, "139 0000 0007");
  EXPECT_TRUE(drift.household_visible);
  EXPECT_EQ(drift.household.phone, "139 0000 0007");

  for (const Actor* actor : {&coordinator_, &angel_}) {
    const std::int64_t before = HouseholdReads(actor->user_id);
    Result<DeviceTimeline> timeline = devices_->Timeline(*actor, device.id);
    ASSERT_TRUE(timeline.ok()) << timeline.status().ToString();
    ASSERT_EQ(timeline->drift_list.size(), 1u);
    const Drift& seen = timeline->drift_list[0];
    EXPECT_TRUE(seen.household_visible);
    EXPECT_EQ(seen.household.address, "武昌区中南路 1 号 3 单元 502");
    EXPECT_EQ(seen.household.phone, "139 0000 0007");
    EXPECT_EQ(seen.household.contact_name, "王女士");
    EXPECT_EQ(HouseholdReads(actor->user_id), before + 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE entity = 'drift' AND entity_id = $1 "
                    "AND action = 'read' AND actor_user_id = $2",
                    {std::to_string(drift.id), actor->user_id}),
              1);
  }
  for (const Actor* actor : {&other_angel_, &doctor_}) {
    Result<DeviceTimeline> timeline = devices_->Timeline(*actor, device.id);
    ASSERT_TRUE(timeline.ok()) << timeline.status().ToString();
    const Drift& seen = timeline->drift_list.at(0);
    EXPECT_FALSE(seen.household_visible);
    EXPECT_TRUE(seen.household.address.empty());
    EXPECT_TRUE(seen.household.phone.empty());
    EXPECT_TRUE(seen.household.contact_name.empty());
    EXPECT_FALSE(seen.household.lat.has_value());
    EXPECT_EQ(seen.district_code, kDistrict);
    EXPECT_EQ(HouseholdReads(actor->user_id), 0);
  }
  // Nothing of the household is stored in the clear but the address and name it needs.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_drifts WHERE phone_sealed LIKE '%0007%'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_events WHERE detail LIKE '%中南路%'"), 0);

  // The check-in list reveals households to the device's angel, with one audit row.
  const std::int64_t before = HouseholdReads(angel_.user_id);
  Result<std::vector<CheckInDue>> list = devices_->CheckInList(angel_, std::nullopt);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->at(0).drift.household.address, "武昌区中南路 1 号 3 单元 502");
  EXPECT_EQ(HouseholdReads(angel_.user_id), before + 1);

  // Another angel changes nothing on a device they do not follow.
  ExpectError(devices_->RecordCheckIn(other_angel_, device.id, {.reached = false}).status(),
              ErrorCode::kPermissionDenied, "error.devices.not_your_device");
  ExpectError(devices_->End(other_angel_, device.id, {.outcome = "returned"}).status(),
              ErrorCode::kPermissionDenied, "error.devices.not_your_device");
  ExpectError(devices_->Inspect(other_angel_, device.id, {}).status(), ErrorCode::kPermissionDenied,
              "error.devices.not_your_device");
  // Once reassigned, the new angel sees and the old one no longer does.
  ASSERT_TRUE(devices_->AssignAngel(coordinator_, device.id, other_angel_.user_id).ok());
  EXPECT_TRUE(devices_->Timeline(other_angel_, device.id)->drift_list.at(0).household_visible);
  EXPECT_FALSE(devices_->Timeline(angel_, device.id)->drift_list.at(0).household_visible);
  ExpectError(devices_->AssignAngel(coordinator_, device.id, doctor_.user_id).status(),
              ErrorCode::kInvalidArgument, "error.devices.not_an_angel", "angel_id");
}

TEST_P(DevicesTest, TotalsCountCirculationIdleAndMeanDaysPerDrift) {
  const Device lent = Register();
  const Device idle = Register("oximeter");
  const Device lost = Register();
  for (const Device* device : {&lent, &lost}) Inspect(device->id);
  Result<Inspection> oximeter =
      devices_->Inspect(angel_, idle.id, {.disinfected = true, .works = true});
  ASSERT_TRUE(oximeter.ok());
  Advance(kMillisPerMinute);
  Lend(lent.id, "139 0000 0001");
  Lend(lost.id, "139 0000 0002");
  Advance(6 * kMillisPerDay);
  ASSERT_TRUE(devices_->End(coordinator_, lost.id, {.outcome = "lost"}).ok());
  Lend(idle.id, "139 0000 0003");
  Advance(3 * kMillisPerDay);
  ASSERT_TRUE(devices_->End(coordinator_, idle.id, {.outcome = "returned"}).ok());

  Result<DeviceTotals> totals = devices_->Totals(doctor_);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  EXPECT_EQ(totals->devices, 3);
  EXPECT_EQ(totals->in_circulation, 1);
  EXPECT_EQ(totals->idle, 1);
  EXPECT_EQ(totals->out_of_service, 1);
  EXPECT_EQ(totals->drifts, 3);
  EXPECT_EQ(totals->ended_drifts, 2);
  EXPECT_DOUBLE_EQ(totals->mean_days_per_drift, 4.5);
  EXPECT_EQ(totals->overdue_checkins, 1);  // the open lending, never called

  Result<DevicePage> page = devices_->List(doctor_, {.status = "lent"});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->total, 1);
  EXPECT_EQ(page->devices.at(0).id, lent.id);
  EXPECT_EQ(devices_->List(doctor_, {.query = "dawn"})->total, 1);
  EXPECT_EQ(devices_->List(doctor_, {.kind = "oximeter"})->devices.at(0).id, idle.id);
  ExpectError(devices_->List(doctor_, {.status = "resting"}).status(), ErrorCode::kInvalidArgument,
              "error.unknown_choice", "status");
}

INSTANTIATE_TEST_SUITE_P(Backends, DevicesTest, ::testing::ValuesIn(TestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace lifeline::testing
