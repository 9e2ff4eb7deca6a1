#include "core/validation.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace lifeline {
namespace {

std::string Arg(const Status& status, std::string_view name) {
  for (const auto& [key, value] : status.args()) {
    if (key == name) return value;
  }
  return "<missing>";
}

constexpr std::array<std::string_view, 3> kColours = {"red", "green", "blue"};

TEST(TrimmedTest, DropsSpacesTabsAndLineBreaksAtBothEnds) {
  EXPECT_EQ(Trimmed("  武汉 加油\t\r\n"), "武汉 加油");
  EXPECT_EQ(Trimmed(" \t\n"), "");
  EXPECT_EQ(Trimmed(""), "");
  EXPECT_EQ(Trimmed("a"), "a");
}

TEST(CheckTextTest, RequiredBlankAndTooLongNameTheField) {
  EXPECT_TRUE(CheckText("note", "note", 4, /*required=*/true).ok());
  EXPECT_TRUE(CheckText("", "note", 4, /*required=*/false).ok());
  const Status blank = CheckText("  ", "note", 4, /*required=*/true);
  EXPECT_EQ(blank.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(blank.message_id(), "error.field_required");
  EXPECT_EQ(blank.field(), "note");
  const Status too_long = CheckText("武汉", "note", 5, /*required=*/false);  // 6 bytes
  EXPECT_EQ(too_long.message_id(), "error.field_too_long");
  EXPECT_EQ(too_long.field(), "note");
  EXPECT_EQ(Arg(too_long, "max"), "5");
}

TEST(FieldInvalidTest, CarriesTheReason) {
  const Status invalid = FieldInvalid("spo2", "0..100");
  EXPECT_EQ(invalid.message_id(), "error.field_invalid");
  EXPECT_EQ(invalid.field(), "spo2");
  EXPECT_EQ(Arg(invalid, "reason"), "0..100");
}

TEST(CheckChoiceTest, EmptyIsRequiredAndAStrangerListsTheChoices) {
  EXPECT_TRUE(CheckChoice("colour", "green", kColours).ok());
  EXPECT_EQ(CheckChoice("colour", "", kColours).message_id(), "error.field_required");
  const Status unknown = CheckChoice("colour", "mauve", kColours);
  EXPECT_EQ(unknown.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(unknown.message_id(), "error.unknown_choice");
  EXPECT_EQ(unknown.field(), "colour");
  EXPECT_EQ(Arg(unknown, "field"), "colour");
  EXPECT_EQ(Arg(unknown, "value"), "mauve");
  EXPECT_EQ(Arg(unknown, "choices"), "red, green, blue");
}

TEST(CheckChoiceTest, StringVectorsBehaveLikeViewSpans) {
  const std::vector<std::string> colours(kColours.begin(), kColours.end());
  EXPECT_TRUE(CheckChoice("colour", "blue", colours).ok());
  EXPECT_TRUE(IsOneOf("red", colours));
  EXPECT_FALSE(IsOneOf("Red", colours));
  EXPECT_EQ(Arg(UnknownChoice("colour", "x", colours), "choices"),
            Arg(UnknownChoice("colour", "x", kColours), "choices"));
  EXPECT_EQ(Arg(UnknownChoice("kind", "once", {"weekly"}), "choices"), "weekly");
}

TEST(PhoneDigitsTest, TypedNumbersGiveTheirSevenToFifteenDigits) {
  EXPECT_EQ(PhoneDigits(" +86 (138) 0013-8000 "), "8613800138000");
  EXPECT_EQ(PhoneDigits("027.8888.888"), "0278888888");
  EXPECT_EQ(PhoneDigits("1234567"), "1234567");
  EXPECT_EQ(PhoneDigits("123456789012345"), "123456789012345");
  EXPECT_FALSE(PhoneDigits("123456").has_value());
  EXPECT_FALSE(PhoneDigits("1234567890123456").has_value());
  EXPECT_FALSE(PhoneDigits("138 0013 800x").has_value());
  EXPECT_FALSE(PhoneDigits("   ").has_value());
}

TEST(RecordNotFoundTest, NamesEntityAndId) {
  const Status missing = RecordNotFound("device", 42);
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.message_id(), "error.record_not_found");
  EXPECT_EQ(Arg(missing, "entity"), "device");
  EXPECT_EQ(Arg(missing, "id"), "42");
}

}  // namespace
}  // namespace lifeline
