#include "engines/tracing/health_codes.h"

#include <algorithm>

#include "core/validation.h"

namespace lifeline::tracing {
namespace {

// A reason that applies at some moment: since when, until when (if it will end by itself).
struct Applies {
  UnixMillis since = 0;
  std::optional<UnixMillis> until;
};

// A case until released (a release before the case began does not end it).
std::optional<Applies> CaseAt(std::optional<UnixMillis> from, std::optional<UnixMillis> released,
                              UnixMillis now) {
  if (!from || *from > now) return std::nullopt;
  const bool has_release = released && *released >= *from;
  if (has_release && *released <= now) return std::nullopt;
  return Applies{*from, has_release ? released : std::nullopt};
}

// Quarantine: each exposure starts `quarantine`; one during a quarantine restarts it.
std::optional<Applies> QuarantineAt(std::span<const UnixMillis> given, UnixMillis now,
                                    const HealthCodeRules& rules) {
  std::vector<UnixMillis> exposures(given.begin(), given.end());
  std::sort(exposures.begin(), exposures.end());
  std::optional<Applies> current;
  for (const UnixMillis exposure : exposures) {
    if (exposure > now) break;
    if (current && exposure < *current->until) {
      current->until = exposure + rules.quarantine;
    } else {
      current = Applies{exposure, exposure + rules.quarantine};
    }
  }
  if (current && now < *current->until) return current;
  return std::nullopt;
}

// A companion until enough negative tests after the last flag (and after any positive one),
// each at least negatives_apart after the one counted before it.
std::optional<Applies> CompanionAt(const CodeFacts& facts, UnixMillis now,
                                   const HealthCodeRules& rules) {
  std::optional<UnixMillis> flagged;
  for (const UnixMillis flag : facts.companion_flags) {
    if (flag <= now && (!flagged || flag > *flagged)) flagged = flag;
  }
  if (!flagged) return std::nullopt;
  std::vector<TestResult> tests;
  for (const TestResult& test : facts.tests) {
    if (test.taken >= *flagged && test.taken <= now) tests.push_back(test);
  }
  std::sort(tests.begin(), tests.end(),
            [](const TestResult& a, const TestResult& b) { return a.taken < b.taken; });
  int negatives = 0;
  std::optional<UnixMillis> last_counted;
  for (const TestResult& test : tests) {
    if (test.positive) {
      negatives = 0;
      last_counted.reset();
      continue;
    }
    if (last_counted && test.taken - *last_counted < rules.negatives_apart) continue;
    ++negatives;
    last_counted = test.taken;
    if (negatives >= rules.negatives_needed) return std::nullopt;
  }
  return Applies{*flagged, std::nullopt};
}

// A stay in a high-risk area within the last area_window.
std::optional<Applies> AreaAt(const CodeFacts& facts, UnixMillis now,
                              const HealthCodeRules& rules) {
  std::optional<Applies> found;
  for (const Interval& stay : facts.high_risk_stays) {
    if (stay.start > now || now >= stay.end + rules.area_window) continue;
    if (!found) {
      found = Applies{stay.start, stay.end + rules.area_window};
    } else {
      found->since = std::min(found->since, stay.start);
      found->until = std::max(*found->until, stay.end + rules.area_window);
    }
  }
  return found;
}

}  // namespace

Status CheckHealthCodeRules(const HealthCodeRules& rules) {
  if (rules.quarantine < 0) return FieldInvalid("quarantine", ">= 0");
  if (rules.negatives_needed < 1) return FieldInvalid("negatives_needed", ">= 1");
  if (rules.negatives_apart < 0) return FieldInvalid("negatives_apart", ">= 0");
  if (rules.area_window < 0) return FieldInvalid("area_window", ">= 0");
  return Status::Ok();
}

std::optional<Interval> QuarantineSpan(std::span<const UnixMillis> exposures, UnixMillis now,
                                       const HealthCodeRules& rules) {
  const std::optional<Applies> applies = QuarantineAt(exposures, now, rules);
  if (!applies) return std::nullopt;
  return Interval{applies->since, *applies->until};
}

HealthCode CodeAt(const CodeFacts& facts, UnixMillis now, const HealthCodeRules& rules) {
  const auto code = [](CodeColour colour, CodeReason reason, const Applies& applies) {
    return HealthCode{colour, reason, applies.since, applies.until};
  };
  if (const auto applies = CaseAt(facts.confirmed_at, facts.released_at, now)) {
    return code(CodeColour::kRed, CodeReason::kConfirmedCase, *applies);
  }
  if (const auto applies = CaseAt(facts.asymptomatic_at, facts.released_at, now)) {
    return code(CodeColour::kRed, CodeReason::kAsymptomaticCase, *applies);
  }
  if (const auto applies = QuarantineAt(facts.close_contact_exposures, now, rules)) {
    return code(CodeColour::kRed, CodeReason::kCloseContactInQuarantine, *applies);
  }
  if (const auto applies = CompanionAt(facts, now, rules)) {
    return code(CodeColour::kYellow, CodeReason::kCompanionAwaitingTests, *applies);
  }
  if (const auto applies = AreaAt(facts, now, rules)) {
    return code(CodeColour::kYellow, CodeReason::kHighRiskAreaStay, *applies);
  }
  return HealthCode{CodeColour::kGreen, CodeReason::kNone, now, std::nullopt};
}

std::vector<CodeChange> CodeHistory(const CodeFacts& facts, UnixMillis now,
                                    const HealthCodeRules& rules) {
  // The code can only change when a fact begins or a reason runs out.
  std::vector<UnixMillis> moments;
  for (const std::optional<UnixMillis>& at :
       {facts.confirmed_at, facts.asymptomatic_at, facts.released_at}) {
    if (at) moments.push_back(*at);
  }
  for (const UnixMillis exposure : facts.close_contact_exposures) {
    moments.push_back(exposure);
    moments.push_back(exposure + rules.quarantine);
  }
  moments.insert(moments.end(), facts.companion_flags.begin(), facts.companion_flags.end());
  for (const TestResult& test : facts.tests) moments.push_back(test.taken);
  for (const Interval& stay : facts.high_risk_stays) {
    moments.push_back(stay.start);
    moments.push_back(stay.end + rules.area_window);
  }
  std::sort(moments.begin(), moments.end());
  moments.erase(std::unique(moments.begin(), moments.end()), moments.end());
  std::vector<CodeChange> history;
  for (const UnixMillis at : moments) {
    if (at > now) break;
    const HealthCode code = CodeAt(facts, at, rules);
    if (history.empty() || history.back().colour != code.colour ||
        history.back().reason != code.reason) {
      history.push_back({at, code.colour, code.reason});
    }
  }
  if (history.empty()) history.push_back({now, CodeColour::kGreen, CodeReason::kNone});
  return history;
}

}  // namespace lifeline::tracing
