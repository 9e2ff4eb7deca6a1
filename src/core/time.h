#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lifeline {

// Instants are milliseconds since the Unix epoch, UTC, everywhere in Lifeline: in memory,
// in the store and on the wire as ISO-8601. Local time exists only in the UI.
using UnixMillis = std::int64_t;

constexpr UnixMillis kMillisPerSecond = 1000;
constexpr UnixMillis kMillisPerMinute = 60 * kMillisPerSecond;
constexpr UnixMillis kMillisPerHour = 60 * kMillisPerMinute;
constexpr UnixMillis kMillisPerDay = 24 * kMillisPerHour;

UnixMillis NowMillis();

// "2020-02-03T08:15:00Z", or with ".123" when the instant has milliseconds.
std::string FormatIso8601(UnixMillis instant);

// Accepts "YYYY-MM-DDTHH:MM:SS" with optional fraction, then "Z" or "+hh:mm"/"-hh:mm"
// ("+hhmm" too); also a bare date "YYYY-MM-DD" as midnight UTC. Rejects out-of-range fields.
Result<UnixMillis> ParseIso8601(std::string_view text);

// The calendar date "YYYY-MM-DD" of `instant` where the clock is `utc_offset_minutes` ahead of
// UTC (Wuhan: 480): what a date means to the people who read it.
std::string LocalDate(UnixMillis instant, int utc_offset_minutes);

// A bare calendar date "YYYY-MM-DD" and nothing more (no time, no zone), as midnight UTC;
// nullopt for any other text or an impossible date ("2020-02-30").
std::optional<UnixMillis> ParseIsoDate(std::string_view text);

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t year, unsigned month, unsigned day);

}  // namespace lifeline
