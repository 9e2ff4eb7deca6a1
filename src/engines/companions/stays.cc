#include "engines/companions/stays.h"

#include <algorithm>
#include <numeric>

#include "engines/companions/parallel.h"

namespace lifeline::companions {

void StayTable::IndexPhones() {
  std::vector<PhoneIdx> order(phone_keys.size());
  std::iota(order.begin(), order.end(), PhoneIdx{0});
  std::sort(order.begin(), order.end(),
            [&](PhoneIdx a, PhoneIdx b) { return phone_keys[a] < phone_keys[b]; });
  sorted_keys.resize(order.size());
  for (std::size_t idx = 0; idx < order.size(); ++idx) sorted_keys[idx] = phone_keys[order[idx]];
  sorted_phones = std::move(order);
}

std::optional<PhoneIdx> StayTable::FindPhone(std::uint64_t phone_key) const {
  const auto found = std::lower_bound(sorted_keys.begin(), sorted_keys.end(), phone_key);
  if (found == sorted_keys.end() || *found != phone_key) return std::nullopt;
  return sorted_phones[static_cast<std::size_t>(found - sorted_keys.begin())];
}

StayId StayTable::FirstStayEndingFrom(PhoneIdx phone, std::int64_t time) const {
  const auto first = end.begin() + phone_first_stay[phone];
  const auto last = end.begin() + phone_first_stay[phone + 1];
  return static_cast<StayId>(std::lower_bound(first, last, time) - end.begin());
}

StayTable StaysFromRuns(const RunTable& runs, std::span<const CellIdx> tower_cell,
                        std::int64_t gap_s, int threads) {
  const std::size_t phones = runs.phone_count();
  // Visits each stay of one phone: (cell, start, end).
  const auto for_each_stay = [&](std::size_t phone, auto&& emit) {
    const std::uint64_t last_run = runs.phone_first_run[phone + 1];
    std::uint64_t run = runs.phone_first_run[phone];
    while (run < last_run) {
      const CellIdx cell = tower_cell[runs.tower[run]];
      std::uint64_t end_run = run;
      while (end_run + 1 < last_run && tower_cell[runs.tower[end_run + 1]] == cell) ++end_run;
      const std::int64_t last_time = runs.last[end_run];
      const bool next_within_gap =
          end_run + 1 < last_run && runs.first[end_run + 1] - last_time <= gap_s;
      emit(cell, runs.first[run], next_within_gap ? runs.first[end_run + 1] : last_time);
      run = end_run + 1;
    }
  };

  // Pass 1 counts each slice's stays; pass 2 writes them in place.
  const std::size_t slices = std::min<std::size_t>(phones, std::size_t{64} * std::max(threads, 1));
  const auto slice_begin = [&](std::size_t slice) {
    return phones * slice / std::max<std::size_t>(slices, 1);
  };
  std::vector<std::uint64_t> slice_stays(slices + 1, 0);
  ParallelFor(slices, threads, [&](std::size_t slice) {
    std::uint64_t count = 0;
    for (std::size_t phone = slice_begin(slice); phone < slice_begin(slice + 1); ++phone) {
      for_each_stay(phone, [&](CellIdx, std::int64_t, std::int64_t) { ++count; });
    }
    slice_stays[slice + 1] = count;
  });
  std::partial_sum(slice_stays.begin(), slice_stays.end(), slice_stays.begin());

  StayTable table;
  table.phone_keys = runs.phone_keys;
  table.phone_first_stay.assign(phones + 1, 0);
  const std::uint64_t total = slice_stays.back();
  table.cell.resize(total);
  table.start.resize(total);
  table.end.resize(total);
  ParallelFor(slices, threads, [&](std::size_t slice) {
    std::uint64_t stay = slice_stays[slice];
    for (std::size_t phone = slice_begin(slice); phone < slice_begin(slice + 1); ++phone) {
      table.phone_first_stay[phone] = static_cast<StayId>(stay);
      for_each_stay(phone, [&](CellIdx cell, std::int64_t start, std::int64_t end) {
        table.cell[stay] = cell;
        table.start[stay] = start;
        table.end[stay] = end;
        ++stay;
      });
    }
  });
  table.phone_first_stay[phones] = static_cast<StayId>(total);
  table.IndexPhones();
  return table;
}

}  // namespace lifeline::companions
