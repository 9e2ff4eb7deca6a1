#include "core/json_fields.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lifeline {
namespace {

using nlohmann::json;

// The arguments of a failed Status, looked up by name; empty if absent.
std::string Arg(const Status& status, std::string_view name) {
  for (const auto& [key, value] : status.args()) {
    if (key == name) return value;
  }
  return "";
}

void ExpectFieldError(const Status& status, std::string_view message_id, std::string_view field) {
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.message_id(), message_id) << status.ToString();
  EXPECT_EQ(status.field(), field);
  EXPECT_EQ(Arg(status, "field"), field);
}

void ExpectWrongType(const Status& status, std::string_view field, std::string_view expected) {
  ExpectFieldError(status, "error.field_type", field);
  EXPECT_EQ(Arg(status, "expected"), expected);
}

TEST(ParseJsonObjectTest, ParsesAnObject) {
  Result<json> parsed = ParseJsonObject(R"({"name": "Li", "age": 34})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)["name"], "Li");
  EXPECT_EQ((*parsed)["age"], 34);
  EXPECT_TRUE(ParseJsonObject("{}").ok());
  EXPECT_TRUE(ParseJsonObject(" \n{ }\t").ok());
}

TEST(ParseJsonObjectTest, MalformedJsonReportsThePosition) {
  Result<json> parsed = ParseJsonObject(R"({"name": })");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message_id(), "error.json_malformed");
  EXPECT_EQ(Arg(parsed.status(), "position"), "10");  // 1-based byte of the offending '}'
}

TEST(ParseJsonObjectTest, MalformedVariantsAreAllReportedNotThrown) {
  for (const std::string_view body :
       {std::string_view(""), std::string_view("{"), std::string_view(R"({"a": 1,})"),
        std::string_view(R"({"a": 1} trailing)"), std::string_view("{'a': 1}"),
        std::string_view(R"({"a": "\q"})"), std::string_view("{\"a\": \"\xff\"}"),
        std::string_view(R"({"a": 01})")}) {
    Result<json> parsed = ParseJsonObject(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().message_id(), "error.json_malformed") << body;
    EXPECT_FALSE(Arg(parsed.status(), "position").empty()) << body;
  }
}

TEST(ParseJsonObjectTest, RejectsNonObjectBodies) {
  for (const std::string_view body : {"[]", R"([{"a": 1}])", R"("text")", "42", "null", "true"}) {
    Result<json> parsed = ParseJsonObject(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message_id(), "error.body_not_object") << body;
  }
}

TEST(RequiredStringTest, ReadsTheValue) {
  const json body = {{"name", "李文亮"}};
  Result<std::string> name = RequiredString(body, "name");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, "李文亮");
}

TEST(RequiredStringTest, MissingNullAndEmptyAreRequiredErrors) {
  const json body = {{"null_field", nullptr}, {"empty", ""}};
  ExpectFieldError(RequiredString(body, "absent").status(), "error.field_required", "absent");
  ExpectFieldError(RequiredString(body, "null_field").status(), "error.field_required",
                   "null_field");
  ExpectFieldError(RequiredString(body, "empty").status(), "error.field_required", "empty");
}

TEST(RequiredStringTest, WrongTypeNamesTheField) {
  const json body = {{"number", 5}, {"list", json::array({"a"})}, {"flag", true}};
  ExpectWrongType(RequiredString(body, "number").status(), "number", "string");
  ExpectWrongType(RequiredString(body, "list").status(), "list", "string");
  ExpectWrongType(RequiredString(body, "flag").status(), "flag", "string");
}

TEST(RequiredStringTest, LengthLimitIsInclusiveAndInBytes) {
  const json body = {{"ascii", std::string(10, 'a')}, {"chinese", "武汉加油"}};  // 4 × 3 bytes
  EXPECT_TRUE(RequiredString(body, "ascii", 10).ok());
  const Status too_long = RequiredString(body, "ascii", 9).status();
  ExpectFieldError(too_long, "error.field_too_long", "ascii");
  EXPECT_EQ(Arg(too_long, "max"), "9");
  EXPECT_TRUE(RequiredString(body, "chinese", 12).ok());
  ExpectFieldError(RequiredString(body, "chinese", 11).status(), "error.field_too_long", "chinese");
}

TEST(RequiredStringTest, DefaultLimitIsAThousandBytes) {
  const json body = {{"at_limit", std::string(kDefaultMaxStringBytes, 'x')},
                     {"over", std::string(kDefaultMaxStringBytes + 1, 'x')}};
  EXPECT_TRUE(RequiredString(body, "at_limit").ok());
  ExpectFieldError(RequiredString(body, "over").status(), "error.field_too_long", "over");
}

TEST(OptionalStringTest, MissingAndNullAreEmptyOptionals) {
  const json body = {{"null_field", nullptr}, {"empty", ""}, {"name", "Li"}};
  Result<std::optional<std::string>> absent = OptionalString(body, "absent");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  Result<std::optional<std::string>> null_field = OptionalString(body, "null_field");
  ASSERT_TRUE(null_field.ok());
  EXPECT_FALSE(null_field->has_value());
  Result<std::optional<std::string>> empty = OptionalString(body, "empty");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, std::optional<std::string>(""));
  Result<std::optional<std::string>> name = OptionalString(body, "name");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, std::optional<std::string>("Li"));
}

TEST(OptionalStringTest, WrongTypeAndTooLongAreStillErrors) {
  const json body = {{"number", 1}, {"long", "abcd"}};
  ExpectWrongType(OptionalString(body, "number").status(), "number", "string");
  ExpectFieldError(OptionalString(body, "long", 3).status(), "error.field_too_long", "long");
}

TEST(RequiredIntTest, ReadsIntegers) {
  const json body = {{"zero", 0}, {"negative", -12}, {"big", std::int64_t{1} << 53}};
  EXPECT_EQ(*RequiredInt(body, "zero"), 0);
  EXPECT_EQ(*RequiredInt(body, "negative"), -12);
  EXPECT_EQ(*RequiredInt(body, "big"), std::int64_t{1} << 53);
}

TEST(RequiredIntTest, Int64LimitsAreAccepted) {
  Result<json> body =
      ParseJsonObject(R"({"max": 9223372036854775807, "min": -9223372036854775808})");
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*RequiredInt(*body, "max"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(*RequiredInt(*body, "min"), std::numeric_limits<std::int64_t>::min());
}

TEST(RequiredIntTest, IntegersBeyondInt64AreRejectedNotWrapped) {
  Result<json> body = ParseJsonObject(
      R"({"two_to_63": 9223372036854775808, "max_u64": 18446744073709551615,
          "huge_float": 1e300, "float_2_63": 9223372036854775808.0})");
  ASSERT_TRUE(body.ok());
  for (const std::string_view field : {"two_to_63", "max_u64", "huge_float", "float_2_63"}) {
    SCOPED_TRACE(field);
    ExpectWrongType(RequiredInt(*body, field).status(), field, "integer");
  }
}

TEST(RequiredIntTest, WholeFloatsAreAcceptedFractionsAreNot) {
  Result<json> body =
      ParseJsonObject(R"({"three": 3.0, "exp": 1e3, "neg": -2.0, "half": 3.5, "tiny": 0.000001})");
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*RequiredInt(*body, "three"), 3);
  EXPECT_EQ(*RequiredInt(*body, "exp"), 1000);
  EXPECT_EQ(*RequiredInt(*body, "neg"), -2);
  ExpectWrongType(RequiredInt(*body, "half").status(), "half", "integer");
  ExpectWrongType(RequiredInt(*body, "tiny").status(), "tiny", "integer");
}

TEST(RequiredIntTest, MissingNullAndWrongType) {
  const json body = {{"null_field", nullptr}, {"text", "3"}, {"flag", true}};
  ExpectFieldError(RequiredInt(body, "absent").status(), "error.field_required", "absent");
  ExpectFieldError(RequiredInt(body, "null_field").status(), "error.field_required", "null_field");
  ExpectWrongType(RequiredInt(body, "text").status(), "text", "integer");
  ExpectWrongType(RequiredInt(body, "flag").status(), "flag", "integer");
}

TEST(OptionalIntTest, AbsentIsEmptyPresentIsValue) {
  const json body = {{"n", 7}, {"null_field", nullptr}, {"half", 0.5}};
  Result<std::optional<std::int64_t>> absent = OptionalInt(body, "absent");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  Result<std::optional<std::int64_t>> null_field = OptionalInt(body, "null_field");
  ASSERT_TRUE(null_field.ok());
  EXPECT_FALSE(null_field->has_value());
  Result<std::optional<std::int64_t>> n = OptionalInt(body, "n");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, std::optional<std::int64_t>(7));
  ExpectWrongType(OptionalInt(body, "half").status(), "half", "integer");
}

TEST(RequiredNumberTest, AcceptsIntegersAndFloats) {
  const json body = {{"lat", 30.5928}, {"whole", 114}, {"negative", -0.25}};
  EXPECT_DOUBLE_EQ(*RequiredNumber(body, "lat"), 30.5928);
  EXPECT_DOUBLE_EQ(*RequiredNumber(body, "whole"), 114.0);
  EXPECT_DOUBLE_EQ(*RequiredNumber(body, "negative"), -0.25);
}

TEST(RequiredNumberTest, MissingNullAndWrongType) {
  const json body = {{"null_field", nullptr}, {"text", "30.5"}};
  ExpectFieldError(RequiredNumber(body, "absent").status(), "error.field_required", "absent");
  ExpectFieldError(RequiredNumber(body, "null_field").status(), "error.field_required",
                   "null_field");
  ExpectWrongType(RequiredNumber(body, "text").status(), "text", "number");
}

TEST(OptionalBoolTest, ReadsBooleansOnly) {
  const json body = {{"yes", true}, {"no", false}, {"one", 1}, {"text", "true"}};
  EXPECT_EQ(*OptionalBool(body, "yes"), std::optional<bool>(true));
  EXPECT_EQ(*OptionalBool(body, "no"), std::optional<bool>(false));
  EXPECT_EQ(*OptionalBool(body, "absent"), std::optional<bool>());
  ExpectWrongType(OptionalBool(body, "one").status(), "one", "boolean");
  ExpectWrongType(OptionalBool(body, "text").status(), "text", "boolean");
}

}  // namespace
}  // namespace lifeline
