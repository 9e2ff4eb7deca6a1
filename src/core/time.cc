#include "core/time.h"

#include <chrono>
#include <cstdio>

namespace lifeline {
namespace {

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

CivilDate CivilFromDays(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const unsigned month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2), month, day};
}

bool IsLeapYear(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned DaysInMonth(std::int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Reads exactly `width` digits at `pos`; false if any is not a digit.
bool ReadDigits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

Status BadTime(std::string_view text) {
  return Status::InvalidArgument("error.bad_time", {{"value", std::string(text)}});
}

}  // namespace

UnixMillis NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t DaysFromCivil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

std::string FormatIso8601(UnixMillis instant) {
  std::int64_t days = instant / kMillisPerDay;
  std::int64_t millis_of_day = instant % kMillisPerDay;
  if (millis_of_day < 0) {
    millis_of_day += kMillisPerDay;
    --days;
  }
  const CivilDate date = CivilFromDays(days);
  const int hour = static_cast<int>(millis_of_day / kMillisPerHour);
  const int minute = static_cast<int>(millis_of_day / kMillisPerMinute % 60);
  const int second = static_cast<int>(millis_of_day / kMillisPerSecond % 60);
  const int millis = static_cast<int>(millis_of_day % kMillisPerSecond);
  char buffer[40];
  if (millis == 0) {
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<long long>(date.year), date.month, date.day, hour, minute, second);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(date.year), date.month, date.day, hour, minute, second,
                  millis);
  }
  return buffer;
}

Result<UnixMillis> ParseIso8601(std::string_view text) {
  int year = 0, month = 0, day = 0;
  if (!ReadDigits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' ||
      !ReadDigits(text, 5, 2, month) || text[7] != '-' || !ReadDigits(text, 8, 2, day)) {
    return BadTime(text);
  }
  if (month < 1 || month > 12 || day < 1 || day > static_cast<int>(DaysInMonth(year, month))) {
    return BadTime(text);
  }
  const std::int64_t days = DaysFromCivil(year, month, day);
  if (text.size() == 10) return days * kMillisPerDay;

  int hour = 0, minute = 0, second = 0;
  if ((text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !ReadDigits(text, 11, 2, hour) ||
      text.size() < 19 || text[13] != ':' || !ReadDigits(text, 14, 2, minute) || text[16] != ':' ||
      !ReadDigits(text, 17, 2, second) || hour > 23 || minute > 59 || second > 60) {
    return BadTime(text);
  }
  std::size_t pos = 19;
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int scale = 100;
    const std::size_t fraction_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == fraction_start) return BadTime(text);
  }
  if (pos >= text.size()) return BadTime(text);  // a time without a zone is ambiguous
  std::int64_t offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const int sign = text[pos] == '-' ? -1 : 1;
    int offset_hours = 0, offset_mins = 0;
    if (!ReadDigits(text, pos + 1, 2, offset_hours)) return BadTime(text);
    pos += 3;
    if (pos < text.size() && text[pos] == ':') ++pos;
    if (!ReadDigits(text, pos, 2, offset_mins) || offset_hours > 23 || offset_mins > 59) {
      return BadTime(text);
    }
    pos += 2;
    offset_minutes = sign * (offset_hours * 60 + offset_mins);
  } else {
    return BadTime(text);
  }
  if (pos != text.size()) return BadTime(text);
  if (second == 60) second = 59;  // a leap second is held at :59, as POSIX time does
  return days * kMillisPerDay + hour * kMillisPerHour + minute * kMillisPerMinute +
         second * kMillisPerSecond + millis - offset_minutes * kMillisPerMinute;
}

std::string LocalDate(UnixMillis instant, int utc_offset_minutes) {
  constexpr std::size_t kDateLength = 10;  // "YYYY-MM-DD"
  return FormatIso8601(instant + utc_offset_minutes * kMillisPerMinute).substr(0, kDateLength);
}

std::optional<UnixMillis> ParseIsoDate(std::string_view text) {
  constexpr std::string_view kForm = "YYYY-MM-DD";
  if (text.size() != kForm.size()) return std::nullopt;
  for (std::size_t index = 0; index < text.size(); ++index) {
    const bool dash_expected = kForm[index] == '-';
    const bool is_digit = text[index] >= '0' && text[index] <= '9';
    if (dash_expected ? text[index] != '-' : !is_digit) return std::nullopt;
  }
  const Result<UnixMillis> parsed = ParseIso8601(text);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

}  // namespace lifeline
