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
#include "engines/tracing/testing_rounds.h"
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
  std::string district_code;
  tracing::Interval quarantine;
  std::vector<tracing::FollowUpTask> tasks;
  std::vector<tracing::FollowUpTask> overdue;
};

// Someone the chains name — a case, a candidate infector or a possible hidden source — as the
// graph labels them (no phone).
struct TracingChainPerson {
  std::int64_t id = 0;
  std::string name;
  std::string status;
  std::optional<UnixMillis> onset_at;
  std::optional<UnixMillis> confirmed_at;
  std::optional<UnixMillis> asymptomatic_at;
};

struct TracingChains {
  tracing::ChainReport report;
  // Everyone `report` names (cases, candidates' infectors, hidden sources and their cases), by
  // id, as read with the chains.
  std::vector<TracingChainPerson> people;
};

struct TracingCode {
  tracing::HealthCode now;
  std::vector<tracing::CodeChange> history;  // oldest first; the last is `now`'s
};

// The people list (ListPeople). Newest cases first: ordered by the moment each became a case
// (CaseSince: the earlier of confirmed_at and asymptomatic_at), else by when they were
// recorded, latest first; then by id, highest first.
constexpr int kMaxPeoplePage = 1000;
struct TracingPeopleQuery {
  std::string status = "cases";  // cases: confirmed, asymptomatic, suspected; all: everyone
  std::string q;                 // a part of the name (any case), or an exact id
  int limit = 200;               // 1..kMaxPeoplePage
  int offset = 0;
};

struct TracingListedPerson {
  TracingPerson person;      // without the phone: the list never opens phones
  tracing::HealthCode code;  // now
};

struct TracingPeoplePage {
  std::vector<TracingListedPerson> people;
  std::int64_t total = 0;  // matching the filter, over all pages
};

struct TracingTest {
  std::int64_t id = 0;
  std::string kind;
  bool positive = false;
  std::optional<double> ct;
  UnixMillis taken_at = 0;
  std::string batch;
};

// An exposure seen from one person's side: `other` is whoever was with them.
struct TracingPersonExposure {
  std::int64_t id = 0;
  std::int64_t other_id = 0;
  std::string other_name;
  std::string other_status;
  std::string kind;
  UnixMillis start_at = 0;
  UnixMillis end_at = 0;
  std::string place;
  std::string evidence;
};

struct TracingVisit {
  std::int64_t id = 0;
  std::string place;
  std::string area;
  UnixMillis start_at = 0;
  UnixMillis end_at = 0;
  bool high_risk = false;
};

struct TracingCheck {
  std::int64_t id = 0;
  UnixMillis at = 0;
  std::string symptoms;
  std::optional<double> temperature_c;
};

// Everything the desk holds on one person, each list oldest first.
struct TracingRecord {
  TracingPerson person;
  std::vector<TracingTest> tests;
  std::vector<TracingPersonExposure> exposures;  // both directions of every link
  std::vector<TracingVisit> visits;
  std::vector<TracingCheck> checks;
  std::optional<std::string> code_link;  // the private code link's token, if one was made
};

// A testing round (migration 0013): the chosen districts, each with its population and the
// risk it was scheduled by, tested day by day within the daily capacity (ScheduleRound).
struct TracingRoundDistrictInput {
  std::string code;
  std::string name;
  std::int64_t population = 0;
};

struct TracingRoundInput {
  std::string name;
  std::string start_date;  // "YYYY-MM-DD": day 0
  std::int64_t daily_capacity = 0;
  std::vector<TracingRoundDistrictInput> districts;
};

struct TracingRoundDistrict {
  std::string code;
  std::string name;
  std::int64_t population = 0;
  double risk = 0;             // cases in the 14 days before the round, per 10,000 people
  std::int64_t cases_14d = 0;  // those cases
  std::int64_t tested = 0;     // from the batches recorded so far
  std::int64_t positives = 0;
};

struct TracingRoundDay {
  int day = 0;       // from 0
  std::string date;  // "YYYY-MM-DD": start_date + day
  std::int64_t tests = 0;
  std::vector<tracing::RoundSlot> slots;
};

struct TracingRoundBatch {
  std::int64_t id = 0;
  std::string district_code;
  std::string batch;
  UnixMillis taken_at = 0;
  std::int64_t tested = 0;
  std::int64_t positives = 0;
  std::vector<std::int64_t> case_ids;  // the positives' people, in the batch's order
};

struct TracingRound {
  std::int64_t id = 0;
  std::string name;
  std::string start_date;
  std::int64_t daily_capacity = 0;
  UnixMillis created_at = 0;
  std::vector<TracingRoundDistrict> districts;  // in schedule order
  std::vector<TracingRoundDay> days;            // the schedule made at creation
  std::vector<TracingRoundBatch> batches;       // oldest first
};

struct TracingRoundSummary {
  std::int64_t id = 0;
  std::string name;
  std::string start_date;
  std::int64_t daily_capacity = 0;
  std::int64_t districts = 0;   // how many
  std::int64_t population = 0;  // of all its districts
  std::int64_t tested = 0;
  std::int64_t positives = 0;
  UnixMillis created_at = 0;
};

// One positive of a batch: matched to a known person by phone, or a new person.
struct TracingPositiveInput {
  std::string name;
  std::string phone;
  std::string household;
  std::string kind = "pcr";
  std::optional<double> ct;
  std::optional<UnixMillis> onset_at;
};

struct TracingBatchInput {
  std::string district_code;
  std::string batch;  // the label the positives' tests carry
  UnixMillis taken_at = 0;
  std::int64_t tested = 0;
  std::vector<TracingPositiveInput> positives;
};

struct TracingBatchResult {
  std::int64_t id = 0;
  std::vector<std::int64_t> case_ids;
};

// What a person's private code link shows them.
struct TracingPublicCode {
  std::string name_masked;  // the first character, then one '*' per further character
  tracing::HealthCode now;
  std::vector<tracing::CodeChange> history;
};

struct TracingOptions {
  tracing::ChainOptions chains;
  tracing::HealthCodeRules codes;
  tracing::RingOptions rings;
  tracing::RiskAreaRules areas;
  tracing::FollowUpRules follow_up;
  // Dates in exports are the desk's local dates: Wuhan, UTC+8.
  int local_utc_offset_minutes = 8 * 60;
  // The clock every rule reads (tests move it).
  std::function<UnixMillis()> clock = NowMillis;
};

class TracingService {
 public:
  // `pseudonym_key` is the deployment key (crypto.h LoadOrCreateKeyFile); it must be non-empty.
  TracingService(Database& database, std::string pseudonym_key, TracingOptions options = {});

  Result<TracingPerson> AddPerson(const Actor& actor, const TracingPersonInput& person);
  // Returns the test's id.
  Result<std::int64_t> RecordTest(const Actor& actor, const TracingTestInput& test);
  Result<std::int64_t> AddExposure(const Actor& actor, const TracingExposureInput& exposure);
  Result<std::int64_t> AddVisit(const Actor& actor, const TracingVisitInput& visit);

  // Every case's likely infectors and the possible hidden sources, over everything recorded,
  // with the people they name (one audited read).
  Result<TracingChains> Chains(const Actor& actor);
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

  // True while nobody is recorded (the demo seeds only an empty desk).
  Result<bool> IsEmpty();

  // tracing_records.cc: the people list with each one's code now (one audit row per read) and
  // one person's whole record (audited as a read of the person).
  Result<TracingPeoplePage> ListPeople(const Actor& actor, const TracingPeopleQuery& query);
  Result<TracingRecord> Record(const Actor& actor, std::int64_t person_id);

  // tracing_rounds.cc: testing rounds. A district's risk is the number of cases (confirmed or
  // asymptomatic) recorded with its district code who became cases in the 14 days before the
  // round was created, per 10,000 of the population given; the schedule is computed then and
  // stored, so later cases do not reshuffle a running round.
  Result<TracingRound> CreateRound(const Actor& actor, const TracingRoundInput& round);
  Result<std::vector<TracingRoundSummary>> ListRounds(const Actor& actor);  // newest first
  Result<TracingRound> GetRound(const Actor& actor, std::int64_t round_id);
  // A batch of a round's results: counts, and each positive matched by phone to a known person
  // or added in the batch's district, given a positive test with the batch's label (which opens
  // a case); all in one transaction.
  Result<TracingBatchResult> RecordBatch(const Actor& actor, std::int64_t round_id,
                                         const TracingBatchInput& batch);

  // tracing_code_links.cc: a person's private code link. MakeCodeLink gives a new token
  // (replacing any earlier one); the public reads by token need no role, answer NotFound
  // "error.tracing.code_link_unknown" for an unknown token, and are audited as reads of the
  // person's code through their link.
  Result<std::string> MakeCodeLink(const Actor& actor, std::int64_t person_id);
  Result<TracingPublicCode> CodeByLink(const Actor& actor, const std::string& token);
  // Only the colour: what a venue scanning the code learns.
  Result<tracing::CodeColour> GateByLink(const Actor& actor, const std::string& token);

  // tracing_exports.cc: CSV (RFC 4180) with the minimum fields for each reader, audited.
  // Community workers visiting the quarantined: person_id, name, district_code,
  // quarantine_start, quarantine_end, overdue_tasks (no phone, places or exposures).
  Result<std::string> FollowUpsCsv(const Actor& actor);
  // Reporting: person_id, status, district_code, onset_date, confirmed_date (no name, no phone).
  Result<std::string> CasesCsv(const Actor& actor);

 private:
  UnixMillis Now() const { return options_.clock(); }

  Database& database_;
  const std::string pseudonym_key_;
  const TracingOptions options_;
};

}  // namespace lifeline
