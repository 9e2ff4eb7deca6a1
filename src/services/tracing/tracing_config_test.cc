#include "services/tracing/tracing_config.h"

#include <gtest/gtest.h>

namespace lifeline {
namespace {

ConfigFile Parse(std::string_view text) {
  Result<ConfigFile> config = ConfigFile::Parse(text);
  EXPECT_TRUE(config.ok());
  return *std::move(config);
}

std::string Arg(const Status& status, const std::string& name) {
  for (const auto& [key, value] : status.args()) {
    if (key == name) return value;
  }
  return "";
}

TEST(TracingConfigTest, AnAbsentKeyKeepsItsDefault) {
  TracingOptions options;
  ASSERT_TRUE(ApplyTracingConfig(Parse("port = 8080\n"), options).ok());
  const TracingOptions defaults;
  EXPECT_EQ(options.codes.quarantine, defaults.codes.quarantine);
  EXPECT_EQ(options.codes.negatives_needed, 2);
  EXPECT_EQ(options.follow_up.test_days, (std::vector<int>{1, 4, 7, 14}));
  EXPECT_EQ(options.rings.days_per_case, 25);
  EXPECT_EQ(options.chains.most_likely_days, 5);
}

TEST(TracingConfigTest, EveryRuleCanBeSetInTheSettingsFile) {
  TracingOptions options;
  const Status status = ApplyTracingConfig(Parse(R"(
tracing_quarantine_days = 7
tracing_companion_negatives = 3
tracing_negatives_apart_hours = 48
tracing_high_risk_stay_days = 7
tracing_incubation_min_days = 2
tracing_incubation_max_days = 10
tracing_incubation_most_likely_days = 4
tracing_risk_area_days = 10
tracing_high_risk_cases = 5
tracing_rings = 2
tracing_ring_days_per_case = 20
tracing_ring_growth = 8
tracing_test_days = 1, 3, 5, 7
)"),
                                           options);
  ASSERT_TRUE(status.ok()) << status.message_id();
  EXPECT_EQ(options.codes.quarantine, 7 * kMillisPerDay);
  EXPECT_EQ(options.codes.negatives_needed, 3);
  EXPECT_EQ(options.codes.negatives_apart, 48 * kMillisPerHour);
  EXPECT_EQ(options.codes.area_window, 7 * kMillisPerDay);
  EXPECT_EQ(options.chains.min_incubation_days, 2);
  EXPECT_EQ(options.chains.max_incubation_days, 10);
  EXPECT_EQ(options.chains.most_likely_days, 4);
  EXPECT_EQ(options.areas.window, 10 * kMillisPerDay);
  EXPECT_EQ(options.areas.high_cases, 5);
  EXPECT_EQ(options.rings.rings, 2);
  EXPECT_EQ(options.rings.days_per_case, 20);
  EXPECT_EQ(options.rings.growth, 8);
  EXPECT_EQ(options.follow_up.test_days, (std::vector<int>{1, 3, 5, 7}));
}

TEST(TracingConfigTest, AValueOutOfRangeNamesItsKeyAndLineAndChangesNothing) {
  TracingOptions options;
  const Status status =
      ApplyTracingConfig(Parse("tracing_rings = 2\n\ntracing_quarantine_days = 0\n"), options);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message_id(), "error.config_out_of_range");
  EXPECT_EQ(Arg(status, "key"), "tracing_quarantine_days");
  EXPECT_EQ(Arg(status, "line"), "3");
  EXPECT_EQ(options.rings.rings, 3);  // the valid key before it was not applied either
}

TEST(TracingConfigTest, TestDaysMustAscendWithinTheQuarantine) {
  for (const char* bad : {"4,1", "1,1", "0,4", "1;4", "1,x", "", "61"}) {
    TracingOptions options;
    const Status status =
        ApplyTracingConfig(Parse(std::string("tracing_test_days = ") + bad + "\n"), options);
    EXPECT_EQ(status.message_id(), "error.config_test_days") << bad;
  }
}

TEST(TracingConfigTest, TheMostLikelyIncubationLiesBetweenItsBounds) {
  TracingOptions options;
  const Status status = ApplyTracingConfig(
      Parse("tracing_incubation_min_days = 6\ntracing_incubation_most_likely_days = 5\n"), options);
  EXPECT_EQ(status.message_id(), "error.config_incubation");
}

}  // namespace
}  // namespace lifeline
