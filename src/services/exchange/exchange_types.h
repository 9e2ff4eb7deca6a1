#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/geo.h"
#include "core/time.h"

namespace lifeline {

// The vocabulary of the exchange of offers and needs. Enumerations travel as their wire names
// ("concentrator", "lend", ...); ExchangeService checks every submitted name and reports a bad
// one with the field it came in.

// What is offered or needed. Which spec fields apply depends on `kind`:
//   concentrator: flow_lpm (3, 5 or 10 L/min)
//   oximeter:     nothing
//   ventilator:   ventilator_type ("invasive", "non_invasive", "high_flow")
//   medicine:     medicine_name, strength; offers also expiry_date (YYYY-MM-DD)
//   other:        description
struct ItemSpec {
  std::string kind = {};
  std::int64_t flow_lpm = 0;
  std::string ventilator_type = {};
  std::string medicine_name = {};
  std::string strength = {};
  std::string expiry_date = {};
  std::string description = {};
};

struct NewOffer {
  std::string offerer_kind = {};  // "person" (a household) or "organisation"
  std::string offerer_name = {};
  std::string contact_phone = {};
  std::optional<LatLon> location = std::nullopt;
  std::string district_code = {};
  std::string address = {};
  ItemSpec item = {};
  std::int64_t quantity = 0;
  std::string mode = {};       // "lend" or "give"
  std::string condition = {};  // "new", "good", "fair"
};

// A need comes from a clinic case (priority from the case's current triage) or a hospital
// (priority from the urgency given). A case need without a location is placed at the centroid
// of the case's district; a hospital need is always at the hospital.
struct NewNeed {
  std::string source = {};  // "case" or "hospital"
  std::optional<std::int64_t> case_id = std::nullopt;
  std::optional<std::int64_t> hospital_id = std::nullopt;
  std::string urgency = {};  // hospitals: "immediate", "urgent", "routine"
  std::optional<LatLon> location = std::nullopt;
  std::string address = {};
  ItemSpec item = {};
  std::int64_t quantity = 0;
  std::optional<UnixMillis> needed_by = std::nullopt;
};

// A batch for ExchangeService::Import.
struct ExchangeImport {
  std::vector<NewOffer> offers = {};
  std::vector<NewNeed> needs = {};
};

struct ImportedRecords {
  std::vector<std::int64_t> offer_ids = {};  // in the order of ExchangeImport::offers
  std::vector<std::int64_t> need_ids = {};
};

// What may change on an open offer or need; unset fields stay as they are. Every edit is an
// event and makes proposals made before it stale.
struct OfferEdit {
  std::optional<std::int64_t> quantity = std::nullopt;  // the total; remaining follows
  std::optional<std::string> condition = std::nullopt;
};
struct NeedEdit {
  std::optional<std::int64_t> quantity = std::nullopt;
  std::optional<UnixMillis> needed_by = std::nullopt;
};

// An offer as a reader sees it. Households' (offerer_kind "person") address, exact location and
// phone are for coordinators only: everyone else gets `address` empty, `location` snapped to
// the centre of a cell of about 1 km and `precise` false.
struct OfferRecord {
  std::int64_t id = 0;
  std::string offerer_kind = {};
  std::string offerer_name = {};
  std::string phone_last4 = {};
  std::string contact_phone = {};  // only from GetOffer, for coordinators
  LatLon location = {};
  bool precise = true;
  std::string district_code = {};
  std::string address = {};
  ItemSpec item = {};
  std::string match_key = {};
  std::int64_t quantity = 0;
  std::int64_t remaining = 0;
  std::string mode = {};
  std::string condition = {};
  std::string status = {};  // "open", "withdrawn", "exhausted"
  std::int64_t revision = 0;
  std::int64_t created_by = 0;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

// A need as a reader sees it; a case need is a household's, hidden like an offer by a person.
struct NeedRecord {
  std::int64_t id = 0;
  std::string source = {};
  std::optional<std::int64_t> case_id = std::nullopt;
  std::optional<std::int64_t> hospital_id = std::nullopt;
  std::string urgency = {};
  int priority = 0;
  LatLon location = {};
  bool precise = true;
  std::string district_code = {};
  std::string address = {};
  ItemSpec item = {};
  std::string match_key = {};
  std::int64_t quantity = 0;
  std::int64_t remaining = 0;
  std::optional<UnixMillis> needed_by = std::nullopt;
  std::string status = {};  // "open", "withdrawn", "fulfilled"
  std::int64_t revision = 0;
  std::int64_t created_by = 0;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

struct BoardFilter {
  std::optional<std::string> kind = std::nullopt;
  std::optional<std::string> status = std::nullopt;  // default: "open"
  std::optional<std::string> district_code = std::nullopt;
  std::int64_t limit = 500;
};

struct Board {
  std::vector<OfferRecord> offers = {};
  std::vector<NeedRecord> needs = {};
};

struct ExchangeEvent {
  std::int64_t id = 0;
  std::string entity = {};  // "offer", "need", "proposal", "match"
  std::int64_t entity_id = 0;
  std::string action = {};  // "create", "edit", "withdraw", "propose", "confirm", "reject"
  UnixMillis at = 0;
  std::int64_t by_user = 0;
  std::string by_username = {};
  std::string detail = {};  // JSON text
};

struct ProposeOptions {
  std::optional<double> radius_km = std::nullopt;  // default matching::kDefaultRadiusKm
};

// One proposed match, with its reasons and short descriptions of both sides.
struct ProposedMatch {
  std::int64_t id = 0;
  std::int64_t proposal_id = 0;
  std::int64_t need_id = 0;
  std::int64_t offer_id = 0;
  std::int64_t quantity = 0;
  double distance_km = 0;
  int priority = 0;
  std::string status = {};  // "proposed", "confirmed", "rejected", "superseded"
  std::optional<std::int64_t> decided_by = std::nullopt;
  std::optional<UnixMillis> decided_at = std::nullopt;
  std::string note = {};
  ItemSpec need_item = {};
  ItemSpec offer_item = {};
  std::string need_district = {};
  std::string offer_district = {};
  std::string need_source = {};
  std::optional<std::int64_t> case_id = std::nullopt;
  std::optional<std::int64_t> hospital_id = std::nullopt;
  std::string offer_mode = {};
};

struct Proposal {
  std::int64_t id = 0;
  std::int64_t created_by = 0;
  std::string created_by_username = {};
  UnixMillis created_at = 0;
  double radius_km = 0;
  std::string options = {};  // JSON text
  std::int64_t needs_considered = 0;
  std::int64_t offers_considered = 0;
  std::int64_t served_priority = 0;
  double total_distance_km = 0;
  std::int64_t unmet_quantity = 0;
  std::vector<ProposedMatch> matches = {};
};

}  // namespace lifeline
