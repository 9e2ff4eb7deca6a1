#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "http/routes.h"
#include "services/city/city_service.h"

namespace lifeline {
namespace {

nlohmann::json HospitalJson(const HospitalRecord& hospital) {
  return {{"id", hospital.id},
          {"name_zh", hospital.name_zh},
          {"name_en", hospital.name_en},
          {"district_code", hospital.district_code},
          {"kind", scenario::HospitalKindName(hospital.kind)},
          {"beds", hospital.beds},
          {"lat", hospital.location.lat},
          {"lon", hospital.location.lon},
          {"opened_on", hospital.opened_on},
          {"source", hospital.source}};
}

}  // namespace

void AddCityRoutes(Router& router, Services& services) {
  CityService& city = services.city;

  router.Add(Method::kGet, "/api/v1/overview", Access::AnyRole(),
             [&city](const ApiRequest&) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const CityOverview overview, city.Overview());
               return ApiResponse::Ok({{"districts", overview.districts},
                                       {"hospitals", overview.hospitals},
                                       {"beds", overview.beds},
                                       {"residents", overview.residents},
                                       {"vulnerable_residents", overview.vulnerable_residents},
                                       {"volunteers", overview.volunteers},
                                       {"volunteers_by_role", overview.volunteers_by_role},
                                       {"generated_at", FormatIso8601(NowMillis())}});
             });

  router.Add(Method::kGet, "/api/v1/districts", Access::AnyRole(),
             [&city](const ApiRequest&) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<DistrictSummary> districts, city.ListDistricts());
               nlohmann::json list = nlohmann::json::array();
               for (const DistrictSummary& district : districts) {
                 list.push_back({{"code", district.code},
                                 {"name_zh", district.name_zh},
                                 {"name_en", district.name_en},
                                 {"lat", district.centroid.lat},
                                 {"lon", district.centroid.lon},
                                 {"population", district.population},
                                 {"hospitals", district.hospitals},
                                 {"beds", district.beds},
                                 {"residents", district.residents}});
               }
               return ApiResponse::Ok({{"districts", list}});
             });

  // Codes and names only, for forms a family fills in without an account.
  router.Add(Method::kGet, "/api/v1/public/districts", Access::Public(),
             [&city](const ApiRequest&) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<DistrictSummary> districts, city.ListDistricts());
               nlohmann::json list = nlohmann::json::array();
               for (const DistrictSummary& district : districts) {
                 list.push_back({{"code", district.code},
                                 {"name_zh", district.name_zh},
                                 {"name_en", district.name_en}});
               }
               return ApiResponse::Ok({{"districts", list}});
             });

  router.Add(Method::kGet, "/api/v1/hospitals", Access::AnyRole(),
             [&city](const ApiRequest& request) -> Result<ApiResponse> {
               std::optional<std::string> district = request.QueryParam("district");
               if (district && district->empty()) district.reset();
               ASSIGN_OR_RETURN(const std::vector<HospitalRecord> hospitals,
                                city.ListHospitals(district));
               nlohmann::json list = nlohmann::json::array();
               for (const HospitalRecord& hospital : hospitals)
                 list.push_back(HospitalJson(hospital));
               return ApiResponse::Ok({{"hospitals", list}});
             });

  router.Add(Method::kGet, R"(/api/v1/hospitals/(\d+))", Access::AnyRole(),
             [&city](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const HospitalRecord hospital, city.GetHospital(id));
               return ApiResponse::Ok(HospitalJson(hospital));
             });

  router.Add(
      Method::kPost, "/api/v1/hospitals", Access::Only({Role::kAdmin, Role::kCoordinator}),
      [&city](const ApiRequest& request) -> Result<ApiResponse> {
        ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
        NewHospital hospital;
        ASSIGN_OR_RETURN(hospital.name_zh, RequiredString(body, "name_zh"));
        ASSIGN_OR_RETURN(hospital.name_en, RequiredString(body, "name_en"));
        ASSIGN_OR_RETURN(hospital.district_code, RequiredString(body, "district_code"));
        ASSIGN_OR_RETURN(hospital.kind, RequiredString(body, "kind"));
        ASSIGN_OR_RETURN(hospital.beds, RequiredInt(body, "beds"));
        ASSIGN_OR_RETURN(hospital.location.lat, RequiredNumber(body, "lat"));
        ASSIGN_OR_RETURN(hospital.location.lon, RequiredNumber(body, "lon"));
        ASSIGN_OR_RETURN(const std::optional<std::string> opened_on,
                         OptionalString(body, "opened_on"));
        ASSIGN_OR_RETURN(const std::optional<std::string> source, OptionalString(body, "source"));
        hospital.opened_on = opened_on.value_or("");
        hospital.source = source.value_or("");
        ASSIGN_OR_RETURN(const HospitalRecord created, city.AddHospital(request.actor(), hospital));
        return ApiResponse::Created(HospitalJson(created));
      });
}

}  // namespace lifeline
