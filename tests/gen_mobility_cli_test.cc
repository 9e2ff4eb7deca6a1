// `lifeline gen-mobility` as other tools meet it: a seeded synthetic city written as
// cells.csv, records.csv and cases.csv, byte-identical for the same flags whatever the thread
// count, readable by `lifeline companions` without a bad row, and with companions where the
// model puts them (a case's household).

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_file_test.h"
#include "engines/companions/synthetic_city.h"

namespace lifeline {
namespace {

using testing::CommandResult;
using testing::ReadFile;

constexpr const char* kSmallCity = "--phones 2000 --days 3 --cases 20";

class GenMobilityCliTest : public testing::CliFileTest {
 protected:
  GenMobilityCliTest() : CliFileTest("gen-mobility") {}

  // Runs `lifeline companions ARGS` in the test directory with English messages.
  CommandResult RunCompanions(const std::string& args) { return RunCommand("companions", args); }

  std::string File(const std::string& city, const std::string& name) {
    return ReadFile(dir_ + "/" + city + "/" + name);
  }

  // The three files of a city written into `city`, in one string to compare.
  std::string Files(const std::string& city) {
    return File(city, "cells.csv") + "\n--\n" + File(city, "records.csv") + "\n--\n" +
           File(city, "cases.csv");
  }
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

TEST_F(GenMobilityCliTest, SameFlagsSameFilesWhateverTheThreads) {
  const CommandResult first = Run(std::string("--out a --threads 1 ") + kSmallCity);
  ASSERT_EQ(first.exit_code, 0) << first.errors;
  EXPECT_EQ(first.output, "");
  const std::string files = Files("a");
  EXPECT_EQ(Run(std::string("--out b --threads 3 ") + kSmallCity).exit_code, 0);
  EXPECT_EQ(Files("b"), files);
  EXPECT_EQ(Run(std::string("--out c --threads 1 ") + kSmallCity).exit_code, 0);
  EXPECT_EQ(Files("c"), files);
  EXPECT_EQ(Run(std::string("--out d --seed 2 ") + kSmallCity).exit_code, 0);
  EXPECT_NE(File("d", "cells.csv"), File("a", "cells.csv"));
  EXPECT_NE(File("d", "records.csv"), File("a", "records.csv"));
  EXPECT_NE(File("d", "cases.csv"), File("a", "cases.csv"));
  // Nothing left under a temporary name.
  for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/a")) {
    EXPECT_EQ(entry.path().extension(), ".csv") << entry.path();
  }

  // Headers and rows, as the summary counts them.
  const std::vector<std::string> cells = Lines(File("a", "cells.csv"));
  const std::vector<std::string> records = Lines(File("a", "records.csv"));
  const std::vector<std::string> cases = Lines(File("a", "cases.csv"));
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(cells[0], "cell_id,lat,lon");
  EXPECT_EQ(records[0], "phone,cell_id,time");
  EXPECT_EQ(cases[0], "phone,confirmed_at");
  EXPECT_EQ(cells.size(), 51u);  // 50 towers, the fewest a city has
  EXPECT_EQ(cases.size(), 21u);
  // About 14.3 records a phone a day in a big city; a small town in the same box has few
  // workplaces and shops, so longer trips and more records on the way.
  EXPECT_NEAR(static_cast<double>(records.size() - 1) / 2000 / 3, 15.0, 1.0);
  const std::string summary =
      "Wrote a: cells.csv 50 towers (" + std::to_string(File("a", "cells.csv").size()) +
      " bytes), records.csv " + std::to_string(records.size() - 1) + " records (" +
      std::to_string(File("a", "records.csv").size()) + " bytes), cases.csv 20 cases (" +
      std::to_string(File("a", "cases.csv").size()) + " bytes); 2000 phones";
  EXPECT_NE(first.errors.find(summary), std::string::npos) << first.errors;
  EXPECT_NE(first.errors.find("3 days from 2022-11-30T16:00:00Z; seed 1, 1 threads"),
            std::string::npos)
      << first.errors;
  EXPECT_NE(first.errors.find("Day 3/3 written (100.0%): " + std::to_string(records.size() - 1) +
                              " records"),
            std::string::npos)
      << first.errors;
  EXPECT_EQ(records[1].size(), std::string("13812345678,C000001,1669824000").size()) << records[1];
}

TEST_F(GenMobilityCliTest, StartTakesUnixSecondsOrIso8601) {
  const std::string tiny = " --phones 200 --days 1 --cases 2";
  ASSERT_EQ(Run("--out default" + tiny).exit_code, 0);
  ASSERT_EQ(Run("--out unix --start 1669824000" + tiny).exit_code, 0);
  ASSERT_EQ(Run("--out iso --start 2022-12-01T00:00:00+08:00" + tiny).exit_code, 0);
  EXPECT_EQ(Files("unix"), Files("default"));
  EXPECT_EQ(Files("iso"), Files("default"));
  // A week later: the same day of the week, so the same records a week later.
  ASSERT_EQ(Run("--out later --start 2022-12-08T00:00:00+08:00" + tiny).exit_code, 0);
  const std::vector<std::string> before = Lines(File("default", "records.csv"));
  const std::vector<std::string> after = Lines(File("later", "records.csv"));
  ASSERT_EQ(before.size(), after.size());
  const std::string line = before[1];
  const std::size_t comma = line.rfind(',');
  EXPECT_EQ(after[1], line.substr(0, comma + 1) +
                          std::to_string(std::stoll(line.substr(comma + 1)) + 7 * 86400));
}

TEST_F(GenMobilityCliTest, RefusesToOverwriteWithoutForce) {
  const std::string tiny = " --phones 300 --days 1 --cases 3";
  ASSERT_EQ(Run("--out city" + tiny).exit_code, 0);
  const std::string files = Files("city");
  const CommandResult again = Run("--out city --seed 9" + tiny);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.errors.find("city/cells.csv exists already; add --force to replace it."),
            std::string::npos)
      << again.errors;
  EXPECT_EQ(Files("city"), files);
  const CommandResult forced = Run("--out city --force" + tiny);
  EXPECT_EQ(forced.exit_code, 0) << forced.errors;
  EXPECT_EQ(Files("city"), files);
  EXPECT_EQ(Run("--out city --force --seed 9" + tiny).exit_code, 0);
  EXPECT_NE(Files("city"), files);
}

TEST_F(GenMobilityCliTest, UsageErrorsExitWithTwo) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--phones 10", "--out (the output directory) is required."},
      {"--out x --phones 0", "--phones must be between 1 and 50000000, got 0."},
      {"--out x --days 0", "--days must be between 1 and 366, got 0."},
      {"--out x --days 367", "--days must be between 1 and 366, got 367."},
      {"--out x --phones 2000 --cases 2001",
       "--cases must be between 0 and the number of phones (2000), got 2001."},
      {"--out x --cases -1", "--cases must be between 0"},
      {"--out x --towers 5", "--towers must be 0 (scaled to the phones) or between 10 and"},
      {"--out x --start yesterday", "--start must be Unix seconds or ISO-8601"},
      {"--out x --start -5", "--start must be between 1970-01-01T00:00:00Z (0)"},
      {"--out x --threads -1", "--threads must be between 0 and 1024, got -1."},
  };
  for (const auto& [args, message] : cases) {
    const CommandResult result = Run(args);
    EXPECT_EQ(result.exit_code, 2) << args;
    EXPECT_NE(result.errors.find(message), std::string::npos) << args << "\n" << result.errors;
  }
  EXPECT_EQ(Run("--out x --phones lots").exit_code, 2);
  EXPECT_EQ(Run("--out x --bogus").exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/x"));

  const CommandResult help = Run("--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* part :
       {"--out", "--phones", "--days", "--cases", "--seed", "--start", "--towers", "--threads",
        "--force", "cell_id,lat,lon", "phone,cell_id,time", "phone,confirmed_at", "synthetic"}) {
    EXPECT_NE(help.output.find(part), std::string::npos) << part << "\n" << help.output;
  }
}

// A week, so that time at home adds up to the rule's 30 hours in a cell for nearly everyone.
TEST_F(GenMobilityCliTest, CompanionsReadsEveryRowAndFindsHouseholds) {
  ASSERT_EQ(Run("--out city --phones 2000 --days 7 --cases 20").exit_code, 0);
  const std::size_t record_rows = Lines(File("city", "records.csv")).size() - 1;
  const CommandResult companions = RunCompanions(
      "--cells city/cells.csv --records city/records.csv --cases city/cases.csv --out pairs.csv");
  ASSERT_EQ(companions.exit_code, 0) << companions.errors;  // 3 if any row were bad
  EXPECT_NE(companions.errors.find(std::to_string(record_rows)), std::string::npos)
      << companions.errors;
  const std::vector<std::string> pairs = Lines(ReadFile(dir_ + "/pairs.csv"));
  ASSERT_FALSE(pairs.empty());
  EXPECT_EQ(pairs[0], "case_phone,companion_phone,co_stays,longest_overlap_s,first_overlap_start");
  std::set<std::pair<std::string, std::string>> found;
  std::set<std::string> cases_with_companions;
  for (std::size_t idx = 1; idx < pairs.size(); ++idx) {
    const std::string& row = pairs[idx];
    const std::size_t first = row.find(',');
    const std::size_t second = row.find(',', first + 1);
    found.insert({row.substr(0, first), row.substr(first + 1, second - first - 1)});
    cases_with_companions.insert(row.substr(0, first));
  }
  EXPECT_GE(cases_with_companions.size(), 15u);

  // The same city from the library says who shares a home with whom: members of a case's
  // household are at home with it every night, so they are its companions.
  companions::SyntheticCityOptions options;
  options.phones = 2000;
  options.days = 7;
  options.cases = 20;
  Result<companions::SyntheticCity> city = companions::SyntheticCity::Build(options);
  ASSERT_TRUE(city.ok());
  ASSERT_EQ(city->CasesCsv(), File("city", "cases.csv"));
  int members = 0;
  int members_found = 0;
  for (const companions::SyntheticCase& confirmed : city->cases()) {
    const auto [first, end] = city->Household(confirmed.phone);
    for (companions::SyntheticPhone member = first; member < end; ++member) {
      if (member == confirmed.phone) continue;
      ++members;
      const std::string case_number(city->PhoneNumber(confirmed.phone));
      const std::string member_number(city->PhoneNumber(member));
      if (found.count({case_number, member_number})) ++members_found;
      if (members == 1) {
        EXPECT_TRUE(found.count({case_number, member_number}))
            << member_number << " shares a home with case " << case_number;
      }
    }
  }
  ASSERT_GT(members, 5);
  EXPECT_GE(members_found * 10, members * 9) << members_found << " of " << members;
}

}  // namespace
}  // namespace lifeline
