#include "services/tracing/tracing_config.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace lifeline {

const std::string_view kTracingConfigKeys[13] = {"tracing_quarantine_days",
                                                 "tracing_companion_negatives",
                                                 "tracing_negatives_apart_hours",
                                                 "tracing_high_risk_stay_days",
                                                 "tracing_incubation_min_days",
                                                 "tracing_incubation_max_days",
                                                 "tracing_incubation_most_likely_days",
                                                 "tracing_risk_area_days",
                                                 "tracing_high_risk_cases",
                                                 "tracing_rings",
                                                 "tracing_ring_days_per_case",
                                                 "tracing_ring_growth",
                                                 "tracing_test_days"};

namespace {

Status OutOfRange(const ConfigFile& config, std::string_view key, std::int64_t min,
                  std::int64_t max) {
  return Status::InvalidArgument("error.config_out_of_range",
                                 {{"key", std::string(key)},
                                  {"line", std::to_string(config.Line(key))},
                                  {"min", std::to_string(min)},
                                  {"max", std::to_string(max)}});
}

// The key's whole number within [min, max], or `fallback` when the key is absent.
Result<std::int64_t> Bounded(const ConfigFile& config, std::string_view key, std::int64_t fallback,
                             std::int64_t min, std::int64_t max) {
  ASSIGN_OR_RETURN(const std::int64_t value, config.GetInt(key, fallback));
  if (value < min || value > max) return OutOfRange(config, key, min, max);
  return value;
}

// "1,4,7,14": ascending days from 1 to 60.
Result<std::vector<int>> TestDays(const ConfigFile& config, std::vector<int> fallback) {
  constexpr std::string_view kKey = "tracing_test_days";
  const std::optional<std::string> text = config.Get(kKey);
  if (!text) return fallback;
  std::vector<int> days;
  const char* at = text->data();
  const char* end = at + text->size();
  while (at < end) {
    while (at < end && (*at == ' ' || *at == ',')) ++at;
    if (at == end) break;
    int day = 0;
    const auto [next, error] = std::from_chars(at, end, day);
    if (error != std::errc() || day < 1 || day > 60 || (!days.empty() && day <= days.back())) {
      return Status::InvalidArgument(
          "error.config_test_days",
          {{"key", std::string(kKey)}, {"line", std::to_string(config.Line(kKey))}});
    }
    days.push_back(day);
    at = next;
    if (at < end && *at != ',' && *at != ' ') {
      return Status::InvalidArgument(
          "error.config_test_days",
          {{"key", std::string(kKey)}, {"line", std::to_string(config.Line(kKey))}});
    }
  }
  if (days.empty()) {
    return Status::InvalidArgument(
        "error.config_test_days",
        {{"key", std::string(kKey)}, {"line", std::to_string(config.Line(kKey))}});
  }
  return days;
}

}  // namespace

Status ApplyTracingConfig(const ConfigFile& config, TracingOptions& options) {
  tracing::HealthCodeRules& codes = options.codes;
  ASSIGN_OR_RETURN(const std::int64_t quarantine, Bounded(config, "tracing_quarantine_days",
                                                          codes.quarantine / kMillisPerDay, 1, 60));
  ASSIGN_OR_RETURN(const std::int64_t negatives,
                   Bounded(config, "tracing_companion_negatives", codes.negatives_needed, 1, 5));
  ASSIGN_OR_RETURN(const std::int64_t apart,
                   Bounded(config, "tracing_negatives_apart_hours",
                           codes.negatives_apart / kMillisPerHour, 0, 168));
  ASSIGN_OR_RETURN(const std::int64_t stay, Bounded(config, "tracing_high_risk_stay_days",
                                                    codes.area_window / kMillisPerDay, 1, 60));

  tracing::ChainOptions& chains = options.chains;
  ASSIGN_OR_RETURN(const std::int64_t min_days,
                   Bounded(config, "tracing_incubation_min_days",
                           static_cast<std::int64_t>(chains.min_incubation_days), 0, 30));
  ASSIGN_OR_RETURN(const std::int64_t max_days,
                   Bounded(config, "tracing_incubation_max_days",
                           static_cast<std::int64_t>(chains.max_incubation_days), 1, 42));
  ASSIGN_OR_RETURN(const std::int64_t likely_days,
                   Bounded(config, "tracing_incubation_most_likely_days",
                           static_cast<std::int64_t>(chains.most_likely_days), 1, 41));
  if (!(min_days < likely_days && likely_days < max_days)) {
    return Status::InvalidArgument("error.config_incubation",
                                   {{"min", std::to_string(min_days)},
                                    {"likely", std::to_string(likely_days)},
                                    {"max", std::to_string(max_days)}});
  }

  ASSIGN_OR_RETURN(
      const std::int64_t area_days,
      Bounded(config, "tracing_risk_area_days", options.areas.window / kMillisPerDay, 1, 60));
  ASSIGN_OR_RETURN(const std::int64_t high_cases,
                   Bounded(config, "tracing_high_risk_cases", options.areas.high_cases, 1, 100000));
  ASSIGN_OR_RETURN(const std::int64_t rings,
                   Bounded(config, "tracing_rings", options.rings.rings, 1, 5));
  ASSIGN_OR_RETURN(const std::int64_t days_per_case,
                   Bounded(config, "tracing_ring_days_per_case",
                           static_cast<std::int64_t>(options.rings.days_per_case), 1, 1000));
  ASSIGN_OR_RETURN(const std::int64_t growth,
                   Bounded(config, "tracing_ring_growth",
                           static_cast<std::int64_t>(options.rings.growth), 1, 100));
  ASSIGN_OR_RETURN(std::vector<int> test_days, TestDays(config, options.follow_up.test_days));

  // Only once every key is valid: a bad file changes nothing.
  codes.quarantine = quarantine * kMillisPerDay;
  codes.negatives_needed = static_cast<int>(negatives);
  codes.negatives_apart = apart * kMillisPerHour;
  codes.area_window = stay * kMillisPerDay;
  chains.min_incubation_days = static_cast<double>(min_days);
  chains.max_incubation_days = static_cast<double>(max_days);
  chains.most_likely_days = static_cast<double>(likely_days);
  options.areas.window = area_days * kMillisPerDay;
  options.areas.high_cases = static_cast<int>(high_cases);
  options.rings.rings = static_cast<int>(rings);
  options.rings.days_per_case = static_cast<double>(days_per_case);
  options.rings.growth = static_cast<double>(growth);
  options.follow_up.test_days = std::move(test_days);
  return Status::Ok();
}

}  // namespace lifeline
