#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.h"
#include "core/geo.h"
#include "core/status.h"
#include "core/time.h"
#include "engines/scenario/scenario.h"
#include "engines/triage/triage.h"
#include "store/database.h"

namespace lifeline {

// The classes of bed a hospital reports, from least to most intensive care.
enum class BedClass : std::uint8_t { kGeneral, kSevere, kIcu, kIcuVentilator };
// How a figure was checked.
enum class VerificationMethod : std::uint8_t { kPhoneCall, kOfficialNotice, kVisit };
// How old a figure is against the stale age: fresh up to half of it, then ageing, then stale.
enum class Freshness : std::uint8_t { kFresh, kAgeing, kStale };

constexpr BedClass kAllBedClasses[] = {BedClass::kGeneral, BedClass::kSevere, BedClass::kIcu,
                                       BedClass::kIcuVentilator};
constexpr VerificationMethod kAllVerificationMethods[] = {VerificationMethod::kPhoneCall,
                                                          VerificationMethod::kOfficialNotice,
                                                          VerificationMethod::kVisit};

std::string_view BedClassName(BedClass bed_class);  // "general", "severe", "icu", "icu_ventilator"
std::optional<BedClass> ParseBedClass(std::string_view name);
std::string_view VerificationMethodName(VerificationMethod method);  // "phone_call", ...
std::optional<VerificationMethod> ParseVerificationMethod(std::string_view name);
std::string_view FreshnessName(Freshness freshness);  // "fresh", "ageing", "stale"

// More beds of one class than the largest field hospital of 2020 (about 2,000) by a wide margin
// is a typing mistake.
constexpr std::int64_t kMaxBedsPerClass = 10'000;
constexpr std::size_t kMaxBedNoteBytes = 1000;

// Which beds suit a patient of each severity (the clinic's words, engines/triage), in order of
// preference, and which kinds of hospital may offer them, also in order of preference.
//
// Why: critical patients need mechanical ventilation or may soon, so a ventilated ICU bed comes
// first and a plain ICU bed second; severe patients need close monitoring and oxygen, which
// severe wards give, an ICU bed being the fallback. Moderate patients belong in an ordinary ward
// of a designated or general hospital: the fangcang shelters took mild cases only and could not
// treat pneumonia needing oxygen. Mild patients were sent to the shelters so that hospital beds
// stayed free for the sicker, so shelters come first and hospital general beds after.
struct SeverityBedRule {
  struct KindRank {
    scenario::HospitalKind kind;
    int rank;  // 0 is best; kinds of equal rank are told apart by freshness and distance
  };
  triage::Severity severity;
  std::vector<BedClass> classes;  // first is best
  std::vector<KindRank> kinds;    // a kind not listed is not offered
};
const std::vector<SeverityBedRule>& SeverityBedRules();
const SeverityBedRule& BedRuleFor(triage::Severity severity);

struct BedsOptions {
  // Figures verified longer ago than this are stale: marked on the board, left out of
  // recommendations unless asked for.
  UnixMillis stale_after = 6 * kMillisPerHour;
  // A verification time further back is a typing mistake; the board is about now.
  UnixMillis max_verification_age = 7 * kMillisPerDay;
  // Clocks of phones and servers disagree a little; a verification this far ahead is accepted.
  UnixMillis clock_skew_tolerance = 5 * kMillisPerMinute;
  // The clock every rule reads (tests move it).
  std::function<UnixMillis()> clock = NowMillis;
};

// A hospital as the board shows it (the city service owns the record).
struct BedHospital {
  std::int64_t id = 0;
  std::string name_zh;
  std::string name_en;
  std::string district_code;
  scenario::HospitalKind kind = scenario::HospitalKind::kGeneral;
  std::int64_t beds = 0;  // the hospital's total, as the city stores it
  LatLon location;
};

// One verified figure as the caller submits it.
struct NewBedUpdate {
  std::int64_t hospital_id = 0;
  std::string bed_class;
  std::int64_t capacity = 0;
  std::int64_t free = 0;
  std::string method;
  UnixMillis verified_at = 0;
  std::string note;  // optional
};

struct BedUpdateRecord {
  std::int64_t id = 0;
  std::int64_t hospital_id = 0;
  BedClass bed_class = BedClass::kGeneral;
  std::int64_t capacity = 0;
  std::int64_t free = 0;
  std::int64_t verified_by = 0;  // user id; 0 for the demo scenario
  std::string verified_by_name;  // the account's display name; empty for 0
  VerificationMethod method = VerificationMethod::kPhoneCall;
  UnixMillis verified_at = 0;
  UnixMillis recorded_at = 0;
  std::string note;
};

// The current figure of one class with its age as of the board's `now`.
struct BedClassState {
  BedUpdateRecord update;
  UnixMillis age = 0;  // now - verified_at, never below 0
  Freshness freshness = Freshness::kFresh;
};

struct HospitalBeds {
  BedHospital hospital;
  std::vector<BedClassState> classes;  // in the order of kAllBedClasses; only reported ones
  std::int64_t capacity = 0;           // sums over `classes`
  std::int64_t free = 0;
  UnixMillis last_verified_at = 0;  // latest of `classes`; 0 when nothing was reported
  // The least fresh of its classes: one stale figure makes the row doubtful. Empty when the
  // hospital has reported nothing.
  std::optional<Freshness> freshness;
};

struct BedBoardFilter {
  std::optional<std::string> district_code;
  std::optional<std::string> bed_class;  // hospitals reporting this class, with only it shown
};

struct BedBoard {
  UnixMillis now = 0;
  UnixMillis stale_after = 0;
  std::vector<HospitalBeds> hospitals;  // by hospital id
};

struct BedQuery {
  std::string severity;  // "mild", "moderate", "severe", "critical"
  LatLon location;
  bool include_stale = false;
};

// Why a hospital is recommended: a catalogue id "beds.reason.<code>" and its arguments.
struct RecommendationReason {
  std::string code;  // "bed_class", "fallback_class", "shelter_first", "free", "age" (or
                     // "age_minutes" under an hour), "stale", "distance"
  MessageArgs args;
};

struct BedRecommendation {
  BedHospital hospital;
  BedClassState state;  // the class offered and its current figure
  int class_rank = 0;   // position of the class in the severity's rule (0 = first choice)
  int kind_rank = 0;    // position of the hospital's kind in the rule
  double distance_meters = 0;
  std::vector<RecommendationReason> reasons;
};

struct BedRecommendations {
  UnixMillis now = 0;
  triage::Severity severity = triage::Severity::kMild;
  std::vector<BedClass> classes;  // the rule's classes, best first
  std::vector<BedRecommendation> hospitals;
};

// The bed board: for every hospital of the city, per bed class, the latest verified capacity and
// free beds, with the whole history of verifications kept. Owns the tables of migration 0006.
//
// An update is never changed or removed; the current figure of a hospital and class is the one
// verified last (a late report of an older check is kept in the history only). Figures older
// than BedsOptions::stale_after are stale: the board says so and recommendations leave them out
// unless the caller includes them, and then only after every fresh one.
//
// Recommendations for a patient: the bed classes and hospital kinds of the severity's rule
// (SeverityBedRules), only hospitals with a free bed of such a class, one entry per hospital
// (its best class), ordered by fresh before stale, then clinical fit (class, then kind), then
// freshness band (fresh before ageing), then great-circle distance, then hospital id.
//
// Roles are checked by the faces. Failures are values: InvalidArgument naming the field
// ("error.field_invalid", "error.beds.*"), NotFound "error.record_not_found" for an unknown
// hospital. Holds no state beyond its options; borrows `database`, which must outlive it.
// Thread-safe: every method runs in its own transaction.
class BedsService {
 public:
  explicit BedsService(Database& database, BedsOptions options = {});

  // Checks and records one verified figure by `actor`; returns it as stored.
  Result<BedUpdateRecord> RecordUpdate(const Actor& actor, const NewBedUpdate& update);
  // Every hospital (narrowed by `filter`) with its current figures as of now.
  Result<BedBoard> Board(const BedBoardFilter& filter = {});
  // Every update of one hospital, newest verification first. NotFound for an unknown hospital.
  Result<std::vector<BedUpdateRecord>> History(std::int64_t hospital_id);
  Result<BedRecommendations> Recommend(const BedQuery& query);
  // True when no figure has been recorded yet (the demo seeds only then).
  Result<bool> IsEmpty();

  const BedsOptions& options() const { return options_; }
  Freshness FreshnessOf(UnixMillis age) const;

 private:
  UnixMillis Now() const { return options_.clock(); }

  Database& database_;
  const BedsOptions options_;
};

}  // namespace lifeline
