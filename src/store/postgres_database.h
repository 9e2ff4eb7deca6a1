#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "store/database.h"

namespace lifeline {

// PostgreSQL backend through libpqxx: a pool of `pool_size` connections to `url`
// ("postgres://user:password@host:port/dbname"). Transactions are READ COMMITTED; write
// transactions take no extra locks, so services must make conflicting writes safe with
// unique keys or row locks, exactly as they must on SQLite.
Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url, int pool_size);

}  // namespace lifeline
