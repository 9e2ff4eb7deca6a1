#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cluster.h"
#include "cli/companions_command.h"
#include "core/geo.h"
#include "engines/companions/phone_keys.h"
#include "engines/companions/run_store.h"

namespace lifeline {

// The inputs of `lifeline companions`: cells.csv and cases.csv (small, read whole on every rank),
// records.csv (parsed in parallel, each MPI rank its own byte range, records handed to the rank
// owning their phones) or the columnar store, with every bad row reported by rank 0 in line order.

// Where a command reports: rank 0's streams; other ranks print nothing.
struct Reporter {
  std::string locale;
  std::FILE* errors = nullptr;
  std::int64_t max_reported = 10;
};

// The confirmed cases, keyed, with the text of each case's number (known, so shown in clear even
// when pseudonymised) and its line.
struct Cases {
  std::vector<companions::Case> cases;
  std::vector<std::int64_t> lines;
  companions::PhoneNames texts;
};

std::optional<Cases> ReadCases(const std::string& path, const companions::PhoneKeyer& keyer,
                               const Reporter& say, std::int64_t& bad_rows);

// What one process holds of the records: runs of the phones it owns (all of them, in a single
// process), texts of hashed plain numbers, and counts for the summary.
struct LocalRecords {
  std::vector<companions::Tower> towers;  // all towers, sorted by cell_id
  companions::RunTable runs;
  companions::PhoneNames names;
  std::int64_t rows_read = 0;
  std::int64_t bad_rows = 0;
  std::string key_fingerprint;  // of a pseudonymised store
  // A store's stays and index built at ingest, used instead of the runs when the rule is theirs.
  std::optional<companions::PreparedStays> prepared;
};

// How numbers become keys: the keyer the flags ask for and, when pseudonymised, the fingerprint
// of its key (kept in a store, to refuse queries under another key).
struct Keying {
  companions::PhoneKeyer keyer;
  std::string fingerprint;
};

// The keying the flags ask for; nullopt (said) when --pseudonymise has no key file.
std::optional<Keying> MakeKeying(const CompanionsCommandOptions& options, const Reporter& say);

// "LAT,LON" as a point on the globe.
std::optional<LatLon> ParseOrigin(std::string_view text);

// Told how far parsing records.csv has come: bytes of this process's range. Returns false to
// stop the parse.
using RecordsProgress = std::function<bool(std::uint64_t done, std::uint64_t total)>;

// Loads the records: from the columnar store (--store) or from cells.csv and records.csv, telling
// `progress` (when set, instead of printing it) as records.csv is parsed; if it asks to stop, the
// parse ends at the next chunk and loading fails. Returns the exit code so far (0, or why it
// stopped).
int LoadRecords(const CompanionsCommandOptions& options, const Keying& keying, int threads,
                Cluster& cluster, const Reporter& say, LocalRecords& local,
                const RecordsProgress& progress = {});

// The engine over everything one process loaded: the store's prepared stays when they fit the
// rule, else stays built from the runs (which it consumes).
Result<companions::CompanionEngine> BuildLocalEngine(const companions::CompanionRule& rule,
                                                     LocalRecords& local, int threads);

}  // namespace lifeline
