#include "engines/companions/phone_keys.h"

#include <cstring>

namespace lifeline::companions {

std::size_t PhoneKeyer::UnpackKey(std::uint64_t key, char* out) {
  const auto length = static_cast<std::size_t>((key >> kLengthShift) & 31);
  const std::size_t size = length + ((key & kPlusBit) != 0 ? 1 : 0);
  if ((key & kPlusBit) != 0) out[0] = '+';
  // The value's last `length` digits: leading zeros come out as such.
  WriteLastDigits(out + size, key & kValueMask, length);
  return size;
}

std::string PhoneKeyer::UnpackKey(std::uint64_t key) {
  char text[kMaxPackedDigits + 1];
  return std::string(text, UnpackKey(key, text));
}

std::uint64_t PhoneKeyer::TextOrder(std::uint64_t packed_key) {
  // '+' sorts before every digit, so numbers with it come first (top bit clear). Then the digits
  // left-aligned in base 11 (0 = past the end, which sorts first; digit d = d + 1): 11^17 < 2^63.
  const auto length = static_cast<int>((packed_key >> kLengthShift) & 31);
  std::uint64_t value = packed_key & kValueMask;
  int digits[kMaxPackedDigits] = {};
  for (int at = length - 1; at >= 0; --at) {
    digits[at] = static_cast<int>(value % 10) + 1;
    value /= 10;
  }
  std::uint64_t order = 0;
  for (const int digit : digits) order = order * 11 + static_cast<std::uint64_t>(digit);
  return ((packed_key & kPlusBit) != 0 ? 0 : std::uint64_t{1} << 63) | order;
}

std::string PhoneKeyer::PseudonymText(std::uint64_t key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "~";
  for (int shift = 60; shift >= 0; shift -= 4) text += kHex[(key >> shift) & 15];
  return text;
}

std::uint64_t PhoneKeyer::PlainHash(std::string_view phone) {
  // FNV-1a, then a finaliser (splitmix64) to spread it: a fixed, public hash; the text is kept.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : phone) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  return hash;
}

std::string PhoneText(std::uint64_t key, const PhoneNames& names) {
  if (PhoneKeyer::IsPacked(key)) return PhoneKeyer::UnpackKey(key);
  const auto found = names.find(key);
  return found != names.end() ? found->second : PhoneKeyer::PseudonymText(key);
}

}  // namespace lifeline::companions
