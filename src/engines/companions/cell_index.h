#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>

#include <vector>
#include "engines/companions/column.h"

#include "engines/companions/stays.h"

namespace lifeline::companions {

// The shortest length class's bound by default (30 min); each further class doubles it. A tuning
// knob: results do not depend on it.
constexpr std::int64_t kDefaultLongStaySeconds = 1800;

// Per grid cell, the stays there sorted by start, so that finding the stays that overlap an
// interval touches only that cell and, within it, only stays that can overlap. Stays are split by
// length into classes: class c < kLengthClasses - 1 holds stays no longer than long_stay_s · 2^c
// (and longer than the class before), the last class the rest. A stay of a bounded class can only
// reach the query if it starts less than its bound before it, so each bounded class is searched
// by binary search on start and scanned with little waste; only the few stays longer than every
// bound (over 10 days in one cell at the default) are scanned from the cell's first. Each entry
// carries what the rule asks of an overlapping stay (its phone, the phone's total time in the
// cell), so a scan reads one array in order. Immutable after construction; safe to query from
// several threads.
class CellIndex {
 public:
  static constexpr std::size_t kLengthClasses = 10;

  // Plain (no initialisers): the index allocates billions of bytes of these and writes each once.
  struct Entry {
    std::int64_t start;
    std::int64_t end;
    PhoneIdx owner;
    // The phone's total (unclipped) time in this cell over all its stays there, saturated at
    // 2^32 − 1: no window's dwell exceeds it, so a phone whose total is short is turned down
    // without computing its dwell in the window.
    std::uint32_t cell_total;
    StayId stay;
    // The phone's time in this cell over its stays before this one, saturated likewise: when no
    // stay starts before a window, those stays lie inside it (they end before this one starts),
    // so this plus this stay's part of the window bounds the phone's dwell there from below.
    std::uint32_t earlier_in_cell;
  };

  CellIndex() = default;
  // Sorts the cells' lists on up to `threads` threads; the layout does not depend on how many.
  CellIndex(const StayTable& stays, std::size_t cell_count, std::int64_t long_stay_s,
            int threads = 1);

  // An index as its parts (bucket_begin() and entries() of one built for the same stays and
  // cells, long_stay_s as given then), e.g. mapped from a columnar store. The caller has checked
  // that bucket_begin has kLengthClasses · cell_count + 1 ascending offsets from 0 to the
  // entries' count and that every entry's owner and stay are in range.
  CellIndex(std::size_t cell_count, std::int64_t long_stay_s,
            std::vector<std::uint64_t> bucket_begin, Column<Entry> entries);

  std::size_t cell_count() const { return cell_count_; }
  std::int64_t long_stay_s() const { return bound_[0]; }
  const std::vector<std::uint64_t>& bucket_begin() const { return bucket_begin_; }
  const Column<Entry>& entries() const { return entries_; }

  // Calls visit(entry) for every stay in `cell` whose overlap with [from, to],
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
  void SetBounds(std::int64_t long_stay_s);

  // Builds sample_start_ from entries_.
  void SampleStarts();

  std::vector<std::uint64_t> bucket_begin_{0};
  Column<Entry> entries_;
  // Every kSampleEvery-th entry's start (entry k · kSampleEvery for sample k), so that the
  // binary search for where a scan begins reads a few cache lines of these, then one stretch
  // of entries, instead of an entry (half a line) at every step.
  static constexpr std::uint64_t kSampleEvery = 16;
  std::vector<std::int64_t> sample_start_;
};

template <typename Visit>
void CellIndex::ForEachOverlap(CellIdx cell, std::int64_t from, std::int64_t to,
                               std::int64_t min_overlap, Visit&& visit) const {
  if (cell >= cell_count_) return;
  // Overlap needs start < to − min_overlap and end > from + min_overlap; a stay of a bounded
  // class ends at most its bound after it starts.
  const std::int64_t start_below = to - min_overlap;
  const std::int64_t end_above = from + min_overlap;
  const auto starts_after = [](const Entry& entry, std::int64_t time) {
    return time < entry.start;
  };
  for (std::size_t length_class = 0; length_class < kLengthClasses; ++length_class) {
    const std::size_t bucket = length_class * cell_count_ + cell;
    const Entry* first = entries_.data() + bucket_begin_[bucket];
    const Entry* last = entries_.data() + bucket_begin_[bucket + 1];
    if (first == last) continue;
    if (length_class + 1 < kLengthClasses) {
      // The first entry starting after `time`: first among the bucket's samples, then among
      // the few entries between two of them.
      const std::int64_t time = end_above - bound_[length_class];
      const std::uint64_t begin = bucket_begin_[bucket];
      const std::uint64_t end = bucket_begin_[bucket + 1];
      const std::int64_t* const samples = sample_start_.data();
      const std::uint64_t sample = static_cast<std::uint64_t>(
          std::upper_bound(samples + (begin + kSampleEvery - 1) / kSampleEvery,
                           samples + (end + kSampleEvery - 1) / kSampleEvery, time) -
          samples);
      // Sample `sample` (if in the bucket) starts after `time`, the one before it (if in the
      // bucket) does not.
      const std::uint64_t from =
          sample > 0 ? std::max(begin, (sample - 1) * kSampleEvery + 1) : begin;
      const std::uint64_t to = std::min(end, sample * kSampleEvery);
      first = std::upper_bound(
          entries_.data() + from, entries_.data() + to, time,
          [&](std::int64_t at, const Entry& entry) { return starts_after(entry, at); });
    }
    for (const Entry* at = first; at != last && at->start < start_below; ++at) {
      if (std::min(at->end, to) - std::max(at->start, from) > min_overlap) visit(*at);
    }
  }
}

}  // namespace lifeline::companions
