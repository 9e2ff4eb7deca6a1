#include "core/config.h"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/role.h"

namespace lifeline {
namespace {

std::string Arg(const Status& status, std::string_view name) {
  for (const auto& [key, value] : status.args()) {
    if (key == name) return value;
  }
  return "";
}

ConfigFile ParseOrDie(std::string_view text) {
  Result<ConfigFile> parsed = ConfigFile::Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? std::move(parsed).value() : ConfigFile();
}

void ExpectBadLine(std::string_view text, int line) {
  Result<ConfigFile> parsed = ConfigFile::Parse(text);
  ASSERT_FALSE(parsed.ok()) << text;
  EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message_id(), "error.config_line");
  EXPECT_EQ(Arg(parsed.status(), "line"), std::to_string(line)) << text;
}

TEST(ConfigFileTest, ReadsKeyValuePairs) {
  const ConfigFile config = ParseOrDie("database = sqlite:lifeline.db\nport=8080\n");
  EXPECT_EQ(config.Get("database"), "sqlite:lifeline.db");
  EXPECT_EQ(config.Get("port"), "8080");
  EXPECT_EQ(config.Get("missing"), std::nullopt);
}

TEST(ConfigFileTest, TrimsSpacesTabsAndCarriageReturns) {
  const ConfigFile config = ParseOrDie("\t listen  =  0.0.0.0 \t\r\nname = a b c\r\n");
  EXPECT_EQ(config.Get("listen"), "0.0.0.0");
  EXPECT_EQ(config.Get("name"), "a b c");  // inner spaces are part of the value
}

TEST(ConfigFileTest, OnlyTheFirstEqualsSplits) {
  const ConfigFile config = ParseOrDie("url = postgres://host/db?sslmode=require\n");
  EXPECT_EQ(config.Get("url"), "postgres://host/db?sslmode=require");
}

TEST(ConfigFileTest, EmptyValueIsPresentButEmpty) {
  const ConfigFile config = ParseOrDie("proxy =\n");
  EXPECT_EQ(config.Get("proxy"), "");
}

TEST(ConfigFileTest, CommentsAndBlankLinesAreIgnored) {
  const ConfigFile config = ParseOrDie(
      "# Lifeline settings\n"
      "\n"
      "   \n"
      "\t# indented comment\n"
      "port = 8080  # trailing comment\n"
      "# port = 9090\n");
  EXPECT_EQ(config.Get("port"), "8080");
  EXPECT_EQ(config.UnknownKeys({"port"}), std::vector<std::string>());
}

TEST(ConfigFileTest, EmptyTextAndLastLineWithoutNewline) {
  EXPECT_EQ(ParseOrDie("").Get("a"), std::nullopt);
  EXPECT_EQ(ParseOrDie("a = 1").Get("a"), "1");
}

TEST(ConfigFileTest, LaterDuplicateWins) {
  const ConfigFile config = ParseOrDie("port = 1\nport = 2\n");
  EXPECT_EQ(config.Get("port"), "2");
}

TEST(ConfigFileTest, BadLineReportsItsLineNumber) {
  ExpectBadLine("no equals sign", 1);
  ExpectBadLine("port = 8080\n# comment\n\njust words\nother = 1\n", 4);
  ExpectBadLine("a = 1\n= value without key\n", 2);
  ExpectBadLine("a = 1\r\n\r\n  = x\r\n", 3);
}

TEST(ConfigFileTest, GetIntReadsIntegers) {
  const ConfigFile config = ParseOrDie("port = 8080\nnegative = -5\nzero = 0\n");
  EXPECT_EQ(*config.GetInt("port", 1), 8080);
  EXPECT_EQ(*config.GetInt("negative", 1), -5);
  EXPECT_EQ(*config.GetInt("zero", 1), 0);
}

TEST(ConfigFileTest, GetIntFallsBackOnlyWhenMissing) {
  const ConfigFile config = ParseOrDie("port = 8080\n");
  EXPECT_EQ(*config.GetInt("workers", 4), 4);
  EXPECT_EQ(*config.GetInt("port", 4), 8080);
}

TEST(ConfigFileTest, GetIntInt64Limits) {
  const ConfigFile config = ParseOrDie("max = 9223372036854775807\nmin = -9223372036854775808\n");
  EXPECT_EQ(*config.GetInt("max", 0), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(*config.GetInt("min", 0), std::numeric_limits<std::int64_t>::min());
}

TEST(ConfigFileTest, GetIntErrorNamesKeyAndLine) {
  const ConfigFile config = ParseOrDie(
      "# settings\n"
      "port = 80x\n"
      "workers = four\n"
      "empty =\n"
      "float = 1.5\n"
      "overflow = 9223372036854775808\n"
      "spaced = 1 2\n");
  const struct {
    std::string_view key;
    int line;
  } kBad[] = {{"port", 2},  {"workers", 3},  {"empty", 4},
              {"float", 5}, {"overflow", 6}, {"spaced", 7}};
  for (const auto& bad : kBad) {
    const Result<std::int64_t> value = config.GetInt(bad.key, 0);
    ASSERT_FALSE(value.ok()) << bad.key;
    EXPECT_EQ(value.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(value.status().message_id(), "error.config_not_integer");
    EXPECT_EQ(Arg(value.status(), "key"), bad.key);
    EXPECT_EQ(Arg(value.status(), "line"), std::to_string(bad.line)) << bad.key;
  }
}

TEST(ConfigFileTest, UnknownKeysListsTyposInOrder) {
  const ConfigFile config = ParseOrDie("port = 1\nprot = 2\ndatabase = x\nlisten = y\n");
  EXPECT_EQ(config.UnknownKeys({"port", "database", "listen"}), std::vector<std::string>{"prot"});
  EXPECT_EQ(config.UnknownKeys({"port", "database", "listen", "prot"}), std::vector<std::string>());
  EXPECT_EQ(config.UnknownKeys({}),
            (std::vector<std::string>{"database", "listen", "port", "prot"}));
}

TEST(ConfigFileTest, KeysAreCaseSensitive) {
  const ConfigFile config = ParseOrDie("Port = 1\n");
  EXPECT_EQ(config.Get("port"), std::nullopt);
  EXPECT_EQ(config.UnknownKeys({"port"}), std::vector<std::string>{"Port"});
}

TEST(ConfigFileTest, LoadReadsAFile) {
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) /
                                     ("lifeline_config_test_" + std::to_string(::getpid()));
  {
    std::ofstream out(path);
    out << "# deployment\nport = 9000\n";
  }
  Result<ConfigFile> config = ConfigFile::Load(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(*config->GetInt("port", 0), 9000);
}

TEST(ConfigFileTest, LoadOfMissingFileNamesThePath) {
  const std::string path = "/nonexistent/lifeline.conf";
  Result<ConfigFile> config = ConfigFile::Load(path);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message_id(), "error.config_unreadable");
  EXPECT_EQ(Arg(config.status(), "path"), path);
}

// Role names appear in config, the CLI and the wire; they must survive a round trip.
TEST(RoleTest, EveryRoleRoundTripsThroughItsName) {
  ASSERT_EQ(AllRoles().size(), 10u);
  std::vector<std::string_view> names;
  for (const Role role : AllRoles()) {
    const std::string_view name = RoleName(role);
    EXPECT_NE(name, "unknown");
    EXPECT_EQ(ParseRole(name), role) << name;
    for (const std::string_view earlier : names) EXPECT_NE(earlier, name);
    names.push_back(name);
  }
}

TEST(RoleTest, WireNames) {
  EXPECT_EQ(RoleName(Role::kAdmin), "admin");
  EXPECT_EQ(RoleName(Role::kCommunityWorker), "community_worker");
  EXPECT_EQ(RoleName(Role::kBloodStaff), "blood_staff");
  EXPECT_EQ(ParseRole("angel"), Role::kAngel);
}

TEST(RoleTest, UnknownNamesFail) {
  EXPECT_EQ(ParseRole(""), std::nullopt);
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_EQ(ParseRole("unknown"), std::nullopt);
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
  EXPECT_EQ(ParseRole("admin "), std::nullopt);
  EXPECT_EQ(ParseRole("community-worker"), std::nullopt);
}

}  // namespace
}  // namespace lifeline
