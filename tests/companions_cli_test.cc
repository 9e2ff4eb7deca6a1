// `lifeline companions` as other tools meet it: towers, records and cases as CSV in, the
// companion pairs as CSV on stdout (or --out), progress, the summary and every bad row
// ("file:line: reason") on stderr, documented exit codes; `companions explain` prints the evidence.

#include <string>

#include "cli_file_test.h"

namespace lifeline {
namespace {

using testing::CommandResult;
using testing::ReadFile;

class CompanionsCliTest : public testing::CliFileTest {
 protected:
  CompanionsCliTest() : CliFileTest("companions") {}
};

// A small city; T = 2021-12-20T08:00:00Z = 1639987200. Towers T1 and T2 lie in grid cell (0, 0),
// T3 in (0, 6), T4 in (6, 0) (origin: the minimum latitude and longitude).
constexpr const char* kCells =
    "cell_id,lat,lon\n"
    "T1,30.0000,114.0000\n"
    "T2,30.0010,114.0010\n"
    "T3,30.0500,114.0000\n"
    "T4,30.0000,114.0500\n";

// Case 13800000001 stays in (0, 0) from T-40h to T-1h (39 h, over 30 h). 13900000002 stays there
// three times: 1800 s and 2400 s (companion) and exactly 600 s (not enough); one of its times has
// an offset. 13900000003 overlaps the case by only 500 s. Case 13600000004 stays 32.5 h in
// (6, 0), where 13500000006 stays one hour. Lines 18-20 are bad.
constexpr const char* kRecords =
    "phone,cell_id,time\n"
    "13800000001,T1,1639843200\n"
    "13800000001,T2,2021-12-20T06:00:00Z\n"
    "13800000001,T3,1639983600\n"
    "13900000002,T1,1639951200\n"
    "13900000002,T4,1639953000\n"
    "13900000002,T2,1639969200\n"
    "13900000002,T4,1639969800\n"
    "13900000002,T1,2021-12-20T13:00:00+08:00\n"
    "13900000002,T3,1639978800\n"
    "13900000003,T1,1639915200\n"
    "13900000003,T3,1639915700\n"
    "13600000004,T4,1639843200\n"
    "13600000004,T4,1639958400\n"
    "13600000004,T1,1639960200\n"
    "13500000006,T4,1639915200\n"
    "13500000006,T1,1639918800\n"
    "13900000002,T9,1639950000\n"
    "13900000003,T1,yesterday\n"
    "13900000003,T1\n";

constexpr const char* kCases =
    "phone,confirmed_at\n"
    "13800000001,2021-12-20T16:00:00+08:00\n"
    "13600000004,1639987200\n"
    "13800000009,1639987200\n";

constexpr const char* kExpected =
    "case_phone,companion_phone,co_stays,longest_overlap_s,first_overlap_start\n"
    "13600000004,13500000006,1,3600,1639915200\n"
    "13800000001,13900000002,2,2400,1639951200\n";

constexpr const char* kInputs = "--cells cells.csv --records records.csv --cases cases.csv";

TEST_F(CompanionsCliTest, KnownCityExactOutputAndBadRows) {
  Write("cells.csv", kCells);
  Write("records.csv", kRecords);
  Write("cases.csv", kCases);
  const CommandResult result = Run(std::string(kInputs) + " --threads 1");
  EXPECT_EQ(result.exit_code, 3) << result.errors;
  EXPECT_EQ(result.output, kExpected);
  const std::string expected_errors =
      "records.csv:18: unknown tower \"T9\"; skipped\n"
      "records.csv:19: \"time\" must be Unix seconds or ISO-8601 with a zone, got \"yesterday\"; "
      "skipped\n"
      "records.csv:20: missing column \"time\"; skipped\n";
  EXPECT_EQ(result.errors.substr(0, expected_errors.size()), expected_errors) << result.errors;
  EXPECT_NE(result.errors.find("Note: case 13800000009 (cases.csv:4) has no records"),
            std::string::npos)
      << result.errors;
  EXPECT_NE(result.errors.find("19 records read, 3 bad rows skipped; 4 towers, 6 phones, "),
            std::string::npos)
      << result.errors;
  EXPECT_NE(result.errors.find("3 cases, 2 companion pairs; 1 threads; took "), std::string::npos)
      << result.errors;

  // Results never depend on the thread count; --out writes the same bytes to a file.
  const CommandResult four = Run(std::string(kInputs) + " --threads 4 --out pairs.csv");
  EXPECT_EQ(four.exit_code, 3) << four.errors;
  EXPECT_EQ(four.output, "");
  EXPECT_EQ(ReadFile(dir_ + "/pairs.csv"), kExpected);
  EXPECT_EQ(Run(std::string(kInputs) + " --threads 4").output, kExpected);

  // A longer --gap lets 13900000003's stay last to its next record there: still 500 s in (0, 0).
  EXPECT_EQ(Run(std::string(kInputs) + " --gap 7200 --threads 2").output, kExpected);
}

TEST_F(CompanionsCliTest, OnlyTheFirstBadRowsOfAKindAreListed) {
  Write("cells.csv", kCells);
  std::string records = "phone,cell_id,time\n";
  for (int row = 0; row < 12; ++row) records += "1380000000" + std::to_string(row % 10) + ",X,1\n";
  Write("records.csv", records);
  Write("cases.csv", "phone,confirmed_at\n");
  const CommandResult result = Run(kInputs);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.errors.find("records.csv:11: unknown tower \"X\"; skipped\n"),
            std::string::npos);
  EXPECT_EQ(result.errors.find("records.csv:12:"), std::string::npos) << result.errors;
  EXPECT_NE(result.errors.find("records.csv: 2 more rows with unknown towers; skipped\n"),
            std::string::npos)
      << result.errors;
}

TEST_F(CompanionsCliTest, ExplainPrintsTheCoStaysAndDwells) {
  Write("cells.csv", kCells);
  Write("records.csv", kRecords);
  Write("cases.csv", kCases);
  const CommandResult result =
      Run(std::string("explain ") + kInputs + " --case 13800000001 --companion 13900000002");
  EXPECT_EQ(result.exit_code, 3) << result.errors;
  EXPECT_EQ(result.output,
            "Case 13800000001, confirmed 2021-12-20T08:00:00Z (1639987200); number 13900000002; "
            "window 2021-12-06T08:00:00Z (1638777600) to 2021-12-20T08:00:00Z (1639987200).\n"
            "2 qualifying co-stays (overlap more than 600 s):\n"
            "  cell (0, 0): case 2021-12-18T16:00:00Z to 2021-12-20T07:00:00Z "
            "(1639843200-1639983600); companion 2021-12-19T22:00:00Z to 2021-12-19T22:30:00Z "
            "(1639951200-1639953000); overlap 2021-12-19T22:00:00Z to 2021-12-19T22:30:00Z, "
            "1800 s\n"
            "  cell (0, 0): case 2021-12-18T16:00:00Z to 2021-12-20T07:00:00Z "
            "(1639843200-1639983600); companion 2021-12-20T05:00:00Z to 2021-12-20T05:40:00Z "
            "(1639976400-1639978800); overlap 2021-12-20T05:00:00Z to 2021-12-20T05:40:00Z, "
            "2400 s\n"
            "Dwell per cell in the window (one must exceed 108000 s):\n"
            "  cell (0, 0): case 140400 s (39.00 h), companion 4800 s (1.33 h)\n");

  const CommandResult none =
      Run(std::string("explain ") + kInputs + " --case 13800000001 --companion 13900000003");
  EXPECT_NE(none.output.find("13900000003 is not a companion of 13800000001"), std::string::npos)
      << none.output;
  const CommandResult not_case =
      Run(std::string("explain ") + kInputs + " --case 13900000002 --companion 13800000001");
  EXPECT_EQ(not_case.exit_code, 2);
  EXPECT_NE(not_case.errors.find("13900000002 is not a case in cases.csv."), std::string::npos)
      << not_case.errors;
}

TEST_F(CompanionsCliTest, MissingFileOrHeaderColumnExitsWithTwo) {
  Write("cells.csv", kCells);
  Write("cases.csv", kCases);
  const CommandResult missing = Run(kInputs);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.output, "");
  EXPECT_EQ(missing.errors, "Cannot read records.csv: No such file or directory\n");
  Write("records.csv", "phone,tower,time\n1,T1,1\n");
  const CommandResult no_column = Run(kInputs);
  EXPECT_EQ(no_column.exit_code, 2);
  EXPECT_EQ(no_column.errors, "records.csv: the header has no column \"cell_id\".\n");
}

TEST_F(CompanionsCliTest, HelpDescribesTheContract) {
  const CommandResult help = Run("--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* part :
       {"--cells", "--records", "--cases", "--out", "--gap", "--origin", "--threads", "explain",
        "cell_id,lat,lon", "phone,cell_id,time", "phone,confirmed_at", "+08:00",
        "case_phone,companion_phone,co_stays,longest_overlap_s,first_overlap_start",
        "Exit code: 0 ok"}) {
    EXPECT_NE(help.output.find(part), std::string::npos) << part << "\n" << help.output;
  }
  const CommandResult explain_help = Run("explain --help");
  EXPECT_EQ(explain_help.exit_code, 0);
  EXPECT_NE(explain_help.output.find("--companion"), std::string::npos) << explain_help.output;

  // Usage errors exit 2: a missing input flag, a bad option value, an unknown flag.
  const CommandResult usage = Run("--cells c.csv --records r.csv");
  EXPECT_EQ(usage.exit_code, 2) << usage.errors;
  EXPECT_NE(usage.errors.find("--cases"), std::string::npos) << usage.errors;
  EXPECT_EQ(Run(std::string("explain ") + kInputs + " --case 1").exit_code, 2);
  EXPECT_EQ(Run(std::string(kInputs) + " --threads -1").exit_code, 2);
  EXPECT_EQ(Run(std::string(kInputs) + " --bogus").exit_code, 2);
  const CommandResult origin = Run(std::string(kInputs) + " --origin 95,114");
  EXPECT_EQ(origin.exit_code, 2);
  EXPECT_NE(origin.errors.find("--origin must be"), std::string::npos) << origin.errors;
}

}  // namespace
}  // namespace lifeline
