#include "engines/companions/phone_keys.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "engines/companions/digits.h"

namespace lifeline::companions {
namespace {

// Packed key layout: bit 63 clear, bits 58..62 the digit count, bit 57 the '+', bits 0..56 the
// digits' value (10^17 < 2^57).
constexpr int kLengthShift = 58;
constexpr std::uint64_t kPlusBit = std::uint64_t{1} << 57;
constexpr std::uint64_t kValueMask = kPlusBit - 1;

}  // namespace

std::optional<std::uint64_t> PhoneKeyer::PackedKey(std::string_view phone) {
  const bool plus = !phone.empty() && phone.front() == '+';
  if (plus) phone.remove_prefix(1);
  if (phone.empty() || phone.size() > kMaxPackedDigits) return std::nullopt;
  std::uint64_t value = 0;
  if (!ParseDigits(phone.data(), phone.size(), value)) return std::nullopt;
  return (static_cast<std::uint64_t>(phone.size()) << kLengthShift) | (plus ? kPlusBit : 0) | value;
}

std::size_t PhoneKeyer::UnpackKey(std::uint64_t key, char* out) {
  const auto length = static_cast<std::size_t>((key >> kLengthShift) & 31);
  const std::size_t sign = (key & kPlusBit) != 0 ? 1 : 0;
  if (sign != 0) out[0] = '+';
  // The value's digits, then as many leading zeros as it lost (a key of a damaged store may
  // claim fewer digits than its value has: then its last ones).
  char digits[24];
  const std::size_t count = static_cast<std::size_t>(
      std::to_chars(digits, digits + sizeof digits, key & kValueMask).ptr - digits);
  const std::size_t shown = std::min(count, length);
  std::memset(out + sign, '0', length - shown);
  std::memcpy(out + sign + length - shown, digits + count - shown, shown);
  return sign + length;
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
