#include "services/audit/audit_log.h"

#include <algorithm>

namespace lifeline {

Status AuditLog::Append(Connection& connection, const Actor& actor, const AuditEvent& event) {
  return connection
      .Execute(
          "INSERT INTO audit_log (at, actor_user_id, actor_username, actor_role, action, entity, "
          "entity_id, reason, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          {NowMillis(), actor.user_id, actor.username, std::string(RoleName(actor.role)),
           event.action, event.entity, event.entity_id, event.reason, actor.request_id})
      .status();
}

Result<AuditPage> AuditLog::Query(const AuditFilter& filter) {
  // Only the filters given become conditions: PostgreSQL cannot type a parameter that is only
  // ever compared with NULL, so "$1 IS NULL OR ..." is not portable.
  std::string where;
  std::vector<Value> params;
  params.reserve(5);  // four filters and the limit
  auto add_condition = [&](const char* column_and_operator, const Value& value) {
    params.push_back(value);
    where += (where.empty() ? " WHERE " : " AND ") + std::string(column_and_operator) + " $" +
             std::to_string(params.size());
  };
  if (filter.entity) add_condition("entity =", *filter.entity);
  if (filter.entity_id) add_condition("entity_id =", *filter.entity_id);
  if (filter.actor_user_id) add_condition("actor_user_id =", *filter.actor_user_id);
  if (filter.before_id) add_condition("id <", *filter.before_id);
  const int limit = std::clamp(filter.limit, 1, kMaxAuditPageSize);
  params.push_back(static_cast<std::int64_t>(limit));
  ASSIGN_OR_RETURN(
      QueryResult result,
      database_.Query("SELECT id, at, actor_user_id, actor_username, actor_role, action, entity, "
                      "entity_id, reason, request_id FROM audit_log" +
                          where + " ORDER BY id DESC LIMIT $" + std::to_string(params.size()),
                      params));
  AuditPage page;
  for (const Row& row : result.rows) {
    page.entries.push_back(AuditEntry{row.Int(0), row.Int(1), row.Int(2), row.Text(3), row.Text(4),
                                      row.Text(5), row.Text(6), row.Text(7), row.Text(8),
                                      row.Text(9)});
  }
  if (static_cast<int>(page.entries.size()) == limit) page.next_before_id = page.entries.back().id;
  return page;
}

}  // namespace lifeline
