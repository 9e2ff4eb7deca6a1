#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "engines/tracing/chains.h"

namespace lifeline::tracing {

// Risk areas (issue 6): a district, street or residential compound is medium risk while a case
// has been there within the last `window` (14 days) and high risk while at least `high_cases`
// distinct cases have; it falls back as those visits age past the window without a new case.
// Areas are independent: a desk that wants a compound's cases to count for its street and
// district too records the visit for each.

enum class RiskLevel { kLow, kMedium, kHigh };

// A case was in `area` at `at` (a visit from its trajectory, or where it lives).
struct CaseVisit {
  std::string area;
  PersonId case_id = 0;
  UnixMillis at = 0;
};

struct RiskAreaRules {
  UnixMillis window = 14 * kMillisPerDay;
  int high_cases = 10;
};

struct AreaRisk {
  std::string area;
  RiskLevel level = RiskLevel::kLow;
  UnixMillis since = 0;             // when this level began
  std::optional<UnixMillis> until;  // when it falls back unless a new case comes (not for low)
  int cases = 0;                    // distinct cases within the window
};

struct RiskChange {
  UnixMillis at = 0;
  RiskLevel level = RiskLevel::kLow;
  friend bool operator==(const RiskChange&, const RiskChange&) = default;
};

// InvalidArgument for a negative window or fewer than one case for high risk.
Status CheckRiskAreaRules(const RiskAreaRules& rules);

// Every area named by a visit up to `now`, with its level then; by area name.
std::vector<AreaRisk> AreaRisksAt(std::span<const CaseVisit> visits, UnixMillis now,
                                  const RiskAreaRules& rules = {});

// One area's changes of level up to `now`, oldest first (empty if no visit by then).
std::vector<RiskChange> AreaHistory(std::span<const CaseVisit> visits, const std::string& area,
                                    UnixMillis now, const RiskAreaRules& rules = {});

}  // namespace lifeline::tracing
