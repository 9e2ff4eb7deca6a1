#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lifeline {

// A deployment's settings file: one `key = value` per line, `#` starts a comment, blank lines
// ignored. Errors name the line. Keys are free-form here; each consumer reads the ones it knows
// and `UnknownKeys` lets the caller reject typos.
class ConfigFile {
 public:
  static Result<ConfigFile> Parse(std::string_view text);
  static Result<ConfigFile> Load(const std::string& path);

  std::optional<std::string> Get(std::string_view key) const;
  // A missing key yields `fallback`; a non-integer value is an error naming key and line.
  Result<std::int64_t> GetInt(std::string_view key, std::int64_t fallback) const;
  // The line `key` is on (for messages about its value); 0 when absent.
  int Line(std::string_view key) const;
  std::vector<std::string> UnknownKeys(std::initializer_list<std::string_view> known) const;
  std::vector<std::string> UnknownKeys(std::span<const std::string_view> known) const;

 private:
  struct Entry {
    std::string value;
    int line = 0;
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace lifeline
