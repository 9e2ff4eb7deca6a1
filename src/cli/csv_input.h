#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/csv.h"

namespace lifeline {

// One CSV input file of a command (`lifeline match`, `lifeline companions`), open and past its
// header: `columns[i]` is the position of the i-th column asked for.
struct CsvInput {
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::unique_ptr<std::FILE, FileCloser> file;
  std::unique_ptr<CsvReader> reader;
  std::vector<std::size_t> columns;
};

// Opens `path` and finds `columns` in its header by name. On failure writes why to `errors` in
// `locale` ("Cannot read …" or "… the header has no column …", catalogue ids cli.csv.*) and
// returns nullopt; the commands answer that with exit code 2.
std::optional<CsvInput> OpenCsvInput(const std::string& path,
                                     const std::vector<const char*>& columns,
                                     const std::string& locale, std::FILE* errors);

// After the last row: true when `csv` read `path` to its end; otherwise writes why to `errors`
// (cli.csv.unreadable) and returns false.
bool ReadToEnd(const CsvReader& csv, const std::string& path, const std::string& locale,
               std::FILE* errors);

}  // namespace lifeline
