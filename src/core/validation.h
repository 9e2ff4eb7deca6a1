#pragma once

// Checks of request fields shared by the services, and the errors they report.
//
// Contract: every failure is InvalidArgument (NotFound for RecordNotFound) with a catalogue
// message id from i18n/server.json and `field` set to the field's name, so a face can point at
// the input to fix. Texts are measured in bytes (a Chinese character takes three); "blank" means
// empty after Trimmed. Nothing here touches the store or keeps state.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lifeline {

// `text` without leading and trailing spaces, tabs and line breaks.
std::string Trimmed(std::string_view text);

// "error.field_required" {field}.
Status FieldRequired(std::string_view field);
// "error.field_invalid" {field, reason}: `reason` says what is allowed, e.g. "0..100".
Status FieldInvalid(std::string_view field, std::string reason);
// "error.field_too_long" {field, max}.
Status FieldTooLong(std::string_view field, std::size_t max_bytes);
// FieldRequired when `required` and `value` is blank, FieldTooLong above `max_bytes`.
Status CheckText(std::string_view value, std::string_view field, std::size_t max_bytes,
                 bool required);

// The choices as shown in messages: "a, b, c".
std::string JoinChoices(std::span<const std::string_view> choices);
std::string JoinChoices(const std::vector<std::string>& choices);
bool IsOneOf(std::string_view value, std::span<const std::string_view> choices);
bool IsOneOf(std::string_view value, const std::vector<std::string>& choices);
// "error.unknown_choice" {field, value, choices}.
Status UnknownChoice(std::string_view field, std::string_view value,
                     std::span<const std::string_view> choices);
Status UnknownChoice(std::string_view field, std::string_view value,
                     const std::vector<std::string>& choices);
// FieldRequired when `value` is empty, UnknownChoice when it is not one of `choices`.
Status CheckChoice(std::string_view field, std::string_view value,
                   std::span<const std::string_view> choices);
Status CheckChoice(std::string_view field, std::string_view value,
                   const std::vector<std::string>& choices);

// The digits of a phone number as typed — digits with spaces, dashes, dots, brackets or a '+'
// — if it has 7 to 15 of them (ITU-T E.164); nullopt otherwise (blank included). Services say
// in their own words what is wrong.
std::optional<std::string> PhoneDigits(std::string_view phone);

// NotFound "error.record_not_found" {entity, id}.
Status RecordNotFound(std::string_view entity, std::int64_t id);

}  // namespace lifeline
