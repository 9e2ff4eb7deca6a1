#pragma once

#include <span>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "engines/tracing/chains.h"

namespace lifeline::tracing {

// A close contact's follow-up during quarantine (issue 6): a symptom check every day and tests
// on set days (1, 4, 7 and 14 by default). Day d of a quarantine is the 24 hours from
// start + (d - 1) days. A day's symptom check is done by any check recorded during it; a test
// day's test by any test taken from its start until the next test day begins (a late test still
// counts). A task is overdue once its day (a test: its window) has ended undone.

struct FollowUpRules {
  std::vector<int> test_days{1, 4, 7, 14};  // ascending, from 1
};

enum class TaskKind { kSymptomCheck, kTest };

struct FollowUpTask {
  TaskKind kind = TaskKind::kSymptomCheck;
  int day = 0;         // of the quarantine, from 1
  UnixMillis due = 0;  // the end of its day (a test: of its window)
  bool done = false;
  friend bool operator==(const FollowUpTask&, const FollowUpTask&) = default;
};

// Every task of a quarantine, by day, checks before tests. InvalidArgument for a quarantine
// ending before it starts or test days not ascending from 1.
Result<std::vector<FollowUpTask>> FollowUpPlan(const Interval& quarantine,
                                               std::span<const UnixMillis> symptom_checks,
                                               std::span<const UnixMillis> tests,
                                               const FollowUpRules& rules = {});

// The tasks of a plan that are overdue at `now`.
std::vector<FollowUpTask> Overdue(std::span<const FollowUpTask> plan, UnixMillis now);

}  // namespace lifeline::tracing
