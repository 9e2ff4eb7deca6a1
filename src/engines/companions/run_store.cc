#include "engines/companions/run_store.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace lifeline::companions {
namespace {

constexpr char kMagic[8] = {'L', 'L', 'R', 'U', 'N', 'S', '0', '1'};
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
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

Status StoreError(const std::string& id, const std::string& path, const std::string& detail = {}) {
  return Status::InvalidArgument(id, {{"path", path}, {"detail", detail}});
}

class Writer {
 public:
  explicit Writer(std::FILE* file) : file_(file) {}
  void Bytes(const void* data, std::size_t size) {
    if (ok_ && size > 0) ok_ = std::fwrite(data, 1, size, file_) == size;
  }
  template <typename T>
  void Value(const T& value) {
    Bytes(&value, sizeof value);
  }
  template <typename T, typename Allocator>
  void Column(const std::vector<T, Allocator>& column) {
    Bytes(column.data(), column.size() * sizeof(T));
  }
  void Text(const std::string& text) {
    Value(static_cast<std::uint32_t>(text.size()));
    Bytes(text.data(), text.size());
  }
  bool ok() const { return ok_; }

 private:
  std::FILE* file_;
  bool ok_ = true;
};

class Reader {
 public:
  Reader(std::FILE* file, std::uint64_t size) : file_(file), left_(size) {}
  bool Bytes(void* data, std::uint64_t size) {
    if (!ok_ || size > left_) return ok_ = false;
    if (size > 0 && std::fread(data, 1, size, file_) != size) return ok_ = false;
    left_ -= size;
    return true;
  }
  template <typename T>
  bool Value(T& value) {
    return Bytes(&value, sizeof value);
  }
  // Reads `count` values, refusing counts the rest of the file cannot hold before allocating.
  template <typename T, typename Allocator>
  bool Column(std::vector<T, Allocator>& column, std::uint64_t count) {
    if (!ok_ || count > left_ / sizeof(T)) return ok_ = false;
    column.resize(count);
    return Bytes(column.data(), count * sizeof(T));
  }
  bool Text(std::string& text) {
    std::uint32_t size = 0;
    if (!Value(size) || size > kMaxText || size > left_) return ok_ = false;
    text.resize(size);
    return Bytes(text.data(), size);
  }
  std::uint64_t left() const { return left_; }
  bool ok() const { return ok_; }

 private:
  std::FILE* file_;
  std::uint64_t left_;
  bool ok_ = true;
};

}  // namespace

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
  Writer out(file.get());
  out.Value(header);
  for (const Tower& tower : store.towers) {
    out.Text(tower.cell_id);
    out.Value(tower.lat);
    out.Value(tower.lon);
  }
  out.Column(store.runs.phone_keys);
  out.Column(store.runs.phone_first_run);
  out.Column(store.runs.tower);
  out.Column(store.runs.first);
  out.Column(store.runs.last);
  for (const auto& [key, text] : store.names) {
    out.Value(key);
    out.Text(text);
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
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) return StoreError("companions.store.unreadable", path, std::strerror(errno));
  if (std::fseek(file.get(), 0, SEEK_END) != 0) {
    return StoreError("companions.store.unreadable", path, std::strerror(errno));
  }
  const long size = std::ftell(file.get());
  std::rewind(file.get());
  if (size < 0) return StoreError("companions.store.unreadable", path, std::strerror(errno));
  Reader in(file.get(), static_cast<std::uint64_t>(size));

  Header header{};
  if (!in.Value(header) || std::memcmp(header.magic, kMagic, sizeof kMagic) != 0) {
    return StoreError("companions.store.foreign", path);
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
  in.Column(store.runs.phone_keys, header.phones);
  in.Column(store.runs.phone_first_run, header.phones + 1);
  in.Column(store.runs.tower, header.runs);
  in.Column(store.runs.first, header.runs);
  in.Column(store.runs.last, header.runs);
  for (std::uint64_t name = 0; name < header.names && in.ok(); ++name) {
    std::uint64_t key = 0;
    std::string text;
    if (in.Value(key) && in.Text(text)) store.names.emplace(key, std::move(text));
  }
  if (!in.ok()) return StoreError("companions.store.damaged", path, "truncated");
  if (in.left() != 0) return StoreError("companions.store.damaged", path, "trailing bytes");
  for (std::size_t idx = 1; idx < store.towers.size(); ++idx) {
    if (!(store.towers[idx - 1].cell_id < store.towers[idx].cell_id)) {
      return StoreError("companions.store.damaged", path, "towers out of order");
    }
  }
  const Status valid = store.runs.Validate(store.towers.size());
  if (!valid.ok()) {
    std::string detail;
    for (const auto& [name, value] : valid.args()) {
      if (name == "reason") detail = value;
    }
    return StoreError("companions.store.damaged", path, detail);
  }
  return store;
}

}  // namespace lifeline::companions
