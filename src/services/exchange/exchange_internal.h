#pragma once

// Helpers shared by the exchange's source files; not part of the service's interface.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "core/validation.h"
#include "services/exchange/exchange_service.h"
#include "services/exchange/exchange_types.h"
#include "store/database.h"

namespace lifeline::exchange {

constexpr std::string_view kOpen = "open";
constexpr std::string_view kWithdrawn = "withdrawn";
constexpr std::string_view kExhausted = "exhausted";  // offers
constexpr std::string_view kFulfilled = "fulfilled";  // needs
constexpr std::string_view kProposed = "proposed";
constexpr std::string_view kConfirmed = "confirmed";
constexpr std::string_view kRejected = "rejected";
constexpr std::string_view kSuperseded = "superseded";

constexpr std::string_view kSourceCase = "case";
constexpr std::string_view kSourceHospital = "hospital";
constexpr std::string_view kOffererPerson = "person";

// Limits on free text, in bytes (a Chinese character takes three).
constexpr std::size_t kMaxShortText = 200;
constexpr std::size_t kMaxAddressText = 500;
constexpr std::size_t kMaxReasonText = 1000;

// --- Checks (the general field checks are in core/validation.h) ---
Status CheckQuantity(std::int64_t quantity, std::string_view field, std::int64_t max_quantity);
Status CheckLocation(const LatLon& location);
Status RequireDistrict(Connection& connection, const std::string& code);

// --- Items ---
// Checks the spec fields `kind` uses (trimmed in place) and clears the others. Offers also need
// an expiry date for medicines, refused once past `today` (a YYYY-MM-DD date).
Status NormaliseItem(ItemSpec& item, bool is_offer, const std::string& today);
// The kind and spec as the matcher compares them: "concentrator_5", "oximeter",
// "ventilator_high_flow", "medicine:<name>|<strength>", "other:<description>", names folded to
// lower case and inner spaces squeezed.
std::string MatchKey(const ItemSpec& item);

// --- Priorities ---
// kCasePriorityBySeverity for the worse of two severities; -1 for an unknown name.
int CasePriority(const std::string& nhc_severity, const std::string& who_severity,
                 bool home_concentrator_without_bed);
int HospitalPriority(const std::string& urgency);  // -1 for an unknown urgency

// --- Privacy ---
bool IsCoordinator(const Actor& actor);
// Snaps to the centre of a cell of `cell_degrees`.
LatLon Coarsen(LatLon location, double cell_degrees);
// Clears what a non-coordinator must not see of a household's record.
void HideOffer(OfferRecord& offer, double cell_degrees);
void HideNeed(NeedRecord& need, double cell_degrees);

// --- Store ---
Result<std::vector<OfferRecord>> LoadOffers(Connection& connection, const std::string& where,
                                            const std::vector<Value>& params,
                                            const std::string& tail = "");
Result<std::vector<NeedRecord>> LoadNeeds(Connection& connection, const std::string& where,
                                          const std::vector<Value>& params,
                                          const std::string& tail = "");
Status AppendEvent(Connection& connection, const Actor& actor, std::string_view entity,
                   std::int64_t entity_id, std::string_view action, UnixMillis at,
                   const std::string& detail_json);
// Only the creator of a record, a coordinator or an admin changes it.
Status RequireOwnerOrCoordinator(const Actor& actor, std::int64_t created_by);

}  // namespace lifeline::exchange
