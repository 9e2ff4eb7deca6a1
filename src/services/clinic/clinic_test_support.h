#pragma once

// The fixture the clinic's service tests share: a seeded city on a scratch database of each
// backend, the clinic on a clock the test moves, and helpers for requests and volunteers.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "services/accounts/accounts.h"
#include "services/city/city_service.h"
#include "services/clinic/clinic_service.h"
#include "store/testing/test_database.h"

namespace lifeline::testing {

constexpr char kClinicTestKey[] = "clinic-test-key-0123456789abcdef0123456789";
constexpr char kTestDistrict[] = "420106";  // Wuchang
constexpr char kTestPhone[] = "138 0013 8000";
constexpr char kVolunteerPassword[] = "volunteer-pass";
// 10:00 on Monday 3 February 2020 in Wuhan.
constexpr UnixMillis kMondayMorning = 1580695200000;

inline Actor PublicActor() { return Actor{0, "public", Role::kAngel, "req-public"}; }
inline Actor CoordinatorActor() { return Actor{9001, "coord", Role::kCoordinator, "req-coord"}; }
inline Actor DoctorActor() { return Actor{9002, "doc", Role::kDoctor, "req-doc"}; }

// Normal adult vital signs: NHC and WHO mild, NEWS2 0, outpatient.
inline ObservationInput NormalVitals() {
  ObservationInput vitals;
  vitals.spo2 = 98;
  vitals.on_oxygen = false;
  vitals.resp_rate = 16;
  vitals.heart_rate = 80;
  vitals.temperature_c = 37.0;
  vitals.systolic_bp = 120;
  vitals.consciousness = "A";
  vitals.pneumonia_on_imaging = false;
  return vitals;
}

// An adult needing the ICU group: RR 32 and SpO2 88 % on air.
inline ObservationInput SevereVitals() {
  ObservationInput vitals = NormalVitals();
  vitals.spo2 = 88;
  vitals.resp_rate = 32;
  vitals.heart_rate = 118;
  return vitals;
}

inline NewHelpRequest ValidRequest() {
  NewHelpRequest request;
  request.age_years = 40;
  request.sex = "female";
  request.district_code = kTestDistrict;
  request.street = "中南路 1 号";
  request.phone = kTestPhone;
  request.onset_date = "2020-01-30";
  request.needs = {"advice"};
  request.consent = true;
  request.observation = NormalVitals();
  return request;
}

class ClinicTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    accounts_ = std::make_unique<AccountService>(
        db(), AccountOptions{.password_cost = PasswordCost::kMinimumForTests});
    CityService city(db(), kClinicTestKey);
    ASSERT_TRUE(city.SeedScenario({.seed = 7, .residents = 20, .volunteers = 0}).ok());
    ClinicOptions options;
    options.clock = [this] { return now_; };
    clinic_ = std::make_unique<ClinicService>(db(), *accounts_, kClinicTestKey, options);
  }

  void Advance(UnixMillis millis) { now_ += millis; }

  IntakeResult Submit(const NewHelpRequest& request = ValidRequest()) {
    Result<IntakeResult> result = clinic_->SubmitPublicRequest(PublicActor(), request);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? result.value() : IntakeResult{};
  }

  CaseDetail Case(std::int64_t case_id, const Actor& actor = CoordinatorActor()) {
    Result<CaseDetail> detail = clinic_->GetCase(actor, case_id);
    EXPECT_TRUE(detail.ok()) << detail.status().ToString();
    return detail.ok() ? detail.value() : CaseDetail{};
  }

  // An approved volunteer on shift for the next days; returns their user id.
  std::int64_t Volunteer(const std::string& username, const std::string& role, int readiness,
                         std::int64_t capacity = 5) {
    VolunteerApplication application{.display_name = "Volunteer " + username,
                                     .role = role,
                                     .phone = "139 0000 " + std::to_string(1000 + ++volunteers_),
                                     .licence_number = "110" + std::to_string(volunteers_),
                                     .hospital = "Union Hospital",
                                     .department = "respiratory",
                                     .years_practice = 5,
                                     .username = username,
                                     .password = kVolunteerPassword};
    Result<ApplicationRecord> applied = clinic_->SubmitApplication(PublicActor(), application);
    EXPECT_TRUE(applied.ok()) << applied.status().ToString();
    if (!applied.ok()) return 0;
    Result<VolunteerRecord> approved = clinic_->ApproveApplication(
        CoordinatorActor(), applied->id, {.readiness = readiness, .capacity = capacity});
    EXPECT_TRUE(approved.ok()) << approved.status().ToString();
    if (!approved.ok()) return 0;
    Result<Shift> shift = clinic_->AddShift(
        CoordinatorActor(), approved->user_id,
        {.kind = "once", .starts_at = now_ - kMillisPerHour, .ends_at = now_ + 6 * kMillisPerDay});
    EXPECT_TRUE(shift.ok()) << shift.status().ToString();
    return approved->user_id;
  }

  static Actor VolunteerActor(std::int64_t user_id, Role role) {
    return Actor{user_id, "volunteer" + std::to_string(user_id), role, "req-volunteer"};
  }

  // Audit rows for `entity`/`entity_id` with `action`, as written so far.
  std::int64_t AuditRows(const std::string& action, const std::string& entity,
                         const std::string& entity_id) {
    Result<QueryResult> rows = db().Query(
        "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND entity = $2 AND entity_id = $3",
        {action, entity, entity_id});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? rows->rows.at(0).Int(0) : -1;
  }

  UnixMillis now_ = kMondayMorning;
  int volunteers_ = 0;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<ClinicService> clinic_;
};

inline void ExpectFieldError(const Status& status, ErrorCode code, const std::string& field) {
  EXPECT_EQ(status.code(), code) << status.ToString();
  EXPECT_EQ(status.field(), field) << status.ToString();
}

}  // namespace lifeline::testing
