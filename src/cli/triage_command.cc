#include "cli/triage_command.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "core/i18n.h"
#include "engines/triage/triage.h"
#include "engines/triage/triage_json.h"

namespace lifeline {
namespace {

// Big enough that a read or write call costs nothing next to the lines it carries.
constexpr std::size_t kReadChunkBytes = std::size_t{1} << 20;
constexpr std::size_t kWriteFlushBytes = std::size_t{1} << 16;

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// The per-line work, kept apart from the reading: parse, triage, render into one output buffer.
class LineTriager {
 public:
  LineTriager(const TriageCommandOptions& options, std::string locale)
      : config_{.route_by_who = options.route_by_who},
        output_options_{.with_actions = options.with_actions},
        locale_(std::move(locale)) {
    buffer_.reserve(kWriteFlushBytes * 2);
  }

  void Line(std::string_view line) {
    ++line_number_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsBlank(line)) return;
    const Result<triage::Observation> observation = triage::ParseObservationJson(line);
    if (observation.ok()) {
      triage::AppendResultJson(triage::Triage(*observation, config_), output_options_, buffer_);
    } else {
      const Status& status = observation.status();
      triage::AppendErrorJson(
          line_number_, Catalogue::Builtin().Render(locale_, status.message_id(), status.args()),
          buffer_);
    }
    buffer_ += '\n';
  }

  // Writes the buffer out once it is big enough (or always, at the end); false on failure.
  bool Flush(std::FILE* output, bool force) {
    if (buffer_.empty() || (!force && buffer_.size() < kWriteFlushBytes)) return true;
    const bool written = std::fwrite(buffer_.data(), 1, buffer_.size(), output) == buffer_.size();
    buffer_.clear();
    return written && (!force || std::fflush(output) == 0);
  }

 private:
  const triage::TriageConfig config_;
  const triage::OutputOptions output_options_;
  const std::string locale_;
  std::int64_t line_number_ = 0;
  std::string buffer_;
};

int Fail(std::FILE* errors, const std::string& locale, std::string_view message_id) {
  const std::string detail = std::strerror(errno);
  std::fprintf(errors, "%s\n",
               Catalogue::Builtin().Render(locale, message_id, {{"detail", detail}}).c_str());
  return 1;
}

}  // namespace

int RunTriage(const TriageCommandOptions& options, std::FILE* input, std::FILE* output,
              std::FILE* errors) {
  const std::string locale = CommandLineLocale();
  LineTriager triager(options, locale);
  std::vector<char> chunk(kReadChunkBytes);
  std::string partial_line;  // a line cut by the end of a chunk
  while (true) {
    const std::size_t size = std::fread(chunk.data(), 1, chunk.size(), input);
    if (size == 0) break;
    const std::string_view data(chunk.data(), size);
    std::size_t line_start = 0;
    for (std::size_t newline = data.find('\n'); newline != std::string_view::npos;
         newline = data.find('\n', line_start)) {
      const std::string_view piece = data.substr(line_start, newline - line_start);
      if (partial_line.empty()) {
        triager.Line(piece);
      } else {
        partial_line.append(piece);
        triager.Line(partial_line);
        partial_line.clear();
      }
      line_start = newline + 1;
    }
    partial_line.append(data.substr(line_start));
    if (!triager.Flush(output, /*force=*/false))
      return Fail(errors, locale, "triage.error.write_stdout");
  }
  if (std::ferror(input)) return Fail(errors, locale, "triage.error.read_stdin");
  if (!partial_line.empty()) triager.Line(partial_line);
  if (!triager.Flush(output, /*force=*/true))
    return Fail(errors, locale, "triage.error.write_stdout");
  return 0;
}

}  // namespace lifeline
