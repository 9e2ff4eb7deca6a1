// `lifeline triage` as other tools meet it: JSON Lines in, one JSON object per line out, a bad
// line answered with its line number while the stream goes on.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lifeline {
namespace {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // standard output only
};

// Runs `lifeline triage ARGS` with English messages, `input` on standard input.
CommandResult RunTriage(const std::string& args, const std::string& input) {
  const std::string input_file = ::testing::TempDir() + "/triage-input-" + std::to_string(getpid());
  std::ofstream(input_file, std::ios::binary) << input;
  const std::string command = "LIFELINE_LANG=en " + std::string(LIFELINE_BINARY) + " triage " +
                              args + " < " + input_file + " 2>/dev/null";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[1 << 16];
  std::size_t size = 0;
  while ((size = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, size);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::filesystem::remove(input_file);
  return result;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

constexpr const char* kHealthyAdult =
    R"({"age_years":40,"resp_rate":16,"spo2":98,"on_oxygen":false,"pao2_fio2":450,)"
    R"("systolic_bp":120,"heart_rate":80,"temperature_c":37.0,"consciousness":"A",)"
    R"("pneumonia_on_imaging":false,"lesion_progression_48h_pct":0,)"
    R"("mechanical_ventilation":false,"shock":false,"organ_failure_icu":false,"ards":false,)"
    R"("sepsis":false,"laboured_breathing":false,"symptoms":["cough"],"comorbidities":[]})";

constexpr const char* kHealthyAdultResult =
    R"({"nhc_severity":"mild","who_severity":"mild","news2":0,"news2_band":"none",)"
    R"("tier":"outpatient","priority":10,"reasons":[],"missing":[]})";

TEST(TriageCliTest, HelpDescribesTheContract) {
  const CommandResult help = RunTriage("--help", "");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("Usage"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("--route-by-who"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("nhc_severity"), std::string::npos) << help.output;
}

TEST(TriageCliTest, OneObjectPerLineAndABadLineDoesNotStopTheStream) {
  const std::string input =
      std::string(kHealthyAdult) + "\n" +  // 1
      "\n" +                               // 2: blank, skipped
      R"({"age_years":52,"resp_rate":30,"spo2":95,"on_oxygen":false})" + "\n" +  // 3
      R"({"spo2":150})" + "\n" +                                                 // 4: out of range
      "{\"age_years\": 60, \"spo2\": 9" + "\n" +                                 // 5: malformed
      R"({"resp_rate":-3})" + "\r\n" +                                           // 6: negative RR
      R"({"consciousness":"Z"})" + "\n" +  // 7: unknown letter
      R"({"age_years":70,"symptoms":["cannot breathe"],"comorbidities":["copd"]})";  // 8
  const CommandResult result = RunTriage("", input);
  EXPECT_EQ(result.exit_code, 0);
  const std::vector<std::string> lines = Lines(result.output);
  ASSERT_EQ(lines.size(), 7u) << result.output;
  EXPECT_EQ(lines[0], kHealthyAdultResult);
  EXPECT_EQ(lines[1],
            R"({"nhc_severity":"severe","who_severity":"mild","news2":null,"news2_band":null,)"
            R"("tier":"icu","priority":50,"reasons":["nhc_adult_rr_ge_30"],"missing":[)"
            R"("pao2_fio2","systolic_bp","heart_rate","temperature_c","consciousness",)"
            R"("pneumonia_on_imaging","lesion_progression_48h_pct","mechanical_ventilation",)"
            R"("shock","organ_failure_icu","ards","sepsis","laboured_breathing"]})");
  EXPECT_EQ(lines[2], R"({"line":4,"error":"spo2 150 is outside 0 to 100."})");
  EXPECT_EQ(lines[3], R"({"line":5,"error":"Malformed JSON (near byte 28)."})");
  EXPECT_EQ(lines[4], R"({"line":6,"error":"resp_rate -3 is outside 0 to 150."})");
  EXPECT_EQ(lines[5],
            R"({"line":7,"error":"consciousness must be one of A, C, V, P, U or null (got Z)."})");
  EXPECT_EQ(lines[6],
            R"({"nhc_severity":"severe","who_severity":"severe","news2":null,"news2_band":null,)"
            R"("tier":"icu","priority":61,"reasons":["spo2_missing_cannot_exclude_severe",)"
            R"("red_flag_cannot_breathe","risk_age_65","risk_lung_disease"],"missing":[)"
            R"("resp_rate","spo2","on_oxygen","pao2_fio2","systolic_bp","heart_rate",)"
            R"("temperature_c","consciousness","pneumonia_on_imaging",)"
            R"("lesion_progression_48h_pct","mechanical_ventilation","shock",)"
            R"("organ_failure_icu","ards","sepsis","laboured_breathing"]})");
}

TEST(TriageCliTest, EveryResultHasExactlyTheContractKeysInOrder) {
  const CommandResult result = RunTriage("", std::string(kHealthyAdult) + "\n{}\n");
  const std::vector<std::string> lines = Lines(result.output);
  ASSERT_EQ(lines.size(), 2u) << result.output;
  const std::vector<std::string> expected = {"nhc_severity", "who_severity", "news2",
                                             "news2_band",   "tier",         "priority",
                                             "reasons",      "missing"};
  for (const std::string& line : lines) {
    const nlohmann::ordered_json object = nlohmann::ordered_json::parse(line);
    std::vector<std::string> keys;
    for (const auto& item : object.items()) keys.push_back(item.key());
    EXPECT_EQ(keys, expected) << line;
    EXPECT_TRUE(object["priority"].is_number_integer());
    EXPECT_TRUE(object["reasons"].is_array());
    EXPECT_TRUE(object["missing"].is_array());
  }
}

TEST(TriageCliTest, FlagsAddActionsAndRouteByWho) {
  const std::string line = R"({"age_years":40,"resp_rate":30,"spo2":97,"on_oxygen":false,)"
                           R"("systolic_bp":120,"heart_rate":80,"temperature_c":37,)"
                           R"("consciousness":"A"})";
  const nlohmann::json by_nhc = nlohmann::json::parse(RunTriage("--with-actions", line).output);
  EXPECT_EQ(by_nhc["tier"], "icu");
  EXPECT_EQ(by_nhc["actions"], nlohmann::json({"oxygen_match", "bed_search", "call_120"}));
  const nlohmann::json by_who = nlohmann::json::parse(RunTriage("--route-by-who", line).output);
  EXPECT_EQ(by_who["tier"], "ward") << "WHO mild, NEWS2 medium (RR 30 scores 3)";
  EXPECT_FALSE(by_who.contains("actions"));
}

// Enough input to cross the reader's 1 MiB chunks many times; line numbers must stay exact.
TEST(TriageCliTest, StreamsManyLinesAcrossReadChunks) {
  constexpr int kLineCount = 30000;
  constexpr int kBadEvery = 997;
  std::string input;
  for (int line_idx = 1; line_idx <= kLineCount; ++line_idx) {
    input += line_idx % kBadEvery == 0 ? std::string("{\"spo2\":\"high\"}") : kHealthyAdult;
    input += '\n';
  }
  const CommandResult result = RunTriage("", input);
  EXPECT_EQ(result.exit_code, 0);
  const std::vector<std::string> lines = Lines(result.output);
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kLineCount));
  for (int line_idx = 1; line_idx <= kLineCount; ++line_idx) {
    const std::string& line = lines[line_idx - 1];
    if (line_idx % kBadEvery == 0) {
      ASSERT_EQ(line, "{\"line\":" + std::to_string(line_idx) +
                          R"(,"error":"spo2 must be a number or null."})");
    } else {
      ASSERT_EQ(line, kHealthyAdultResult) << "line " << line_idx;
    }
  }
}

}  // namespace
}  // namespace lifeline
