#include "core/log.h"

#include <cstdio>
#include <mutex>
#include <string>

#include "core/time.h"

namespace lifeline {

void LogLine(std::string_view line) {
  static std::mutex mutex;
  const std::string text = FormatIso8601(NowMillis()) + " " + std::string(line) + "\n";
  std::lock_guard lock(mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace lifeline
