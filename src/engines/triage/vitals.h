#pragma once

// Internal to the triage engine: how raw observation values become the whole numbers (and
// tenths of a degree) that the charts and protocols are written in.

#include <cmath>
#include <optional>

namespace lifeline::triage::internal {

// Far outside any physiological value, but inside int: keeps the cast defined for any input.
constexpr double kRoundingLimit = 1e6;

// Nearest whole number, halves away from zero (93.5 -> 94), as a nurse charts a reading.
inline int RoundToWhole(double value) {
  const double clamped =
      value < -kRoundingLimit ? -kRoundingLimit : (value > kRoundingLimit ? kRoundingLimit : value);
  return static_cast<int>(clamped < 0 ? -std::floor(0.5 - clamped) : std::floor(clamped + 0.5));
}

// Temperature in tenths of a degree: the NEWS2 chart's 35.0 / 36.0 / 38.0 / 39.0 edges become
// exact integer comparisons.
inline int RoundToTenths(double celsius) { return RoundToWhole(celsius * 10); }

// A value is known when present and a number (a NaN is as good as missing).
inline bool Known(const std::optional<double>& value) {
  return value.has_value() && !std::isnan(*value);
}

}  // namespace lifeline::triage::internal
