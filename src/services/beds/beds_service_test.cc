#include "services/beds/beds_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "services/city/city_service.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Backend;

constexpr char kKey[] = "beds-test-key-0123456789abcdef0123456789";
// 10:00 on Monday 3 February 2020 in Wuhan.
constexpr UnixMillis kMondayMorning = 1580695200000;
constexpr UnixMillis kStaleAfter = 6 * kMillisPerHour;
// The patient: near Wuchang's centre.
constexpr LatLon kPatient = {30.5500, 114.3000};

BedBoardFilter ByClass(const std::string& bed_class) {
  BedBoardFilter filter;
  filter.bed_class = bed_class;
  return filter;
}

BedBoardFilter ByDistrict(const std::string& district_code) {
  BedBoardFilter filter;
  filter.district_code = district_code;
  return filter;
}

Actor Nurse() { return Actor{4242, "nurse", Role::kNurse, "req-beds"}; }

class BedsServiceTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    city_ = std::make_unique<CityService>(db(), kKey);
    ASSERT_TRUE(city_->SeedScenario({.seed = 5, .residents = 0, .volunteers = 0}).ok());
    BedsOptions options;
    options.stale_after = kStaleAfter;
    options.clock = [this] { return now_; };
    beds_ = std::make_unique<BedsService>(db(), options);
  }

  // A hospital of `kind` `km_north` kilometres north of the patient (0.009° of latitude ≈ 1 km).
  std::int64_t Hospital(const std::string& name, const std::string& kind, double km_north) {
    Result<HospitalRecord> added =
        city_->AddHospital(Actor{1, "admin", Role::kAdmin, "req-admin"},
                           {.name_zh = name,
                            .name_en = name,
                            .district_code = "420106",
                            .kind = kind,
                            .beds = 500,
                            .location = {kPatient.lat + km_north * 0.009, kPatient.lon},
                            .opened_on = "",
                            .source = "test"});
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : 0;
  }

  Status Record(std::int64_t hospital, const std::string& bed_class, std::int64_t capacity,
                std::int64_t free, UnixMillis verified_ago, const std::string& method = "visit") {
    return beds_
        ->RecordUpdate(Nurse(), {.hospital_id = hospital,
                                 .bed_class = bed_class,
                                 .capacity = capacity,
                                 .free = free,
                                 .method = method,
                                 .verified_at = now_ - verified_ago,
                                 .note = ""})
        .status();
  }

  void MustRecord(std::int64_t hospital, const std::string& bed_class, std::int64_t capacity,
                  std::int64_t free, UnixMillis verified_ago) {
    const Status status = Record(hospital, bed_class, capacity, free, verified_ago);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::vector<std::int64_t> RecommendedIds(const std::string& severity, bool include_stale) {
    Result<BedRecommendations> answer = beds_->Recommend(
        {.severity = severity, .location = kPatient, .include_stale = include_stale});
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    std::vector<std::int64_t> ids;
    if (!answer.ok()) return ids;
    for (const BedRecommendation& recommendation : answer->hospitals) {
      ids.push_back(recommendation.hospital.id);
    }
    return ids;
  }

  const HospitalBeds* Row(const BedBoard& board, std::int64_t hospital) {
    for (const HospitalBeds& row : board.hospitals) {
      if (row.hospital.id == hospital) return &row;
    }
    return nullptr;
  }

  UnixMillis now_ = kMondayMorning;
  std::unique_ptr<CityService> city_;
  std::unique_ptr<BedsService> beds_;
};

void ExpectInvalid(const Status& status, const std::string& message_id, const std::string& field) {
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument) << status.ToString();
  EXPECT_EQ(status.message_id(), message_id) << status.ToString();
  EXPECT_EQ(status.field(), field) << status.ToString();
}

TEST_P(BedsServiceTest, UpdatesAreCheckedFieldByField) {
  const std::int64_t hospital = Hospital("Test A", "designated", 1);
  ExpectInvalid(Record(hospital, "", 10, 1, 0), "error.field_required", "bed_class");
  ExpectInvalid(Record(hospital, "corridor", 10, 1, 0), "error.unknown_choice", "bed_class");
  ExpectInvalid(Record(hospital, "icu", -1, 0, 0), "error.field_invalid", "capacity");
  ExpectInvalid(Record(hospital, "icu", kMaxBedsPerClass + 1, 0, 0), "error.field_invalid",
                "capacity");
  ExpectInvalid(Record(hospital, "icu", 10, -1, 0), "error.field_invalid", "free");
  ExpectInvalid(Record(hospital, "icu", 10, 11, 0), "error.beds.free_above_capacity", "free");
  ExpectInvalid(Record(hospital, "icu", 10, 1, 0, ""), "error.field_required", "method");
  ExpectInvalid(Record(hospital, "icu", 10, 1, 0, "rumour"), "error.unknown_choice", "method");
  ExpectInvalid(Record(hospital, "icu", 10, 1, -kMillisPerHour), "error.beds.verified_in_future",
                "verified_at");
  ExpectInvalid(Record(hospital, "icu", 10, 1, 8 * kMillisPerDay), "error.beds.verified_too_old",
                "verified_at");
  // A few minutes of clock skew and a week back are accepted; so are full and empty classes.
  EXPECT_TRUE(Record(hospital, "icu", 10, 1, -2 * kMillisPerMinute).ok());
  EXPECT_TRUE(Record(hospital, "severe", 10, 10, 7 * kMillisPerDay - kMillisPerMinute).ok());
  EXPECT_TRUE(Record(hospital, "general", 0, 0, 0, "official_notice").ok());

  const Status unknown = Record(hospital + 1000, "icu", 10, 1, 0);
  EXPECT_EQ(unknown.code(), ErrorCode::kNotFound) << unknown.ToString();
  EXPECT_EQ(beds_->History(hospital + 1000).status().code(), ErrorCode::kNotFound);

  Result<std::vector<BedUpdateRecord>> history = beds_->History(hospital);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_EQ(history->size(), 3u) << "refused updates leave no trace";
}

TEST_P(BedsServiceTest, TheBoardShowsTheLatestVerificationAndTheHistoryKeepsEveryOne) {
  const std::int64_t hospital = Hospital("Test A", "designated", 1);
  const std::int64_t silent = Hospital("Test Silent", "general", 2);
  MustRecord(hospital, "icu", 20, 5, 3 * kMillisPerHour);
  MustRecord(hospital, "icu", 20, 2, 1 * kMillisPerHour);
  // A late report of an older check: kept in the history, but not the current figure.
  MustRecord(hospital, "icu", 20, 9, 2 * kMillisPerHour);
  MustRecord(hospital, "general", 300, 12, 30 * kMillisPerMinute);

  Result<BedBoard> board = beds_->Board();
  ASSERT_TRUE(board.ok()) << board.status().ToString();
  EXPECT_EQ(board->now, now_);
  EXPECT_EQ(board->stale_after, kStaleAfter);
  const HospitalBeds* row = Row(*board, hospital);
  ASSERT_NE(row, nullptr);
  ASSERT_EQ(row->classes.size(), 2u);
  EXPECT_EQ(row->classes[0].update.bed_class, BedClass::kGeneral);
  EXPECT_EQ(row->classes[0].update.free, 12);
  EXPECT_EQ(row->classes[1].update.bed_class, BedClass::kIcu);
  EXPECT_EQ(row->classes[1].update.free, 2);
  EXPECT_EQ(row->classes[1].age, kMillisPerHour);
  EXPECT_EQ(row->classes[1].update.verified_by, Nurse().user_id);
  EXPECT_EQ(row->classes[1].update.method, VerificationMethod::kVisit);
  EXPECT_EQ(row->classes[1].update.recorded_at, now_);
  EXPECT_EQ(row->capacity, 320);
  EXPECT_EQ(row->free, 14);
  EXPECT_EQ(row->last_verified_at, now_ - 30 * kMillisPerMinute);
  EXPECT_EQ(row->freshness, Freshness::kFresh);
  const HospitalBeds* silent_row = Row(*board, silent);
  ASSERT_NE(silent_row, nullptr) << "hospitals that reported nothing are on the board too";
  EXPECT_TRUE(silent_row->classes.empty());
  EXPECT_FALSE(silent_row->freshness.has_value());

  // A correction of the same check replaces it.
  MustRecord(hospital, "icu", 20, 3, 1 * kMillisPerHour);
  board = beds_->Board(ByClass("icu"));
  ASSERT_TRUE(board.ok()) << board.status().ToString();
  ASSERT_EQ(board->hospitals.size(), 1u) << "the class filter keeps hospitals reporting it";
  ASSERT_EQ(board->hospitals[0].classes.size(), 1u);
  EXPECT_EQ(board->hospitals[0].classes[0].update.free, 3);

  Result<std::vector<BedUpdateRecord>> history = beds_->History(hospital);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 5u);
  EXPECT_EQ(history->front().bed_class, BedClass::kGeneral);
  EXPECT_EQ(history->back().free, 5) << "oldest verification last";

  board = beds_->Board(ByDistrict("420114"));
  ASSERT_TRUE(board.ok()) << board.status().ToString();
  EXPECT_EQ(Row(*board, hospital), nullptr);
  ExpectInvalid(beds_->Board(ByDistrict("999999")).status(), "error.unknown_district",
                "district_code");
  ExpectInvalid(beds_->Board(ByClass("sofa")).status(), "error.unknown_choice", "bed_class");
}

TEST_P(BedsServiceTest, StalenessStartsJustPastTheConfiguredAge) {
  const std::int64_t hospital = Hospital("Test A", "designated", 1);
  MustRecord(hospital, "icu", 10, 4, 0);
  auto freshness = [&]() -> std::optional<Freshness> {
    Result<BedBoard> board = beds_->Board();
    EXPECT_TRUE(board.ok()) << board.status().ToString();
    return board.ok() ? Row(*board, hospital)->classes.at(0).freshness : std::optional<Freshness>();
  };
  EXPECT_EQ(freshness(), Freshness::kFresh);
  now_ += kStaleAfter / 2;
  EXPECT_EQ(freshness(), Freshness::kFresh);
  now_ += 1;
  EXPECT_EQ(freshness(), Freshness::kAgeing);
  now_ += kStaleAfter / 2 - 1;
  EXPECT_EQ(freshness(), Freshness::kAgeing) << "exactly the stale age is not yet stale";
  EXPECT_EQ(RecommendedIds("critical", false), std::vector<std::int64_t>{hospital});
  now_ += 1;
  EXPECT_EQ(freshness(), Freshness::kStale);
  EXPECT_TRUE(RecommendedIds("critical", false).empty());
  EXPECT_EQ(RecommendedIds("critical", true), std::vector<std::int64_t>{hospital});

  // The age is an option of the service.
  BedsOptions longer;
  longer.stale_after = 12 * kMillisPerHour;
  longer.clock = [this] { return now_; };
  BedsService patient(db(), longer);
  Result<BedBoard> board = patient.Board();
  ASSERT_TRUE(board.ok()) << board.status().ToString();
  EXPECT_EQ(Row(*board, hospital)->classes.at(0).freshness, Freshness::kAgeing);
}

TEST_P(BedsServiceTest, RecommendationsFollowTheClassRuleThenFreshnessThenDistance) {
  const std::int64_t near_icu = Hospital("Near ICU", "designated", 1);
  const std::int64_t far_ventilator = Hospital("Far ventilator", "designated", 20);
  const std::int64_t mid_ventilator = Hospital("Mid ventilator", "general", 10);
  const std::int64_t full_ventilator = Hospital("Full ventilator", "designated", 0.5);
  const std::int64_t stale_ventilator = Hospital("Stale ventilator", "designated", 0.2);
  const std::int64_t ageing_ventilator = Hospital("Ageing ventilator", "designated", 2);
  const std::int64_t shelter = Hospital("Shelter", "shelter", 15);
  MustRecord(near_icu, "icu", 10, 3, 0);
  MustRecord(near_icu, "icu_ventilator", 4, 0, 0);
  MustRecord(far_ventilator, "icu_ventilator", 8, 1, kMillisPerHour);
  MustRecord(mid_ventilator, "icu_ventilator", 8, 2, 2 * kMillisPerHour);
  MustRecord(full_ventilator, "icu_ventilator", 8, 0, 0);
  MustRecord(stale_ventilator, "icu_ventilator", 8, 5, 7 * kMillisPerHour);
  MustRecord(ageing_ventilator, "icu_ventilator", 8, 5, 4 * kMillisPerHour);
  MustRecord(shelter, "general", 1000, 40, 0);
  MustRecord(near_icu, "general", 100, 1, 5 * kMillisPerHour);
  MustRecord(mid_ventilator, "general", 100, 6, 0);
  MustRecord(mid_ventilator, "severe", 30, 0, 0);
  MustRecord(far_ventilator, "severe", 30, 2, 0);

  // Critical: ventilated ICU beds first (fresh band by distance, then ageing), plain ICU after;
  // full and stale hospitals left out.
  EXPECT_EQ(
      RecommendedIds("critical", false),
      (std::vector<std::int64_t>{mid_ventilator, far_ventilator, ageing_ventilator, near_icu}));
  // Stale ones come after every fresh one when asked for.
  EXPECT_EQ(RecommendedIds("critical", true),
            (std::vector<std::int64_t>{mid_ventilator, far_ventilator, ageing_ventilator, near_icu,
                                       stale_ventilator}));
  // Severe: severe wards, then ICU beds; a full severe ward does not count.
  EXPECT_EQ(RecommendedIds("severe", false), (std::vector<std::int64_t>{far_ventilator, near_icu}));
  // Moderate: general beds of hospitals, never the shelter; fresh before ageing.
  EXPECT_EQ(RecommendedIds("moderate", false),
            (std::vector<std::int64_t>{mid_ventilator, near_icu}));
  // Mild: the shelter first although it is the farthest.
  EXPECT_EQ(RecommendedIds("mild", false),
            (std::vector<std::int64_t>{shelter, mid_ventilator, near_icu}));

  Result<BedRecommendations> critical =
      beds_->Recommend({.severity = "critical", .location = kPatient});
  ASSERT_TRUE(critical.ok()) << critical.status().ToString();
  EXPECT_EQ(critical->classes, (std::vector<BedClass>{BedClass::kIcuVentilator, BedClass::kIcu}));
  const BedRecommendation& first = critical->hospitals.front();
  EXPECT_EQ(first.state.update.bed_class, BedClass::kIcuVentilator);
  EXPECT_EQ(first.state.update.free, 2);
  EXPECT_NEAR(first.distance_meters, 10'000, 100);
  std::vector<std::string> codes;
  for (const RecommendationReason& reason : first.reasons) codes.push_back(reason.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"bed_class", "free", "age", "distance"}));
  EXPECT_EQ(first.reasons[2].args.at(0), (std::pair<std::string, std::string>{"hours", "2"}));
  EXPECT_EQ(first.reasons[3].args.at(0), (std::pair<std::string, std::string>{"km", "10.0"}));
  const BedRecommendation& fallback = critical->hospitals.back();
  EXPECT_EQ(fallback.state.update.bed_class, BedClass::kIcu);
  EXPECT_EQ(fallback.reasons.front().code, "fallback_class");
}

TEST_P(BedsServiceTest, RecommendationInputIsChecked) {
  ExpectInvalid(beds_->Recommend({.severity = "", .location = kPatient}).status(),
                "error.field_required", "severity");
  ExpectInvalid(beds_->Recommend({.severity = "grave", .location = kPatient}).status(),
                "error.unknown_choice", "severity");
  ExpectInvalid(beds_->Recommend({.severity = "mild", .location = {91, 114}}).status(),
                "error.bad_coordinates", "lat");
  ExpectInvalid(beds_->Recommend({.severity = "mild", .location = {30, 181}}).status(),
                "error.bad_coordinates", "lon");
  Result<BedRecommendations> none = beds_->Recommend({.severity = "mild", .location = kPatient});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->hospitals.empty());
}

TEST(SeverityBedRules, EverySeverityHasARuleWithClassesAndKinds) {
  for (const triage::Severity severity : {triage::Severity::kMild, triage::Severity::kModerate,
                                          triage::Severity::kSevere, triage::Severity::kCritical}) {
    const SeverityBedRule& rule = BedRuleFor(severity);
    EXPECT_EQ(rule.severity, severity);
    EXPECT_FALSE(rule.classes.empty());
    EXPECT_FALSE(rule.kinds.empty());
  }
  EXPECT_EQ(BedRuleFor(triage::Severity::kCritical).classes.front(), BedClass::kIcuVentilator);
}

TEST(BedNames, RoundTrip) {
  for (const BedClass bed_class : kAllBedClasses) {
    EXPECT_EQ(ParseBedClass(BedClassName(bed_class)), bed_class);
  }
  for (const VerificationMethod method : kAllVerificationMethods) {
    EXPECT_EQ(ParseVerificationMethod(VerificationMethodName(method)), method);
  }
  EXPECT_FALSE(ParseBedClass("ICU").has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, BedsServiceTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
