#pragma once

#include <cstdio>
#include <span>

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

}  // namespace lifeline
