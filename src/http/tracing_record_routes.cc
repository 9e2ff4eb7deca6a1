// The desk's people list, a person's whole record, the private code link with its public reads
// (the person's own code, a venue's gate check) and the CSV exports (docs/tracing.md).

#include <limits>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "http/tracing_http.h"

namespace lifeline::tracing_http {
namespace {

constexpr const char* kCsv = "text/csv; charset=utf-8";

nlohmann::json ListedJson(const TracingListedPerson& listed) {
  const TracingPerson& person = listed.person;
  return {{"id", person.id},
          {"name", person.name},
          {"status", person.status},
          {"district_code", person.district_code},
          {"household", person.household},
          {"onset_at", Instant(person.onset_at)},
          {"confirmed_at", Instant(person.confirmed_at)},
          {"asymptomatic_at", Instant(person.asymptomatic_at)},
          {"released_at", Instant(person.released_at)},
          {"colour", ColourName(listed.code.colour)},
          {"reason", ReasonName(listed.code.reason)}};
}

template <typename T>
nlohmann::json Nullable(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json RecordJson(const TracingRecord& record) {
  nlohmann::json json = PersonJson(record.person);
  nlohmann::json tests = nlohmann::json::array();
  for (const TracingTest& test : record.tests) {
    tests.push_back({{"id", test.id},
                     {"kind", test.kind},
                     {"positive", test.positive},
                     {"ct", Nullable(test.ct)},
                     {"taken_at", FormatIso8601(test.taken_at)},
                     {"batch", test.batch}});
  }
  nlohmann::json exposures = nlohmann::json::array();
  for (const TracingPersonExposure& exposure : record.exposures) {
    exposures.push_back({{"id", exposure.id},
                         {"other_id", exposure.other_id},
                         {"other_name", exposure.other_name},
                         {"other_status", exposure.other_status},
                         {"kind", exposure.kind},
                         {"start_at", FormatIso8601(exposure.start_at)},
                         {"end_at", FormatIso8601(exposure.end_at)},
                         {"place", exposure.place},
                         {"evidence", exposure.evidence}});
  }
  nlohmann::json visits = nlohmann::json::array();
  for (const TracingVisit& visit : record.visits) {
    visits.push_back({{"id", visit.id},
                      {"place", visit.place},
                      {"area", visit.area},
                      {"start_at", FormatIso8601(visit.start_at)},
                      {"end_at", FormatIso8601(visit.end_at)},
                      {"high_risk", visit.high_risk}});
  }
  nlohmann::json checks = nlohmann::json::array();
  for (const TracingCheck& check : record.checks) {
    checks.push_back({{"id", check.id},
                      {"at", FormatIso8601(check.at)},
                      {"symptoms", check.symptoms},
                      {"temperature_c", Nullable(check.temperature_c)}});
  }
  json["tests"] = tests;
  json["exposures"] = exposures;
  json["visits"] = visits;
  json["checks"] = checks;
  json["code_link"] = Nullable(record.code_link);
  return json;
}

}  // namespace

void AddTracingRecordRoutes(Router& router, TracingService& service) {
  router.Add(
      Method::kGet, Path("/people"), Tracers(),
      [&service](const ApiRequest& request) -> Result<ApiResponse> {
        TracingPeopleQuery query;
        query.status = request.QueryParam("status").value_or("cases");
        if (query.status.empty()) query.status = "cases";
        query.q = request.QueryParam("q").value_or("");
        ASSIGN_OR_RETURN(query.limit, PageParam(request, "limit", query.limit, 1, kMaxPeoplePage));
        ASSIGN_OR_RETURN(query.offset,
                         PageParam(request, "offset", 0, 0, std::numeric_limits<int>::max()));
        ASSIGN_OR_RETURN(const TracingPeoplePage page, service.ListPeople(request.actor(), query));
        nlohmann::json people = nlohmann::json::array();
        for (const TracingListedPerson& listed : page.people) {
          people.push_back(ListedJson(listed));
        }
        return ApiResponse::Ok({{"people", people}, {"total", page.total}});
      });

  router.Add(Method::kGet, Path(R"(/people/(\d+))"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const TracingRecord record, service.Record(request.actor(), id));
               return ApiResponse::Ok(RecordJson(record));
             });

  router.Add(Method::kPost, Path(R"(/people/(\d+)/code-link)"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const std::string token, service.MakeCodeLink(request.actor(), id));
               return ApiResponse::Created({{"token", token}});
             });

  // The person's own code, by the token of their private link: no account, rate-limited per
  // client address like every public route; the log line leaves the token out (PathForLog).
  router.Add(Method::kGet, "/api/v1/codes/([^/]+)", Access::Public(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const TracingPublicCode code,
                                service.CodeByLink(request.actor(), request.PathParam(1)));
               nlohmann::json json = CodeJson(code.now);
               json["name_masked"] = code.name_masked;
               json["history"] = HistoryJson(code.history);
               return ApiResponse::Ok(json);
             });

  // A venue scanning the code learns its colour and nothing else.
  router.Add(Method::kGet, "/api/v1/codes/([^/]+)/gate", Access::Public(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const tracing::CodeColour colour,
                                service.GateByLink(request.actor(), request.PathParam(1)));
               return ApiResponse::Ok({{"colour", ColourName(colour)}});
             });

  router.Add(Method::kGet, Path("/exports/follow-ups.csv"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(std::string csv, service.FollowUpsCsv(request.actor()));
               return ApiResponse::Download(std::move(csv), kCsv, "follow-ups.csv");
             });

  router.Add(Method::kGet, Path("/exports/cases.csv"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(std::string csv, service.CasesCsv(request.actor()));
               return ApiResponse::Download(std::move(csv), kCsv, "cases.csv");
             });
}

}  // namespace lifeline::tracing_http
