#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lifeline::companions {

// The value of `count` ASCII digits at `text` (count <= 19), or false if any is not a digit.
// Eight digits at a time where there are eight: phone numbers and Unix seconds are ten or more
// digits, and ingest reads hundreds of millions of each.
inline bool ParseDigits(const char* text, std::size_t count, std::uint64_t& value) {
  value = 0;
  if constexpr (std::endian::native == std::endian::little) {
    while (count >= 8) {
      std::uint64_t word;
      std::memcpy(&word, text, sizeof word);
      // Every byte 0x30..0x39: its high nibble is 3, and adding 6 keeps it 3.
      if ((((word & 0xf0f0f0f0f0f0f0f0ULL) |
            (((word + 0x0606060606060606ULL) & 0xf0f0f0f0f0f0f0f0ULL) >> 4))) !=
          0x3333333333333333ULL) {
        return false;
      }
      word -= 0x3030303030303030ULL;
      // Pairs, then fours, then all eight (the first byte is the most significant digit).
      word = word * 10 + (word >> 8);
      word = (((word & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32))) +
              (((word >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32)))) >>
             32;
      value = value * 100000000ULL + word;
      text += 8;
      count -= 8;
    }
  }
  for (; count > 0; --count, ++text) {
    if (*text < '0' || *text > '9') return false;
    value = value * 10 + static_cast<std::uint64_t>(*text - '0');
  }
  return true;
}

// Writes the last `count` decimal digits of `value` ending just before `end`, leading zeros
// included, two at a time; returns where they begin.
inline char* WriteLastDigits(char* end, std::uint64_t value, std::size_t count) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  for (; count >= 2; count -= 2) {
    end -= 2;
    std::memcpy(end, kPairs + 2 * (value % 100), 2);
    value /= 100;
  }
  if (count == 1) *--end = static_cast<char>('0' + value % 10);
  return end;
}

// Writes `value` in decimal at `out` (room for 20 characters); returns the end. Output writes
// millions of these.
inline char* WriteDecimal(char* out, std::int64_t value) {
  std::uint64_t magnitude = static_cast<std::uint64_t>(value);
  if (value < 0) {
    *out++ = '-';
    magnitude = 0 - magnitude;
  }
  std::size_t count = 1;
  for (std::uint64_t rest = magnitude; rest >= 10; rest /= 10) ++count;
  WriteLastDigits(out + count, magnitude, count);
  return out + count;
}

}  // namespace lifeline::companions
