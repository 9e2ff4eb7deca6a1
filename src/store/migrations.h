#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "store/database.h"

namespace lifeline {

// A numbered schema change from src/store/migrations/NNNN_name.sql. SQL is written once for
// both backends; these tokens are replaced per dialect:
//   {{id}}      an auto-increment 64-bit primary key column type
//   {{blob}}    binary column type
// Everything else must be SQL both SQLite and PostgreSQL accept.
struct Migration {
  int version = 0;
  std::string name;
  std::string sql;
};

// The migrations compiled into the binary, in version order.
std::vector<Migration> BuiltinMigrations();

// Dialect-specific SQL for one migration.
std::string RenderMigrationSql(const std::string& sql, Dialect dialect);

// Applies every migration newer than the schema_version table's highest version, each in its
// own transaction together with its version row, so a crash leaves the schema at a version.
// Returns the number of migrations applied.
Result<int> Migrate(Database& database, const std::vector<Migration>& migrations);
Result<int> Migrate(Database& database);

// Highest applied version, 0 for an empty database.
Result<int> SchemaVersion(Database& database);

}  // namespace lifeline
