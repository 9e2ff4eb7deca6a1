// The desk's reads of people: the list with each one's code now, and one person's whole record.

#include <algorithm>

#include "core/crypto.h"
#include "core/validation.h"
#include "services/tracing/tracing_internal.h"
#include "services/tracing/tracing_service.h"

namespace lifeline {

using namespace tracing_internal;  // the helpers of tracing_internal.h

namespace {

const std::vector<std::string_view> kListStatuses{"cases", "all"};

// A LIKE pattern that matches `text` anywhere, its own '%', '_' and '\' taken literally
// (ESCAPE '\'). The query lowers it with the database's LOWER, as it lowers the name: SQLite's
// lowers ASCII letters only, PostgreSQL's those its character type knows, so each backend lowers
// both sides alike.
std::string ContainsPattern(std::string_view text) {
  std::string pattern(1, '%');
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

// An exact id typed into the search box.
std::optional<std::int64_t> IdQuery(std::string_view text) {
  constexpr std::size_t kMaxIdDigits = 18;
  if (text.empty() || text.size() > kMaxIdDigits ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  return std::stoll(std::string(text));
}

}  // namespace

Result<TracingPeoplePage> TracingService::ListPeople(const Actor& actor,
                                                     const TracingPeopleQuery& query) {
  RETURN_IF_ERROR(CheckTracer(actor));
  RETURN_IF_ERROR(CheckChoice("status", query.status, kListStatuses));
  if (query.limit < 1 || query.limit > kMaxPeoplePage) {
    return FieldInvalid("limit", "1.." + std::to_string(kMaxPeoplePage));
  }
  if (query.offset < 0) return FieldInvalid("offset", ">= 0");
  RETURN_IF_ERROR(CheckText(query.q, "q", kMaxName, false));

  std::string where =
      query.status == "cases" ? " WHERE status IN " + kCasesAndSuspectedSql : " WHERE 1 = 1";
  std::vector<Value> params;
  const std::string text = Trimmed(query.q);
  if (!text.empty()) {
    params.emplace_back(ContainsPattern(text));
    where += " AND (LOWER(name) LIKE LOWER($1) ESCAPE '\\'";
    if (const std::optional<std::int64_t> id = IdQuery(text)) {
      params.emplace_back(*id);
      where += " OR id = $2";
    }
    where += ")";
  }
  // The moment someone became a case (CaseSince), else when they were recorded.
  const std::string order =
      " ORDER BY COALESCE(CASE WHEN asymptomatic_at IS NOT NULL AND (confirmed_at IS NULL OR "
      "asymptomatic_at < confirmed_at) THEN asymptomatic_at ELSE confirmed_at END, created_at) "
      "DESC, id DESC";

  TracingPeoplePage page;
  std::unordered_map<std::int64_t, tracing::CodeFacts> facts;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const QueryResult total,
                     connection.Query("SELECT COUNT(*) FROM tracing_people" + where, params));
    page.total = total.rows.at(0).Int(0);
    std::vector<Value> page_params = params;
    page_params.emplace_back(std::int64_t{query.limit});
    page_params.emplace_back(std::int64_t{query.offset});
    const std::string limits = " LIMIT $" + std::to_string(params.size() + 1) + " OFFSET $" +
                               std::to_string(params.size() + 2);
    ASSIGN_OR_RETURN(const QueryResult rows,
                     connection.Query(std::string("SELECT ") + kPersonColumns +
                                          " FROM tracing_people" + where + order + limits,
                                      page_params));
    std::vector<TracingPerson> people;
    for (const Row& row : rows.rows) {
      ASSIGN_OR_RETURN(TracingPerson person, PersonFromRow(row, pseudonym_key_, false));
      people.push_back(std::move(person));
    }
    ASSIGN_OR_RETURN(facts, LoadCodeFacts(connection, people));
    for (TracingPerson& person : people) page.people.push_back({std::move(person), {}});
    return Audit(connection, actor, "list", "tracing_person", "*");
  }));
  const UnixMillis now = Now();
  for (TracingListedPerson& listed : page.people) {
    listed.code = tracing::CodeAt(facts[listed.person.id], now, options_.codes);
  }
  return page;
}

Result<TracingRecord> TracingService::Record(const Actor& actor, std::int64_t person_id) {
  RETURN_IF_ERROR(CheckTracer(actor));
  TracingRecord record;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(record.person, LoadPerson(connection, person_id, pseudonym_key_));
    ASSIGN_OR_RETURN(const QueryResult tests,
                     connection.Query("SELECT id, kind, positive, ct, taken_at, batch "
                                      "FROM tracing_tests WHERE person_id = $1 "
                                      "ORDER BY taken_at, id",
                                      {person_id}));
    for (const Row& row : tests.rows) {
      record.tests.push_back({row.Int(0), row.Text(1), row.Int(2) != 0, row.OptionalDouble(3),
                              row.Int(4), row.Text(5)});
    }
    ASSIGN_OR_RETURN(
        const QueryResult exposures,
        connection.Query("SELECT e.id, o.id, o.name, o.status, e.kind, e.start_at, e.end_at, "
                         "e.place, e.evidence FROM tracing_exposures e "
                         "JOIN tracing_people o ON o.id = CASE WHEN e.a_id = $1 "
                         "THEN e.b_id ELSE e.a_id END "
                         "WHERE e.a_id = $1 OR e.b_id = $1 ORDER BY e.start_at, e.id",
                         {person_id}));
    for (const Row& row : exposures.rows) {
      record.exposures.push_back({row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4),
                                  row.Int(5), row.Int(6), row.Text(7), row.Text(8)});
    }
    ASSIGN_OR_RETURN(const QueryResult visits,
                     connection.Query("SELECT id, place, area, start_at, end_at, high_risk "
                                      "FROM tracing_visits WHERE person_id = $1 "
                                      "ORDER BY start_at, id",
                                      {person_id}));
    for (const Row& row : visits.rows) {
      record.visits.push_back(
          {row.Int(0), row.Text(1), row.Text(2), row.Int(3), row.Int(4), row.Int(5) != 0});
    }
    ASSIGN_OR_RETURN(const QueryResult checks,
                     connection.Query("SELECT id, at, symptoms, temperature_c FROM tracing_checks "
                                      "WHERE person_id = $1 ORDER BY at, id",
                                      {person_id}));
    for (const Row& row : checks.rows) {
      record.checks.push_back({row.Int(0), row.Int(1), row.Text(2), row.OptionalDouble(3)});
    }
    ASSIGN_OR_RETURN(
        const QueryResult link,
        connection.Query("SELECT token_sealed FROM tracing_code_links WHERE person_id = $1",
                         {person_id}));
    if (!link.rows.empty()) {
      ASSIGN_OR_RETURN(record.code_link, OpenSealedText(pseudonym_key_, link.rows[0].Text(0)));
    }
    return Audit(connection, actor, "read", "tracing_person", std::to_string(person_id));
  }));
  return record;
}

}  // namespace lifeline
