#include "core/json_fields.h"

#include <limits>

#include <nlohmann/json.hpp>

#include "core/validation.h"

namespace lifeline {
namespace {

Status WrongType(std::string_view field, std::string_view expected) {
  return Status::InvalidArgument(
      "error.field_type", {{"field", std::string(field)}, {"expected", std::string(expected)}},
      std::string(field));
}

const nlohmann::json* Find(const nlohmann::json& object, std::string_view field) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

Result<nlohmann::json> ParseJsonObject(std::string_view body) {
  try {
    nlohmann::json parsed = nlohmann::json::parse(body);
    if (!parsed.is_object()) return Status::InvalidArgument("error.body_not_object");
    return parsed;
  } catch (const nlohmann::json::parse_error& error) {
    return Status::InvalidArgument("error.json_malformed",
                                   {{"position", std::to_string(error.byte)}});
  }
}

Result<std::string> RequiredString(const nlohmann::json& object, std::string_view field,
                                   std::size_t max_bytes) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(object, field, max_bytes));
  if (!value || value->empty()) return FieldRequired(field);
  return std::move(*value);
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& object,
                                                  std::string_view field, std::size_t max_bytes) {
  const nlohmann::json* value = Find(object, field);
  if (value == nullptr) return std::optional<std::string>();
  if (!value->is_string()) return WrongType(field, "string");
  std::string text = value->get<std::string>();
  if (text.size() > max_bytes) return FieldTooLong(field, max_bytes);
  return std::optional<std::string>(std::move(text));
}

Result<std::int64_t> RequiredInt(const nlohmann::json& object, std::string_view field) {
  ASSIGN_OR_RETURN(std::optional<std::int64_t> value, OptionalInt(object, field));
  if (!value) return FieldRequired(field);
  return *value;
}

Result<std::optional<std::int64_t>> OptionalInt(const nlohmann::json& object,
                                                std::string_view field) {
  const nlohmann::json* value = Find(object, field);
  if (value == nullptr) return std::optional<std::int64_t>();
  if (value->is_number_unsigned()) {
    // Non-negative literals are stored unsigned; above INT64_MAX they would wrap negative.
    const auto number = value->get<std::uint64_t>();
    if (number <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::optional<std::int64_t>(static_cast<std::int64_t>(number));
    }
    return WrongType(field, "integer");
  }
  if (value->is_number_integer()) return std::optional<std::int64_t>(value->get<std::int64_t>());
  if (value->is_number_float()) {
    const double number = value->get<double>();
    // Converting a double outside [-2^63, 2^63) to int64 is undefined behaviour.
    constexpr double kTwoTo63 = 9223372036854775808.0;
    if (number >= -kTwoTo63 && number < kTwoTo63 &&
        number == static_cast<double>(static_cast<std::int64_t>(number))) {
      return std::optional<std::int64_t>(static_cast<std::int64_t>(number));
    }
  }
  return WrongType(field, "integer");
}

Result<double> RequiredNumber(const nlohmann::json& object, std::string_view field) {
  const nlohmann::json* value = Find(object, field);
  if (value == nullptr) return FieldRequired(field);
  if (!value->is_number()) return WrongType(field, "number");
  return value->get<double>();
}

Result<std::optional<bool>> OptionalBool(const nlohmann::json& object, std::string_view field) {
  const nlohmann::json* value = Find(object, field);
  if (value == nullptr) return std::optional<bool>();
  if (!value->is_boolean()) return WrongType(field, "boolean");
  return std::optional<bool>(value->get<bool>());
}

}  // namespace lifeline
