#pragma once

// What the tracing service's files share and nobody else sees: the store's people rows, the facts
// a health code is computed from, and the writes two entry points make (a person added by a
// tracer or by a testing round's batch; a test recorded alone or in a batch). Every function runs
// inside the caller's transaction. The role check and the phone's keeping, which companion runs
// share, are in tracing_common.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "engines/tracing/health_codes.h"
#include "services/tracing/tracing_common.h"
#include "services/tracing/tracing_service.h"
#include "store/database.h"

namespace lifeline::tracing_internal {

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxLabel = 200;
constexpr std::size_t kMaxEvidence = 100000;

// Instants beyond 2000..2100 are typing errors, and would overflow the rules' arithmetic.
Status CheckInstant(std::string_view field, std::optional<UnixMillis> at);
Status CheckSpan(UnixMillis start, UnixMillis end);

Value Nullable(std::optional<UnixMillis> at);

// The desk's list of cases also shows the suspected ones (the people list's "cases", the cases
// export); the cases themselves are tracing_common.h's kCaseStatusesSql.
extern const std::string kCasesAndSuspectedSql;
// The moment someone became a case: the earlier of their confirmation and positive test
// without symptoms; nullopt when neither is known.
std::optional<UnixMillis> CaseSince(std::optional<UnixMillis> confirmed_at,
                                    std::optional<UnixMillis> asymptomatic_at);

// kExposureKinds as choices for CheckChoice.
const std::vector<std::string_view>& ExposureKindChoices();

tracing::PersonStatus EngineStatus(std::string_view status);
tracing::ExposureKind EngineKind(std::string_view kind);

// The columns PersonFromRow reads, in its order.
extern const char* const kPersonColumns;
// A person from a row of kPersonColumns; the phone is opened only when `open_phone`.
Result<TracingPerson> PersonFromRow(const Row& row, const std::string& key, bool open_phone = true);
// NotFound "error.record_not_found" for an unknown id.
Result<TracingPerson> LoadPerson(Connection& connection, std::int64_t id, const std::string& key,
                                 bool open_phone = true);

// What the health-code rules need of each of `people` (keyed by id), in three queries.
Result<std::unordered_map<std::int64_t, tracing::CodeFacts>> LoadCodeFacts(
    Connection& connection, const std::vector<TracingPerson>& people);

// A person's phone as stored: the keyed hash the desk matches on and the sealed number; both
// empty without a phone.
struct StoredPhone {
  std::string key;
  std::string sealed;
};

// Checks a new person's fields, each named `prefix` + its name (e.g. "positives[2].name"), and
// gives the phone as stored.
Result<StoredPhone> CheckNewPerson(const TracingPersonInput& person, const std::string& key,
                                   const std::string& prefix = "");
// Inserts a checked person and its audit row; returns the new id.
Result<std::int64_t> InsertPerson(Connection& connection, const Actor& actor,
                                  const TracingPersonInput& person, const StoredPhone& phone,
                                  UnixMillis now);

// Checks a test's fields (`prefix` as above), the person left out.
Status CheckTest(const TracingTestInput& test, const std::string& prefix = "");
// Inserts a checked test of `person` with its audit row; a positive test of someone who is not
// yet a case makes them one ("every positive opens a case"): confirmed with a symptom onset,
// asymptomatic without. Returns the test's id.
Result<std::int64_t> InsertTest(Connection& connection, const Actor& actor,
                                const TracingPerson& person, const TracingTestInput& test,
                                UnixMillis now);

// Everyone in quarantine at `now` with their follow-up tasks, those with overdue tasks first,
// then by id (TracingService::FollowUps).
Result<std::vector<TracingFollowUp>> LoadFollowUps(Connection& connection, UnixMillis now,
                                                   const TracingOptions& options);

// "$first, $first+1, …": `count` placeholders for an IN list.
std::string Placeholders(std::size_t first, std::size_t count);

}  // namespace lifeline::tracing_internal
