#pragma once

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
