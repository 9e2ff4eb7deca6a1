#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"

namespace lifeline {

// Typed reads of request-body fields. Each failure names the field and what was expected, so a
// client knows what to fix ("error.field_required", "error.field_type", "error.field_too_long").

constexpr std::size_t kDefaultMaxStringBytes = 1000;

// Parses a request body that must be a JSON object; a syntax error reports the byte offset.
Result<nlohmann::json> ParseJsonObject(std::string_view body);

Result<std::string> RequiredString(const nlohmann::json& object, std::string_view field,
                                   std::size_t max_bytes = kDefaultMaxStringBytes);
Result<std::optional<std::string>> OptionalString(const nlohmann::json& object,
                                                  std::string_view field,
                                                  std::size_t max_bytes = kDefaultMaxStringBytes);
Result<std::int64_t> RequiredInt(const nlohmann::json& object, std::string_view field);
Result<std::optional<std::int64_t>> OptionalInt(const nlohmann::json& object,
                                                std::string_view field);
Result<double> RequiredNumber(const nlohmann::json& object, std::string_view field);
Result<std::optional<bool>> OptionalBool(const nlohmann::json& object, std::string_view field);

}  // namespace lifeline
