#include "engines/triage/triage.h"

#include <algorithm>
#include <bit>

#include "engines/triage/vitals.h"

namespace lifeline::triage {
namespace {

using internal::Known;
using internal::RoundToWhole;

// Ages (years).
constexpr double kAdultAgeYears = 18;     // NHC 9th ed.: the children's criteria are for < 18
constexpr double kRiskAgeYears = 65;      // NHC 9th ed. high-risk groups: 65 and older
constexpr double kNews2MinAgeYears = 16;  // RCP 2017: NEWS2 is not for children under 16
constexpr double kMonthsPerYear = 12;

// NHC children's respiratory-rate bands (months) and cut-offs (breaths/min, "≥").
constexpr double kYoungInfantBandEndMonths = 2;  // < 2 months
constexpr double kInfantBandEndMonths = 12;      // 2 to < 12 months
constexpr double kToddlerBandLastMonths = 60;    // 12 to 60 months inclusive ("1–5 years")
constexpr int kRrYoungInfant = 60;
constexpr int kRrInfant = 50;
constexpr int kRrToddler = 40;
constexpr int kRrOlderChild = 30;

// NHC 9th edition severe and moderate thresholds.
constexpr int kNhcAdultSevereRrMin = 30;         // RR ≥ 30/min
constexpr int kNhcSevereSpo2Max = 93;            // SpO2 ≤ 93 % at rest on air
constexpr double kNhcSeverePao2Fio2Max = 300;    // PaO2/FiO2 ≤ 300 mmHg
constexpr double kNhcLesionProgressionPct = 50;  // lesions progressing > 50 % in 24–48 h
constexpr double kNhcChildFeverDays = 3;         // fever for more than 3 days

// WHO (Clinical management of COVID-19, living guideline) severe thresholds.
constexpr int kWhoSevereRrAbove = 30;    // RR > 30/min (adults)
constexpr int kWhoSevereSpo2Below = 90;  // SpO2 < 90 % on room air

// Priority (docs/triage.md, "Priority"): acuity, then NEWS2 detail, risk and uncertainty.
constexpr int kSeverityPoints[] = {10, 25, 50, 75};  // mild, moderate, severe, critical
constexpr int kNews2BandPoints[] = {0, 10, 35, 50};  // none, low, medium, high
constexpr int kPointsPerRiskFactor = 3;
constexpr int kMaxRiskFactorsCounted = 5;
constexpr int kCannotExcludeSeverePoints = 5;
constexpr int kMaxPriority = 100;

constexpr int kRedFlagReasonOffset = static_cast<int>(Reason::kRedFlagCannotBreathe);
constexpr int kRiskReasonOffset = static_cast<int>(Reason::kRiskAge65);
constexpr std::uint32_t kAllRedFlags = (1u << kRedFlagCount) - 1;
constexpr std::uint32_t kAllRiskFactors = (1u << kRiskFactorCount) - 1;
static_assert(kRedFlagReasonOffset + kRedFlagCount == kRiskReasonOffset,
              "red-flag reasons mirror RedFlag bits");
static_assert(kRiskReasonOffset + kRiskFactorCount ==
                  static_cast<int>(Reason::kAgeUnknownAdultRules),
              "risk reasons mirror RiskFactor bits");
static_assert(kReasonCount <= 64 && kFieldCount <= 32 && kActionCount <= 32,
              "the bit sets fit their integer types");

// Fields only one age group's rules read; every other field is read for everyone.
constexpr MissingBits kAdultOnlyFields =
    Bit(Field::kPao2Fio2) | Bit(Field::kLesionProgression48hPct);
constexpr MissingBits kChildOnlyFields = Bit(Field::kFeverDays) |
                                         Bit(Field::kDrowsinessOrConvulsions) |
                                         Bit(Field::kFeedingDifficultyDehydration);
constexpr MissingBits kAllFields = (MissingBits{1} << kFieldCount) - 1;
constexpr std::uint32_t kLifeCareNeeds =
    kNeedPsychologicalSupport | kNeedEndOfLifeCare | kNeedBereavementSupport;
// Fields that say nothing clinical on their own.
constexpr MissingBits kNonClinicalFields = Bit(Field::kAgeYears) | Bit(Field::kOnOxygen);

bool IsTrue(const std::optional<bool>& flag) { return flag.value_or(false); }

// The observation with ages resolved and vital signs rounded as they are charted.
struct Measured {
  bool age_known = false;
  double age_years = 0;
  double age_months = 0;
  bool has_rr = false;
  bool has_spo2 = false;
  bool has_heart_rate = false;
  bool has_systolic_bp = false;
  int rr = 0;
  int spo2 = 0;
  bool on_air = false;  // SpO2 known to be measured without supplemental oxygen
  MissingBits present = 0;
};

Measured Measure(const Observation& observation) {
  Measured measured;
  if (Known(observation.age_months)) {
    measured.age_known = true;
    measured.age_months = *observation.age_months;
    measured.age_years = measured.age_months / kMonthsPerYear;
  } else if (Known(observation.age_years)) {
    measured.age_known = true;
    measured.age_years = *observation.age_years;
    measured.age_months = measured.age_years * kMonthsPerYear;
  }
  measured.has_rr = Known(observation.resp_rate);
  if (measured.has_rr) measured.rr = RoundToWhole(*observation.resp_rate);
  measured.has_spo2 = Known(observation.spo2);
  if (measured.has_spo2) measured.spo2 = RoundToWhole(*observation.spo2);
  measured.has_heart_rate = Known(observation.heart_rate);
  measured.has_systolic_bp = Known(observation.systolic_bp);
  measured.on_air = observation.on_oxygen.has_value() && !*observation.on_oxygen;

  auto mark = [&](Field field, bool is_present) {
    if (is_present) measured.present |= Bit(field);
  };
  mark(Field::kAgeYears, measured.age_known);
  mark(Field::kRespRate, measured.has_rr);
  mark(Field::kSpo2, measured.has_spo2);
  mark(Field::kOnOxygen, observation.on_oxygen.has_value());
  mark(Field::kPao2Fio2, Known(observation.pao2_fio2));
  mark(Field::kSystolicBp, measured.has_systolic_bp);
  mark(Field::kHeartRate, measured.has_heart_rate);
  mark(Field::kTemperatureC, Known(observation.temperature_c));
  mark(Field::kConsciousness, observation.consciousness.has_value());
  mark(Field::kPneumoniaOnImaging, observation.pneumonia_on_imaging.has_value());
  mark(Field::kLesionProgression48hPct, Known(observation.lesion_progression_48h_pct));
  mark(Field::kMechanicalVentilation, observation.mechanical_ventilation.has_value());
  mark(Field::kShock, observation.shock.has_value());
  mark(Field::kOrganFailureIcu, observation.organ_failure_icu.has_value());
  mark(Field::kArds, observation.ards.has_value());
  mark(Field::kSepsis, observation.sepsis.has_value());
  mark(Field::kFeverDays, Known(observation.fever_days));
  mark(Field::kLabouredBreathing, observation.laboured_breathing.has_value());
  mark(Field::kDrowsinessOrConvulsions, observation.drowsiness_or_convulsions.has_value());
  mark(Field::kFeedingDifficultyDehydration,
       observation.feeding_difficulty_dehydration.has_value());
  return measured;
}

bool IsChild(const Measured& measured) {
  return measured.age_known && measured.age_years < kAdultAgeYears;
}

// The NHC children's fast-breathing cut-off for an age, and the reason naming its band. WHO's
// IMCI fast-breathing bands are the same up to five years.
struct ChildRrBand {
  int min_rr;
  Reason reason;
};

ChildRrBand ChildRrBandFor(double age_months) {
  if (age_months < kYoungInfantBandEndMonths) {
    return {kRrYoungInfant, Reason::kNhcChildRrGe60Under2Months};
  }
  if (age_months < kInfantBandEndMonths) return {kRrInfant, Reason::kNhcChildRrGe50From2To12Months};
  if (age_months <= kToddlerBandLastMonths) {
    return {kRrToddler, Reason::kNhcChildRrGe40From1To5Years};
  }
  return {kRrOlderChild, Reason::kNhcChildRrGe30Over5Years};
}

// A severity and the criteria that produced it.
struct Grade {
  Severity severity = Severity::kMild;
  ReasonBits reasons = 0;

  void Fire(bool criterion_met, Reason reason, Severity at_least) {
    if (!criterion_met) return;
    reasons |= Bit(reason);
    severity = std::max(severity, at_least);
  }
};

Grade GradeNhc(const Observation& observation, const Measured& measured) {
  Grade nhc;
  nhc.Fire(IsTrue(observation.mechanical_ventilation), Reason::kNhcCriticalMechanicalVentilation,
           Severity::kCritical);
  nhc.Fire(IsTrue(observation.shock), Reason::kNhcCriticalShock, Severity::kCritical);
  nhc.Fire(IsTrue(observation.organ_failure_icu), Reason::kNhcCriticalOrganFailure,
           Severity::kCritical);
  nhc.Fire(IsTrue(observation.pneumonia_on_imaging), Reason::kNhcModeratePneumonia,
           Severity::kModerate);
  // A reading on oxygen at or below the cut-off means the on-air value is lower still.
  const bool low_spo2 = measured.has_spo2 && measured.spo2 <= kNhcSevereSpo2Max;
  if (IsChild(measured)) {
    nhc.Fire(Known(observation.fever_days) && *observation.fever_days > kNhcChildFeverDays,
             Reason::kNhcChildFeverGt3Days, Severity::kSevere);
    const ChildRrBand band = ChildRrBandFor(measured.age_months);
    nhc.Fire(measured.has_rr && measured.rr >= band.min_rr, band.reason, Severity::kSevere);
    nhc.Fire(low_spo2, Reason::kNhcChildSpo2Le93, Severity::kSevere);
    nhc.Fire(IsTrue(observation.laboured_breathing), Reason::kNhcChildLabouredBreathing,
             Severity::kSevere);
    nhc.Fire(IsTrue(observation.drowsiness_or_convulsions),
             Reason::kNhcChildDrowsinessOrConvulsions, Severity::kSevere);
    nhc.Fire(IsTrue(observation.feeding_difficulty_dehydration),
             Reason::kNhcChildFeedingDifficultyDehydration, Severity::kSevere);
    return nhc;
  }
  nhc.Fire(measured.has_rr && measured.rr >= kNhcAdultSevereRrMin, Reason::kNhcAdultRrGe30,
           Severity::kSevere);
  nhc.Fire(low_spo2, Reason::kNhcAdultSpo2Le93, Severity::kSevere);
  nhc.Fire(Known(observation.pao2_fio2) && *observation.pao2_fio2 <= kNhcSeverePao2Fio2Max,
           Reason::kNhcAdultPao2Fio2Le300, Severity::kSevere);
  nhc.Fire(Known(observation.lesion_progression_48h_pct) &&
               *observation.lesion_progression_48h_pct > kNhcLesionProgressionPct,
           Reason::kNhcAdultLesionProgressionGt50, Severity::kSevere);
  return nhc;
}

Grade GradeWho(const Observation& observation, const Measured& measured) {
  Grade who;
  who.Fire(IsTrue(observation.ards), Reason::kWhoCriticalArds, Severity::kCritical);
  who.Fire(IsTrue(observation.sepsis), Reason::kWhoCriticalSepsis, Severity::kCritical);
  who.Fire(IsTrue(observation.shock), Reason::kWhoCriticalSepticShock, Severity::kCritical);
  who.Fire(IsTrue(observation.mechanical_ventilation), Reason::kWhoCriticalMechanicalVentilation,
           Severity::kCritical);
  who.Fire(measured.has_spo2 && measured.spo2 < kWhoSevereSpo2Below, Reason::kWhoSevereSpo2Lt90,
           Severity::kSevere);
  who.Fire(IsTrue(observation.laboured_breathing), Reason::kWhoSevereRespiratoryDistress,
           Severity::kSevere);
  who.Fire(IsTrue(observation.pneumonia_on_imaging), Reason::kWhoModeratePneumonia,
           Severity::kModerate);
  if (IsChild(measured)) {
    who.Fire(IsTrue(observation.drowsiness_or_convulsions),
             Reason::kWhoChildDangerDrowsinessOrConvulsions, Severity::kSevere);
    who.Fire(IsTrue(observation.feeding_difficulty_dehydration),
             Reason::kWhoChildDangerFeedingDifficulty, Severity::kSevere);
    const ChildRrBand band = ChildRrBandFor(measured.age_months);
    who.Fire(measured.has_rr && measured.rr >= band.min_rr, Reason::kWhoChildFastBreathing,
             Severity::kModerate);
  } else {
    who.Fire(measured.has_rr && measured.rr > kWhoSevereRrAbove, Reason::kWhoSevereRrGt30,
             Severity::kSevere);
  }
  return who;
}

// Red flags still waiting for the measurement that would settle them (RedFlag bits).
std::uint32_t UnsettledRedFlags(const Observation& observation, const Measured& measured) {
  const std::uint32_t flags = observation.red_flags & kAllRedFlags;
  if (flags == 0) return 0;
  const std::optional<Consciousness> level = observation.consciousness;
  std::uint32_t unsettled = 0;
  auto keep = [&](RedFlag flag, bool settled) {
    if ((flags & flag) != 0 && !settled) unsettled |= flag;
  };
  keep(kRedFlagCannotBreathe, measured.has_spo2 && measured.has_rr);
  keep(kRedFlagBlueLips, measured.has_spo2);
  keep(kRedFlagChestPain, measured.has_spo2 && measured.has_heart_rate && measured.has_systolic_bp);
  // No NHC adult criterion reads consciousness, so only a reading that refutes the report
  // settles it; a confirmed confusion or unresponsiveness keeps the case severe.
  keep(kRedFlagConfused, level == Consciousness::kAlert);
  keep(kRedFlagUnconscious,
       level == Consciousness::kAlert || level == Consciousness::kNewConfusion);
  return unsettled;
}

// NEWS2 as reported, and how far routing and priority may trust it.
struct News2Use {
  News2Outcome outcome;
  std::optional<News2Band> usable_band;  // null when incomplete or not validated for the age
  int usable_total = 0;
  ReasonBits reasons = 0;
};

News2Use UseNews2(const Observation& observation, const Measured& measured,
                  std::uint32_t risk_factors) {
  News2Use use;
  use.outcome = ScoreNews2(observation);
  if (!use.outcome.total) return use;
  const int total = *use.outcome.total;
  // The single-3 rule fired when it, not the total, made the band.
  if (News2BandFor(total, false) != *use.outcome.band) {
    use.reasons |= Bit(Reason::kNews2SingleParameter3);
  }
  if ((risk_factors & kRiskPregnancy) != 0) use.reasons |= Bit(Reason::kNews2NotValidatedPregnancy);
  if (measured.age_known && measured.age_years < kNews2MinAgeYears) {
    use.reasons |= Bit(Reason::kNews2NotValidatedUnder16);
    return use;
  }
  use.usable_band = use.outcome.band;
  use.usable_total = total;
  if (use.usable_band == News2Band::kMedium) use.reasons |= Bit(Reason::kNews2Medium);
  if (use.usable_band == News2Band::kHigh) use.reasons |= Bit(Reason::kNews2High);
  return use;
}

// What decides the tier besides the routing severity.
struct RoutingInputs {
  Severity routing;
  std::uint32_t risk_factors;
  bool cannot_exclude_severe;
  std::optional<News2Band> usable_band;
  bool no_clinical_data;
};

// The routing severity's tier, raised by the escalations, then replaced by the triage desk or
// life care where they apply (docs/triage.md, "Tier and actions").
Tier RouteTier(const RoutingInputs& inputs, const Observation& observation) {
  Tier tier = Tier::kIcu;
  switch (inputs.routing) {
    case Severity::kMild:
      tier = Tier::kOutpatient;
      break;
    case Severity::kModerate:
      tier = inputs.risk_factors != 0 ? Tier::kWard : Tier::kOutpatient;
      break;
    case Severity::kSevere:
      tier = observation.awaiting_bed ? Tier::kWard : Tier::kIcu;
      break;
    case Severity::kCritical:
      tier = Tier::kIcu;
      break;
  }
  if (inputs.cannot_exclude_severe) tier = std::max(tier, Tier::kWard);
  if (inputs.usable_band == News2Band::kMedium) tier = std::max(tier, Tier::kWard);
  if (inputs.usable_band == News2Band::kHigh) tier = Tier::kIcu;
  if (inputs.no_clinical_data) tier = Tier::kTriageDesk;
  if ((observation.needs & (kNeedEndOfLifeCare | kNeedBereavementSupport)) != 0) {
    return Tier::kLifeCare;
  }
  if ((observation.needs & kNeedPsychologicalSupport) != 0 && tier <= Tier::kOutpatient) {
    return Tier::kLifeCare;
  }
  return tier;
}

ReasonBits NeedReasons(std::uint32_t needs) {
  ReasonBits reasons = 0;
  if ((needs & kNeedPsychologicalSupport) != 0) {
    reasons |= Bit(Reason::kPsychologicalSupportRequested);
  }
  if ((needs & kNeedEndOfLifeCare) != 0) reasons |= Bit(Reason::kEndOfLifeCareRequested);
  if ((needs & kNeedBereavementSupport) != 0) {
    reasons |= Bit(Reason::kBereavementSupportRequested);
  }
  return reasons;
}

ActionBits ActionsFor(Tier tier, Severity routing, const Observation& observation,
                      bool spo2_missing) {
  ActionBits actions = 0;
  switch (tier) {
    case Tier::kTriageDesk:
      actions = Bit(Action::kAdvice);
      break;
    case Tier::kOutpatient:
      actions = Bit(Action::kAdvice) | Bit(Action::kHomeIsolationGuide);
      break;
    case Tier::kWard:
      actions = Bit(Action::kHomeIsolationGuide) | Bit(Action::kDailyFollowUp);
      // A severe case waiting for a bed keeps its oxygen and its bed search.
      if (routing >= Severity::kSevere) {
        actions |= Bit(Action::kOxygenMatch) | Bit(Action::kBedSearch);
      }
      break;
    case Tier::kIcu:
      actions = Bit(Action::kOxygenMatch) | Bit(Action::kBedSearch) | Bit(Action::kCall120);
      break;
    case Tier::kLifeCare:
      actions = Bit(Action::kPsychologicalSupport);
      break;
  }
  // Never ask to take a patient off oxygen to measure: only a missing reading or an unknown
  // oxygen status calls for a measurement.
  if (spo2_missing || !observation.on_oxygen.has_value()) actions |= Bit(Action::kMeasureSpo2);
  if ((observation.needs & kLifeCareNeeds) != 0) actions |= Bit(Action::kPsychologicalSupport);
  return actions;
}

int Priority(Severity routing, const News2Use& news2, std::uint32_t risk_factors,
             bool cannot_exclude_severe) {
  int acuity = kSeverityPoints[static_cast<int>(routing)];
  if (news2.usable_band) {
    acuity = std::max(acuity, kNews2BandPoints[static_cast<int>(*news2.usable_band)]);
  }
  const int risk_count = std::min(std::popcount(risk_factors), kMaxRiskFactorsCounted);
  const int score = acuity + news2.usable_total + kPointsPerRiskFactor * risk_count +
                    (cannot_exclude_severe ? kCannotExcludeSeverePoints : 0);
  return std::min(score, kMaxPriority);
}

}  // namespace

TriageResult Triage(const Observation& observation, const TriageConfig& config) {
  const Measured measured = Measure(observation);
  TriageResult result;

  // Severity by each standard, floored by red flags still waiting for their measurement.
  Grade nhc = GradeNhc(observation, measured);
  Grade who = GradeWho(observation, measured);
  const std::uint32_t unsettled_flags = UnsettledRedFlags(observation, measured);
  if (unsettled_flags != 0) {
    nhc.severity = std::max(nhc.severity, Severity::kSevere);
    who.severity = std::max(who.severity, Severity::kSevere);
  }
  result.nhc_severity = nhc.severity;
  result.who_severity = who.severity;
  ReasonBits reasons = nhc.reasons | who.reasons;
  reasons |= ReasonBits{unsettled_flags} << kRedFlagReasonOffset;

  std::uint32_t risk_factors = observation.risk_factors & kAllRiskFactors & ~kRiskAge65;
  if (measured.age_known && measured.age_years >= kRiskAgeYears) risk_factors |= kRiskAge65;
  reasons |= ReasonBits{risk_factors} << kRiskReasonOffset;
  if (!measured.age_known) reasons |= Bit(Reason::kAgeUnknownAdultRules);

  // No SpO2, or a reading not known to be on air that meets neither standard's cut-off.
  const bool spo2_missing = !measured.has_spo2;
  const bool spo2_not_on_air =
      measured.has_spo2 && !measured.on_air && measured.spo2 >= kWhoSevereSpo2Below;
  if (spo2_missing) reasons |= Bit(Reason::kSpo2MissingCannotExcludeSevere);
  if (spo2_not_on_air) reasons |= Bit(Reason::kSpo2NotOnAirCannotExcludeSevere);

  const News2Use news2 = UseNews2(observation, measured, risk_factors);
  result.news2 = news2.outcome.total;
  result.news2_band = news2.outcome.band;
  reasons |= news2.reasons;

  const MissingBits applicable =
      kAllFields & ~(IsChild(measured) ? kAdultOnlyFields : kChildOnlyFields);
  result.missing = applicable & ~measured.present;

  const RoutingInputs routing{
      .routing = config.route_by_who ? who.severity : nhc.severity,
      .risk_factors = risk_factors,
      .cannot_exclude_severe = spo2_missing || spo2_not_on_air,
      .usable_band = news2.usable_band,
      .no_clinical_data = (measured.present & ~kNonClinicalFields) == 0 &&
                          (observation.red_flags & kAllRedFlags) == 0,
  };
  if (observation.awaiting_bed && routing.routing == Severity::kSevere) {
    reasons |= Bit(Reason::kSevereAwaitingBed);
  }
  if (routing.no_clinical_data) reasons |= Bit(Reason::kNoClinicalData);
  reasons |= NeedReasons(observation.needs);

  result.tier = RouteTier(routing, observation);
  result.actions = ActionsFor(result.tier, routing.routing, observation, spo2_missing);
  result.priority = Priority(routing.routing, news2, risk_factors, routing.cannot_exclude_severe);
  result.reasons = reasons;
  return result;
}

}  // namespace lifeline::triage
