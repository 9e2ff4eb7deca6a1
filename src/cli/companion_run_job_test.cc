// The runner of companion runs against the command line on a small synthetic city: its findings
// are the rows `lifeline companions` writes, each evidence is what `lifeline companions explain`
// prints for the pair, whatever the thread count and whether from CSV or a store; progress goes
// through the stages, a stop is heard (while loading, at the next chunk of records.csv), unreadable
// data is an error carrying what was said.

#include "cli/companion_run_job.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_file_test.h"
#include "engines/companions/synthetic_city.h"

namespace lifeline {
namespace {

using testing::CommandResult;

// Pairs whose evidence is checked against `companions explain`, each a run of the binary.
constexpr std::size_t kPairsExplained = 20;

class CompanionRunJobTest : public testing::CliFileTest {
 protected:
  CompanionRunJobTest() : CliFileTest("companions") {}

  void SetUp() override {
    CliFileTest::SetUp();
    companions::SyntheticCityOptions options;
    options.phones = 400;
    options.cases = 4;
    options.towers = 300;
    options.seed = 11;
    options.threads = 1;
    Result<companions::SyntheticCity> city = companions::SyntheticCity::Build(options);
    ASSERT_TRUE(city.ok()) << city.status().ToString();
    Write("cells.csv", city->CellsCsv());
    Write("cases.csv", city->CasesCsv());
    std::ofstream records(dir_ + "/records.csv", std::ios::binary);
    ASSERT_TRUE(city->StreamRecordsCsv([&](std::string_view block) {
                      records.write(block.data(), static_cast<std::streamsize>(block.size()));
                      return static_cast<bool>(records);
                    })
                    .complete);
    for (const companions::SyntheticCase& confirmed : city->cases()) {
      cases_.push_back({static_cast<std::int64_t>(cases_.size() + 1),
                        std::string(city->PhoneNumber(confirmed.phone)), confirmed.confirmed_at});
    }
  }

  CompanionJob Job() const {
    CompanionJob job;
    job.cells_path = dir_ + "/cells.csv";
    job.records_path = dir_ + "/records.csv";
    job.cases = cases_;
    job.gap_s = 3600;
    job.locale = "en";
    return job;
  }

  // The pairs CSV `lifeline companions` would write for these findings.
  static std::string PairsCsv(const std::vector<CompanionFinding>& findings) {
    std::string csv = "case_phone,companion_phone,co_stays,longest_overlap_s,first_overlap_start\n";
    for (const CompanionFinding& finding : findings) {
      csv += finding.case_phone + "," + finding.companion_phone + "," +
             std::to_string(finding.co_stays) + "," + std::to_string(finding.longest_overlap_s) +
             "," + std::to_string(finding.first_overlap_start) + "\n";
    }
    return csv;
  }

  static bool Continue(CompanionStage, std::int64_t, std::int64_t) { return true; }

  std::vector<CompanionJobCase> cases_;
};

TEST_F(CompanionRunJobTest, FindingsAreTheCommandLinesPairsAndEvidenceItsExplanations) {
  std::vector<std::string> stages;
  std::int64_t explained = -1;
  std::int64_t to_explain = -1;
  const CompanionProgress progress = [&](CompanionStage stage, std::int64_t done,
                                         std::int64_t total) {
    if (stages.empty() || stages.back() != CompanionStageName(stage)) {
      stages.push_back(CompanionStageName(stage));
    }
    if (stage == CompanionStage::kExplaining) {
      explained = done;
      to_explain = total;
    }
    EXPECT_LE(done, total) << CompanionStageName(stage);
    return true;
  };
  const Result<CompanionJobResult> result = MakeCompanionRunner(2)(Job(), progress);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_GE(result->findings.size(), 3u) << "the city should have companions";
  EXPECT_EQ(stages, (std::vector<std::string>{"loading", "finding", "explaining"}));
  EXPECT_EQ(explained, static_cast<std::int64_t>(result->findings.size()));
  EXPECT_EQ(to_explain, explained);
  EXPECT_GT(result->rows_read, 0);
  EXPECT_EQ(result->bad_rows, 0);

  const CommandResult listed =
      Run("--cells cells.csv --records records.csv --cases cases.csv --threads 2");
  ASSERT_EQ(listed.exit_code, 0) << listed.errors;
  EXPECT_EQ(PairsCsv(result->findings), listed.output);

  // Each explanation is a run of the binary: pairs spread evenly, the first and the last included.
  const std::size_t last = result->findings.size() - 1;
  std::set<std::size_t> explained_pairs;
  for (std::size_t step = 0; step < kPairsExplained; ++step) {
    explained_pairs.insert(step * last / (kPairsExplained - 1));
  }
  for (const std::size_t idx : explained_pairs) {
    const CompanionFinding& finding = result->findings[idx];
    SCOPED_TRACE(finding.case_phone + " " + finding.companion_phone);
    const CommandResult explained_pair =
        Run("explain --cells cells.csv --records records.csv --cases cases.csv --case " +
            finding.case_phone + " --companion " + finding.companion_phone);
    ASSERT_EQ(explained_pair.exit_code, 0) << explained_pair.errors;
    EXPECT_EQ(finding.evidence, explained_pair.output);
    // The exposure is the first qualifying co-stay's overlap.
    EXPECT_EQ(finding.overlap_start, finding.first_overlap_start);
    EXPECT_GT(finding.overlap_end - finding.overlap_start, companions::kDefaultOverlapSeconds);
    EXPECT_LE(finding.overlap_end - finding.overlap_start, finding.longest_overlap_s);
    const std::string overlap_seconds =
        ", " + std::to_string(finding.overlap_end - finding.overlap_start) + " s\n";
    EXPECT_NE(finding.evidence.find(overlap_seconds), std::string::npos) << finding.evidence;
  }

  // The thread count never changes what is found; nor does reading a store instead.
  const Result<CompanionJobResult> one_thread = MakeCompanionRunner(1)(Job(), Continue);
  ASSERT_TRUE(one_thread.ok());
  EXPECT_EQ(PairsCsv(one_thread->findings), listed.output);
  const CommandResult ingested =
      RunCommand("companions", "ingest --cells cells.csv --records records.csv --store city.runs");
  ASSERT_EQ(ingested.exit_code, 0) << ingested.errors;
  CompanionJob from_store = Job();
  from_store.cells_path.clear();
  from_store.records_path.clear();
  from_store.store_path = dir_ + "/city.runs";
  const Result<CompanionJobResult> stored = MakeCompanionRunner(2)(from_store, Continue);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_EQ(stored->findings.size(), result->findings.size());
  EXPECT_EQ(PairsCsv(stored->findings), listed.output);
  EXPECT_EQ(stored->findings.front().evidence, result->findings.front().evidence);

  // Another gap is the command line's --gap.
  CompanionJob short_gap = Job();
  short_gap.gap_s = 600;
  const Result<CompanionJobResult> shorter = MakeCompanionRunner(2)(short_gap, Continue);
  ASSERT_TRUE(shorter.ok());
  EXPECT_EQ(PairsCsv(shorter->findings),
            Run("--cells cells.csv --records records.csv --cases cases.csv --gap 600").output);
}

TEST_F(CompanionRunJobTest, BadRowsAndCasesWithoutRecordsAreInTheLog) {
  std::ofstream(dir_ + "/records.csv", std::ios::app) << "13800000000,NOWHERE,1669900000\n";
  CompanionJob job = Job();
  job.cases.push_back({99, "13000000000", job.cases.front().confirmed_at_s});
  const Result<CompanionJobResult> result = MakeCompanionRunner(2)(job, Continue);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->bad_rows, 1);
  EXPECT_NE(result->log.find("unknown tower \"NOWHERE\"; skipped"), std::string::npos)
      << result->log;
  EXPECT_NE(result->log.find("Note: case 99 has no records in these data, so no companions."),
            std::string::npos)
      << result->log;
}

TEST_F(CompanionRunJobTest, UnreadableDataIsAnErrorSayingWhyAndAStopIsHeard) {
  CompanionJob job = Job();
  job.records_path = dir_ + "/missing.csv";
  const Result<CompanionJobResult> missing = MakeCompanionRunner(1)(job, Continue);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message_id(), "error.tracing.companion_runs.unreadable");
  EXPECT_EQ(missing.status().args(), (MessageArgs{{"detail", "Cannot read " + dir_ +
                                                                 "/missing.csv: No such file or "
                                                                 "directory"}}));

  const CompanionProgress stop_when_finding = [](CompanionStage stage, std::int64_t, std::int64_t) {
    return stage != CompanionStage::kFinding;
  };
  const Result<CompanionJobResult> stopped = MakeCompanionRunner(1)(Job(), stop_when_finding);
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.status().message_id(), "error.tracing.companion_runs.stopped");
}

TEST_F(CompanionRunJobTest, AStopWhileLoadingEndsTheParseAtTheNextChunk) {
  // records.csv over several of the ingest's chunks (4 MiB each): the city's rows again and again.
  constexpr std::size_t kLargeRecordsBytes = std::size_t{13} << 20;
  std::ifstream small(dir_ + "/records.csv", std::ios::binary);
  std::string header;
  std::getline(small, header);
  const std::string rows((std::istreambuf_iterator<char>(small)), {});
  ASSERT_FALSE(rows.empty());
  {
    std::ofstream large(dir_ + "/large.csv", std::ios::binary);
    large << header << '\n';
    for (std::size_t written = 0; written < kLargeRecordsBytes; written += rows.size()) {
      large << rows;
    }
  }
  CompanionJob job = Job();
  job.records_path = dir_ + "/large.csv";
  std::vector<std::int64_t> parsed;  // bytes done at each report of the parse
  std::int64_t total = 0;
  const CompanionProgress stop_once_parsing = [&](CompanionStage stage, std::int64_t done,
                                                  std::int64_t all) {
    if (stage != CompanionStage::kLoading || done == 0) return true;
    parsed.push_back(done);
    total = all;
    return false;
  };
  const Result<CompanionJobResult> stopped = MakeCompanionRunner(1)(job, stop_once_parsing);
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.status().message_id(), "error.tracing.companion_runs.stopped");
  // One chunk parsed, the rest of the file not.
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_LT(parsed[0] * 3, total);
}

}  // namespace
}  // namespace lifeline
