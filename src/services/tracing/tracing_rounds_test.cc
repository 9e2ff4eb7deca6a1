// Testing rounds on both store backends: districts scheduled in order of the risk the desk's
// recent cases give them, the schedule kept as made, batches whose positives open cases and are
// matched to known people by phone, and the checks on a round's and a batch's fields.

#include <gtest/gtest.h>

#include <string>

#include "services/tracing/tracing_service.h"
#include "services/tracing/tracing_test_support.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Count;
using testing::Jan;
using testing::TestBackends;
using testing::Tracer;

class TracingRoundsTest : public testing::TracingServiceTest {
 protected:
  void AddCase(const std::string& district, UnixMillis confirmed) {
    TracingPersonInput person;
    person.name = "case";
    person.district_code = district;
    person.status = "confirmed";
    person.onset_at = confirmed - 2 * kMillisPerDay;
    person.confirmed_at = confirmed;
    Add(person);
  }

  TracingRoundInput Round() const {
    TracingRoundInput round;
    round.name = "Round 1";
    round.start_date = "2020-01-21";
    round.daily_capacity = 1'000'000;
    round.districts = {{"420111", "Hongshan", 1'600'000},
                       {"420102", "Jiang'an", 900'000},
                       {"420106", "Wuchang", 1'300'000}};
    return round;
  }
};

TEST_P(TracingRoundsTest, DistrictsAreScheduledByTheRiskOfTheirRecentCases) {
  // Jiang'an: 9 recent cases in 900,000 (0.1 per 10,000); Wuchang: 26 in 1,300,000 (0.2);
  // Hongshan: 4 recent and 30 older than 14 days (under 0.03).
  for (int index = 0; index < 9; ++index) AddCase("420102", Jan(15));
  for (int index = 0; index < 26; ++index) AddCase("420106", Jan(10));
  for (int index = 0; index < 4; ++index) AddCase("420111", Jan(19));
  for (int index = 0; index < 30; ++index) AddCase("420111", Jan(5, 23));
  Add("contact", "untested");

  const Result<TracingRound> round = service().CreateRound(Tracer(), Round());
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  ASSERT_EQ(round->districts.size(), 3u);
  EXPECT_EQ(round->districts[0].code, "420106");
  EXPECT_EQ(round->districts[0].cases_14d, 26);
  EXPECT_DOUBLE_EQ(round->districts[0].risk, 0.2);
  EXPECT_EQ(round->districts[1].code, "420102");
  EXPECT_DOUBLE_EQ(round->districts[1].risk, 0.1);
  EXPECT_EQ(round->districts[2].code, "420111");
  EXPECT_EQ(round->districts[2].cases_14d, 4);
  EXPECT_EQ(round->districts[2].name, "Hongshan");
  // 3.8 million tests at a million a day: Wuchang, then Jiang'an, then Hongshan.
  ASSERT_EQ(round->days.size(), 4u);
  EXPECT_EQ(round->days[0].date, "2020-01-21");
  EXPECT_EQ(round->days[0].slots[0].district, "420106");
  EXPECT_EQ(round->days[0].tests, 1'000'000);
  EXPECT_EQ(round->days[1].slots[0].district, "420106");
  EXPECT_EQ(round->days[1].slots[0].tests, 300'000);
  EXPECT_EQ(round->days[1].slots[1].district, "420102");
  EXPECT_EQ(round->days[3].date, "2020-01-24");
  EXPECT_EQ(round->days[3].tests, 800'000);

  // Later cases in Hongshan do not reshuffle the running round.
  for (int index = 0; index < 100; ++index) AddCase("420111", Jan(20));
  const Result<TracingRound> again = service().GetRound(Tracer(), round->id);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->districts[0].code, "420106");
  EXPECT_EQ(again->days.size(), 4u);
  EXPECT_EQ(again->days[1].slots[1].district, "420102");

  const Result<std::vector<TracingRoundSummary>> rounds = service().ListRounds(Tracer());
  ASSERT_TRUE(rounds.ok()) << rounds.status().ToString();
  ASSERT_EQ(rounds->size(), 1u);
  EXPECT_EQ((*rounds)[0].districts, 3);
  EXPECT_EQ((*rounds)[0].population, 3'800'000);
  EXPECT_EQ((*rounds)[0].tested, 0);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'tracing_round'"), 3);
}

TEST_P(TracingRoundsTest, ABatchsPositivesOpenCasesAndKnownPhonesAreTheSamePerson) {
  const Result<TracingRound> round = service().CreateRound(Tracer(), Round());
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  // A contact the desk already knows, with their phone.
  TracingPersonInput contact;
  contact.name = "Liu Yang";
  contact.phone = "138-0013-8000";
  contact.district_code = "420102";
  const std::int64_t known = Add(contact);

  TracingBatchInput batch;
  batch.district_code = "420102";
  batch.batch = "JA-0121-07";
  batch.taken_at = Jan(21, 9);
  batch.tested = 5000;
  batch.positives = {{"Liu Y.", "(138) 0013 8000", "", "pcr", 29.5, std::nullopt},
                     {"Zhao Min", "139 1111 2222", "Building 4", "antigen", std::nullopt, Jan(19)},
                     {"no phone", "", "", "pcr", std::nullopt, std::nullopt}};
  now_ = Jan(21, 12);
  const Result<TracingBatchResult> recorded = service().RecordBatch(Tracer(), round->id, batch);
  ASSERT_TRUE(recorded.ok()) << recorded.status().ToString();
  ASSERT_EQ(recorded->case_ids.size(), 3u);
  EXPECT_EQ(recorded->case_ids[0], known) << "matched by phone, however it is written";

  const Result<TracingRecord> matched = service().Record(Tracer(), known);
  ASSERT_TRUE(matched.ok());
  EXPECT_EQ(matched->person.name, "Liu Yang") << "a known person keeps their name";
  EXPECT_EQ(matched->person.status, "asymptomatic");
  EXPECT_EQ(matched->person.asymptomatic_at, Jan(21, 9));
  ASSERT_EQ(matched->tests.size(), 1u);
  EXPECT_EQ(matched->tests[0].batch, "JA-0121-07");
  EXPECT_EQ(matched->tests[0].ct, 29.5);
  const Result<TracingRecord> added = service().Record(Tracer(), recorded->case_ids[1]);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->person.status, "confirmed") << "an onset makes the positive a confirmed case";
  EXPECT_EQ(added->person.district_code, "420102");
  EXPECT_EQ(added->person.household, "Building 4");
  EXPECT_EQ(added->person.phone, "139 1111 2222");
  EXPECT_EQ(added->tests[0].kind, "antigen");
  EXPECT_EQ(service().Record(Tracer(), recorded->case_ids[2])->person.status, "asymptomatic");

  const Result<TracingRound> after = service().GetRound(Tracer(), round->id);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->batches.size(), 1u);
  EXPECT_EQ(after->batches[0].positives, 3);
  EXPECT_EQ(after->batches[0].case_ids, recorded->case_ids);
  for (const TracingRoundDistrict& district : after->districts) {
    EXPECT_EQ(district.tested, district.code == "420102" ? 5000 : 0) << district.code;
  }
  const Result<std::vector<TracingRoundSummary>> rounds = service().ListRounds(Tracer());
  ASSERT_TRUE(rounds.ok());
  EXPECT_EQ((*rounds)[0].tested, 5000);
  EXPECT_EQ((*rounds)[0].positives, 3);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_people"), 3);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'tracing_round_batch'"), 1);

  // A batch is all or nothing: a bad positive leaves no trace.
  batch.positives.push_back({"", "", "", "pcr", std::nullopt, std::nullopt});
  const Status bad = service().RecordBatch(Tracer(), round->id, batch).status();
  EXPECT_EQ(bad.field(), "positives[3].name");
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_round_batches"), 1);
}

TEST_P(TracingRoundsTest, BadRoundsAndBatchesNameTheField) {
  TracingRoundInput round = Round();
  round.name = " ";
  EXPECT_EQ(service().CreateRound(Tracer(), round).status().field(), "name");
  round = Round();
  round.start_date = "21/01/2020";
  EXPECT_EQ(service().CreateRound(Tracer(), round).status().message_id(), "error.bad_date");
  round.start_date = "2020-02-30";
  EXPECT_EQ(service().CreateRound(Tracer(), round).status().field(), "start_date");
  round = Round();
  round.daily_capacity = 0;
  EXPECT_EQ(service().CreateRound(Tracer(), round).status().message_id(),
            "error.tracing.daily_capacity");
  round = Round();
  round.districts.clear();
  EXPECT_EQ(service().CreateRound(Tracer(), round).status().message_id(),
            "error.tracing.round_no_districts");
  round = Round();
  round.districts.push_back({"420102", "again", 5});
  const Status twice = service().CreateRound(Tracer(), round).status();
  EXPECT_EQ(twice.message_id(), "error.tracing.round_district_twice");
  EXPECT_EQ(twice.field(), "districts[3].code");
  round = Round();
  round.districts[1].population = -1;
  const Status negative = service().CreateRound(Tracer(), round).status();
  EXPECT_EQ(negative.message_id(), "error.tracing.population_negative");
  EXPECT_EQ(negative.field(), "districts[1].population");
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_rounds"), 0);

  const Result<TracingRound> created = service().CreateRound(Tracer(), Round());
  ASSERT_TRUE(created.ok());
  TracingBatchInput batch;
  batch.district_code = "420117";  // not in the round
  batch.batch = "X";
  batch.taken_at = Jan(21);
  batch.tested = 10;
  EXPECT_EQ(service().RecordBatch(Tracer(), created->id, batch).status().message_id(),
            "error.tracing.batch_district");
  batch.district_code = "420102";
  batch.tested = 1;
  batch.positives = {{"a", "", "", "pcr", std::nullopt, std::nullopt},
                     {"b", "", "", "pcr", std::nullopt, std::nullopt}};
  const Status too_few = service().RecordBatch(Tracer(), created->id, batch).status();
  EXPECT_EQ(too_few.message_id(), "error.tracing.batch_tested");
  EXPECT_EQ(too_few.field(), "tested");
  batch.tested = 1'000'000'000;
  EXPECT_EQ(service().RecordBatch(Tracer(), created->id, batch).status().field(), "tested");
  batch.tested = 10;
  batch.positives = {{"a", "138 0000 0000", "", "pcr", std::nullopt, std::nullopt},
                     {"b", "13800000000", "", "pcr", std::nullopt, std::nullopt}};
  EXPECT_EQ(service().RecordBatch(Tracer(), created->id, batch).status().field(),
            "positives[1].phone");
  batch.positives = {{"a", "", "", "swab", std::nullopt, std::nullopt}};
  EXPECT_EQ(service().RecordBatch(Tracer(), created->id, batch).status().field(),
            "positives[0].kind");
  batch.positives.clear();
  EXPECT_EQ(service().RecordBatch(Tracer(), 999, batch).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service().GetRound(Tracer(), 999).status().code(), ErrorCode::kNotFound);
  const Actor doctor{2, "doctor", Role::kDoctor, "req-doctor"};
  EXPECT_EQ(service().CreateRound(doctor, Round()).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(service().ListRounds(doctor).status().code(), ErrorCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(Backends, TracingRoundsTest, ::testing::ValuesIn(TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
