#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace lifeline::triage {

// Clinical triage of one set of observations, after the China NHC COVID-19 protocol (9th
// edition), the WHO clinical management guidance, and NEWS2 (Royal College of Physicians 2017).
// Pure functions over plain structs: no I/O, no allocation, no global mutable state; every
// function is thread-safe. docs/triage.md states every rule and threshold with its source.

enum class Severity : std::uint8_t { kMild, kModerate, kSevere, kCritical };
enum class News2Band : std::uint8_t { kNone, kLow, kMedium, kHigh };
// Where a case is looked after in the online clinic, in order of escalation (life care last:
// it is a different kind of care, not a higher acuity).
enum class Tier : std::uint8_t { kTriageDesk, kOutpatient, kWard, kIcu, kLifeCare };
// AVPU with NEWS2's "new confusion" (C).
enum class Consciousness : std::uint8_t { kAlert, kNewConfusion, kVoice, kPain, kUnresponsive };

std::string_view SeverityName(Severity severity);  // "mild", "moderate", "severe", "critical"
std::string_view News2BandName(News2Band band);    // "none", "low", "medium", "high"
std::string_view TierName(Tier tier);  // "triage_desk", "outpatient", "ward", "icu", "life_care"
std::optional<Severity> ParseSeverity(std::string_view name);
std::optional<News2Band> ParseNews2Band(std::string_view name);
std::optional<Tier> ParseTier(std::string_view name);
// "A","C","V","P","U" (lower case accepted too).
std::optional<Consciousness> ParseConsciousness(std::string_view letter);

// Comorbidities and other risk factors that raise priority, as a bit set.
enum RiskFactor : std::uint32_t {
  kRiskAge65 = 1u << 0,  // derived from age by Triage; a caller's bit is ignored
  kRiskHeartDisease = 1u << 1,
  kRiskLungDisease = 1u << 2,
  kRiskKidneyDisease = 1u << 3,
  kRiskDiabetes = 1u << 4,
  kRiskHypertension = 1u << 5,
  kRiskCancer = 1u << 6,
  kRiskImmunosuppression = 1u << 7,
  kRiskPregnancy = 1u << 8,
  kRiskUnvaccinated = 1u << 9,
};
constexpr int kRiskFactorCount = 10;
// "heart_disease", "lung_disease", "kidney_disease", "diabetes", "hypertension", "cancer",
// "immunosuppression", "pregnancy", "unvaccinated" (plus the synonyms docs/triage.md lists);
// the whole name must match; ASCII letters ignore case, and ' ' or '-' count as '_'.
std::optional<RiskFactor> ParseRiskFactor(std::string_view name);

// Red-flag symptoms: each makes the case at least severe until the measurement that settles it
// is in (docs/triage.md, "Red flags").
enum RedFlag : std::uint32_t {
  kRedFlagCannotBreathe = 1u << 0,
  kRedFlagConfused = 1u << 1,
  kRedFlagBlueLips = 1u << 2,
  kRedFlagChestPain = 1u << 3,
  kRedFlagUnconscious = 1u << 4,
};
constexpr int kRedFlagCount = 5;
// Finds a red-flag phrase inside a free-text symptom (Chinese or English, e.g. "cannot
// breathe", "呼吸困难", "嘴唇发紫"); ASCII case-insensitive. Negations are not understood.
std::optional<RedFlag> MatchRedFlag(std::string_view symptom);
// Every red flag whose phrase occurs in `symptom`, as RedFlag bits (0 when none).
std::uint32_t MatchRedFlags(std::string_view symptom);

// What the request asks for (the intake form's "what they need"), as a bit set. Only the
// life-care needs change the triage; the others are accepted so callers can pass the form as is.
enum Need : std::uint32_t {
  kNeedAdvice = 1u << 0,
  kNeedOxygen = 1u << 1,
  kNeedBed = 1u << 2,
  kNeedMedicine = 1u << 3,
  kNeedPsychologicalSupport = 1u << 4,
  kNeedEndOfLifeCare = 1u << 5,
  kNeedBereavementSupport = 1u << 6,
};
constexpr int kNeedCount = 7;
// "advice", "oxygen", "bed", "medicine", "psychological_support", "end_of_life_care",
// "bereavement_support".
std::optional<Need> ParseNeed(std::string_view name);
std::string_view NeedName(int bit);  // "" for an out-of-range bit

// One patient's observations. A missing value is std::nullopt (a NaN counts as missing) and is
// reported, never guessed. Vital signs charted in whole numbers (resp_rate, spo2, systolic_bp,
// heart_rate) are rounded to the nearest whole number, temperature to 0.1 °C, before any rule.
struct Observation {
  std::optional<double> age_years;
  std::optional<double> age_months;   // the whole age in months (for children under 2); wins
  std::optional<double> resp_rate;    // breaths/min
  std::optional<double> spo2;         // % at rest
  std::optional<bool> on_oxygen;      // SpO2 measured on supplemental oxygen
  std::optional<double> pao2_fio2;    // mmHg
  std::optional<double> systolic_bp;  // mmHg
  std::optional<double> heart_rate;   // beats/min
  std::optional<double> temperature_c;
  std::optional<Consciousness> consciousness;
  std::optional<bool> pneumonia_on_imaging;
  std::optional<double> lesion_progression_48h_pct;
  std::optional<bool> mechanical_ventilation;
  std::optional<bool> shock;
  std::optional<bool> organ_failure_icu;
  std::optional<bool> ards;
  std::optional<bool> sepsis;
  std::optional<double> fever_days;
  std::optional<bool> laboured_breathing;
  std::optional<bool> drowsiness_or_convulsions;
  std::optional<bool> feeding_difficulty_dehydration;
  bool hypercapnic_target = false;  // NEWS2 SpO2 scale 2 (target 88–92 %)
  std::uint32_t risk_factors = 0;   // RiskFactor bits
  std::uint32_t red_flags = 0;      // RedFlag bits
  std::uint32_t needs = 0;          // Need bits
  bool awaiting_bed = false;        // a bed search is already under way for this patient
};

struct TriageConfig {
  // Which standard routes the case to a tier; both are always reported.
  bool route_by_who = false;
};

// Why a result came out as it did: one bit per criterion that fired, in this order. The stable
// codes (ReasonCode) are the enumerator names in snake case, e.g. "nhc_adult_rr_ge_30".
enum class Reason : std::uint8_t {
  kNhcAdultRrGe30,
  kNhcAdultSpo2Le93,
  kNhcAdultPao2Fio2Le300,
  kNhcAdultLesionProgressionGt50,
  kNhcChildFeverGt3Days,
  kNhcChildRrGe60Under2Months,
  kNhcChildRrGe50From2To12Months,
  kNhcChildRrGe40From1To5Years,
  kNhcChildRrGe30Over5Years,
  kNhcChildSpo2Le93,
  kNhcChildLabouredBreathing,
  kNhcChildDrowsinessOrConvulsions,
  kNhcChildFeedingDifficultyDehydration,
  kNhcCriticalMechanicalVentilation,
  kNhcCriticalShock,
  kNhcCriticalOrganFailure,
  kNhcModeratePneumonia,
  kWhoSevereRrGt30,
  kWhoSevereSpo2Lt90,
  kWhoSevereRespiratoryDistress,
  kWhoChildDangerDrowsinessOrConvulsions,
  kWhoChildDangerFeedingDifficulty,
  kWhoChildFastBreathing,
  kWhoModeratePneumonia,
  kWhoCriticalArds,
  kWhoCriticalSepsis,
  kWhoCriticalSepticShock,
  kWhoCriticalMechanicalVentilation,
  kNews2SingleParameter3,
  kNews2Medium,
  kNews2High,
  kNews2NotValidatedUnder16,
  kNews2NotValidatedPregnancy,
  kSpo2MissingCannotExcludeSevere,
  kSpo2NotOnAirCannotExcludeSevere,
  kRedFlagCannotBreathe,  // the red flags, in RedFlag bit order
  kRedFlagConfused,
  kRedFlagBlueLips,
  kRedFlagChestPain,
  kRedFlagUnconscious,
  kRiskAge65,  // the risk factors, in RiskFactor bit order
  kRiskHeartDisease,
  kRiskLungDisease,
  kRiskKidneyDisease,
  kRiskDiabetes,
  kRiskHypertension,
  kRiskCancer,
  kRiskImmunosuppression,
  kRiskPregnancy,
  kRiskUnvaccinated,
  kAgeUnknownAdultRules,
  kNoClinicalData,
  kSevereAwaitingBed,
  kPsychologicalSupportRequested,
  kEndOfLifeCareRequested,
  kBereavementSupportRequested,
  kCount,
};
constexpr int kReasonCount = static_cast<int>(Reason::kCount);

// The Observation fields a full assessment reads, one bit each, in this order; the stable names
// (MissingField) are the field names: "age_years" (age_months also satisfies it), "resp_rate", ...
enum class Field : std::uint8_t {
  kAgeYears,
  kRespRate,
  kSpo2,
  kOnOxygen,
  kPao2Fio2,
  kSystolicBp,
  kHeartRate,
  kTemperatureC,
  kConsciousness,
  kPneumoniaOnImaging,
  kLesionProgression48hPct,
  kMechanicalVentilation,
  kShock,
  kOrganFailureIcu,
  kArds,
  kSepsis,
  kFeverDays,
  kLabouredBreathing,
  kDrowsinessOrConvulsions,
  kFeedingDifficultyDehydration,
  kCount,
};
constexpr int kFieldCount = static_cast<int>(Field::kCount);

// What to do next, one bit each, in this order; stable codes (ActionCode): "advice",
// "home_isolation_guide", "daily_follow_up", "oxygen_match", "bed_search", "call_120",
// "psychological_support", "measure_spo2".
enum class Action : std::uint8_t {
  kAdvice,
  kHomeIsolationGuide,
  kDailyFollowUp,
  kOxygenMatch,
  kBedSearch,
  kCall120,
  kPsychologicalSupport,
  kMeasureSpo2,
  kCount,
};
constexpr int kActionCount = static_cast<int>(Action::kCount);

using ReasonBits = std::uint64_t;
using MissingBits = std::uint32_t;
using ActionBits = std::uint32_t;

constexpr ReasonBits Bit(Reason reason) { return ReasonBits{1} << static_cast<int>(reason); }
constexpr MissingBits Bit(Field field) { return MissingBits{1} << static_cast<int>(field); }
constexpr ActionBits Bit(Action action) { return ActionBits{1} << static_cast<int>(action); }

struct TriageResult {
  Severity nhc_severity = Severity::kMild;
  Severity who_severity = Severity::kMild;
  std::optional<int> news2;  // null when a NEWS2 parameter is missing
  std::optional<News2Band> news2_band;
  Tier tier = Tier::kTriageDesk;
  int priority = 0;  // 0..100, higher is more urgent
  ReasonBits reasons = 0;
  MissingBits missing = 0;
  ActionBits actions = 0;

  bool Has(Reason reason) const { return (reasons & Bit(reason)) != 0; }
  bool IsMissing(Field field) const { return (missing & Bit(field)) != 0; }
  bool Has(Action action) const { return (actions & Bit(action)) != 0; }
};

TriageResult Triage(const Observation& observation, const TriageConfig& config = {});

// Stable codes for the bits, in bit order, for JSON output and the catalogue
// ("triage.reason.<code>", "triage.missing.<field>", "triage.action.<code>"); an out-of-range
// bit gives "".
std::string_view ReasonCode(int bit);
std::string_view MissingField(int bit);
std::string_view ActionCode(int bit);

// NEWS2 (RCP 2017) one parameter at a time, after rounding as Observation describes. Scale 2 is
// for patients with a prescribed SpO2 target of 88–92 % (hypercapnic respiratory failure).
int News2RespRateScore(double breaths_per_min);
int News2Spo2Score(double spo2, bool on_oxygen, bool hypercapnic_scale2);
int News2AirOrOxygenScore(bool on_oxygen);
int News2SystolicBpScore(double systolic_mmhg);
int News2HeartRateScore(double beats_per_min);
int News2ConsciousnessScore(Consciousness consciousness);
int News2TemperatureScore(double celsius);
// 0 none; 1–4 low, or medium if a single parameter scored 3; 5–6 medium; 7 or more high.
News2Band News2BandFor(int total, bool any_parameter_scored_3);

struct News2Outcome {
  std::optional<int> total;  // null when any of the seven parameters is missing
  std::optional<News2Band> band;
  bool any_parameter_scored_3 = false;
};
// The whole chart for one observation; Triage reports this and decides how far to trust it.
News2Outcome ScoreNews2(const Observation& observation);

}  // namespace lifeline::triage
