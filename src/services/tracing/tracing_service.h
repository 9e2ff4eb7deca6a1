#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "engines/tracing/chains.h"
#include "engines/tracing/follow_up.h"
#include "engines/tracing/health_codes.h"
#include "engines/tracing/rings.h"
#include "engines/tracing/risk_areas.h"
#include "store/database.h"

namespace lifeline {

// The contact-tracing desk's records (issue 6, migration 0011): the people the tracers know of
// (cases and their contacts), their tests, the exposures that link them, their trajectories
// and stays in high-risk areas; and what the tracing engine (engines/tracing) makes of them:
// each case's likely infectors and possible hidden sources, and every person's health code.
//
// Only tracers and admins may call it (PermissionDenied "error.tracing.tracers_only" for any
// other role): the records are patients' and their movements. Every read of a person, their
// code or the chains writes an audit row in the same transaction, and every change one too.
// Phones are stored sealed with the deployment key and as a keyed hash. Failures are values:
// InvalidArgument naming the field, NotFound "error.record_not_found".
//
// A positive test of someone who is not yet a case makes them one: confirmed if they have a
// symptom onset, asymptomatic otherwise ("every positive opens a case").
//
// Holds no state beyond its options and the key; borrows `database`. Thread-safe.

// Statuses and kinds on the wire and in the store.
constexpr const char* kTracingStatuses[] = {"confirmed", "asymptomatic", "suspected", "negative",
                                            "untested"};
constexpr const char* kExposureKinds[] = {"household", "shared_meal", "workplace",
                                          "same_place_time", "companion"};

struct TracingPersonInput {
  std::string name;
  std::string phone;  // optional
  std::string household;
  std::string district_code;
  std::string status = "untested";
  std::optional<UnixMillis> onset_at;
  std::optional<UnixMillis> confirmed_at;
  std::optional<UnixMillis> asymptomatic_at;
  std::optional<UnixMillis> released_at;
};

struct TracingPerson {
  std::int64_t id = 0;
  std::string name;
  std::string phone;
  std::string household;
  std::string district_code;
  std::string status;
  std::optional<UnixMillis> onset_at;
  std::optional<UnixMillis> confirmed_at;
  std::optional<UnixMillis> asymptomatic_at;
  std::optional<UnixMillis> released_at;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

struct TracingTestInput {
  std::int64_t person_id = 0;
  std::string kind = "pcr";  // antigen, pcr
  bool positive = false;
  std::optional<double> ct;  // PCR cycle threshold
  UnixMillis taken_at = 0;
  std::string batch;  // a testing round's batch
};

struct TracingExposureInput {
  std::int64_t a_id = 0;
  std::int64_t b_id = 0;
  std::string kind;  // kExposureKinds
  UnixMillis start_at = 0;
  UnixMillis end_at = 0;
  std::string place;
  std::string evidence;  // a companion's `companions explain` output
};

struct TracingVisitInput {
  std::int64_t person_id = 0;
  std::string place;
  std::string area;  // the risk area it counts for
  UnixMillis start_at = 0;
  UnixMillis end_at = 0;
  bool high_risk = false;  // the area was high-risk then
};

struct TracingCheckInput {
  std::int64_t person_id = 0;
  UnixMillis at = 0;
  std::string symptoms;  // '' for none
  std::optional<double> temperature_c;
};

// A close contact in quarantine now: its span and its follow-up tasks (follow_up.h).
struct TracingFollowUp {
  std::int64_t person_id = 0;
  std::string name;
  tracing::Interval quarantine;
  std::vector<tracing::FollowUpTask> tasks;
  std::vector<tracing::FollowUpTask> overdue;
};

struct TracingCode {
  tracing::HealthCode now;
  std::vector<tracing::CodeChange> history;  // oldest first; the last is `now`'s
};

struct TracingOptions {
  tracing::ChainOptions chains;
  tracing::HealthCodeRules codes;
  tracing::RingOptions rings;
  tracing::RiskAreaRules areas;
  tracing::FollowUpRules follow_up;
  // The clock every rule reads (tests move it).
  std::function<UnixMillis()> clock = NowMillis;
};

class TracingService {
 public:
  // `pseudonym_key` is the deployment key (crypto.h LoadOrCreateKeyFile); it must be non-empty.
  TracingService(Database& database, std::string pseudonym_key, TracingOptions options = {});

  Result<TracingPerson> AddPerson(const Actor& actor, const TracingPersonInput& person);
  Result<TracingPerson> GetPerson(const Actor& actor, std::int64_t person_id);
  // Returns the test's id.
  Result<std::int64_t> RecordTest(const Actor& actor, const TracingTestInput& test);
  Result<std::int64_t> AddExposure(const Actor& actor, const TracingExposureInput& exposure);
  Result<std::int64_t> AddVisit(const Actor& actor, const TracingVisitInput& visit);

  // Every case's likely infectors and the possible hidden sources, over everything recorded.
  Result<tracing::ChainReport> Chains(const Actor& actor);
  // A person's code now, and its history (one audited read).
  Result<TracingCode> Code(const Actor& actor, std::int64_t person_id);

  // The rings of contacts around `case_ids` (every exposure is a contact link) and the
  // investigator workload per ring against `tracers_on_duty`. NotFound for an unknown case.
  Result<std::vector<tracing::Ring>> Rings(const Actor& actor,
                                           const std::vector<std::int64_t>& case_ids,
                                           int tracers_on_duty);
  // Every area a case (confirmed or asymptomatic) visited, with its risk level now.
  Result<std::vector<tracing::AreaRisk>> RiskAreas(const Actor& actor);

  // A daily symptom check; returns its id.
  Result<std::int64_t> RecordCheck(const Actor& actor, const TracingCheckInput& check);
  // Everyone in quarantine now, with their tasks; those with overdue tasks first, then by id.
  Result<std::vector<TracingFollowUp>> FollowUps(const Actor& actor);

 private:
  UnixMillis Now() const { return options_.clock(); }

  Database& database_;
  const std::string pseudonym_key_;
  const TracingOptions options_;
};

}  // namespace lifeline
