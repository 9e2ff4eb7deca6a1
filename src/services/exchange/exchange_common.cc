// The exchange's vocabulary and the rules that need no store: item checks, match keys,
// priorities and what a non-coordinator may see of a household.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "core/geo.h"
#include "services/exchange/exchange_internal.h"

namespace lifeline::exchange {
namespace {

const std::vector<std::string> kKinds = {"concentrator", "oximeter", "ventilator", "medicine",
                                         "other"};
const std::vector<std::string> kVentilatorTypes = {"invasive", "non_invasive", "high_flow"};
// Home oxygen concentrators come in these flows; a bigger one serves a smaller need.
constexpr std::array<std::int64_t, 3> kConcentratorFlows = {3, 5, 10};

std::string FlowChoices() {
  std::string joined;
  for (const std::int64_t flow : kConcentratorFlows) {
    if (!joined.empty()) joined += ", ";
    joined += std::to_string(flow);
  }
  return joined;
}

// ASCII letters folded to lower case, runs of spaces squeezed to one: "Ibuprofen  200MG" and
// "ibuprofen 200mg" are one medicine.
std::string Folded(std::string_view text) {
  std::string folded;
  bool space = false;
  for (const char c : Trimmed(text)) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) folded.push_back(' ');
    space = false;
    folded.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return folded;
}

bool IsDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  return ParseIso8601(text).ok();
}

int SeverityPriorityOf(const std::string& severity) {
  for (const SeverityPriority& entry : kCasePriorityBySeverity) {
    if (entry.severity == severity) return entry.priority;
  }
  return -1;
}

}  // namespace

Status CheckQuantity(std::int64_t quantity, std::string_view field, std::int64_t max_quantity) {
  if (quantity < 1 || quantity > max_quantity) {
    return Status::InvalidArgument("error.exchange.quantity_range",
                                   {{"max", std::to_string(max_quantity)}}, std::string(field));
  }
  return Status::Ok();
}

Status CheckLocation(const LatLon& location) {
  if (std::isfinite(location.lat) && (location.lat < -90 || location.lat > 90)) {
    return Status::InvalidArgument("error.bad_coordinates", {}, "lat");
  }
  if (!IsValidLatLon(location)) {
    return Status::InvalidArgument("error.bad_coordinates", {},
                                   std::isfinite(location.lat) ? "lon" : "lat");
  }
  return Status::Ok();
}

Status RequireDistrict(Connection& connection, const std::string& code) {
  if (code.empty()) return FieldRequired("district_code");
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT 1 FROM districts WHERE code = $1", {code}));
  if (found.rows.empty()) {
    return Status::InvalidArgument("error.unknown_district", {{"code", code}}, "district_code");
  }
  return Status::Ok();
}

Status NormaliseItem(ItemSpec& item, bool is_offer, const std::string& today) {
  item.kind = Trimmed(item.kind);
  RETURN_IF_ERROR(CheckChoice("kind", item.kind, kKinds));
  ItemSpec normal;
  normal.kind = item.kind;
  if (item.kind == "concentrator") {
    if (std::find(kConcentratorFlows.begin(), kConcentratorFlows.end(), item.flow_lpm) ==
        kConcentratorFlows.end()) {
      return UnknownChoice("flow_lpm", std::to_string(item.flow_lpm), {FlowChoices()});
    }
    normal.flow_lpm = item.flow_lpm;
  } else if (item.kind == "ventilator") {
    RETURN_IF_ERROR(
        CheckChoice("ventilator_type", Trimmed(item.ventilator_type), kVentilatorTypes));
    normal.ventilator_type = Trimmed(item.ventilator_type);
  } else if (item.kind == "medicine") {
    RETURN_IF_ERROR(CheckText(item.medicine_name, "medicine_name", kMaxShortText, true));
    RETURN_IF_ERROR(CheckText(item.strength, "strength", kMaxShortText, true));
    normal.medicine_name = Trimmed(item.medicine_name);
    normal.strength = Trimmed(item.strength);
    if (is_offer) {
      const std::string expiry = Trimmed(item.expiry_date);
      if (expiry.empty()) return FieldRequired("expiry_date");
      if (!IsDate(expiry)) {
        return Status::InvalidArgument("error.bad_date", {{"value", expiry}}, "expiry_date");
      }
      // Dates in one format compare as text; a medicine is usable through its expiry day.
      if (expiry < today) {
        return Status::InvalidArgument(
            "error.exchange.medicine_expired",
            {{"name", normal.medicine_name}, {"expiry", expiry}, {"today", today}}, "expiry_date");
      }
      normal.expiry_date = expiry;
    }
  } else if (item.kind == "other") {
    RETURN_IF_ERROR(CheckText(item.description, "description", kMaxShortText, true));
    normal.description = Trimmed(item.description);
  }
  item = std::move(normal);
  return Status::Ok();
}

std::string MatchKey(const ItemSpec& item) {
  if (item.kind == "concentrator") return "concentrator_" + std::to_string(item.flow_lpm);
  if (item.kind == "ventilator") return "ventilator_" + item.ventilator_type;
  if (item.kind == "medicine") {
    return "medicine:" + Folded(item.medicine_name) + "|" + Folded(item.strength);
  }
  if (item.kind == "other") return "other:" + Folded(item.description);
  return item.kind;
}

int CasePriority(const std::string& nhc_severity, const std::string& who_severity,
                 bool home_concentrator_without_bed) {
  const int priority = std::max(SeverityPriorityOf(nhc_severity), SeverityPriorityOf(who_severity));
  if (priority < 0) return -1;
  if (!home_concentrator_without_bed) return priority;
  return std::min(priority + kHomeOxygenWithoutBedBump, matching::kMaxPriority);
}

int HospitalPriority(const std::string& urgency) {
  for (const UrgencyPriority& entry : kHospitalPriorityByUrgency) {
    if (entry.urgency == urgency) return entry.priority;
  }
  return -1;
}

bool IsCoordinator(const Actor& actor) { return actor.role == Role::kCoordinator; }

LatLon Coarsen(LatLon location, double cell_degrees) {
  const auto snap = [cell_degrees](double value) {
    return (std::floor(value / cell_degrees) + 0.5) * cell_degrees;
  };
  return {snap(location.lat), snap(location.lon)};
}

void HideOffer(OfferRecord& offer, double cell_degrees) {
  if (offer.offerer_kind != kOffererPerson) return;
  offer.location = Coarsen(offer.location, cell_degrees);
  offer.precise = false;
  offer.address.clear();
  offer.contact_phone.clear();
  offer.phone_last4.clear();
}

void HideNeed(NeedRecord& need, double cell_degrees) {
  if (need.source != kSourceCase) return;
  need.location = Coarsen(need.location, cell_degrees);
  need.precise = false;
  need.address.clear();
}

Status RequireOwnerOrCoordinator(const Actor& actor, std::int64_t created_by) {
  if (actor.role == Role::kCoordinator || actor.role == Role::kAdmin ||
      (actor.user_id != 0 && actor.user_id == created_by)) {
    return Status::Ok();
  }
  return Status(ErrorCode::kPermissionDenied, "error.exchange.not_your_record");
}

}  // namespace lifeline::exchange
