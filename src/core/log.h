#pragma once

#include <string_view>

namespace lifeline {

// One line to stderr, prefixed with the UTC time. Lines from different threads never
// interleave. For per-request and per-batch messages, never inside inner loops.
void LogLine(std::string_view line);

}  // namespace lifeline
