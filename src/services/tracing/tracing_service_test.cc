// The tracing desk's records on both store backends: only tracers and admins get in, every read
// and change is audited, phones are sealed, a positive test opens a case, the chains and health
// codes come from what is stored.

#include "services/tracing/tracing_service.h"

#include <gtest/gtest.h>

#include <string>

#include "services/tracing/tracing_test_support.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Count;
using testing::Jan;
using testing::TestBackends;
using testing::Tracer;
using testing::TracingServiceTest;

TEST_P(TracingServiceTest, TheSupermarketStoryFromTheStoreNamesTheCarrier) {
  const std::int64_t a = Add("A", "confirmed", Jan(14), Jan(16));
  const std::int64_t b = Add("B", "confirmed", Jan(16), Jan(18));
  const std::int64_t c = Add("C", "confirmed", Jan(17), Jan(19));
  const std::int64_t d = Add("D", "untested");
  const std::int64_t e = Add("E", "suspected", Jan(17));
  Add("F", "untested");  // named by no chain
  ASSERT_TRUE(service().AddVisit(Tracer(), {d, "Wuhan", "Wuhan", Jan(1), Jan(7, 12), true}).ok());
  for (int day = 2; day <= 13; ++day) {
    ASSERT_TRUE(service()
                    .AddVisit(Tracer(), {a, "supermarket", "Jianghan", Jan(day, 8), Jan(day, 18)})
                    .ok());
  }
  ASSERT_TRUE(
      service().AddVisit(Tracer(), {d, "supermarket", "Jianghan", Jan(8, 10), Jan(8, 11)}).ok());
  Expose(b, c, "household", Jan(1), Jan(20), "home");
  Expose(d, b, "shared_meal", Jan(8, 18), Jan(8, 23), "family dinner");
  Expose(d, c, "shared_meal", Jan(9, 18), Jan(9, 23), "family dinner");
  Expose(a, e, "workplace", Jan(2), Jan(16), "supermarket");

  const Result<TracingChains> answer = service().Chains(Tracer());
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  const tracing::ChainReport* report = &answer->report;
  ASSERT_EQ(report->chains.size(), 4u);  // A, B, C and E have onsets
  for (const tracing::CaseChain& chain : report->chains) {
    ASSERT_FALSE(chain.candidates.empty()) << chain.case_id;
    EXPECT_EQ(chain.candidates[0].infector, chain.case_id == e ? a : d) << chain.case_id;
  }
  ASSERT_EQ(report->hidden_sources.size(), 1u);
  EXPECT_EQ(report->hidden_sources[0].person, d);
  EXPECT_EQ(report->hidden_sources[0].cases, (std::vector<std::int64_t>{a, b, c}));
  // The people the chains name, by id, to label the graph; F is left out.
  std::vector<std::int64_t> named;
  for (const TracingChainPerson& person : answer->people) named.push_back(person.id);
  ASSERT_EQ(named, (std::vector<std::int64_t>{a, b, c, d, e}));
  EXPECT_EQ(answer->people[0].name, "A");
  EXPECT_EQ(answer->people[0].status, "confirmed");
  EXPECT_EQ(answer->people[0].onset_at, Jan(14));
  EXPECT_EQ(answer->people[0].confirmed_at, Jan(16));
  EXPECT_EQ(answer->people[3].name, "D");
  EXPECT_EQ(answer->people[3].status, "untested");
  EXPECT_EQ(answer->people[3].onset_at, std::nullopt);
  EXPECT_EQ(answer->people[4].status, "suspected");
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'tracing_chain'"), 1);

  // D, named by the engine and then tested positive without symptoms, becomes a case.
  ASSERT_TRUE(service().RecordTest(Tracer(), {d, "pcr", true, 31.5, Jan(20), "round-1"}).ok());
  const Result<TracingRecord> carrier = service().Record(Tracer(), d);
  ASSERT_TRUE(carrier.ok());
  EXPECT_EQ(carrier->person.status, "asymptomatic");
  EXPECT_EQ(carrier->person.asymptomatic_at, Jan(20));
}

TEST_P(TracingServiceTest, CodesFollowQuarantineCompanionTestsAndAreas) {
  const std::int64_t confirmed = Add("case", "confirmed", Jan(3), Jan(5));
  const std::int64_t contact = Add("contact", "untested");
  const std::int64_t companion = Add("companion", "untested");
  const std::int64_t traveller = Add("traveller", "untested");
  Expose(confirmed, contact, "household", Jan(1), Jan(5));
  now_ = Jan(6);
  Expose(confirmed, companion, "companion", Jan(2, 8), Jan(2, 9));
  ASSERT_TRUE(
      service().AddVisit(Tracer(), {traveller, "Wuhan", "Wuhan", Jan(1), Jan(4), true}).ok());

  const auto code = [&](std::int64_t person) {
    const Result<TracingCode> found = service().Code(Tracer(), person);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? found->now : tracing::HealthCode{};
  };
  EXPECT_EQ(code(confirmed).reason, tracing::CodeReason::kConfirmedCase);
  EXPECT_EQ(code(contact).reason, tracing::CodeReason::kCloseContactInQuarantine);
  EXPECT_EQ(code(contact).until, Jan(19));
  EXPECT_EQ(code(companion).reason, tracing::CodeReason::kCompanionAwaitingTests);
  EXPECT_EQ(code(traveller).reason, tracing::CodeReason::kHighRiskAreaStay);

  // Two negatives a day apart turn the companion green.
  ASSERT_TRUE(service().RecordTest(Tracer(), {companion, "pcr", false, {}, Jan(6, 9), ""}).ok());
  now_ = Jan(7, 10);
  ASSERT_TRUE(
      service().RecordTest(Tracer(), {companion, "antigen", false, {}, Jan(7, 9), ""}).ok());
  EXPECT_EQ(code(companion).colour, tracing::CodeColour::kGreen);
  const Result<TracingCode> history = service().Code(Tracer(), companion);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->history.size(), 2u);
  EXPECT_EQ(history->history[0].colour, tracing::CodeColour::kYellow);
  EXPECT_EQ(history->history[1].at, Jan(7, 9));
  // Every code read is audited.
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'health_code'"), 7);
}

TEST_P(TracingServiceTest, RingsAndRiskAreasComeFromTheStore) {
  const std::int64_t patient = Add("patient", "confirmed", Jan(3), Jan(5));
  const std::int64_t wife = Add("wife", "untested");
  const std::int64_t colleague = Add("colleague", "untested");
  const std::int64_t colleagues_son = Add("son", "untested");
  Expose(patient, wife, "household", Jan(1), Jan(5));
  Expose(patient, colleague, "workplace", Jan(2), Jan(4));
  Expose(colleague, colleagues_son, "household", Jan(1), Jan(6));
  const Result<std::vector<tracing::Ring>> rings = service().Rings(Tracer(), {patient}, 300);
  ASSERT_TRUE(rings.ok()) << rings.status().ToString();
  ASSERT_EQ(rings->size(), 3u);
  EXPECT_EQ((*rings)[0].people, (std::vector<std::int64_t>{wife, colleague}));
  EXPECT_EQ((*rings)[1].people, (std::vector<std::int64_t>{colleagues_son}));
  EXPECT_DOUBLE_EQ((*rings)[1].investigator_days, 250);
  EXPECT_EQ(service().Rings(Tracer(), {999}, 300).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service().Rings(Tracer(), {patient}, 0).status().field(), "tracers_on_duty");

  // The patient's compound is medium risk for 14 days after the visit; a contact's visit does
  // not count.
  ASSERT_TRUE(
      service().AddVisit(Tracer(), {patient, "home", "Baibuting", Jan(2, 8), Jan(2, 20)}).ok());
  ASSERT_TRUE(service().AddVisit(Tracer(), {wife, "market", "Huanan", Jan(2, 8), Jan(2, 9)}).ok());
  now_ = Jan(10);
  Result<std::vector<tracing::AreaRisk>> areas = service().RiskAreas(Tracer());
  ASSERT_TRUE(areas.ok()) << areas.status().ToString();
  ASSERT_EQ(areas->size(), 1u);
  EXPECT_EQ((*areas)[0].area, "Baibuting");
  EXPECT_EQ((*areas)[0].level, tracing::RiskLevel::kMedium);
  EXPECT_EQ((*areas)[0].until, Jan(16, 8));
  now_ = Jan(17);
  areas = service().RiskAreas(Tracer());
  ASSERT_TRUE(areas.ok());
  EXPECT_EQ((*areas)[0].level, tracing::RiskLevel::kLow);
}

TEST_P(TracingServiceTest, ContactsInQuarantineHaveTheirFollowUpAndOverdueTasks) {
  const std::int64_t patient = Add("patient", "confirmed", Jan(3), Jan(5));
  const std::int64_t wife = Add("wife", "untested");
  const std::int64_t neighbour = Add("neighbour", "untested");
  const std::int64_t companion = Add("companion", "untested");
  Expose(patient, wife, "household", Jan(1), Jan(5));
  Expose(patient, neighbour, "shared_meal", Jan(2, 18), Jan(2, 20));
  Expose(patient, companion, "companion", Jan(2, 8), Jan(2, 9));
  // The wife checks in every day and took the day-1 and day-4 tests; the neighbour only once.
  for (int day = 5; day <= 9; ++day) {
    ASSERT_TRUE(service().RecordCheck(Tracer(), {wife, Jan(day, 9), "", 36.6}).ok());
  }
  ASSERT_TRUE(service().RecordTest(Tracer(), {wife, "pcr", false, {}, Jan(5, 10), ""}).ok());
  ASSERT_TRUE(service().RecordTest(Tracer(), {wife, "pcr", false, {}, Jan(8, 10), ""}).ok());
  ASSERT_TRUE(service().RecordCheck(Tracer(), {neighbour, Jan(3, 9), "cough", 37.9}).ok());
  now_ = Jan(10, 12);
  const Result<std::vector<TracingFollowUp>> follow_ups = service().FollowUps(Tracer());
  ASSERT_TRUE(follow_ups.ok()) << follow_ups.status().ToString();
  ASSERT_EQ(follow_ups->size(), 2u);  // the companion is no close contact
  // The neighbour first: overdue. Quarantine from the meal, 14 days.
  const TracingFollowUp& neighbours = (*follow_ups)[0];
  EXPECT_EQ(neighbours.person_id, neighbour);
  EXPECT_EQ(neighbours.quarantine.start, Jan(2, 20));
  EXPECT_EQ(neighbours.quarantine.end, Jan(16, 20));
  EXPECT_FALSE(neighbours.overdue.empty());
  const TracingFollowUp& wifes = (*follow_ups)[1];
  EXPECT_EQ(wifes.person_id, wife);
  EXPECT_EQ(wifes.quarantine.start, Jan(5));
  EXPECT_TRUE(wifes.overdue.empty());
  EXPECT_EQ(wifes.tasks.size(), 14u + 4u);
  EXPECT_EQ(service().RecordCheck(Tracer(), {wife, Jan(9), "", 60.0}).status().field(),
            "temperature_c");
}

TEST_P(TracingServiceTest, OnlyTracersAndAdminsGetInAndPhonesAreSealed) {
  TracingPersonInput person;
  person.name = "Li";
  person.phone = "+86 138-0013-8000";
  const Result<TracingPerson> added = service().AddPerson(Tracer(), person);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->phone, "+86 138-0013-8000");
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_people WHERE phone_sealed LIKE '%138-0013%'"),
            0);

  const Actor admin{1, "admin", Role::kAdmin, "req-admin"};
  const Result<TracingRecord> read = service().Record(admin, added->id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->person.phone, "+86 138-0013-8000");
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM audit_log WHERE entity = 'tracing_person' AND "
                  "action = 'read'"),
            1);
  for (const Role role : AllRoles()) {
    if (role == Role::kTracer || role == Role::kAdmin) continue;
    const Actor other{5, "other", role, "req-other"};
    EXPECT_EQ(service().Record(other, added->id).status().message_id(),
              "error.tracing.tracers_only");
    EXPECT_EQ(service().Chains(other).status().code(), ErrorCode::kPermissionDenied);
    EXPECT_EQ(service().AddPerson(other, person).status().code(), ErrorCode::kPermissionDenied);
  }
}

TEST_P(TracingServiceTest, BadInputNamesTheField) {
  TracingPersonInput person;
  EXPECT_EQ(service().AddPerson(Tracer(), person).status().field(), "name");
  person.name = "X";
  person.status = "cured";
  EXPECT_EQ(service().AddPerson(Tracer(), person).status().field(), "status");
  person.status = "confirmed";
  EXPECT_EQ(service().AddPerson(Tracer(), person).status().field(), "confirmed_at");
  person.status = "untested";
  person.phone = "12";
  EXPECT_EQ(service().AddPerson(Tracer(), person).status().field(), "phone");
  person.phone = "";
  person.onset_at = 5;  // 1970
  EXPECT_EQ(service().AddPerson(Tracer(), person).status().field(), "onset_at");
  const std::int64_t one = Add("one", "untested");
  EXPECT_EQ(service()
                .AddExposure(Tracer(), {one, one, "household", Jan(1), Jan(2), "", ""})
                .status()
                .field(),
            "b_id");
  EXPECT_EQ(service()
                .AddExposure(Tracer(), {one, 999, "household", Jan(1), Jan(2), "", ""})
                .status()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(
      service().AddExposure(Tracer(), {one, 999, "hug", Jan(1), Jan(2), "", ""}).status().field(),
      "kind");
  EXPECT_EQ(service().AddVisit(Tracer(), {one, "shop", "", Jan(2), Jan(1), false}).status().field(),
            "end_at");
  EXPECT_EQ(service().RecordTest(Tracer(), {one, "pcr", false, 80.0, Jan(1), ""}).status().field(),
            "ct");
  EXPECT_EQ(service().Record(Tracer(), 999).status().code(), ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, TracingServiceTest, ::testing::ValuesIn(TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
