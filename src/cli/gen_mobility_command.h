#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "engines/companions/synthetic_city.h"

namespace lifeline {

// `lifeline gen-mobility`: writes a seeded synthetic city (engines/companions/synthetic_city.h,
// docs/mobility.md) as DIR/cells.csv, DIR/records.csv and DIR/cases.csv, the inputs of
// `lifeline companions`. Each file is written under a temporary name and renamed when complete.
// Progress (one line per day) and a summary go to `errors` in the command-line language.

struct GenMobilityCommandOptions {
  std::string out_dir;  // required; created if missing
  std::int64_t phones = companions::kDefaultSyntheticPhones;
  int days = companions::kDefaultSyntheticDays;
  std::int64_t cases = companions::kDefaultSyntheticCases;
  std::uint64_t seed = companions::kDefaultSyntheticSeed;
  std::string start;        // Unix seconds or ISO-8601 with a zone; empty = the default
  std::int64_t towers = 0;  // 0 = scaled to the phones
  int threads = 0;          // 0 = one per hardware thread
  bool force = false;       // replace the files if DIR has them already
};

// Exit codes of `lifeline gen-mobility`.
constexpr int kGenMobilityExitOk = 0;
constexpr int kGenMobilityExitFailed = 1;  // the directory or a file could not be written
constexpr int kGenMobilityExitUsage = 2;   // a bad flag, or files in the way without --force

int RunGenMobility(const GenMobilityCommandOptions& options, std::FILE* errors = stderr);

}  // namespace lifeline
