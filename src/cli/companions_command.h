#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "engines/companions/companions.h"

namespace lifeline {

// `lifeline companions`: towers, records and confirmed cases from CSV files, every
// spatiotemporal companion (issue 5's rule) as CSV on stdout or --out; progress, a summary and
// the bad rows ("file:line: reason", the first few of each kind, then a count) on `errors`, all
// in the command-line language. `lifeline companions explain` prints the evidence for one pair.
// The contract is in the catalogue's cli.help.companions_footer.

struct CompanionsCommandOptions {
  std::string cells_path;
  std::string records_path;
  std::string cases_path;
  std::string out_path;  // empty = `output`
  std::int64_t gap_s = companions::kDefaultGapSeconds;
  std::string origin;  // "LAT,LON"; empty = minimum latitude and longitude over the towers
  int threads = 0;     // 0 = one per hardware thread
  // Bad rows reported one by one per kind and file; the rest are counted.
  std::int64_t max_reported = 10;
  // For `explain`: the pair, as the phone numbers appear in the files.
  std::string case_phone;
  std::string companion_phone;
};

// Exit codes of `lifeline companions` and `lifeline companions explain`.
constexpr int kCompanionsExitOk = 0;
constexpr int kCompanionsExitFailed = 1;       // the engine or the output failed
constexpr int kCompanionsExitUnreadable = 2;   // usage error, unreadable file, missing column
constexpr int kCompanionsExitRowsSkipped = 3;  // output written, but some rows were bad

int RunCompanions(const CompanionsCommandOptions& options, std::FILE* output = stdout,
                  std::FILE* errors = stderr);
int RunCompanionsExplain(const CompanionsCommandOptions& options, std::FILE* output = stdout,
                         std::FILE* errors = stderr);

}  // namespace lifeline
