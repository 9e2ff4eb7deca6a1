#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "engines/tracing/chains.h"

namespace lifeline::tracing {

// Health codes (issue 6): every person's green, yellow or red code, with its reason, computed
// from what the desk knows of them, so the rules live in one place (HealthCodeRules) and a code
// can be recomputed for any moment, and its history told.
//
// - Red: a confirmed or asymptomatic case, until released from isolation; a close contact in
//   quarantine. Quarantine runs `quarantine` (14 days) from an exposure, and a new exposure while
//   in quarantine restarts it.
// - Yellow: a spatiotemporal companion, until `negatives_needed` (2) negative tests taken after
//   being flagged, at least `negatives_apart` (24 h) apart; anyone who stayed in a high-risk area
//   during the last `area_window` (14 days).
// - Green otherwise.
// The strongest applicable reason names the code.

enum class CodeColour { kGreen, kYellow, kRed };

enum class CodeReason {
  kNone,
  kConfirmedCase,
  kAsymptomaticCase,
  kCloseContactInQuarantine,
  kCompanionAwaitingTests,
  kHighRiskAreaStay,
};

struct TestResult {
  UnixMillis taken = 0;
  bool positive = false;
};

// What the desk knows of one person.
struct CodeFacts {
  std::optional<UnixMillis> confirmed_at;     // a confirmed case from
  std::optional<UnixMillis> asymptomatic_at;  // a positive test without symptoms from
  std::optional<UnixMillis> released_at;      // released from isolation (ends a case's red)
  std::vector<UnixMillis> close_contact_exposures;
  std::vector<UnixMillis> companion_flags;  // when the companion engine named them
  std::vector<TestResult> tests;
  std::vector<Interval> high_risk_stays;
};

struct HealthCodeRules {
  UnixMillis quarantine = 14 * kMillisPerDay;
  int negatives_needed = 2;
  UnixMillis negatives_apart = 24 * kMillisPerHour;
  UnixMillis area_window = 14 * kMillisPerDay;
};

struct HealthCode {
  CodeColour colour = CodeColour::kGreen;
  CodeReason reason = CodeReason::kNone;
  UnixMillis since = 0;             // when the reason began to apply (green: `now`)
  std::optional<UnixMillis> until;  // when it stops unless something new happens, if known
};

// One entry of a code's history: from `at` on, this colour for this reason.
struct CodeChange {
  UnixMillis at = 0;
  CodeColour colour = CodeColour::kGreen;
  CodeReason reason = CodeReason::kNone;
  friend bool operator==(const CodeChange&, const CodeChange&) = default;
};

// InvalidArgument for negative durations or fewer than one negative test needed.
Status CheckHealthCodeRules(const HealthCodeRules& rules);

// A close contact's quarantine running at `now` (from its first exposure to 14 days after the
// last that restarted it), if any: what the desk shows as quarantine start and end, and what
// the follow-up plan (follow_up.h) covers.
std::optional<Interval> QuarantineSpan(std::span<const UnixMillis> exposures, UnixMillis now,
                                       const HealthCodeRules& rules = {});

// The code at `now`.
HealthCode CodeAt(const CodeFacts& facts, UnixMillis now, const HealthCodeRules& rules = {});

// Every change of code (colour or reason) from the first fact up to `now`, oldest first; the
// last entry is the code at `now`. A person with no facts has one green entry at `now`.
std::vector<CodeChange> CodeHistory(const CodeFacts& facts, UnixMillis now,
                                    const HealthCodeRules& rules = {});

}  // namespace lifeline::tracing
