#include "services/tracing/tracing_service.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "core/validation.h"
#include "services/tracing/tracing_internal.h"

namespace lifeline {

using namespace tracing_internal;  // the helpers of tracing_internal.h

TracingService::TracingService(Database& database, std::string pseudonym_key,
                               TracingOptions options)
    : database_(database), pseudonym_key_(std::move(pseudonym_key)), options_(std::move(options)) {}

Result<TracingPerson> TracingService::AddPerson(const Actor& actor,
                                                const TracingPersonInput& person) {
  RETURN_IF_ERROR(CheckTracer(actor));
  ASSIGN_OR_RETURN(const StoredPhone phone, CheckNewPerson(person, pseudonym_key_));
  const UnixMillis now = Now();
  TracingPerson added;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const std::int64_t id, InsertPerson(connection, actor, person, phone, now));
    ASSIGN_OR_RETURN(added, LoadPerson(connection, id, pseudonym_key_));
    return Status::Ok();
  }));
  return added;
}

Result<std::int64_t> TracingService::RecordTest(const Actor& actor, const TracingTestInput& test) {
  RETURN_IF_ERROR(CheckTracer(actor));
  RETURN_IF_ERROR(CheckTest(test));
  const UnixMillis now = Now();
  std::int64_t id = 0;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const TracingPerson person,
                     LoadPerson(connection, test.person_id, pseudonym_key_));
    ASSIGN_OR_RETURN(id, InsertTest(connection, actor, person, test, now));
    return Status::Ok();
  }));
  return id;
}

Result<std::int64_t> TracingService::AddExposure(const Actor& actor,
                                                 const TracingExposureInput& exposure) {
  RETURN_IF_ERROR(CheckTracer(actor));
  RETURN_IF_ERROR(CheckChoice("kind", exposure.kind, ExposureKindChoices()));
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

Result<TracingChains> TracingService::Chains(const Actor& actor) {
  RETURN_IF_ERROR(CheckTracer(actor));
  std::vector<tracing::Person> people;
  // What the answer says of whoever the chains name, read with them.
  std::unordered_map<std::int64_t, TracingChainPerson> labels;
  std::vector<tracing::Exposure> exposures;
  std::vector<tracing::Visit> visits;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const QueryResult person_rows,
                     connection.Query("SELECT id, status, onset_at, name, confirmed_at, "
                                      "asymptomatic_at FROM tracing_people"));
    std::unordered_map<std::int64_t, std::size_t> index;
    for (const Row& row : person_rows.rows) {
      index[row.Int(0)] = people.size();
      people.push_back({row.Int(0), EngineStatus(row.Text(1)), row.OptionalInt(2), {}});
      labels[row.Int(0)] = {row.Int(0),         row.Text(3),        row.Text(1),
                            row.OptionalInt(2), row.OptionalInt(4), row.OptionalInt(5)};
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
  TracingChains answer;
  ASSIGN_OR_RETURN(answer.report, tracing::InferChains(people, exposures, visits, options_.chains));
  std::set<std::int64_t> named;
  for (const tracing::CaseChain& chain : answer.report.chains) {
    named.insert(chain.case_id);
    for (const tracing::Candidate& candidate : chain.candidates) named.insert(candidate.infector);
  }
  for (const tracing::HiddenSource& source : answer.report.hidden_sources) {
    named.insert(source.person);
    named.insert(source.cases.begin(), source.cases.end());
  }
  for (const std::int64_t id : named) {
    // The engine refuses anyone not among the people read, so each is found.
    if (const auto label = labels.find(id); label != labels.end()) {
      answer.people.push_back(std::move(label->second));
    }
  }
  return answer;
}

Result<TracingCode> TracingService::Code(const Actor& actor, std::int64_t person_id) {
  RETURN_IF_ERROR(CheckTracer(actor));
  tracing::CodeFacts facts;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const TracingPerson person, LoadPerson(connection, person_id, pseudonym_key_));
    ASSIGN_OR_RETURN(auto facts_by_person, LoadCodeFacts(connection, {person}));
    facts = std::move(facts_by_person[person_id]);
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
  std::vector<TracingFollowUp> follow_ups;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(follow_ups, LoadFollowUps(connection, Now(), options_));
    return Audit(connection, actor, "list", "tracing_follow_up", "*");
  }));
  return follow_ups;
}

Result<bool> TracingService::IsEmpty() {
  ASSIGN_OR_RETURN(const QueryResult found, database_.Query("SELECT COUNT(*) FROM tracing_people"));
  return found.rows.at(0).Int(0) == 0;
}

}  // namespace lifeline
