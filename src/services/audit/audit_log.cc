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
  // Optional filters are written as "$n IS NULL OR column = $n" so one statement serves all.
  const int limit = std::clamp(filter.limit, 1, kMaxAuditPageSize);
  auto optional_text = [](const std::optional<std::string>& value) -> Value {
    return value ? Value(*value) : Value(nullptr);
  };
  auto optional_int = [](const std::optional<std::int64_t>& value) -> Value {
    return value ? Value(*value) : Value(nullptr);
  };
  ASSIGN_OR_RETURN(
      QueryResult result,
      database_.Query(
          "SELECT id, at, actor_user_id, actor_username, actor_role, action, entity, entity_id, "
          "reason, request_id FROM audit_log "
          "WHERE ($1 IS NULL OR entity = $1) AND ($2 IS NULL OR entity_id = $2) "
          "AND ($3 IS NULL OR actor_user_id = $3) AND ($4 IS NULL OR id < $4) "
          "ORDER BY id DESC LIMIT $5",
          {optional_text(filter.entity), optional_text(filter.entity_id),
           optional_int(filter.actor_user_id), optional_int(filter.before_id),
           static_cast<std::int64_t>(limit)}));
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
