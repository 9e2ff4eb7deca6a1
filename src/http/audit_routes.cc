#include <nlohmann/json.hpp>

#include "http/routes.h"
#include "services/audit/audit_log.h"

namespace lifeline {

void AddAuditRoutes(Router& router, Services& services) {
  AuditLog& audit = services.audit;
  router.Add(Method::kGet, "/api/v1/audit", Access::Only({Role::kAdmin}),
             [&audit](const ApiRequest& request) -> Result<ApiResponse> {
               AuditFilter filter;
               filter.entity = request.QueryParam("entity");
               filter.entity_id = request.QueryParam("entity_id");
               if (filter.entity && filter.entity->empty()) filter.entity.reset();
               if (filter.entity_id && filter.entity_id->empty()) filter.entity_id.reset();
               ASSIGN_OR_RETURN(filter.actor_user_id, request.QueryInt("actor"));
               ASSIGN_OR_RETURN(filter.before_id, request.QueryInt("before_id"));
               ASSIGN_OR_RETURN(const std::optional<std::int64_t> limit, request.QueryInt("limit"));
               if (limit) {
                 if (*limit < 1 || *limit > kMaxAuditPageSize) {
                   return Status::InvalidArgument(
                       "error.query_param",
                       {{"field", "limit"}, {"reason", "1.." + std::to_string(kMaxAuditPageSize)}},
                       "limit");
                 }
                 filter.limit = static_cast<int>(*limit);
               }
               ASSIGN_OR_RETURN(const AuditPage page, audit.Query(filter));
               nlohmann::json entries = nlohmann::json::array();
               for (const AuditEntry& entry : page.entries) {
                 entries.push_back({{"id", entry.id},
                                    {"at", FormatIso8601(entry.at)},
                                    {"actor_user_id", entry.actor_user_id},
                                    {"actor_username", entry.actor_username},
                                    {"actor_role", entry.actor_role},
                                    {"action", entry.action},
                                    {"entity", entry.entity},
                                    {"entity_id", entry.entity_id},
                                    {"reason", entry.reason},
                                    {"request_id", entry.request_id}});
               }
               nlohmann::json body = {{"entries", entries}, {"next_before_id", nullptr}};
               if (page.next_before_id) body["next_before_id"] = *page.next_before_id;
               return ApiResponse::Ok(body);
             });
}

}  // namespace lifeline
