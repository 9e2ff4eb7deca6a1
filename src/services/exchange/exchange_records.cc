// Offers and needs: creation, reads (with the household privacy rule and its audit), edits,
// withdrawals and their history.

#include <utility>

#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "engines/triage/triage.h"
#include "services/audit/audit_log.h"
#include "services/exchange/exchange_internal.h"
#include "services/exchange/exchange_service.h"

namespace lifeline {
namespace {

using namespace exchange;  // NOLINT: this file implements the exchange's helpers' users

const std::vector<std::string> kOffererKinds = {"person", "organisation"};
const std::vector<std::string> kModes = {"lend", "give"};
const std::vector<std::string> kConditions = {"new", "good", "fair"};
const std::vector<std::string> kSources = {"case", "hospital"};
const std::vector<std::string> kStatusFilters = {"open", "withdrawn", "exhausted", "fulfilled",
                                                 "all"};
const std::vector<std::string> kHistoryEntities = {"offer", "need", "proposal", "match"};

constexpr std::size_t kPhoneDisplayDigits = 4;
constexpr std::int64_t kMaxBoardRows = 5000;

// The digits of a contact's phone number as typed.
Result<std::string> ContactPhoneDigits(const std::string& phone) {
  if (Trimmed(phone).empty()) return FieldRequired("contact_phone");
  std::optional<std::string> digits = PhoneDigits(phone);
  if (!digits) return Status::InvalidArgument("error.exchange.phone_format", {}, "contact_phone");
  return std::move(*digits);
}

std::string ItemDetail(const ItemSpec& item, std::int64_t quantity) {
  nlohmann::json detail = {{"kind", item.kind}, {"quantity", quantity}};
  if (item.flow_lpm != 0) detail["flow_lpm"] = item.flow_lpm;
  if (!item.ventilator_type.empty()) detail["ventilator_type"] = item.ventilator_type;
  if (!item.medicine_name.empty()) detail["medicine_name"] = item.medicine_name;
  if (!item.strength.empty()) detail["strength"] = item.strength;
  if (!item.expiry_date.empty()) detail["expiry_date"] = item.expiry_date;
  if (!item.description.empty()) detail["description"] = item.description;
  return detail.dump();
}

Status AuditHouseholdRead(Connection& connection, const Actor& actor, std::string_view entity,
                          std::int64_t id, std::string reason) {
  return AuditLog::Append(connection, actor,
                          {"read", std::string(entity), std::to_string(id), std::move(reason)});
}

// Loads one record, applying the privacy rule and auditing a household's read.
Result<OfferRecord> ReadOffer(Connection& connection, const Actor& actor, std::int64_t offer_id,
                              const std::string& key, double cell_degrees, bool with_phone) {
  ASSIGN_OR_RETURN(std::vector<OfferRecord> found, LoadOffers(connection, "o.id = $1", {offer_id}));
  if (found.empty()) return RecordNotFound("exchange_offer", offer_id);
  OfferRecord offer = std::move(found.front());
  if (!IsCoordinator(actor)) {
    HideOffer(offer, cell_degrees);
    return offer;
  }
  if (offer.offerer_kind == kOffererPerson) {
    RETURN_IF_ERROR(AuditHouseholdRead(connection, actor, "exchange_offer", offer_id,
                                       with_phone ? "address, phone" : "address"));
  }
  if (with_phone) {
    ASSIGN_OR_RETURN(
        const QueryResult sealed,
        connection.Query("SELECT phone_sealed FROM exchange_offers WHERE id = $1", {offer_id}));
    ASSIGN_OR_RETURN(offer.contact_phone, OpenSealedText(key, sealed.rows.at(0).Text(0)));
  }
  return offer;
}

Result<NeedRecord> ReadNeed(Connection& connection, const Actor& actor, std::int64_t need_id,
                            double cell_degrees) {
  ASSIGN_OR_RETURN(std::vector<NeedRecord> found, LoadNeeds(connection, "n.id = $1", {need_id}));
  if (found.empty()) return RecordNotFound("exchange_need", need_id);
  NeedRecord need = std::move(found.front());
  if (!IsCoordinator(actor)) {
    HideNeed(need, cell_degrees);
  } else if (need.source == kSourceCase) {
    RETURN_IF_ERROR(AuditHouseholdRead(connection, actor, "exchange_need", need_id, "address"));
  }
  return need;
}

// Only coordinators' reads write an audit row; everyone else's run beside other readers.
TransactionMode ReadModeFor(const Actor& actor) {
  return IsCoordinator(actor) ? TransactionMode::kWrite : TransactionMode::kRead;
}

std::string StatusAfter(std::int64_t remaining, std::string_view empty_status) {
  return std::string(remaining == 0 ? empty_status : kOpen);
}

// An offer as CreateOffer and Import accept it: checked, its text trimmed, its phone's digits.
struct CheckedOffer {
  NewOffer offer;
  std::string digits;
};

// Everything about an offer that needs no store; `now` decides whether a medicine has expired.
Result<CheckedOffer> CheckOffer(const NewOffer& input, const ExchangeOptions& options,
                                UnixMillis now) {
  CheckedOffer checked{input, ""};
  NewOffer& offer = checked.offer;
  offer.offerer_kind = Trimmed(offer.offerer_kind);
  RETURN_IF_ERROR(CheckChoice("offerer_kind", offer.offerer_kind, kOffererKinds));
  RETURN_IF_ERROR(CheckText(offer.offerer_name, "offerer_name", kMaxShortText, true));
  ASSIGN_OR_RETURN(checked.digits, ContactPhoneDigits(offer.contact_phone));
  if (!offer.location) return FieldRequired("lat");
  RETURN_IF_ERROR(CheckLocation(*offer.location));
  RETURN_IF_ERROR(CheckText(offer.address, "address", kMaxAddressText, true));
  RETURN_IF_ERROR(NormaliseItem(offer.item, /*is_offer=*/true,
                                LocalDate(now, options.local_utc_offset_minutes)));
  RETURN_IF_ERROR(CheckQuantity(offer.quantity, "quantity", options.max_quantity));
  offer.mode = Trimmed(offer.mode);
  RETURN_IF_ERROR(CheckChoice("mode", offer.mode, kModes));
  offer.condition = Trimmed(offer.condition);
  RETURN_IF_ERROR(CheckChoice("condition", offer.condition, kConditions));
  offer.offerer_name = Trimmed(offer.offerer_name);
  offer.district_code = Trimmed(offer.district_code);
  offer.address = Trimmed(offer.address);
  return checked;
}

// Writes a checked offer and its "create" event; returns its id.
Result<std::int64_t> InsertOffer(Connection& connection, const Actor& actor,
                                 const CheckedOffer& checked, const std::string& sealing_key,
                                 UnixMillis now) {
  const NewOffer& offer = checked.offer;
  const std::string& digits = checked.digits;
  RETURN_IF_ERROR(RequireDistrict(connection, offer.district_code));
  const ItemSpec& item = offer.item;
  ASSIGN_OR_RETURN(
      const QueryResult inserted,
      connection.Query(
          "INSERT INTO exchange_offers (offerer_kind, offerer_name, phone_sealed, phone_last4, "
          "lat, lon, district_code, address, kind, flow_lpm, ventilator_type, medicine_name, "
          "strength, expiry_date, description, match_key, quantity, remaining, mode, "
          "item_condition, status, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, "
          "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19, 'open', "
          "$20, $21, $21) RETURNING id",
          {offer.offerer_kind,
           offer.offerer_name,
           SealText(sealing_key, digits),
           digits.substr(digits.size() - kPhoneDisplayDigits),
           offer.location->lat,
           offer.location->lon,
           offer.district_code,
           offer.address,
           item.kind,
           item.flow_lpm,
           item.ventilator_type,
           item.medicine_name,
           item.strength,
           item.expiry_date,
           item.description,
           MatchKey(item),
           offer.quantity,
           offer.mode,
           offer.condition,
           actor.user_id,
           now}));
  const std::int64_t id = inserted.rows.at(0).Int(0);
  RETURN_IF_ERROR(
      AppendEvent(connection, actor, "offer", id, "create", now, ItemDetail(item, offer.quantity)));
  return id;
}

// Everything about a need that needs no store, the actor's right to record a case's need
// included; the text comes back trimmed.
Result<NewNeed> CheckNeed(const Actor& actor, const NewNeed& input, const ExchangeOptions& options,
                          UnixMillis now) {
  NewNeed need = input;
  need.source = Trimmed(need.source);
  RETURN_IF_ERROR(CheckChoice("source", need.source, kSources));
  if (need.location) RETURN_IF_ERROR(CheckLocation(*need.location));
  RETURN_IF_ERROR(CheckText(need.address, "address", kMaxAddressText, false));
  RETURN_IF_ERROR(NormaliseItem(need.item, /*is_offer=*/false, ""));
  RETURN_IF_ERROR(CheckQuantity(need.quantity, "quantity", options.max_quantity));
  if (need.source == kSourceCase) {
    if (!need.case_id) return FieldRequired("case_id");
    if (actor.role != Role::kDoctor && actor.role != Role::kNurse &&
        actor.role != Role::kCoordinator && actor.role != Role::kAdmin) {
      return Status(ErrorCode::kPermissionDenied, "error.exchange.case_need_role");
    }
  } else {
    if (!need.hospital_id) return FieldRequired("hospital_id");
    need.urgency = Trimmed(need.urgency);
    if (HospitalPriority(need.urgency) < 0) {
      std::vector<std::string> urgencies;
      for (const UrgencyPriority& entry : kHospitalPriorityByUrgency) {
        urgencies.emplace_back(entry.urgency);
      }
      if (need.urgency.empty()) return FieldRequired("urgency");
      return UnknownChoice("urgency", need.urgency, urgencies);
    }
  }
  if (need.needed_by && *need.needed_by < now) {
    return Status::InvalidArgument("error.exchange.needed_by_past", {}, "needed_by");
  }
  need.address = Trimmed(need.address);
  return need;
}

// Writes a checked need at its case or hospital, with its priority and "create" event; returns
// its id.
Result<std::int64_t> InsertNeed(Connection& connection, const Actor& actor, const NewNeed& need,
                                UnixMillis now) {
  LatLon location;
  std::string district;
  std::string address = need.address;
  int priority = 0;
  if (need.source == kSourceCase) {
    ASSIGN_OR_RETURN(const QueryResult found,
                     connection.Query("SELECT c.status, c.nhc_severity, c.who_severity, c.needs, "
                                      "c.district_code, c.street, d.lat, d.lon FROM clinic_cases "
                                      "c JOIN districts d ON d.code = c.district_code "
                                      "WHERE c.id = $1",
                                      {*need.case_id}));
    if (found.rows.empty()) {
      return Status::InvalidArgument("error.exchange.unknown_case",
                                     {{"id", std::to_string(*need.case_id)}}, "case_id");
    }
    const Row& row = found.rows.front();
    if (row.Text(0) != "open") {
      return Status(ErrorCode::kFailedPrecondition, "error.exchange.case_closed",
                    {{"id", std::to_string(*need.case_id)}}, "case_id");
    }
    const bool without_bed = need.item.kind == "concentrator" &&
                             (static_cast<std::uint32_t>(row.Int(3)) & triage::kNeedBed) != 0;
    priority = CasePriority(row.Text(1), row.Text(2), without_bed);
    if (priority < 0) return Status::Internal("unknown severity on case");
    district = row.Text(4);
    if (address.empty()) address = row.Text(5);
    location = need.location.value_or(LatLon{row.Double(6), row.Double(7)});
  } else {
    ASSIGN_OR_RETURN(const QueryResult found,
                     connection.Query("SELECT district_code, name_zh, lat, lon FROM hospitals "
                                      "WHERE id = $1",
                                      {*need.hospital_id}));
    if (found.rows.empty()) {
      return Status::InvalidArgument("error.exchange.unknown_hospital",
                                     {{"id", std::to_string(*need.hospital_id)}}, "hospital_id");
    }
    const Row& row = found.rows.front();
    priority = HospitalPriority(need.urgency);
    district = row.Text(0);
    if (address.empty()) address = row.Text(1);
    location = LatLon{row.Double(2), row.Double(3)};
  }
  const ItemSpec& item = need.item;
  ASSIGN_OR_RETURN(
      const QueryResult inserted,
      connection.Query(
          "INSERT INTO exchange_needs (source, case_id, hospital_id, urgency, priority, lat, "
          "lon, district_code, address, kind, flow_lpm, ventilator_type, medicine_name, "
          "strength, description, match_key, quantity, remaining, needed_by, status, "
          "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
          "$10, $11, $12, $13, $14, $15, $16, $17, $17, $18, 'open', $19, $20, $20) "
          "RETURNING id",
          {need.source,
           need.source == kSourceCase ? Value(*need.case_id) : Value(nullptr),
           need.source == kSourceHospital ? Value(*need.hospital_id) : Value(nullptr),
           need.source == kSourceHospital ? need.urgency : std::string(),
           static_cast<std::int64_t>(priority),
           location.lat,
           location.lon,
           district,
           address,
           item.kind,
           item.flow_lpm,
           item.ventilator_type,
           item.medicine_name,
           item.strength,
           item.description,
           MatchKey(item),
           need.quantity,
           need.needed_by ? Value(*need.needed_by) : Value(nullptr),
           actor.user_id,
           now}));
  const std::int64_t id = inserted.rows.at(0).Int(0);
  RETURN_IF_ERROR(
      AppendEvent(connection, actor, "need", id, "create", now, ItemDetail(item, need.quantity)));
  return id;
}

// A batch record's error, its field named with the record's place: "offers[12].quantity".
Status InBatch(const Status& status, std::string_view list, std::size_t index) {
  const std::string place = std::string(list) + "[" + std::to_string(index) + "]";
  return Status(status.code(), status.message_id(), status.args(),
                status.field().empty() ? place : place + "." + status.field(),
                status.detail().empty() ? place : place + ": " + status.detail());
}

}  // namespace

ExchangeService::ExchangeService(Database& database, std::string sealing_key,
                                 ExchangeOptions options)
    : database_(database), sealing_key_(std::move(sealing_key)), options_(std::move(options)) {}

Result<OfferRecord> ExchangeService::CreateOffer(const Actor& actor, const NewOffer& input) {
  const UnixMillis now = Now();
  ASSIGN_OR_RETURN(const CheckedOffer offer, CheckOffer(input, options_, now));
  std::int64_t id = 0;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(id, InsertOffer(connection, actor, offer, sealing_key_, now));
    return Status::Ok();
  }));
  return GetOffer(actor, id);
}

Result<NeedRecord> ExchangeService::CreateNeed(const Actor& actor, const NewNeed& input) {
  const UnixMillis now = Now();
  ASSIGN_OR_RETURN(const NewNeed need, CheckNeed(actor, input, options_, now));
  std::int64_t id = 0;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(id, InsertNeed(connection, actor, need, now));
    return Status::Ok();
  }));
  return GetNeed(actor, id);
}

Result<ImportedRecords> ExchangeService::Import(const Actor& actor, const ExchangeImport& batch) {
  const UnixMillis now = Now();
  std::vector<CheckedOffer> offers;
  offers.reserve(batch.offers.size());
  for (std::size_t index = 0; index < batch.offers.size(); ++index) {
    Result<CheckedOffer> checked = CheckOffer(batch.offers[index], options_, now);
    if (!checked.ok()) return InBatch(checked.status(), "offers", index);
    offers.push_back(std::move(*checked));
  }
  std::vector<NewNeed> needs;
  needs.reserve(batch.needs.size());
  for (std::size_t index = 0; index < batch.needs.size(); ++index) {
    Result<NewNeed> checked = CheckNeed(actor, batch.needs[index], options_, now);
    if (!checked.ok()) return InBatch(checked.status(), "needs", index);
    needs.push_back(std::move(*checked));
  }
  ImportedRecords imported;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    imported = {};
    for (std::size_t index = 0; index < offers.size(); ++index) {
      Result<std::int64_t> id = InsertOffer(connection, actor, offers[index], sealing_key_, now);
      if (!id.ok()) return InBatch(id.status(), "offers", index);
      imported.offer_ids.push_back(*id);
    }
    for (std::size_t index = 0; index < needs.size(); ++index) {
      Result<std::int64_t> id = InsertNeed(connection, actor, needs[index], now);
      if (!id.ok()) return InBatch(id.status(), "needs", index);
      imported.need_ids.push_back(*id);
    }
    return Status::Ok();
  }));
  return imported;
}

Result<bool> ExchangeService::IsEmpty() {
  ASSIGN_OR_RETURN(const QueryResult found,
                   database_.Query("SELECT (SELECT COUNT(*) FROM exchange_offers) + (SELECT "
                                   "COUNT(*) FROM exchange_needs) + (SELECT COUNT(*) FROM "
                                   "exchange_proposals)"));
  return found.rows.at(0).Int(0) == 0;
}

Result<OfferRecord> ExchangeService::GetOffer(const Actor& actor, std::int64_t offer_id) {
  OfferRecord offer;
  RETURN_IF_ERROR(database_.Transaction(ReadModeFor(actor), [&](Connection& connection) {
    ASSIGN_OR_RETURN(offer, ReadOffer(connection, actor, offer_id, sealing_key_,
                                      options_.coarse_cell_degrees, /*with_phone=*/true));
    return Status::Ok();
  }));
  return offer;
}

Result<NeedRecord> ExchangeService::GetNeed(const Actor& actor, std::int64_t need_id) {
  NeedRecord need;
  RETURN_IF_ERROR(database_.Transaction(ReadModeFor(actor), [&](Connection& connection) {
    ASSIGN_OR_RETURN(need, ReadNeed(connection, actor, need_id, options_.coarse_cell_degrees));
    return Status::Ok();
  }));
  return need;
}

Result<OfferRecord> ExchangeService::EditOffer(const Actor& actor, std::int64_t offer_id,
                                               const OfferEdit& edit) {
  if (edit.quantity)
    RETURN_IF_ERROR(CheckQuantity(*edit.quantity, "quantity", options_.max_quantity));
  if (edit.condition) RETURN_IF_ERROR(CheckChoice("condition", *edit.condition, kConditions));
  const UnixMillis now = Now();
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const std::vector<OfferRecord> found,
                     LoadOffers(connection, "o.id = $1", {offer_id}));
    if (found.empty()) return RecordNotFound("exchange_offer", offer_id);
    const OfferRecord& stored = found.front();
    RETURN_IF_ERROR(RequireOwnerOrCoordinator(actor, stored.created_by));
    if (stored.status != kOpen) {
      return Status(ErrorCode::kFailedPrecondition, "error.exchange.not_open",
                    {{"id", std::to_string(offer_id)}, {"status", stored.status}});
    }
    const std::int64_t quantity = edit.quantity.value_or(stored.quantity);
    const std::int64_t given = stored.quantity - stored.remaining;
    if (quantity < given) {
      return Status::InvalidArgument("error.exchange.quantity_below_matched",
                                     {{"matched", std::to_string(given)}}, "quantity");
    }
    const std::int64_t remaining = quantity - given;
    const std::string condition = edit.condition.value_or(stored.condition);
    RETURN_IF_ERROR(
        connection
            .Execute(
                "UPDATE exchange_offers SET quantity = $1, remaining = $2, "
                "item_condition = $3, status = $4, revision = revision + 1, updated_at = $5 "
                "WHERE id = $6",
                {quantity, remaining, condition, StatusAfter(remaining, kExhausted), now, offer_id})
            .status());
    return AppendEvent(connection, actor, "offer", offer_id, "edit", now,
                       nlohmann::json({{"quantity", {stored.quantity, quantity}},
                                       {"condition", {stored.condition, condition}}})
                           .dump());
  }));
  return GetOffer(actor, offer_id);
}

Result<NeedRecord> ExchangeService::EditNeed(const Actor& actor, std::int64_t need_id,
                                             const NeedEdit& edit) {
  if (edit.quantity)
    RETURN_IF_ERROR(CheckQuantity(*edit.quantity, "quantity", options_.max_quantity));
  const UnixMillis now = Now();
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const std::vector<NeedRecord> found,
                     LoadNeeds(connection, "n.id = $1", {need_id}));
    if (found.empty()) return RecordNotFound("exchange_need", need_id);
    const NeedRecord& stored = found.front();
    RETURN_IF_ERROR(RequireOwnerOrCoordinator(actor, stored.created_by));
    if (stored.status != kOpen) {
      return Status(ErrorCode::kFailedPrecondition, "error.exchange.not_open",
                    {{"id", std::to_string(need_id)}, {"status", stored.status}});
    }
    const std::int64_t quantity = edit.quantity.value_or(stored.quantity);
    const std::int64_t served = stored.quantity - stored.remaining;
    if (quantity < served) {
      return Status::InvalidArgument("error.exchange.quantity_below_matched",
                                     {{"matched", std::to_string(served)}}, "quantity");
    }
    const std::int64_t remaining = quantity - served;
    const std::optional<UnixMillis> needed_by = edit.needed_by ? edit.needed_by : stored.needed_by;
    RETURN_IF_ERROR(
        connection
            .Execute("UPDATE exchange_needs SET quantity = $1, remaining = $2, needed_by = $3, "
                     "status = $4, revision = revision + 1, updated_at = $5 WHERE id = $6",
                     {quantity, remaining, needed_by ? Value(*needed_by) : Value(nullptr),
                      StatusAfter(remaining, kFulfilled), now, need_id})
            .status());
    return AppendEvent(connection, actor, "need", need_id, "edit", now,
                       nlohmann::json({{"quantity", {stored.quantity, quantity}}}).dump());
  }));
  return GetNeed(actor, need_id);
}

Status ExchangeService::WithdrawOffer(const Actor& actor, std::int64_t offer_id,
                                      const std::string& reason) {
  RETURN_IF_ERROR(CheckText(reason, "reason", kMaxReasonText, false));
  const UnixMillis now = Now();
  return database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const std::vector<OfferRecord> found,
                     LoadOffers(connection, "o.id = $1", {offer_id}));
    if (found.empty()) return RecordNotFound("exchange_offer", offer_id);
    RETURN_IF_ERROR(RequireOwnerOrCoordinator(actor, found.front().created_by));
    if (found.front().status != kOpen) {
      return Status(ErrorCode::kFailedPrecondition, "error.exchange.not_open",
                    {{"id", std::to_string(offer_id)}, {"status", found.front().status}});
    }
    RETURN_IF_ERROR(connection
                        .Execute("UPDATE exchange_offers SET status = 'withdrawn', revision = "
                                 "revision + 1, updated_at = $1 WHERE id = $2",
                                 {now, offer_id})
                        .status());
    return AppendEvent(connection, actor, "offer", offer_id, "withdraw", now,
                       nlohmann::json({{"reason", Trimmed(reason)}}).dump());
  });
}

Status ExchangeService::WithdrawNeed(const Actor& actor, std::int64_t need_id,
                                     const std::string& reason) {
  RETURN_IF_ERROR(CheckText(reason, "reason", kMaxReasonText, false));
  const UnixMillis now = Now();
  return database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const std::vector<NeedRecord> found,
                     LoadNeeds(connection, "n.id = $1", {need_id}));
    if (found.empty()) return RecordNotFound("exchange_need", need_id);
    RETURN_IF_ERROR(RequireOwnerOrCoordinator(actor, found.front().created_by));
    if (found.front().status != kOpen) {
      return Status(ErrorCode::kFailedPrecondition, "error.exchange.not_open",
                    {{"id", std::to_string(need_id)}, {"status", found.front().status}});
    }
    RETURN_IF_ERROR(connection
                        .Execute("UPDATE exchange_needs SET status = 'withdrawn', revision = "
                                 "revision + 1, updated_at = $1 WHERE id = $2",
                                 {now, need_id})
                        .status());
    return AppendEvent(connection, actor, "need", need_id, "withdraw", now,
                       nlohmann::json({{"reason", Trimmed(reason)}}).dump());
  });
}

Result<Board> ExchangeService::ListBoard(const Actor& actor, const BoardFilter& filter) {
  const std::string status = filter.status.value_or(std::string(kOpen));
  RETURN_IF_ERROR(CheckChoice("status", status, kStatusFilters));
  if (filter.limit < 1 || filter.limit > kMaxBoardRows) {
    return Status::InvalidArgument("error.exchange.limit_range",
                                   {{"max", std::to_string(kMaxBoardRows)}}, "limit");
  }
  Board board;
  RETURN_IF_ERROR(database_.Transaction(ReadModeFor(actor), [&](Connection& connection) {
    if (filter.district_code) RETURN_IF_ERROR(RequireDistrict(connection, *filter.district_code));
    for (const char* alias : {"o", "n"}) {
      std::string where = "1 = 1";
      std::vector<Value> params;
      const auto add = [&](const std::string& column, const std::string& value) {
        params.push_back(value);
        where +=
            " AND " + std::string(alias) + "." + column + " = $" + std::to_string(params.size());
      };
      if (status != "all") add("status", status);
      if (filter.kind) add("kind", *filter.kind);
      if (filter.district_code) add("district_code", *filter.district_code);
      const std::string tail =
          " ORDER BY " + std::string(alias) + ".id DESC LIMIT " + std::to_string(filter.limit);
      if (alias[0] == 'o') {
        ASSIGN_OR_RETURN(board.offers, LoadOffers(connection, where, params, tail));
      } else {
        ASSIGN_OR_RETURN(board.needs, LoadNeeds(connection, where, params, tail));
      }
    }
    std::int64_t households = 0;
    for (OfferRecord& offer : board.offers) {
      if (offer.offerer_kind == kOffererPerson) ++households;
      if (!IsCoordinator(actor)) HideOffer(offer, options_.coarse_cell_degrees);
    }
    for (NeedRecord& need : board.needs) {
      if (need.source == kSourceCase) ++households;
      if (!IsCoordinator(actor)) HideNeed(need, options_.coarse_cell_degrees);
    }
    if (!IsCoordinator(actor) || households == 0) return Status::Ok();
    return AuditLog::Append(
        connection, actor,
        {"list", "exchange_board", "*", "households: " + std::to_string(households)});
  }));
  return board;
}

Result<std::vector<ExchangeEvent>> ExchangeService::History(const Actor&, const std::string& entity,
                                                            std::int64_t entity_id) {
  RETURN_IF_ERROR(CheckChoice("entity", entity, kHistoryEntities));
  ASSIGN_OR_RETURN(const QueryResult found,
                   database_.Query("SELECT id, entity, entity_id, action, at, by_user, "
                                   "by_username, detail FROM exchange_events WHERE entity = $1 "
                                   "AND entity_id = $2 ORDER BY id",
                                   {entity, entity_id}));
  std::vector<ExchangeEvent> events;
  events.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    events.push_back({row.Int(0), row.Text(1), row.Int(2), row.Text(3), row.Int(4), row.Int(5),
                      row.Text(6), row.Text(7)});
  }
  return events;
}

}  // namespace lifeline
