#include "engines/companions/cell_index.h"

#include <numeric>

namespace lifeline::companions {

CellIndex::CellIndex(const StayTable& stays, std::size_t cell_count, std::int64_t long_stay_s)
    : long_stay_s_(long_stay_s) {
  Fill(stays, cell_count, /*long_list=*/false, long_stay_s, short_);
  Fill(stays, cell_count, /*long_list=*/true, long_stay_s, long_);
}

void CellIndex::Fill(const StayTable& stays, std::size_t cell_count, bool long_list,
                     std::int64_t long_stay_s, List& list) {
  const auto belongs = [&](std::size_t stay) {
    return (stays.end[stay] - stays.start[stay] > long_stay_s) == long_list;
  };
  // Counting sort by cell, then each cell's run sorted by start (ties by stay id, for a layout
  // that does not depend on the sort's implementation).
  list.cell_begin.assign(cell_count + 1, 0);
  for (std::size_t stay = 0; stay < stays.size(); ++stay) {
    if (belongs(stay)) ++list.cell_begin[stays.cell[stay] + 1];
  }
  std::partial_sum(list.cell_begin.begin(), list.cell_begin.end(), list.cell_begin.begin());
  std::vector<std::uint64_t> next(list.cell_begin.begin(), list.cell_begin.end() - 1);
  list.stay.resize(list.cell_begin.back());
  for (std::size_t stay = 0; stay < stays.size(); ++stay) {
    if (belongs(stay)) list.stay[next[stays.cell[stay]]++] = static_cast<StayId>(stay);
  }
  for (std::size_t cell = 0; cell < cell_count; ++cell) {
    std::sort(list.stay.begin() + list.cell_begin[cell],
              list.stay.begin() + list.cell_begin[cell + 1], [&](StayId a, StayId b) {
                return stays.start[a] != stays.start[b] ? stays.start[a] < stays.start[b] : a < b;
              });
  }
  list.start.resize(list.stay.size());
  list.end.resize(list.stay.size());
  for (std::size_t idx = 0; idx < list.stay.size(); ++idx) {
    list.start[idx] = stays.start[list.stay[idx]];
    list.end[idx] = stays.end[list.stay[idx]];
  }
}

}  // namespace lifeline::companions
