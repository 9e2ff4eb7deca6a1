#include "services/tracing/tracing_internal.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "core/crypto.h"
#include "core/validation.h"

namespace lifeline::tracing_internal {
namespace {

constexpr UnixMillis kEarliest = 946684800000;  // 2000-01-01
constexpr UnixMillis kLatest = 4102444800000;   // 2100-01-01
constexpr double kMaxCt = 50;

const std::vector<std::string_view> kStatuses(std::begin(kTracingStatuses),
                                              std::end(kTracingStatuses));
const std::vector<std::string_view> kKinds(std::begin(kExposureKinds), std::end(kExposureKinds));
const std::vector<std::string_view> kTestKinds{"antigen", "pcr"};

}  // namespace

const std::string kCasesAndSuspectedSql = "('confirmed', 'asymptomatic', 'suspected')";

const char* const kPersonColumns =
    "id, name, phone_sealed, household, district_code, status, onset_at, confirmed_at, "
    "asymptomatic_at, released_at, created_at, updated_at";

Status CheckInstant(std::string_view field, std::optional<UnixMillis> at) {
  if (at && (*at < kEarliest || *at > kLatest)) return FieldInvalid(field, "2000..2100");
  return Status::Ok();
}

Status CheckSpan(UnixMillis start, UnixMillis end) {
  RETURN_IF_ERROR(CheckInstant("start_at", start));
  RETURN_IF_ERROR(CheckInstant("end_at", end));
  if (end < start) return FieldInvalid("end_at", ">= start_at");
  return Status::Ok();
}

Value Nullable(std::optional<UnixMillis> at) { return at ? Value(*at) : Value(nullptr); }

std::optional<UnixMillis> CaseSince(std::optional<UnixMillis> confirmed_at,
                                    std::optional<UnixMillis> asymptomatic_at) {
  if (confirmed_at && asymptomatic_at) return std::min(*confirmed_at, *asymptomatic_at);
  return confirmed_at ? confirmed_at : asymptomatic_at;
}

const std::vector<std::string_view>& ExposureKindChoices() { return kKinds; }

tracing::PersonStatus EngineStatus(std::string_view status) {
  if (status == "confirmed") return tracing::PersonStatus::kConfirmed;
  if (status == "asymptomatic") return tracing::PersonStatus::kAsymptomatic;
  if (status == "suspected") return tracing::PersonStatus::kSuspected;
  if (status == "negative") return tracing::PersonStatus::kNegative;
  return tracing::PersonStatus::kUntested;
}

tracing::ExposureKind EngineKind(std::string_view kind) {
  const auto found = std::find(kKinds.begin(), kKinds.end(), kind);
  return static_cast<tracing::ExposureKind>(found - kKinds.begin());
}

Result<TracingPerson> PersonFromRow(const Row& row, const std::string& key, bool open_phone) {
  TracingPerson person;
  person.id = row.Int(0);
  person.name = row.Text(1);
  if (open_phone && !row.Text(2).empty()) {
    ASSIGN_OR_RETURN(person.phone, OpenSealedText(key, row.Text(2)));
  }
  person.household = row.Text(3);
  person.district_code = row.Text(4);
  person.status = row.Text(5);
  person.onset_at = row.OptionalInt(6);
  person.confirmed_at = row.OptionalInt(7);
  person.asymptomatic_at = row.OptionalInt(8);
  person.released_at = row.OptionalInt(9);
  person.created_at = row.Int(10);
  person.updated_at = row.Int(11);
  return person;
}

Result<TracingPerson> LoadPerson(Connection& connection, std::int64_t id, const std::string& key,
                                 bool open_phone) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query(
          std::string("SELECT ") + kPersonColumns + " FROM tracing_people WHERE id = $1", {id}));
  if (found.rows.empty()) return RecordNotFound("tracing_person", id);
  return PersonFromRow(found.rows[0], key, open_phone);
}

std::string Placeholders(std::size_t first, std::size_t count) {
  std::string list;
  for (std::size_t index = 0; index < count; ++index) {
    if (index > 0) list.append(", ", 2);
    const std::string number = std::to_string(first + index);
    list.push_back('$');
    list.append(number.data(), number.size());
  }
  return list;
}

Result<std::unordered_map<std::int64_t, tracing::CodeFacts>> LoadCodeFacts(
    Connection& connection, const std::vector<TracingPerson>& people) {
  std::unordered_map<std::int64_t, tracing::CodeFacts> facts;
  if (people.empty()) return facts;
  std::vector<Value> ids;
  for (const TracingPerson& person : people) {
    tracing::CodeFacts& known = facts[person.id];
    known.confirmed_at = person.confirmed_at;
    known.asymptomatic_at = person.asymptomatic_at;
    known.released_at = person.released_at;
    ids.emplace_back(person.id);
  }
  const std::string placeholders = Placeholders(1, ids.size());
  std::string in(1, '(');
  in.append(placeholders.data(), placeholders.size());
  in.push_back(')');
  // Exposures to someone who is a case: a close contact's (quarantine counted from the last
  // moment together), or a companion's (named when the engine's result was recorded). Each row
  // counts for whichever side is one of `people` while the other is a case.
  ASSIGN_OR_RETURN(
      const QueryResult exposures,
      connection.Query("SELECT e.a_id, e.b_id, e.kind, e.end_at, e.created_at, a.status, "
                       "b.status FROM tracing_exposures e "
                       "JOIN tracing_people a ON a.id = e.a_id "
                       "JOIN tracing_people b ON b.id = e.b_id "
                       "WHERE e.a_id IN " +
                           in + " OR e.b_id IN " + in,
                       ids));
  for (const Row& row : exposures.rows) {
    const auto count_for = [&](std::int64_t person, const std::string& other_status) {
      const auto found = facts.find(person);
      if (found == facts.end() || !IsCaseStatus(other_status)) return;
      if (row.Text(2) == "companion") {
        found->second.companion_flags.push_back(row.Int(4));
      } else {
        found->second.close_contact_exposures.push_back(row.Int(3));
      }
    };
    count_for(row.Int(0), row.Text(6));
    count_for(row.Int(1), row.Text(5));
  }
  ASSIGN_OR_RETURN(const QueryResult tests,
                   connection.Query("SELECT person_id, taken_at, positive FROM tracing_tests "
                                    "WHERE person_id IN " +
                                        in,
                                    ids));
  for (const Row& row : tests.rows) {
    facts[row.Int(0)].tests.push_back({row.Int(1), row.Int(2) != 0});
  }
  ASSIGN_OR_RETURN(const QueryResult stays,
                   connection.Query("SELECT person_id, start_at, end_at FROM tracing_visits "
                                    "WHERE high_risk = 1 AND person_id IN " +
                                        in,
                                    ids));
  for (const Row& row : stays.rows) {
    facts[row.Int(0)].high_risk_stays.push_back({row.Int(1), row.Int(2)});
  }
  return facts;
}

Result<StoredPhone> CheckNewPerson(const TracingPersonInput& person, const std::string& key,
                                   const std::string& prefix) {
  RETURN_IF_ERROR(CheckText(person.name, prefix + "name", kMaxName, true));
  RETURN_IF_ERROR(CheckText(person.household, prefix + "household", kMaxLabel, false));
  RETURN_IF_ERROR(CheckText(person.district_code, prefix + "district_code", kMaxLabel, false));
  RETURN_IF_ERROR(CheckChoice(prefix + "status", person.status, kStatuses));
  RETURN_IF_ERROR(CheckInstant(prefix + "onset_at", person.onset_at));
  RETURN_IF_ERROR(CheckInstant(prefix + "confirmed_at", person.confirmed_at));
  RETURN_IF_ERROR(CheckInstant(prefix + "asymptomatic_at", person.asymptomatic_at));
  RETURN_IF_ERROR(CheckInstant(prefix + "released_at", person.released_at));
  if (person.status == "confirmed" && !person.confirmed_at) {
    return FieldRequired(prefix + "confirmed_at");
  }
  if (person.status == "asymptomatic" && !person.asymptomatic_at) {
    return FieldRequired(prefix + "asymptomatic_at");
  }
  StoredPhone phone;
  if (!Trimmed(person.phone).empty()) {
    std::optional<ProtectedPhone> stored = ProtectPhone(key, person.phone);
    if (!stored) return FieldInvalid(prefix + "phone", "7-15 digits");
    phone.key = std::move(stored->key);
    phone.sealed = std::move(stored->sealed);
  }
  return phone;
}

Result<std::int64_t> InsertPerson(Connection& connection, const Actor& actor,
                                  const TracingPersonInput& person, const StoredPhone& phone,
                                  UnixMillis now) {
  ASSIGN_OR_RETURN(
      const std::int64_t id,
      InsertReturningId(
          connection,
          "INSERT INTO tracing_people (name, phone_key, phone_sealed, household, district_code, "
          "status, onset_at, confirmed_at, asymptomatic_at, released_at, created_by, "
          "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
          "$12) RETURNING id",
          {Trimmed(person.name), phone.key, phone.sealed, Trimmed(person.household),
           Trimmed(person.district_code), person.status, Nullable(person.onset_at),
           Nullable(person.confirmed_at), Nullable(person.asymptomatic_at),
           Nullable(person.released_at), actor.user_id, now}));
  RETURN_IF_ERROR(Audit(connection, actor, "create", "tracing_person", std::to_string(id)));
  return id;
}

Status CheckTest(const TracingTestInput& test, const std::string& prefix) {
  RETURN_IF_ERROR(CheckChoice(prefix + "kind", test.kind, kTestKinds));
  RETURN_IF_ERROR(CheckInstant(prefix + "taken_at", test.taken_at));
  if (test.ct && !(std::isfinite(*test.ct) && *test.ct >= 0 && *test.ct <= kMaxCt)) {
    return FieldInvalid(prefix + "ct", "0..50");
  }
  return CheckText(test.batch, prefix + "batch", kMaxLabel, false);
}

Result<std::int64_t> InsertTest(Connection& connection, const Actor& actor,
                                const TracingPerson& person, const TracingTestInput& test,
                                UnixMillis now) {
  ASSIGN_OR_RETURN(
      const std::int64_t id,
      InsertReturningId(connection,
                        "INSERT INTO tracing_tests (person_id, kind, positive, ct, taken_at, "
                        "batch, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                        "$8) RETURNING id",
                        {person.id, test.kind, std::int64_t{test.positive ? 1 : 0},
                         test.ct ? Value(*test.ct) : Value(nullptr), test.taken_at,
                         Trimmed(test.batch), actor.user_id, now}));
  RETURN_IF_ERROR(Audit(connection, actor, "create", "tracing_test", std::to_string(id)));
  if (!test.positive || IsCaseStatus(person.status)) return id;
  // A positive test opens a case.
  const bool symptoms = person.onset_at.has_value();
  RETURN_IF_ERROR(
      connection
          .Execute(symptoms ? "UPDATE tracing_people SET status = 'confirmed', confirmed_at = "
                              "$2, updated_at = $3 WHERE id = $1"
                            : "UPDATE tracing_people SET status = 'asymptomatic', "
                              "asymptomatic_at = $2, updated_at = $3 WHERE id = $1",
                   {person.id, test.taken_at, now})
          .status());
  RETURN_IF_ERROR(Audit(connection, actor, "update", "tracing_person", std::to_string(person.id)));
  return id;
}

Result<std::vector<TracingFollowUp>> LoadFollowUps(Connection& connection, UnixMillis now,
                                                   const TracingOptions& options) {
  std::vector<TracingFollowUp> follow_ups;
  // Close contacts: people who are not cases, exposed to a case otherwise than as companions.
  ASSIGN_OR_RETURN(
      const QueryResult contacts,
      connection.Query(
          "SELECT c.id, c.name, c.district_code, e.end_at FROM tracing_exposures e "
          "JOIN tracing_people a ON a.id = e.a_id JOIN tracing_people b ON b.id = e.b_id "
          "JOIN tracing_people c ON c.id = CASE WHEN a.status IN " +
          kCaseStatusesSql +
          " THEN b.id ELSE a.id END WHERE e.kind <> 'companion' AND (a.status IN " +
          kCaseStatusesSql + " OR b.status IN " + kCaseStatusesSql + ") AND c.status NOT IN " +
          kCaseStatusesSql + " ORDER BY c.id"));
  struct Contact {
    std::int64_t id;
    std::string name;
    std::string district_code;
  };
  std::vector<Contact> people;
  std::unordered_map<std::int64_t, std::vector<UnixMillis>> exposures;
  for (const Row& row : contacts.rows) {
    if (people.empty() || people.back().id != row.Int(0)) {
      people.push_back({row.Int(0), row.Text(1), row.Text(2)});
    }
    exposures[row.Int(0)].push_back(row.Int(3));
  }
  for (const auto& [id, name, district_code] : people) {
    const std::optional<tracing::Interval> quarantine =
        tracing::QuarantineSpan(exposures[id], now, options.codes);
    if (!quarantine) continue;
    std::vector<UnixMillis> checks;
    std::vector<UnixMillis> tests;
    ASSIGN_OR_RETURN(const QueryResult check_rows,
                     connection.Query("SELECT at FROM tracing_checks WHERE person_id = $1", {id}));
    for (const Row& row : check_rows.rows) checks.push_back(row.Int(0));
    ASSIGN_OR_RETURN(
        const QueryResult test_rows,
        connection.Query("SELECT taken_at FROM tracing_tests WHERE person_id = $1", {id}));
    for (const Row& row : test_rows.rows) tests.push_back(row.Int(0));
    ASSIGN_OR_RETURN(std::vector<tracing::FollowUpTask> tasks,
                     tracing::FollowUpPlan(*quarantine, checks, tests, options.follow_up));
    std::vector<tracing::FollowUpTask> overdue = tracing::Overdue(tasks, now);
    follow_ups.push_back(
        {id, name, district_code, *quarantine, std::move(tasks), std::move(overdue)});
  }
  std::stable_sort(follow_ups.begin(), follow_ups.end(),
                   [](const TracingFollowUp& a, const TracingFollowUp& b) {
                     return !a.overdue.empty() && b.overdue.empty();
                   });
  return follow_ups;
}

}  // namespace lifeline::tracing_internal
