#include "core/time.h"

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

namespace lifeline {
namespace {

// 2020-02-03T08:15:00Z, computed independently (Python calendar.timegm).
constexpr UnixMillis kFeb3Morning = 1580717700000;

UnixMillis ParseOrDie(std::string_view text) {
  Result<UnixMillis> parsed = ParseIso8601(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
  return parsed.ok() ? *parsed : 0;
}

void ExpectRejected(std::string_view text) {
  Result<UnixMillis> parsed = ParseIso8601(text);
  ASSERT_FALSE(parsed.ok()) << text << " parsed as " << *parsed;
  EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message_id(), "error.bad_time");
  ASSERT_EQ(parsed.status().args().size(), 1u);
  EXPECT_EQ(parsed.status().args()[0].first, "value");
  EXPECT_EQ(parsed.status().args()[0].second, std::string(text));
}

TEST(LocalDateTest, TheDateWhereTheReaderIs) {
  const UnixMillis late_evening_utc =
      DaysFromCivil(2020, 1, 4) * kMillisPerDay + 20 * kMillisPerHour;
  EXPECT_EQ(LocalDate(late_evening_utc, 0), "2020-01-04");
  EXPECT_EQ(LocalDate(late_evening_utc, 8 * 60), "2020-01-05");  // Wuhan, 04:00 next morning
  EXPECT_EQ(LocalDate(DaysFromCivil(2020, 1, 5) * kMillisPerDay + kMillisPerHour, -5 * 60),
            "2020-01-04");
}

TEST(ParseIsoDateTest, OnlyABareRealDate) {
  EXPECT_EQ(ParseIsoDate("2020-02-04"), DaysFromCivil(2020, 2, 4) * kMillisPerDay);
  EXPECT_EQ(ParseIsoDate("2020-02-30"), std::nullopt);
  EXPECT_EQ(ParseIsoDate("2020-2-4"), std::nullopt);
  EXPECT_EQ(ParseIsoDate("2020-02-04T00:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseIsoDate("04/02/2020"), std::nullopt);
  EXPECT_EQ(ParseIsoDate(""), std::nullopt);
}

TEST(DaysFromCivilTest, KnownValues) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1970, 1, 2), 1);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 1, 1), 10957);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);  // 2000 is a leap year (divisible by 400)
  EXPECT_EQ(DaysFromCivil(2020, 2, 29), 18321);
  EXPECT_EQ(DaysFromCivil(1900, 1, 1), -25567);
  EXPECT_EQ(DaysFromCivil(1600, 2, 29), -135081);
  EXPECT_EQ(DaysFromCivil(2400, 12, 31), 157419);
  EXPECT_EQ(DaysFromCivil(1, 1, 1), -719162);
}

TEST(DaysFromCivilTest, CenturyYearsAreNotLeapUnlessDivisibleBy400) {
  EXPECT_EQ(DaysFromCivil(1900, 3, 1) - DaysFromCivil(1900, 2, 28), 1);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1) - DaysFromCivil(2000, 2, 28), 2);
  EXPECT_EQ(DaysFromCivil(2021, 1, 1) - DaysFromCivil(2020, 1, 1), 366);
  EXPECT_EQ(DaysFromCivil(2022, 1, 1) - DaysFromCivil(2021, 1, 1), 365);
}

TEST(FormatIso8601Test, WholeSecondsHaveNoFraction) {
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601(kFeb3Morning), "2020-02-03T08:15:00Z");
}

TEST(FormatIso8601Test, MillisecondsArePaddedToThreeDigits) {
  EXPECT_EQ(FormatIso8601(kFeb3Morning + 7), "2020-02-03T08:15:00.007Z");
  EXPECT_EQ(FormatIso8601(kFeb3Morning + 120), "2020-02-03T08:15:00.120Z");
  EXPECT_EQ(FormatIso8601(kFeb3Morning + 999), "2020-02-03T08:15:00.999Z");
}

TEST(FormatIso8601Test, NegativeInstantsFloorToThePreviousDay) {
  EXPECT_EQ(FormatIso8601(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIso8601(-kMillisPerDay), "1969-12-31T00:00:00Z");
  EXPECT_EQ(FormatIso8601(-kMillisPerDay - 1), "1969-12-30T23:59:59.999Z");
}

TEST(FormatIso8601Test, LeapDay) {
  EXPECT_EQ(FormatIso8601(DaysFromCivil(2020, 2, 29) * kMillisPerDay + 12 * kMillisPerHour),
            "2020-02-29T12:00:00Z");
}

TEST(Iso8601RoundTripTest, FormatThenParseGivesTheSameInstant) {
  const UnixMillis instants[] = {
      0,
      1,
      999,
      1000,
      kFeb3Morning,
      kFeb3Morning + 123,
      -1,
      -999,
      -1000,
      -1001,
      -kMillisPerDay,
      DaysFromCivil(1900, 1, 1) * kMillisPerDay + 5,  // before the epoch, with millis
      DaysFromCivil(2020, 2, 29) * kMillisPerDay + kMillisPerDay - 1,
      DaysFromCivil(9999, 12, 31) * kMillisPerDay + kMillisPerDay - 1,
  };
  for (const UnixMillis instant : instants) {
    const std::string text = FormatIso8601(instant);
    Result<UnixMillis> parsed = ParseIso8601(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, instant) << text;
  }
}

TEST(Iso8601RoundTripTest, ParseThenFormatGivesCanonicalUtc) {
  EXPECT_EQ(FormatIso8601(ParseOrDie("2020-02-03T16:15:00+08:00")), "2020-02-03T08:15:00Z");
  EXPECT_EQ(FormatIso8601(ParseOrDie("2020-02-03T08:15:00.5Z")), "2020-02-03T08:15:00.500Z");
}

TEST(ParseIso8601Test, UtcWithAndWithoutMillis) {
  EXPECT_EQ(ParseOrDie("2020-02-03T08:15:00Z"), kFeb3Morning);
  EXPECT_EQ(ParseOrDie("2020-02-03T08:15:00z"), kFeb3Morning);
  EXPECT_EQ(ParseOrDie("2020-02-03T08:15:00.000Z"), kFeb3Morning);
  EXPECT_EQ(ParseOrDie("2020-02-03T08:15:00.123Z"), kFeb3Morning + 123);
}

TEST(ParseIso8601Test, ShortFractionsAreTenthsAndLongOnesAreTruncatedToMillis) {
  EXPECT_EQ(ParseOrDie("2020-02-03T08:15:00.5Z"), kFeb3Morning + 500);
  EXPECT_EQ(ParseOrDie("2020-02-03T08:15:00.05Z"), kFeb3Morning + 50);
  EXPECT_EQ(ParseOrDie("2020-02-03T08:15:00.123456789Z"), kFeb3Morning + 123);
}

TEST(ParseIso8601Test, OffsetsAreSubtractedToGetUtc) {
  EXPECT_EQ(ParseOrDie("2020-02-03T16:15:00+08:00"), kFeb3Morning);
  EXPECT_EQ(ParseOrDie("2020-02-03T16:15:00+0800"), kFeb3Morning);
  EXPECT_EQ(ParseOrDie("2020-02-03T02:45:00-05:30"), kFeb3Morning);
  EXPECT_EQ(ParseOrDie("2020-02-03T02:45:00-0530"), kFeb3Morning);
  EXPECT_EQ(ParseOrDie("2020-02-03T08:15:00+00:00"), kFeb3Morning);
  EXPECT_EQ(ParseOrDie("2020-02-03T08:15:00.250-00:00"), kFeb3Morning + 250);
}

TEST(ParseIso8601Test, OffsetCanCrossMidnightAndYear) {
  EXPECT_EQ(ParseOrDie("2021-01-01T07:59:59.999+08:00"), ParseOrDie("2020-12-31T23:59:59.999Z"));
  EXPECT_EQ(ParseOrDie("1969-12-31T19:00:00-05:00"), 0);
}

TEST(ParseIso8601Test, LowercaseTOrSpaceSeparatesDateAndTime) {
  EXPECT_EQ(ParseOrDie("2020-02-03t08:15:00Z"), kFeb3Morning);
  EXPECT_EQ(ParseOrDie("2020-02-03 08:15:00Z"), kFeb3Morning);
}

TEST(ParseIso8601Test, BareDateIsMidnightUtc) {
  EXPECT_EQ(ParseOrDie("1970-01-01"), 0);
  EXPECT_EQ(ParseOrDie("2020-02-29"), DaysFromCivil(2020, 2, 29) * kMillisPerDay);
  EXPECT_EQ(ParseOrDie("1969-12-31"), -kMillisPerDay);
}

TEST(ParseIso8601Test, NegativeEpochs) {
  EXPECT_EQ(ParseOrDie("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(ParseOrDie("1969-12-31T23:59:59Z"), -1000);
  EXPECT_EQ(ParseOrDie("1900-01-01T00:00:00Z"), -25567 * kMillisPerDay);
}

TEST(ParseIso8601Test, LeapDays) {
  EXPECT_EQ(ParseOrDie("2020-02-29T00:00:00Z"), DaysFromCivil(2020, 2, 29) * kMillisPerDay);
  EXPECT_EQ(ParseOrDie("2000-02-29T00:00:00Z"), DaysFromCivil(2000, 2, 29) * kMillisPerDay);
  ExpectRejected("2021-02-29T00:00:00Z");
  ExpectRejected("2021-02-29");
  ExpectRejected("1900-02-29T00:00:00Z");  // divisible by 100, not by 400
  ExpectRejected("2020-02-30T00:00:00Z");
}

TEST(ParseIso8601Test, LastDayOfEachMonth) {
  EXPECT_TRUE(ParseIso8601("2021-01-31").ok());
  EXPECT_TRUE(ParseIso8601("2021-04-30").ok());
  ExpectRejected("2021-04-31");
  EXPECT_TRUE(ParseIso8601("2021-12-31").ok());
  ExpectRejected("2021-12-32");
}

TEST(ParseIso8601Test, LeapSecondIsHeldAtFiftyNine) {
  EXPECT_EQ(ParseOrDie("2016-12-31T23:59:60Z"), ParseOrDie("2016-12-31T23:59:59Z"));
  ExpectRejected("2016-12-31T23:59:61Z");
}

TEST(ParseIso8601Test, RejectsMissingZone) {
  ExpectRejected("2020-02-03T08:15:00");
  ExpectRejected("2020-02-03T08:15:00.123");
}

TEST(ParseIso8601Test, RejectsOutOfRangeFields) {
  ExpectRejected("2020-00-03T08:15:00Z");
  ExpectRejected("2020-13-03T08:15:00Z");
  ExpectRejected("2020-02-00T08:15:00Z");
  ExpectRejected("2020-02-03T24:00:00Z");
  ExpectRejected("2020-02-03T08:60:00Z");
  ExpectRejected("2020-02-03T08:15:00+24:00");
  ExpectRejected("2020-02-03T08:15:00+08:60");
}

TEST(ParseIso8601Test, AcceptsFieldBoundaries) {
  EXPECT_TRUE(ParseIso8601("2020-12-03T23:59:59Z").ok());
  EXPECT_TRUE(ParseIso8601("2020-01-01T00:00:00Z").ok());
  EXPECT_TRUE(ParseIso8601("2020-02-03T08:15:00+23:59").ok());
}

TEST(ParseIso8601Test, RejectsTrailingJunk) {
  ExpectRejected("2020-02-03T08:15:00Zjunk");
  ExpectRejected("2020-02-03T08:15:00Z ");
  ExpectRejected("2020-02-03T08:15:00+08:00x");
  ExpectRejected("2020-02-03T08:15:00+08:000");
  ExpectRejected("2020-02-03x");
  ExpectRejected("2020-02-03T");
}

TEST(ParseIso8601Test, RejectsMalformedShapes) {
  ExpectRejected("");
  ExpectRejected("2020");
  ExpectRejected("20-02-03");
  ExpectRejected("2020/02/03");
  ExpectRejected("2020-2-3");
  ExpectRejected(" 2020-02-03");
  ExpectRejected("2020-02-03T8:15:00Z");
  ExpectRejected("2020-02-03T08:15Z");
  ExpectRejected("2020-02-03T08-15-00Z");
  ExpectRejected("2020-02-03T08:15:00.Z");  // a dot needs at least one digit
  ExpectRejected("2020-02-03T08:15:00+8:00");
  ExpectRejected("2020-02-03T08:15:00+08");
  ExpectRejected("2020-02-03T08:15:00+08:0");
  ExpectRejected("2020-02-03T08:15:00UTC");
  ExpectRejected("2020-02-03T08:15:00 Z");
  ExpectRejected("-020-02-03T08:15:00Z");
}

}  // namespace
}  // namespace lifeline
