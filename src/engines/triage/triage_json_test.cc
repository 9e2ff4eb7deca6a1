// The `lifeline triage` wire format: what each input key accepts, which lines are refused and
// why, and the exact shape of an output line.

#include "engines/triage/triage_json.h"

#include <gtest/gtest.h>

#include <string>

namespace lifeline::triage {
namespace {

Observation ParseOk(std::string_view line) {
  Result<Observation> parsed = ParseObservationJson(line);
  EXPECT_TRUE(parsed.ok()) << line << "\n" << parsed.status().ToString();
  return parsed.ok() ? *parsed : Observation{};
}

// The message id and the field a refused line names.
std::pair<std::string, std::string> Refusal(std::string_view line) {
  Result<Observation> parsed = ParseObservationJson(line);
  EXPECT_FALSE(parsed.ok()) << line;
  return {parsed.status().message_id(), parsed.status().field()};
}

TEST(TriageJsonTest, ReadsEveryKey) {
  const Observation observation = ParseOk(
      R"({"age_years":1,"age_months":14,"resp_rate":42,"spo2":95.5,"on_oxygen":false,)"
      R"("pao2_fio2":310,"systolic_bp":100,"heart_rate":130,"temperature_c":38.6,)"
      R"("consciousness":"v","pneumonia_on_imaging":true,"lesion_progression_48h_pct":-20,)"
      R"("mechanical_ventilation":false,"shock":false,"organ_failure_icu":false,"ards":false,)"
      R"("sepsis":true,"fever_days":4,"laboured_breathing":true,)"
      R"("drowsiness_or_convulsions":false,"feeding_difficulty_dehydration":true,)"
      R"("hypercapnic_target":true,"awaiting_bed":true,"symptoms":["cough","嘴唇发紫"],)"
      R"("comorbidities":["asthma","other"],"needs":["oxygen","psychological_support"]})");
  EXPECT_EQ(observation.age_years, 1);
  EXPECT_EQ(observation.age_months, 14);
  EXPECT_EQ(observation.resp_rate, 42);
  EXPECT_EQ(observation.spo2, 95.5);
  EXPECT_EQ(observation.on_oxygen, false);
  EXPECT_EQ(observation.pao2_fio2, 310);
  EXPECT_EQ(observation.systolic_bp, 100);
  EXPECT_EQ(observation.heart_rate, 130);
  EXPECT_EQ(observation.temperature_c, 38.6);
  EXPECT_EQ(observation.consciousness, Consciousness::kVoice);
  EXPECT_EQ(observation.pneumonia_on_imaging, true);
  EXPECT_EQ(observation.lesion_progression_48h_pct, -20);
  EXPECT_EQ(observation.mechanical_ventilation, false);
  EXPECT_EQ(observation.sepsis, true);
  EXPECT_EQ(observation.fever_days, 4);
  EXPECT_EQ(observation.laboured_breathing, true);
  EXPECT_EQ(observation.drowsiness_or_convulsions, false);
  EXPECT_EQ(observation.feeding_difficulty_dehydration, true);
  EXPECT_TRUE(observation.hypercapnic_target);
  EXPECT_TRUE(observation.awaiting_bed);
  EXPECT_EQ(observation.red_flags, kRedFlagBlueLips);
  EXPECT_EQ(observation.risk_factors, kRiskLungDisease);
  EXPECT_EQ(observation.needs, kNeedOxygen | kNeedPsychologicalSupport);
}

TEST(TriageJsonTest, NullIsMissingAndUnknownKeysAreIgnored) {
  const Observation observation = ParseOk(
      R"({"spo2":null,"on_oxygen":null,"consciousness":null,"symptoms":null,)"
      R"("hypercapnic_target":null,"case_id":"c-17","extra":{"nested":[1,{"a":[]}]},"n":[[]]})");
  EXPECT_FALSE(observation.spo2.has_value());
  EXPECT_FALSE(observation.on_oxygen.has_value());
  EXPECT_FALSE(observation.consciousness.has_value());
  EXPECT_FALSE(observation.hypercapnic_target);
  EXPECT_EQ(observation.red_flags, 0u);
  ParseOk("{}");
  ParseOk("  {\"spo2\": 97}  ");
}

TEST(TriageJsonTest, RefusesMalformedLinesAndNonObjects) {
  EXPECT_EQ(Refusal(R"({"spo2": 97)").first, "triage.error.malformed");
  EXPECT_EQ(Refusal(R"({"spo2": 97} trailing)").first, "triage.error.malformed");
  EXPECT_EQ(Refusal("not json").first, "triage.error.malformed");
  EXPECT_EQ(Refusal("[1]").first, "triage.error.not_object");
  EXPECT_EQ(Refusal("42").first, "triage.error.not_object");
  EXPECT_EQ(Refusal("\"text\"").first, "triage.error.not_object");
  EXPECT_EQ(Refusal("null").first, "triage.error.not_object");
}

TEST(TriageJsonTest, RefusesWrongTypesNamingTheField) {
  using Expected = std::pair<std::string, std::string>;
  EXPECT_EQ(Refusal(R"({"spo2":"95"})"), Expected("triage.error.expected_number", "spo2"));
  EXPECT_EQ(Refusal(R"({"resp_rate":true})"),
            Expected("triage.error.expected_number", "resp_rate"));
  EXPECT_EQ(Refusal(R"({"age_years":[3]})"), Expected("triage.error.expected_number", "age_years"));
  EXPECT_EQ(Refusal(R"({"shock":1})"), Expected("triage.error.expected_bool", "shock"));
  EXPECT_EQ(Refusal(R"({"awaiting_bed":"yes"})"),
            Expected("triage.error.expected_bool", "awaiting_bed"));
  EXPECT_EQ(Refusal(R"({"symptoms":"cough"})"),
            Expected("triage.error.expected_strings", "symptoms"));
  EXPECT_EQ(Refusal(R"({"symptoms":["cough",3]})"),
            Expected("triage.error.expected_strings", "symptoms"));
  EXPECT_EQ(Refusal(R"({"comorbidities":[["diabetes"]]})"),
            Expected("triage.error.expected_strings", "comorbidities"));
  EXPECT_EQ(Refusal(R"({"consciousness":1})").first, "triage.error.consciousness");
}

TEST(TriageJsonTest, RefusesOutOfRangeAndUnknownValues) {
  Result<Observation> spo2 = ParseObservationJson(R"({"spo2":150})");
  ASSERT_FALSE(spo2.ok());
  EXPECT_EQ(spo2.status().message_id(), "triage.error.out_of_range");
  EXPECT_EQ(spo2.status().args(),
            (MessageArgs{{"field", "spo2"}, {"value", "150"}, {"min", "0"}, {"max", "100"}}));
  EXPECT_EQ(Refusal(R"({"resp_rate":-1})").second, "resp_rate");
  EXPECT_EQ(Refusal(R"({"temperature_c":98.6})").first, "triage.error.out_of_range");
  EXPECT_EQ(
      Refusal(R"({"consciousness":"X"})"),
      std::make_pair(std::string("triage.error.consciousness"), std::string("consciousness")));
  EXPECT_EQ(Refusal(R"({"comorbidities":["diabetic"]})").first, "triage.error.comorbidity");
  EXPECT_EQ(Refusal(R"({"needs":["hugs"]})").first, "triage.error.need");
  EXPECT_EQ(Refusal(R"({"spo2":97,"spo2":98})").first, "triage.error.duplicate_key");
  EXPECT_EQ(Refusal(R"({"age_years":30,"age_months":4})").first, "triage.error.age_mismatch");
  ParseOk(R"({"age_years":1,"age_months":23})");
}

TEST(TriageJsonTest, WritesTheContractKeysInOrder) {
  TriageResult result;
  result.nhc_severity = Severity::kSevere;
  result.who_severity = Severity::kMild;
  result.news2 = 3;
  result.news2_band = News2Band::kMedium;
  result.tier = Tier::kIcu;
  result.priority = 53;
  result.reasons = Bit(Reason::kNhcAdultRrGe30) | Bit(Reason::kNews2SingleParameter3);
  result.missing = Bit(Field::kPao2Fio2);
  result.actions = Bit(Action::kCall120);
  std::string out;
  AppendResultJson(result, {}, out);
  EXPECT_EQ(out,
            R"({"nhc_severity":"severe","who_severity":"mild","news2":3,"news2_band":"medium",)"
            R"("tier":"icu","priority":53,"reasons":["nhc_adult_rr_ge_30",)"
            R"("news2_single_parameter_3"],"missing":["pao2_fio2"]})");

  out.clear();
  result.news2.reset();
  result.news2_band.reset();
  result.reasons = 0;
  result.missing = 0;
  AppendResultJson(result, {.with_actions = true}, out);
  EXPECT_EQ(out, R"({"nhc_severity":"severe","who_severity":"mild","news2":null,"news2_band":null,)"
                 R"("tier":"icu","priority":53,"reasons":[],"missing":[],"actions":["call_120"]})");
}

TEST(TriageJsonTest, ErrorLinesEscapeTheMessage) {
  std::string out;
  AppendErrorJson(7, "bad \"value\"\n", out);
  EXPECT_EQ(out, R"({"line":7,"error":"bad \"value\"\n"})");
}

}  // namespace
}  // namespace lifeline::triage
