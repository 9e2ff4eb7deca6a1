#include "services/beds/beds_service.h"

#include <algorithm>
#include <utility>

#include "core/validation.h"
#include "services/beds/beds_internal.h"

namespace lifeline {

namespace {

constexpr std::string_view kBedClassNames[] = {"general", "severe", "icu", "icu_ventilator"};
constexpr std::string_view kMethodNames[] = {"phone_call", "official_notice", "visit"};
constexpr std::string_view kFreshnessNames[] = {"fresh", "ageing", "stale"};

template <typename Enum, std::size_t N>
std::optional<Enum> ParseByName(const std::string_view (&names)[N], std::string_view name) {
  for (std::size_t index = 0; index < N; ++index) {
    if (names[index] == name) return static_cast<Enum>(index);
  }
  return std::nullopt;
}

struct CheckedUpdate {
  BedClass bed_class;
  VerificationMethod method;
  std::string note;
};

Result<CheckedUpdate> CheckUpdate(const NewBedUpdate& update, const BedsOptions& options,
                                  UnixMillis now) {
  const std::string class_text = Trimmed(update.bed_class);
  if (class_text.empty()) return FieldRequired("bed_class");
  const std::optional<BedClass> bed_class = ParseBedClass(class_text);
  if (!bed_class) return UnknownChoice("bed_class", class_text, kBedClassNames);
  if (update.capacity < 0 || update.capacity > kMaxBedsPerClass) {
    return FieldInvalid("capacity", "0.." + std::to_string(kMaxBedsPerClass));
  }
  if (update.free < 0) return FieldInvalid("free", "0..capacity");
  if (update.free > update.capacity) {
    return Status::InvalidArgument(
        "error.beds.free_above_capacity",
        {{"free", std::to_string(update.free)}, {"capacity", std::to_string(update.capacity)}},
        "free");
  }
  const std::string method_text = Trimmed(update.method);
  if (method_text.empty()) return FieldRequired("method");
  const std::optional<VerificationMethod> method = ParseVerificationMethod(method_text);
  if (!method) return UnknownChoice("method", method_text, kMethodNames);
  if (update.verified_at > now + options.clock_skew_tolerance) {
    return Status::InvalidArgument("error.beds.verified_in_future", {}, "verified_at");
  }
  if (update.verified_at < now - options.max_verification_age) {
    return Status::InvalidArgument(
        "error.beds.verified_too_old",
        {{"days", std::to_string(options.max_verification_age / kMillisPerDay)}}, "verified_at");
  }
  std::string note = Trimmed(update.note);
  if (note.size() > kMaxBedNoteBytes) return FieldTooLong("note", kMaxBedNoteBytes);
  return CheckedUpdate{*bed_class, *method, std::move(note)};
}

}  // namespace

std::string_view BedClassName(BedClass bed_class) {
  return kBedClassNames[static_cast<std::size_t>(bed_class)];
}
std::optional<BedClass> ParseBedClass(std::string_view name) {
  return ParseByName<BedClass>(kBedClassNames, name);
}
std::string_view VerificationMethodName(VerificationMethod method) {
  return kMethodNames[static_cast<std::size_t>(method)];
}
std::optional<VerificationMethod> ParseVerificationMethod(std::string_view name) {
  return ParseByName<VerificationMethod>(kMethodNames, name);
}
std::string_view FreshnessName(Freshness freshness) {
  return kFreshnessNames[static_cast<std::size_t>(freshness)];
}

namespace beds {

Result<BedHospital> HospitalFromRow(const Row& row, std::size_t first) {
  BedHospital hospital;
  hospital.id = row.Int(first);
  hospital.name_zh = row.Text(first + 1);
  hospital.name_en = row.Text(first + 2);
  hospital.district_code = row.Text(first + 3);
  const std::optional<scenario::HospitalKind> kind =
      scenario::ParseHospitalKind(row.Text(first + 4));
  if (!kind) {
    return Status::Internal("hospital " + std::to_string(hospital.id) + " has unknown kind '" +
                            row.Text(first + 4) + "'");
  }
  hospital.kind = *kind;
  hospital.beds = row.Int(first + 5);
  hospital.location = {row.Double(first + 6), row.Double(first + 7)};
  return hospital;
}

Result<BedUpdateRecord> UpdateFromRow(const Row& row, std::size_t first) {
  BedUpdateRecord update;
  update.id = row.Int(first);
  update.hospital_id = row.Int(first + 1);
  const std::optional<BedClass> bed_class = ParseBedClass(row.Text(first + 2));
  const std::optional<VerificationMethod> method = ParseVerificationMethod(row.Text(first + 7));
  if (!bed_class || !method) {
    return Status::Internal("bed update " + std::to_string(update.id) +
                            " has an unknown class or method");
  }
  update.bed_class = *bed_class;
  update.capacity = row.Int(first + 3);
  update.free = row.Int(first + 4);
  update.verified_by = row.Int(first + 5);
  update.verified_by_name = row.Text(first + 6);
  update.method = *method;
  update.verified_at = row.Int(first + 8);
  update.recorded_at = row.Int(first + 9);
  update.note = row.Text(first + 10);
  return update;
}

Result<std::vector<CurrentFigure>> LoadCurrent(Connection& connection, const std::string& where,
                                               const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(const QueryResult result,
                   connection.Query("SELECT " + std::string(kHospitalColumns) + ", " +
                                        std::string(kUpdateColumns) +
                                        " FROM hospitals h "
                                        "LEFT JOIN bed_current c ON c.hospital_id = h.id "
                                        "LEFT JOIN bed_updates u ON u.id = c.update_id "
                                        "LEFT JOIN users a ON a.id = u.verified_by " +
                                        where + " ORDER BY h.id",
                                    params));
  std::vector<CurrentFigure> figures;
  figures.reserve(result.rows.size());
  for (const Row& row : result.rows) {
    CurrentFigure figure;
    ASSIGN_OR_RETURN(figure.hospital, HospitalFromRow(row, 0));
    if (!row.IsNull(kHospitalColumnCount)) {
      ASSIGN_OR_RETURN(BedUpdateRecord update, UpdateFromRow(row, kHospitalColumnCount));
      figure.update = std::move(update);
    }
    figures.push_back(std::move(figure));
  }
  return figures;
}

}  // namespace beds

BedsService::BedsService(Database& database, BedsOptions options)
    : database_(database), options_(std::move(options)) {}

Freshness BedsService::FreshnessOf(UnixMillis age) const {
  if (age > options_.stale_after) return Freshness::kStale;
  if (age > options_.stale_after / 2) return Freshness::kAgeing;
  return Freshness::kFresh;
}

Result<BedUpdateRecord> BedsService::RecordUpdate(const Actor& actor, const NewBedUpdate& update) {
  const UnixMillis now = Now();
  ASSIGN_OR_RETURN(const CheckedUpdate checked, CheckUpdate(update, options_, now));
  const std::string class_name(BedClassName(checked.bed_class));
  std::int64_t id = 0;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(
            const QueryResult hospital,
            connection.Query("SELECT 1 FROM hospitals WHERE id = $1", {update.hospital_id}));
        if (hospital.rows.empty()) return RecordNotFound("hospital", update.hospital_id);
        ASSIGN_OR_RETURN(
            id, InsertReturningId(
                    connection,
                    "INSERT INTO bed_updates (hospital_id, bed_class, capacity, free, verified_by, "
                    "method, verified_at, recorded_at, note) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    {update.hospital_id, class_name, update.capacity, update.free, actor.user_id,
                     std::string(VerificationMethodName(checked.method)), update.verified_at, now,
                     checked.note}));
        // The later verification wins; on equal times the later report, so a correction of a
        // figure checked at the same moment replaces it.
        return connection
            .Execute(
                "INSERT INTO bed_current (hospital_id, bed_class, update_id, verified_at) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT (hospital_id, bed_class) DO UPDATE SET "
                "update_id = excluded.update_id, verified_at = excluded.verified_at "
                "WHERE excluded.verified_at >= bed_current.verified_at",
                {update.hospital_id, class_name, id, update.verified_at})
            .status();
      }));
  ASSIGN_OR_RETURN(
      const QueryResult stored,
      database_.Query("SELECT " + std::string(beds::kUpdateColumns) +
                          " FROM bed_updates u LEFT JOIN users a ON a.id = u.verified_by "
                          "WHERE u.id = $1",
                      {id}));
  if (stored.rows.empty()) return Status::Internal("bed update vanished after insert");
  return beds::UpdateFromRow(stored.rows.front(), 0);
}

Result<BedBoard> BedsService::Board(const BedBoardFilter& filter) {
  std::optional<BedClass> only_class;
  if (filter.bed_class && !filter.bed_class->empty()) {
    only_class = ParseBedClass(*filter.bed_class);
    if (!only_class) return UnknownChoice("bed_class", *filter.bed_class, kBedClassNames);
  }
  const bool by_district = filter.district_code && !filter.district_code->empty();
  BedBoard board;
  board.now = Now();
  board.stale_after = options_.stale_after;
  std::vector<beds::CurrentFigure> figures;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        if (!by_district) {
          ASSIGN_OR_RETURN(figures, beds::LoadCurrent(connection, "", {}));
          return Status::Ok();
        }
        ASSIGN_OR_RETURN(
            const QueryResult district,
            connection.Query("SELECT 1 FROM districts WHERE code = $1", {*filter.district_code}));
        if (district.rows.empty()) {
          return Status::InvalidArgument("error.unknown_district",
                                         {{"code", *filter.district_code}}, "district_code");
        }
        ASSIGN_OR_RETURN(figures, beds::LoadCurrent(connection, "WHERE h.district_code = $1",
                                                    {*filter.district_code}));
        return Status::Ok();
      }));

  for (beds::CurrentFigure& figure : figures) {
    if (board.hospitals.empty() || board.hospitals.back().hospital.id != figure.hospital.id) {
      HospitalBeds row;
      row.hospital = std::move(figure.hospital);
      board.hospitals.push_back(std::move(row));
    }
    if (!figure.update) continue;
    if (only_class && figure.update->bed_class != *only_class) continue;
    const UnixMillis age = std::max<UnixMillis>(0, board.now - figure.update->verified_at);
    board.hospitals.back().classes.push_back({std::move(*figure.update), age, FreshnessOf(age)});
  }
  for (HospitalBeds& row : board.hospitals) {
    std::sort(row.classes.begin(), row.classes.end(),
              [](const BedClassState& a, const BedClassState& b) {
                return a.update.bed_class < b.update.bed_class;
              });
    for (const BedClassState& state : row.classes) {
      row.capacity += state.update.capacity;
      row.free += state.update.free;
      row.last_verified_at = std::max(row.last_verified_at, state.update.verified_at);
      row.freshness = std::max(row.freshness.value_or(Freshness::kFresh), state.freshness);
    }
  }
  if (only_class) {
    std::erase_if(board.hospitals, [](const HospitalBeds& row) { return row.classes.empty(); });
  }
  return board;
}

Result<std::vector<BedUpdateRecord>> BedsService::History(std::int64_t hospital_id) {
  std::vector<BedUpdateRecord> updates;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const QueryResult hospital,
                         connection.Query("SELECT 1 FROM hospitals WHERE id = $1", {hospital_id}));
        if (hospital.rows.empty()) return RecordNotFound("hospital", hospital_id);
        ASSIGN_OR_RETURN(
            const QueryResult result,
            connection.Query("SELECT " + std::string(beds::kUpdateColumns) +
                                 " FROM bed_updates u LEFT JOIN users a ON a.id = u.verified_by "
                                 "WHERE u.hospital_id = $1 ORDER BY u.verified_at DESC, u.id DESC",
                             {hospital_id}));
        updates.reserve(result.rows.size());
        for (const Row& row : result.rows) {
          ASSIGN_OR_RETURN(BedUpdateRecord update, beds::UpdateFromRow(row, 0));
          updates.push_back(std::move(update));
        }
        return Status::Ok();
      }));
  return updates;
}

Result<bool> BedsService::IsEmpty() {
  ASSIGN_OR_RETURN(const QueryResult result, database_.Query("SELECT 1 FROM bed_updates LIMIT 1"));
  return result.rows.empty();
}

}  // namespace lifeline
