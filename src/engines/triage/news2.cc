// NEWS2, Royal College of Physicians (2017), "National Early Warning Score (NEWS) 2:
// Standardising the assessment of acute-illness severity in the NHS", chart 1 (the scoring
// table) and chart 2 (thresholds and triggers). Each function is one row of chart 1; each
// constant is the upper edge of a cell, so the code reads like the chart.

#include "engines/triage/triage.h"
#include "engines/triage/vitals.h"

namespace lifeline::triage {
namespace {

using internal::RoundToTenths;
using internal::RoundToWhole;

// Respiration rate (per minute): <=8 → 3, 9–11 → 1, 12–20 → 0, 21–24 → 2, >=25 → 3.
constexpr int kRespRateScore3Max = 8;
constexpr int kRespRateScore1Max = 11;
constexpr int kRespRateScore0Max = 20;
constexpr int kRespRateScore2Max = 24;

// SpO2 scale 1 (%): <=91 → 3, 92–93 → 2, 94–95 → 1, >=96 → 0.
constexpr int kScale1Score3Max = 91;
constexpr int kScale1Score2Max = 93;
constexpr int kScale1Score1Max = 95;

// SpO2 scale 2 (%), for a prescribed 88–92 % target: <=83 → 3, 84–85 → 2, 86–87 → 1,
// 88–92 or >=93 on air → 0, 93–94 on oxygen → 1, 95–96 on oxygen → 2, >=97 on oxygen → 3.
constexpr int kScale2Score3Max = 83;
constexpr int kScale2Score2Max = 85;
constexpr int kScale2Score1Max = 87;
constexpr int kScale2TargetMax = 92;
constexpr int kScale2OxygenScore1Max = 94;
constexpr int kScale2OxygenScore2Max = 96;

// Air or oxygen: oxygen → 2, air → 0.
constexpr int kOxygenScore = 2;

// Systolic blood pressure (mmHg): <=90 → 3, 91–100 → 2, 101–110 → 1, 111–219 → 0, >=220 → 3.
constexpr int kSystolicScore3Max = 90;
constexpr int kSystolicScore2Max = 100;
constexpr int kSystolicScore1Max = 110;
constexpr int kSystolicScore0Max = 219;

// Pulse (per minute): <=40 → 3, 41–50 → 1, 51–90 → 0, 91–110 → 1, 111–130 → 2, >=131 → 3.
constexpr int kPulseScore3Max = 40;
constexpr int kPulseLowScore1Max = 50;
constexpr int kPulseScore0Max = 90;
constexpr int kPulseHighScore1Max = 110;
constexpr int kPulseScore2Max = 130;

// Consciousness: alert → 0; new confusion, voice, pain, unresponsive → 3.
constexpr int kNotAlertScore = 3;

// Temperature (tenths of °C): <=35.0 → 3, 35.1–36.0 → 1, 36.1–38.0 → 0, 38.1–39.0 → 1,
// >=39.1 → 2.
constexpr int kTemperatureScore3MaxTenths = 350;
constexpr int kTemperatureLowScore1MaxTenths = 360;
constexpr int kTemperatureScore0MaxTenths = 380;
constexpr int kTemperatureHighScore1MaxTenths = 390;

// Chart 2: aggregate 1–4 low, 5–6 medium, >=7 high; a 3 in any single parameter makes a low
// aggregate medium ("low–medium" in the chart, the same urgent ward-based response).
constexpr int kMediumBandMin = 5;
constexpr int kHighBandMin = 7;

}  // namespace

int News2RespRateScore(double breaths_per_min) {
  const int rate = RoundToWhole(breaths_per_min);
  if (rate <= kRespRateScore3Max) return 3;
  if (rate <= kRespRateScore1Max) return 1;
  if (rate <= kRespRateScore0Max) return 0;
  if (rate <= kRespRateScore2Max) return 2;
  return 3;
}

int News2Spo2Score(double spo2, bool on_oxygen, bool hypercapnic_scale2) {
  const int saturation = RoundToWhole(spo2);
  if (!hypercapnic_scale2) {
    if (saturation <= kScale1Score3Max) return 3;
    if (saturation <= kScale1Score2Max) return 2;
    if (saturation <= kScale1Score1Max) return 1;
    return 0;
  }
  if (saturation <= kScale2Score3Max) return 3;
  if (saturation <= kScale2Score2Max) return 2;
  if (saturation <= kScale2Score1Max) return 1;
  if (saturation <= kScale2TargetMax || !on_oxygen) return 0;
  // Above target on oxygen: the patient is being over-oxygenated, which harms in hypercapnia.
  if (saturation <= kScale2OxygenScore1Max) return 1;
  if (saturation <= kScale2OxygenScore2Max) return 2;
  return 3;
}

int News2AirOrOxygenScore(bool on_oxygen) { return on_oxygen ? kOxygenScore : 0; }

int News2SystolicBpScore(double systolic_mmhg) {
  const int pressure = RoundToWhole(systolic_mmhg);
  if (pressure <= kSystolicScore3Max) return 3;
  if (pressure <= kSystolicScore2Max) return 2;
  if (pressure <= kSystolicScore1Max) return 1;
  if (pressure <= kSystolicScore0Max) return 0;
  return 3;
}

int News2HeartRateScore(double beats_per_min) {
  const int pulse = RoundToWhole(beats_per_min);
  if (pulse <= kPulseScore3Max) return 3;
  if (pulse <= kPulseLowScore1Max) return 1;
  if (pulse <= kPulseScore0Max) return 0;
  if (pulse <= kPulseHighScore1Max) return 1;
  if (pulse <= kPulseScore2Max) return 2;
  return 3;
}

int News2ConsciousnessScore(Consciousness consciousness) {
  return consciousness == Consciousness::kAlert ? 0 : kNotAlertScore;
}

int News2TemperatureScore(double celsius) {
  const int tenths = RoundToTenths(celsius);
  if (tenths <= kTemperatureScore3MaxTenths) return 3;
  if (tenths <= kTemperatureLowScore1MaxTenths) return 1;
  if (tenths <= kTemperatureScore0MaxTenths) return 0;
  if (tenths <= kTemperatureHighScore1MaxTenths) return 1;
  return 2;
}

News2Band News2BandFor(int total, bool any_parameter_scored_3) {
  if (total <= 0) return News2Band::kNone;
  if (total >= kHighBandMin) return News2Band::kHigh;
  if (total >= kMediumBandMin || any_parameter_scored_3) return News2Band::kMedium;
  return News2Band::kLow;
}

News2Outcome ScoreNews2(const Observation& observation) {
  News2Outcome outcome;
  const bool complete =
      internal::Known(observation.resp_rate) && internal::Known(observation.spo2) &&
      observation.on_oxygen.has_value() && internal::Known(observation.systolic_bp) &&
      internal::Known(observation.heart_rate) && observation.consciousness.has_value() &&
      internal::Known(observation.temperature_c);
  if (!complete) return outcome;
  const bool on_oxygen = *observation.on_oxygen;
  const int scores[] = {
      News2RespRateScore(*observation.resp_rate),
      News2Spo2Score(*observation.spo2, on_oxygen, observation.hypercapnic_target),
      News2AirOrOxygenScore(on_oxygen),
      News2SystolicBpScore(*observation.systolic_bp),
      News2HeartRateScore(*observation.heart_rate),
      News2ConsciousnessScore(*observation.consciousness),
      News2TemperatureScore(*observation.temperature_c),
  };
  int total = 0;
  for (const int score : scores) {
    total += score;
    outcome.any_parameter_scored_3 |= score == 3;
  }
  outcome.total = total;
  outcome.band = News2BandFor(total, outcome.any_parameter_scored_3);
  return outcome;
}

}  // namespace lifeline::triage
