// Reading offers and needs and writing events inside a caller's transaction.

#include "services/exchange/exchange_internal.h"

namespace lifeline::exchange {
namespace {

constexpr std::string_view kOfferSelect =
    "SELECT o.id, o.offerer_kind, o.offerer_name, o.phone_last4, o.lat, o.lon, o.district_code, "
    "o.address, o.kind, o.flow_lpm, o.ventilator_type, o.medicine_name, o.strength, "
    "o.expiry_date, o.description, o.match_key, o.quantity, o.remaining, o.mode, "
    "o.item_condition, o.status, o.revision, o.created_by, o.created_at, o.updated_at "
    "FROM exchange_offers o WHERE ";

constexpr std::string_view kNeedSelect =
    "SELECT n.id, n.source, n.case_id, n.hospital_id, n.urgency, n.priority, n.lat, n.lon, "
    "n.district_code, n.address, n.kind, n.flow_lpm, n.ventilator_type, n.medicine_name, "
    "n.strength, n.description, n.match_key, n.quantity, n.remaining, n.needed_by, n.status, "
    "n.revision, n.created_by, n.created_at, n.updated_at FROM exchange_needs n WHERE ";

}  // namespace

Result<std::vector<OfferRecord>> LoadOffers(Connection& connection, const std::string& where,
                                            const std::vector<Value>& params,
                                            const std::string& tail) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query(std::string(kOfferSelect) + where + tail, params));
  std::vector<OfferRecord> offers;
  offers.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    OfferRecord offer;
    offer.id = row.Int(0);
    offer.offerer_kind = row.Text(1);
    offer.offerer_name = row.Text(2);
    offer.phone_last4 = row.Text(3);
    offer.location = {row.Double(4), row.Double(5)};
    offer.district_code = row.Text(6);
    offer.address = row.Text(7);
    offer.item = {row.Text(8),  row.Int(9),   row.Text(10), row.Text(11),
                  row.Text(12), row.Text(13), row.Text(14)};
    offer.match_key = row.Text(15);
    offer.quantity = row.Int(16);
    offer.remaining = row.Int(17);
    offer.mode = row.Text(18);
    offer.condition = row.Text(19);
    offer.status = row.Text(20);
    offer.revision = row.Int(21);
    offer.created_by = row.Int(22);
    offer.created_at = row.Int(23);
    offer.updated_at = row.Int(24);
    offers.push_back(std::move(offer));
  }
  return offers;
}

Result<std::vector<NeedRecord>> LoadNeeds(Connection& connection, const std::string& where,
                                          const std::vector<Value>& params,
                                          const std::string& tail) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query(std::string(kNeedSelect) + where + tail, params));
  std::vector<NeedRecord> needs;
  needs.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    NeedRecord need;
    need.id = row.Int(0);
    need.source = row.Text(1);
    need.case_id = row.OptionalInt(2);
    need.hospital_id = row.OptionalInt(3);
    need.urgency = row.Text(4);
    need.priority = static_cast<int>(row.Int(5));
    need.location = {row.Double(6), row.Double(7)};
    need.district_code = row.Text(8);
    need.address = row.Text(9);
    need.item = {row.Text(10), row.Int(11), row.Text(12), row.Text(13),
                 row.Text(14), "",          row.Text(15)};
    need.match_key = row.Text(16);
    need.quantity = row.Int(17);
    need.remaining = row.Int(18);
    need.needed_by = row.OptionalInt(19);
    need.status = row.Text(20);
    need.revision = row.Int(21);
    need.created_by = row.Int(22);
    need.created_at = row.Int(23);
    need.updated_at = row.Int(24);
    needs.push_back(std::move(need));
  }
  return needs;
}

Status AppendEvent(Connection& connection, const Actor& actor, std::string_view entity,
                   std::int64_t entity_id, std::string_view action, UnixMillis at,
                   const std::string& detail_json) {
  return connection
      .Execute(
          "INSERT INTO exchange_events (entity, entity_id, action, at, by_user, by_username, "
          "detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {std::string(entity), entity_id, std::string(action), at, actor.user_id, actor.username,
           detail_json})
      .status();
}

}  // namespace lifeline::exchange
