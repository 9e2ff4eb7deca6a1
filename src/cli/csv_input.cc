#include "cli/csv_input.h"

#include <cerrno>
#include <cstring>

#include "cli/console.h"

namespace lifeline {

std::optional<CsvInput> OpenCsvInput(const std::string& path,
                                     const std::vector<const char*>& columns,
                                     const std::string& locale, std::FILE* errors) {
  CsvInput input;
  input.file.reset(std::fopen(path.c_str(), "rb"));
  if (!input.file) {
    Say(errors, locale, "cli.csv.unreadable", {{"path", path}, {"detail", std::strerror(errno)}});
    return std::nullopt;
  }
  input.reader = std::make_unique<CsvReader>(input.file.get());
  const bool has_header = input.reader->ReadHeader();
  for (const char* column : columns) {
    const std::optional<std::size_t> index =
        has_header ? input.reader->Column(column) : std::nullopt;
    if (!index) {
      Say(errors, locale, "cli.csv.missing_header", {{"path", path}, {"column", column}});
      return std::nullopt;
    }
    input.columns.push_back(*index);
  }
  return input;
}

bool ReadToEnd(const CsvReader& csv, const std::string& path, const std::string& locale,
               std::FILE* errors) {
  if (!csv.read_error()) return true;
  Say(errors, locale, "cli.csv.unreadable", {{"path", path}, {"detail", std::strerror(errno)}});
  return false;
}

}  // namespace lifeline
