#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "store/database.h"

namespace lifeline {

// What happened to which record, and why. `entity` is the record kind ("user", later "case",
// "contact", …) and `entity_id` its id, or "*" for a listing.
struct AuditEvent {
  std::string action;  // "read", "list", "create", "update", "revoke", ...
  std::string entity;
  std::string entity_id;
  std::string reason;
};

struct AuditEntry {
  std::int64_t id = 0;
  UnixMillis at = 0;
  std::int64_t actor_user_id = 0;
  std::string actor_username;
  std::string actor_role;
  std::string action;
  std::string entity;
  std::string entity_id;
  std::string reason;
  std::string request_id;
};

struct AuditFilter {
  std::optional<std::string> entity = std::nullopt;
  std::optional<std::string> entity_id = std::nullopt;
  std::optional<std::int64_t> actor_user_id = std::nullopt;
  std::optional<std::int64_t> before_id =
      std::nullopt;  // paging: entries with smaller ids, newest first
  int limit = 100;
};

struct AuditPage {
  std::vector<AuditEntry> entries;
  std::optional<std::int64_t> next_before_id;  // set when older entries may exist
};

constexpr int kMaxAuditPageSize = 1000;

// The append-only audit log of reads and changes of sensitive records. Appending happens
// inside the caller's transaction, so a record change and its audit row commit or vanish
// together, and a read is logged before its data leaves the service. The database refuses
// UPDATE and DELETE on the table (migration 0003). Thread-safe.
class AuditLog {
 public:
  explicit AuditLog(Database& database) : database_(database) {}

  static Status Append(Connection& connection, const Actor& actor, const AuditEvent& event);

  // Newest first. `filter.limit` is clamped to [1, kMaxAuditPageSize].
  Result<AuditPage> Query(const AuditFilter& filter);

 private:
  Database& database_;
};

}  // namespace lifeline
