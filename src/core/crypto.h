#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lifeline {

// Initialises libsodium once; every function below calls it, so callers need not.
Status InitCrypto();

// `bytes` bytes from the OS CSPRNG, hex-encoded (2·bytes characters).
std::string RandomHex(std::size_t bytes);

// Keyed BLAKE2b-256 of `data`, hex-encoded. Used to store session tokens and to pseudonymise
// phone numbers: the key lives with the deployment, so the database alone cannot reverse it.
std::string KeyedHashHex(std::string_view key, std::string_view data);

// The same hash truncated to 64 bits, for compact keys in engines.
std::uint64_t KeyedHash64(std::string_view key, std::string_view data);

// A SipHash-2-4 key (libsodium crypto_shorthash) derived from the deployment key for one
// purpose: a fast keyed 64-bit hash of short texts, for pseudonymising phone numbers in bulk
// (hundreds of millions of cell-tower records), where KeyedHash64 would cost a microsecond each.
// Different purposes give unrelated keys; the deployment key cannot be recovered from it.
class ShortHashKey {
 public:
  ShortHashKey(std::string_view deployment_key, std::string_view purpose);
  std::uint64_t Hash(std::string_view data) const;
  // A short public fingerprint of the derived key (hex), to check two runs used the same key.
  std::string Fingerprint() const;

 private:
  unsigned char key_[16];
};

// Authenticated encryption (XSalsa20-Poly1305, libsodium secretbox) of a short text under a key
// derived from the deployment key: for data that must be read back by the people entitled to it
// (a family's phone number, for the volunteer who calls them back) but must not be readable from
// a copy of the database. The result is hex: a random nonce, then the ciphertext.
std::string SealText(std::string_view key, std::string_view plaintext);
// The text sealed by SealText; an internal error if the key is wrong or the text was altered.
Result<std::string> OpenSealedText(std::string_view key, std::string_view sealed_hex);

// Reads the deployment's secret key from `path`, creating it (32 random bytes, hex, mode 0600)
// if absent. The key must never be stored in the database.
Result<std::string> LoadOrCreateKeyFile(const std::string& path);

}  // namespace lifeline
