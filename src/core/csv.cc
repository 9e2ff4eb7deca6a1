#include "core/csv.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace lifeline {
namespace {

// Large reads: a read call costs nothing next to the records it carries. The buffer grows only
// for a record longer than this.
constexpr std::size_t kReadChunkBytes = std::size_t{1} << 20;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string_view Trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

}  // namespace

CsvReader::CsvReader(std::FILE* input) : input_(input), buffer_(kReadChunkBytes) {}

bool CsvReader::Fill() {
  if (start_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  const std::size_t read = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, input_);
  if (read == 0) {
    eof_ = true;
    read_error_ = std::ferror(input_) != 0;
    return false;
  }
  end_ += read;
  return true;
}

bool CsvReader::Next() {
  while (true) {
    if (at_start_) {
      while (!eof_ && end_ - start_ < kUtf8Bom.size()) Fill();
      if (std::string_view(buffer_.data() + start_, end_ - start_).starts_with(kUtf8Bom)) {
        start_ += kUtf8Bom.size();
      }
      at_start_ = false;
    }
    // Find the end of the record: the first line feed outside quotes.
    std::size_t scanned = start_;  // bytes before this are known to hold no record end
    bool in_quotes = false;
    std::int64_t line_feeds = 0;
    std::size_t record_end = std::string::npos;
    while (record_end == std::string::npos) {
      const char* data = buffer_.data();
      if (!in_quotes) {
        const void* feed = std::memchr(data + scanned, '\n', end_ - scanned);
        const std::size_t feed_at =
            feed == nullptr ? end_
                            : static_cast<std::size_t>(static_cast<const char*>(feed) - data);
        const void* quote = std::memchr(data + scanned, '"', feed_at - scanned);
        if (quote == nullptr) {
          if (feed != nullptr) {
            record_end = feed_at;
            break;
          }
          scanned = end_;
        } else {
          in_quotes = true;
          scanned = static_cast<std::size_t>(static_cast<const char*>(quote) - data) + 1;
          continue;
        }
      } else {
        const void* quote = std::memchr(data + scanned, '"', end_ - scanned);
        const std::size_t quote_at =
            quote == nullptr ? end_
                             : static_cast<std::size_t>(static_cast<const char*>(quote) - data);
        line_feeds += std::count(data + scanned, data + quote_at, '\n');
        if (quote != nullptr) {
          in_quotes = false;
          scanned = quote_at + 1;
          continue;
        }
        scanned = end_;
      }
      // Ran out of bytes inside a record: read more (indices survive the move in Fill).
      const std::size_t offset = scanned - start_;
      if (eof_ || !Fill()) {
        if (start_ == end_) return false;
        record_end = end_;
        break;
      }
      scanned = start_ + offset;
    }
    char* begin = buffer_.data() + start_;
    char* end = buffer_.data() + record_end;
    start_ = std::min(record_end + 1, end_);
    line_ = next_line_;
    next_line_ += 1 + line_feeds;
    if (end > begin && end[-1] == '\r') --end;
    if (begin == end) {
      if (record_end == end_ && eof_) return false;
      continue;  // a blank line
    }
    SplitRecord(begin, end);
    return true;
  }
}

void CsvReader::SplitRecord(char* begin, char* end) {
  fields_.clear();
  malformed_ = false;
  char* cursor = begin;
  while (true) {
    if (cursor < end && *cursor == '"') {
      // Unescape in place: the text only shrinks, so it can overwrite itself.
      char* out = cursor;
      char* in = cursor + 1;
      bool closed = false;
      while (in < end) {
        if (*in == '"') {
          if (in + 1 < end && in[1] == '"') {
            *out++ = '"';
            in += 2;
            continue;
          }
          ++in;
          closed = true;
          break;
        }
        *out++ = *in++;
      }
      fields_.emplace_back(cursor, static_cast<std::size_t>(out - cursor));
      if (!closed) malformed_ = true;
      if (in < end && *in != ',') {
        malformed_ = true;
        in = static_cast<char*>(std::memchr(in, ',', static_cast<std::size_t>(end - in)));
        if (in == nullptr) in = end;
      }
      cursor = in;
    } else {
      char* comma =
          static_cast<char*>(std::memchr(cursor, ',', static_cast<std::size_t>(end - cursor)));
      char* field_end = comma == nullptr ? end : comma;
      fields_.emplace_back(cursor, static_cast<std::size_t>(field_end - cursor));
      cursor = field_end;
    }
    if (cursor >= end) return;
    ++cursor;  // the comma
  }
}

bool CsvReader::ReadHeader() {
  if (!Next()) return false;
  header_.assign(fields_.begin(), fields_.end());
  for (std::string& name : header_) name = std::string(Trim(name));
  return true;
}

std::optional<std::size_t> CsvReader::Column(std::string_view name) const {
  const auto it = std::find(header_.begin(), header_.end(), name);
  if (it == header_.end()) return std::nullopt;
  return static_cast<std::size_t>(it - header_.begin());
}

std::optional<std::int64_t> ParseCsvInt(std::string_view field) {
  field = Trim(field);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (field.empty() || error != std::errc() || end != field.data() + field.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> ParseCsvDouble(std::string_view field) {
  field = Trim(field);
  double value = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (field.empty() || error != std::errc() || end != field.data() + field.size()) {
    return std::nullopt;
  }
  return value;
}

void AppendCsvField(std::string_view text, std::string& out) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace lifeline
