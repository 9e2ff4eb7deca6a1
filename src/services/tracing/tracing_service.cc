#include "services/tracing/tracing_service.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <unordered_map>

#include "core/crypto.h"
#include "core/validation.h"
#include "services/audit/audit_log.h"
#include "services/tracing/tracing_common.h"

namespace lifeline {
namespace {

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxLabel = 200;
constexpr std::size_t kMaxEvidence = 100000;
// Instants beyond these years are typing errors, and would overflow the rules' arithmetic.
constexpr UnixMillis kEarliest = 946684800000;  // 2000-01-01
constexpr UnixMillis kLatest = 4102444800000;   // 2100-01-01

const std::vector<std::string_view> kStatuses(std::begin(kTracingStatuses),
                                              std::end(kTracingStatuses));
const std::vector<std::string_view> kKinds(std::begin(kExposureKinds), std::end(kExposureKinds));
const std::vector<std::string_view> kTestKinds{"antigen", "pcr"};

Status CheckInstant(std::string_view field, std::optional<UnixMillis> at) {
  if (at && (*at < kEarliest || *at > kLatest)) return FieldInvalid(field, "2000..2100");
  return Status::Ok();
}

Status CheckSpan(UnixMillis start, UnixMillis end) {
  RETURN_IF_ERROR(CheckInstant("start_at", start));
  RETURN_IF_ERROR(CheckInstant("end_at", end));
  if (end < start) return FieldInvalid("end_at", ">= start_at");
  return Status::Ok();
}

Value Nullable(std::optional<UnixMillis> at) { return at ? Value(*at) : Value(nullptr); }

Status Audit(Connection& connection, const Actor& actor, std::string action, std::string entity,
             std::string entity_id) {
  return AuditLog::Append(connection, actor,
                          {std::move(action), std::move(entity), std::move(entity_id), ""});
}

// The statuses that make someone a case (infected, whether or not with symptoms): in C++ and,
// for the queries, as an SQL list.
bool IsCaseStatus(std::string_view status) {
  return status == "confirmed" || status == "asymptomatic";
}
const std::string kCaseStatusesSql = "('confirmed', 'asymptomatic')";

tracing::PersonStatus EngineStatus(std::string_view status) {
  if (status == "confirmed") return tracing::PersonStatus::kConfirmed;
  if (status == "asymptomatic") return tracing::PersonStatus::kAsymptomatic;
  if (status == "suspected") return tracing::PersonStatus::kSuspected;
  if (status == "negative") return tracing::PersonStatus::kNegative;
  return tracing::PersonStatus::kUntested;
}

tracing::ExposureKind EngineKind(std::string_view kind) {
  const auto found = std::find(kKinds.begin(), kKinds.end(), kind);
  return static_cast<tracing::ExposureKind>(found - kKinds.begin());
}

constexpr const char* kPersonColumns =
    "id, name, phone_sealed, household, district_code, status, onset_at, confirmed_at, "
    "asymptomatic_at, released_at, created_at, updated_at";

Result<TracingPerson> PersonFromRow(const Row& row, const std::string& key) {
  TracingPerson person;
  person.id = row.Int(0);
  person.name = row.Text(1);
  if (!row.Text(2).empty()) {
    ASSIGN_OR_RETURN(person.phone, OpenSealedText(key, row.Text(2)));
  }
  person.household = row.Text(3);
  person.district_code = row.Text(4);
  person.status = row.Text(5);
  person.onset_at = row.OptionalInt(6);
  person.confirmed_at = row.OptionalInt(7);
  person.asymptomatic_at = row.OptionalInt(8);
  person.released_at = row.OptionalInt(9);
  person.created_at = row.Int(10);
  person.updated_at = row.Int(11);
  return person;
}

Result<TracingPerson> LoadPerson(Connection& connection, std::int64_t id, const std::string& key) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query(
          std::string("SELECT ") + kPersonColumns + " FROM tracing_people WHERE id = $1", {id}));
  if (found.rows.empty()) return RecordNotFound("tracing_person", id);
  return PersonFromRow(found.rows[0], key);
}

// What the health-code rules need of one person, from the store.
Result<tracing::CodeFacts> LoadCodeFacts(Connection& connection, const TracingPerson& person) {
  tracing::CodeFacts facts;
  facts.confirmed_at = person.confirmed_at;
  facts.asymptomatic_at = person.asymptomatic_at;
  facts.released_at = person.released_at;
  // Exposures to someone who is a case: a close contact's (quarantine counted from the last
  // moment together), or a companion's (named when the engine's result was recorded).
  ASSIGN_OR_RETURN(
      const QueryResult exposures,
      connection.Query("SELECT e.kind, e.end_at, e.created_at FROM tracing_exposures e "
                       "JOIN tracing_people p ON p.id = CASE WHEN e.a_id = $1 "
                       "THEN e.b_id ELSE e.a_id END "
                       "WHERE (e.a_id = $1 OR e.b_id = $1) AND p.status IN " +
                           kCaseStatusesSql,
                       {person.id}));
  for (const Row& row : exposures.rows) {
    if (row.Text(0) == "companion") {
      facts.companion_flags.push_back(row.Int(2));
    } else {
      facts.close_contact_exposures.push_back(row.Int(1));
    }
  }
  ASSIGN_OR_RETURN(const QueryResult tests,
                   connection.Query("SELECT taken_at, positive FROM tracing_tests "
                                    "WHERE person_id = $1",
                                    {person.id}));
  for (const Row& row : tests.rows) facts.tests.push_back({row.Int(0), row.Int(1) != 0});
  ASSIGN_OR_RETURN(const QueryResult stays,
                   connection.Query("SELECT start_at, end_at FROM tracing_visits "
                                    "WHERE person_id = $1 AND high_risk = 1",
                                    {person.id}));
  for (const Row& row : stays.rows) facts.high_risk_stays.push_back({row.Int(0), row.Int(1)});
  return facts;
}

}  // namespace

TracingService::TracingService(Database& database, std::string pseudonym_key,
                               TracingOptions options)
    : database_(database), pseudonym_key_(std::move(pseudonym_key)), options_(std::move(options)) {}

Result<TracingPerson> TracingService::AddPerson(const Actor& actor,
                                                const TracingPersonInput& person) {
  RETURN_IF_ERROR(CheckTracer(actor));
  RETURN_IF_ERROR(CheckText(person.name, "name", kMaxName, true));
  RETURN_IF_ERROR(CheckText(person.household, "household", kMaxLabel, false));
  RETURN_IF_ERROR(CheckText(person.district_code, "district_code", kMaxLabel, false));
  RETURN_IF_ERROR(CheckChoice("status", person.status, kStatuses));
  RETURN_IF_ERROR(CheckInstant("onset_at", person.onset_at));
  RETURN_IF_ERROR(CheckInstant("confirmed_at", person.confirmed_at));
  RETURN_IF_ERROR(CheckInstant("asymptomatic_at", person.asymptomatic_at));
  RETURN_IF_ERROR(CheckInstant("released_at", person.released_at));
  if (person.status == "confirmed" && !person.confirmed_at) return FieldRequired("confirmed_at");
  if (person.status == "asymptomatic" && !person.asymptomatic_at) {
    return FieldRequired("asymptomatic_at");
  }
  ProtectedPhone phone;
  if (!Trimmed(person.phone).empty()) {
    const std::optional<ProtectedPhone> protected_phone =
        ProtectPhone(pseudonym_key_, person.phone);
    if (!protected_phone) return FieldInvalid("phone", "7-15 digits");
    phone = *protected_phone;
  }
  const UnixMillis now = Now();
  TracingPerson added;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(
        const std::int64_t id,
        InsertReturningId(
            connection,
            "INSERT INTO tracing_people (name, phone_key, phone_sealed, household, district_code, "
            "status, onset_at, confirmed_at, asymptomatic_at, released_at, created_by, "
            "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
            "$12) RETURNING id",
            {Trimmed(person.name), phone.key, phone.sealed, Trimmed(person.household),
             Trimmed(person.district_code), person.status, Nullable(person.onset_at),
             Nullable(person.confirmed_at), Nullable(person.asymptomatic_at),
             Nullable(person.released_at), actor.user_id, now}));
    RETURN_IF_ERROR(Audit(connection, actor, "create", "tracing_person", std::to_string(id)));
    ASSIGN_OR_RETURN(added, LoadPerson(connection, id, pseudonym_key_));
    return Status::Ok();
  }));
  return added;
}

Result<TracingPerson> TracingService::GetPerson(const Actor& actor, std::int64_t person_id) {
  RETURN_IF_ERROR(CheckTracer(actor));
  TracingPerson person;
  // A write transaction: the read's audit row is written with it.
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(person, LoadPerson(connection, person_id, pseudonym_key_));
    return Audit(connection, actor, "read", "tracing_person", std::to_string(person_id));
  }));
  return person;
}

Result<std::int64_t> TracingService::RecordTest(const Actor& actor, const TracingTestInput& test) {
  RETURN_IF_ERROR(CheckTracer(actor));
  RETURN_IF_ERROR(CheckChoice("kind", test.kind, kTestKinds));
  RETURN_IF_ERROR(CheckInstant("taken_at", test.taken_at));
  if (test.ct && !(std::isfinite(*test.ct) && *test.ct >= 0 && *test.ct <= 50)) {
    return FieldInvalid("ct", "0..50");
  }
  RETURN_IF_ERROR(CheckText(test.batch, "batch", kMaxLabel, false));
  const UnixMillis now = Now();
  std::int64_t id = 0;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const TracingPerson person,
                     LoadPerson(connection, test.person_id, pseudonym_key_));
    ASSIGN_OR_RETURN(id, InsertReturningId(
                             connection,
                             "INSERT INTO tracing_tests (person_id, kind, positive, ct, taken_at, "
                             "batch, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                             "$8) RETURNING id",
                             {person.id, test.kind, std::int64_t{test.positive ? 1 : 0},
                              test.ct ? Value(*test.ct) : Value(nullptr), test.taken_at,
                              Trimmed(test.batch), actor.user_id, now}));
    RETURN_IF_ERROR(Audit(connection, actor, "create", "tracing_test", std::to_string(id)));
    if (!test.positive || IsCaseStatus(person.status)) return Status::Ok();
    // A positive test opens a case.
    const bool symptoms = person.onset_at.has_value();
    RETURN_IF_ERROR(
        connection
            .Execute(symptoms ? "UPDATE tracing_people SET status = 'confirmed', confirmed_at = "
                                "$2, updated_at = $3 WHERE id = $1"
                              : "UPDATE tracing_people SET status = 'asymptomatic', "
                                "asymptomatic_at = $2, updated_at = $3 WHERE id = $1",
                     {person.id, test.taken_at, now})
            .status());
    return Audit(connection, actor, "update", "tracing_person", std::to_string(person.id));
  }));
  return id;
}

Result<std::int64_t> TracingService::AddExposure(const Actor& actor,
                                                 const TracingExposureInput& exposure) {
  RETURN_IF_ERROR(CheckTracer(actor));
  RETURN_IF_ERROR(CheckChoice("kind", exposure.kind, kKinds));
  RETURN_IF_ERROR(CheckSpan(exposure.start_at, exposure.end_at));
  if (exposure.a_id == exposure.b_id) return FieldInvalid("b_id", "another person than a_id");
  RETURN_IF_ERROR(CheckText(exposure.place, "place", kMaxLabel, false));
  RETURN_IF_ERROR(CheckText(exposure.evidence, "evidence", kMaxEvidence, false));
  const UnixMillis now = Now();
  std::int64_t id = 0;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    for (const std::int64_t person : {exposure.a_id, exposure.b_id}) {
      RETURN_IF_ERROR(LoadPerson(connection, person, pseudonym_key_).status());
    }
    ASSIGN_OR_RETURN(
        id, InsertReturningId(
                connection,
                "INSERT INTO tracing_exposures (a_id, b_id, kind, start_at, end_at, "
                "place, evidence, created_by, created_at) VALUES ($1, $2, $3, $4, $5, "
                "$6, $7, $8, $9) RETURNING id",
                {exposure.a_id, exposure.b_id, exposure.kind, exposure.start_at, exposure.end_at,
                 Trimmed(exposure.place), exposure.evidence, actor.user_id, now}));
    return Audit(connection, actor, "create", "tracing_exposure", std::to_string(id));
  }));
  return id;
}

Result<std::int64_t> TracingService::AddVisit(const Actor& actor, const TracingVisitInput& visit) {
  RETURN_IF_ERROR(CheckTracer(actor));
  RETURN_IF_ERROR(CheckText(visit.place, "place", kMaxLabel, true));
  RETURN_IF_ERROR(CheckText(visit.area, "area", kMaxLabel, false));
  RETURN_IF_ERROR(CheckSpan(visit.start_at, visit.end_at));
  const UnixMillis now = Now();
  std::int64_t id = 0;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    RETURN_IF_ERROR(LoadPerson(connection, visit.person_id, pseudonym_key_).status());
    ASSIGN_OR_RETURN(
        id, InsertReturningId(
                connection,
                "INSERT INTO tracing_visits (person_id, place, area, start_at, end_at, "
                "high_risk, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                "$8) RETURNING id",
                {visit.person_id, Trimmed(visit.place), Trimmed(visit.area), visit.start_at,
                 visit.end_at, std::int64_t{visit.high_risk ? 1 : 0}, actor.user_id, now}));
    return Audit(connection, actor, "create", "tracing_visit", std::to_string(id));
  }));
  return id;
}

Result<tracing::ChainReport> TracingService::Chains(const Actor& actor) {
  RETURN_IF_ERROR(CheckTracer(actor));
  std::vector<tracing::Person> people;
  std::vector<tracing::Exposure> exposures;
  std::vector<tracing::Visit> visits;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const QueryResult person_rows,
                     connection.Query("SELECT id, status, onset_at FROM tracing_people"));
    std::unordered_map<std::int64_t, std::size_t> index;
    for (const Row& row : person_rows.rows) {
      index[row.Int(0)] = people.size();
      people.push_back({row.Int(0), EngineStatus(row.Text(1)), row.OptionalInt(2), {}});
    }
    ASSIGN_OR_RETURN(const QueryResult exposure_rows,
                     connection.Query("SELECT a_id, b_id, kind, start_at, end_at, place "
                                      "FROM tracing_exposures"));
    for (const Row& row : exposure_rows.rows) {
      exposures.push_back(
          {row.Int(0), row.Int(1), EngineKind(row.Text(2)), {row.Int(3), row.Int(4)}, row.Text(5)});
    }
    ASSIGN_OR_RETURN(const QueryResult visit_rows,
                     connection.Query("SELECT person_id, place, start_at, end_at, high_risk "
                                      "FROM tracing_visits"));
    for (const Row& row : visit_rows.rows) {
      if (row.Int(4) != 0) {
        people[index.at(row.Int(0))].high_risk_stays.push_back({row.Int(2), row.Int(3)});
      } else {
        visits.push_back({row.Int(0), row.Text(1), {row.Int(2), row.Int(3)}});
      }
    }
    return Audit(connection, actor, "list", "tracing_chain", "*");
  }));
  return tracing::InferChains(people, exposures, visits, options_.chains);
}

Result<TracingCode> TracingService::Code(const Actor& actor, std::int64_t person_id) {
  RETURN_IF_ERROR(CheckTracer(actor));
  tracing::CodeFacts facts;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const TracingPerson person, LoadPerson(connection, person_id, pseudonym_key_));
    ASSIGN_OR_RETURN(facts, LoadCodeFacts(connection, person));
    return Audit(connection, actor, "read", "health_code", std::to_string(person_id));
  }));
  const UnixMillis now = Now();
  return TracingCode{tracing::CodeAt(facts, now, options_.codes),
                     tracing::CodeHistory(facts, now, options_.codes)};
}

Result<std::vector<tracing::Ring>> TracingService::Rings(const Actor& actor,
                                                         const std::vector<std::int64_t>& case_ids,
                                                         int tracers_on_duty) {
  RETURN_IF_ERROR(CheckTracer(actor));
  if (case_ids.empty()) return FieldRequired("case_ids");
  std::vector<tracing::ContactLink> links;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    for (const std::int64_t id : case_ids) {
      RETURN_IF_ERROR(LoadPerson(connection, id, pseudonym_key_).status());
    }
    ASSIGN_OR_RETURN(const QueryResult rows,
                     connection.Query("SELECT a_id, b_id FROM tracing_exposures"));
    for (const Row& row : rows.rows) links.push_back({row.Int(0), row.Int(1)});
    return Audit(connection, actor, "list", "tracing_ring", "*");
  }));
  return tracing::ExpandRings(case_ids, links, tracers_on_duty, options_.rings);
}

Result<std::vector<tracing::AreaRisk>> TracingService::RiskAreas(const Actor& actor) {
  RETURN_IF_ERROR(CheckTracer(actor));
  std::vector<tracing::CaseVisit> visits;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(
        const QueryResult rows,
        connection.Query("SELECT v.area, v.person_id, v.start_at FROM tracing_visits v "
                         "JOIN tracing_people p ON p.id = v.person_id "
                         "WHERE v.area <> '' AND p.status IN " +
                         kCaseStatusesSql));
    for (const Row& row : rows.rows) visits.push_back({row.Text(0), row.Int(1), row.Int(2)});
    return Audit(connection, actor, "list", "risk_area", "*");
  }));
  return tracing::AreaRisksAt(visits, Now(), options_.areas);
}

Result<std::int64_t> TracingService::RecordCheck(const Actor& actor,
                                                 const TracingCheckInput& check) {
  RETURN_IF_ERROR(CheckTracer(actor));
  RETURN_IF_ERROR(CheckInstant("at", check.at));
  RETURN_IF_ERROR(CheckText(check.symptoms, "symptoms", kMaxLabel, false));
  if (check.temperature_c && !(std::isfinite(*check.temperature_c) && *check.temperature_c >= 30 &&
                               *check.temperature_c <= 45)) {
    return FieldInvalid("temperature_c", "30..45");
  }
  const UnixMillis now = Now();
  std::int64_t id = 0;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    RETURN_IF_ERROR(LoadPerson(connection, check.person_id, pseudonym_key_).status());
    ASSIGN_OR_RETURN(
        id,
        InsertReturningId(connection,
                          "INSERT INTO tracing_checks (person_id, at, symptoms, temperature_c, "
                          "recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                          {check.person_id, check.at, Trimmed(check.symptoms),
                           check.temperature_c ? Value(*check.temperature_c) : Value(nullptr),
                           actor.user_id, now}));
    return Audit(connection, actor, "create", "tracing_check", std::to_string(id));
  }));
  return id;
}

Result<std::vector<TracingFollowUp>> TracingService::FollowUps(const Actor& actor) {
  RETURN_IF_ERROR(CheckTracer(actor));
  const UnixMillis now = Now();
  std::vector<TracingFollowUp> follow_ups;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    // Close contacts: people who are not cases, exposed to a case otherwise than as companions.
    ASSIGN_OR_RETURN(
        const QueryResult contacts,
        connection.Query(
            "SELECT c.id, c.name, e.end_at FROM tracing_exposures e "
            "JOIN tracing_people a ON a.id = e.a_id JOIN tracing_people b ON b.id = e.b_id "
            "JOIN tracing_people c ON c.id = CASE WHEN a.status IN " +
            kCaseStatusesSql +
            " THEN b.id ELSE a.id END WHERE e.kind <> 'companion' AND (a.status IN " +
            kCaseStatusesSql + " OR b.status IN " + kCaseStatusesSql + ") AND c.status NOT IN " +
            kCaseStatusesSql + " ORDER BY c.id"));
    std::vector<std::pair<std::int64_t, std::string>> people;
    std::unordered_map<std::int64_t, std::vector<UnixMillis>> exposures;
    for (const Row& row : contacts.rows) {
      if (people.empty() || people.back().first != row.Int(0)) {
        people.emplace_back(row.Int(0), row.Text(1));
      }
      exposures[row.Int(0)].push_back(row.Int(2));
    }
    for (const auto& [id, name] : people) {
      const std::optional<tracing::Interval> quarantine =
          tracing::QuarantineSpan(exposures[id], now, options_.codes);
      if (!quarantine) continue;
      std::vector<UnixMillis> checks;
      std::vector<UnixMillis> tests;
      ASSIGN_OR_RETURN(
          const QueryResult check_rows,
          connection.Query("SELECT at FROM tracing_checks WHERE person_id = $1", {id}));
      for (const Row& row : check_rows.rows) checks.push_back(row.Int(0));
      ASSIGN_OR_RETURN(
          const QueryResult test_rows,
          connection.Query("SELECT taken_at FROM tracing_tests WHERE person_id = $1", {id}));
      for (const Row& row : test_rows.rows) tests.push_back(row.Int(0));
      ASSIGN_OR_RETURN(std::vector<tracing::FollowUpTask> tasks,
                       tracing::FollowUpPlan(*quarantine, checks, tests, options_.follow_up));
      std::vector<tracing::FollowUpTask> overdue = tracing::Overdue(tasks, now);
      follow_ups.push_back({id, name, *quarantine, std::move(tasks), std::move(overdue)});
    }
    return Audit(connection, actor, "list", "tracing_follow_up", "*");
  }));
  std::stable_sort(follow_ups.begin(), follow_ups.end(),
                   [](const TracingFollowUp& a, const TracingFollowUp& b) {
                     return !a.overdue.empty() && b.overdue.empty();
                   });
  return follow_ups;
}

}  // namespace lifeline
