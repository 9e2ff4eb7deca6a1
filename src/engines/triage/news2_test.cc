// Every cell of the NEWS2 chart (RCP 2017, chart 1), both SpO2 scales, and the bands of chart 2.

#include <gtest/gtest.h>

#include <vector>

#include "engines/triage/triage.h"

namespace lifeline::triage {
namespace {

struct Cell {
  double value;
  int score;
};

TEST(News2Test, RespirationRateRow) {
  // <=8 → 3, 9–11 → 1, 12–20 → 0, 21–24 → 2, >=25 → 3: each edge and the value past it.
  const std::vector<Cell> cells = {{0, 3},  {8, 3},  {9, 1},  {11, 1}, {12, 0},
                                   {20, 0}, {21, 2}, {24, 2}, {25, 3}, {60, 3}};
  for (const Cell& cell : cells) {
    EXPECT_EQ(News2RespRateScore(cell.value), cell.score) << "RR " << cell.value;
  }
}

TEST(News2Test, Spo2Scale1IgnoresOxygenInTheSpo2Row) {
  // <=91 → 3, 92–93 → 2, 94–95 → 1, >=96 → 0.
  const std::vector<Cell> cells = {{70, 3}, {91, 3}, {92, 2}, {93, 2},
                                   {94, 1}, {95, 1}, {96, 0}, {100, 0}};
  for (const Cell& cell : cells) {
    for (const bool on_oxygen : {false, true}) {
      EXPECT_EQ(News2Spo2Score(cell.value, on_oxygen, /*hypercapnic_scale2=*/false), cell.score)
          << "SpO2 " << cell.value << (on_oxygen ? " on oxygen" : " on air");
    }
  }
}

TEST(News2Test, Spo2Scale2BelowAndInsideTheTargetIsTheSameOnAirAndOxygen) {
  // <=83 → 3, 84–85 → 2, 86–87 → 1, 88–92 → 0.
  const std::vector<Cell> cells = {{70, 3}, {83, 3}, {84, 2}, {85, 2}, {86, 1},
                                   {87, 1}, {88, 0}, {90, 0}, {92, 0}};
  for (const Cell& cell : cells) {
    for (const bool on_oxygen : {false, true}) {
      EXPECT_EQ(News2Spo2Score(cell.value, on_oxygen, /*hypercapnic_scale2=*/true), cell.score)
          << "SpO2 " << cell.value << (on_oxygen ? " on oxygen" : " on air");
    }
  }
}

TEST(News2Test, Spo2Scale2AboveTheTargetScoresOnlyOnOxygen) {
  // >=93 on air → 0; on oxygen 93–94 → 1, 95–96 → 2, >=97 → 3.
  const std::vector<Cell> on_air = {{93, 0}, {94, 0}, {95, 0}, {96, 0}, {97, 0}, {100, 0}};
  for (const Cell& cell : on_air) {
    EXPECT_EQ(News2Spo2Score(cell.value, /*on_oxygen=*/false, true), cell.score) << cell.value;
  }
  const std::vector<Cell> on_oxygen = {{93, 1}, {94, 1}, {95, 2}, {96, 2}, {97, 3}, {100, 3}};
  for (const Cell& cell : on_oxygen) {
    EXPECT_EQ(News2Spo2Score(cell.value, /*on_oxygen=*/true, true), cell.score) << cell.value;
  }
}

TEST(News2Test, AirOrOxygenRow) {
  EXPECT_EQ(News2AirOrOxygenScore(false), 0);
  EXPECT_EQ(News2AirOrOxygenScore(true), 2);
}

TEST(News2Test, SystolicBloodPressureRow) {
  // <=90 → 3, 91–100 → 2, 101–110 → 1, 111–219 → 0, >=220 → 3.
  const std::vector<Cell> cells = {{60, 3},  {90, 3},  {91, 2},  {100, 2}, {101, 1},
                                   {110, 1}, {111, 0}, {219, 0}, {220, 3}, {260, 3}};
  for (const Cell& cell : cells) {
    EXPECT_EQ(News2SystolicBpScore(cell.value), cell.score) << "SBP " << cell.value;
  }
}

TEST(News2Test, PulseRow) {
  // <=40 → 3, 41–50 → 1, 51–90 → 0, 91–110 → 1, 111–130 → 2, >=131 → 3.
  const std::vector<Cell> cells = {{30, 3}, {40, 3},  {41, 1},  {50, 1},  {51, 0},  {90, 0},
                                   {91, 1}, {110, 1}, {111, 2}, {130, 2}, {131, 3}, {180, 3}};
  for (const Cell& cell : cells) {
    EXPECT_EQ(News2HeartRateScore(cell.value), cell.score) << "pulse " << cell.value;
  }
}

TEST(News2Test, ConsciousnessRow) {
  EXPECT_EQ(News2ConsciousnessScore(Consciousness::kAlert), 0);
  for (const Consciousness level : {Consciousness::kNewConfusion, Consciousness::kVoice,
                                    Consciousness::kPain, Consciousness::kUnresponsive}) {
    EXPECT_EQ(News2ConsciousnessScore(level), 3) << static_cast<int>(level);
  }
}

TEST(News2Test, TemperatureRow) {
  // <=35.0 → 3, 35.1–36.0 → 1, 36.1–38.0 → 0, 38.1–39.0 → 1, >=39.1 → 2.
  const std::vector<Cell> cells = {{33.0, 3}, {35.0, 3}, {35.1, 1}, {36.0, 1}, {36.1, 0},
                                   {38.0, 0}, {38.1, 1}, {39.0, 1}, {39.1, 2}, {41.0, 2}};
  for (const Cell& cell : cells) {
    EXPECT_EQ(News2TemperatureScore(cell.value), cell.score) << "temperature " << cell.value;
  }
}

TEST(News2Test, ReadingsAreRoundedAsCharted) {
  EXPECT_EQ(News2RespRateScore(20.4), 0);
  EXPECT_EQ(News2RespRateScore(20.5), 2) << "20.5 charts as 21";
  EXPECT_EQ(News2Spo2Score(95.5, false, false), 0) << "95.5 charts as 96";
  EXPECT_EQ(News2TemperatureScore(38.04), 0);
  EXPECT_EQ(News2TemperatureScore(38.06), 1) << "38.06 charts as 38.1";
}

TEST(News2Test, BandEdgesAndTheSingleThreeRule) {
  EXPECT_EQ(News2BandFor(0, false), News2Band::kNone);
  EXPECT_EQ(News2BandFor(1, false), News2Band::kLow);
  EXPECT_EQ(News2BandFor(4, false), News2Band::kLow);
  EXPECT_EQ(News2BandFor(5, false), News2Band::kMedium);
  EXPECT_EQ(News2BandFor(6, false), News2Band::kMedium);
  EXPECT_EQ(News2BandFor(7, false), News2Band::kHigh);
  EXPECT_EQ(News2BandFor(20, false), News2Band::kHigh);
  EXPECT_EQ(News2BandFor(3, true), News2Band::kMedium) << "a single 3 makes a low total medium";
  EXPECT_EQ(News2BandFor(4, true), News2Band::kMedium);
  EXPECT_EQ(News2BandFor(7, true), News2Band::kHigh) << "but never lowers a high one";
}

Observation NormalAdult() {
  Observation observation;
  observation.age_years = 40;
  observation.resp_rate = 16;
  observation.spo2 = 98;
  observation.on_oxygen = false;
  observation.systolic_bp = 120;
  observation.heart_rate = 80;
  observation.temperature_c = 37.0;
  observation.consciousness = Consciousness::kAlert;
  return observation;
}

TEST(News2Test, WholeChartTotalsAndBands) {
  Observation observation = NormalAdult();
  EXPECT_EQ(ScoreNews2(observation).total, 0);
  EXPECT_EQ(ScoreNews2(observation).band, News2Band::kNone);

  observation.temperature_c = 38.5;  // 1
  EXPECT_EQ(ScoreNews2(observation).total, 1);
  EXPECT_EQ(ScoreNews2(observation).band, News2Band::kLow);

  observation.resp_rate = 22;   // 2
  observation.heart_rate = 95;  // 1
  EXPECT_EQ(ScoreNews2(observation).total, 4);
  EXPECT_EQ(ScoreNews2(observation).band, News2Band::kLow);

  observation.systolic_bp = 105;  // 1
  EXPECT_EQ(ScoreNews2(observation).total, 5);
  EXPECT_EQ(ScoreNews2(observation).band, News2Band::kMedium);

  observation.systolic_bp = 95;  // 2
  EXPECT_EQ(ScoreNews2(observation).total, 6);
  EXPECT_EQ(ScoreNews2(observation).band, News2Band::kMedium);

  observation.heart_rate = 115;  // 2
  EXPECT_EQ(ScoreNews2(observation).total, 7);
  EXPECT_EQ(ScoreNews2(observation).band, News2Band::kHigh);
  EXPECT_FALSE(ScoreNews2(observation).any_parameter_scored_3);

  Observation single_three = NormalAdult();
  single_three.consciousness = Consciousness::kNewConfusion;
  const News2Outcome outcome = ScoreNews2(single_three);
  EXPECT_EQ(outcome.total, 3);
  EXPECT_TRUE(outcome.any_parameter_scored_3);
  EXPECT_EQ(outcome.band, News2Band::kMedium);
}

TEST(News2Test, OxygenAddsTwoAndScale2ChangesOnlyTheSpo2Row) {
  Observation observation = NormalAdult();
  observation.on_oxygen = true;
  observation.spo2 = 97;
  EXPECT_EQ(ScoreNews2(observation).total, 2) << "scale 1: 97 % scores 0, oxygen 2";
  observation.hypercapnic_target = true;
  EXPECT_EQ(ScoreNews2(observation).total, 5) << "scale 2: 97 % on oxygen scores 3, oxygen 2";
  observation.on_oxygen = false;
  EXPECT_EQ(ScoreNews2(observation).total, 0) << "scale 2: 97 % on air scores 0";
  observation.spo2 = 87;
  EXPECT_EQ(ScoreNews2(observation).total, 1) << "scale 2: 87 % scores 1 (scale 1 would be 3)";
}

TEST(News2Test, AnyMissingParameterMakesTheScoreNull) {
  const std::vector<void (*)(Observation&)> removals = {
      [](Observation& o) { o.resp_rate.reset(); },
      [](Observation& o) { o.spo2.reset(); },
      [](Observation& o) { o.on_oxygen.reset(); },
      [](Observation& o) { o.systolic_bp.reset(); },
      [](Observation& o) { o.heart_rate.reset(); },
      [](Observation& o) { o.consciousness.reset(); },
      [](Observation& o) { o.temperature_c.reset(); },
  };
  for (std::size_t removal_idx = 0; removal_idx < removals.size(); ++removal_idx) {
    Observation observation = NormalAdult();
    removals[removal_idx](observation);
    const News2Outcome outcome = ScoreNews2(observation);
    EXPECT_FALSE(outcome.total.has_value()) << "parameter " << removal_idx;
    EXPECT_FALSE(outcome.band.has_value()) << "parameter " << removal_idx;
  }
}

}  // namespace
}  // namespace lifeline::triage
