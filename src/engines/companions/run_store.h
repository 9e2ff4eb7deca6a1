#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "engines/companions/cell_index.h"
#include "engines/companions/companions.h"
#include "engines/companions/grid.h"
#include "engines/companions/phone_keys.h"
#include "engines/companions/runs.h"
#include "engines/companions/stays.h"

namespace lifeline::companions {

// The columnar store `lifeline companions ingest` writes, so repeated queries skip CSV parsing:
// the towers (sorted by cell_id) and the run table, each column one contiguous array, plus the
// texts of hashed plain phone keys. Runs do not depend on the grid or the gap, so one store
// answers any rule. A pseudonymised store holds no phone number at all, only keyed hashes, and
// the fingerprint of the key that made them, so queries can refuse cases keyed differently.
//
// A store may also hold the stays and the cell index built for one rule (`prepared`: what ingest
// builds for the default rule), so that a query with that rule maps them and goes straight to
// evaluation instead of rebuilding them from the runs.
//
// File layout (little-endian, as this machine writes it): the magic "LLRUNS03", a header of
// counts, the towers and the names, then each column 64-byte aligned: phone_keys,
// phone_first_run, tower, first, last; then, if prepared, its rule, the grid cells, the stays'
// phone_first_stay, cell, start and end, the index's bucket offsets and entries. A read maps the
// file and checks the magic, every count against the file's size, RunTable::Validate for the
// runs and every offset and index of the prepared part, so a damaged or foreign file is refused
// rather than trusted; columns are used in place (views into the mapping), not copied.

// The stays and cell index of one rule, ready for CompanionEngine::FromPrepared.
struct PreparedStays {
  std::int64_t gap_s = 0;
  double cell_meters = 0;
  std::optional<LatLon> origin;
  std::vector<CellKey> cells;
  StayTable stays;
  CellIndex index;
};

struct RunStore {
  std::vector<Tower> towers;  // sorted by cell_id, distinct
  RunTable runs;
  PhoneNames names;
  std::string key_fingerprint;  // empty unless pseudonymised
  std::int64_t rows_read = 0;   // what the ingest read and skipped, for the query's summary
  std::int64_t bad_rows = 0;
  std::optional<PreparedStays> prepared;

  bool pseudonymised() const { return !key_fingerprint.empty(); }

  // RunTable::Validate for runs read from a file (companions.store.damaged). ReadRunStore calls it
  // unless the store has prepared stays, which a query may use instead: then whoever uses the
  // runs must call it first.
  Status CheckRuns() const;

 private:
  friend Result<RunStore> ReadRunStore(const std::string& path);
  std::string path_;  // where it was read from, for messages
};

// The stays and cell index of `rule` (its gap, cell size and origin) over `runs` and the towers
// they refer to (sorted by cell_id), built on `threads` threads, for RunStore::prepared.
// InvalidArgument as CompanionEngine::GridCellsOf.
Result<PreparedStays> PrepareStays(std::span<const Tower> towers, const RunTable& runs,
                                   const CompanionRule& rule, int threads);

// Writes `store` to `path` through a temporary file renamed into place, so a crash never leaves a
// half-written store under the name. Messages companions.store.*.
Status WriteRunStore(const std::string& path, const RunStore& store);

// Reads a store written by WriteRunStore, mapping the file: the columns are views into it, kept
// alive by the store (and what is built from it). InvalidArgument (companions.store.*) for an
// unreadable, foreign, truncated or inconsistent file.
Result<RunStore> ReadRunStore(const std::string& path);

}  // namespace lifeline::companions
