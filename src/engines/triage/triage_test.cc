// The triage rules at every threshold: NHC adult and child severity, WHO severity, missing data,
// red flags, risk factors, tiers and actions. NEWS2 cells are in news2_test.cc.

#include "engines/triage/triage.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace lifeline::triage {
namespace {

// An adult with every field measured and normal: mild, NEWS2 0, nothing missing.
Observation CompleteAdult() {
  Observation observation;
  observation.age_years = 40;
  observation.resp_rate = 16;
  observation.spo2 = 98;
  observation.on_oxygen = false;
  observation.pao2_fio2 = 450;
  observation.systolic_bp = 120;
  observation.heart_rate = 80;
  observation.temperature_c = 37.0;
  observation.consciousness = Consciousness::kAlert;
  observation.pneumonia_on_imaging = false;
  observation.lesion_progression_48h_pct = 0;
  observation.mechanical_ventilation = false;
  observation.shock = false;
  observation.organ_failure_icu = false;
  observation.ards = false;
  observation.sepsis = false;
  observation.laboured_breathing = false;
  return observation;
}

Observation CompleteChild(double age_months) {
  Observation observation = CompleteAdult();
  observation.age_years.reset();
  observation.age_months = age_months;
  observation.resp_rate = 20;  // below every child cut-off
  observation.pao2_fio2.reset();
  observation.lesion_progression_48h_pct.reset();
  observation.fever_days = 0;
  observation.drowsiness_or_convulsions = false;
  observation.feeding_difficulty_dehydration = false;
  return observation;
}

constexpr ActionBits kOutpatientActions = Bit(Action::kAdvice) | Bit(Action::kHomeIsolationGuide);
constexpr ActionBits kIcuActions =
    Bit(Action::kOxygenMatch) | Bit(Action::kBedSearch) | Bit(Action::kCall120);

TEST(TriageTest, ACompleteNormalAdultIsMildOutpatientWithNothingMissing) {
  const TriageResult result = Triage(CompleteAdult());
  EXPECT_EQ(result.nhc_severity, Severity::kMild);
  EXPECT_EQ(result.who_severity, Severity::kMild);
  EXPECT_EQ(result.news2, 0);
  EXPECT_EQ(result.news2_band, News2Band::kNone);
  EXPECT_EQ(result.tier, Tier::kOutpatient);
  EXPECT_EQ(result.priority, 10);
  EXPECT_EQ(result.reasons, 0u);
  EXPECT_EQ(result.missing, 0u);
  EXPECT_EQ(result.actions, kOutpatientActions);
}

TEST(TriageTest, RespiratoryRate30IsNhcSevereButNotWhoSevere) {
  Observation observation = CompleteAdult();
  observation.resp_rate = 29;
  EXPECT_EQ(Triage(observation).nhc_severity, Severity::kMild);
  observation.resp_rate = 30;
  TriageResult result = Triage(observation);
  EXPECT_EQ(result.nhc_severity, Severity::kSevere);
  EXPECT_TRUE(result.Has(Reason::kNhcAdultRrGe30));
  EXPECT_EQ(result.who_severity, Severity::kMild) << "WHO needs more than 30";
  EXPECT_FALSE(result.Has(Reason::kWhoSevereRrGt30));
  observation.resp_rate = 31;
  result = Triage(observation);
  EXPECT_EQ(result.who_severity, Severity::kSevere);
  EXPECT_TRUE(result.Has(Reason::kWhoSevereRrGt30));
}

TEST(TriageTest, Spo2ThresholdsOfBothStandards) {
  struct Case {
    double spo2;
    Severity nhc;
    Severity who;
  };
  const std::vector<Case> cases = {{94, Severity::kMild, Severity::kMild},
                                   {93, Severity::kSevere, Severity::kMild},
                                   {92, Severity::kSevere, Severity::kMild},
                                   {90, Severity::kSevere, Severity::kMild},
                                   {89, Severity::kSevere, Severity::kSevere}};
  for (const Case& test_case : cases) {
    Observation observation = CompleteAdult();
    observation.spo2 = test_case.spo2;
    const TriageResult result = Triage(observation);
    EXPECT_EQ(result.nhc_severity, test_case.nhc) << "SpO2 " << test_case.spo2;
    EXPECT_EQ(result.who_severity, test_case.who) << "SpO2 " << test_case.spo2;
    EXPECT_EQ(result.Has(Reason::kNhcAdultSpo2Le93), test_case.spo2 <= 93) << test_case.spo2;
    EXPECT_EQ(result.Has(Reason::kWhoSevereSpo2Lt90), test_case.spo2 < 90) << test_case.spo2;
  }
}

TEST(TriageTest, NhcAdultBloodGasAndImagingProgression) {
  Observation observation = CompleteAdult();
  observation.pao2_fio2 = 301;
  EXPECT_EQ(Triage(observation).nhc_severity, Severity::kMild);
  observation.pao2_fio2 = 300;
  EXPECT_TRUE(Triage(observation).Has(Reason::kNhcAdultPao2Fio2Le300));
  EXPECT_EQ(Triage(observation).nhc_severity, Severity::kSevere);

  observation = CompleteAdult();
  observation.lesion_progression_48h_pct = 50;
  EXPECT_EQ(Triage(observation).nhc_severity, Severity::kMild) << "needs more than 50 %";
  observation.lesion_progression_48h_pct = 51;
  EXPECT_TRUE(Triage(observation).Has(Reason::kNhcAdultLesionProgressionGt50));
}

TEST(TriageTest, PneumoniaIsModerateAndRiskFactorsMoveItToTheWard) {
  Observation observation = CompleteAdult();
  observation.pneumonia_on_imaging = true;
  TriageResult result = Triage(observation);
  EXPECT_EQ(result.nhc_severity, Severity::kModerate);
  EXPECT_EQ(result.who_severity, Severity::kModerate);
  EXPECT_TRUE(result.Has(Reason::kNhcModeratePneumonia));
  EXPECT_TRUE(result.Has(Reason::kWhoModeratePneumonia));
  EXPECT_EQ(result.tier, Tier::kOutpatient);
  EXPECT_EQ(result.actions, kOutpatientActions);

  observation.risk_factors = kRiskDiabetes;
  result = Triage(observation);
  EXPECT_EQ(result.tier, Tier::kWard);
  EXPECT_EQ(result.actions, Bit(Action::kHomeIsolationGuide) | Bit(Action::kDailyFollowUp));
  EXPECT_TRUE(result.Has(Reason::kRiskDiabetes));

  observation.risk_factors = 0;
  observation.age_years = 65;
  result = Triage(observation);
  EXPECT_EQ(result.tier, Tier::kWard) << "65 is a risk factor";
  EXPECT_TRUE(result.Has(Reason::kRiskAge65));
}

TEST(TriageTest, CriticalCriteriaOfEachStandard) {
  struct Case {
    std::optional<bool> Observation::*finding;
    Severity nhc;
    Severity who;
    Reason reason;
  };
  const std::vector<Case> cases = {
      {&Observation::mechanical_ventilation, Severity::kCritical, Severity::kCritical,
       Reason::kNhcCriticalMechanicalVentilation},
      {&Observation::shock, Severity::kCritical, Severity::kCritical, Reason::kNhcCriticalShock},
      {&Observation::organ_failure_icu, Severity::kCritical, Severity::kMild,
       Reason::kNhcCriticalOrganFailure},
      {&Observation::ards, Severity::kMild, Severity::kCritical, Reason::kWhoCriticalArds},
      {&Observation::sepsis, Severity::kMild, Severity::kCritical, Reason::kWhoCriticalSepsis},
  };
  for (const Case& test_case : cases) {
    Observation observation = CompleteAdult();
    observation.*test_case.finding = true;
    const TriageResult result = Triage(observation);
    EXPECT_EQ(result.nhc_severity, test_case.nhc) << ReasonCode(static_cast<int>(test_case.reason));
    EXPECT_EQ(result.who_severity, test_case.who) << ReasonCode(static_cast<int>(test_case.reason));
    EXPECT_TRUE(result.Has(test_case.reason));
  }
  Observation shock = CompleteAdult();
  shock.shock = true;
  EXPECT_TRUE(Triage(shock).Has(Reason::kWhoCriticalSepticShock));
  EXPECT_EQ(Triage(shock).tier, Tier::kIcu);
  EXPECT_EQ(Triage(shock).actions, kIcuActions);
}

// Each NHC children's band at its cut-off (severe) and one breath below (not).
TEST(TriageTest, ChildRespiratoryRateBands) {
  struct Band {
    double age_months;
    int cut_off;
    Reason reason;
  };
  const std::vector<Band> bands = {
      {0.5, 60, Reason::kNhcChildRrGe60Under2Months},
      {1.9, 60, Reason::kNhcChildRrGe60Under2Months},
      {2, 50, Reason::kNhcChildRrGe50From2To12Months},
      {11.9, 50, Reason::kNhcChildRrGe50From2To12Months},
      {12, 40, Reason::kNhcChildRrGe40From1To5Years},
      {60, 40, Reason::kNhcChildRrGe40From1To5Years},
      {61, 30, Reason::kNhcChildRrGe30Over5Years},
      {17 * 12, 30, Reason::kNhcChildRrGe30Over5Years},
  };
  for (const Band& band : bands) {
    Observation observation = CompleteChild(band.age_months);
    observation.resp_rate = band.cut_off;
    TriageResult result = Triage(observation);
    EXPECT_EQ(result.nhc_severity, Severity::kSevere) << band.age_months << " months";
    EXPECT_TRUE(result.Has(band.reason)) << band.age_months << " months";
    EXPECT_EQ(result.who_severity, Severity::kModerate) << "WHO: fast breathing is pneumonia";
    EXPECT_TRUE(result.Has(Reason::kWhoChildFastBreathing));

    observation.resp_rate = band.cut_off - 1;
    result = Triage(observation);
    EXPECT_EQ(result.nhc_severity, Severity::kMild) << band.age_months << " months, one below";
    EXPECT_FALSE(result.Has(band.reason));
  }
}

TEST(TriageTest, AgeInYearsPicksTheSameBandsAndEighteenIsAdult) {
  Observation observation = CompleteChild(0);
  observation.age_months.reset();
  observation.age_years = 5;
  observation.resp_rate = 39;
  EXPECT_EQ(Triage(observation).nhc_severity, Severity::kMild) << "5 years: the 1–5 band (40)";
  observation.age_years = 6;
  observation.resp_rate = 30;
  EXPECT_TRUE(Triage(observation).Has(Reason::kNhcChildRrGe30Over5Years));

  Observation adult = CompleteAdult();
  adult.age_years = 18;
  adult.resp_rate = 30;
  EXPECT_TRUE(Triage(adult).Has(Reason::kNhcAdultRrGe30));
  adult.age_years = 17.9;
  EXPECT_TRUE(Triage(adult).Has(Reason::kNhcChildRrGe30Over5Years));
}

TEST(TriageTest, ChildSevereSignsUnderBothStandards) {
  Observation observation = CompleteChild(30);
  observation.fever_days = 3;
  EXPECT_EQ(Triage(observation).nhc_severity, Severity::kMild) << "needs more than 3 days";
  observation.fever_days = 3.5;
  EXPECT_TRUE(Triage(observation).Has(Reason::kNhcChildFeverGt3Days));

  observation = CompleteChild(30);
  observation.spo2 = 93;
  TriageResult result = Triage(observation);
  EXPECT_TRUE(result.Has(Reason::kNhcChildSpo2Le93));
  EXPECT_EQ(result.who_severity, Severity::kMild);

  observation = CompleteChild(30);
  observation.laboured_breathing = true;
  result = Triage(observation);
  EXPECT_TRUE(result.Has(Reason::kNhcChildLabouredBreathing));
  EXPECT_TRUE(result.Has(Reason::kWhoSevereRespiratoryDistress));
  EXPECT_EQ(result.who_severity, Severity::kSevere);

  observation = CompleteChild(30);
  observation.drowsiness_or_convulsions = true;
  result = Triage(observation);
  EXPECT_TRUE(result.Has(Reason::kNhcChildDrowsinessOrConvulsions));
  EXPECT_TRUE(result.Has(Reason::kWhoChildDangerDrowsinessOrConvulsions));
  EXPECT_EQ(result.who_severity, Severity::kSevere);

  observation = CompleteChild(30);
  observation.feeding_difficulty_dehydration = true;
  result = Triage(observation);
  EXPECT_TRUE(result.Has(Reason::kNhcChildFeedingDifficultyDehydration));
  EXPECT_TRUE(result.Has(Reason::kWhoChildDangerFeedingDifficulty));
  EXPECT_EQ(result.tier, Tier::kIcu);
}

TEST(TriageTest, News2IsReportedButNotRoutedUnder16) {
  Observation observation = CompleteChild(12);
  observation.heart_rate = 140;  // normal for a one-year-old, 3 on the adult chart
  const TriageResult result = Triage(observation);
  EXPECT_EQ(result.news2_band, News2Band::kMedium);
  EXPECT_TRUE(result.Has(Reason::kNews2NotValidatedUnder16));
  EXPECT_FALSE(result.Has(Reason::kNews2Medium));
  EXPECT_EQ(result.tier, Tier::kOutpatient);
  EXPECT_EQ(result.missing, 0u) << "children need no blood gas or lesion progression";
}

TEST(TriageTest, MissingSpo2CannotExcludeSevereAndRoutesToTheWard) {
  Observation observation = CompleteAdult();
  observation.spo2.reset();
  const TriageResult result = Triage(observation);
  EXPECT_EQ(result.nhc_severity, Severity::kMild) << "named, not guessed";
  EXPECT_TRUE(result.Has(Reason::kSpo2MissingCannotExcludeSevere));
  EXPECT_EQ(result.missing, Bit(Field::kSpo2));
  EXPECT_FALSE(result.news2.has_value());
  EXPECT_FALSE(result.news2_band.has_value());
  EXPECT_EQ(result.tier, Tier::kWard);
  EXPECT_TRUE(result.Has(Action::kMeasureSpo2));
  EXPECT_TRUE(result.Has(Action::kDailyFollowUp));
  EXPECT_EQ(result.priority, 15);
}

TEST(TriageTest, Spo2NotKnownToBeOnAirCannotExcludeSevere) {
  Observation observation = CompleteAdult();
  observation.on_oxygen = true;
  TriageResult result = Triage(observation);
  EXPECT_TRUE(result.Has(Reason::kSpo2NotOnAirCannotExcludeSevere));
  EXPECT_EQ(result.tier, Tier::kWard);
  EXPECT_FALSE(result.Has(Action::kMeasureSpo2)) << "never take a patient off oxygen to measure";

  observation.on_oxygen.reset();
  result = Triage(observation);
  EXPECT_TRUE(result.Has(Reason::kSpo2NotOnAirCannotExcludeSevere));
  EXPECT_TRUE(result.IsMissing(Field::kOnOxygen));
  EXPECT_TRUE(result.Has(Action::kMeasureSpo2));

  observation.on_oxygen = true;
  observation.spo2 = 89;  // on oxygen and still low: the on-air value is lower still
  result = Triage(observation);
  EXPECT_FALSE(result.Has(Reason::kSpo2NotOnAirCannotExcludeSevere));
  EXPECT_EQ(result.nhc_severity, Severity::kSevere);
  EXPECT_EQ(result.who_severity, Severity::kSevere);
}

TEST(TriageTest, RedFlagsMakeItSevereUntilMeasured) {
  Observation reported;
  reported.age_years = 50;
  reported.red_flags = kRedFlagCannotBreathe;
  TriageResult result = Triage(reported);
  EXPECT_EQ(result.nhc_severity, Severity::kSevere);
  EXPECT_EQ(result.who_severity, Severity::kSevere);
  EXPECT_TRUE(result.Has(Reason::kRedFlagCannotBreathe));
  EXPECT_EQ(result.tier, Tier::kIcu);
  EXPECT_TRUE(result.Has(Action::kCall120));
  EXPECT_TRUE(result.IsMissing(Field::kSpo2));

  Observation measured = CompleteAdult();
  measured.red_flags = kRedFlagCannotBreathe | kRedFlagBlueLips | kRedFlagChestPain;
  result = Triage(measured);
  EXPECT_EQ(result.nhc_severity, Severity::kMild) << "the measurements settle them";
  EXPECT_EQ(result.reasons, 0u);

  measured.red_flags = kRedFlagConfused;
  EXPECT_EQ(Triage(measured).nhc_severity, Severity::kMild) << "measured alert";
  measured.consciousness = Consciousness::kNewConfusion;
  EXPECT_TRUE(Triage(measured).Has(Reason::kRedFlagConfused)) << "confirmed, not settled";

  measured.red_flags = kRedFlagUnconscious;
  EXPECT_EQ(Triage(measured).nhc_severity, Severity::kMild) << "new confusion responds";
  measured.consciousness = Consciousness::kPain;
  EXPECT_EQ(Triage(measured).nhc_severity, Severity::kSevere);

  Observation chest = CompleteAdult();
  chest.red_flags = kRedFlagChestPain;
  chest.systolic_bp.reset();
  EXPECT_TRUE(Triage(chest).Has(Reason::kRedFlagChestPain)) << "needs SpO2, pulse and BP";
}

TEST(TriageTest, News2MediumAndHighEscalateTheTier) {
  Observation observation = CompleteAdult();
  observation.heart_rate = 135;  // a single 3
  TriageResult result = Triage(observation);
  EXPECT_EQ(result.news2, 3);
  EXPECT_EQ(result.news2_band, News2Band::kMedium);
  EXPECT_TRUE(result.Has(Reason::kNews2SingleParameter3));
  EXPECT_TRUE(result.Has(Reason::kNews2Medium));
  EXPECT_EQ(result.tier, Tier::kWard);
  EXPECT_EQ(result.priority, 35 + 3);

  observation.systolic_bp = 85;      // 3
  observation.temperature_c = 39.5;  // 2
  result = Triage(observation);
  EXPECT_EQ(result.news2, 8);
  EXPECT_EQ(result.news2_band, News2Band::kHigh);
  EXPECT_FALSE(result.Has(Reason::kNews2SingleParameter3)) << "the total made the band";
  EXPECT_TRUE(result.Has(Reason::kNews2High));
  EXPECT_EQ(result.nhc_severity, Severity::kMild);
  EXPECT_EQ(result.tier, Tier::kIcu);
  EXPECT_EQ(result.actions, kIcuActions);
}

TEST(TriageTest, RiskFactorsRaisePriority) {
  Observation observation = CompleteAdult();
  observation.pneumonia_on_imaging = true;
  const int base = Triage(observation).priority;
  EXPECT_EQ(base, 25);
  observation.risk_factors = kRiskDiabetes;
  EXPECT_EQ(Triage(observation).priority, base + 3);
  observation.risk_factors = kRiskDiabetes | kRiskHypertension;
  EXPECT_EQ(Triage(observation).priority, base + 6);
  observation.risk_factors = kRiskHeartDisease | kRiskLungDisease | kRiskKidneyDisease |
                             kRiskDiabetes | kRiskHypertension | kRiskCancer;
  EXPECT_EQ(Triage(observation).priority, base + 15) << "at most five count";
  observation.risk_factors = kRiskAge65;
  EXPECT_EQ(Triage(observation).priority, base) << "age 65 comes from the age, not the caller";
  observation.age_years = 70;
  EXPECT_EQ(Triage(observation).priority, base + 3);
}

TEST(TriageTest, PriorityIsCappedAt100) {
  Observation observation = CompleteAdult();
  observation.mechanical_ventilation = true;
  observation.on_oxygen = true;
  observation.spo2 = 80;
  observation.resp_rate = 40;
  observation.heart_rate = 150;
  observation.systolic_bp = 80;
  observation.consciousness = Consciousness::kUnresponsive;
  observation.risk_factors = kRiskDiabetes | kRiskCancer;
  EXPECT_EQ(Triage(observation).priority, 75 + 17 + 6) << "critical, NEWS2 17, two risks";
  observation.risk_factors |= kRiskHeartDisease | kRiskKidneyDisease | kRiskHypertension;
  EXPECT_EQ(Triage(observation).priority, 100) << "75 + 17 + 15 = 107, capped";
}

TEST(TriageTest, SevereWaitingForABedIsFollowedOnTheWard) {
  Observation observation = CompleteAdult();
  observation.pao2_fio2 = 250;
  EXPECT_EQ(Triage(observation).tier, Tier::kIcu);
  observation.awaiting_bed = true;
  const TriageResult result = Triage(observation);
  EXPECT_EQ(result.tier, Tier::kWard);
  EXPECT_TRUE(result.Has(Reason::kSevereAwaitingBed));
  EXPECT_EQ(result.actions, Bit(Action::kHomeIsolationGuide) | Bit(Action::kDailyFollowUp) |
                                Bit(Action::kOxygenMatch) | Bit(Action::kBedSearch));
  observation.shock = true;
  EXPECT_EQ(Triage(observation).tier, Tier::kIcu) << "critical never waits on the ward";
}

TEST(TriageTest, LifeCareNeeds) {
  Observation observation = CompleteAdult();
  observation.needs = kNeedPsychologicalSupport;
  TriageResult result = Triage(observation);
  EXPECT_EQ(result.tier, Tier::kLifeCare);
  EXPECT_EQ(result.actions, Bit(Action::kPsychologicalSupport));
  EXPECT_TRUE(result.Has(Reason::kPsychologicalSupportRequested));

  observation.resp_rate = 32;  // severe: the ICU group, with psychological support added
  result = Triage(observation);
  EXPECT_EQ(result.tier, Tier::kIcu);
  EXPECT_EQ(result.actions, kIcuActions | Bit(Action::kPsychologicalSupport));

  observation.needs = kNeedEndOfLifeCare;
  result = Triage(observation);
  EXPECT_EQ(result.tier, Tier::kLifeCare);
  EXPECT_EQ(result.nhc_severity, Severity::kSevere) << "severity is still reported";

  observation.needs = kNeedOxygen | kNeedBed;
  EXPECT_EQ(Triage(observation).tier, Tier::kIcu) << "other needs do not change the triage";
}

TEST(TriageTest, NoClinicalDataStaysAtTheTriageDesk) {
  Observation observation;
  observation.age_years = 30;
  observation.risk_factors = kRiskDiabetes;
  const TriageResult result = Triage(observation);
  EXPECT_EQ(result.tier, Tier::kTriageDesk);
  EXPECT_TRUE(result.Has(Reason::kNoClinicalData));
  EXPECT_EQ(result.actions, Bit(Action::kAdvice) | Bit(Action::kMeasureSpo2));

  const TriageResult empty = Triage(Observation{});
  EXPECT_TRUE(empty.Has(Reason::kAgeUnknownAdultRules));
  EXPECT_TRUE(empty.IsMissing(Field::kAgeYears));
  EXPECT_TRUE(empty.IsMissing(Field::kPao2Fio2)) << "adult rules read the blood gas";
  EXPECT_FALSE(empty.IsMissing(Field::kFeverDays)) << "only children's rules read fever days";
}

TEST(TriageTest, RouteByWhoIsConfigurable) {
  Observation observation = CompleteAdult();
  observation.resp_rate = 30;  // NHC severe, WHO mild; NEWS2 3 in RR (medium)
  EXPECT_EQ(Triage(observation).tier, Tier::kIcu);
  const TriageResult by_who = Triage(observation, TriageConfig{.route_by_who = true});
  EXPECT_EQ(by_who.nhc_severity, Severity::kSevere) << "both are always reported";
  EXPECT_EQ(by_who.tier, Tier::kWard) << "WHO mild, raised by the NEWS2 medium band";
  EXPECT_EQ(by_who.priority, 35 + 3);
}

TEST(TriageTest, NotANumberCountsAsMissing) {
  Observation observation = CompleteAdult();
  observation.spo2 = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(Triage(observation).IsMissing(Field::kSpo2));
}

// A deterministic sweep of varied observations: results stay in range, repeat exactly, and the
// NEWS2 score is null exactly when one of its parameters is missing.
TEST(TriageTest, VariedObservationsGiveConsistentResults) {
  std::uint64_t state = 12345;
  auto next = [&state](int bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % static_cast<std::uint64_t>(bound));
  };
  auto maybe = [&](double value) { return next(8) == 0 ? std::optional<double>() : value; };
  for (int sample = 0; sample < 20000; ++sample) {
    Observation observation;
    observation.age_months = maybe(next(1200));
    observation.resp_rate = maybe(next(70));
    observation.spo2 = maybe(70 + next(31));
    if (next(8) != 0) observation.on_oxygen = next(3) == 0;
    observation.systolic_bp = maybe(60 + next(180));
    observation.heart_rate = maybe(30 + next(150));
    observation.temperature_c = maybe(34 + next(70) / 10.0);
    if (next(8) != 0) observation.consciousness = static_cast<Consciousness>(next(5));
    if (next(2) == 0) observation.shock = next(10) == 0;
    observation.hypercapnic_target = next(10) == 0;
    observation.risk_factors = static_cast<std::uint32_t>(next(1 << kRiskFactorCount));
    observation.red_flags = static_cast<std::uint32_t>(next(1 << kRedFlagCount)) * (next(4) == 0);
    observation.needs = static_cast<std::uint32_t>(next(1 << kNeedCount)) * (next(6) == 0);
    observation.awaiting_bed = next(5) == 0;

    const TriageResult result = Triage(observation);
    const TriageResult again = Triage(observation);
    ASSERT_EQ(result.priority, again.priority);
    ASSERT_EQ(result.reasons, again.reasons);
    ASSERT_EQ(result.tier, again.tier);
    ASSERT_GE(result.priority, 0);
    ASSERT_LE(result.priority, 100);
    ASSERT_LT(result.reasons, ReasonBits{1} << kReasonCount);
    const MissingBits news2_fields = Bit(Field::kRespRate) | Bit(Field::kSpo2) |
                                     Bit(Field::kOnOxygen) | Bit(Field::kSystolicBp) |
                                     Bit(Field::kHeartRate) | Bit(Field::kTemperatureC) |
                                     Bit(Field::kConsciousness);
    ASSERT_EQ(result.news2.has_value(), (result.missing & news2_fields) == 0) << sample;
    ASSERT_EQ(result.news2.has_value(), result.news2_band.has_value());
  }
}

}  // namespace
}  // namespace lifeline::triage
