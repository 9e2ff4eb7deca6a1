// `lifeline match` as other tools meet it: two CSV files in, the assignment as CSV on stdout, the
// summary and every skipped row ("file:line: reason") on stderr, documented exit codes.

#include <string>

#include "cli_file_test.h"

namespace lifeline {
namespace {

using testing::CommandResult;
using testing::ReadFile;

class MatchCliTest : public testing::CliFileTest {
 protected:
  MatchCliTest() : CliFileTest("match") {}
};

// Need n1 (urgent) reaches both offers, need n2 only o1, which is nearer to n1: the optimum
// sends o2 to n1 and o1 to n2; greedy gives o1 to n1 and leaves n2 empty.
constexpr const char* kNeeds =
    "need_id,kind,quantity,priority,lat,lon\r\n"
    "n2,oxygen,1,50,30.50,114.45\r\n"
    "n1,oxygen,1,90,30.50,114.20\r\n"
    "n3,oximeter,2,10,30.50,114.20\r\n";
constexpr const char* kOffers =
    "\xEF\xBB\xBFoffer_id,kind,quantity,lat,lon\n"
    "o1,oxygen,1,30.50,114.30\n"
    "\"o2, spare\",oxygen,1,30.50,114.10\n";

TEST_F(MatchCliTest, KnownInstanceExactOutput) {
  Write("needs.csv", kNeeds);
  Write("offers.csv", kOffers);
  const CommandResult optimal = Run("--needs needs.csv --offers offers.csv --radius-km 20");
  EXPECT_EQ(optimal.exit_code, 0) << optimal.errors;
  EXPECT_EQ(optimal.output,
            "need_id,offer_id,quantity,distance_km\n"
            "n1,\"o2, spare\",1,9.581\n"
            "n2,o1,1,14.371\n");
  EXPECT_NE(optimal.errors.find("3 needs, 2 offers; method: optimal (min-cost flow); 2 matches, "
                                "2 units; served priority x quantity 140; total distance 23.952 "
                                "km; unmet needs 1 (2 units short); bad rows skipped 0; took "),
            std::string::npos)
      << optimal.errors;

  const CommandResult greedy = Run("--needs needs.csv --offers offers.csv --radius-km 20 --greedy");
  EXPECT_EQ(greedy.exit_code, 0);
  EXPECT_EQ(greedy.output, "need_id,offer_id,quantity,distance_km\nn1,o1,1,9.581\n");
  EXPECT_NE(greedy.errors.find("served priority x quantity 90;"), std::string::npos);

  // A smaller radius leaves n2 out of reach of o1 (14.4 km); n1 is equally far from both offers,
  // and the tie is settled the same way on every run.
  const CommandResult near = Run("--needs needs.csv --offers offers.csv --radius-km 10");
  EXPECT_EQ(near.output, "need_id,offer_id,quantity,distance_km\nn1,\"o2, spare\",1,9.581\n");
  EXPECT_EQ(Run("--needs needs.csv --offers offers.csv --radius-km 10").output, near.output);
}

TEST_F(MatchCliTest, BadRowsAreReportedWithLineNumbersAndSkipped) {
  Write("needs.csv",
        "need_id,kind,quantity,priority,lat,lon\n"
        "n1,oxygen,1,90,30.50,114.20\n"
        "n2,oxygen,1,high,30.5,114.3\n"
        "n3,oxygen,1,101,30.5,114.3\n"
        "\n"
        "n1,oxygen,1,10,30.5,114.3\n"
        "n4,oxygen,-2,10,30.5,114.3\n"
        "n5,oxygen,1,20,95,114.3\n"
        "n6,oxygen\n"
        "n7,oxygen,1,20,30.5,east\n");
  Write("offers.csv",
        "offer_id,kind,quantity,lat,lon\no1,oxygen,1,30.50,114.30\n,oxygen,1,30,114\n");
  const CommandResult result = Run("--needs needs.csv --offers offers.csv");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.output, "need_id,offer_id,quantity,distance_km\nn1,o1,1,9.581\n");
  const std::string expected_errors =
      "needs.csv:3: \"priority\" must be a whole number, got \"high\"; skipped\n"
      "needs.csv:4: priority 101 is outside 0 to 100; skipped\n"
      "needs.csv:6: id \"n1\" repeated (first on line 2); skipped\n"
      "needs.csv:7: \"quantity\" cannot be negative (-2); skipped\n"
      "needs.csv:8: invalid coordinates (latitude within -90..90, longitude within -180..180); "
      "skipped\n"
      "needs.csv:9: missing column \"quantity\"; skipped\n"
      "needs.csv:10: \"lon\" must be a number, got \"east\"; skipped\n"
      "offers.csv:3: \"offer_id\" is empty; skipped\n";
  EXPECT_EQ(result.errors.substr(0, expected_errors.size()), expected_errors) << result.errors;
  EXPECT_NE(result.errors.find("bad rows skipped 8;"), std::string::npos) << result.errors;
}

TEST_F(MatchCliTest, MissingFileOrHeaderColumnExitsWithTwo) {
  Write("offers.csv", kOffers);
  const CommandResult missing = Run("--needs absent.csv --offers offers.csv");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.output, "");
  EXPECT_EQ(missing.errors, "Cannot read absent.csv: No such file or directory\n");
  Write("needs.csv", "need_id,kind,quantity,lat,lon\nn1,oxygen,1,30.5,114.3\n");
  const CommandResult no_priority = Run("--needs needs.csv --offers offers.csv");
  EXPECT_EQ(no_priority.exit_code, 2);
  EXPECT_EQ(no_priority.errors, "needs.csv: the header has no column \"priority\".\n");
}

TEST_F(MatchCliTest, HelpDescribesTheContract) {
  const CommandResult help = Run("--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* part :
       {"--needs", "--offers", "--radius-km", "--greedy", "--candidates",
        "need_id,kind,quantity,priority,lat,lon", "offer_id,kind,quantity,lat,lon",
        "need_id,offer_id,quantity,distance_km", "Exit code: 0 ok"}) {
    EXPECT_NE(help.output.find(part), std::string::npos) << part << "\n" << help.output;
  }
  // A usage error (here the missing --needs) exits 2, like an unreadable file.
  const CommandResult usage = Run("--offers x.csv");
  EXPECT_EQ(usage.exit_code, 2) << usage.errors;
  EXPECT_NE(usage.errors.find("--needs"), std::string::npos) << usage.errors;
}

}  // namespace
}  // namespace lifeline
