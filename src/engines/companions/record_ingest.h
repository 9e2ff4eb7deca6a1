#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engines/companions/grid.h"
#include "engines/companions/phone_keys.h"
#include "engines/companions/runs.h"

namespace lifeline::companions {

// Bulk ingest of records.csv: the file is cut into chunks at line starts, each read (through the
// caller's ByteSource) and parsed on one of several threads straight into PackedRecords
// partitioned by phone, with every bad row counted and the first few of each kind kept with their
// line numbers. Reading chunk by chunk keeps memory to the records, not the file's size. Messages
// are catalogue ids with arguments, rendered by the caller.

// The kinds of bad rows, each reported one by one up to a limit, then counted.
enum BadKind : std::size_t {
  kMalformed,     // broken quoting, a missing or empty column
  kBadNumber,     // a coordinate that is not a number or off the globe
  kUnknownTower,  // a record naming no tower of cells.csv
  kBadTime,       // neither Unix seconds nor ISO-8601 with a zone, or out of range
  kDuplicate,     // a tower or a case listed twice
  kBadKindCount,
};

// One bad row: where, what kind, and why (a catalogue id and its arguments).
struct BadRow {
  std::int64_t line = 0;
  BadKind kind = kMalformed;
  std::string reason_id;
  MessageArgs args;
};

// The bad rows of one file: the first `max_shown` of each kind in line order, and counts.
struct BadRows {
  std::vector<BadRow> shown;
  std::array<std::int64_t, kBadKindCount> counts{};

  std::int64_t total() const;
  // Counts a bad row, keeping it if fewer than `max_shown` of its kind are kept.
  void Add(BadRow row, std::int64_t max_shown);
  // Adds `other`, whose rows all come after this one's (lines already made absolute).
  void Append(BadRows&& other, std::int64_t max_shown);
  // Adds `offset` to every shown row's line.
  void ShiftLines(std::int64_t offset);
};

// Finds a tower by its cell_id among towers sorted by cell_id (open addressing over a hash of the
// text: a lookup per record, so it must be cheap).
class TowerLookup {
 public:
  // A cell_id of up to 16 bytes as two words and a length, so that ids compare without memcmp
  // (cell ids are short; this runs for every record).
  struct ShortId {
    std::uint64_t low = 0;
    std::uint64_t high = 0;
    std::size_t size = 0;  // > 16: not short
    friend bool operator==(const ShortId&, const ShortId&) = default;
  };
  static ShortId ShortIdOf(std::string_view text) {
    ShortId id;
    id.size = text.size();
    if (text.size() > 16) return id;
    for (std::size_t at = 0; at < text.size(); ++at) {
      const auto byte = static_cast<std::uint64_t>(static_cast<unsigned char>(text[at]));
      if (at < 8) {
        id.low |= byte << (8 * at);
      } else {
        id.high |= byte << (8 * (at - 8));
      }
    }
    return id;
  }

  explicit TowerLookup(std::span<const Tower> sorted_towers);
  std::optional<std::uint32_t> Find(std::string_view cell_id) const;
  // The same for an id already made short (ShortIdOf(cell_id)).
  std::optional<std::uint32_t> Find(std::string_view cell_id, const ShortId& id) const;

 private:
  static std::uint64_t Hash(const ShortId& id);
  static std::uint64_t Hash(std::string_view text);
  std::span<const Tower> towers_;
  std::vector<ShortId> short_ids_;    // per tower
  std::vector<std::uint32_t> slots_;  // tower index + 1; 0 = empty
  std::uint64_t mask_ = 0;
};

// Where the three columns are in each row (0-based), from the file's header.
struct RecordColumns {
  std::size_t phone = 0;
  std::size_t cell_id = 0;
  std::size_t time = 1;
};

struct IngestOptions {
  int threads = 1;
  std::int64_t max_shown = 10;  // bad rows kept per kind
  // Bytes per chunk a thread parses at a time; results do not depend on it. Small enough that
  // threads finish together and their buffers stay small, large enough that chunks are few.
  std::size_t chunk_bytes = std::size_t{4} << 20;
  // Called after each chunk from worker threads (serialised) with bytes parsed so far and in
  // all. Returning false stops the ingest: no further chunk is parsed.
  std::function<bool(std::uint64_t done, std::uint64_t total)> progress;
};

// Random access to the bytes of a file (pread on a descriptor, or a string in tests); ReadAt must
// be safe to call from several threads at once.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::uint64_t size() const = 0;
  // Reads [offset, offset + length) into `out`; false on a read error. The range lies within
  // size().
  virtual bool ReadAt(std::uint64_t offset, std::size_t length, char* out) const = 0;
};

// The bytes of a string.
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string_view text) : text_(text) {}
  std::uint64_t size() const override { return text_.size(); }
  bool ReadAt(std::uint64_t offset, std::size_t length, char* out) const override;

 private:
  std::string_view text_;
};

// What a range of records.csv held.
struct RecordsIngest {
  PartitionedRecords records;
  PhoneNames names;        // texts of the hashed plain keys (numbers that are not plain digits)
  std::int64_t lines = 0;  // lines in the range, blank ones included
  std::int64_t rows = 0;   // data rows (not blank)
  BadRows bad;             // line numbers count from 1 at the range's first line
};

// Parses the lines of `source` that start in [begin, end), where `data_start` is where the first
// data line starts (after the header): a line starting before `begin` belongs to the range before,
// so ranges can be cut anywhere, for threads and MPI ranks alike. Blank lines are skipped; quoted
// fields may hold commas and doubled quotes but not line breaks. Times are Unix seconds or ISO-8601
// with a zone, from 1970 to 2106. The result does not depend on the thread count. InvalidArgument
// only when two different non-digit numbers hash to one key (never seen; the run must not go on
// with them merged); Unavailable when the source fails to read (companions.records.read_failed)
// or the progress callback asked to stop (companions.records.stopped).
Result<RecordsIngest> IngestRecords(const ByteSource& source, std::uint64_t data_start,
                                    std::uint64_t begin, std::uint64_t end,
                                    const RecordColumns& columns, const TowerLookup& towers,
                                    const PhoneKeyer& keyer, const IngestOptions& options);

// Unix seconds, or ISO-8601 with "Z" or an offset (fractions of a second dropped, towards the
// past); nullopt for anything else or beyond ±2^50 s. Spaces around are allowed.
std::optional<std::int64_t> ParseRecordTime(std::string_view text);

// `text` without leading and trailing spaces.
std::string_view TrimSpaces(std::string_view text);

}  // namespace lifeline::companions
