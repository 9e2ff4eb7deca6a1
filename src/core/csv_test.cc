#include "core/csv.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace lifeline {
namespace {

struct Record {
  std::int64_t line;
  std::vector<std::string> fields;
  bool malformed;
  friend bool operator==(const Record&, const Record&) = default;
};

std::vector<Record> ReadAll(const std::string& text) {
  std::FILE* file = fmemopen(const_cast<char*>(text.data()), text.size(), "r");
  std::vector<Record> records;
  if (text.empty()) return records;
  CsvReader reader(file);
  while (reader.Next()) {
    Record record{reader.line(), {}, reader.malformed()};
    for (std::size_t idx = 0; idx < reader.size(); ++idx) {
      record.fields.emplace_back(reader.field(idx));
    }
    records.push_back(record);
  }
  EXPECT_FALSE(reader.read_error());
  std::fclose(file);
  return records;
}

TEST(CsvReaderTest, PlainQuotedCrlfBomAndBlankLines) {
  const std::vector<Record> records = ReadAll(
      "\xEF\xBB\xBFneed_id,kind\r\n"
      "a1,\"oxygen, 5 L\"\r\n"
      "\r\n"
      "a2,\"say \"\"hi\"\"\"\n"
      "a3,\"two\nlines\",\n"
      "a4,\n"
      "a5");
  const std::vector<Record> expected = {
      {1, {"need_id", "kind"}, false},  {2, {"a1", "oxygen, 5 L"}, false},
      {4, {"a2", "say \"hi\""}, false}, {5, {"a3", "two\nlines", ""}, false},
      {7, {"a4", ""}, false},           {8, {"a5"}, false}};
  EXPECT_EQ(records, expected);
}

TEST(CsvReaderTest, BrokenQuotingIsFlaggedAndReadingGoesOn) {
  const std::vector<Record> records = ReadAll("\"ab\"c,d\nok,1\n\"open,2\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_TRUE(records[0].malformed);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"ab", "d"}));
  EXPECT_EQ(records[1], (Record{2, {"ok", "1"}, false}));
  EXPECT_TRUE(records[2].malformed);
  EXPECT_EQ(records[2].line, 3);
}

TEST(CsvReaderTest, RecordsAcrossManyReadChunksKeepTheirLineNumbers) {
  std::string text = "id,note\n";
  constexpr int kRecords = 200000;
  for (int idx = 0; idx < kRecords; ++idx) {
    text += std::to_string(idx) + (idx % 1000 == 0 ? ",\"multi\nline\"\n" : ",plain text here\n");
  }
  const std::vector<Record> records = ReadAll(text);
  ASSERT_EQ(records.size(), static_cast<std::size_t>(kRecords) + 1);
  std::int64_t line = 2;
  for (int idx = 0; idx < kRecords; ++idx) {
    const Record& record = records[static_cast<std::size_t>(idx) + 1];
    ASSERT_EQ(record.line, line) << idx;
    ASSERT_EQ(record.fields[0], std::to_string(idx));
    ASSERT_EQ(record.fields[1], idx % 1000 == 0 ? "multi\nline" : "plain text here");
    line += idx % 1000 == 0 ? 2 : 1;
  }
}

TEST(CsvReaderTest, HeaderColumnsByName) {
  const std::string text = "offer_id, kind ,lat\n1,k,30\n";
  std::FILE* file = fmemopen(const_cast<char*>(text.data()), text.size(), "r");
  CsvReader reader(file);
  ASSERT_TRUE(reader.ReadHeader());
  EXPECT_EQ(reader.Column("kind"), 1u);
  EXPECT_EQ(reader.Column("lat"), 2u);
  EXPECT_EQ(reader.Column("lon"), std::nullopt);
  ASSERT_TRUE(reader.Next());
  EXPECT_EQ(reader.field(*reader.Column("lat")), "30");
  EXPECT_EQ(reader.field(7), "");
  EXPECT_FALSE(reader.Next());
  std::fclose(file);
}

TEST(CsvReaderTest, Numbers) {
  EXPECT_EQ(ParseCsvInt(" 42 "), 42);
  EXPECT_EQ(ParseCsvInt("-3"), -3);
  EXPECT_EQ(ParseCsvInt("4.5"), std::nullopt);
  EXPECT_EQ(ParseCsvInt(""), std::nullopt);
  EXPECT_EQ(ParseCsvInt("12x"), std::nullopt);
  EXPECT_EQ(ParseCsvDouble("30.5"), 30.5);
  EXPECT_EQ(ParseCsvDouble("-114.25"), -114.25);
  EXPECT_EQ(ParseCsvDouble("abc"), std::nullopt);
  EXPECT_EQ(ParseCsvDouble("1e400"), std::nullopt);
}

}  // namespace
}  // namespace lifeline
