// The demo's exchange seeded over a seeded city and clinic day, on both store backends.

#include "services/exchange/exchange_seed.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "services/accounts/accounts.h"
#include "services/city/city_service.h"
#include "services/clinic/clinic_seed.h"
#include "store/testing/test_database.h"

namespace lifeline::testing {
namespace {

constexpr char kKey[] = "exchange-seed-test-key-0123456789abcdef0123456";
constexpr std::uint64_t kSeed = 11;
constexpr int kResidents = 600;
constexpr int kCityVolunteers = 80;
constexpr int kRequests = 60;
constexpr int kRoster = 10;
// 17:30 on Monday 2 March 2026 in Wuhan.
constexpr UnixMillis kNow = 1772443800000;
constexpr char kToday[] = "2026-03-02";

// What a seeded exchange holds, without the sealed phones (their nonces are random).
std::string Fingerprint(Database& database) {
  return Rows(database,
              "SELECT id, offerer_kind, offerer_name, phone_last4, lat, lon, district_code, "
              "address, match_key, expiry_date, quantity, mode, item_condition FROM "
              "exchange_offers ORDER BY id") +
         Rows(database,
              "SELECT id, source, case_id, hospital_id, urgency, priority, lat, lon, match_key, "
              "quantity, needed_by FROM exchange_needs ORDER BY id") +
         Rows(database,
              "SELECT proposal_id, need_id, offer_id, quantity, priority, status FROM "
              "exchange_matches ORDER BY id");
}

ExchangeSeedOptions Options() {
  ExchangeSeedOptions options;
  options.seed = kSeed;
  options.residents = kResidents;
  options.volunteers = kCityVolunteers;
  options.household_offers = 300;
  options.organisation_offers = 50;
  options.hospital_needs = 200;
  options.now = kNow;
  return options;
}

// A city and, unless `with_clinic` is false, a short clinic day whose cases have needs.
void SeedCityAndClinic(Database& database, bool with_clinic = true) {
  CityService city(database, kKey);
  ASSERT_TRUE(
      city.SeedScenario({.seed = kSeed, .residents = kResidents, .volunteers = kCityVolunteers})
          .ok());
  if (!with_clinic) return;
  AccountService accounts(database,
                          AccountOptions{.password_cost = PasswordCost::kMinimumForTests});
  ClinicSeedOptions clinic;
  clinic.seed = kSeed;
  clinic.residents = kResidents;
  clinic.volunteers = kCityVolunteers;
  clinic.requests = kRequests;
  clinic.roster = kRoster;
  clinic.ends_at = kNow;
  const Result<ClinicSeedReport> seeded = SeedClinicDay(database, accounts, kKey, clinic);
  ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
}

class ExchangeSeedTest : public BackendTest {};

TEST_P(ExchangeSeedTest, WritesScarceOffersNeedsAndAProposalOnce) {
  SeedCityAndClinic(db());
  if (HasFatalFailure()) return;
  const Result<ExchangeSeedReport> seeded = SeedExchange(db(), kKey, Options());
  ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
  const ExchangeSeedReport& report = *seeded;
  EXPECT_FALSE(report.skipped);
  EXPECT_EQ(report.household_offers, Options().household_offers);
  EXPECT_EQ(report.organisation_offers, Options().organisation_offers);
  EXPECT_EQ(report.hospital_needs, Options().hospital_needs);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM exchange_offers WHERE offerer_kind = 'person'"),
            report.household_offers);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM exchange_needs WHERE source = 'hospital'"),
            report.hospital_needs);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM exchange_needs WHERE source = 'case'"),
            report.case_needs);
  EXPECT_EQ(Count(db(), "SELECT SUM(quantity) FROM exchange_offers"), report.offered_quantity);
  EXPECT_EQ(Count(db(), "SELECT SUM(quantity) FROM exchange_needs"), report.needed_quantity);

  // Every grave or bed-waiting open case has a need, and no other case has one.
  const std::int64_t grave_cases = Count(
      db(),
      "SELECT COUNT(*) FROM clinic_cases WHERE status = 'open' AND (nhc_severity IN "
      "('severe', 'critical') OR who_severity IN ('severe', 'critical') OR (needs & 4) <> 0)");
  EXPECT_GT(grave_cases, 0);
  EXPECT_EQ(Count(db(), "SELECT COUNT(DISTINCT case_id) FROM exchange_needs"), grave_cases);
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM exchange_needs n JOIN clinic_cases c ON c.id = n.case_id "
                  "WHERE c.status <> 'open' OR NOT (c.nhc_severity IN ('severe', 'critical') OR "
                  "c.who_severity IN ('severe', 'critical') OR (c.needs & 4) <> 0)"),
            0);

  // Every kind is scarcer than it is needed, as in the surge; there are a few ventilators.
  for (const char* kind : {"concentrator", "oximeter", "ventilator", "medicine", "other"}) {
    SCOPED_TRACE(kind);
    const std::string where = std::string(" WHERE kind = '") + kind + "'";
    const std::int64_t offered =
        Count(db(), "SELECT COALESCE(SUM(quantity), 0) FROM exchange_offers" + where);
    EXPECT_GT(offered, 0);
    EXPECT_LT(offered, Count(db(), "SELECT SUM(quantity) FROM exchange_needs" + where));
  }
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM exchange_offers WHERE kind = 'ventilator' AND "
                  "offerer_kind = 'person'"),
            0);
  // Organisations are marked as fictional; medicines are offered before their expiry.
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM exchange_offers WHERE offerer_kind = 'organisation' AND "
                  "offerer_name NOT LIKE '示例%'"),
            0);
  EXPECT_GT(Count(db(), "SELECT COUNT(*) FROM exchange_offers WHERE kind = 'medicine'"), 0);
  EXPECT_EQ(
      Count(db(), std::string("SELECT COUNT(*) FROM exchange_offers WHERE kind = 'medicine' AND "
                              "(expiry_date <= '") +
                      kToday + "' OR strength = '')"),
      0);
  // Each record has its create event, like one written alone.
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM exchange_events WHERE action = 'create'"),
            report.household_offers + report.organisation_offers + report.case_needs +
                report.hospital_needs);

  // One proposal with matches to confirm, leaving demand unmet.
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM exchange_proposals"), 1);
  EXPECT_GT(report.proposal_id, 0);
  EXPECT_GT(report.proposed_matches, 0);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM exchange_matches WHERE status = 'proposed'"),
            report.proposed_matches);
  EXPECT_GT(report.unmet_quantity, 0);
  EXPECT_GT(Count(db(),
                  "SELECT COUNT(*) FROM exchange_matches m JOIN exchange_needs n ON n.id = "
                  "m.need_id WHERE n.source = 'case'"),
            0);

  // A second seeding finds the records and writes nothing.
  const std::string before = Fingerprint(db());
  const Result<ExchangeSeedReport> again = SeedExchange(db(), kKey, Options());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->skipped);
  EXPECT_EQ(Fingerprint(db()), before);
}

TEST_P(ExchangeSeedTest, TheSameOptionsWriteTheSameExchange) {
  SeedCityAndClinic(db());
  if (HasFatalFailure()) return;
  ASSERT_TRUE(SeedExchange(db(), kKey, Options()).ok());
  Result<std::unique_ptr<ScratchDatabase>> other = ScratchDatabase::Create(GetParam());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  SeedCityAndClinic((*other)->db());
  if (HasFatalFailure()) return;
  ASSERT_TRUE(SeedExchange((*other)->db(), kKey, Options()).ok());
  const std::string fingerprint = Fingerprint(db());
  EXPECT_GT(fingerprint.size(), 1000u);
  EXPECT_EQ(fingerprint, Fingerprint((*other)->db()));
  // Another seed gives other offers (they do not depend on the clinic, so it is left out).
  Result<std::unique_ptr<ScratchDatabase>> third = ScratchDatabase::Create(GetParam());
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  SeedCityAndClinic((*third)->db(), /*with_clinic=*/false);
  if (HasFatalFailure()) return;
  ExchangeSeedOptions reseeded = Options();
  reseeded.seed = kSeed + 1;
  ASSERT_TRUE(SeedExchange((*third)->db(), kKey, reseeded).ok());
  const std::string offers =
      "SELECT id, offerer_name, lat, lon, match_key, quantity FROM "
      "exchange_offers ORDER BY id";
  EXPECT_NE(Rows(db(), offers), Rows((*third)->db(), offers));
}

TEST_P(ExchangeSeedTest, WithoutTheClinicOnlyHospitalsNeed) {
  SeedCityAndClinic(db(), /*with_clinic=*/false);
  if (HasFatalFailure()) return;
  const Result<ExchangeSeedReport> seeded = SeedExchange(db(), kKey, Options());
  ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
  EXPECT_EQ(seeded->case_needs, 0);
  EXPECT_EQ(seeded->hospital_needs, Options().hospital_needs);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM exchange_needs WHERE source = 'case'"), 0);
  EXPECT_GT(seeded->proposed_matches, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ExchangeSeedTest, ::testing::ValuesIn(TestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace lifeline::testing
