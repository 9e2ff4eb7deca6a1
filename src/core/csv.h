#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lifeline {

// Streams RFC 4180 CSV from a FILE*, one record at a time, in large reads: a UTF-8 byte-order
// mark is skipped, CRLF and LF both end a record, quoted fields may hold commas, doubled quotes
// and line breaks, blank lines are skipped. Fields are views into the reader's buffer (quoted
// fields are unescaped in place), valid until the next call to Next(): no allocation per field.
// The first record is usually a header; Column() finds a column by name in it.
// Not thread-safe; does not own or close the file.
class CsvReader {
 public:
  explicit CsvReader(std::FILE* input);

  // Reads the next record; false at the end of the input or on a read error (read_error()).
  bool Next();

  std::size_t size() const { return fields_.size(); }
  // The field at `index`, or empty past the end of the record.
  std::string_view field(std::size_t index) const {
    return index < fields_.size() ? fields_[index] : std::string_view();
  }
  // The line the current record starts on (1-based, counting every line of the input).
  std::int64_t line() const { return line_; }
  // The current record's quoting is broken: text after a closing quote, or a quote left open
  // at the end of the input. Its fields are what could be read.
  bool malformed() const { return malformed_; }
  bool read_error() const { return read_error_; }

  // Reads the first record as the header; false if there is none.
  bool ReadHeader();
  // The index of the header column named `name`, if there is one.
  std::optional<std::size_t> Column(std::string_view name) const;

 private:
  bool Fill();  // moves the unread bytes to the front and reads more; false if nothing came
  void SplitRecord(char* begin, char* end);

  std::FILE* input_;
  std::vector<char> buffer_;
  std::size_t start_ = 0;  // first unread byte
  std::size_t end_ = 0;    // one past the last byte read
  bool eof_ = false;
  bool read_error_ = false;
  bool at_start_ = true;
  bool malformed_ = false;
  std::int64_t next_line_ = 1;
  std::int64_t line_ = 0;
  std::vector<std::string_view> fields_;
  std::vector<std::string> header_;
};

// Appends `text` to a CSV line being written, quoted (quotes doubled) only when it holds a comma,
// a quote or a line break.
void AppendCsvField(std::string_view text, std::string& out);

// Parses a whole field as a number (surrounding spaces allowed); nullopt if it is not one.
std::optional<std::int64_t> ParseCsvInt(std::string_view field);
std::optional<double> ParseCsvDouble(std::string_view field);

}  // namespace lifeline
