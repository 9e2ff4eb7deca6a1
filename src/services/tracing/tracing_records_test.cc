// The desk's reads on both store backends: the people list (filters, order, codes, paging), a
// person's whole record, the private code link (lookup, replacement, the gate's colour) and the
// exports (exact headers, no phones), each audited.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/tracing/tracing_service.h"
#include "services/tracing/tracing_test_support.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Count;
using testing::Jan;
using testing::TestBackends;
using testing::Tracer;

const Actor kPublic{0, "public", Role::kAngel, "req-public"};

class TracingRecordsTest : public testing::TracingServiceTest {};

std::vector<std::string> Lines(const std::string& csv) {
  std::vector<std::string> lines;
  std::size_t from = 0;
  while (from < csv.size()) {
    const std::size_t end = csv.find("\r\n", from);
    lines.push_back(csv.substr(from, end - from));
    if (end == std::string::npos) break;
    from = end + 2;
  }
  return lines;
}

TEST_P(TracingRecordsTest, TheListFiltersSearchesAndPutsTheNewestCasesFirst) {
  const std::int64_t early = Add("Wang Fang", "confirmed", Jan(3), Jan(5));
  const std::int64_t late = Add("Li Lei", "confirmed", Jan(10), Jan(12));
  TracingPersonInput quiet;
  quiet.name = "Zhang Wei";
  quiet.status = "asymptomatic";
  quiet.asymptomatic_at = Jan(8);
  const std::int64_t asymptomatic = Add(quiet);
  const std::int64_t suspected = Add("Chen Jing", "suspected", Jan(14));
  const std::int64_t contact = Add("wang xiu", "untested");
  Expose(late, contact, "household", Jan(1), Jan(15));

  Result<TracingPeoplePage> cases = service().ListPeople(Tracer(), {});
  ASSERT_TRUE(cases.ok()) << cases.status().ToString();
  EXPECT_EQ(cases->total, 4);
  ASSERT_EQ(cases->people.size(), 4u);
  // Cases by when they became cases, newest first; the suspected case by when it was recorded
  // (the test clock: 20 Jan).
  EXPECT_EQ(cases->people[0].person.id, suspected);
  EXPECT_EQ(cases->people[1].person.id, late);
  EXPECT_EQ(cases->people[2].person.id, asymptomatic);
  EXPECT_EQ(cases->people[3].person.id, early);
  EXPECT_EQ(cases->people[1].code.colour, tracing::CodeColour::kRed);
  EXPECT_EQ(cases->people[1].code.reason, tracing::CodeReason::kConfirmedCase);

  Result<TracingPeoplePage> all = service().ListPeople(Tracer(), {"all", "", 200, 0});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, 5);
  // The contact in quarantine: their code is red.
  const auto contact_row = std::find_if(all->people.begin(), all->people.end(),
                                        [&](const auto& row) { return row.person.id == contact; });
  ASSERT_NE(contact_row, all->people.end());
  EXPECT_EQ(contact_row->code.reason, tracing::CodeReason::kCloseContactInQuarantine);

  // A part of the name in any case, or an exact id; paging keeps the total.
  Result<TracingPeoplePage> wangs = service().ListPeople(Tracer(), {"all", "WANG", 200, 0});
  ASSERT_TRUE(wangs.ok());
  EXPECT_EQ(wangs->total, 2);
  Result<TracingPeoplePage> by_id =
      service().ListPeople(Tracer(), {"all", std::to_string(suspected), 200, 0});
  ASSERT_TRUE(by_id.ok());
  ASSERT_EQ(by_id->people.size(), 1u);
  EXPECT_EQ(by_id->people[0].person.id, suspected);
  Result<TracingPeoplePage> literal = service().ListPeople(Tracer(), {"all", "%", 200, 0});
  ASSERT_TRUE(literal.ok());
  EXPECT_EQ(literal->total, 0) << "'%' is a character, not a wildcard";
  Result<TracingPeoplePage> second = service().ListPeople(Tracer(), {"cases", "", 2, 2});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->total, 4);
  ASSERT_EQ(second->people.size(), 2u);
  EXPECT_EQ(second->people[0].person.id, asymptomatic);
  EXPECT_TRUE(second->people[0].person.phone.empty());

  EXPECT_EQ(service().ListPeople(Tracer(), {"cured", "", 200, 0}).status().field(), "status");
  EXPECT_EQ(service().ListPeople(Tracer(), {"all", "", 1001, 0}).status().field(), "limit");
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM audit_log WHERE entity = 'tracing_person' AND "
                  "action = 'list'"),
            6);
  const Actor nurse{3, "nurse", Role::kNurse, "req-nurse"};
  EXPECT_EQ(service().ListPeople(nurse, {}).status().message_id(), "error.tracing.tracers_only");
}

// The search lowers the name and the text typed with the database's own LOWER. SQLite's lowers
// ASCII letters only, PostgreSQL's the letters its character type knows (only ASCII in the
// fixture's "C", every letter in "C.utf8", as a deployment's usually is): the name as written,
// or with its ASCII letters in another case, is found on every backend.
TEST_P(TracingRecordsTest, ANameWithLettersBeyondAsciiIsFoundAlikeOnBothBackends) {
  const auto check = [&](const std::vector<std::string>& texts) {
    const std::int64_t emile = Add("Émile Zoë", "untested");
    Add("Wang Fang", "untested");
    for (const std::string& text : texts) {
      const Result<TracingPeoplePage> page = service().ListPeople(Tracer(), {"all", text, 200, 0});
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      ASSERT_EQ(page->people.size(), 1u) << text;
      EXPECT_EQ(page->people[0].person.id, emile) << text;
    }
  };
  check({"Émile", "Zoë", "ÉMILE", "MILE Z", "zoë"});
  if (GetParam() != testing::Backend::kPostgres) return;

  Result<std::unique_ptr<testing::ScratchDatabase>> utf8 =
      testing::ScratchDatabase::Create(GetParam(), true, "C.utf8");
  ASSERT_TRUE(utf8.ok()) << utf8.status().ToString();
  service_.reset();
  scratch_ = std::move(*utf8);
  check({"Émile", "Zoë", "ÉMILE", "MILE Z", "zoë", "émile", "ZOË"});
}

TEST_P(TracingRecordsTest, APersonsRecordHoldsTestsBothSidesOfExposuresVisitsAndChecks) {
  const std::int64_t patient = Add("patient", "confirmed", Jan(3), Jan(5));
  const std::int64_t wife = Add("wife", "untested");
  const std::int64_t colleague = Add("colleague", "untested");
  Expose(patient, wife, "household", Jan(1), Jan(5), "home");
  Expose(colleague, wife, "workplace", Jan(2), Jan(3), "office");
  ASSERT_TRUE(service().RecordTest(Tracer(), {wife, "pcr", false, 33.0, Jan(6, 9), "b-1"}).ok());
  ASSERT_TRUE(service().AddVisit(Tracer(), {wife, "market", "Huanan", Jan(2, 8), Jan(2, 9)}).ok());
  ASSERT_TRUE(service().RecordCheck(Tracer(), {wife, Jan(6, 10), "cough", 37.4}).ok());

  const Result<TracingRecord> record = service().Record(Tracer(), wife);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->person.name, "wife");
  ASSERT_EQ(record->tests.size(), 1u);
  EXPECT_EQ(record->tests[0].batch, "b-1");
  EXPECT_EQ(record->tests[0].ct, 33.0);
  ASSERT_EQ(record->exposures.size(), 2u);  // the wife is b in both
  EXPECT_EQ(record->exposures[0].other_id, patient);
  EXPECT_EQ(record->exposures[0].other_status, "confirmed");
  EXPECT_EQ(record->exposures[0].place, "home");
  EXPECT_EQ(record->exposures[1].other_id, colleague);
  EXPECT_EQ(record->exposures[1].other_name, "colleague");
  ASSERT_EQ(record->visits.size(), 1u);
  EXPECT_EQ(record->visits[0].area, "Huanan");
  ASSERT_EQ(record->checks.size(), 1u);
  EXPECT_EQ(record->checks[0].temperature_c, 37.4);
  EXPECT_FALSE(record->code_link.has_value());
  const Result<TracingRecord> seen_from_the_other_side = service().Record(Tracer(), patient);
  ASSERT_TRUE(seen_from_the_other_side.ok());
  ASSERT_EQ(seen_from_the_other_side->exposures.size(), 1u);
  EXPECT_EQ(seen_from_the_other_side->exposures[0].other_id, wife);
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM audit_log WHERE entity = 'tracing_person' AND "
                  "action = 'read'"),
            2);
  EXPECT_EQ(service().Record(Tracer(), 999).status().code(), ErrorCode::kNotFound);
}

TEST_P(TracingRecordsTest, ACodeLinkShowsThePersonTheirCodeAndANewOneReplacesIt) {
  const std::int64_t patient = Add("patient", "confirmed", Jan(3), Jan(5));
  const std::int64_t contact = Add("张三丰", "untested");
  Expose(patient, contact, "household", Jan(1), Jan(15));
  const Result<std::string> token = service().MakeCodeLink(Tracer(), contact);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->size(), 64u);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_code_links WHERE token_key = '" + *token +
                            "' OR token_sealed = '" + *token + "'"),
            0)
      << "the token is never stored in the clear";

  const Result<TracingPublicCode> code = service().CodeByLink(kPublic, *token);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(code->name_masked, "张**");
  EXPECT_EQ(code->now.colour, tracing::CodeColour::kRed);
  EXPECT_EQ(code->now.reason, tracing::CodeReason::kCloseContactInQuarantine);
  EXPECT_EQ(code->now.until, Jan(29));
  EXPECT_FALSE(code->history.empty());
  const Result<tracing::CodeColour> gate = service().GateByLink(kPublic, *token);
  ASSERT_TRUE(gate.ok());
  EXPECT_EQ(*gate, tracing::CodeColour::kRed);
  EXPECT_EQ(Count(db(),
                  "SELECT COUNT(*) FROM audit_log WHERE entity = 'health_code' AND actor_username "
                  "= 'public' AND entity_id = '" +
                      std::to_string(contact) + "' AND reason IN ('code link', 'gate check')"),
            2);

  // The tracers see the link in the record; a new one replaces it.
  EXPECT_EQ(service().Record(Tracer(), contact)->code_link, *token);
  const Result<std::string> renewed = service().MakeCodeLink(Tracer(), contact);
  ASSERT_TRUE(renewed.ok());
  EXPECT_NE(*renewed, *token);
  EXPECT_EQ(service().CodeByLink(kPublic, *token).status().message_id(),
            "error.tracing.code_link_unknown");
  EXPECT_EQ(service().GateByLink(kPublic, *token).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(service().CodeByLink(kPublic, *renewed).ok());
  EXPECT_EQ(service().Record(Tracer(), contact)->code_link, *renewed);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM tracing_code_links"), 1);

  EXPECT_EQ(service().CodeByLink(kPublic, "short").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service().CodeByLink(kPublic, std::string(64, 'a')).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(service().MakeCodeLink(Tracer(), 999).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service().MakeCodeLink(kPublic, contact).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'tracing_code_link'"), 2);
}

TEST_P(TracingRecordsTest, ACodeLinkIsReadWithoutOpeningThePhone) {
  TracingPersonInput person;
  person.name = "Li Lei";
  person.phone = "138 0013 8000";
  const std::int64_t id = Add(person);
  const Result<std::string> token = service().MakeCodeLink(Tracer(), id);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  // A sealed phone that cannot be opened (here: damaged) shows whether a read opens it.
  const std::string damage =
      "UPDATE tracing_people SET phone_sealed = 'damaged' WHERE id = " + std::to_string(id);
  ASSERT_TRUE(
      db().Transaction(TransactionMode::kWrite,
                       [&](Connection& connection) { return connection.Execute(damage).status(); })
          .ok());
  ASSERT_FALSE(service().Record(Tracer(), id).ok()) << "the tracers' read opens the phone";
  const Result<TracingPublicCode> code = service().CodeByLink(kPublic, *token);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(code->name_masked, "L*****");
  EXPECT_TRUE(service().GateByLink(kPublic, *token).ok());
  EXPECT_TRUE(service().MakeCodeLink(Tracer(), id).ok());
}

TEST_P(TracingRecordsTest, ExportsCarryTheirExactHeadersAndNoPhones) {
  TracingPersonInput patient;
  patient.name = "Patient P";
  patient.phone = "+86 138 0013 8000";
  patient.district_code = "420103";
  patient.status = "confirmed";
  patient.onset_at = Jan(3, 7);
  patient.confirmed_at = Jan(4, 20);  // 5 Jan, 04:00 in Wuhan: the report's date is Wuhan's
  const std::int64_t patient_id = Add(patient);
  TracingPersonInput wife;
  wife.name = "=wife, \"W\"";
  wife.phone = "139 0000 1111";
  wife.district_code = "420103";
  const std::int64_t wife_id = Add(wife);
  Expose(patient_id, wife_id, "household", Jan(1), Jan(15), "home");
  ASSERT_TRUE(
      service().AddVisit(Tracer(), {wife_id, "market", "Huanan", Jan(2, 8), Jan(2, 9)}).ok());

  const Result<std::string> follow_ups = service().FollowUpsCsv(Tracer());
  ASSERT_TRUE(follow_ups.ok()) << follow_ups.status().ToString();
  std::vector<std::string> lines = Lines(*follow_ups);
  ASSERT_EQ(lines.size(), 2u) << *follow_ups;
  EXPECT_EQ(lines[0], "person_id,name,district_code,quarantine_start,quarantine_end,overdue_tasks");
  // Quarantine from the exposure's end, 14 days; by 20 Jan the checks of days 1 to 5 and the
  // test of day 1 are overdue. The name that looks like a formula is defused, then quoted.
  EXPECT_EQ(lines[1],
            std::to_string(wife_id) +
                ",\"'=wife, \"\"W\"\"\",420103,2020-01-15T00:00:00Z,2020-01-29T00:00:00Z,6");

  const Result<std::string> cases = service().CasesCsv(Tracer());
  ASSERT_TRUE(cases.ok()) << cases.status().ToString();
  lines = Lines(*cases);
  ASSERT_EQ(lines.size(), 2u) << *cases;
  EXPECT_EQ(lines[0], "person_id,status,district_code,onset_date,confirmed_date");
  EXPECT_EQ(lines[1], std::to_string(patient_id) + ",confirmed,420103,2020-01-03,2020-01-05");

  for (const std::string* csv : {&*follow_ups, &*cases}) {
    EXPECT_EQ(csv->find("138"), std::string::npos) << *csv;
    EXPECT_EQ(csv->find("139"), std::string::npos) << *csv;
    EXPECT_EQ(csv->find("market"), std::string::npos) << *csv;
    EXPECT_EQ(csv->find("home"), std::string::npos) << *csv;
  }
  EXPECT_EQ(cases->find("Patient"), std::string::npos) << "no names in the case report";
  EXPECT_EQ(Count(db(), "SELECT COUNT(*) FROM audit_log WHERE action = 'export'"), 2);
  const Actor planner{4, "planner", Role::kPlanner, "req-planner"};
  EXPECT_EQ(service().CasesCsv(planner).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(service().FollowUpsCsv(planner).status().code(), ErrorCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(Backends, TracingRecordsTest, ::testing::ValuesIn(TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
