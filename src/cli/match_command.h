#pragma once

#include <cstdio>
#include <string>

#include "engines/matching/matching.h"

namespace lifeline {

// `lifeline match`: needs and offers from CSV files, the optimal (or greedy) assignment as CSV
// on `output`, a summary and every skipped row ("file:line: reason") on `errors`, all in the
// command-line language. The contract is in the catalogue's cli.help.match_footer.

struct MatchCommandOptions {
  std::string needs_path;
  std::string offers_path;
  double radius_km = matching::kDefaultRadiusKm;
  bool greedy = false;
  int candidates = matching::kDefaultMaxCandidatesPerNeed;
};

// Exit codes of `lifeline match`.
constexpr int kMatchExitOk = 0;
constexpr int kMatchExitFailed = 1;       // the engine or the output failed
constexpr int kMatchExitUnreadable = 2;   // a file cannot be read or lacks a header column
constexpr int kMatchExitRowsSkipped = 3;  // output written, but some rows were bad

int RunMatch(const MatchCommandOptions& options, std::FILE* output = stdout,
             std::FILE* errors = stderr);

}  // namespace lifeline
