#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "engines/companions/companions.h"

namespace lifeline {

// `lifeline companions`: towers, records and confirmed cases from CSV files (or the records from a
// columnar store written by `lifeline companions ingest`), every spatiotemporal companion (issue
// 5's rule) as CSV on stdout or --out; progress, a summary and the bad rows ("file:line: reason",
// the first few of each kind, then a count) on `errors`, all in the command-line language.
// `lifeline companions explain` prints the evidence for one pair. The contract is in the
// catalogue's cli.help.companions_footer. Under `mpirun` the work is split over the ranks (see
// companions_cluster.h) and rank 0 writes the same bytes a single process would.

struct CompanionsCommandOptions {
  std::string cells_path;
  std::string records_path;
  std::string store_path;  // `ingest` writes it; the others read it instead of cells and records
  std::string cases_path;
  std::string out_path;  // empty = `output`
  std::int64_t gap_s = companions::kDefaultGapSeconds;
  std::string origin;  // "LAT,LON"; empty = minimum latitude and longitude over the towers
  int threads = 0;     // 0 = one per hardware thread
  int rings = 1;       // 2 adds the companions of the companions
  // Phone numbers become keyed hashes under the deployment key in `key_file`; no number is kept.
  bool pseudonymise = false;
  std::string key_file = "lifeline.key";
  // Bad rows reported one by one per kind and file; the rest are counted.
  std::int64_t max_reported = 10;
  // For `explain`: the pair, as the phone numbers appear in the files (or a "~" pseudonym).
  std::string case_phone;
  std::string companion_phone;
};

// Exit codes of `lifeline companions`, `companions ingest` and `companions explain`.
constexpr int kCompanionsExitOk = 0;
constexpr int kCompanionsExitFailed = 1;       // the engine or the output failed
constexpr int kCompanionsExitUnreadable = 2;   // usage error, unreadable file, missing column
constexpr int kCompanionsExitRowsSkipped = 3;  // output written, but some rows were bad

int RunCompanions(const CompanionsCommandOptions& options, std::FILE* output = stdout,
                  std::FILE* errors = stderr);
int RunCompanionsIngest(const CompanionsCommandOptions& options, std::FILE* errors = stderr);
int RunCompanionsExplain(const CompanionsCommandOptions& options, std::FILE* output = stdout,
                         std::FILE* errors = stderr);

}  // namespace lifeline
