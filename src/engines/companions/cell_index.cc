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
  const auto bucket_of = [&](std::size_t stay) {
    const std::int64_t length = stays.end[stay] - stays.start[stay];
    std::size_t length_class = 0;
    while (length_class + 1 < kLengthClasses && length > bound_[length_class]) ++length_class;
    return length_class * cell_count + stays.cell[stay];
  };

  // Counting sort by bucket (stable, so stay ids ascend within one)...
  const std::size_t buckets = kLengthClasses * cell_count;
  bucket_begin_.assign(buckets + 1, 0);
  std::vector<std::uint32_t> bucket(stay_count);
  std::int64_t min_start = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_start = std::numeric_limits<std::int64_t>::min();
  for (std::size_t stay = 0; stay < stay_count; ++stay) {
    bucket[stay] = static_cast<std::uint32_t>(bucket_of(stay));
    ++bucket_begin_[bucket[stay] + 1];
    min_start = std::min(min_start, stays.start[stay]);
    max_start = std::max(max_start, stays.start[stay]);
  }
  std::partial_sum(bucket_begin_.begin(), bucket_begin_.end(), bucket_begin_.begin());
  // ... each entry (start − min_start) << 32 | stay, so that sorting the integers of a bucket sorts
  // by start, ties by stay id. Starts spread over 2^32 s or more (136 years: only in tests) are
  // sorted by comparing the stays instead.
  const bool packable = stay_count == 0 || static_cast<std::uint64_t>(max_start - min_start) <
                                               (std::uint64_t{1} << 32);
  std::vector<std::uint64_t> order(stay_count);
  {
    std::vector<std::uint64_t> next(bucket_begin_.begin(), bucket_begin_.end() - 1);
    for (std::size_t stay = 0; stay < stay_count; ++stay) {
      const std::uint64_t offset =
          packable ? static_cast<std::uint64_t>(stays.start[stay] - min_start) << 32 : 0;
      order[next[bucket[stay]]++] = offset | stay;
    }
  }
  std::vector<std::uint32_t>().swap(bucket);
  start_.resize(stay_count);
  end_.resize(stay_count);
  stay_.resize(stay_count);
  ParallelFor(buckets, threads, [&](std::size_t each) {
    const auto first = order.begin() + static_cast<std::ptrdiff_t>(bucket_begin_[each]);
    const auto last = order.begin() + static_cast<std::ptrdiff_t>(bucket_begin_[each + 1]);
    if (packable) {
      std::sort(first, last);
    } else {
      std::sort(first, last, [&](std::uint64_t a, std::uint64_t b) {
        const std::int64_t start_a = stays.start[a & 0xffffffffu];
        const std::int64_t start_b = stays.start[b & 0xffffffffu];
        return start_a != start_b ? start_a < start_b : (a & 0xffffffffu) < (b & 0xffffffffu);
      });
    }
    for (std::uint64_t idx = bucket_begin_[each]; idx < bucket_begin_[each + 1]; ++idx) {
      const auto stay = static_cast<StayId>(order[idx] & 0xffffffffu);
      stay_[idx] = stay;
      start_[idx] = stays.start[stay];
      end_[idx] = stays.end[stay];
    }
  });
}

}  // namespace lifeline::companions
