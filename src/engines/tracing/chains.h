#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace lifeline::tracing {

// Chain inference for the contact-tracing desk (issue 6): from onset dates, exposures, shared
// places and times and companion links, the most likely infectors of every case, each with a
// score and the evidence behind it, and the untested people who look like hidden sources.
//
// The model, kept plain so a tracer can follow it (docs/tracing.md):
// - A case's onset is explained by a link to an infector. When the infector has an onset too,
//   the evidence is the onset-to-onset interval; when not (asymptomatic or untested), it is the
//   interval from the exposure to the case's onset. Either must lie within the incubation bounds
//   (default 1 to 14 days), and is weighed by a log-normal density whose most likely value is
//   `most_likely_days` (default 5).
// - An infector with an onset is infectious from 2 days before it to 10 days after; the exposure
//   must fall in that time and before the case's onset.
// - Each kind of exposure has a weight (household closest, companion weakest), and each infector
//   a prior: a case counts fully; an untested person without symptoms counts when something
//   explains their own infection (a stay in a high-risk area, or a link to an earlier case,
//   within the incubation bound before the exposure), and little otherwise.
// - score = kind weight × prior × density, maximised over the links between the two; the
//   candidates of one case are ranked by score, and their shares of the case's total are given.

using PersonId = std::int64_t;

enum class PersonStatus {
  kConfirmed,
  kAsymptomatic,  // a positive test without symptoms
  kSuspected,
  kNegative,  // tested negative
  kUntested,  // no test and no symptoms known: a contact, possibly a hidden source
};

struct Interval {
  UnixMillis start = 0;
  UnixMillis end = 0;  // >= start
};

struct Person {
  PersonId id = 0;
  PersonStatus status = PersonStatus::kUntested;
  std::optional<UnixMillis> onset;  // symptom onset
  // Stays in areas that were high-risk at the time (the trip back from Wuhan): they explain
  // this person's own infection.
  std::vector<Interval> high_risk_stays;
};

enum class ExposureKind {
  kHousehold,
  kSharedMeal,
  kWorkplace,
  kSamePlaceTime,  // also what shared visits (below) become
  kCompanion,      // a spatiotemporal companion from the companion engine
};
constexpr int kExposureKinds = 5;

// Two people together during `when` (a household's or workplace's whole span, a meal's hours).
struct Exposure {
  PersonId a = 0;
  PersonId b = 0;
  ExposureKind kind = ExposureKind::kSamePlaceTime;
  Interval when;
  std::string place;  // optional
};

// One stop of a person's trajectory.
struct Visit {
  PersonId person = 0;
  std::string place;
  Interval when;
};

struct ChainOptions {
  double min_incubation_days = 1;
  double max_incubation_days = 14;
  double most_likely_days = 5;
  double log_sigma = 0.418;  // spread of log(incubation), as estimated early in 2020
  double infectious_before_onset_days = 2;
  double infectious_after_onset_days = 10;
  // Per ExposureKind, in its order.
  double kind_weight[kExposureKinds] = {1.0, 0.8, 0.5, 0.3, 0.2};
  double prior_case = 1.0;       // confirmed or asymptomatic
  double prior_suspected = 0.7;  // suspected, negative: scaled by these
  double prior_negative = 0.1;
  double prior_explained = 0.8;    // untested, own infection explained
  double prior_unexplained = 0.1;  // untested, nothing explains it
  // Shared visits overlapping at least this long become exposures.
  UnixMillis min_shared_visit = 15 * kMillisPerMinute;
  // A hidden source is the top candidate of at least this many cases, each with no other
  // candidate scoring at least `other_source_share` of it.
  int hidden_source_min_cases = 2;
  double other_source_share = 0.5;
};

// One candidate infector of a case and the link that makes it most likely.
struct Candidate {
  PersonId infector = 0;
  double score = 0;
  double share = 0;  // of the case's candidates' total score
  ExposureKind kind = ExposureKind::kSamePlaceTime;
  Interval exposure;  // the link's time (a shared visit: the overlap)
  std::string place;
  double interval_days = 0;         // onset-to-onset, or exposure-to-onset
  bool onset_to_onset = false;      // which of the two interval_days is
  bool infector_explained = false;  // for an untested infector: its own infection has a reason
};

struct CaseChain {
  PersonId case_id = 0;
  std::vector<Candidate> candidates;  // best first
};

// An untested person without symptoms, most likely source of several cases that have no other
// plausible one: "possible asymptomatic source: test now".
struct HiddenSource {
  PersonId person = 0;
  std::vector<PersonId> cases;  // ascending
};

struct ChainReport {
  std::vector<CaseChain> chains;             // one per case with an onset, by case id
  std::vector<HiddenSource> hidden_sources;  // by person id
};

// InvalidArgument for an unknown person in an exposure or visit, an interval ending before it
// starts, a person listed twice, or options out of range.
Result<ChainReport> InferChains(std::span<const Person> people, std::span<const Exposure> exposures,
                                std::span<const Visit> visits, const ChainOptions& options = {});

}  // namespace lifeline::tracing
