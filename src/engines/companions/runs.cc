#include "engines/companions/runs.h"

#include "engines/companions/parallel.h"

#include <algorithm>
#include <string>

namespace lifeline::companions {
namespace {

Status Broken(const std::string& what) {
  return Status::InvalidArgument("error.field_invalid", {{"field", "runs"}, {"reason", what}},
                                 "runs");
}

}  // namespace

void PartitionedRecords::Spill(std::size_t partition) {
  Stage& stage = staged_[partition];
  Bucket& bucket = buckets_[partition];
  for (std::size_t at = 0; at < stage.size;) {
    if (bucket.empty() || bucket.back()->size == kBlockRecords) {
      bucket.push_back(std::make_unique_for_overwrite<Block>());
    }
    Block& block = *bucket.back();
    const std::size_t take = std::min(stage.size - at, kBlockRecords - block.size);
    std::copy_n(stage.records.begin() + static_cast<std::ptrdiff_t>(at), take,
                block.records.begin() + static_cast<std::ptrdiff_t>(block.size));
    block.size += take;
    at += take;
  }
  stage.size = 0;
}

void PartitionedRecords::Absorb(PartitionedRecords&& other) {
  for (std::size_t partition = 0; partition < kPhonePartitions; ++partition) {
    Spill(partition);
    other.Spill(partition);
    Bucket& from = other.buckets_[partition];
    Bucket& to = buckets_[partition];
    for (std::unique_ptr<Block>& block : from) to.push_back(std::move(block));
    from.clear();
  }
  size_ += other.size_;
  other.size_ = 0;
}

Status RunTable::Validate(std::size_t tower_count) const {
  const std::size_t runs = size();
  if (first.size() != runs || last.size() != runs) return Broken("columns differ in length");
  if (phone_first_run.size() != phone_keys.size() + 1 || phone_first_run.front() != 0 ||
      phone_first_run.back() != runs) {
    return Broken("phone offsets do not cover the runs");
  }
  std::vector<std::uint64_t> keys(phone_keys);
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
    return Broken("a phone is listed twice");
  }
  for (std::size_t phone = 0; phone < phone_keys.size(); ++phone) {
    const std::uint64_t begin = phone_first_run[phone];
    const std::uint64_t end = phone_first_run[phone + 1];
    if (end < begin) return Broken("phone offsets decrease");
    for (std::uint64_t run = begin; run < end; ++run) {
      if (tower[run] >= tower_count) return Broken("a run names no tower");
      if (first[run] > last[run]) return Broken("a run ends before it starts");
      if (run + 1 < end && last[run] > first[run + 1]) return Broken("runs out of time order");
    }
  }
  return Status::Ok();
}

namespace {

// A vector whose every slot is written once after sizing, so none is zeroed first.
template <typename T>
using Written = std::vector<T, DefaultInitAllocator<T>>;

// One partition's records while they are sorted: every slot is written by the counting sort.
using RecordBuffer = Written<PackedRecord>;

bool InTimeOrder(const PackedRecord& a, const PackedRecord& b) {
  return ((std::uint64_t{a.time} << 32) | a.tower) < ((std::uint64_t{b.time} << 32) | b.tower);
}

// Phone key -> dense index in the order first met, by open addressing (a partition holds a few
// thousand phones, so the table stays in cache).
class PhoneSlots {
 public:
  std::uint32_t Find(std::uint64_t key) {
    if ((keys_.size() + 1) * 2 > slots_.size()) Grow();
    std::size_t slot = Mix(key) & (slots_.size() - 1);
    while (slots_[slot] != 0) {
      if (keys_[slots_[slot] - 1] == key) return slots_[slot] - 1;
      slot = (slot + 1) & (slots_.size() - 1);
    }
    keys_.push_back(key);
    slots_[slot] = static_cast<std::uint32_t>(keys_.size());
    return static_cast<std::uint32_t>(keys_.size() - 1);
  }
  const std::vector<std::uint64_t>& keys() const { return keys_; }

 private:
  static std::size_t Mix(std::uint64_t key) {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return static_cast<std::size_t>(key);
  }
  void Grow() {
    slots_.assign(std::max<std::size_t>(1024, slots_.size() * 2), 0);
    for (std::size_t idx = 0; idx < keys_.size(); ++idx) {
      std::size_t slot = Mix(keys_[idx]) & (slots_.size() - 1);
      while (slots_[slot] != 0) slot = (slot + 1) & (slots_.size() - 1);
      slots_[slot] = static_cast<std::uint32_t>(idx + 1);
    }
  }
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> slots_;  // index + 1; 0 = empty
};

// Moves one partition's records into `part` grouped by phone, phones ascending by key, each
// phone's records in (time, tower) order, freeing the blocks. A counting sort by phone keeps each
// phone's records in the order they came, which is time order when the file is (operators export
// by time), so only phones whose records came out of order need sorting.
void SortPartition(PartitionedRecords::Bucket& bucket, RecordBuffer& part) {
  PhoneSlots phones;
  std::vector<std::uint32_t> phone_of;
  std::vector<std::uint64_t> count;
  for (const auto& block : bucket) {
    for (std::size_t idx = 0; idx < block->size; ++idx) {
      const std::uint32_t phone = phones.Find(block->records[idx].phone);
      if (phone == count.size()) count.push_back(0);
      ++count[phone];
      phone_of.push_back(phone);
    }
  }
  const std::vector<std::uint64_t>& keys = phones.keys();
  std::vector<std::uint32_t> by_key(keys.size());
  for (std::uint32_t phone = 0; phone < by_key.size(); ++phone) by_key[phone] = phone;
  std::sort(by_key.begin(), by_key.end(),
            [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
  std::vector<std::uint64_t> next(keys.size());
  std::vector<std::uint64_t> phone_begin;
  std::uint64_t offset = 0;
  for (const std::uint32_t phone : by_key) {
    phone_begin.push_back(offset);
    next[phone] = offset;
    offset += count[phone];
  }
  phone_begin.push_back(offset);
  part.resize(offset);
  std::size_t at = 0;
  for (auto& block : bucket) {
    for (std::size_t idx = 0; idx < block->size; ++idx) {
      part[next[phone_of[at++]]++] = block->records[idx];
    }
    block.reset();
  }
  PartitionedRecords::Bucket().swap(bucket);
  for (std::size_t phone = 0; phone + 1 < phone_begin.size(); ++phone) {
    const auto first = part.begin() + static_cast<std::ptrdiff_t>(phone_begin[phone]);
    const auto last = part.begin() + static_cast<std::ptrdiff_t>(phone_begin[phone + 1]);
    if (!std::is_sorted(first, last, InTimeOrder)) std::sort(first, last, InTimeOrder);
  }
}

}  // namespace

RunTable BuildRuns(PartitionedRecords&& records, int threads) {
  // Pass 1, per partition: group by phone in time order into the worker's buffer (freeing the
  // blocks), then collapse into the partition's own runs (times still 32-bit). Records give way
  // to runs as it goes, and the buffers are reused, so memory peaks near the records' size.
  struct PartitionRuns {
    Written<std::uint64_t> phone_keys;
    Written<std::uint64_t> phone_first_run;  // relative to the partition
    Written<std::uint32_t> tower, first, last;
  };
  std::vector<PartitionRuns> parts(kPhonePartitions);
  std::vector<RecordBuffer> buffers(static_cast<std::size_t>(std::max(threads, 1)));
  ParallelFor(kPhonePartitions, threads, [&](std::size_t partition, std::size_t worker) {
    RecordBuffer& sorted = buffers[worker];
    SortPartition(records.bucket(partition), sorted);
    PartitionRuns& part = parts[partition];
    std::size_t phone_count = 0;
    std::size_t run_count = 0;
    for (std::size_t idx = 0; idx < sorted.size(); ++idx) {
      const bool new_phone = idx == 0 || sorted[idx].phone != sorted[idx - 1].phone;
      phone_count += new_phone ? 1 : 0;
      run_count += (new_phone || sorted[idx].tower != sorted[idx - 1].tower) ? 1 : 0;
    }
    part.phone_keys.resize(phone_count);
    part.phone_first_run.resize(phone_count);
    part.tower.resize(run_count);
    part.first.resize(run_count);
    part.last.resize(run_count);
    std::size_t phone = 0;
    std::size_t run = 0;
    for (std::size_t idx = 0; idx < sorted.size(); ++idx) {
      const PackedRecord& record = sorted[idx];
      const bool new_phone = idx == 0 || record.phone != sorted[idx - 1].phone;
      if (new_phone) {
        part.phone_keys[phone] = record.phone;
        part.phone_first_run[phone++] = run;
      }
      if (new_phone || record.tower != sorted[idx - 1].tower) {
        part.tower[run] = record.tower;
        part.first[run++] = record.time;
      }
      part.last[run - 1] = record.time;
    }
  });
  buffers.clear();
  std::vector<std::uint64_t> phones(kPhonePartitions + 1, 0);
  std::vector<std::uint64_t> runs(kPhonePartitions + 1, 0);
  for (std::size_t partition = 0; partition < kPhonePartitions; ++partition) {
    phones[partition + 1] = phones[partition] + parts[partition].phone_keys.size();
    runs[partition + 1] = runs[partition] + parts[partition].tower.size();
  }

  // Pass 2: each partition copies its runs into its slice of the columns and frees them.
  RunTable table;
  table.phone_keys.resize(phones.back());
  table.phone_first_run.resize(phones.back() + 1);
  table.phone_first_run.back() = runs.back();
  table.tower.resize(runs.back());
  table.first.resize(runs.back());
  table.last.resize(runs.back());
  ParallelFor(kPhonePartitions, threads, [&](std::size_t partition) {
    PartitionRuns& part = parts[partition];
    std::copy(part.phone_keys.begin(), part.phone_keys.end(),
              table.phone_keys.begin() + static_cast<std::ptrdiff_t>(phones[partition]));
    for (std::size_t phone = 0; phone < part.phone_keys.size(); ++phone) {
      table.phone_first_run[phones[partition] + phone] =
          runs[partition] + part.phone_first_run[phone];
    }
    const auto at = static_cast<std::ptrdiff_t>(runs[partition]);
    std::copy(part.tower.begin(), part.tower.end(), table.tower.begin() + at);
    std::copy(part.first.begin(), part.first.end(), table.first.begin() + at);
    std::copy(part.last.begin(), part.last.end(), table.last.begin() + at);
    part = PartitionRuns();
  });
  return table;
}

}  // namespace lifeline::companions
