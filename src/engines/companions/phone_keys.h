#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/crypto.h"
#include "engines/companions/digits.h"

namespace lifeline::companions {

// Phone numbers become 64-bit keys at ingest, so records are fixed-size and compare as integers.
//
// Plain keys map back without a dictionary when they can: a number of 1 to 17 digits, with an
// optional leading '+', is packed into the key itself (top bit 0; its length, the '+' and the
// digits' value), so "0123" and "123" stay apart. Any other text gets the top bit set and a
// 63-bit hash, and its text is kept beside the records (PhoneNames) to map back.
//
// Pseudonymised keys (--pseudonymise) are the deployment key's keyed SipHash of the text with the
// top bit set; nothing maps them back, so output shows them as "~" and 16 hex digits, except the
// numbers the caller already knows (the cases).
constexpr std::uint64_t kHashedKeyBit = std::uint64_t{1} << 63;
constexpr std::size_t kMaxPackedDigits = 17;

class PhoneKeyer {
 public:
  // Plain keys.
  PhoneKeyer() = default;
  // Pseudonymised keys under `key`.
  explicit PhoneKeyer(const ShortHashKey& key) : pseudonym_key_(key) {}

  bool pseudonymised() const { return pseudonym_key_.has_value(); }

  // The key of a phone number's text (already trimmed; not empty).
  std::uint64_t Key(std::string_view phone) const {
    if (pseudonym_key_) return kHashedKeyBit | pseudonym_key_->Hash(phone);
    if (const std::optional<std::uint64_t> packed = PackedKey(phone)) return *packed;
    return kHashedKeyBit | PlainHash(phone);
  }

  // True when Key(phone) maps back without help (plain and packed).
  static bool IsPacked(std::uint64_t key) { return (key & kHashedKeyBit) == 0; }

  // The digits packed into `phone`'s key, if it is 1 to 17 digits with an optional '+'. Inline:
  // ingest asks it of every record.
  static std::optional<std::uint64_t> PackedKey(std::string_view phone) {
    const bool plus = !phone.empty() && phone.front() == '+';
    if (plus) phone.remove_prefix(1);
    std::uint64_t value = 0;
    if (phone.empty() || phone.size() > kMaxPackedDigits ||
        !ParseDigits(phone.data(), phone.size(), value)) {
      return std::nullopt;
    }
    return (static_cast<std::uint64_t>(phone.size()) << kLengthShift) | (plus ? kPlusBit : 0) |
           value;
  }
  // The text of a packed key.
  static std::string UnpackKey(std::uint64_t key);
  // The same written to `out` (room for 18 characters); returns its length.
  static std::size_t UnpackKey(std::uint64_t key, char* out);
  // For packed keys: an integer that orders like their texts do (byte order), so that output can
  // be sorted by number text without making the texts.
  static std::uint64_t TextOrder(std::uint64_t packed_key);
  // "~" and the key in 16 hex digits: how a key shows when its text is unknown.
  static std::string PseudonymText(std::uint64_t key);

 private:
  // Packed key layout: bit 63 clear, bits 58..62 the digit count, bit 57 the '+', bits 0..56
  // the digits' value (10^17 < 2^57).
  static constexpr int kLengthShift = 58;
  static constexpr std::uint64_t kPlusBit = std::uint64_t{1} << 57;
  static constexpr std::uint64_t kValueMask = kPlusBit - 1;

  static std::uint64_t PlainHash(std::string_view phone);

  std::optional<ShortHashKey> pseudonym_key_;
};

// The texts of the hashed plain keys met at ingest (numbers that are not plain digits).
using PhoneNames = std::unordered_map<std::uint64_t, std::string>;

// The text to print for a key: unpacked, named, or its pseudonym.
std::string PhoneText(std::uint64_t key, const PhoneNames& names);

}  // namespace lifeline::companions
