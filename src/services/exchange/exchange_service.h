#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "engines/matching/matching.h"
#include "services/exchange/exchange_types.h"
#include "store/database.h"

namespace lifeline {

// A need's priority (matching::kMinPriority..kMaxPriority) from the worse of the clinic case's
// current NHC and WHO severities: the sicker the patient, the more a matched item is worth.
struct SeverityPriority {
  std::string_view severity;
  int priority;
};
constexpr std::array<SeverityPriority, 4> kCasePriorityBySeverity = {{
    {"critical", 100},
    {"severe", 80},
    {"moderate", 50},
    {"mild", 20},
}};
// A concentrator needed at home by a case that asked for a bed: no bed was found, so the
// machine at home is what keeps the patient alive until one is. Added, capped at the maximum.
constexpr int kHomeOxygenWithoutBedBump = 15;

// A hospital need's priority from the urgency its verifier gave.
struct UrgencyPriority {
  std::string_view urgency;
  int priority;
};
constexpr std::array<UrgencyPriority, 3> kHospitalPriorityByUrgency = {{
    {"immediate", 90},
    {"urgent", 70},
    {"routine", 40},
}};

struct ExchangeOptions {
  // Largest quantity one offer or need may carry: more is a typing mistake.
  std::int64_t max_quantity = 10'000;
  // Households' locations are shown to non-coordinators snapped to cells of this size in
  // degrees (0.01° is 1.1 km north-south and about 1 km east-west at Wuhan's latitude).
  double coarse_cell_degrees = 0.01;
  // Medicine expiry is compared with the date in Wuhan (UTC+8).
  int local_utc_offset_minutes = 8 * 60;
  // The clock every rule reads (tests move it).
  std::function<UnixMillis()> clock = NowMillis;
};

// The exchange of offers and needs: concentrators, oximeters, ventilators, medicines and other
// items offered by households and organisations, needed by clinic cases and hospitals, and the
// proposals of the optimal matcher (engines/matching) that coordinators confirm or reject. Owns
// the tables of migration 0008.
//
// Rules kept here: items are checked by kind (an expired medicine is refused with
// "error.exchange.medicine_expired" naming its expiry); a case need's priority comes from the
// case's current triage (kCasePriorityBySeverity), re-derived at every proposal; a 10 L/min
// concentrator also serves 5 and 3 L/min needs, a 5 L/min one 3 L/min needs, medicines match by
// name and strength. Proposing runs matching::MatchOptimal over the open remaining quantities
// and stores every match with its reasons; a newer proposal supersedes the undecided matches of
// older ones. Confirming reduces both remaining quantities in one transaction and is refused
// (FailedPrecondition "error.exchange.match_stale") when either side was edited or withdrawn
// since the proposal or no longer has the quantity. Every change is an exchange_events row.
//
// Privacy: households' (offers by a person, needs of a clinic case) addresses, exact locations
// and phone numbers are shown only to coordinators; others get the district and a location
// coarsened to about 1 km. Every read that shows them writes an audit row in its transaction.
// Phones are stored sealed with the deployment key (SealText) plus their last four digits.
//
// Roles are checked by the faces (docs/api.md); the service checks what depends on the record:
// only the creator or a coordinator/admin edits or withdraws. Holds no state beyond its options
// and key; borrows `database`, which must outlive it. Thread-safe: every method runs in its own
// transaction.
class ExchangeService {
 public:
  // `sealing_key` is the deployment key (crypto.h LoadOrCreateKeyFile); it must be non-empty.
  ExchangeService(Database& database, std::string sealing_key, ExchangeOptions options = {});

  // --- Offers and needs ---
  Result<OfferRecord> CreateOffer(const Actor& actor, const NewOffer& offer);
  Result<NeedRecord> CreateNeed(const Actor& actor, const NewNeed& need);
  // Many offers and needs at once (an import, the demo's seeding): each checked exactly as
  // CreateOffer and CreateNeed check it, then all written in one transaction with their "create"
  // events, or none when one is refused. The error names the record in its field
  // ("offers[12].quantity"). Returns the new ids in the order given; reads nothing back.
  Result<ImportedRecords> Import(const Actor& actor, const ExchangeImport& batch);
  // True while the exchange has no offer, need or proposal.
  Result<bool> IsEmpty();
  // One record; coordinators also get the offerer's phone (audited as a read).
  Result<OfferRecord> GetOffer(const Actor& actor, std::int64_t offer_id);
  Result<NeedRecord> GetNeed(const Actor& actor, std::int64_t need_id);
  Result<OfferRecord> EditOffer(const Actor& actor, std::int64_t offer_id, const OfferEdit& edit);
  Result<NeedRecord> EditNeed(const Actor& actor, std::int64_t need_id, const NeedEdit& edit);
  // Withdrawal of an open record; the undecided matches that involve it can no longer be
  // confirmed.
  Status WithdrawOffer(const Actor& actor, std::int64_t offer_id, const std::string& reason);
  Status WithdrawNeed(const Actor& actor, std::int64_t need_id, const std::string& reason);
  // Offers and needs, newest first, filtered by kind, status ("open" unless given; "all" for
  // every status) and district.
  Result<Board> ListBoard(const Actor& actor, const BoardFilter& filter);
  // The history of one offer, need, proposal or match, oldest first.
  Result<std::vector<ExchangeEvent>> History(const Actor& actor, const std::string& entity,
                                             std::int64_t entity_id);

  // --- Proposals ---
  Result<Proposal> Propose(const Actor& actor, const ProposeOptions& options);
  // Newest first, without their matches.
  Result<std::vector<Proposal>> ListProposals(const Actor& actor, std::int64_t limit);
  Result<Proposal> GetProposal(const Actor& actor, std::int64_t proposal_id);
  // Matches with the given status ("proposed" unless given), newest proposal first.
  Result<std::vector<ProposedMatch>> ListMatches(const Actor& actor,
                                                 const std::optional<std::string>& status,
                                                 std::optional<std::int64_t> need_id);
  Result<ProposedMatch> ConfirmMatch(const Actor& actor, std::int64_t match_id);
  Result<ProposedMatch> RejectMatch(const Actor& actor, std::int64_t match_id,
                                    const std::string& reason);

  // The compatibility table handed to the matcher (also in every proposal's options).
  static matching::MatchOptions MatchOptionsFor(double radius_km);

  const ExchangeOptions& options() const { return options_; }

 private:
  UnixMillis Now() const { return options_.clock(); }

  Database& database_;
  const std::string sealing_key_;
  const ExchangeOptions options_;
};

}  // namespace lifeline
