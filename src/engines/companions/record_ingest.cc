#include "engines/companions/record_ingest.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstring>
#include <mutex>

#include "core/csv.h"
#include "core/time.h"
#include "engines/companions/digits.h"
#include "engines/companions/parallel.h"

namespace lifeline::companions {
namespace {

constexpr std::int64_t kMaxAbsTime = std::int64_t{1} << 50;

constexpr std::size_t kProbeBytes = 64 * 1024;

// A chunk's bytes as read: every byte is written by the read, so none is zeroed first.
using LineBuffer = std::vector<char, DefaultInitAllocator<char>>;

// Reads the lines that start in [from, to) of `source` into `buffer`, whole (the last one read
// past `to` up to its end); `data_start` is a line start. Returns nullopt on a read error.
std::optional<std::string_view> ReadLines(const ByteSource& source, std::uint64_t data_start,
                                          std::uint64_t from, std::uint64_t to,
                                          LineBuffer& buffer) {
  const std::uint64_t size = source.size();
  to = std::min(to, size);
  char probe[kProbeBytes];
  // A line starts at `from` only if the byte before is a line end; else skip to the next one.
  if (from > data_start && from < to) {
    char before = 0;
    if (!source.ReadAt(from - 1, 1, &before)) return std::nullopt;
    while (before != '\n' && from < to) {
      const std::size_t length =
          static_cast<std::size_t>(std::min<std::uint64_t>(kProbeBytes, size - from));
      if (!source.ReadAt(from, length, probe)) return std::nullopt;
      const void* newline = std::memchr(probe, '\n', length);
      if (newline == nullptr) {
        from += length;
        continue;
      }
      from += static_cast<std::uint64_t>(static_cast<const char*>(newline) - probe) + 1;
      before = '\n';
    }
  }
  if (from >= to) return std::string_view();
  buffer.resize(static_cast<std::size_t>(to - from));
  if (!source.ReadAt(from, buffer.size(), buffer.data())) return std::nullopt;
  // Finish the last line past `to`.
  std::uint64_t at = to;
  while (buffer.back() != '\n' && at < size) {
    const std::size_t length =
        static_cast<std::size_t>(std::min<std::uint64_t>(kProbeBytes, size - at));
    if (!source.ReadAt(at, length, probe)) return std::nullopt;
    const void* newline = std::memchr(probe, '\n', length);
    const std::size_t take =
        newline == nullptr
            ? length
            : static_cast<std::size_t>(static_cast<const char*>(newline) - probe) + 1;
    buffer.insert(buffer.end(), probe, probe + take);
    at += take;
  }
  return std::string_view(buffer.data(), buffer.size());
}

// Splits one line into fields. Unquoted lines are cut at commas; a line with quotes is parsed as
// RFC 4180 within the line (doubled quotes unescaped into `scratch`). False for broken quoting.
bool SplitLine(std::string_view line, std::vector<std::string_view>& fields, std::string& scratch) {
  fields.clear();
  if (line.find('"') == std::string_view::npos) {
    std::size_t from = 0;
    while (true) {
      const std::size_t comma = line.find(',', from);
      if (comma == std::string_view::npos) {
        fields.push_back(line.substr(from));
        return true;
      }
      fields.push_back(line.substr(from, comma - from));
      from = comma + 1;
    }
  }
  // Quoted: unescape every field into `scratch` first (it must not reallocate under the views).
  scratch.clear();
  scratch.reserve(line.size());
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::size_t at = 0;
  while (true) {
    const std::size_t field_start = scratch.size();
    std::size_t probe = at;
    while (probe < line.size() && line[probe] == ' ') ++probe;
    if (probe < line.size() && line[probe] == '"') {
      at = probe + 1;
      while (true) {
        if (at >= line.size()) return false;  // quote left open
        if (line[at] == '"') {
          if (at + 1 < line.size() && line[at + 1] == '"') {
            scratch += '"';
            at += 2;
            continue;
          }
          ++at;
          break;
        }
        scratch += line[at++];
      }
      while (at < line.size() && line[at] == ' ') ++at;
      if (at < line.size() && line[at] != ',') return false;  // text after the closing quote
    } else {
      while (at < line.size() && line[at] != ',') {
        if (line[at] == '"') return false;
        scratch += line[at++];
      }
    }
    spans.emplace_back(field_start, scratch.size() - field_start);
    if (at >= line.size()) break;
    ++at;  // the comma
  }
  for (const auto& [offset, length] : spans) fields.emplace_back(scratch.data() + offset, length);
  return true;
}

// 0x80 in every byte of `word` that equals `byte`, and nothing else (no false matches: the sum
// of a byte's low seven bits and 0x7f carries into its top bit unless they are all zero).
std::uint64_t BytesEqual(std::uint64_t word, char byte) {
  constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  const std::uint64_t x = word ^ (0x0101010101010101ULL * static_cast<unsigned char>(byte));
  return ~(((x & kLow7) + kLow7) | x | kLow7);
}

// Digits only, at most 10 of them: the common case of Unix seconds, parsed without checks.
std::optional<std::int64_t> FastUnixSeconds(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty() || text.size() > 10 || !ParseDigits(text.data(), text.size(), value)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(value);
}

// One chunk's results; lines count from 1 at the chunk's first line.
struct ChunkResult {
  std::int64_t lines = 0;
  std::int64_t rows = 0;
  BadRows bad;
};

// Parses rows of one thread's chunks into its own partitions and names.
class ChunkParser {
 public:
  // Rows whose needed columns are among the first this many take the fast path.
  static constexpr std::size_t kFastColumns = 8;

  ChunkParser(const RecordColumns& columns, const TowerLookup& towers, const PhoneKeyer& keyer,
              std::int64_t max_shown, PartitionedRecords& records, PhoneNames& names)
      : columns_(columns),
        towers_(towers),
        keyer_(keyer),
        max_shown_(max_shown),
        records_(records),
        names_(names),
        needed_(std::max({columns.phone, columns.cell_id, columns.time}) + 1) {}

  // Returns false if a name collision was found (see IngestRecords).
  bool Parse(std::string_view chunk, ChunkResult& result) {
    result_ = &result;
    const char* at = chunk.data();
    const char* const end = at + chunk.size();
    while (at < end) {
      // One pass over the line: where its first commas are, whether it has a quote, its end.
      const char* const line = at;
      std::array<const char*, kFastColumns> commas;
      std::size_t comma_count = 0;
      bool quoted = false;
      const auto comma_at = [&](const char* comma) {
        if (comma_count < kFastColumns) commas[comma_count] = comma;
        ++comma_count;
      };
      // Eight bytes at a time while they last (most of a line), then byte by byte.
      if constexpr (std::endian::native == std::endian::little) {
        while (end - at >= 8) {
          std::uint64_t word;
          std::memcpy(&word, at, sizeof word);
          const std::uint64_t newline = BytesEqual(word, '\n');
          // Only what lies before the line's end counts.
          const std::uint64_t before = newline == 0 ? ~std::uint64_t{0} : (newline & -newline) - 1;
          for (std::uint64_t comma = BytesEqual(word, ',') & before; comma != 0;
               comma &= comma - 1) {
            comma_at(at + std::countr_zero(comma) / 8);
          }
          quoted = quoted || (BytesEqual(word, '"') & before) != 0;
          if (newline != 0) {
            at += std::countr_zero(newline) / 8;
            break;
          }
          at += 8;
        }
      }
      for (; at < end && *at != '\n'; ++at) {
        if (*at == ',') {
          comma_at(at);
        } else if (*at == '"') {
          quoted = true;
        }
      }
      const char* line_end = at;
      ++at;  // past the '\n'
      ++result.lines;
      if (line_end > line && line_end[-1] == '\r') --line_end;
      if (line_end == line) continue;
      ++result.rows;
      if (!quoted && FastRow(line, line_end, commas, comma_count)) continue;
      if (!ParseRow(std::string_view(line, static_cast<std::size_t>(line_end - line)))) {
        return false;
      }
    }
    return true;
  }

 private:
  void Bad(BadKind kind, const char* reason_id, MessageArgs args = {}) {
    result_->bad.Add({result_->lines, kind, reason_id, std::move(args)}, max_shown_);
  }

  bool Text(std::size_t column, const char* name, std::string_view& out) {
    if (column >= fields_.size()) {
      Bad(kMalformed, "companions.row.missing_column", {{"column", name}});
      return false;
    }
    out = TrimSpaces(fields_[column]);
    if (out.empty()) {
      Bad(kMalformed, "companions.row.empty", {{"column", name}});
      return false;
    }
    return true;
  }

  // The common row, from the commas Parse found, without copying: no quotes, no blanks around
  // the needed fields, Unix seconds, a tower that exists, a number that packs (or any,
  // pseudonymised). False for anything else, which ParseRow then reads and reports in full.
  bool FastRow(const char* line, const char* line_end,
               const std::array<const char*, kFastColumns>& commas, std::size_t comma_count) {
    if (needed_ > kFastColumns || comma_count + 1 < needed_) return false;
    // A trailing '\r' was cut off the line, but a comma count past the table means more columns
    // than the fast path looks at, which is fine: only the first needed_ are read.
    const auto field = [&](std::size_t column) {
      const char* from = column == 0 ? line : commas[column - 1] + 1;
      const char* to = column < comma_count ? commas[column] : line_end;
      return std::string_view(from, static_cast<std::size_t>(to - from));
    };
    const std::string_view phone = field(columns_.phone);
    const std::string_view cell = field(columns_.cell_id);
    const std::string_view time_text = field(columns_.time);
    for (const std::string_view text : {phone, cell, time_text}) {
      if (text.empty() || text.front() == ' ' || text.back() == ' ') return false;
    }
    const std::optional<std::int64_t> time = FastUnixSeconds(time_text);
    if (!time || *time > kMaxPackedTime) return false;
    std::uint64_t key = 0;
    if (keyer_.pseudonymised()) {
      key = keyer_.Key(phone);
    } else if (const std::optional<std::uint64_t> packed = PhoneKeyer::PackedKey(phone)) {
      key = *packed;
    } else {
      return false;
    }
    const TowerLookup::ShortId id = TowerLookup::ShortIdOf(cell);
    if (id.size > 16 || !(id == last_id_)) {
      last_id_ = id;
      last_fast_tower_ = towers_.Find(cell, id);
      if (id.size > 16) last_id_ = {};
    }
    if (!last_fast_tower_) return false;
    records_.Add({key, *last_fast_tower_, static_cast<std::uint32_t>(*time)});
    return true;
  }

  bool ParseRow(std::string_view line) {
    if (!SplitLine(line, fields_, scratch_)) {
      Bad(kMalformed, "companions.row.malformed");
      return true;
    }
    std::string_view phone, cell, time_text;
    if (!Text(columns_.phone, "phone", phone) || !Text(columns_.cell_id, "cell_id", cell) ||
        !Text(columns_.time, "time", time_text)) {
      return true;
    }
    std::optional<std::int64_t> time = FastUnixSeconds(time_text);
    if (!time) time = ParseRecordTime(time_text);
    if (!time) {
      Bad(kBadTime, "companions.row.bad_time",
          {{"column", "time"}, {"value", std::string(time_text)}});
      return true;
    }
    if (*time < 0 || *time > kMaxPackedTime) {
      Bad(kBadTime, "companions.row.time_out_of_range",
          {{"column", "time"}, {"value", std::string(time_text)}});
      return true;
    }
    const std::optional<std::uint32_t> tower = towers_.Find(cell);
    if (!tower) {
      Bad(kUnknownTower, "companions.row.unknown_tower", {{"id", std::string(cell)}});
      return true;
    }
    const std::uint64_t key = keyer_.Key(phone);
    if (!PhoneKeyer::IsPacked(key) && !keyer_.pseudonymised()) {
      const auto [entry, inserted] = names_.try_emplace(key, phone);
      if (!inserted && entry->second != phone) return false;
    }
    records_.Add({key, *tower, static_cast<std::uint32_t>(*time)});
    return true;
  }

  const RecordColumns& columns_;
  const TowerLookup& towers_;
  const PhoneKeyer& keyer_;
  std::int64_t max_shown_;
  PartitionedRecords& records_;
  PhoneNames& names_;
  TowerLookup::ShortId last_id_;  // the fast path's last tower (size 0: none yet)
  std::optional<std::uint32_t> last_fast_tower_;
  std::size_t needed_ = 0;  // columns a row must have: the last needed one's position + 1
  ChunkResult* result_ = nullptr;
  std::vector<std::string_view> fields_;
  std::string scratch_;
};

}  // namespace

std::string_view TrimSpaces(std::string_view text) {
  const std::size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

std::optional<std::int64_t> ParseRecordTime(std::string_view text) {
  text = TrimSpaces(text);
  if (text.empty()) return std::nullopt;
  std::optional<std::int64_t> seconds = ParseCsvInt(text);
  if (!seconds) {
    const Result<UnixMillis> millis = ParseIso8601(text);
    if (!millis.ok()) return std::nullopt;
    seconds = *millis / kMillisPerSecond - (*millis % kMillisPerSecond < 0 ? 1 : 0);
  }
  if (*seconds > kMaxAbsTime || *seconds < -kMaxAbsTime) return std::nullopt;
  return seconds;
}

void BadRows::Add(BadRow row, std::int64_t max_shown) {
  if (counts[row.kind]++ < max_shown) shown.push_back(std::move(row));
}

std::int64_t BadRows::total() const {
  std::int64_t sum = 0;
  for (const std::int64_t count : counts) sum += count;
  return sum;
}

void BadRows::Append(BadRows&& other, std::int64_t max_shown) {
  std::array<std::int64_t, kBadKindCount> shown_of_kind{};
  for (const BadRow& row : shown) ++shown_of_kind[row.kind];
  for (BadRow& row : other.shown) {
    if (shown_of_kind[row.kind]++ < max_shown) shown.push_back(std::move(row));
  }
  for (std::size_t kind = 0; kind < kBadKindCount; ++kind) counts[kind] += other.counts[kind];
}

void BadRows::ShiftLines(std::int64_t offset) {
  for (BadRow& row : shown) row.line += offset;
}

TowerLookup::TowerLookup(std::span<const Tower> sorted_towers) : towers_(sorted_towers) {
  std::size_t capacity = 16;
  while (capacity < sorted_towers.size() * 2) capacity *= 2;
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  for (std::size_t idx = 0; idx < sorted_towers.size(); ++idx) {
    short_ids_.push_back(ShortIdOf(sorted_towers[idx].cell_id));
    std::uint64_t slot = Hash(sorted_towers[idx].cell_id) & mask_;
    while (slots_[slot] != 0) slot = (slot + 1) & mask_;
    slots_[slot] = static_cast<std::uint32_t>(idx + 1);
  }
}

std::uint64_t TowerLookup::Hash(const ShortId& id) {
  std::uint64_t hash = (id.low ^ (id.size * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 31;
  hash = (hash ^ id.high) * 0x94d049bb133111ebULL;
  return hash ^ (hash >> 29);
}

std::uint64_t TowerLookup::Hash(std::string_view text) {
  if (text.size() <= 16) return Hash(ShortIdOf(text));
  // Longer ids: eight bytes at a time.
  std::uint64_t hash = text.size() * 0x9e3779b97f4a7c15ULL;
  for (std::size_t at = 0; at < text.size(); at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + at, std::min<std::size_t>(8, text.size() - at));
    hash = (hash ^ word) * 0xbf58476d1ce4e5b9ULL;
    hash ^= hash >> 31;
  }
  return hash;
}

std::optional<std::uint32_t> TowerLookup::Find(std::string_view cell_id) const {
  return Find(cell_id, ShortIdOf(cell_id));
}

std::optional<std::uint32_t> TowerLookup::Find(std::string_view cell_id, const ShortId& id) const {
  const bool is_short = id.size <= 16;
  for (std::uint64_t slot = (is_short ? Hash(id) : Hash(cell_id)) & mask_; slots_[slot] != 0;
       slot = (slot + 1) & mask_) {
    const std::uint32_t idx = slots_[slot] - 1;
    if (is_short ? short_ids_[idx] == id : towers_[idx].cell_id == cell_id) return idx;
  }
  return std::nullopt;
}

bool StringSource::ReadAt(std::uint64_t offset, std::size_t length, char* out) const {
  if (offset > text_.size() || length > text_.size() - offset) return false;
  std::memcpy(out, text_.data() + offset, length);
  return true;
}

Result<RecordsIngest> IngestRecords(const ByteSource& source, std::uint64_t data_start,
                                    std::uint64_t begin, std::uint64_t end,
                                    const RecordColumns& columns, const TowerLookup& towers,
                                    const PhoneKeyer& keyer, const IngestOptions& options) {
  begin = std::max(begin, data_start);
  end = std::max(begin, std::min(end, source.size()));
  const std::uint64_t chunk_bytes = std::max<std::size_t>(options.chunk_bytes, 1);
  const std::size_t chunks =
      static_cast<std::size_t>((end - begin + chunk_bytes - 1) / chunk_bytes);
  std::vector<ChunkResult> results(chunks);

  const auto threads = static_cast<std::size_t>(std::max(1, options.threads));
  std::vector<PartitionedRecords> records(threads);
  std::vector<PhoneNames> names(threads);
  // Room for a chunk and the end of its last line from the start, so a buffer never moves.
  std::vector<LineBuffer> buffers(threads);
  for (LineBuffer& buffer : buffers) {
    buffer.reserve(static_cast<std::size_t>(std::min(chunk_bytes, end - begin)) + kProbeBytes);
  }
  std::atomic<bool> collision{false};
  std::atomic<bool> read_failed{false};
  std::atomic<bool> stopped{false};
  std::mutex progress_mutex;
  std::uint64_t done = 0;
  ParallelFor(chunks, options.threads, [&](std::size_t chunk, std::size_t worker) {
    if (stopped) return;
    const std::uint64_t from = begin + chunk * chunk_bytes;
    const std::uint64_t to = std::min(end, from + chunk_bytes);
    const std::optional<std::string_view> lines =
        ReadLines(source, data_start, from, to, buffers[worker]);
    if (!lines) {
      read_failed = true;
      return;
    }
    ChunkParser parser(columns, towers, keyer, options.max_shown, records[worker], names[worker]);
    if (!parser.Parse(*lines, results[chunk])) collision = true;
    if (options.progress) {
      const std::lock_guard<std::mutex> lock(progress_mutex);
      done += to - from;
      if (!options.progress(done, end - begin)) stopped = true;
    }
  });
  if (read_failed) {
    return Status(ErrorCode::kUnavailable, "companions.records.read_failed");
  }
  if (stopped) return Status(ErrorCode::kUnavailable, "companions.records.stopped");
  if (collision) {
    return Status::InvalidArgument(
        "error.field_invalid",
        {{"field", "phone"}, {"reason", "two different numbers share a 63-bit key"}}, "phone");
  }

  RecordsIngest ingest;
  for (std::size_t idx = 0; idx < threads; ++idx) {
    ingest.records.Absorb(std::move(records[idx]));
    for (auto& [key, text] : names[idx]) {
      const auto [entry, inserted] = ingest.names.try_emplace(key, std::move(text));
      if (!inserted && entry->second != text) {
        return Status::InvalidArgument(
            "error.field_invalid",
            {{"field", "phone"}, {"reason", "two different numbers share a 63-bit key"}}, "phone");
      }
    }
  }
  for (ChunkResult& result : results) {
    result.bad.ShiftLines(ingest.lines);
    ingest.bad.Append(std::move(result.bad), options.max_shown);
    ingest.lines += result.lines;
    ingest.rows += result.rows;
  }
  return ingest;
}

}  // namespace lifeline::companions
