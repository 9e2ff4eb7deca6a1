#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "engines/companions/stays.h"

namespace lifeline::companions {

// Stays longer than this go to a cell's long list by default. Most stays are short, so the short
// list's scan window (starts within this much before a query) stays narrow; homes and workplaces
// give the few long stays, scanned whole. A tuning knob: results do not depend on it.
constexpr std::int64_t kDefaultLongStaySeconds = 6 * 3600;

// Per grid cell, the stays there sorted by start, so that finding the stays that overlap an
// interval touches only that cell. Each cell keeps two lists: stays of at most `long_stay_s`
// (searched by binary search on start, since their end is within `long_stay_s` of it) and longer
// stays (scanned up to the query's end). Keeps its own copies of starts and ends for locality.
// Immutable after construction; safe to query from several threads.
class CellIndex {
 public:
  CellIndex() = default;
  CellIndex(const StayTable& stays, std::size_t cell_count, std::int64_t long_stay_s);

  // Calls visit(stay, start, end) for every stay in `cell` whose overlap with [from, to],
  // min(end, to) − max(start, from), exceeds `min_overlap` (>= 0), in an unspecified order.
  template <typename Visit>
  void ForEachOverlap(CellIdx cell, std::int64_t from, std::int64_t to, std::int64_t min_overlap,
                      Visit&& visit) const;

 private:
  // One cell's stays of one length class, as a compressed sparse row over cells.
  struct List {
    std::vector<std::uint64_t> cell_begin;  // size cells + 1
    std::vector<std::int64_t> start;        // ascending within a cell
    std::vector<std::int64_t> end;
    std::vector<StayId> stay;
  };

  static void Fill(const StayTable& stays, std::size_t cell_count, bool long_list,
                   std::int64_t long_stay_s, List& list);

  std::int64_t long_stay_s_ = kDefaultLongStaySeconds;
  List short_;
  List long_;
};

template <typename Visit>
void CellIndex::ForEachOverlap(CellIdx cell, std::int64_t from, std::int64_t to,
                               std::int64_t min_overlap, Visit&& visit) const {
  const auto overlaps = [&](std::int64_t start, std::int64_t end) {
    return std::min(end, to) - std::max(start, from) > min_overlap;
  };
  // Overlap needs start < to − min_overlap; a short stay also needs end > from + min_overlap and
  // so start > from + min_overlap − long_stay_s.
  const std::int64_t start_below = to - min_overlap;
  {
    const auto first = short_.start.begin() + short_.cell_begin[cell];
    const auto last = short_.start.begin() + short_.cell_begin[cell + 1];
    const auto scan_from = std::upper_bound(first, last, from + min_overlap - long_stay_s_);
    const auto scan_to = std::lower_bound(scan_from, last, start_below);
    for (auto at = scan_from; at != scan_to; ++at) {
      const auto idx = static_cast<std::size_t>(at - short_.start.begin());
      if (overlaps(short_.start[idx], short_.end[idx])) {
        visit(short_.stay[idx], short_.start[idx], short_.end[idx]);
      }
    }
  }
  for (std::uint64_t idx = long_.cell_begin[cell];
       idx < long_.cell_begin[cell + 1] && long_.start[idx] < start_below; ++idx) {
    if (overlaps(long_.start[idx], long_.end[idx])) {
      visit(long_.stay[idx], long_.start[idx], long_.end[idx]);
    }
  }
}

}  // namespace lifeline::companions
