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

}  // namespace lifeline::companions
