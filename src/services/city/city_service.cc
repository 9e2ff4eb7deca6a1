#include "services/city/city_service.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <string_view>
#include <utility>

#include "core/crypto.h"
#include "core/role.h"
#include "core/validation.h"

namespace lifeline {
namespace {

// Rows per multi-row INSERT: one round trip per batch instead of per row, and far below the
// parameter limits of both backends (SQLite 32,766; PostgreSQL 65,535) at 11 columns a row.
constexpr std::size_t kRowsPerInsert = 200;
constexpr std::int64_t kScenarioRowId = 1;  // the scenario table holds one row

// The volunteer roles of the scenario, reported even when none is stored.
constexpr Role kVolunteerRoles[] = {Role::kDoctor, Role::kNurse, Role::kAngel, Role::kCounsellor};

constexpr std::string_view kHospitalColumns =
    "id, name_zh, name_en, district_code, kind, beds, lat, lon, opened_on, source, created_at, "
    "created_by";

// "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)" for `rows` rows of `columns` values.
std::string MultiRowInsertSql(std::string_view insert_into, std::size_t columns, std::size_t rows) {
  std::string sql(insert_into);
  sql += " VALUES ";
  std::size_t placeholder = 1;
  for (std::size_t row = 0; row < rows; ++row) {
    sql += row == 0 ? "(" : ", (";
    for (std::size_t column = 0; column < columns; ++column) {
      if (column > 0) sql += ", ";
      sql += '$';
      sql += std::to_string(placeholder++);
    }
    sql += ")";
  }
  return sql;
}

// Writes `records` in batches; `append_row(record, params)` appends one record's `columns`
// values, so each table only says how a row looks and this loop owns the batching.
template <typename Record, typename AppendRow>
Status InsertBatched(Connection& connection, std::string_view insert_into, std::size_t columns,
                     const std::vector<Record>& records, AppendRow append_row) {
  const std::string full_batch_sql = MultiRowInsertSql(insert_into, columns, kRowsPerInsert);
  std::vector<Value> params;
  params.reserve(kRowsPerInsert * columns);
  for (std::size_t start = 0; start < records.size(); start += kRowsPerInsert) {
    const std::size_t rows = std::min(kRowsPerInsert, records.size() - start);
    params.clear();
    for (std::size_t index = start; index < start + rows; ++index) {
      append_row(records[index], params);
    }
    assert(params.size() == rows * columns && "a row appended the wrong number of values");
    const std::string sql =
        rows == kRowsPerInsert ? full_batch_sql : MultiRowInsertSql(insert_into, columns, rows);
    RETURN_IF_ERROR(connection.Execute(sql, params).status());
  }
  return Status::Ok();
}

std::int64_t Flag(bool value) { return value ? 1 : 0; }

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& letter : lower) {
    if (letter >= 'A' && letter <= 'Z') letter = static_cast<char>(letter - 'A' + 'a');
  }
  return lower;
}

Status CheckCount(int count, int max, std::string_view field) {
  if (count >= 0 && count <= max) return Status::Ok();
  return FieldInvalid(field, "0.." + std::to_string(max));
}

Status ScenarioExists() { return Status(ErrorCode::kFailedPrecondition, "error.scenario_exists"); }

Status HospitalExists(const std::string& name, std::string_view field) {
  return Status(ErrorCode::kAlreadyExists, "error.hospital_exists", {{"name", name}},
                std::string(field));
}

Status UnknownDistrict(const std::string& code) {
  return Status::InvalidArgument("error.unknown_district", {{"code", code}}, "district_code");
}

Result<HospitalRecord> HospitalFromRow(const Row& row) {
  HospitalRecord hospital;
  hospital.id = row.Int(0);
  hospital.name_zh = row.Text(1);
  hospital.name_en = row.Text(2);
  hospital.district_code = row.Text(3);
  const std::optional<HospitalKind> kind = scenario::ParseHospitalKind(row.Text(4));
  if (!kind) {
    return Status::Internal("hospital " + std::to_string(hospital.id) + " has unknown kind '" +
                            row.Text(4) + "'");
  }
  hospital.kind = *kind;
  hospital.beds = row.Int(5);
  hospital.location = {row.Double(6), row.Double(7)};
  hospital.opened_on = row.Text(8);
  hospital.source = row.Text(9);
  hospital.created_at = row.Int(10);
  hospital.created_by = row.Int(11);
  return hospital;
}

Result<std::vector<HospitalRecord>> HospitalsFromRows(const QueryResult& result) {
  std::vector<HospitalRecord> hospitals;
  hospitals.reserve(result.rows.size());
  for (const Row& row : result.rows) {
    ASSIGN_OR_RETURN(HospitalRecord hospital, HospitalFromRow(row));
    hospitals.push_back(std::move(hospital));
  }
  return hospitals;
}

Result<bool> DistrictExists(Connection& connection, const std::string& code) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT 1 FROM districts WHERE code = $1", {code}));
  return !found.rows.empty();
}

Result<bool> AnyDistrict(Connection& connection) {
  ASSIGN_OR_RETURN(const QueryResult found, connection.Query("SELECT 1 FROM districts LIMIT 1"));
  return !found.rows.empty();
}

// The whole scenario, phones already replaced by their keyed hashes (`*_phone_keys`, in the
// order of the scenario's residents and volunteers).
Status WriteScenario(Connection& connection, const scenario::Scenario& city,
                     const std::vector<std::string>& resident_phone_keys,
                     const std::vector<std::string>& volunteer_phone_keys, UnixMillis now) {
  RETURN_IF_ERROR(connection
                      .Execute("INSERT INTO scenario (id, seed, seeded_at) VALUES ($1, $2, $3)",
                               {kScenarioRowId, std::to_string(city.seed), now})
                      .status());
  RETURN_IF_ERROR(InsertBatched(
      connection, "INSERT INTO districts (code, name_zh, name_en, lat, lon, population)", 6,
      city.districts, [](const scenario::District& district, std::vector<Value>& row) {
        row.insert(row.end(), {district.code, district.name_zh, district.name_en,
                               district.centroid.lat, district.centroid.lon, district.population});
      }));
  RETURN_IF_ERROR(InsertBatched(
      connection,
      "INSERT INTO hospitals (name_zh, name_en, district_code, kind, beds, lat, lon, opened_on, "
      "source, created_at, created_by)",
      11, city.hospitals, [now](const scenario::Hospital& hospital, std::vector<Value>& row) {
        row.insert(row.end(), {hospital.name_zh, hospital.name_en, hospital.district_code,
                               std::string(scenario::HospitalKindName(hospital.kind)),
                               hospital.beds, hospital.location.lat, hospital.location.lon,
                               hospital.opened_on, hospital.source, now, std::int64_t{0}});
      }));
  std::size_t resident_index = 0;
  RETURN_IF_ERROR(InsertBatched(
      connection,
      "INSERT INTO residents (display_name, sex, birth_year, district_code, household_id, "
      "phone_key, lat, lon, vulnerable, chronic_illness)",
      10, city.residents, [&](const scenario::Resident& resident, std::vector<Value>& row) {
        row.insert(row.end(), {resident.display_name, std::string(scenario::SexName(resident.sex)),
                               std::int64_t{resident.birth_year}, resident.district_code,
                               resident.household_id, resident_phone_keys[resident_index++],
                               resident.location.lat, resident.location.lon,
                               Flag(resident.vulnerable), Flag(resident.chronic_illness)});
      }));
  std::size_t volunteer_index = 0;
  return InsertBatched(
      connection,
      "INSERT INTO volunteers (display_name, role, district_code, phone_key, years_practice, "
      "hospital, department)",
      7, city.volunteers, [&](const scenario::Volunteer& volunteer, std::vector<Value>& row) {
        row.insert(row.end(), {volunteer.display_name, std::string(RoleName(volunteer.role)),
                               volunteer.district_code, volunteer_phone_keys[volunteer_index++],
                               std::int64_t{volunteer.years_practice}, volunteer.hospital,
                               volunteer.department});
      });
}

}  // namespace

CityService::CityService(Database& database, std::string pseudonym_key)
    : database_(database), pseudonym_key_(std::move(pseudonym_key)) {
  assert(!pseudonym_key_.empty() && "CityService needs the deployment's pseudonymisation key");
}

Result<ScenarioCounts> CityService::SeedScenario(const ScenarioOptions& options) {
  RETURN_IF_ERROR(CheckCount(options.residents, kMaxScenarioResidents, "residents"));
  RETURN_IF_ERROR(CheckCount(options.volunteers, kMaxScenarioVolunteers, "volunteers"));
  // Cheap early refusal; the check inside the transaction below is the one that counts.
  ASSIGN_OR_RETURN(const bool exists, HasScenario());
  if (exists) return ScenarioExists();

  // Generate and hash before taking the write lock, so other writers wait only for the inserts.
  const scenario::Scenario city = scenario::GenerateScenario(options);
  std::vector<std::string> resident_phone_keys;
  resident_phone_keys.reserve(city.residents.size());
  for (const scenario::Resident& resident : city.residents) {
    resident_phone_keys.push_back(KeyedHashHex(pseudonym_key_, resident.phone));
  }
  std::vector<std::string> volunteer_phone_keys;
  volunteer_phone_keys.reserve(city.volunteers.size());
  for (const scenario::Volunteer& volunteer : city.volunteers) {
    volunteer_phone_keys.push_back(KeyedHashHex(pseudonym_key_, volunteer.phone));
  }

  const Status written =
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const bool seeded, AnyDistrict(connection));
        if (seeded) return ScenarioExists();
        const Status status =
            WriteScenario(connection, city, resident_phone_keys, volunteer_phone_keys, NowMillis());
        // A concurrent seeding that committed first makes our scenario row collide.
        return status.code() == ErrorCode::kAlreadyExists ? ScenarioExists() : status;
      });
  RETURN_IF_ERROR(written);
  return ScenarioCounts{static_cast<std::int64_t>(city.districts.size()),
                        static_cast<std::int64_t>(city.hospitals.size()),
                        static_cast<std::int64_t>(city.residents.size()),
                        static_cast<std::int64_t>(city.volunteers.size())};
}

Result<bool> CityService::HasScenario() {
  bool exists = false;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(exists, AnyDistrict(connection));
        return Status::Ok();
      }));
  return exists;
}

Result<std::vector<DistrictSummary>> CityService::ListDistricts() {
  // Correlated subqueries use the by-district indexes and count districts with nothing as 0.
  ASSIGN_OR_RETURN(
      const QueryResult result,
      database_.Query("SELECT d.code, d.name_zh, d.name_en, d.lat, d.lon, d.population, "
                      "(SELECT COUNT(*) FROM hospitals h WHERE h.district_code = d.code), "
                      "(SELECT CAST(COALESCE(SUM(h.beds), 0) AS BIGINT) FROM hospitals h "
                      "WHERE h.district_code = d.code), "
                      "(SELECT COUNT(*) FROM residents r WHERE r.district_code = d.code) "
                      "FROM districts d ORDER BY d.code"));
  std::vector<DistrictSummary> districts;
  districts.reserve(result.rows.size());
  for (const Row& row : result.rows) {
    districts.push_back({row.Text(0),
                         row.Text(1),
                         row.Text(2),
                         {row.Double(3), row.Double(4)},
                         row.Int(5),
                         row.Int(6),
                         row.Int(7),
                         row.Int(8)});
  }
  return districts;
}

Result<std::vector<HospitalRecord>> CityService::ListHospitals(
    std::optional<std::string> district_code) {
  std::vector<HospitalRecord> hospitals;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        const std::string select = "SELECT " + std::string(kHospitalColumns) + " FROM hospitals";
        if (!district_code) {
          ASSIGN_OR_RETURN(const QueryResult result, connection.Query(select + " ORDER BY id"));
          ASSIGN_OR_RETURN(hospitals, HospitalsFromRows(result));
          return Status::Ok();
        }
        ASSIGN_OR_RETURN(const bool known, DistrictExists(connection, *district_code));
        if (!known) return UnknownDistrict(*district_code);
        ASSIGN_OR_RETURN(
            const QueryResult result,
            connection.Query(select + " WHERE district_code = $1 ORDER BY id", {*district_code}));
        ASSIGN_OR_RETURN(hospitals, HospitalsFromRows(result));
        return Status::Ok();
      }));
  return hospitals;
}

Result<HospitalRecord> CityService::GetHospital(std::int64_t id) {
  ASSIGN_OR_RETURN(
      const QueryResult result,
      database_.Query("SELECT " + std::string(kHospitalColumns) + " FROM hospitals WHERE id = $1",
                      {id}));
  if (result.rows.empty()) {
    return RecordNotFound("hospital", id);
  }
  return HospitalFromRow(result.rows.front());
}

Result<HospitalRecord> CityService::AddHospital(const Actor& actor, const NewHospital& input) {
  NewHospital hospital = input;
  hospital.name_zh = Trimmed(input.name_zh);
  hospital.name_en = Trimmed(input.name_en);
  hospital.district_code = Trimmed(input.district_code);
  hospital.kind = Trimmed(input.kind);
  hospital.opened_on = Trimmed(input.opened_on);
  hospital.source = Trimmed(input.source);

  RETURN_IF_ERROR(CheckText(hospital.name_zh, "name_zh", kMaxHospitalNameBytes, /*required=*/true));
  RETURN_IF_ERROR(CheckText(hospital.name_en, "name_en", kMaxHospitalNameBytes, /*required=*/true));
  RETURN_IF_ERROR(
      CheckText(hospital.district_code, "district_code", kMaxHospitalNameBytes, /*required=*/true));
  const std::optional<HospitalKind> kind = scenario::ParseHospitalKind(hospital.kind);
  if (!kind) {
    return Status::InvalidArgument("error.unknown_hospital_kind", {{"kind", hospital.kind}},
                                   "kind");
  }
  if (hospital.beds < 0 || hospital.beds > kMaxHospitalBeds) {
    return FieldInvalid("beds", "0.." + std::to_string(kMaxHospitalBeds));
  }
  if (!IsValidLatLon(hospital.location)) {
    const bool lat_ok = IsValidLatLon({hospital.location.lat, 0});
    return Status::InvalidArgument("error.bad_coordinates", {}, lat_ok ? "lon" : "lat");
  }
  if (!hospital.opened_on.empty() && !ParseIsoDate(hospital.opened_on)) {
    return Status::InvalidArgument("error.bad_date", {{"value", hospital.opened_on}}, "opened_on");
  }
  if (hospital.source.size() > kMaxHospitalSourceBytes) {
    return FieldTooLong("source", kMaxHospitalSourceBytes);
  }

  std::int64_t id = 0;
  const Status written =
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const bool known, DistrictExists(connection, hospital.district_code));
        if (!known) return UnknownDistrict(hospital.district_code);
        ASSIGN_OR_RETURN(const QueryResult taken,
                         connection.Query("SELECT name_zh FROM hospitals WHERE name_zh = $1 OR "
                                          "LOWER(name_en) = $2",
                                          {hospital.name_zh, AsciiLower(hospital.name_en)}));
        if (!taken.rows.empty()) {
          return taken.rows.front().Text(0) == hospital.name_zh
                     ? HospitalExists(hospital.name_zh, "name_zh")
                     : HospitalExists(hospital.name_en, "name_en");
        }
        Result<QueryResult> inserted = connection.Query(
            "INSERT INTO hospitals (name_zh, name_en, district_code, kind, beds, lat, lon, "
            "opened_on, source, created_at, created_by) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            {hospital.name_zh, hospital.name_en, hospital.district_code,
             std::string(scenario::HospitalKindName(*kind)), hospital.beds, hospital.location.lat,
             hospital.location.lon, hospital.opened_on, hospital.source, NowMillis(),
             actor.user_id});
        // Another caller took the name between our check and our insert.
        if (inserted.status().code() == ErrorCode::kAlreadyExists) {
          return HospitalExists(hospital.name_zh, "name_zh");
        }
        RETURN_IF_ERROR(inserted.status());
        if (inserted->rows.empty()) return Status::Internal("INSERT ... RETURNING gave no id");
        id = inserted->rows.front().Int(0);
        return Status::Ok();
      });
  RETURN_IF_ERROR(written);
  return GetHospital(id);
}

Result<CityOverview> CityService::Overview() {
  CityOverview overview;
  for (const Role role : kVolunteerRoles) overview.volunteers_by_role[std::string(RoleName(role))];
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const QueryResult districts,
                         connection.Query("SELECT COUNT(*) FROM districts"));
        overview.districts = districts.rows.at(0).Int(0);
        ASSIGN_OR_RETURN(
            const QueryResult hospitals,
            connection.Query(
                "SELECT COUNT(*), CAST(COALESCE(SUM(beds), 0) AS BIGINT) FROM hospitals"));
        overview.hospitals = hospitals.rows.at(0).Int(0);
        overview.beds = hospitals.rows.at(0).Int(1);
        ASSIGN_OR_RETURN(
            const QueryResult residents,
            connection.Query(
                "SELECT COUNT(*), CAST(COALESCE(SUM(vulnerable), 0) AS BIGINT) FROM residents"));
        overview.residents = residents.rows.at(0).Int(0);
        overview.vulnerable_residents = residents.rows.at(0).Int(1);
        ASSIGN_OR_RETURN(const QueryResult volunteers,
                         connection.Query("SELECT role, COUNT(*) FROM volunteers GROUP BY role"));
        for (const Row& row : volunteers.rows) {
          overview.volunteers_by_role[row.Text(0)] = row.Int(1);
          overview.volunteers += row.Int(1);
        }
        ASSIGN_OR_RETURN(const QueryResult scenario,
                         connection.Query("SELECT seed, seeded_at FROM scenario"));
        if (!scenario.rows.empty()) {
          const std::string seed = scenario.rows.front().Text(0);
          std::from_chars(seed.data(), seed.data() + seed.size(), overview.seed);
          overview.seeded_at = scenario.rows.front().Int(1);
        }
        return Status::Ok();
      }));
  return overview;
}

}  // namespace lifeline
