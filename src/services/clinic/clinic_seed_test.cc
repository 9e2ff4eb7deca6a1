// The demo's surge day written through the clinic service, on both store backends.

#include "services/clinic/clinic_seed.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "services/accounts/accounts.h"
#include "services/city/city_service.h"
#include "services/clinic/clinic_service.h"
#include "store/testing/test_database.h"

namespace lifeline::testing {
namespace {

constexpr char kKey[] = "clinic-seed-test-key-0123456789abcdef01234567";
constexpr std::uint64_t kSeed = 11;
constexpr int kResidents = 600;
constexpr int kCityVolunteers = 80;
constexpr int kRequests = 150;
constexpr int kRoster = 20;
constexpr char kDemoPassword[] = "demo-password";
// 17:30 on Monday 2 March 2026 in Wuhan: the replayed day ends then.
constexpr UnixMillis kDayEnds = 1772443800000;

// What a seeded clinic holds, without the random tokens, hashes and application ids.
std::string Fingerprint(Database& database) {
  return Rows(database, "SELECT id, username, role FROM users ORDER BY id") +
         Rows(database,
              "SELECT id, status, intake_channel, entered_by, sex, district_code, street, "
              "onset_date, tier, priority, nhc_severity, exposure, created_at, waiting_since, "
              "outcome FROM clinic_cases ORDER BY id") +
         Rows(database, "SELECT case_id, at, author_id, text FROM clinic_notes ORDER BY id") +
         Rows(database,
              "SELECT case_id, volunteer_id, status, offered_at FROM clinic_assignments "
              "ORDER BY id") +
         Rows(database, "SELECT case_id, kind, due_at, assignee_id FROM clinic_tasks ORDER BY id") +
         Rows(database,
              "SELECT user_id, readiness, capacity FROM clinic_volunteers ORDER BY user_id");
}

class ClinicSeedTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    accounts_ = std::make_unique<AccountService>(
        db(), AccountOptions{.password_cost = PasswordCost::kMinimumForTests});
    SeedCity(db());
  }

  // Seeds the city the clinic's patients live in.
  static void SeedCity(Database& database) {
    CityService city(database, kKey);
    ASSERT_TRUE(
        city.SeedScenario({.seed = kSeed, .residents = kResidents, .volunteers = kCityVolunteers})
            .ok());
  }

  ClinicSeedOptions Options() const {
    ClinicSeedOptions options;
    options.seed = kSeed;
    options.residents = kResidents;
    options.volunteers = kCityVolunteers;
    options.requests = kRequests;
    options.roster = kRoster;
    options.ends_at = kDayEnds;
    options.demo_volunteers = {{"doctor", "Demo doctor", Role::kDoctor, kDemoPassword, ""},
                               {"angel", "Demo angel", Role::kAngel, kDemoPassword, ""}};
    return options;
  }

  std::unique_ptr<AccountService> accounts_;
};

TEST_P(ClinicSeedTest, WritesABusyDayOnceAndLeavesABoardWithOverdueCases) {
  std::vector<ClinicSeedProgress> progress;
  ClinicSeedOptions options = Options();
  options.progress = [&](const ClinicSeedProgress& step) { progress.push_back(step); };
  const Result<ClinicSeedReport> seeded = SeedClinicDay(db(), *accounts_, kKey, options);
  ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
  const ClinicSeedReport& report = *seeded;
  EXPECT_FALSE(report.skipped);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().stage, ClinicSeedStage::kRequests);
  EXPECT_EQ(progress.back().done, kRequests);

  // Every request reached the clinic; families who called twice joined their open case.
  EXPECT_EQ(report.requests, kRequests);
  EXPECT_EQ(report.cases + report.duplicates, kRequests);
  EXPECT_GT(report.duplicates, 0);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM clinic_cases"), report.cases);
  EXPECT_GT(Count(db(),
                  "SELECT COUNT(*) FROM clinic_cases WHERE intake_channel = 'hotline' "
                  "AND entered_by > 0"),
            0);

  // Several tiers hold open cases, and the surge left some past their limit, not all.
  int tiers_in_use = 0;
  std::int64_t open = 0;
  for (const auto& [tier, count] : report.open_by_tier) {
    tiers_in_use += count > 0 ? 1 : 0;
    open += count;
  }
  EXPECT_GE(tiers_in_use, 4);
  EXPECT_GT(report.open_by_tier.at("icu"), 0);
  EXPECT_GT(report.overdue, 0);
  EXPECT_LT(report.overdue, open);

  // Volunteers: approved with readiness and shifts, two applications left for review, the demo
  // accounts enrolled with their password; nobody holds a case above their readiness.
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM clinic_volunteers"), report.volunteers);
  EXPECT_EQ(report.volunteers, kRoster - 2 + 2);
  EXPECT_EQ(report.pending_applications, 2);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM clinic_applications WHERE status = 'pending'"), 2);
  EXPECT_EQ(report.demo_volunteers, (std::vector<std::string>{"doctor", "angel"}));
  EXPECT_TRUE(accounts_->Login("angel", kDemoPassword, "127.0.0.1").ok());
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM clinic_volunteers v WHERE NOT EXISTS (SELECT 1 "
                  "FROM clinic_shifts s WHERE s.user_id = v.user_id)"),
            0);
  for (const int level : {1, 2, 3}) {
    EXPECT_GT(Count(db(), "SELECT COUNT(*) FROM clinic_volunteers WHERE readiness = " +
                              std::to_string(level)),
              0)
        << "readiness " << level;
  }
  EXPECT_GT(report.offers, 0);
  EXPECT_GT(report.accepted, 0);
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM clinic_assignments a JOIN clinic_volunteers v ON "
                  "v.user_id = a.volunteer_id JOIN clinic_cases c ON c.id = a.case_id "
                  "WHERE a.status IN ('offered', 'active', 'ended') AND "
                  "v.readiness < c.exposure"),
            0);

  // Clinicians were at work: notes, new readings, outcomes, and one death with its debrief for
  // each volunteer who took the case.
  EXPECT_GT(report.notes, 0);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM clinic_notes"), report.notes + report.outcomes);
  EXPECT_GT(report.observations, 0);
  EXPECT_EQ(report.deaths, 1);
  EXPECT_GE(report.outcomes, 3);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM clinic_cases WHERE outcome = 'died'"), 1);
  const std::int64_t carers =
      Count(db(),
            "SELECT COUNT(DISTINCT a.volunteer_id) FROM clinic_assignments a JOIN "
            "clinic_cases c ON c.id = a.case_id WHERE c.outcome = 'died' AND "
            "a.accepted_at IS NOT NULL");
  EXPECT_GE(carers, 1);
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM clinic_tasks t JOIN clinic_cases c ON c.id = "
                  "t.case_id WHERE t.kind = 'debrief' AND c.outcome = 'died'"),
            carers);

  // A second seeding finds the cases and writes nothing.
  const std::int64_t users = Count(db(), "SELECT COUNT(*) FROM users");
  const Result<ClinicSeedReport> again = SeedClinicDay(db(), *accounts_, kKey, Options());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->skipped);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM clinic_cases"), report.cases);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM users"), users);
}

TEST_P(ClinicSeedTest, TheSameOptionsWriteTheSameDay) {
  ASSERT_TRUE(SeedClinicDay(db(), *accounts_, kKey, Options()).ok());
  Result<std::unique_ptr<ScratchDatabase>> other = ScratchDatabase::Create(GetParam());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  SeedCity((*other)->db());
  AccountService other_accounts((*other)->db(),
                                AccountOptions{.password_cost = PasswordCost::kMinimumForTests});
  ASSERT_TRUE(SeedClinicDay((*other)->db(), other_accounts, kKey, Options()).ok());
  EXPECT_EQ(Fingerprint(db()), Fingerprint((*other)->db()));
}

TEST_P(ClinicSeedTest, LeavesAClinicWithCasesAlone) {
  ClinicService clinic(db(), *accounts_, kKey);
  NewHelpRequest request;
  request.age_years = 40;
  request.sex = "female";
  request.district_code = "420106";
  request.street = "中南路 1 号";
  request.phone = "138 0013 8000";
  request.needs = {"advice"};
  request.consent = true;
  request.observation.temperature_c = 38.2;
  ASSERT_TRUE(clinic.SubmitPublicRequest(Actor{0, "public", Role::kAngel, "req"}, request).ok());

  const Result<ClinicSeedReport> seeded = SeedClinicDay(db(), *accounts_, kKey, Options());
  ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
  EXPECT_TRUE(seeded->skipped);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM clinic_cases"), 1);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM clinic_applications"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ClinicSeedTest, ::testing::ValuesIn(TestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace lifeline::testing
