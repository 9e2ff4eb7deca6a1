#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "engines/companions/grid.h"
#include "engines/companions/phone_keys.h"
#include "engines/companions/runs.h"

namespace lifeline::companions {

// The columnar store `lifeline companions ingest` writes, so repeated queries skip CSV parsing:
// the towers (sorted by cell_id) and the run table, each column one contiguous array, plus the
// texts of hashed plain phone keys. Runs do not depend on the grid or the gap, so one store
// answers any rule. A pseudonymised store holds no phone number at all, only keyed hashes, and
// the fingerprint of the key that made them, so queries can refuse cases keyed differently.
//
// File layout (little-endian, as this machine writes it): the magic "LLRUNS01", a header of
// counts, the towers, then the columns phone_keys, phone_first_run, tower, first, last, then the
// names. A read checks the magic, the counts against the file's size and RunTable::Validate, so
// a damaged or foreign file is refused rather than trusted.
struct RunStore {
  std::vector<Tower> towers;  // sorted by cell_id, distinct
  RunTable runs;
  PhoneNames names;
  std::string key_fingerprint;  // empty unless pseudonymised
  std::int64_t rows_read = 0;   // what the ingest read and skipped, for the query's summary
  std::int64_t bad_rows = 0;

  bool pseudonymised() const { return !key_fingerprint.empty(); }
};

// Writes `store` to `path` through a temporary file renamed into place, so a crash never leaves a
// half-written store under the name. Messages companions.store.*.
Status WriteRunStore(const std::string& path, const RunStore& store);

// Reads a store written by WriteRunStore. InvalidArgument (companions.store.*) for an unreadable,
// foreign, truncated or inconsistent file.
Result<RunStore> ReadRunStore(const std::string& path);

}  // namespace lifeline::companions
