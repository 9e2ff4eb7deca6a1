#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engines/companions/runs.h"

namespace lifeline::companions {

// Index of a stay in a StayTable; a table holds fewer than 2^32 stays (at most one per record).
using StayId = std::uint32_t;
// Dense index of a grid cell (its rank among the cells the towers lie in).
using CellIdx = std::uint32_t;

// The stays of every phone, one column per field (struct of arrays), so scans over a column stay
// in cache.
// Invariants: phones are distinct, in any order (IndexPhones sorts a lookup); one phone's stays are
// contiguous (`phone_first_stay[p]` up to `phone_first_stay[p + 1]`) and in time order, with start
// <= end and each stay ending no later than the next one starts, so both starts and ends ascend
// within a phone. Plain data; not synchronised, but safe to read from several threads once built.
struct StayTable {
  std::vector<std::uint64_t> phone_keys;    // distinct
  std::vector<StayId> phone_first_stay{0};  // size phone_keys.size() + 1
  Column<CellIdx> cell;                     // per stay: its grid cell
  Column<std::int64_t> start;               // per stay: its first record's time
  Column<std::int64_t> end;                 // per stay: see StaysFromRuns

  // Phone keys ascending and their indices, for FindPhone (built by IndexPhones).
  std::vector<std::uint64_t> sorted_keys;
  std::vector<PhoneIdx> sorted_phones;

  std::size_t size() const { return start.size(); }
  std::size_t phone_count() const { return phone_keys.size(); }

  // Builds the lookup FindPhone uses; call once every phone is in.
  void IndexPhones();

  // The phone's index, or nullopt if it is not listed (IndexPhones must have run).
  std::optional<PhoneIdx> FindPhone(std::uint64_t phone_key) const;

  // The phone's first stay that ends at or after `time` (its stay past the end if none).
  StayId FirstStayEndingFrom(PhoneIdx phone, std::int64_t time) const;
};

// The stays of every phone of `runs`, in the same phone order: consecutive runs on towers in one
// grid cell (`tower_cell`) make one stay (consecutive records in one cell are one stay, however
// far apart in time); a stay starts at its first record and ends at the phone's next record (in
// another cell) if that comes at most `gap_s` after the stay's last record, otherwise at its last
// record. Phones are split over `threads` threads; the result does not depend on how many. Phones
// are indexed (IndexPhones). At most 2^32 - 1 stays.
StayTable StaysFromRuns(const RunTable& runs, std::span<const CellIdx> tower_cell,
                        std::int64_t gap_s, int threads);

}  // namespace lifeline::companions
