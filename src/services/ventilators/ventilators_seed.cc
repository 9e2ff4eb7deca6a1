// The demo's ventilator pipeline, written through VentilatorService on a replayed clock.
// Every foundation, supplier, model and price here is synthetic (docs/ventilators.md).

#include "services/ventilators/ventilators_seed.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "core/actor.h"
#include "services/ventilators/ventilators.h"

namespace lifeline {
namespace {

// About 2,000-3,000 ventilators were donated by charities to Hubei hospitals
// (../shared/data/wuhan-2020.md); Wuhan had 48 designated hospitals with more than 23,000 beds
// on 23 Feb 2020. The midpoint over those beds gives the demo's units per designated bed.
constexpr std::int64_t kDonatedVentilators = 2'500;
constexpr std::int64_t kWuhanDesignatedBeds = 23'000;
// Shelter hospitals took mild patients: an assumption of a tenth of the designated rate, all
// high-flow machines for patients waiting for a transfer.
constexpr std::int64_t kShelterRateDivisor = 10;
// A need's first part is recorded early and served; the rest arrives two days before the end.
constexpr std::int64_t kEarlyPercent = 70;
constexpr std::int64_t kInvasivePercent = 60;
constexpr std::int64_t kSeedDays = 14;

struct Foundation {
  const char* name;
  const char* type;  // units pledges
  std::int64_t units;
  std::int64_t delivery_days;
  std::int64_t budget_yuan;
};

// Fictional foundations ("示例" marks them as examples).
constexpr std::array<Foundation, 6> kFoundations = {{
    {"示例甲慈善基金会", "invasive", 40, 2, 0},
    {"示例乙公益基金会", "non_invasive", 30, 1, 0},
    {"示例丙救助基金会", "high_flow", 15, 0, 0},
    {"示例丁医疗援助基金会", "", 0, 0, 12'000'000},
    {"示例戊爱心基金会", "", 0, 0, 6'000'000},
    {"示例甲慈善基金会", "", 0, 0, 3'000'000},
}};

// Fictional suppliers and models at synthetic prices in the range reported for such machines
// in 2020 (an ICU ventilator costing a few hundred thousand yuan, non-invasive and high-flow
// machines tens of thousands).
struct Offer {
  const char* supplier;
  const char* model;
  const char* type;
  std::int64_t unit_price_yuan;
  std::int64_t lead_time_days;
  std::int64_t quantity;
};
constexpr std::array<Offer, 5> kStock = {{
    {"示例医疗器械甲公司", "SV-900", "invasive", 268'000, 5, 30},
    {"示例医疗器械乙公司", "AX-600", "invasive", 198'000, 12, 40},
    {"示例医疗器械乙公司", "NV-300", "non_invasive", 56'000, 3, 60},
    {"示例医疗器械丙公司", "HF-60", "high_flow", 38'000, 2, 40},
    {"示例医疗器械甲公司", "HF-80", "high_flow", 45'000, 1, 20},
}};

struct StoredHospital {
  std::int64_t id = 0;
  std::string kind;
  std::int64_t beds = 0;
};

std::int64_t Part(std::int64_t total, std::int64_t percent) { return (total * percent + 50) / 100; }

}  // namespace

Result<VentilatorSeedReport> SeedVentilators(Database& database,
                                             const VentilatorSeedOptions& options) {
  VentilatorSeedReport report;
  for (const std::string_view state : VentilatorOrderStates()) {
    report.orders_by_state[std::string(state)] = 0;
  }
  ASSIGN_OR_RETURN(const QueryResult existing,
                   database.Query("SELECT (SELECT COUNT(*) FROM ventilator_needs) + (SELECT "
                                  "COUNT(*) FROM ventilator_pledges) + (SELECT COUNT(*) FROM "
                                  "ventilator_stock)"));
  ASSIGN_OR_RETURN(const QueryResult hospital_rows,
                   database.Query("SELECT id, kind, beds FROM hospitals ORDER BY id"));
  if (existing.rows.at(0).Int(0) > 0 || hospital_rows.rows.empty()) {
    report.skipped = true;
    return report;
  }
  std::vector<StoredHospital> hospitals;
  for (const Row& row : hospital_rows.rows) {
    hospitals.push_back({row.Int(0), row.Text(1), row.Int(2)});
  }

  const UnixMillis ends_at = options.ends_at == 0 ? NowMillis() : options.ends_at;
  UnixMillis now = ends_at - kSeedDays * kMillisPerDay;
  VentilatorOptions service_options;
  service_options.clock = [&now] { return now; };
  VentilatorService service(database, service_options);
  const Actor actor = Actor::CommandLine();

  // Needs: each hospital's units split by type, the early part now and the rest later.
  struct PlannedNeed {
    std::int64_t hospital_id;
    const char* type;
    std::int64_t units;
    const char* early_urgency;
    const char* late_urgency;
    const char* method;
  };
  std::vector<PlannedNeed> planned;
  for (const StoredHospital& hospital : hospitals) {
    const std::int64_t designated_units =
        hospital.beds * kDonatedVentilators / kWuhanDesignatedBeds;
    if (hospital.kind == "designated") {
      const std::int64_t invasive = Part(designated_units, kInvasivePercent);
      planned.push_back(
          {hospital.id, "invasive", invasive, "urgent", "critical", "official_notice"});
      planned.push_back({hospital.id, "non_invasive", designated_units - invasive, "urgent",
                         "urgent", "phone_call"});
    } else {
      const std::int64_t units = std::max<std::int64_t>(1, designated_units / kShelterRateDivisor);
      planned.push_back({hospital.id, hospital.kind == "shelter" ? "high_flow" : "non_invasive",
                         units, "routine", "urgent", "visit"});
    }
  }
  auto add_need = [&](const PlannedNeed& need, std::int64_t units, const char* urgency) -> Status {
    if (units <= 0) return Status::Ok();
    ASSIGN_OR_RETURN(const VentilatorNeed added,
                     service.AddNeed(actor, {.hospital_id = need.hospital_id,
                                             .type = need.type,
                                             .quantity = units,
                                             .urgency = urgency,
                                             .verification_method = need.method,
                                             .verified_at = now - kMillisPerHour,
                                             .note = ""}));
    ++report.needs;
    report.units_needed += added.quantity;
    return Status::Ok();
  };
  for (const PlannedNeed& need : planned) {
    RETURN_IF_ERROR(add_need(need, Part(need.units, kEarlyPercent), need.early_urgency));
    now += kMillisPerHour;
  }

  // Pledges and stock a day later.
  now += kMillisPerDay;
  for (const Foundation& foundation : kFoundations) {
    ASSIGN_OR_RETURN(const VentilatorPledge pledge,
                     service.AddPledge(actor, {.foundation = foundation.name,
                                               .type = foundation.type,
                                               .units = foundation.units,
                                               .delivery_days = foundation.delivery_days,
                                               .budget_yuan = foundation.budget_yuan,
                                               .note = ""}));
    ++report.pledges;
    report.budget_yuan += pledge.budget_yuan;
  }
  for (const Offer& offer : kStock) {
    RETURN_IF_ERROR(
        service
            .AddStock(actor, {offer.supplier, offer.model, offer.type, offer.unit_price_yuan,
                              offer.lead_time_days, offer.quantity})
            .status());
    ++report.stock_offers;
  }

  // The first proposal, every line accepted.
  now += kMillisPerDay;
  ASSIGN_OR_RETURN(const VentilatorProposal proposal, service.Propose(actor));
  std::vector<VentilatorOrder> orders;
  for (const ProposalLine& line : proposal.lines) {
    ASSIGN_OR_RETURN(VentilatorOrder order, service.AcceptLine(actor, line.id));
    orders.push_back(std::move(order));
  }

  // Orders move on a day at a time; the i-th stops at state i mod 5 (or its first state), so
  // every state is shown.
  const std::span<const std::string_view> states = VentilatorOrderStates();
  for (std::size_t step = 1; step < states.size(); ++step) {
    now += kMillisPerDay;
    for (std::size_t index = 0; index < orders.size(); ++index) {
      const std::size_t target = index % states.size();
      const auto current = std::find(states.begin(), states.end(), orders[index].state);
      const std::size_t at = static_cast<std::size_t>(current - states.begin());
      if (at >= target || at + 1 != step) continue;
      ASSIGN_OR_RETURN(orders[index],
                       service.Advance(actor, orders[index].id, std::string(states[step]), ""));
    }
  }

  // The rest of each need arrives two days before the end and waits for new resources.
  now = ends_at - 2 * kMillisPerDay;
  for (const PlannedNeed& need : planned) {
    RETURN_IF_ERROR(
        add_need(need, need.units - Part(need.units, kEarlyPercent), need.late_urgency));
    now += kMillisPerHour;
  }

  for (const VentilatorOrder& order : orders) {
    ++report.orders;
    report.units_ordered += order.units;
    ++report.orders_by_state[order.state];
  }
  return report;
}

}  // namespace lifeline
