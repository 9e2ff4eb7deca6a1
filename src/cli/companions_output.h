#pragma once

#include <cstddef>
#include <cstdio>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engines/companions/companions.h"
#include "engines/companions/phone_keys.h"

namespace lifeline {

// Writes the pairs CSV of `lifeline companions`: header, then one row per pair, sorted by ring,
// then case number, then companion number, each by its text's byte order, as the contract says.
// Numbers show as `known` has them (the cases, as given), else as PhoneText does (unpacked,
// named, or "~" pseudonym). Each span holds one ring's pairs grouped by case. With `ring_column`
// every row ends with its ring. Sorting and formatting run on `threads` threads in batches, so
// memory stays a fraction of the output's size. False if writing failed (errno tells why).
bool WritePairsCsv(std::span<const companions::CompanionPair> ring1,
                   std::span<const companions::CompanionPair> ring2, bool ring_column,
                   const companions::PhoneNames& known, const companions::PhoneNames& names,
                   int threads, std::FILE* output);

// The evidence `lifeline companions explain` prints for one pair, in `locale`, one line each:
// the case (confirmed at `confirmed_at`, Unix seconds) and the number as `case_text` and
// `companion_text` name them with the window; then every qualifying co-stay and both phones'
// dwell in each cell where they occur, or that the number is not a companion under `rule`.
std::string ExplanationText(std::string_view locale, std::string_view case_text,
                            std::string_view companion_text, std::int64_t confirmed_at,
                            const companions::Explanation& explanation,
                            const companions::CompanionRule& rule);

// The order in which the cases' rows go out (each case's index into `cases`), by their numbers'
// text as WritePairsCsv sorts them: the order to hand cases to CompanionEngine::EvaluateEach
// for a PairsCsvStream.
std::vector<std::size_t> CasesInOutputOrder(std::span<const companions::Case> cases,
                                            const companions::PhoneNames& known,
                                            const companions::PhoneNames& names);

// The same CSV as WritePairsCsv without the ring column, written while it is found: group idx
// (of `groups`, in output order) is taken from any thread, formatted there, and written as soon
// as every group before it has been, so only groups waiting for an earlier one are held.
class PairsCsvStream {
 public:
  // Writes the header.
  PairsCsvStream(std::size_t groups, const companions::PhoneNames& known,
                 const companions::PhoneNames& names, std::FILE* output);

  // Group idx's pairs, sorted by companion key (as EvaluateEach gives them).
  void Take(std::size_t idx, std::span<const companions::CompanionPair> pairs);

  // False if a write failed (errno tells why) or a group never came.
  bool Finish();
  std::size_t rows() const { return rows_; }

 private:
  const companions::PhoneNames& known_;
  const companions::PhoneNames& names_;
  std::FILE* output_;
  std::mutex mutex_;
  std::vector<std::string> texts_;
  std::vector<char> ready_;
  std::size_t next_ = 0;
  std::size_t rows_ = 0;
  bool writing_ = false;  // a thread is writing groups from next_ on
  bool ok_ = true;        // only the writing thread changes it
};

}  // namespace lifeline
