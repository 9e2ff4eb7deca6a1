// The exchange of offers and needs (docs/api.md, "Exchange"). Roles are declared here; what
// depends on the record (only its creator or a coordinator changes it, households' addresses
// only for coordinators) is the service's.

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "http/routes.h"
#include "services/exchange/exchange_service.h"

namespace lifeline {
namespace {

const Access kBoardReaders =
    Access::Only({Role::kCoordinator, Role::kDoctor, Role::kNurse, Role::kAngel, Role::kAdmin});
const Access kOfferWriters =
    Access::Only({Role::kCoordinator, Role::kDoctor, Role::kNurse, Role::kAngel, Role::kAdmin});
const Access kNeedWriters =
    Access::Only({Role::kCoordinator, Role::kDoctor, Role::kNurse, Role::kAdmin});
const Access kDeciders = Access::Only({Role::kCoordinator, Role::kAdmin});

constexpr const char* kOffer = R"(/api/v1/exchange/offers/(\d+))";
constexpr const char* kNeed = R"(/api/v1/exchange/needs/(\d+))";
constexpr const char* kMatch = R"(/api/v1/exchange/matches/(\d+))";
constexpr std::int64_t kDefaultProposalsListed = 20;

std::string Path(const char* prefix, const char* suffix) { return std::string(prefix) + suffix; }

nlohmann::json InstantOrNull(const std::optional<UnixMillis>& instant) {
  return instant ? nlohmann::json(FormatIso8601(*instant)) : nlohmann::json(nullptr);
}

template <typename T>
nlohmann::json ValueOrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

Result<std::string> TextOrEmpty(const nlohmann::json& body, std::string_view field) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(body, field));
  return value.value_or("");
}

// A location is given as both "lat" and "lon" or not at all.
Result<std::optional<LatLon>> OptionalLocation(const nlohmann::json& body) {
  const bool has_lat = body.contains("lat") && !body["lat"].is_null();
  const bool has_lon = body.contains("lon") && !body["lon"].is_null();
  if (!has_lat && !has_lon) return std::optional<LatLon>();
  ASSIGN_OR_RETURN(const double lat, RequiredNumber(body, "lat"));
  ASSIGN_OR_RETURN(const double lon, RequiredNumber(body, "lon"));
  return std::optional<LatLon>(LatLon{lat, lon});
}

Result<std::optional<UnixMillis>> OptionalInstant(const nlohmann::json& body,
                                                  const std::string& field) {
  ASSIGN_OR_RETURN(const std::optional<std::string> text, OptionalString(body, field));
  if (!text || text->empty()) return std::optional<UnixMillis>();
  Result<UnixMillis> parsed = ParseIso8601(*text);
  if (!parsed.ok()) return Status::InvalidArgument("error.bad_time", {{"value", *text}}, field);
  return std::optional<UnixMillis>(*parsed);
}

Result<ItemSpec> ParseItem(const nlohmann::json& body) {
  ItemSpec item;
  ASSIGN_OR_RETURN(item.kind, RequiredString(body, "kind"));
  ASSIGN_OR_RETURN(const std::optional<std::int64_t> flow, OptionalInt(body, "flow_lpm"));
  item.flow_lpm = flow.value_or(0);
  ASSIGN_OR_RETURN(item.ventilator_type, TextOrEmpty(body, "ventilator_type"));
  ASSIGN_OR_RETURN(item.medicine_name, TextOrEmpty(body, "medicine_name"));
  ASSIGN_OR_RETURN(item.strength, TextOrEmpty(body, "strength"));
  ASSIGN_OR_RETURN(item.expiry_date, TextOrEmpty(body, "expiry_date"));
  ASSIGN_OR_RETURN(item.description, TextOrEmpty(body, "description"));
  return item;
}

Result<NewOffer> ParseOffer(const nlohmann::json& body) {
  NewOffer offer;
  ASSIGN_OR_RETURN(offer.offerer_kind, TextOrEmpty(body, "offerer_kind"));
  ASSIGN_OR_RETURN(offer.offerer_name, TextOrEmpty(body, "offerer_name"));
  ASSIGN_OR_RETURN(offer.contact_phone, TextOrEmpty(body, "contact_phone"));
  ASSIGN_OR_RETURN(offer.location, OptionalLocation(body));
  ASSIGN_OR_RETURN(offer.district_code, TextOrEmpty(body, "district_code"));
  ASSIGN_OR_RETURN(offer.address, TextOrEmpty(body, "address"));
  ASSIGN_OR_RETURN(offer.item, ParseItem(body));
  ASSIGN_OR_RETURN(offer.quantity, RequiredInt(body, "quantity"));
  ASSIGN_OR_RETURN(offer.mode, TextOrEmpty(body, "mode"));
  ASSIGN_OR_RETURN(offer.condition, TextOrEmpty(body, "condition"));
  return offer;
}

Result<NewNeed> ParseNeed(const nlohmann::json& body) {
  NewNeed need;
  ASSIGN_OR_RETURN(need.source, TextOrEmpty(body, "source"));
  ASSIGN_OR_RETURN(need.case_id, OptionalInt(body, "case_id"));
  ASSIGN_OR_RETURN(need.hospital_id, OptionalInt(body, "hospital_id"));
  ASSIGN_OR_RETURN(need.urgency, TextOrEmpty(body, "urgency"));
  ASSIGN_OR_RETURN(need.location, OptionalLocation(body));
  ASSIGN_OR_RETURN(need.address, TextOrEmpty(body, "address"));
  ASSIGN_OR_RETURN(need.item, ParseItem(body));
  ASSIGN_OR_RETURN(need.quantity, RequiredInt(body, "quantity"));
  ASSIGN_OR_RETURN(need.needed_by, OptionalInstant(body, "needed_by"));
  return need;
}

nlohmann::json ItemJson(const ItemSpec& item) {
  nlohmann::json json = {{"kind", item.kind}};
  if (item.flow_lpm != 0) json["flow_lpm"] = item.flow_lpm;
  if (!item.ventilator_type.empty()) json["ventilator_type"] = item.ventilator_type;
  if (!item.medicine_name.empty()) json["medicine_name"] = item.medicine_name;
  if (!item.strength.empty()) json["strength"] = item.strength;
  if (!item.expiry_date.empty()) json["expiry_date"] = item.expiry_date;
  if (!item.description.empty()) json["description"] = item.description;
  return json;
}

nlohmann::json OfferJson(const OfferRecord& offer) {
  nlohmann::json json = {{"id", offer.id},
                         {"offerer_kind", offer.offerer_kind},
                         {"offerer_name", offer.offerer_name},
                         {"lat", offer.location.lat},
                         {"lon", offer.location.lon},
                         {"precise", offer.precise},
                         {"district_code", offer.district_code},
                         {"item", ItemJson(offer.item)},
                         {"quantity", offer.quantity},
                         {"remaining", offer.remaining},
                         {"mode", offer.mode},
                         {"condition", offer.condition},
                         {"status", offer.status},
                         {"revision", offer.revision},
                         {"created_by", offer.created_by},
                         {"created_at", FormatIso8601(offer.created_at)},
                         {"updated_at", FormatIso8601(offer.updated_at)}};
  if (offer.precise) json["address"] = offer.address;
  if (!offer.phone_last4.empty()) json["phone_last4"] = offer.phone_last4;
  if (!offer.contact_phone.empty()) json["contact_phone"] = offer.contact_phone;
  return json;
}

nlohmann::json NeedJson(const NeedRecord& need) {
  nlohmann::json json = {{"id", need.id},
                         {"source", need.source},
                         {"case_id", ValueOrNull(need.case_id)},
                         {"hospital_id", ValueOrNull(need.hospital_id)},
                         {"urgency", need.urgency},
                         {"priority", need.priority},
                         {"lat", need.location.lat},
                         {"lon", need.location.lon},
                         {"precise", need.precise},
                         {"district_code", need.district_code},
                         {"item", ItemJson(need.item)},
                         {"quantity", need.quantity},
                         {"remaining", need.remaining},
                         {"needed_by", InstantOrNull(need.needed_by)},
                         {"status", need.status},
                         {"revision", need.revision},
                         {"created_by", need.created_by},
                         {"created_at", FormatIso8601(need.created_at)},
                         {"updated_at", FormatIso8601(need.updated_at)}};
  if (need.precise) json["address"] = need.address;
  return json;
}

nlohmann::json MatchJson(const ProposedMatch& match) {
  return {{"id", match.id},
          {"proposal_id", match.proposal_id},
          {"need_id", match.need_id},
          {"offer_id", match.offer_id},
          {"quantity", match.quantity},
          {"distance_km", match.distance_km},
          {"priority", match.priority},
          {"status", match.status},
          {"decided_by", ValueOrNull(match.decided_by)},
          {"decided_at", InstantOrNull(match.decided_at)},
          {"note", match.note},
          {"need_item", ItemJson(match.need_item)},
          {"offer_item", ItemJson(match.offer_item)},
          {"need_district", match.need_district},
          {"offer_district", match.offer_district},
          {"need_source", match.need_source},
          {"case_id", ValueOrNull(match.case_id)},
          {"hospital_id", ValueOrNull(match.hospital_id)},
          {"offer_mode", match.offer_mode}};
}

nlohmann::json ProposalJson(const Proposal& proposal) {
  nlohmann::json matches = nlohmann::json::array();
  for (const ProposedMatch& match : proposal.matches) matches.push_back(MatchJson(match));
  return {{"id", proposal.id},
          {"created_by", proposal.created_by},
          {"created_by_username", proposal.created_by_username},
          {"created_at", FormatIso8601(proposal.created_at)},
          {"radius_km", proposal.radius_km},
          {"options", nlohmann::json::parse(proposal.options, nullptr, false)},
          {"needs_considered", proposal.needs_considered},
          {"offers_considered", proposal.offers_considered},
          {"served_priority", proposal.served_priority},
          {"total_distance_km", proposal.total_distance_km},
          {"unmet_quantity", proposal.unmet_quantity},
          {"matches", matches}};
}

nlohmann::json HistoryJson(const std::vector<ExchangeEvent>& events) {
  nlohmann::json list = nlohmann::json::array();
  for (const ExchangeEvent& event : events) {
    list.push_back({{"id", event.id},
                    {"action", event.action},
                    {"at", FormatIso8601(event.at)},
                    {"by_user", event.by_user},
                    {"by_username", event.by_username},
                    {"detail", nlohmann::json::parse(event.detail, nullptr, false)}});
  }
  return {{"events", list}};
}

// A query parameter given empty counts as absent (a form's "any" choice).
std::optional<std::string> NonEmptyParam(const ApiRequest& request, const std::string& name) {
  std::optional<std::string> value = request.QueryParam(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

Result<std::string> OptionalReason(const ApiRequest& request) {
  if (request.http().body.empty()) return std::string();
  ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
  return TextOrEmpty(body, "reason");
}

void AddOfferRoutes(Router& router, ExchangeService& exchange) {
  router.Add(Method::kPost, "/api/v1/exchange/offers", kOfferWriters,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewOffer offer, ParseOffer(body));
               ASSIGN_OR_RETURN(const OfferRecord created,
                                exchange.CreateOffer(request.actor(), offer));
               return ApiResponse::Created(OfferJson(created));
             });

  router.Add(Method::kGet, kOffer, kBoardReaders,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const OfferRecord offer, exchange.GetOffer(request.actor(), id));
               return ApiResponse::Ok(OfferJson(offer));
             });

  router.Add(Method::kPatch, kOffer, kOfferWriters,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               OfferEdit edit;
               ASSIGN_OR_RETURN(edit.quantity, OptionalInt(body, "quantity"));
               ASSIGN_OR_RETURN(edit.condition, OptionalString(body, "condition"));
               ASSIGN_OR_RETURN(const OfferRecord offer,
                                exchange.EditOffer(request.actor(), id, edit));
               return ApiResponse::Ok(OfferJson(offer));
             });

  router.Add(Method::kPost, Path(kOffer, "/withdraw"), kOfferWriters,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const std::string reason, OptionalReason(request));
               RETURN_IF_ERROR(exchange.WithdrawOffer(request.actor(), id, reason));
               return ApiResponse::NoContent();
             });

  router.Add(Method::kGet, Path(kOffer, "/history"), kBoardReaders,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const std::vector<ExchangeEvent> events,
                                exchange.History(request.actor(), "offer", id));
               return ApiResponse::Ok(HistoryJson(events));
             });
}

void AddNeedRoutes(Router& router, ExchangeService& exchange) {
  router.Add(Method::kPost, "/api/v1/exchange/needs", kNeedWriters,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewNeed need, ParseNeed(body));
               ASSIGN_OR_RETURN(const NeedRecord created,
                                exchange.CreateNeed(request.actor(), need));
               return ApiResponse::Created(NeedJson(created));
             });

  router.Add(Method::kGet, kNeed, kBoardReaders,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const NeedRecord need, exchange.GetNeed(request.actor(), id));
               return ApiResponse::Ok(NeedJson(need));
             });

  router.Add(Method::kPatch, kNeed, kNeedWriters,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               NeedEdit edit;
               ASSIGN_OR_RETURN(edit.quantity, OptionalInt(body, "quantity"));
               ASSIGN_OR_RETURN(edit.needed_by, OptionalInstant(body, "needed_by"));
               ASSIGN_OR_RETURN(const NeedRecord need,
                                exchange.EditNeed(request.actor(), id, edit));
               return ApiResponse::Ok(NeedJson(need));
             });

  router.Add(Method::kPost, Path(kNeed, "/withdraw"), kNeedWriters,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const std::string reason, OptionalReason(request));
               RETURN_IF_ERROR(exchange.WithdrawNeed(request.actor(), id, reason));
               return ApiResponse::NoContent();
             });

  router.Add(Method::kGet, Path(kNeed, "/history"), kBoardReaders,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const std::vector<ExchangeEvent> events,
                                exchange.History(request.actor(), "need", id));
               return ApiResponse::Ok(HistoryJson(events));
             });
}

void AddProposalRoutes(Router& router, ExchangeService& exchange) {
  router.Add(Method::kPost, "/api/v1/exchange/proposals", kDeciders,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ProposeOptions options;
               if (!request.http().body.empty()) {
                 ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
                 if (body.contains("radius_km") && !body["radius_km"].is_null()) {
                   ASSIGN_OR_RETURN(options.radius_km, RequiredNumber(body, "radius_km"));
                 }
               }
               ASSIGN_OR_RETURN(const Proposal proposal,
                                exchange.Propose(request.actor(), options));
               return ApiResponse::Created(ProposalJson(proposal));
             });

  router.Add(Method::kGet, "/api/v1/exchange/proposals", kDeciders,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::optional<std::int64_t> limit, request.QueryInt("limit"));
               ASSIGN_OR_RETURN(const std::vector<Proposal> proposals,
                                exchange.ListProposals(request.actor(),
                                                       limit.value_or(kDefaultProposalsListed)));
               nlohmann::json list = nlohmann::json::array();
               for (const Proposal& proposal : proposals) list.push_back(ProposalJson(proposal));
               return ApiResponse::Ok({{"proposals", list}});
             });

  router.Add(Method::kGet, R"(/api/v1/exchange/proposals/(\d+))", kDeciders,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const Proposal proposal, exchange.GetProposal(request.actor(), id));
               return ApiResponse::Ok(ProposalJson(proposal));
             });

  // Readable by everyone on the board: a match names no household, and the devices page follows
  // a confirmed concentrator match to its lending.
  router.Add(
      Method::kGet, "/api/v1/exchange/matches", kBoardReaders,
      [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
        ASSIGN_OR_RETURN(const std::optional<std::int64_t> need_id, request.QueryInt("need_id"));
        ASSIGN_OR_RETURN(
            const std::vector<ProposedMatch> matches,
            exchange.ListMatches(request.actor(), NonEmptyParam(request, "status"), need_id));
        nlohmann::json list = nlohmann::json::array();
        for (const ProposedMatch& match : matches) list.push_back(MatchJson(match));
        return ApiResponse::Ok({{"matches", list}});
      });

  router.Add(Method::kPost, Path(kMatch, "/confirm"), kDeciders,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const ProposedMatch match,
                                exchange.ConfirmMatch(request.actor(), id));
               return ApiResponse::Ok(MatchJson(match));
             });

  router.Add(Method::kPost, Path(kMatch, "/reject"), kDeciders,
             [&exchange](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const std::string reason, OptionalReason(request));
               ASSIGN_OR_RETURN(const ProposedMatch match,
                                exchange.RejectMatch(request.actor(), id, reason));
               return ApiResponse::Ok(MatchJson(match));
             });
}

}  // namespace

void AddExchangeRoutes(Router& router, Services& services) {
  router.Add(Method::kGet, "/api/v1/exchange/board", kBoardReaders,
             [&exchange = services.exchange](const ApiRequest& request) -> Result<ApiResponse> {
               BoardFilter filter;
               filter.kind = NonEmptyParam(request, "kind");
               filter.status = NonEmptyParam(request, "status");
               filter.district_code = NonEmptyParam(request, "district");
               ASSIGN_OR_RETURN(const std::optional<std::int64_t> limit, request.QueryInt("limit"));
               if (limit) filter.limit = *limit;
               ASSIGN_OR_RETURN(const Board board, exchange.ListBoard(request.actor(), filter));
               nlohmann::json offers = nlohmann::json::array();
               for (const OfferRecord& offer : board.offers) offers.push_back(OfferJson(offer));
               nlohmann::json needs = nlohmann::json::array();
               for (const NeedRecord& need : board.needs) needs.push_back(NeedJson(need));
               return ApiResponse::Ok({{"offers", offers}, {"needs", needs}});
             });
  AddOfferRoutes(router, services.exchange);
  AddNeedRoutes(router, services.exchange);
  AddProposalRoutes(router, services.exchange);
}

}  // namespace lifeline
