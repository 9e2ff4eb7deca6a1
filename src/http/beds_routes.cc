// The bed board's endpoints (docs/beds.md): the board, a hospital's history of verified figures,
// recording a figure, and recommendations for a patient.

#include <charconv>
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "core/i18n.h"
#include "core/json_fields.h"
#include "http/routes.h"
#include "services/beds/beds_service.h"

namespace lifeline {
namespace {

const Access kRecorders =
    Access::Only({Role::kCoordinator, Role::kDoctor, Role::kNurse, Role::kAdmin});
const Access kRecommendationReaders =
    Access::Only({Role::kCoordinator, Role::kDoctor, Role::kNurse, Role::kAngel, Role::kAdmin});

constexpr const char* kHospitalBeds = R"(/api/v1/beds/hospitals/(\d+))";

std::int64_t Minutes(UnixMillis millis) { return millis / kMillisPerMinute; }

nlohmann::json HospitalJson(const BedHospital& hospital) {
  return {{"id", hospital.id},
          {"name_zh", hospital.name_zh},
          {"name_en", hospital.name_en},
          {"district_code", hospital.district_code},
          {"kind", scenario::HospitalKindName(hospital.kind)},
          {"beds", hospital.beds},
          {"lat", hospital.location.lat},
          {"lon", hospital.location.lon}};
}

nlohmann::json UpdateJson(const BedUpdateRecord& update) {
  return {{"id", update.id},
          {"hospital_id", update.hospital_id},
          {"bed_class", BedClassName(update.bed_class)},
          {"capacity", update.capacity},
          {"free", update.free},
          {"verified_by", update.verified_by},
          {"verified_by_name", update.verified_by_name},
          {"method", VerificationMethodName(update.method)},
          {"verified_at", FormatIso8601(update.verified_at)},
          {"recorded_at", FormatIso8601(update.recorded_at)},
          {"note", update.note}};
}

nlohmann::json StateJson(const BedClassState& state) {
  nlohmann::json json = UpdateJson(state.update);
  json["age_minutes"] = Minutes(state.age);
  json["freshness"] = FreshnessName(state.freshness);
  return json;
}

// A reason in the caller's language; class and method names are translated too.
nlohmann::json ReasonJson(const RecommendationReason& reason, const std::string& locale) {
  const Catalogue& catalogue = Catalogue::Builtin();
  MessageArgs args = reason.args;
  for (auto& [name, value] : args) {
    const std::string prefix = name == "method" ? "beds.method." : "beds.class.";
    if ((name == "class" || name == "preferred" || name == "method") &&
        catalogue.Has(prefix + value)) {
      value = catalogue.Render(locale, prefix + value);
    }
  }
  return {{"code", reason.code},
          {"text", catalogue.Render(locale, "beds.reason." + reason.code, args)}};
}

Result<double> RequiredQueryNumber(const ApiRequest& request, const std::string& name) {
  const std::optional<std::string> text = request.QueryParam(name);
  if (!text || text->empty()) {
    return Status::InvalidArgument("error.field_required", {{"field", name}}, name);
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || !std::isfinite(value)) {
    return Status::InvalidArgument("error.query_param", {{"field", name}, {"reason", "number"}},
                                   name);
  }
  return value;
}

Result<bool> OptionalQueryBool(const ApiRequest& request, const std::string& name) {
  const std::string text = request.QueryParam(name).value_or("");
  if (text.empty() || text == "false" || text == "0") return false;
  if (text == "true" || text == "1") return true;
  return Status::InvalidArgument("error.query_param",
                                 {{"field", name}, {"reason", "true or false"}}, name);
}

Result<NewBedUpdate> ParseUpdate(const nlohmann::json& body, std::int64_t hospital_id) {
  NewBedUpdate update;
  update.hospital_id = hospital_id;
  ASSIGN_OR_RETURN(update.bed_class, RequiredString(body, "bed_class"));
  ASSIGN_OR_RETURN(update.capacity, RequiredInt(body, "capacity"));
  ASSIGN_OR_RETURN(update.free, RequiredInt(body, "free"));
  ASSIGN_OR_RETURN(update.method, RequiredString(body, "method"));
  ASSIGN_OR_RETURN(const std::string verified_at, RequiredString(body, "verified_at"));
  Result<UnixMillis> parsed = ParseIso8601(verified_at);
  if (!parsed.ok()) {
    return Status::InvalidArgument("error.bad_time", {{"value", verified_at}}, "verified_at");
  }
  update.verified_at = *parsed;
  ASSIGN_OR_RETURN(const std::optional<std::string> note,
                   OptionalString(body, "note", kMaxBedNoteBytes));
  update.note = note.value_or("");
  return update;
}

}  // namespace

void AddBedsRoutes(Router& router, Services& services) {
  BedsService& beds = services.beds;

  router.Add(Method::kGet, "/api/v1/beds/board", Access::AnyRole(),
             [&beds](const ApiRequest& request) -> Result<ApiResponse> {
               BedBoardFilter filter;
               filter.district_code = request.QueryParam("district");
               filter.bed_class = request.QueryParam("bed_class");
               ASSIGN_OR_RETURN(const BedBoard board, beds.Board(filter));
               nlohmann::json hospitals = nlohmann::json::array();
               for (const HospitalBeds& row : board.hospitals) {
                 nlohmann::json json = HospitalJson(row.hospital);
                 nlohmann::json classes = nlohmann::json::array();
                 for (const BedClassState& state : row.classes) classes.push_back(StateJson(state));
                 json["classes"] = classes;
                 json["capacity"] = row.capacity;
                 json["free"] = row.free;
                 json["last_verified_at"] =
                     row.last_verified_at > 0 ? nlohmann::json(FormatIso8601(row.last_verified_at))
                                              : nlohmann::json(nullptr);
                 json["freshness"] = row.freshness ? nlohmann::json(FreshnessName(*row.freshness))
                                                   : nlohmann::json(nullptr);
                 hospitals.push_back(json);
               }
               return ApiResponse::Ok({{"now", FormatIso8601(board.now)},
                                       {"stale_after_minutes", Minutes(board.stale_after)},
                                       {"hospitals", hospitals}});
             });

  router.Add(Method::kGet, std::string(kHospitalBeds) + "/history", Access::AnyRole(),
             [&beds](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t hospital_id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const std::vector<BedUpdateRecord> updates,
                                beds.History(hospital_id));
               nlohmann::json list = nlohmann::json::array();
               for (const BedUpdateRecord& update : updates) list.push_back(UpdateJson(update));
               return ApiResponse::Ok({{"hospital_id", hospital_id}, {"updates", list}});
             });

  router.Add(Method::kPost, std::string(kHospitalBeds) + "/updates", kRecorders,
             [&beds](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t hospital_id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewBedUpdate update, ParseUpdate(body, hospital_id));
               ASSIGN_OR_RETURN(const BedUpdateRecord recorded,
                                beds.RecordUpdate(request.actor(), update));
               return ApiResponse::Created(UpdateJson(recorded));
             });

  router.Add(Method::kGet, "/api/v1/beds/recommendations", kRecommendationReaders,
             [&beds](const ApiRequest& request) -> Result<ApiResponse> {
               BedQuery query;
               query.severity = request.QueryParam("severity").value_or("");
               if (query.severity.empty()) {
                 return Status::InvalidArgument("error.field_required", {{"field", "severity"}},
                                                "severity");
               }
               ASSIGN_OR_RETURN(query.location.lat, RequiredQueryNumber(request, "lat"));
               ASSIGN_OR_RETURN(query.location.lon, RequiredQueryNumber(request, "lon"));
               ASSIGN_OR_RETURN(query.include_stale, OptionalQueryBool(request, "include_stale"));
               ASSIGN_OR_RETURN(const BedRecommendations answer, beds.Recommend(query));
               nlohmann::json classes = nlohmann::json::array();
               for (const BedClass bed_class : answer.classes)
                 classes.push_back(BedClassName(bed_class));
               nlohmann::json hospitals = nlohmann::json::array();
               for (const BedRecommendation& recommendation : answer.hospitals) {
                 nlohmann::json json = HospitalJson(recommendation.hospital);
                 json["bed"] = StateJson(recommendation.state);
                 json["distance_km"] = std::round(recommendation.distance_meters / 100.0) / 10.0;
                 nlohmann::json reasons = nlohmann::json::array();
                 for (const RecommendationReason& reason : recommendation.reasons) {
                   reasons.push_back(ReasonJson(reason, request.locale()));
                 }
                 json["reasons"] = reasons;
                 hospitals.push_back(json);
               }
               return ApiResponse::Ok({{"now", FormatIso8601(answer.now)},
                                       {"severity", triage::SeverityName(answer.severity)},
                                       {"classes", classes},
                                       {"include_stale", query.include_stale},
                                       {"hospitals", hospitals}});
             });
}

}  // namespace lifeline
