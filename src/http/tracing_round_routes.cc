// Testing rounds over HTTP (docs/tracing.md): a round over chosen districts, scheduled by risk
// when it is created; its page with the schedule and batches; a batch of results whose positives
// open cases.

#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "core/time.h"
#include "http/tracing_http.h"

namespace lifeline::tracing_http {
namespace {

constexpr std::size_t kMaxListItems = 10000;

// `status` with its field named inside a list: "districts[2].population".
Status InList(const Status& status, const std::string& prefix) {
  const std::string field = prefix + status.field();
  MessageArgs args = status.args();
  for (auto& [name, value] : args) {
    if (name == "field") value = field;
  }
  return Status(status.code(), status.message_id(), std::move(args), field, status.detail());
}

// The objects of a list field; an absent or null field is an empty list.
Result<std::vector<nlohmann::json>> Objects(const nlohmann::json& body, const std::string& field) {
  std::vector<nlohmann::json> items;
  const auto found = body.find(field);
  if (found == body.end() || found->is_null()) return items;
  const Status wrong = Status::InvalidArgument(
      "error.field_type", {{"field", field}, {"expected", "array of objects"}}, field);
  if (!found->is_array() || found->size() > kMaxListItems) return wrong;
  for (const nlohmann::json& item : *found) {
    if (!item.is_object()) return wrong;
    items.push_back(item);
  }
  return items;
}

Result<TracingRoundDistrictInput> ParseDistrict(const nlohmann::json& item) {
  TracingRoundDistrictInput district;
  ASSIGN_OR_RETURN(district.code, Text(item, "code"));
  ASSIGN_OR_RETURN(district.name, Text(item, "name"));
  ASSIGN_OR_RETURN(district.population, RequiredInt(item, "population"));
  return district;
}

Result<TracingRoundInput> ParseRound(const nlohmann::json& body) {
  TracingRoundInput round;
  ASSIGN_OR_RETURN(round.name, Text(body, "name"));
  ASSIGN_OR_RETURN(round.start_date, Text(body, "start_date"));
  ASSIGN_OR_RETURN(round.daily_capacity, RequiredInt(body, "daily_capacity"));
  ASSIGN_OR_RETURN(const std::vector<nlohmann::json> districts, Objects(body, "districts"));
  for (std::size_t index = 0; index < districts.size(); ++index) {
    Result<TracingRoundDistrictInput> district = ParseDistrict(districts[index]);
    if (!district.ok()) {
      return InList(district.status(), "districts[" + std::to_string(index) + "].");
    }
    round.districts.push_back(std::move(*district));
  }
  return round;
}

Result<TracingPositiveInput> ParsePositive(const nlohmann::json& item) {
  TracingPositiveInput positive;
  ASSIGN_OR_RETURN(positive.name, Text(item, "name"));
  ASSIGN_OR_RETURN(positive.phone, Text(item, "phone"));
  ASSIGN_OR_RETURN(positive.household, Text(item, "household"));
  ASSIGN_OR_RETURN(positive.kind, Text(item, "kind", "pcr"));
  ASSIGN_OR_RETURN(positive.ct, MaybeNumber(item, "ct"));
  ASSIGN_OR_RETURN(positive.onset_at, MaybeInstant(item, "onset_at"));
  return positive;
}

Result<TracingBatchInput> ParseBatch(const nlohmann::json& body) {
  TracingBatchInput batch;
  ASSIGN_OR_RETURN(batch.district_code, Text(body, "district_code"));
  ASSIGN_OR_RETURN(batch.batch, Text(body, "batch"));
  ASSIGN_OR_RETURN(batch.taken_at, RequiredInstant(body, "taken_at"));
  ASSIGN_OR_RETURN(batch.tested, RequiredInt(body, "tested"));
  ASSIGN_OR_RETURN(const std::vector<nlohmann::json> positives, Objects(body, "positives"));
  for (std::size_t index = 0; index < positives.size(); ++index) {
    Result<TracingPositiveInput> positive = ParsePositive(positives[index]);
    if (!positive.ok()) {
      return InList(positive.status(), "positives[" + std::to_string(index) + "].");
    }
    batch.positives.push_back(std::move(*positive));
  }
  return batch;
}

nlohmann::json RoundJson(const TracingRound& round) {
  nlohmann::json districts = nlohmann::json::array();
  for (const TracingRoundDistrict& district : round.districts) {
    districts.push_back({{"code", district.code},
                         {"name", district.name},
                         {"population", district.population},
                         {"risk", district.risk},
                         {"cases_14d", district.cases_14d},
                         {"tested", district.tested},
                         {"positives", district.positives}});
  }
  nlohmann::json days = nlohmann::json::array();
  for (const TracingRoundDay& day : round.days) {
    nlohmann::json slots = nlohmann::json::array();
    for (const tracing::RoundSlot& slot : day.slots) {
      slots.push_back({{"district", slot.district}, {"tests", slot.tests}});
    }
    days.push_back({{"day", day.day}, {"date", day.date}, {"tests", day.tests}, {"slots", slots}});
  }
  nlohmann::json batches = nlohmann::json::array();
  for (const TracingRoundBatch& batch : round.batches) {
    batches.push_back({{"id", batch.id},
                       {"district_code", batch.district_code},
                       {"batch", batch.batch},
                       {"taken_at", FormatIso8601(batch.taken_at)},
                       {"tested", batch.tested},
                       {"positives", batch.positives},
                       {"case_ids", batch.case_ids}});
  }
  return {{"id", round.id},
          {"name", round.name},
          {"start_date", round.start_date},
          {"daily_capacity", round.daily_capacity},
          {"created_at", FormatIso8601(round.created_at)},
          {"districts", districts},
          {"days", days},
          {"batches", batches}};
}

}  // namespace

void AddTracingRoundRoutes(Router& router, TracingService& service) {
  router.Add(Method::kPost, Path("/rounds"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const TracingRoundInput input, ParseRound(body));
               ASSIGN_OR_RETURN(const TracingRound round,
                                service.CreateRound(request.actor(), input));
               return ApiResponse::Created(RoundJson(round));
             });

  router.Add(Method::kGet, Path("/rounds"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<TracingRoundSummary> rounds,
                                service.ListRounds(request.actor()));
               nlohmann::json list = nlohmann::json::array();
               for (const TracingRoundSummary& round : rounds) {
                 list.push_back({{"id", round.id},
                                 {"name", round.name},
                                 {"start_date", round.start_date},
                                 {"daily_capacity", round.daily_capacity},
                                 {"districts", round.districts},
                                 {"population", round.population},
                                 {"tested", round.tested},
                                 {"positives", round.positives},
                                 {"created_at", FormatIso8601(round.created_at)}});
               }
               return ApiResponse::Ok({{"rounds", list}});
             });

  router.Add(Method::kGet, Path(R"(/rounds/(\d+))"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const TracingRound round, service.GetRound(request.actor(), id));
               return ApiResponse::Ok(RoundJson(round));
             });

  router.Add(Method::kPost, Path(R"(/rounds/(\d+)/batches)"), Tracers(),
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const TracingBatchInput batch, ParseBatch(body));
               ASSIGN_OR_RETURN(const TracingBatchResult result,
                                service.RecordBatch(request.actor(), id, batch));
               return ApiResponse::Created({{"id", result.id}, {"case_ids", result.case_ids}});
             });
}

}  // namespace lifeline::tracing_http
