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

// Reads the deployment's secret key from `path`, creating it (32 random bytes, hex, mode 0600)
// if absent. The key must never be stored in the database.
Result<std::string> LoadOrCreateKeyFile(const std::string& path);

}  // namespace lifeline
