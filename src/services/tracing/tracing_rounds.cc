// Testing rounds from the store: districts ordered by the risk the desk's cases give them,
// scheduled by tracing::ScheduleRound once, at creation; batches of results against them.

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "core/crypto.h"
#include "core/validation.h"
#include "services/tracing/tracing_internal.h"
#include "services/tracing/tracing_service.h"

namespace lifeline {

using namespace tracing_internal;  // the helpers of tracing_internal.h

namespace {

// A district's risk: its cases that became cases within this window before the round...
constexpr UnixMillis kRiskWindow = 14 * kMillisPerDay;
// ... per this many people.
constexpr double kRiskPerPeople = 10000;
// Limits that keep a round's arithmetic and storage bounded: no real district is larger, no
// city has more districts, no batch of a day's results names more positives.
constexpr std::int64_t kMaxPopulation = 100'000'000;
constexpr std::size_t kMaxDistricts = 1000;
constexpr std::size_t kMaxPositives = 10000;
constexpr std::size_t kDateLength = 10;  // "YYYY-MM-DD"

std::string DateOfDay(UnixMillis start, int day) {
  return FormatIso8601(start + day * kMillisPerDay).substr(0, kDateLength);
}

Status CheckRound(const TracingRoundInput& round) {
  RETURN_IF_ERROR(CheckText(round.name, "name", kMaxName, true));
  if (Trimmed(round.start_date).empty()) return FieldRequired("start_date");
  if (!ParseIsoDate(Trimmed(round.start_date))) {
    return Status::InvalidArgument("error.bad_date", {{"value", round.start_date}}, "start_date");
  }
  if (round.daily_capacity < 1) {
    return Status::InvalidArgument("error.tracing.daily_capacity", {}, "daily_capacity");
  }
  if (round.districts.empty()) {
    return Status::InvalidArgument("error.tracing.round_no_districts", {}, "districts");
  }
  if (round.districts.size() > kMaxDistricts) {
    return FieldInvalid("districts", "at most " + std::to_string(kMaxDistricts));
  }
  std::set<std::string> seen;
  for (std::size_t index = 0; index < round.districts.size(); ++index) {
    const TracingRoundDistrictInput& district = round.districts[index];
    const std::string prefix = "districts[" + std::to_string(index) + "].";
    RETURN_IF_ERROR(CheckText(district.code, prefix + "code", kMaxLabel, true));
    RETURN_IF_ERROR(CheckText(district.name, prefix + "name", kMaxLabel, false));
    const std::string code = Trimmed(district.code);
    if (!seen.insert(code).second) {
      return Status::InvalidArgument("error.tracing.round_district_twice", {{"code", code}},
                                     prefix + "code");
    }
    if (district.population < 0) {
      return Status::InvalidArgument("error.tracing.population_negative", {{"code", code}},
                                     prefix + "population");
    }
    if (district.population > kMaxPopulation) {
      return FieldInvalid(prefix + "population", "0.." + std::to_string(kMaxPopulation));
    }
  }
  return Status::Ok();
}

Status CheckBatch(const TracingBatchInput& batch) {
  RETURN_IF_ERROR(CheckText(batch.district_code, "district_code", kMaxLabel, true));
  RETURN_IF_ERROR(CheckText(batch.batch, "batch", kMaxLabel, true));
  if (batch.taken_at == 0) return FieldRequired("taken_at");
  RETURN_IF_ERROR(CheckInstant("taken_at", batch.taken_at));
  if (batch.positives.size() > kMaxPositives) {
    return FieldInvalid("positives", "at most " + std::to_string(kMaxPositives));
  }
  if (batch.tested > kMaxPopulation) {
    return FieldInvalid("tested", "0.." + std::to_string(kMaxPopulation));
  }
  if (batch.tested < static_cast<std::int64_t>(batch.positives.size())) {
    return Status::InvalidArgument("error.tracing.batch_tested",
                                   {{"tested", std::to_string(batch.tested)},
                                    {"positives", std::to_string(batch.positives.size())}},
                                   "tested");
  }
  return Status::Ok();
}

// How many cases of each of `codes` became cases in the window before `now`.
Result<std::map<std::string, std::int64_t>> RecentCases(Connection& connection,
                                                        const std::set<std::string>& codes,
                                                        UnixMillis now) {
  std::map<std::string, std::int64_t> cases;
  ASSIGN_OR_RETURN(const QueryResult rows,
                   connection.Query("SELECT district_code, confirmed_at, asymptomatic_at FROM "
                                    "tracing_people WHERE status IN " +
                                    kCaseStatusesSql));
  for (const Row& row : rows.rows) {
    const std::string code = row.Text(0);
    const std::optional<UnixMillis> since = CaseSince(row.OptionalInt(1), row.OptionalInt(2));
    if (!codes.contains(code) || !since || *since <= now - kRiskWindow || *since > now) continue;
    ++cases[code];
  }
  return cases;
}

Result<TracingRound> LoadRound(Connection& connection, std::int64_t round_id) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT id, name, start_date, daily_capacity, created_at "
                                    "FROM tracing_rounds WHERE id = $1",
                                    {round_id}));
  if (found.rows.empty()) return RecordNotFound("tracing_round", round_id);
  TracingRound round;
  const Row& row = found.rows[0];
  round.id = row.Int(0);
  round.name = row.Text(1);
  round.start_date = row.Text(2);
  round.daily_capacity = row.Int(3);
  round.created_at = row.Int(4);

  ASSIGN_OR_RETURN(const QueryResult batches,
                   connection.Query("SELECT id, district_code, batch, taken_at, tested, positives "
                                    "FROM tracing_round_batches WHERE round_id = $1 ORDER BY id",
                                    {round_id}));
  std::unordered_map<std::int64_t, std::size_t> batch_index;
  for (const Row& batch : batches.rows) {
    batch_index[batch.Int(0)] = round.batches.size();
    round.batches.push_back(
        {batch.Int(0), batch.Text(1), batch.Text(2), batch.Int(3), batch.Int(4), batch.Int(5), {}});
  }
  ASSIGN_OR_RETURN(const QueryResult positives,
                   connection.Query("SELECT p.batch_id, p.person_id FROM tracing_round_positives p "
                                    "JOIN tracing_round_batches b ON b.id = p.batch_id "
                                    "WHERE b.round_id = $1 ORDER BY p.batch_id, p.position",
                                    {round_id}));
  for (const Row& positive : positives.rows) {
    round.batches[batch_index.at(positive.Int(0))].case_ids.push_back(positive.Int(1));
  }

  ASSIGN_OR_RETURN(const QueryResult districts,
                   connection.Query("SELECT code, name, population, risk, cases_14d "
                                    "FROM tracing_round_districts WHERE round_id = $1 "
                                    "ORDER BY position",
                                    {round_id}));
  for (const Row& district : districts.rows) {
    TracingRoundDistrict entry{district.Text(0),
                               district.Text(1),
                               district.Int(2),
                               district.Double(3),
                               district.Int(4),
                               0,
                               0};
    for (const TracingRoundBatch& batch : round.batches) {
      if (batch.district_code != entry.code) continue;
      entry.tested += batch.tested;
      entry.positives += batch.positives;
    }
    round.districts.push_back(std::move(entry));
  }

  ASSIGN_OR_RETURN(const QueryResult slots,
                   connection.Query("SELECT day, district_code, tests FROM tracing_round_slots "
                                    "WHERE round_id = $1 ORDER BY day, position",
                                    {round_id}));
  const UnixMillis start = ParseIsoDate(round.start_date).value_or(0);
  for (const Row& slot : slots.rows) {
    const int day = static_cast<int>(slot.Int(0));
    if (round.days.empty() || round.days.back().day != day) {
      round.days.push_back({day, DateOfDay(start, day), 0, {}});
    }
    round.days.back().slots.push_back({slot.Text(1), slot.Int(2)});
    round.days.back().tests += slot.Int(2);
  }
  return round;
}

}  // namespace

Result<TracingRound> TracingService::CreateRound(const Actor& actor,
                                                 const TracingRoundInput& round) {
  RETURN_IF_ERROR(CheckTracer(actor));
  RETURN_IF_ERROR(CheckRound(round));
  const UnixMillis now = Now();
  TracingRound created;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    std::set<std::string> codes;
    for (const TracingRoundDistrictInput& district : round.districts) {
      codes.insert(Trimmed(district.code));
    }
    ASSIGN_OR_RETURN(const auto cases, RecentCases(connection, codes, now));
    std::vector<tracing::RoundDistrict> districts;
    for (const TracingRoundDistrictInput& district : round.districts) {
      const auto found = cases.find(Trimmed(district.code));
      const std::int64_t recent = found == cases.end() ? 0 : found->second;
      const double risk = district.population > 0 ? static_cast<double>(recent) * kRiskPerPeople /
                                                        static_cast<double>(district.population)
                                                  : 0;
      districts.push_back({Trimmed(district.code), district.population, risk});
    }
    ASSIGN_OR_RETURN(const std::vector<tracing::RoundDay> days,
                     tracing::ScheduleRound(districts, round.daily_capacity));

    ASSIGN_OR_RETURN(const std::int64_t id,
                     InsertReturningId(connection,
                                       "INSERT INTO tracing_rounds (name, start_date, "
                                       "daily_capacity, created_by, created_at) VALUES ($1, $2, "
                                       "$3, $4, $5) RETURNING id",
                                       {Trimmed(round.name), Trimmed(round.start_date),
                                        round.daily_capacity, actor.user_id, now}));
    // Kept in the schedule's order, which the days alone do not show for a district with no
    // one to test.
    const std::vector<std::size_t> order = tracing::RoundOrder(districts);
    for (std::size_t position = 0; position < order.size(); ++position) {
      const std::size_t index = order[position];
      const auto found = cases.find(districts[index].id);
      RETURN_IF_ERROR(
          connection
              .Execute(
                  "INSERT INTO tracing_round_districts (round_id, position, code, name, "
                  "population, cases_14d, risk) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  {id, static_cast<std::int64_t>(position), districts[index].id,
                   Trimmed(round.districts[index].name), districts[index].population,
                   found == cases.end() ? std::int64_t{0} : found->second, districts[index].risk})
              .status());
    }
    for (const tracing::RoundDay& day : days) {
      for (std::size_t position = 0; position < day.slots.size(); ++position) {
        RETURN_IF_ERROR(
            connection
                .Execute("INSERT INTO tracing_round_slots (round_id, day, position, "
                         "district_code, tests) VALUES ($1, $2, $3, $4, $5)",
                         {id, std::int64_t{day.day}, static_cast<std::int64_t>(position),
                          day.slots[position].district, day.slots[position].tests})
                .status());
      }
    }
    RETURN_IF_ERROR(Audit(connection, actor, "create", "tracing_round", std::to_string(id)));
    ASSIGN_OR_RETURN(created, LoadRound(connection, id));
    return Status::Ok();
  }));
  return created;
}

Result<std::vector<TracingRoundSummary>> TracingService::ListRounds(const Actor& actor) {
  RETURN_IF_ERROR(CheckTracer(actor));
  std::vector<TracingRoundSummary> rounds;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(
        const QueryResult rows,
        connection.Query(
            "SELECT r.id, r.name, r.start_date, r.daily_capacity, r.created_at, "
            "(SELECT COUNT(*) FROM tracing_round_districts d WHERE d.round_id = r.id), "
            "(SELECT COALESCE(SUM(d.population), 0) FROM tracing_round_districts d "
            "WHERE d.round_id = r.id), "
            "(SELECT COALESCE(SUM(b.tested), 0) FROM tracing_round_batches b "
            "WHERE b.round_id = r.id), "
            "(SELECT COALESCE(SUM(b.positives), 0) FROM tracing_round_batches b "
            "WHERE b.round_id = r.id) "
            "FROM tracing_rounds r ORDER BY r.created_at DESC, r.id DESC"));
    for (const Row& row : rows.rows) {
      rounds.push_back({row.Int(0), row.Text(1), row.Text(2), row.Int(3), row.Int(5), row.Int(6),
                        row.Int(7), row.Int(8), row.Int(4)});
    }
    return Audit(connection, actor, "list", "tracing_round", "*");
  }));
  return rounds;
}

Result<TracingRound> TracingService::GetRound(const Actor& actor, std::int64_t round_id) {
  RETURN_IF_ERROR(CheckTracer(actor));
  TracingRound round;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(round, LoadRound(connection, round_id));
    return Audit(connection, actor, "read", "tracing_round", std::to_string(round_id));
  }));
  return round;
}

Result<TracingBatchResult> TracingService::RecordBatch(const Actor& actor, std::int64_t round_id,
                                                       const TracingBatchInput& batch) {
  RETURN_IF_ERROR(CheckTracer(actor));
  RETURN_IF_ERROR(CheckBatch(batch));
  const std::string district_code = Trimmed(batch.district_code);
  // Each positive as a new person of the batch's district, and their test.
  std::vector<TracingPersonInput> people;
  std::vector<StoredPhone> phones;
  std::vector<TracingTestInput> tests;
  std::set<std::string> phone_keys;
  for (std::size_t index = 0; index < batch.positives.size(); ++index) {
    const TracingPositiveInput& positive = batch.positives[index];
    const std::string prefix = "positives[" + std::to_string(index) + "].";
    TracingPersonInput person;
    person.name = positive.name;
    person.phone = positive.phone;
    person.household = positive.household;
    person.district_code = district_code;
    person.onset_at = positive.onset_at;
    ASSIGN_OR_RETURN(StoredPhone phone, CheckNewPerson(person, pseudonym_key_, prefix));
    if (!phone.key.empty() && !phone_keys.insert(phone.key).second) {
      return Status::InvalidArgument("error.tracing.batch_phone_twice",
                                     {{"index", std::to_string(index + 1)}}, prefix + "phone");
    }
    TracingTestInput test;
    test.kind = positive.kind;
    test.positive = true;
    test.ct = positive.ct;
    test.taken_at = batch.taken_at;
    test.batch = batch.batch;
    RETURN_IF_ERROR(CheckTest(test, prefix));
    people.push_back(std::move(person));
    phones.push_back(std::move(phone));
    tests.push_back(std::move(test));
  }

  const UnixMillis now = Now();
  TracingBatchResult result;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const QueryResult round,
                     connection.Query("SELECT id FROM tracing_rounds WHERE id = $1", {round_id}));
    if (round.rows.empty()) return RecordNotFound("tracing_round", round_id);
    ASSIGN_OR_RETURN(const QueryResult district,
                     connection.Query("SELECT code FROM tracing_round_districts "
                                      "WHERE round_id = $1 AND code = $2",
                                      {round_id, district_code}));
    if (district.rows.empty()) {
      return Status::InvalidArgument("error.tracing.batch_district", {{"code", district_code}},
                                     "district_code");
    }
    ASSIGN_OR_RETURN(
        result.id, InsertReturningId(
                       connection,
                       "INSERT INTO tracing_round_batches (round_id, district_code, batch, "
                       "taken_at, tested, positives, created_by, created_at) VALUES ($1, $2, "
                       "$3, $4, $5, $6, $7, $8) RETURNING id",
                       {round_id, district_code, Trimmed(batch.batch), batch.taken_at, batch.tested,
                        static_cast<std::int64_t>(people.size()), actor.user_id, now}));
    RETURN_IF_ERROR(
        Audit(connection, actor, "create", "tracing_round_batch", std::to_string(result.id)));
    for (std::size_t index = 0; index < people.size(); ++index) {
      // The same phone is the same person: the desk may know them as a contact already.
      std::optional<std::int64_t> person_id;
      if (!phones[index].key.empty()) {
        ASSIGN_OR_RETURN(const QueryResult known,
                         connection.Query("SELECT id FROM tracing_people WHERE phone_key = $1 "
                                          "ORDER BY id LIMIT 1",
                                          {phones[index].key}));
        if (!known.rows.empty()) person_id = known.rows[0].Int(0);
      }
      if (!person_id) {
        ASSIGN_OR_RETURN(person_id,
                         InsertPerson(connection, actor, people[index], phones[index], now));
      }
      ASSIGN_OR_RETURN(TracingPerson person, LoadPerson(connection, *person_id, pseudonym_key_));
      // A symptom onset the batch reports for someone known without one: they are confirmed,
      // not asymptomatic, when the test opens their case.
      if (!person.onset_at && people[index].onset_at && !IsCaseStatus(person.status)) {
        RETURN_IF_ERROR(connection
                            .Execute("UPDATE tracing_people SET onset_at = $2, updated_at = $3 "
                                     "WHERE id = $1",
                                     {person.id, *people[index].onset_at, now})
                            .status());
        person.onset_at = people[index].onset_at;
      }
      ASSIGN_OR_RETURN(const std::int64_t test_id,
                       InsertTest(connection, actor, person, tests[index], now));
      RETURN_IF_ERROR(
          connection
              .Execute("INSERT INTO tracing_round_positives (batch_id, position, "
                       "person_id, test_id) VALUES ($1, $2, $3, $4)",
                       {result.id, static_cast<std::int64_t>(index), person.id, test_id})
              .status());
      result.case_ids.push_back(person.id);
    }
    return Status::Ok();
  }));
  return result;
}

}  // namespace lifeline
