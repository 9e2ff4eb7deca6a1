// PlanVentilators: the pipeline's rule, stated in ventilators.h, over plain records.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "services/ventilators/ventilators.h"
#include "services/ventilators/ventilators_internal.h"

namespace lifeline {
namespace {

using namespace ventilators;

// An offer as the plan sees it: how many units it still has in this plan, and whether it
// arrives in time for the need being served.
struct Candidate {
  SupplierStock* offer = nullptr;
  bool in_time = false;
};

// In-time offers first, cheapest, then sooner, then lower id; late offers after them, soonest,
// then cheapest, then lower id.
bool BetterOffer(const Candidate& left, const Candidate& right) {
  if (left.in_time != right.in_time) return left.in_time;
  const SupplierStock& a = *left.offer;
  const SupplierStock& b = *right.offer;
  if (left.in_time) {
    if (a.unit_price_yuan != b.unit_price_yuan) return a.unit_price_yuan < b.unit_price_yuan;
    if (a.lead_time_days != b.lead_time_days) return a.lead_time_days < b.lead_time_days;
  } else {
    if (a.lead_time_days != b.lead_time_days) return a.lead_time_days < b.lead_time_days;
    if (a.unit_price_yuan != b.unit_price_yuan) return a.unit_price_yuan < b.unit_price_yuan;
  }
  return a.id < b.id;
}

bool PledgedEarlier(const VentilatorPledge* left, const VentilatorPledge* right) {
  if (left->pledged_at != right->pledged_at) return left->pledged_at < right->pledged_at;
  return left->id < right->id;
}

ProposalLine LineFor(const VentilatorNeed& need, const VentilatorPledge& pledge,
                     std::int64_t units) {
  ProposalLine line;
  line.need_id = need.id;
  line.hospital_id = need.hospital_id;
  line.type = need.type;
  line.urgency = need.urgency;
  line.pledge_id = pledge.id;
  line.foundation = pledge.foundation;
  line.units = units;
  return line;
}

}  // namespace

std::vector<ProposalLine> PlanVentilators(const std::vector<VentilatorNeed>& needs,
                                          const std::vector<VentilatorPledge>& pledges,
                                          const std::vector<SupplierStock>& stock,
                                          const VentilatorOptions& options, UnixMillis now,
                                          std::vector<UncoveredNeed>* uncovered) {
  // Working copies: what is left of each resource as the plan takes from it.
  std::vector<VentilatorPledge> pledges_left = pledges;
  std::vector<SupplierStock> stock_left = stock;
  std::vector<const VentilatorNeed*> order;
  for (const VentilatorNeed& need : needs) {
    if (need.status == kNeedOpen && need.uncovered() > 0 && UrgencyRank(need.urgency) >= 0) {
      order.push_back(&need);
    }
  }
  std::sort(order.begin(), order.end(),
            [](const VentilatorNeed* left, const VentilatorNeed* right) {
              const int left_rank = UrgencyRank(left->urgency);
              const int right_rank = UrgencyRank(right->urgency);
              if (left_rank != right_rank) return left_rank < right_rank;
              if (left->created_at != right->created_at)
                return left->created_at < right->created_at;
              return left->id < right->id;
            });
  std::vector<VentilatorPledge*> unit_pledges;
  std::vector<VentilatorPledge*> budget_pledges;
  for (VentilatorPledge& pledge : pledges_left) {
    if (pledge.kind == kPledgeUnits && pledge.units_left() > 0) unit_pledges.push_back(&pledge);
    if (pledge.kind == kPledgeBudget && pledge.budget_left() > 0) {
      budget_pledges.push_back(&pledge);
    }
  }
  std::sort(unit_pledges.begin(), unit_pledges.end(), PledgedEarlier);
  std::sort(budget_pledges.begin(), budget_pledges.end(), PledgedEarlier);

  std::vector<ProposalLine> lines;
  for (const VentilatorNeed* need : order) {
    std::int64_t remaining = need->uncovered();
    // Rule 2: pledged units of the same type, oldest pledge first.
    for (VentilatorPledge* pledge : unit_pledges) {
      if (remaining == 0) break;
      if (pledge->type != need->type || pledge->units_left() == 0) continue;
      const std::int64_t units = std::min(remaining, pledge->units_left());
      ProposalLine line = LineFor(*need, *pledge, units);
      line.lead_time_days = pledge->delivery_days;
      line.expected_delivery_at = now + pledge->delivery_days * kMillisPerDay;
      line.in_time = pledge->delivery_days <= options.WithinDays(need->urgency);
      line.reason = "pledged_units";
      line.reason_args = {{"foundation", pledge->foundation},
                          {"type", need->type},
                          {"urgency", need->urgency},
                          {"days", std::to_string(pledge->delivery_days)}};
      pledge->units_allocated += units;
      remaining -= units;
      lines.push_back(std::move(line));
    }
    // Rule 3: buy with budget pledges, best offer first.
    const std::int64_t within_days = options.WithinDays(need->urgency);
    std::vector<Candidate> candidates;
    for (SupplierStock& offer : stock_left) {
      if (offer.type == need->type && offer.available() > 0) {
        candidates.push_back({&offer, offer.lead_time_days <= within_days});
      }
    }
    std::sort(candidates.begin(), candidates.end(), BetterOffer);
    for (const Candidate& candidate : candidates) {
      SupplierStock& offer = *candidate.offer;
      for (VentilatorPledge* pledge : budget_pledges) {
        if (remaining == 0 || offer.available() == 0) break;
        const std::int64_t affordable = pledge->budget_left() / offer.unit_price_yuan;
        if (affordable == 0) continue;
        const std::int64_t units = std::min({remaining, offer.available(), affordable});
        ProposalLine line = LineFor(*need, *pledge, units);
        line.stock_id = offer.id;
        line.supplier = offer.supplier;
        line.model = offer.model;
        line.unit_price_yuan = offer.unit_price_yuan;
        line.lead_time_days = offer.lead_time_days;
        line.cost_yuan = units * offer.unit_price_yuan;
        line.expected_delivery_at = now + offer.lead_time_days * kMillisPerDay;
        line.in_time = candidate.in_time;
        line.reason = candidate.in_time ? "bought_in_time" : "bought_late";
        line.reason_args = {{"foundation", pledge->foundation},
                            {"supplier", offer.supplier},
                            {"model", offer.model},
                            {"price", std::to_string(offer.unit_price_yuan)},
                            {"lead_days", std::to_string(offer.lead_time_days)},
                            {"within_days", std::to_string(within_days)},
                            {"urgency", need->urgency}};
        pledge->budget_spent_yuan += line.cost_yuan;
        offer.reserved += units;
        remaining -= units;
        lines.push_back(std::move(line));
      }
      if (remaining == 0) break;
    }
    // Rule 4: what is left, and why.
    if (remaining > 0 && uncovered != nullptr) {
      bool budget_left = false;
      for (const VentilatorPledge* pledge : budget_pledges) {
        budget_left = budget_left || pledge->budget_left() > 0;
      }
      bool stock_left_for_type = false;
      for (const Candidate& candidate : candidates) {
        stock_left_for_type = stock_left_for_type || candidate.offer->available() > 0;
      }
      std::string reason = "no_pledged_units_or_budget";
      if (budget_left) reason = stock_left_for_type ? "budget_too_small" : "no_stock";
      uncovered->push_back(
          {need->id, need->hospital_id, need->type, need->urgency, remaining, reason});
    }
  }
  for (std::size_t position = 0; position < lines.size(); ++position) {
    lines[position].position = static_cast<std::int64_t>(position) + 1;
  }
  return lines;
}

}  // namespace lifeline
