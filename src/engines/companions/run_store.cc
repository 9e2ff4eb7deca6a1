#include "engines/companions/run_store.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace lifeline::companions {
namespace {

constexpr char kMagic[8] = {'L', 'L', 'R', 'U', 'N', 'S', '0', '3'};
constexpr std::uint64_t kAlign = 64;
// Texts longer than this in a store are damage, not data.
constexpr std::uint64_t kMaxText = 1 << 16;

struct Header {
  char magic[8];
  std::uint64_t towers;
  std::uint64_t phones;
  std::uint64_t runs;
  std::uint64_t names;
  std::int64_t rows_read;
  std::int64_t bad_rows;
  char key_fingerprint[32];  // hex, NUL-padded; all NUL when not pseudonymised
  std::uint64_t prepared;    // 1 if the prepared stays follow the runs
};

struct PreparedHeader {
  std::int64_t gap_s;
  double cell_meters;
  std::uint64_t has_origin;
  double origin_lat;
  double origin_lon;
  std::int64_t long_stay_s;
  std::uint64_t cells;
  std::uint64_t stays;
  std::uint64_t buckets;  // offsets in the index: buckets + 1
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

Status StoreError(const std::string& id, const std::string& path, const std::string& detail = {}) {
  return Status::InvalidArgument(id, {{"path", path}, {"detail", detail}});
}

// Writes values in order, padding columns to kAlign so that a mapped store can use them in place.
class Writer {
 public:
  explicit Writer(std::FILE* file) : file_(file) {}
  void Bytes(const void* data, std::size_t size) {
    if (ok_ && size > 0) ok_ = std::fwrite(data, 1, size, file_) == size;
    at_ += size;
  }
  template <typename T>
  void Value(const T& value) {
    Bytes(&value, sizeof value);
  }
  template <typename Values>
  void Column(const Values& column) {
    Align();
    Bytes(column.data(), column.size() * sizeof(column[0]));
  }
  void Text(const std::string& text) {
    Value(static_cast<std::uint32_t>(text.size()));
    Bytes(text.data(), text.size());
  }
  void Align() {
    static constexpr char kZeros[kAlign] = {};
    Bytes(kZeros, static_cast<std::size_t>((kAlign - at_ % kAlign) % kAlign));
  }
  bool ok() const { return ok_; }

 private:
  std::FILE* file_;
  std::uint64_t at_ = 0;
  bool ok_ = true;
};

// Reads a mapped store in order, refusing anything past its end.
class Reader {
 public:
  Reader(const char* base, std::uint64_t size, std::shared_ptr<const void> keeper)
      : base_(base), size_(size), keeper_(std::move(keeper)) {}
  bool Bytes(void* out, std::uint64_t size) {
    if (!ok_ || size > size_ - at_) return ok_ = false;
    std::memcpy(out, base_ + at_, size);
    at_ += size;
    return true;
  }
  template <typename T>
  bool Value(T& value) {
    return Bytes(&value, sizeof value);
  }
  bool Text(std::string& text) {
    std::uint32_t size = 0;
    if (!Value(size) || size > kMaxText || size > size_ - at_) return ok_ = false;
    text.assign(base_ + at_, size);
    at_ += size;
    return true;
  }
  void Align() { at_ = std::min(size_, (at_ + kAlign - 1) / kAlign * kAlign); }
  // `count` values in place (a view kept alive with the mapping); empty on damage.
  template <typename T>
  companions::Column<T> View(std::uint64_t count) {
    Align();
    if (!ok_ || count > (size_ - at_) / sizeof(T)) {
      ok_ = false;
      return {};
    }
    const auto* data = reinterpret_cast<const T*>(base_ + at_);
    at_ += count * sizeof(T);
    return companions::Column<T>::View(data, count, keeper_);
  }
  // `count` values copied into a vector.
  template <typename T>
  bool Copy(std::vector<T>& out, std::uint64_t count) {
    const companions::Column<T> view = View<T>(count);
    if (!ok_) return false;
    out.assign(view.begin(), view.end());
    return true;
  }
  std::uint64_t left() const { return size_ - at_; }
  bool ok() const { return ok_; }

 private:
  const char* base_;
  std::uint64_t size_;
  std::uint64_t at_ = 0;
  std::shared_ptr<const void> keeper_;
  bool ok_ = true;
};

// The prepared part's offsets and indices, checked so that nothing built on it reads out of
// bounds. Empty when consistent, else what is wrong.
std::string CheckPrepared(const PreparedStays& prepared, std::size_t phones) {
  const StayTable& stays = prepared.stays;
  const std::size_t cells = prepared.cells.size();
  if (!std::is_sorted(prepared.cells.begin(), prepared.cells.end()) ||
      std::adjacent_find(prepared.cells.begin(), prepared.cells.end()) != prepared.cells.end()) {
    return "grid cells out of order";
  }
  if (stays.phone_first_stay.size() != phones + 1 || stays.phone_first_stay.front() != 0 ||
      stays.phone_first_stay.back() != stays.size() ||
      !std::is_sorted(stays.phone_first_stay.begin(), stays.phone_first_stay.end())) {
    return "stay offsets do not cover the stays";
  }
  if (std::any_of(stays.cell.begin(), stays.cell.end(),
                  [&](CellIdx cell) { return cell >= cells; })) {
    return "a stay names no grid cell";
  }
  const std::vector<std::uint64_t>& begin = prepared.index.bucket_begin();
  if (begin.size() != CellIndex::kLengthClasses * cells + 1 || begin.front() != 0 ||
      begin.back() != stays.size() || !std::is_sorted(begin.begin(), begin.end())) {
    return "index offsets do not cover the stays";
  }
  const Column<CellIndex::Entry>& entries = prepared.index.entries();
  if (entries.size() != stays.size() ||
      std::any_of(entries.begin(), entries.end(), [&](const CellIndex::Entry& entry) {
        return entry.owner >= phones || entry.stay >= stays.size();
      })) {
    return "an index entry names no stay";
  }
  return {};
}

}  // namespace

Result<PreparedStays> PrepareStays(std::span<const Tower> towers, const RunTable& runs,
                                   const CompanionRule& rule, int threads) {
  ASSIGN_OR_RETURN(CompanionEngine::TowerGrid grid, CompanionEngine::GridCellsOf(towers, rule));
  PreparedStays prepared;
  prepared.gap_s = rule.gap_s;
  prepared.cell_meters = rule.cell_meters;
  prepared.origin = rule.origin;
  prepared.stays = StaysFromRuns(runs, grid.tower_cell, rule.gap_s, threads);
  prepared.index = CellIndex(prepared.stays, grid.cells.size(), kDefaultLongStaySeconds, threads);
  prepared.cells = std::move(grid.cells);
  return prepared;
}

Status WriteRunStore(const std::string& path, const RunStore& store) {
  const std::string temporary = path + ".partial";
  File file(std::fopen(temporary.c_str(), "wb"));
  if (!file) return StoreError("companions.store.unwritable", path, std::strerror(errno));
  Header header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.towers = store.towers.size();
  header.phones = store.runs.phone_count();
  header.runs = store.runs.size();
  header.names = store.names.size();
  header.rows_read = store.rows_read;
  header.bad_rows = store.bad_rows;
  std::memcpy(header.key_fingerprint, store.key_fingerprint.data(),
              std::min(store.key_fingerprint.size(), sizeof header.key_fingerprint - 1));
  header.prepared = store.prepared ? 1 : 0;
  Writer out(file.get());
  out.Value(header);
  for (const Tower& tower : store.towers) {
    out.Text(tower.cell_id);
    out.Value(tower.lat);
    out.Value(tower.lon);
  }
  for (const auto& [key, text] : store.names) {
    out.Value(key);
    out.Text(text);
  }
  out.Column(store.runs.phone_keys);
  out.Column(store.runs.phone_first_run);
  out.Column(store.runs.tower);
  out.Column(store.runs.first);
  out.Column(store.runs.last);
  if (store.prepared) {
    const PreparedStays& prepared = *store.prepared;
    PreparedHeader part{};
    part.gap_s = prepared.gap_s;
    part.cell_meters = prepared.cell_meters;
    part.has_origin = prepared.origin ? 1 : 0;
    part.origin_lat = prepared.origin ? prepared.origin->lat : 0;
    part.origin_lon = prepared.origin ? prepared.origin->lon : 0;
    part.long_stay_s = prepared.index.long_stay_s();
    part.cells = prepared.cells.size();
    part.stays = prepared.stays.size();
    part.buckets = prepared.index.bucket_begin().size() - 1;
    out.Align();
    out.Value(part);
    out.Column(prepared.cells);
    out.Column(prepared.stays.phone_first_stay);
    out.Column(prepared.stays.cell);
    out.Column(prepared.stays.start);
    out.Column(prepared.stays.end);
    out.Column(prepared.index.bucket_begin());
    out.Column(prepared.index.entries());
  }
  const bool written = out.ok() && std::fflush(file.get()) == 0;
  const int saved_errno = errno;
  const bool closed = std::fclose(file.release()) == 0;
  if (!written || !closed || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string detail = std::strerror(written && closed ? errno : saved_errno);
    std::remove(temporary.c_str());
    return StoreError("companions.store.unwritable", path, detail);
  }
  return Status::Ok();
}

Result<RunStore> ReadRunStore(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return StoreError("companions.store.unreadable", path, std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const std::string detail = std::strerror(errno);
    ::close(fd);
    return StoreError("companions.store.unreadable", path, detail);
  }
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (size < sizeof(Header)) {
    ::close(fd);
    return StoreError("companions.store.foreign", path);
  }
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED)
    return StoreError("companions.store.unreadable", path, std::strerror(errno));
  ::madvise(mapped, size, MADV_WILLNEED);
  const std::shared_ptr<const void> keeper(
      mapped, [size](const void* at) { ::munmap(const_cast<void*>(at), size); });
  Reader in(static_cast<const char*>(mapped), size, keeper);

  Header header{};
  if (!in.Value(header) || std::memcmp(header.magic, kMagic, sizeof kMagic) != 0) {
    // Earlier formats share the magic's first six bytes.
    const bool older = std::memcmp(header.magic, kMagic, 6) == 0 &&
                       std::memcmp(header.magic, kMagic, sizeof kMagic) < 0;
    return StoreError(older ? "companions.store.old_format" : "companions.store.foreign", path);
  }
  RunStore store;
  store.rows_read = header.rows_read;
  store.bad_rows = header.bad_rows;
  store.key_fingerprint.assign(header.key_fingerprint,
                               strnlen(header.key_fingerprint, sizeof header.key_fingerprint));
  // Every tower takes at least 20 bytes, every name 12: counts beyond the file are damage.
  if (header.towers > in.left() / 20 || header.names > in.left() / 12) {
    return StoreError("companions.store.damaged", path, "counts beyond the file's size");
  }
  store.towers.resize(header.towers);
  for (Tower& tower : store.towers) {
    if (!in.Text(tower.cell_id) || !in.Value(tower.lat) || !in.Value(tower.lon)) break;
  }
  for (std::uint64_t name = 0; name < header.names && in.ok(); ++name) {
    std::uint64_t key = 0;
    std::string text;
    if (in.Value(key) && in.Text(text)) store.names.emplace(key, std::move(text));
  }
  in.Copy(store.runs.phone_keys, header.phones);
  in.Copy(store.runs.phone_first_run, header.phones + 1);
  store.runs.tower = in.View<std::uint32_t>(header.runs);
  store.runs.first = in.View<std::int64_t>(header.runs);
  store.runs.last = in.View<std::int64_t>(header.runs);
  if (header.prepared > 1) return StoreError("companions.store.damaged", path, "bad header");
  if (header.prepared == 1 && in.ok()) {
    PreparedHeader part{};
    in.Align();
    in.Value(part);
    PreparedStays prepared;
    prepared.gap_s = part.gap_s;
    prepared.cell_meters = part.cell_meters;
    if (part.has_origin != 0) prepared.origin = LatLon{part.origin_lat, part.origin_lon};
    in.Copy(prepared.cells, part.cells);
    prepared.stays.phone_keys = store.runs.phone_keys;
    in.Copy(prepared.stays.phone_first_stay, header.phones + 1);
    prepared.stays.cell = in.View<CellIdx>(part.stays);
    prepared.stays.start = in.View<std::int64_t>(part.stays);
    prepared.stays.end = in.View<std::int64_t>(part.stays);
    std::vector<std::uint64_t> bucket_begin;
    in.Copy(bucket_begin, part.buckets + 1);
    Column<CellIndex::Entry> entries = in.View<CellIndex::Entry>(part.stays);
    if (in.ok()) {
      prepared.index =
          CellIndex(part.cells, part.long_stay_s, std::move(bucket_begin), std::move(entries));
      if (const std::string wrong = CheckPrepared(prepared, header.phones); !wrong.empty()) {
        return StoreError("companions.store.damaged", path, wrong);
      }
      store.prepared = std::move(prepared);
    }
  }
  if (!in.ok()) return StoreError("companions.store.damaged", path, "truncated");
  if (in.left() != 0) return StoreError("companions.store.damaged", path, "trailing bytes");
  for (std::size_t idx = 1; idx < store.towers.size(); ++idx) {
    if (!(store.towers[idx - 1].cell_id < store.towers[idx].cell_id)) {
      return StoreError("companions.store.damaged", path, "towers out of order");
    }
  }
  store.path_ = path;
  // A query that uses the prepared stays never touches the runs: they are checked when used.
  if (!store.prepared) RETURN_IF_ERROR(store.CheckRuns());
  return store;
}

Status RunStore::CheckRuns() const {
  const Status valid = runs.Validate(towers.size());
  if (valid.ok()) return valid;
  std::string detail;
  for (const auto& [name, value] : valid.args()) {
    if (name == "reason") detail = value;
  }
  return StoreError("companions.store.damaged", path_, detail);
}

}  // namespace lifeline::companions
