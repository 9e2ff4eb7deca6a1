#include <nlohmann/json.hpp>

#include "core/i18n.h"
#include "http/routes.h"
#include "store/database.h"

namespace lifeline {

void AddSystemRoutes(Router& router, Services& services) {
  router.Add(Method::kGet, "/healthz", Access::PublicUnmetered(),
             [&services](const ApiRequest&) -> Result<ApiResponse> {
               Result<QueryResult> probe = services.database.Query("SELECT 1");
               if (!probe.ok()) {
                 return Status(ErrorCode::kUnavailable, "error.store_unavailable", {}, {},
                               probe.status().detail());
               }
               return ApiResponse::Ok({{"status", "ok"}, {"database", "ok"}});
             });

  // Unmetered: every page load fetches it, many volunteers may share one address, and it says
  // nothing about people.
  router.Add(
      Method::kGet, R"(/api/v1/i18n/([A-Za-z-]+))", Access::PublicUnmetered(),
      [](const ApiRequest& request) -> Result<ApiResponse> {
        const std::string locale = request.PathParam(1);
        if (!IsSupportedLocale(locale)) {
          return Status::InvalidArgument("error.unknown_locale", {{"locale", locale}}, "locale");
        }
        return ApiResponse::Ok(
            {{"locale", locale}, {"messages", Catalogue::Builtin().Messages(locale)}});
      });

  router.Add(Method::kGet, "/api/v1/roles", Access::AnyRole(),
             [](const ApiRequest&) -> Result<ApiResponse> {
               nlohmann::json roles = nlohmann::json::array();
               for (const Role role : AllRoles()) roles.push_back(RoleName(role));
               return ApiResponse::Ok({{"roles", roles}});
             });
}

}  // namespace lifeline
