#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "store/database.h"

namespace lifeline {

// SQLite backend: the file is opened in WAL mode with synchronous=FULL (an acknowledged commit
// survives kill -9 and power loss), foreign keys on and a busy timeout. Writers share one
// connection and queue in-process instead of spinning on SQLITE_BUSY; writers that queue up
// while a commit is in flight are committed together (group commit, each in its own savepoint,
// so one failure does not undo the others). Readers use a pool of `pool_size` query_only
// connections and run beside the writer.
Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path, int pool_size);

// Rewrites $1, $2, ... placeholders to SQLite's ?1, ?2, ... outside string literals.
std::string SqlitePlaceholders(std::string_view sql);

}  // namespace lifeline
