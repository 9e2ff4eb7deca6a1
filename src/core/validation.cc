#include "core/validation.h"

#include <algorithm>
#include <utility>

namespace lifeline {
namespace {

template <typename Choices>
std::string Join(const Choices& choices) {
  std::string joined;
  for (const auto& choice : choices) {
    if (!joined.empty()) joined += ", ";
    joined += choice;
  }
  return joined;
}

Status UnknownChoiceJoined(std::string_view field, std::string_view value, std::string joined) {
  return Status::InvalidArgument("error.unknown_choice",
                                 {{"field", std::string(field)},
                                  {"value", std::string(value)},
                                  {"choices", std::move(joined)}},
                                 std::string(field));
}

}  // namespace

std::string Trimmed(std::string_view text) {
  constexpr std::string_view kSpaces = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kSpaces);
  if (first == std::string_view::npos) return "";
  const std::size_t last = text.find_last_not_of(kSpaces);
  return std::string(text.substr(first, last - first + 1));
}

Status FieldRequired(std::string_view field) {
  return Status::InvalidArgument("error.field_required", {{"field", std::string(field)}},
                                 std::string(field));
}

Status FieldInvalid(std::string_view field, std::string reason) {
  return Status::InvalidArgument("error.field_invalid",
                                 {{"field", std::string(field)}, {"reason", std::move(reason)}},
                                 std::string(field));
}

Status FieldTooLong(std::string_view field, std::size_t max_bytes) {
  return Status::InvalidArgument(
      "error.field_too_long", {{"field", std::string(field)}, {"max", std::to_string(max_bytes)}},
      std::string(field));
}

Status CheckText(std::string_view value, std::string_view field, std::size_t max_bytes,
                 bool required) {
  if (required && Trimmed(value).empty()) return FieldRequired(field);
  if (value.size() > max_bytes) return FieldTooLong(field, max_bytes);
  return Status::Ok();
}

std::string JoinChoices(std::span<const std::string_view> choices) { return Join(choices); }

std::string JoinChoices(const std::vector<std::string>& choices) { return Join(choices); }

bool IsOneOf(std::string_view value, std::span<const std::string_view> choices) {
  return std::find(choices.begin(), choices.end(), value) != choices.end();
}

bool IsOneOf(std::string_view value, const std::vector<std::string>& choices) {
  return std::find(choices.begin(), choices.end(), value) != choices.end();
}

Status UnknownChoice(std::string_view field, std::string_view value,
                     std::span<const std::string_view> choices) {
  return UnknownChoiceJoined(field, value, JoinChoices(choices));
}

Status UnknownChoice(std::string_view field, std::string_view value,
                     const std::vector<std::string>& choices) {
  return UnknownChoiceJoined(field, value, JoinChoices(choices));
}

Status CheckChoice(std::string_view field, std::string_view value,
                   std::span<const std::string_view> choices) {
  if (value.empty()) return FieldRequired(field);
  if (IsOneOf(value, choices)) return Status::Ok();
  return UnknownChoice(field, value, choices);
}

Status CheckChoice(std::string_view field, std::string_view value,
                   const std::vector<std::string>& choices) {
  if (value.empty()) return FieldRequired(field);
  if (IsOneOf(value, choices)) return Status::Ok();
  return UnknownChoice(field, value, choices);
}

std::optional<std::string> PhoneDigits(std::string_view phone) {
  constexpr std::size_t kMinDigits = 7;
  constexpr std::size_t kMaxDigits = 15;
  std::string digits;
  for (const char c : Trimmed(phone)) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '+' && c != '.') {
      return std::nullopt;
    }
  }
  if (digits.size() < kMinDigits || digits.size() > kMaxDigits) return std::nullopt;
  return digits;
}

Status RecordNotFound(std::string_view entity, std::int64_t id) {
  return Status::NotFound("error.record_not_found",
                          {{"entity", std::string(entity)}, {"id", std::to_string(id)}});
}

}  // namespace lifeline
