#include "engines/companions/cell_index.h"

#include <limits>
#include <numeric>

#include "engines/companions/parallel.h"

namespace lifeline::companions {

CellIndex::CellIndex(const StayTable& stays, std::size_t cell_count, std::int64_t long_stay_s,
                     int threads)
    : cell_count_(cell_count) {
  for (std::size_t length_class = 0; length_class < kLengthClasses; ++length_class) {
    // Saturates rather than overflows for huge settings.
    bound_[length_class] = long_stay_s > (std::numeric_limits<std::int64_t>::max() >> length_class)
                               ? std::numeric_limits<std::int64_t>::max()
                               : long_stay_s << length_class;
  }
  const std::size_t stay_count = stays.size();
  const std::size_t buckets = kLengthClasses * cell_count;
  const auto bucket_of = [&](std::size_t stay) {
    const std::int64_t length = stays.end[stay] - stays.start[stay];
    std::size_t length_class = 0;
    while (length_class + 1 < kLengthClasses && length > bound_[length_class]) ++length_class;
    return length_class * cell_count + stays.cell[stay];
  };

  // A counting sort by bucket, stays read in order and entries written once: each slice of the
  // stays counts its buckets, then writes at its own offsets, so the layout (stay ids ascending
  // within a bucket) does not depend on the thread count.
  const std::size_t slices =
      std::max<std::size_t>(1, std::min<std::size_t>(static_cast<std::size_t>(threads), 64));
  const auto slice_begin = [&](std::size_t slice) { return stay_count * slice / slices; };
  std::vector<std::vector<std::uint64_t>> offset(slices, std::vector<std::uint64_t>(buckets, 0));
  ParallelFor(slices, threads, [&](std::size_t slice) {
    for (std::size_t stay = slice_begin(slice); stay < slice_begin(slice + 1); ++stay) {
      ++offset[slice][bucket_of(stay)];
    }
  });
  bucket_begin_.assign(buckets + 1, 0);
  std::uint64_t total = 0;
  for (std::size_t bucket = 0; bucket < buckets; ++bucket) {
    bucket_begin_[bucket] = total;
    for (std::size_t slice = 0; slice < slices; ++slice) {
      const std::uint64_t count = offset[slice][bucket];
      offset[slice][bucket] = total;
      total += count;
    }
  }
  bucket_begin_[buckets] = total;
  entries_.reset(new Entry[stay_count]);
  ParallelFor(slices, threads, [&](std::size_t slice) {
    std::vector<std::uint64_t>& next = offset[slice];
    for (std::size_t stay = slice_begin(slice); stay < slice_begin(slice + 1); ++stay) {
      entries_[next[bucket_of(stay)]++] = {
          stays.start[stay], stays.end[stay], stays.owner[stay],
          stays.cell_total.empty() ? 0xffffffffu : stays.cell_total[stay],
          static_cast<StayId>(stay)};
    }
  });
  // Each bucket by start, ties by stay id (a bucket is small and contiguous: cache-friendly).
  ParallelFor(buckets, threads, [&](std::size_t bucket) {
    std::sort(entries_.get() + bucket_begin_[bucket], entries_.get() + bucket_begin_[bucket + 1],
              [](const Entry& a, const Entry& b) {
                return a.start != b.start ? a.start < b.start : a.stay < b.stay;
              });
  });
}

}  // namespace lifeline::companions
