#pragma once

#include <span>
#include <string_view>

#include "core/config.h"
#include "core/status.h"
#include "services/tracing/tracing_service.h"

namespace lifeline {

// The tracing desk's rules as a deployment sets them: the keys of the settings file
// (`lifeline serve --config FILE`) that change TracingOptions, the one place the health-code,
// incubation, risk-area, ring and follow-up rules are configured. A key left out keeps its
// default:
//
//   tracing_quarantine_days = 14         a close contact's quarantine after the last exposure
//   tracing_companion_negatives = 2      negative tests a companion needs to turn green ...
//   tracing_negatives_apart_hours = 24   ... at least this far apart
//   tracing_high_risk_stay_days = 14     a stay in a high-risk area keeps a code yellow this long
//   tracing_incubation_min_days = 1      incubation bounds and most likely value (chain
//   tracing_incubation_max_days = 14     inference); min < most likely < max
//   tracing_incubation_most_likely_days = 5
//   tracing_risk_area_days = 14          an area stays at risk this long after a case's visit
//   tracing_high_risk_cases = 10         distinct cases within that window that make it high
//   tracing_rings = 3                    rings expanded around cases (1-5)
//   tracing_ring_days_per_case = 25      investigator-days per person in ring 1 ...
//   tracing_ring_growth = 10             ... times this for each further ring
//   tracing_test_days = 1,4,7,14         quarantine days with a test, ascending
//
// Values are whole numbers within the ranges in tracing_config.cc; anything else is
// InvalidArgument naming the key and its line.

extern const std::string_view kTracingConfigKeys[13];

// Applies the keys `config` holds to `options`.
Status ApplyTracingConfig(const ConfigFile& config, TracingOptions& options);

}  // namespace lifeline
