#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/status.h"
#include "engines/companions/column.h"

namespace lifeline::companions {

// A record as bulk ingest keeps it, 16 bytes, so that 200 million fit in 3.2 GB: the phone's
// key, the tower's index among the towers sorted by cell_id (so ties in time order by cell_id),
// and the time in unsigned 32-bit Unix seconds (1970 to 2106, which every cell-tower record
// falls in; ingest reports anything else as a bad time).
// Plain (no initialisers): record blocks are allocated by the thousand and written once.
struct PackedRecord {
  std::uint64_t phone;
  std::uint32_t tower;
  std::uint32_t time;
};
constexpr std::int64_t kMaxPackedTime = 0xffffffffLL;

// Records are spread over this many partitions by a hash of the phone's key: a phone's records all
// land in one, partitions are sorted independently (in parallel, and on different MPI ranks:
// partition p belongs to rank p mod ranks), and a partition's sort fits in cache-friendly sizes.
constexpr std::size_t kPhonePartitions = 256;

inline std::size_t PhonePartition(std::uint64_t phone_key) {
  std::uint64_t mixed = phone_key * 0x9e3779b97f4a7c15ULL;
  mixed ^= mixed >> 29;
  mixed *= 0xbf58476d1ce4e5b9ULL;
  return static_cast<std::size_t>(mixed >> 56) % kPhonePartitions;
}

// Records bucketed by phone partition, each bucket a list of fixed-size blocks, so appending never
// copies and a half-empty block wastes at most 256 KB. One instance per ingest thread; Absorb
// joins them. Not synchronised.
class PartitionedRecords {
 public:
  static constexpr std::size_t kBlockRecords = 16384;
  struct Block {
    std::array<PackedRecord, kBlockRecords> records;
    std::size_t size = 0;
  };
  using Bucket = std::vector<std::unique_ptr<Block>>;

  PartitionedRecords() : buckets_(kPhonePartitions), staged_(kPhonePartitions) {}

  // Records wait in a small per-partition stage (in cache) and go to the partition's block a
  // stage at a time: writing each straight to one of 256 blocks spread over memory costs a
  // cache and TLB miss per record.
  void Add(const PackedRecord& record) {
    const std::size_t partition = PhonePartition(record.phone);
    Stage& stage = staged_[partition];
    stage.records[stage.size++] = record;
    if (stage.size == kStaged) Spill(partition);
    ++size_;
  }
  // Moves every block of `other` into this one.
  void Absorb(PartitionedRecords&& other);

  // A partition's records, every one in its blocks.
  Bucket& bucket(std::size_t partition) {
    Spill(partition);
    return buckets_[partition];
  }
  std::uint64_t size() const { return size_; }

 private:
  static constexpr std::size_t kStaged = 16;  // 256 bytes, four cache lines
  struct Stage {
    std::array<PackedRecord, kStaged> records;
    std::size_t size = 0;
  };
  // Moves a partition's staged records to its blocks.
  void Spill(std::size_t partition);

  std::vector<Bucket> buckets_;
  std::vector<Stage> staged_;
  std::uint64_t size_ = 0;
};

// Index of a phone in a RunTable or StayTable.
using PhoneIdx = std::uint32_t;

// Every phone's records reduced to runs: consecutive records (in time order, ties by cell_id) on
// one tower become one run, from its first record's time to its last's. Runs keep everything the
// rule needs for any grid and any gap (a stay is consecutive runs in one grid cell; the next
// run's start is the next record), which is why the columnar store holds runs. One column per
// field. Phones come in no particular order (PhoneIndex finds one); a phone's runs are
// contiguous, from phone_first_run[p] to phone_first_run[p + 1], in time order: first <= last,
// and each run's last is at most the next run's first.
struct RunTable {
  std::vector<std::uint64_t> phone_keys;          // distinct
  std::vector<std::uint64_t> phone_first_run{0};  // size phone_keys.size() + 1
  Column<std::uint32_t> tower;                    // per run: tower index (sorted by cell_id)
  Column<std::int64_t> first;                     // per run: its first record's time
  Column<std::int64_t> last;                      // per run: its last record's time

  std::size_t size() const { return tower.size(); }
  std::size_t phone_count() const { return phone_keys.size(); }

  // Checks the invariants above for `tower_count` towers: a store read from disk must pass before
  // anything trusts it. InvalidArgument naming the first broken one.
  Status Validate(std::size_t tower_count) const;
};

// Sorts each partition of `records` by (phone, time, tower) and collapses it into runs, partitions
// in parallel on `threads` threads; consumes the records as it goes, so memory peaks at the
// records plus the runs. Phones appear partition by partition, ascending by key within one. The
// result does not depend on the thread count or on the order records were added in.
RunTable BuildRuns(PartitionedRecords&& records, int threads);

}  // namespace lifeline::companions
