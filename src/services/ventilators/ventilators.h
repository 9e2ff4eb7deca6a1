#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "store/database.h"

namespace lifeline {

// The vocabulary of the pipeline, as stored and on the wire.
// Types: "invasive", "non_invasive", "high_flow".
// Urgency, most urgent first: "critical", "urgent", "routine".
// Verification: "phone_call", "official_notice", "visit".
// Need status: "open" (units still uncovered), "covered", "withdrawn".
// Pledge kinds: "units" (machines of one type) and "budget" (whole yuan to buy with).
// Order states, in order: "pledged" → "ordered" → "shipped" → "delivered" → "in_use".
std::span<const std::string_view> VentilatorTypes();
std::span<const std::string_view> VentilatorUrgencies();
std::span<const std::string_view> VerificationMethods();
std::span<const std::string_view> VentilatorOrderStates();
// 0 for "critical", 1 "urgent", 2 "routine"; -1 for anything else.
int UrgencyRank(std::string_view urgency);

// Limits, so a typing mistake cannot stand for a real figure.
constexpr std::int64_t kMaxVentilatorUnits = 10'000;
constexpr std::int64_t kMaxBudgetYuan = 10'000'000'000;  // ten billion yuan
constexpr std::int64_t kMaxUnitPriceYuan = 10'000'000;
constexpr std::int64_t kMaxLeadTimeDays = 365;
constexpr std::size_t kMaxVentilatorNameBytes = 300;
constexpr std::size_t kMaxVentilatorNoteBytes = 2000;

struct VentilatorOptions {
  // A purchase "arrives in time" when the supplier's lead time is at most this many days for
  // the need's urgency.
  std::int64_t critical_within_days = 3;
  std::int64_t urgent_within_days = 7;
  std::int64_t routine_within_days = 21;
  // The clock every rule reads (tests move it).
  std::function<UnixMillis()> clock = NowMillis;

  std::int64_t WithinDays(std::string_view urgency) const;
};

struct VentilatorNeed {
  std::int64_t id = 0;
  std::int64_t hospital_id = 0;
  std::string hospital_name_zh;
  std::string hospital_name_en;
  std::string type;
  std::int64_t quantity = 0;
  std::int64_t covered = 0;  // units in orders made for this need
  std::string urgency;
  std::int64_t verified_by = 0;
  std::string verified_by_name;  // the account's display name; empty for the command line
  std::string verification_method;
  UnixMillis verified_at = 0;
  std::string status;
  std::string note;
  UnixMillis created_at = 0;
  std::int64_t created_by = 0;

  std::int64_t uncovered() const { return quantity - covered; }
};

struct NewVentilatorNeed {
  std::int64_t hospital_id = 0;
  std::string type = {};
  std::int64_t quantity = 0;
  std::string urgency = {};
  std::string verification_method = {};
  UnixMillis verified_at = 0;  // 0: now; never in the future
  std::string note = {};
};

struct VentilatorPledge {
  std::int64_t id = 0;
  std::string foundation;
  std::string kind;  // "units" or "budget"
  std::string type;  // units pledges only
  std::int64_t units = 0;
  std::int64_t units_allocated = 0;
  std::int64_t delivery_days = 0;
  std::int64_t budget_yuan = 0;
  std::int64_t budget_spent_yuan = 0;
  std::string note;
  UnixMillis pledged_at = 0;
  std::int64_t pledged_by = 0;

  std::int64_t units_left() const { return units - units_allocated; }
  std::int64_t budget_left() const { return budget_yuan - budget_spent_yuan; }
};

// Exactly one of `units` (with `type`) and `budget_yuan` is given.
struct NewVentilatorPledge {
  std::string foundation = {};
  std::string type = {};
  std::int64_t units = 0;
  std::int64_t delivery_days = 0;
  std::int64_t budget_yuan = 0;
  std::string note = {};
};

struct SupplierStock {
  std::int64_t id = 0;
  std::string supplier;
  std::string model;
  std::string type;
  std::int64_t unit_price_yuan = 0;
  std::int64_t lead_time_days = 0;
  std::int64_t quantity = 0;
  std::int64_t reserved = 0;  // bought by accepted lines
  UnixMillis created_at = 0;
  std::int64_t created_by = 0;

  std::int64_t available() const { return quantity - reserved; }
};

struct NewSupplierStock {
  std::string supplier = {};
  std::string model = {};
  std::string type = {};
  std::int64_t unit_price_yuan = 0;
  std::int64_t lead_time_days = 0;
  std::int64_t quantity = 0;
};

// One line of a plan: `units` of the need's type for one need, either from a units pledge
// (`stock_id` 0) or bought from one stock offer with one budget pledge. `reason` is a catalogue
// code under "ventilators.reason." with `reason_args` to fill it.
struct ProposalLine {
  std::int64_t id = 0;  // 0 until stored
  std::int64_t position = 0;
  std::int64_t need_id = 0;
  std::int64_t hospital_id = 0;
  std::string type;
  std::string urgency;
  std::int64_t pledge_id = 0;
  std::string foundation;
  std::int64_t stock_id = 0;
  std::string supplier;
  std::string model;
  std::int64_t units = 0;
  std::int64_t unit_price_yuan = 0;
  std::int64_t lead_time_days = 0;
  std::int64_t cost_yuan = 0;
  UnixMillis expected_delivery_at = 0;
  bool in_time = true;
  std::string reason;
  MessageArgs reason_args;
  std::int64_t order_id = 0;  // set once accepted
};

// What a plan leaves unserved of an open need, and why ("no_pledged_units_or_budget" when no
// resource of the type is left, "budget_too_small" when stock exists but no budget buys a unit,
// "no_stock" when budget is left but nobody offers the type).
struct UncoveredNeed {
  std::int64_t need_id = 0;
  std::int64_t hospital_id = 0;
  std::string type;
  std::string urgency;
  std::int64_t units = 0;
  std::string reason;
};

struct VentilatorProposal {
  std::int64_t id = 0;
  UnixMillis computed_at = 0;
  std::int64_t computed_by = 0;
  std::vector<ProposalLine> lines;
  std::vector<UncoveredNeed> uncovered;
};

// The rule of the pipeline, written once here and implemented by PlanVentilators:
//
//  1. Needs are served one at a time: open needs only, most urgent first (critical, urgent,
//     routine), then the oldest (recorded first), then the lowest id. Each wants its uncovered
//     units (quantity minus units already in orders).
//  2. First from pledged units of the same type: units pledges in the order they were made
//     (oldest first, then id), each giving what it has left. Reason "pledged_units". Expected
//     delivery: now plus the pledge's delivery days.
//  3. Then by buying: supplier offers of the same type with units available, those whose lead
//     time arrives in time for the need's urgency (VentilatorOptions) first, cheapest unit price
//     first, then the shorter lead time, then the lower id; after them the late ones, soonest
//     first, then cheapest, then id (a late machine is better than none). For each offer the
//     budget pledges pay in the order they were made: a pledge buys as many whole units as its
//     remaining budget allows (floor(budget left / unit price)), capped by the offer's units and
//     the need's remainder; a pledge too small for one unit is passed over. One line per
//     (pledge, offer) pair. Reasons "bought_in_time" (cheapest offer within the urgency's limit)
//     or "bought_late" (no offer arrives in time). Expected delivery: now plus the lead time.
//  4. What is left of a need is reported as uncovered with the reason.
//
// Pure and deterministic: the same inputs give the same lines. Inputs are the current records;
// only open needs with uncovered units, pledges with something left and stock with units
// available are used.
std::vector<ProposalLine> PlanVentilators(const std::vector<VentilatorNeed>& needs,
                                          const std::vector<VentilatorPledge>& pledges,
                                          const std::vector<SupplierStock>& stock,
                                          const VentilatorOptions& options, UnixMillis now,
                                          std::vector<UncoveredNeed>* uncovered);

struct OrderEvent {
  std::int64_t id = 0;
  std::string action;
  std::string from_state;
  std::string to_state;
  std::string note;
  UnixMillis at = 0;
  std::int64_t actor_user_id = 0;
  std::string actor_username;
};

struct VentilatorOrder {
  std::int64_t id = 0;
  std::int64_t need_id = 0;
  std::int64_t hospital_id = 0;
  std::string hospital_name_zh;
  std::string hospital_name_en;
  std::int64_t pledge_id = 0;
  std::string foundation;
  std::int64_t stock_id = 0;  // 0 for pledged units
  std::string supplier;
  std::string model;
  std::int64_t proposal_line_id = 0;
  std::string type;
  std::int64_t units = 0;
  std::int64_t unit_price_yuan = 0;
  std::int64_t cost_yuan = 0;
  UnixMillis expected_delivery_at = 0;
  std::string state;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::vector<OrderEvent> history;  // oldest first; filled by GetOrder and ListOrders
};

struct HospitalVentilatorTotals {
  std::int64_t hospital_id = 0;
  std::string name_zh;
  std::string name_en;
  std::string kind;
  std::int64_t needed = 0;  // units of needs not withdrawn
  // Units in orders, by the order's current state.
  std::int64_t pledged = 0;
  std::int64_t ordered = 0;
  std::int64_t shipped = 0;
  std::int64_t delivered = 0;
  std::int64_t in_use = 0;
  std::int64_t uncovered = 0;  // of open needs, in no order yet
};

struct FoundationVentilatorTotals {
  std::string foundation;
  std::int64_t units_pledged = 0;
  std::int64_t units_allocated = 0;  // pledged units in orders
  std::int64_t budget_pledged_yuan = 0;
  std::int64_t budget_spent_yuan = 0;
  std::int64_t units_bought = 0;     // units bought with the foundation's budget
  std::int64_t units_delivered = 0;  // its units and purchases delivered or in use
};

struct VentilatorTotals {
  std::vector<HospitalVentilatorTotals> hospitals;      // every hospital, by id
  std::vector<FoundationVentilatorTotals> foundations;  // by name
};

// The ventilator pipeline: needs verified at hospitals, pledges of foundations, suppliers'
// stock, proposals computed by PlanVentilators, and orders that move forward one state at a
// time. Owns the tables of migration 0009.
//
// Accepting a proposal line creates its order and takes what it uses — the need's units, the
// pledge's units or budget, the supplier's units — in one write transaction with conditional
// updates, so two coordinators accepting lines that compete for the same units cannot both
// succeed on either backend. A line whose resources changed since the proposal was computed
// (another line took them, the need was withdrawn) is refused with FailedPrecondition
// "error.ventilators.stale_need" / "stale_pledge" / "stale_stock" and nothing is written.
// Every change writes a ventilator_events row and an audit row in the same transaction.
//
// Roles are checked by the faces: reading for coordinator, admin, planner and doctor; changes
// for coordinator and admin. Failures are values: InvalidArgument naming the field
// ("error.field_required", "error.field_invalid", "error.field_too_long",
// "error.unknown_choice", "error.ventilators.unknown_hospital",
// "error.ventilators.units_or_budget"), NotFound "error.record_not_found", FailedPrecondition
// for refused transitions ("error.ventilators.transition"), accepted lines
// ("error.ventilators.line_accepted"), withdrawn needs and stale proposals.
//
// Holds no state beyond its options; borrows `database`, which must outlive it. Thread-safe:
// every method runs in its own transaction.
class VentilatorService {
 public:
  explicit VentilatorService(Database& database, VentilatorOptions options = {});

  // --- Records (ventilator_records.cc) ---
  Result<VentilatorNeed> AddNeed(const Actor& actor, const NewVentilatorNeed& need);
  // Needs by urgency then age; `status` filters ("open", "covered", "withdrawn") when not empty.
  Result<std::vector<VentilatorNeed>> ListNeeds(const std::string& status);
  // An open need with no units in orders can be withdrawn; FailedPrecondition
  // "error.ventilators.need_not_open" otherwise.
  Result<VentilatorNeed> WithdrawNeed(const Actor& actor, std::int64_t need_id,
                                      const std::string& note);
  Result<VentilatorPledge> AddPledge(const Actor& actor, const NewVentilatorPledge& pledge);
  Result<std::vector<VentilatorPledge>> ListPledges();
  Result<SupplierStock> AddStock(const Actor& actor, const NewSupplierStock& stock);
  Result<std::vector<SupplierStock>> ListStock();

  // --- Proposals and orders (ventilator_orders.cc) ---
  // Computes a plan from the current records with PlanVentilators and stores it.
  Result<VentilatorProposal> Propose(const Actor& actor);
  Result<VentilatorProposal> GetProposal(std::int64_t proposal_id);
  // Turns one line into an order: "pledged" for pledged units, "ordered" for a purchase.
  Result<VentilatorOrder> AcceptLine(const Actor& actor, std::int64_t line_id);
  // Moves an order to `to_state`, which must be the next state; anything else is refused with
  // FailedPrecondition "error.ventilators.transition" {from, to}.
  Result<VentilatorOrder> Advance(const Actor& actor, std::int64_t order_id,
                                  const std::string& to_state, const std::string& note);
  Result<VentilatorOrder> GetOrder(std::int64_t order_id);
  // Orders by id; `state` filters when not empty.
  Result<std::vector<VentilatorOrder>> ListOrders(const std::string& state);
  Result<VentilatorTotals> Totals();

  const VentilatorOptions& options() const { return options_; }

 private:
  UnixMillis Now() const { return options_.clock(); }

  Database& database_;
  const VentilatorOptions options_;
};

}  // namespace lifeline
