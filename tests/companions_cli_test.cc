// `lifeline companions` as other tools meet it: towers, records and cases as CSV in, the
// companion pairs as CSV on stdout (or --out), progress, the summary and every bad row
// ("file:line: reason") on stderr, documented exit codes; `companions explain` prints the evidence.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <random>
#include <string>

#include "cli_file_test.h"
#include "companions_small_city.h"

namespace lifeline {
namespace {

using testing::CommandResult;
using testing::kCells;
using testing::kRecords;
using testing::ReadFile;

class CompanionsCliTest : public testing::CliFileTest {
 protected:
  CompanionsCliTest() : CliFileTest("companions") {}
};

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
  EXPECT_NE(result.errors.find("19 records read, 3 bad rows skipped; 4 towers, 5 phones, "),
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

  // An output that cannot be written fails with the reason, and leaves no partial file.
  const CommandResult unwritable = Run(std::string(kInputs) + " --out missing/pairs.csv");
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_NE(unwritable.errors.find("Cannot write the output missing/pairs.csv: "),
            std::string::npos)
      << unwritable.errors;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/missing"));

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

// A case C (100) in cell (0, 0) for 40 h; 200 with it for 2 h, then 38 h in (6, 0); 300 with 200
// there for 2 h, never near C. So 200 is in ring 1 and 300 in ring 2. T0 = 1700000000.
constexpr const char* kRingRecords =
    "phone,cell_id,time\n"
    "100,T1,1700000000\n"
    "100,T1,1700144000\n"
    "100,T3,1700144060\n"
    "200,T1,1700036000\n"
    "200,T1,1700043200\n"
    "200,T4,1700043260\n"
    "200,T4,1700180000\n"
    "200,T3,1700180060\n"
    "300,T4,1700072000\n"
    "300,T4,1700079200\n"
    "300,T3,1700079260\n";

TEST_F(CompanionsCliTest, RingTwoAddsTheCompanionsOfCompanions) {
  Write("cells.csv", kCells);
  Write("records.csv", kRingRecords);
  Write("cases.csv", "phone,confirmed_at\n100,1700216000\n");
  const CommandResult one = Run(kInputs);
  EXPECT_EQ(one.exit_code, 0) << one.errors;
  EXPECT_EQ(one.output,
            "case_phone,companion_phone,co_stays,longest_overlap_s,first_overlap_start\n"
            "100,200,1,7260,1700036000\n");
  const CommandResult two = Run(std::string(kInputs) + " --rings 2");
  EXPECT_EQ(two.exit_code, 0) << two.errors;
  EXPECT_EQ(two.output,
            "case_phone,companion_phone,co_stays,longest_overlap_s,first_overlap_start,ring\n"
            "100,200,1,7260,1700036000,1\n"
            "200,300,1,7260,1700072000,2\n");
  EXPECT_NE(two.errors.find("1 ring-2 companion pairs"), std::string::npos) << two.errors;
  EXPECT_EQ(Run(std::string(kInputs) + " --rings 3").exit_code, 2);
}

TEST_F(CompanionsCliTest, TheStoreAnswersAsTheCsvDoes) {
  Write("cells.csv", kCells);
  Write("records.csv", kRecords);
  Write("cases.csv", kCases);
  const CommandResult ingest =
      Run("ingest --cells cells.csv --records records.csv --store city.runs");
  EXPECT_EQ(ingest.exit_code, 3) << ingest.errors;  // the three bad rows, reported at ingest
  EXPECT_NE(ingest.errors.find("records.csv:18: unknown tower \"T9\"; skipped"), std::string::npos)
      << ingest.errors;
  EXPECT_NE(ingest.errors.find("Wrote the store city.runs: 4 towers, 5 phones, 15 runs"),
            std::string::npos)
      << ingest.errors;
  const CommandResult query = Run("--store city.runs --cases cases.csv");
  EXPECT_EQ(query.exit_code, 3) << query.errors;  // the store remembers the skipped rows
  EXPECT_EQ(query.output, kExpected);
  EXPECT_NE(query.errors.find("Read the store city.runs: 4 towers, 5 phones, 15 runs"),
            std::string::npos)
      << query.errors;
  const CommandResult explain =
      Run("explain --store city.runs --cases cases.csv --case 13800000001 --companion 13900000002");
  EXPECT_NE(explain.output.find("2 qualifying co-stays"), std::string::npos) << explain.output;
  // Another rule than the stored stays': built from the runs, as from the CSV.
  EXPECT_EQ(Run("--store city.runs --cases cases.csv --gap 7200").output,
            Run(std::string(kInputs) + " --gap 7200").output);
  EXPECT_EQ(Run("--store city.runs --cases cases.csv --origin 29.99,113.99").output,
            Run(std::string(kInputs) + " --origin 29.99,113.99").output);

  // Damage and misuse are refused with a reason, never trusted.
  Write("broken.runs", ReadFile(dir_ + "/city.runs").substr(0, 100));
  const CommandResult broken = Run("--store broken.runs --cases cases.csv");
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.errors.find("The store broken.runs is damaged ("), std::string::npos)
      << broken.errors;
  const CommandResult foreign = Run("--store cells.csv --cases cases.csv");
  EXPECT_EQ(foreign.exit_code, 2);
  EXPECT_NE(foreign.errors.find("cells.csv is not a store"), std::string::npos) << foreign.errors;
  Write("deploy.key", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
  const CommandResult plain =
      Run("--store city.runs --cases cases.csv --pseudonymise --key-file deploy.key");
  EXPECT_EQ(plain.exit_code, 2);
  EXPECT_NE(plain.errors.find("is not pseudonymised"), std::string::npos) << plain.errors;
  const CommandResult missing = Run("ingest --cells cells.csv --records records.csv");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.errors.find("--store is required"), std::string::npos) << missing.errors;
}

TEST_F(CompanionsCliTest, PseudonymisedRunsShowOnlyTheCasesNumbers) {
  Write("cells.csv", kCells);
  Write("records.csv", kRecords);
  Write("cases.csv", kCases);
  const std::string flags = std::string(kInputs) + " --pseudonymise --key-file deploy.key";
  const CommandResult no_key = Run(flags);
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.errors.find("--pseudonymise needs the deployment key file deploy.key"),
            std::string::npos)
      << no_key.errors;

  Write("deploy.key", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
  const CommandResult hidden = Run(flags);
  EXPECT_EQ(hidden.exit_code, 3) << hidden.errors;
  EXPECT_EQ(hidden.output.find("13900000002"), std::string::npos) << hidden.output;
  EXPECT_EQ(hidden.output.find("13500000006"), std::string::npos) << hidden.output;
  // The same pairs: the cases as given, the companions as "~" and 16 hex digits, stable per key.
  const std::string header =
      "case_phone,companion_phone,co_stays,longest_overlap_s,first_overlap_start\n";
  ASSERT_EQ(hidden.output.substr(0, header.size()), header);
  EXPECT_NE(hidden.output.find("13600000004,~"), std::string::npos) << hidden.output;
  EXPECT_NE(hidden.output.find(",1,3600,1639915200\n"), std::string::npos) << hidden.output;
  EXPECT_NE(hidden.output.find("13800000001,~"), std::string::npos) << hidden.output;
  EXPECT_NE(hidden.output.find(",2,2400,1639951200\n"), std::string::npos) << hidden.output;
  EXPECT_EQ(Run(flags).output, hidden.output);
  Write("other.key", "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210\n");
  EXPECT_NE(Run(std::string(kInputs) + " --pseudonymise --key-file other.key").output,
            hidden.output);

  // A pseudonymised store holds no number; querying it needs the same key.
  EXPECT_EQ(Run("ingest --cells cells.csv --records records.csv --store city.runs "
                "--pseudonymise --key-file deploy.key")
                .exit_code,
            3);
  EXPECT_EQ(ReadFile(dir_ + "/city.runs").find("13900000002"), std::string::npos);
  const CommandResult stored =
      Run("--store city.runs --cases cases.csv --pseudonymise --key-file deploy.key");
  EXPECT_EQ(stored.output, hidden.output);
  const CommandResult other_key =
      Run("--store city.runs --cases cases.csv --pseudonymise --key-file other.key");
  EXPECT_EQ(other_key.exit_code, 2);
  EXPECT_NE(other_key.errors.find("was pseudonymised with another key"), std::string::npos)
      << other_key.errors;
  const CommandResult unkeyed = Run("--store city.runs --cases cases.csv");
  EXPECT_EQ(unkeyed.exit_code, 2);
  EXPECT_NE(unkeyed.errors.find("holds pseudonymised numbers"), std::string::npos)
      << unkeyed.errors;

  // Explain takes a pseudonym from the output.
  const std::size_t at = hidden.output.find("13800000001,~") + 12;
  const std::string pseudonym = hidden.output.substr(at, 17);
  const CommandResult explain =
      Run("explain " + flags + " --case 13800000001 --companion '" + pseudonym + "'");
  EXPECT_NE(explain.output.find("2 qualifying co-stays"), std::string::npos) << explain.output;
}

TEST_F(CompanionsCliTest, RecordTimesMustFitUnixSecondsFrom1970To2106) {
  Write("cells.csv", kCells);
  Write("records.csv", "phone,cell_id,time\n1,T1,1639843200\n1,T1,4294967296\n1,T1,-5\n");
  Write("cases.csv", "phone,confirmed_at\n");
  const CommandResult result = Run(kInputs);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.errors.find("records.csv:3: \"time\" must fall between 1970 and 2106"),
            std::string::npos)
      << result.errors;
  EXPECT_NE(result.errors.find("records.csv:4: \"time\" must fall between 1970 and 2106"),
            std::string::npos)
      << result.errors;
}

// A random city big enough to spread over ranks: 400 phones, 80 towers, two weeks.
void WriteRandomCity(
    testing::CliFileTest& test, std::uint64_t seed,
    const std::function<std::string(const std::string&, const std::string&)>& write) {
  (void)test;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::string cells = "cell_id,lat,lon\n";
  for (int tower = 0; tower < 80; ++tower) {
    cells += 'C';
    cells += std::to_string(1000 + tower);
    cells += ',';
    cells += std::to_string(30.5 + 0.2 * unit(rng));
    cells += ',';
    cells += std::to_string(114.3 + 0.2 * unit(rng));
    cells += '\n';
  }
  std::string records = "phone,cell_id,time\n";
  std::string cases = "phone,confirmed_at\n";
  const std::int64_t t0 = 1669824000;
  for (int phone = 0; phone < 400; ++phone) {
    const std::string number = std::to_string(13700000000LL + phone * 7919 % 100000);
    const int home = static_cast<int>(rng() % 80);
    std::int64_t time = t0 + static_cast<std::int64_t>(rng() % 3600);
    while (time < t0 + 14 * 86400) {
      const int tower = rng() % 10 < 8 ? home : static_cast<int>(rng() % 80);
      const std::int64_t until = time + static_cast<std::int64_t>(rng() % (14 * 3600));
      for (; time < until; time += 600 + static_cast<std::int64_t>(rng() % 4800)) {
        records += number + ",C" + std::to_string(1000 + tower) + "," + std::to_string(time) + "\n";
      }
    }
    if (phone % 100 == 0) cases += number + "," + std::to_string(t0 + 13 * 86400 + phone) + "\n";
  }
  write("cells.csv", cells);
  write("records.csv", records);
  write("cases.csv", cases);
}

TEST_F(CompanionsCliTest, MpiRanksWriteTheSameBytesAsOneProcess) {
  WriteRandomCity(*this, 11, [&](const std::string& name, const std::string& text) {
    return Write(name, text);
  });
  const std::string mpirun =
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
      "OMPI_MCA_btl_vader_single_copy_mechanism=none "
      "mpirun --oversubscribe -np ";
  for (const std::string flags : {"", " --rings 2", " --gap 1800 --threads 3"}) {
    SCOPED_TRACE(flags);
    const CommandResult one = Run(std::string(kInputs) + flags);
    ASSERT_EQ(one.exit_code, 0) << one.errors;
    EXPECT_GT(one.output.size(), 1000u);
    for (const char* ranks : {"2", "3"}) {
      const CommandResult many = Run(std::string(kInputs) + flags, mpirun + ranks);
      EXPECT_EQ(many.exit_code, 0) << many.errors;
      EXPECT_EQ(many.output, one.output) << ranks << " ranks";
      // Only rank 0 speaks: one summary.
      EXPECT_EQ(many.errors.find("records read,"), many.errors.rfind("records read,"))
          << many.errors;
    }
    if (flags == " --rings 2") {
      EXPECT_NE(one.output.find(",2\n"), std::string::npos) << "ring 2 found nobody";
    }
  }
  ASSERT_EQ(Run("ingest --cells cells.csv --records records.csv --store city.runs").exit_code, 0);
  const CommandResult stored = Run("--store city.runs --cases cases.csv", mpirun + "2");
  EXPECT_EQ(stored.exit_code, 0) << stored.errors;
  EXPECT_EQ(stored.output, Run(kInputs).output);
}

}  // namespace
}  // namespace lifeline
