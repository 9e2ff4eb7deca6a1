#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lifeline {

// What the file-processing commands (match, companions, gen-mobility) print on the console:
// catalogue lines, figures and elapsed time, the same way in each.

// Prints one catalogue message as a line on `out` and flushes it (progress must show as it
// happens); nothing when `out` is null (an MPI rank other than 0 keeps quiet).
void Say(std::FILE* out, const std::string& locale, std::string_view id,
         const MessageArgs& args = {});

// `value` with `decimals` digits after the point.
std::string Fixed(double value, int decimals);

using SteadyClock = std::chrono::steady_clock;

// Seconds from `start` to now.
double SecondsSince(SteadyClock::time_point start);

}  // namespace lifeline
