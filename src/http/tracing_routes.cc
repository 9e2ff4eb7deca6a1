// The contact-tracing desk's endpoints (docs/tracing.md): people, tests, exposures, visits, the
// inferred chains and health codes; the list and records, code links, exports and testing rounds
// are in tracing_record_routes.cc and tracing_round_routes.cc. Tracers and admins only: the records
// are patients' and their movements (the service checks the role again and audits every read).

#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "core/time.h"
#include "core/validation.h"
#include "http/clinic_json.h"
#include "http/routes.h"
#include "http/tracing_http.h"
#include "services/tracing/tracing_service.h"

namespace lifeline {

using namespace tracing_http;  // the helpers of tracing_http.h

namespace {

nlohmann::json ChainsJson(const TracingChains& answer) {
  const tracing::ChainReport& report = answer.report;
  nlohmann::json chains = nlohmann::json::array();
  for (const tracing::CaseChain& chain : report.chains) {
    nlohmann::json candidates = nlohmann::json::array();
    for (const tracing::Candidate& candidate : chain.candidates) {
      candidates.push_back({{"infector_id", candidate.infector},
                            {"score", candidate.score},
                            {"share", candidate.share},
                            {"kind", kExposureKinds[static_cast<int>(candidate.kind)]},
                            {"exposure_start", FormatIso8601(candidate.exposure.start)},
                            {"exposure_end", FormatIso8601(candidate.exposure.end)},
                            {"place", candidate.place},
                            {"interval_days", candidate.interval_days},
                            {"onset_to_onset", candidate.onset_to_onset},
                            {"infector_explained", candidate.infector_explained}});
    }
    chains.push_back({{"case_id", chain.case_id}, {"candidates", candidates}});
  }
  nlohmann::json hidden = nlohmann::json::array();
  for (const tracing::HiddenSource& source : report.hidden_sources) {
    hidden.push_back({{"person_id", source.person}, {"case_ids", source.cases}});
  }
  nlohmann::json people = nlohmann::json::array();
  for (const TracingChainPerson& person : answer.people) {
    people.push_back({{"id", person.id},
                      {"name", person.name},
                      {"status", person.status},
                      {"onset_at", Instant(person.onset_at)},
                      {"confirmed_at", Instant(person.confirmed_at)},
                      {"asymptomatic_at", Instant(person.asymptomatic_at)}});
  }
  return {{"chains", chains}, {"hidden_sources", hidden}, {"people", people}};
}

const char* LevelName(tracing::RiskLevel level) {
  switch (level) {
    case tracing::RiskLevel::kHigh:
      return "high";
    case tracing::RiskLevel::kMedium:
      return "medium";
    case tracing::RiskLevel::kLow:
      break;
  }
  return "low";
}

// "12,15,40": the ids of a query parameter.
Result<std::vector<std::int64_t>> IdList(const std::optional<std::string>& text,
                                         const std::string& field) {
  if (!text || text->empty()) return FieldRequired(field);
  std::vector<std::int64_t> ids;
  std::size_t from = 0;
  while (from <= text->size()) {
    const std::size_t comma = std::min(text->find(',', from), text->size());
    const std::string item = text->substr(from, comma - from);
    if (item.empty() || item.size() > 18 ||
        item.find_first_not_of("0123456789") != std::string::npos) {
      return FieldInvalid(field, "ids separated by commas");
    }
    ids.push_back(std::stoll(item));
    from = comma + 1;
  }
  return ids;
}

nlohmann::json TaskJson(const tracing::FollowUpTask& task) {
  return {{"kind", task.kind == tracing::TaskKind::kTest ? "test" : "symptom_check"},
          {"day", task.day},
          {"due", FormatIso8601(task.due)},
          {"done", task.done}};
}

Result<TracingPersonInput> ParsePerson(const nlohmann::json& body) {
  TracingPersonInput person;
  ASSIGN_OR_RETURN(person.name, RequiredString(body, "name"));
  ASSIGN_OR_RETURN(person.phone, Text(body, "phone"));
  ASSIGN_OR_RETURN(person.household, Text(body, "household"));
  ASSIGN_OR_RETURN(person.district_code, Text(body, "district_code"));
  ASSIGN_OR_RETURN(person.status, Text(body, "status", "untested"));
  ASSIGN_OR_RETURN(person.onset_at, MaybeInstant(body, "onset_at"));
  ASSIGN_OR_RETURN(person.confirmed_at, MaybeInstant(body, "confirmed_at"));
  ASSIGN_OR_RETURN(person.asymptomatic_at, MaybeInstant(body, "asymptomatic_at"));
  ASSIGN_OR_RETURN(person.released_at, MaybeInstant(body, "released_at"));
  return person;
}

Result<TracingTestInput> ParseTest(const nlohmann::json& body) {
  TracingTestInput test;
  ASSIGN_OR_RETURN(test.person_id, RequiredInt(body, "person_id"));
  ASSIGN_OR_RETURN(test.kind, Text(body, "kind", "pcr"));
  ASSIGN_OR_RETURN(const std::optional<bool> positive, OptionalBool(body, "positive"));
  if (!positive) return FieldRequired("positive");
  test.positive = *positive;
  ASSIGN_OR_RETURN(test.ct, MaybeNumber(body, "ct"));
  ASSIGN_OR_RETURN(test.taken_at, RequiredInstant(body, "taken_at"));
  ASSIGN_OR_RETURN(test.batch, Text(body, "batch"));
  return test;
}

Result<TracingExposureInput> ParseExposure(const nlohmann::json& body) {
  TracingExposureInput exposure;
  ASSIGN_OR_RETURN(exposure.a_id, RequiredInt(body, "a_id"));
  ASSIGN_OR_RETURN(exposure.b_id, RequiredInt(body, "b_id"));
  ASSIGN_OR_RETURN(exposure.kind, RequiredString(body, "kind"));
  ASSIGN_OR_RETURN(exposure.start_at, RequiredInstant(body, "start_at"));
  ASSIGN_OR_RETURN(exposure.end_at, RequiredInstant(body, "end_at"));
  ASSIGN_OR_RETURN(exposure.place, Text(body, "place"));
  ASSIGN_OR_RETURN(exposure.evidence, Text(body, "evidence"));
  return exposure;
}

Result<TracingVisitInput> ParseVisit(const nlohmann::json& body) {
  TracingVisitInput visit;
  ASSIGN_OR_RETURN(visit.person_id, RequiredInt(body, "person_id"));
  ASSIGN_OR_RETURN(visit.place, RequiredString(body, "place"));
  ASSIGN_OR_RETURN(visit.area, Text(body, "area"));
  ASSIGN_OR_RETURN(visit.start_at, RequiredInstant(body, "start_at"));
  ASSIGN_OR_RETURN(visit.end_at, RequiredInstant(body, "end_at"));
  ASSIGN_OR_RETURN(const std::optional<bool> high_risk, OptionalBool(body, "high_risk"));
  visit.high_risk = high_risk.value_or(false);
  return visit;
}

}  // namespace

void AddTracingRoutes(Router& router, Services& services) {
  TracingService& service = services.tracing;

  router.Add(Method::kPost, Path("/people"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const TracingPersonInput person, ParsePerson(body));
               ASSIGN_OR_RETURN(const TracingPerson added,
                                service.AddPerson(request.actor(), person));
               return ApiResponse::Created(PersonJson(added));
             });

  router.Add(Method::kGet, Path(R"(/people/(\d+)/code)"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const TracingCode found, service.Code(request.actor(), id));
               nlohmann::json code = CodeJson(found.now);
               code["person_id"] = id;
               code["history"] = HistoryJson(found.history);
               return ApiResponse::Ok(code);
             });

  router.Add(Method::kPost, Path("/tests"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const TracingTestInput test, ParseTest(body));
               ASSIGN_OR_RETURN(const std::int64_t id, service.RecordTest(request.actor(), test));
               return ApiResponse::Created({{"id", id}});
             });

  router.Add(Method::kPost, Path("/exposures"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const TracingExposureInput exposure, ParseExposure(body));
               ASSIGN_OR_RETURN(const std::int64_t id,
                                service.AddExposure(request.actor(), exposure));
               return ApiResponse::Created({{"id", id}});
             });

  router.Add(Method::kPost, Path("/visits"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const TracingVisitInput visit, ParseVisit(body));
               ASSIGN_OR_RETURN(const std::int64_t id, service.AddVisit(request.actor(), visit));
               return ApiResponse::Created({{"id", id}});
             });

  router.Add(Method::kPost, Path("/checks"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               TracingCheckInput check;
               ASSIGN_OR_RETURN(check.person_id, RequiredInt(body, "person_id"));
               ASSIGN_OR_RETURN(check.at, RequiredInstant(body, "at"));
               ASSIGN_OR_RETURN(check.symptoms, Text(body, "symptoms"));
               ASSIGN_OR_RETURN(check.temperature_c, MaybeNumber(body, "temperature_c"));
               ASSIGN_OR_RETURN(const std::int64_t id, service.RecordCheck(request.actor(), check));
               return ApiResponse::Created({{"id", id}});
             });

  router.Add(Method::kGet, Path("/follow-ups"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<TracingFollowUp> follow_ups,
                                service.FollowUps(request.actor()));
               nlohmann::json list = nlohmann::json::array();
               for (const TracingFollowUp& follow_up : follow_ups) {
                 nlohmann::json tasks = nlohmann::json::array();
                 for (const tracing::FollowUpTask& task : follow_up.tasks) {
                   tasks.push_back(TaskJson(task));
                 }
                 nlohmann::json overdue = nlohmann::json::array();
                 for (const tracing::FollowUpTask& task : follow_up.overdue) {
                   overdue.push_back(TaskJson(task));
                 }
                 list.push_back({{"person_id", follow_up.person_id},
                                 {"name", follow_up.name},
                                 {"quarantine_start", FormatIso8601(follow_up.quarantine.start)},
                                 {"quarantine_end", FormatIso8601(follow_up.quarantine.end)},
                                 {"tasks", tasks},
                                 {"overdue", overdue}});
               }
               return ApiResponse::Ok({{"follow_ups", list}});
             });

  router.Add(
      Method::kGet, Path("/rings"), Tracers(),
      [&service](const ApiRequest& request) -> Result<ApiResponse> {
        ASSIGN_OR_RETURN(const std::vector<std::int64_t> cases,
                         IdList(request.QueryParam("case_ids"), "case_ids"));
        const std::string tracers = request.QueryParam("tracers").value_or("");
        if (tracers.empty() || tracers.size() > 9 ||
            tracers.find_first_not_of("0123456789") != std::string::npos) {
          return FieldInvalid("tracers", "a whole number of tracers on duty");
        }
        ASSIGN_OR_RETURN(const std::vector<tracing::Ring> rings,
                         service.Rings(request.actor(), cases, std::stoi(tracers)));
        nlohmann::json list = nlohmann::json::array();
        for (const tracing::Ring& ring : rings) {
          list.push_back({{"ring", ring.ring},
                          {"people", ring.people},
                          {"investigator_days", ring.investigator_days},
                          {"days_with_tracers", ring.days_with_tracers},
                          {"cumulative_days_with_tracers", ring.cumulative_days_with_tracers}});
        }
        return ApiResponse::Ok({{"rings", list}});
      });

  router.Add(Method::kGet, Path("/risk-areas"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<tracing::AreaRisk> areas,
                                service.RiskAreas(request.actor()));
               nlohmann::json list = nlohmann::json::array();
               for (const tracing::AreaRisk& area : areas) {
                 list.push_back({{"area", area.area},
                                 {"level", LevelName(area.level)},
                                 {"since", FormatIso8601(area.since)},
                                 {"until", Instant(area.until)},
                                 {"cases", area.cases}});
               }
               return ApiResponse::Ok({{"areas", list}});
             });

  router.Add(Method::kGet, Path("/chains"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const TracingChains answer, service.Chains(request.actor()));
               return ApiResponse::Ok(ChainsJson(answer));
             });

  AddTracingRecordRoutes(router, service);
  AddTracingRoundRoutes(router, service);
}

}  // namespace lifeline
