#include "engines/companions/cell_index.h"

#include <bit>
#include <limits>
#include <numeric>
#include <utility>

#include "engines/companions/parallel.h"

namespace lifeline::companions {

namespace {

// Sorts keys ((start offset) << 32 | position, offsets at most `span`) ascending. Positions
// ascend as given, so a stable sort on the offsets alone is enough: a least-significant-digit
// radix sort, 11 bits a pass (two passes cover 48 days), linear where std::sort is n log n.
void SortByStart(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& spare,
                 std::uint64_t span) {
  constexpr int kDigitBits = 11;
  constexpr std::size_t kDigits = std::size_t{1} << kDigitBits;
  if (keys.size() < 256) {
    std::sort(keys.begin(), keys.end());
    return;
  }
  spare.resize(keys.size());
  std::array<std::uint32_t, kDigits> count;
  const int bits = static_cast<int>(std::bit_width(span));
  for (int shift = 32; shift < 32 + bits; shift += kDigitBits) {
    count.fill(0);
    for (const std::uint64_t key : keys) ++count[(key >> shift) & (kDigits - 1)];
    std::uint32_t sum = 0;
    for (std::uint32_t& each : count) sum += std::exchange(each, sum);
    for (const std::uint64_t key : keys) spare[count[(key >> shift) & (kDigits - 1)]++] = key;
    keys.swap(spare);
  }
}

}  // namespace

void CellIndex::SetBounds(std::int64_t long_stay_s) {
  for (std::size_t length_class = 0; length_class < kLengthClasses; ++length_class) {
    // Saturates rather than overflows for huge settings.
    bound_[length_class] = long_stay_s > (std::numeric_limits<std::int64_t>::max() >> length_class)
                               ? std::numeric_limits<std::int64_t>::max()
                               : long_stay_s << length_class;
  }
}

CellIndex::CellIndex(std::size_t cell_count, std::int64_t long_stay_s,
                     std::vector<std::uint64_t> bucket_begin, Column<Entry> entries)
    : cell_count_(cell_count),
      bucket_begin_(std::move(bucket_begin)),
      entries_(std::move(entries)) {
  SetBounds(long_stay_s);
  SampleStarts();
}

void CellIndex::SampleStarts() {
  sample_start_.resize((entries_.size() + kSampleEvery - 1) / kSampleEvery);
  for (std::size_t sample = 0; sample < sample_start_.size(); ++sample) {
    sample_start_[sample] = entries_[sample * kSampleEvery].start;
  }
}

CellIndex::CellIndex(const StayTable& stays, std::size_t cell_count, std::int64_t long_stay_s,
                     int threads)
    : cell_count_(cell_count) {
  SetBounds(long_stay_s);
  const std::size_t stay_count = stays.size();
  const std::size_t buckets = kLengthClasses * cell_count;
  const auto bucket_of = [&](std::size_t stay) {
    const std::int64_t length = stays.end[stay] - stays.start[stay];
    std::size_t length_class = 0;
    while (length_class + 1 < kLengthClasses && length > bound_[length_class]) ++length_class;
    return length_class * cell_count + stays.cell[stay];
  };

  // A counting sort by bucket, stays read in order and entries written once: each slice of the
  // phones counts its buckets, then writes at its own offsets, so the layout (stay ids ascending
  // within a bucket) does not depend on the thread count. The scatter also gives each entry its
  // phone and the phone's total time in the cell.
  const std::size_t phones = stays.phone_count();
  const std::size_t slices = std::max<std::size_t>(
      1, std::min<std::size_t>({static_cast<std::size_t>(std::max(threads, 1)), 64, phones}));
  const auto slice_begin = [&](std::size_t slice) { return phones * slice / slices; };
  std::vector<std::vector<std::uint64_t>> offset(slices, std::vector<std::uint64_t>(buckets, 0));
  ParallelFor(slices, threads, [&](std::size_t slice) {
    for (StayId stay = stays.phone_first_stay[slice_begin(slice)];
         stay < stays.phone_first_stay[slice_begin(slice + 1)]; ++stay) {
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
  entries_.resize(stay_count);
  ParallelFor(slices, threads, [&](std::size_t slice) {
    std::vector<std::uint64_t>& next = offset[slice];
    // A phone's distinct cells are few: its times per cell in a short list searched linearly.
    struct TimeIn {
      CellIdx cell;
      std::uint64_t total;
      std::uint64_t so_far;  // over the stays met yet, in time order
    };
    std::vector<TimeIn> times;
    const auto time_in = [&](CellIdx cell) -> TimeIn& {
      for (TimeIn& each : times) {
        if (each.cell == cell) return each;
      }
      return times.emplace_back(TimeIn{cell, 0, 0});
    };
    const auto saturated = [](std::uint64_t seconds) {
      return static_cast<std::uint32_t>(std::min<std::uint64_t>(seconds, 0xffffffffu));
    };
    for (std::size_t phone = slice_begin(slice); phone < slice_begin(slice + 1); ++phone) {
      const StayId first = stays.phone_first_stay[phone];
      const StayId last = stays.phone_first_stay[phone + 1];
      times.clear();
      for (StayId stay = first; stay < last; ++stay) {
        time_in(stays.cell[stay]).total +=
            static_cast<std::uint64_t>(stays.end[stay] - stays.start[stay]);
      }
      for (StayId stay = first; stay < last; ++stay) {
        TimeIn& in_cell = time_in(stays.cell[stay]);
        entries_[next[bucket_of(stay)]++] = {stays.start[stay],
                                             stays.end[stay],
                                             static_cast<PhoneIdx>(phone),
                                             saturated(in_cell.total),
                                             stay,
                                             saturated(in_cell.so_far)};
        in_cell.so_far += static_cast<std::uint64_t>(stays.end[stay] - stays.start[stay]);
      }
    }
  });
  // Each bucket by start, ties by stay id. A bucket is small and contiguous; its entries are
  // ordered through 8-byte keys ((start − the bucket's first start) << 32 | stay) when its starts
  // span under 2^32 s, which sorts faster than the 32-byte entries themselves.
  std::vector<std::vector<std::uint64_t>> keys(static_cast<std::size_t>(std::max(threads, 1)));
  std::vector<std::vector<std::uint64_t>> spare(keys.size());
  std::vector<std::vector<Entry>> moved(keys.size());
  ParallelFor(buckets, threads, [&](std::size_t bucket, std::size_t worker) {
    Entry* const first = entries_.data() + bucket_begin_[bucket];
    Entry* const last = entries_.data() + bucket_begin_[bucket + 1];
    if (last - first < 2) return;
    const auto [low, high] = std::minmax_element(
        first, last, [](const Entry& a, const Entry& b) { return a.start < b.start; });
    const std::int64_t base = low->start;
    if (static_cast<std::uint64_t>(high->start - base) >= (std::uint64_t{1} << 32)) {
      std::sort(first, last, [](const Entry& a, const Entry& b) {
        return a.start != b.start ? a.start < b.start : a.stay < b.stay;
      });
      return;
    }
    // Stay ids ascend within the bucket (the scatter kept them in order), so the low half can be
    // the entry's position instead, and ties still go by stay id.
    std::vector<std::uint64_t>& key = keys[worker];
    key.resize(static_cast<std::size_t>(last - first));
    for (std::size_t at = 0; at < key.size(); ++at) {
      key[at] = (static_cast<std::uint64_t>(first[at].start - base) << 32) | at;
    }
    SortByStart(key, spare[worker], static_cast<std::uint64_t>(high->start - base));
    std::vector<Entry>& copy = moved[worker];
    copy.assign(first, last);
    for (std::size_t at = 0; at < key.size(); ++at) first[at] = copy[key[at] & 0xffffffffu];
  });
  SampleStarts();
}

}  // namespace lifeline::companions
