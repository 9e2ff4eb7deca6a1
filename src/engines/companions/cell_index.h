#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "engines/companions/stays.h"

namespace lifeline::companions {

// The shortest length class's bound by default; each further class doubles it. A tuning knob:
// results do not depend on it.
constexpr std::int64_t kDefaultLongStaySeconds = 6 * 3600;

// Per grid cell, the stays there sorted by start, so that finding the stays that overlap an
// interval touches only that cell and, within it, only stays that can overlap. Stays are split by
// length into classes: class c < kLengthClasses - 1 holds stays no longer than long_stay_s · 2^c
// (and longer than the class before), the last class the rest. A stay of a bounded class can only
// reach the query if it starts less than its bound before it, so each bounded class is searched
// by binary search on start; only the few stays longer than every bound (days at home without a
// record elsewhere) are scanned from the cell's first. Keeps its own copies of starts and ends
// for locality. Immutable after construction; safe to query from several threads.
class CellIndex {
 public:
  static constexpr std::size_t kLengthClasses = 6;

  CellIndex() = default;
  // Sorts the cells' lists on up to `threads` threads; the layout does not depend on how many.
  CellIndex(const StayTable& stays, std::size_t cell_count, std::int64_t long_stay_s,
            int threads = 1);

  // Calls visit(stay, start, end) for every stay in `cell` whose overlap with [from, to],
  // min(end, to) − max(start, from), exceeds `min_overlap` (>= 0), in an unspecified order.
  template <typename Visit>
  void ForEachOverlap(CellIdx cell, std::int64_t from, std::int64_t to, std::int64_t min_overlap,
                      Visit&& visit) const;

 private:
  std::size_t cell_count_ = 0;
  // Class c's length bound (the last class has none).
  std::array<std::int64_t, kLengthClasses> bound_{};
  // One compressed sparse row over (class, cell) buckets, bucket = class · cells + cell; within a
  // bucket by start, ties by stay id.
  std::vector<std::uint64_t> bucket_begin_{0};
  std::vector<std::int64_t> start_;
  std::vector<std::int64_t> end_;
  std::vector<StayId> stay_;
};

template <typename Visit>
void CellIndex::ForEachOverlap(CellIdx cell, std::int64_t from, std::int64_t to,
                               std::int64_t min_overlap, Visit&& visit) const {
  if (cell >= cell_count_) return;
  // Overlap needs start < to − min_overlap and end > from + min_overlap; a stay of a bounded
  // class ends at most its bound after it starts.
  const std::int64_t start_below = to - min_overlap;
  const std::int64_t end_above = from + min_overlap;
  for (std::size_t length_class = 0; length_class < kLengthClasses; ++length_class) {
    const std::size_t bucket = length_class * cell_count_ + cell;
    const auto first = start_.begin() + static_cast<std::ptrdiff_t>(bucket_begin_[bucket]);
    const auto last = start_.begin() + static_cast<std::ptrdiff_t>(bucket_begin_[bucket + 1]);
    const auto scan_from = length_class + 1 < kLengthClasses
                               ? std::upper_bound(first, last, end_above - bound_[length_class])
                               : first;
    for (auto at = scan_from; at != last && *at < start_below; ++at) {
      const auto idx = static_cast<std::size_t>(at - start_.begin());
      if (std::min(end_[idx], to) - std::max(*at, from) > min_overlap) {
        visit(stay_[idx], *at, end_[idx]);
      }
    }
  }
}

}  // namespace lifeline::companions
