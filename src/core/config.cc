#include "core/config.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace lifeline {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

Result<ConfigFile> ConfigFile::Parse(std::string_view text) {
  ConfigFile config;
  int line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_number;
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    const std::size_t comment = line.find('#');
    if (comment != std::string_view::npos) line = line.substr(0, comment);
    line = Trim(line);
    if (line.empty()) continue;
    const std::size_t equals = line.find('=');
    const std::string_view key =
        equals == std::string_view::npos ? "" : Trim(line.substr(0, equals));
    if (key.empty()) {
      return Status::InvalidArgument("error.config_line", {{"line", std::to_string(line_number)}});
    }
    config.entries_[std::string(key)] =
        Entry{std::string(Trim(line.substr(equals + 1))), line_number};
  }
  return config;
}

Result<ConfigFile> ConfigFile::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("error.config_unreadable", {{"path", path}});
  std::stringstream content;
  content << in.rdbuf();
  return Parse(content.str());
}

std::optional<std::string> ConfigFile::Get(std::string_view key) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.value;
}

Result<std::int64_t> ConfigFile::GetInt(std::string_view key, std::int64_t fallback) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return fallback;
  const std::string& value = it->second.value;
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) {
    return Status::InvalidArgument(
        "error.config_not_integer",
        {{"key", std::string(key)}, {"line", std::to_string(it->second.line)}});
  }
  return number;
}

int ConfigFile::Line(std::string_view key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? 0 : it->second.line;
}

std::vector<std::string> ConfigFile::UnknownKeys(
    std::initializer_list<std::string_view> known) const {
  return UnknownKeys(std::span<const std::string_view>(known.begin(), known.size()));
}

std::vector<std::string> ConfigFile::UnknownKeys(std::span<const std::string_view> known) const {
  std::vector<std::string> unknown;
  for (const auto& [key, entry] : entries_) {
    if (std::find(known.begin(), known.end(), key) == known.end()) unknown.push_back(key);
  }
  return unknown;
}

}  // namespace lifeline
