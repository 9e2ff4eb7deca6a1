// The proposal rule of ventilators.h over plain records: urgency then age, type match, budget
// arithmetic, the lead-time preference and the reasons each line carries.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/ventilators/ventilators.h"

namespace lifeline {
namespace {

constexpr UnixMillis kNow = 1581000000000;

VentilatorNeed Need(std::int64_t id, const std::string& type, std::int64_t quantity,
                    const std::string& urgency, UnixMillis created_at) {
  VentilatorNeed need;
  need.id = id;
  need.hospital_id = 100 + id;
  need.type = type;
  need.quantity = quantity;
  need.urgency = urgency;
  need.status = "open";
  need.created_at = created_at;
  return need;
}

VentilatorPledge Units(std::int64_t id, const std::string& type, std::int64_t units,
                       UnixMillis pledged_at = kNow) {
  VentilatorPledge pledge;
  pledge.id = id;
  pledge.foundation = "Foundation " + std::to_string(id);
  pledge.kind = "units";
  pledge.type = type;
  pledge.units = units;
  pledge.pledged_at = pledged_at;
  return pledge;
}

VentilatorPledge Budget(std::int64_t id, std::int64_t yuan, UnixMillis pledged_at = kNow) {
  VentilatorPledge pledge;
  pledge.id = id;
  pledge.foundation = "Foundation " + std::to_string(id);
  pledge.kind = "budget";
  pledge.budget_yuan = yuan;
  pledge.pledged_at = pledged_at;
  return pledge;
}

SupplierStock Offer(std::int64_t id, const std::string& type, std::int64_t price,
                    std::int64_t lead_days, std::int64_t quantity) {
  SupplierStock offer;
  offer.id = id;
  offer.supplier = "Supplier " + std::to_string(id);
  offer.model = "M-" + std::to_string(id);
  offer.type = type;
  offer.unit_price_yuan = price;
  offer.lead_time_days = lead_days;
  offer.quantity = quantity;
  return offer;
}

std::vector<ProposalLine> Plan(const std::vector<VentilatorNeed>& needs,
                               const std::vector<VentilatorPledge>& pledges,
                               const std::vector<SupplierStock>& stock,
                               std::vector<UncoveredNeed>* uncovered = nullptr) {
  return PlanVentilators(needs, pledges, stock, VentilatorOptions{}, kNow, uncovered);
}

TEST(VentilatorPlanTest, ServesTheMostUrgentFirstThenTheOldest) {
  const std::vector<VentilatorNeed> needs = {
      Need(1, "invasive", 4, "routine", kNow - 5 * kMillisPerDay),
      Need(2, "invasive", 4, "critical", kNow - 1 * kMillisPerDay),
      Need(3, "invasive", 4, "urgent", kNow - 3 * kMillisPerDay),
      Need(4, "invasive", 4, "urgent", kNow - 4 * kMillisPerDay),
  };
  std::vector<UncoveredNeed> uncovered;
  const std::vector<ProposalLine> lines = Plan(needs, {Units(9, "invasive", 10)}, {}, &uncovered);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].need_id, 2);  // critical
  EXPECT_EQ(lines[0].units, 4);
  EXPECT_EQ(lines[1].need_id, 4);  // urgent, older
  EXPECT_EQ(lines[1].units, 4);
  EXPECT_EQ(lines[2].need_id, 3);  // urgent, newer: what is left
  EXPECT_EQ(lines[2].units, 2);
  EXPECT_EQ(lines[0].reason, "pledged_units");
  EXPECT_EQ(lines[0].position, 1);
  EXPECT_EQ(lines[2].position, 3);
  ASSERT_EQ(uncovered.size(), 2u);
  EXPECT_EQ(uncovered[0].need_id, 3);
  EXPECT_EQ(uncovered[0].units, 2);
  EXPECT_EQ(uncovered[1].need_id, 1);
  EXPECT_EQ(uncovered[1].units, 4);
  EXPECT_EQ(uncovered[1].reason, "no_pledged_units_or_budget");
}

TEST(VentilatorPlanTest, MatchesTypesAndSkipsClosedOrCoveredNeeds) {
  VentilatorNeed withdrawn = Need(5, "invasive", 3, "critical", kNow);
  withdrawn.status = "withdrawn";
  VentilatorNeed partly = Need(6, "high_flow", 5, "urgent", kNow);
  partly.covered = 3;
  const std::vector<ProposalLine> lines =
      Plan({Need(1, "invasive", 2, "critical", kNow), withdrawn, partly},
           {Units(1, "high_flow", 10), Budget(2, 1'000'000)},
           {Offer(1, "non_invasive", 50'000, 1, 10), Offer(2, "high_flow", 30'000, 1, 10)});
  // The invasive need finds neither pledged units nor stock of its type; the high-flow need
  // gets only its 2 uncovered units, from the pledged units before any purchase.
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].need_id, 6);
  EXPECT_EQ(lines[0].units, 2);
  EXPECT_EQ(lines[0].pledge_id, 1);
  EXPECT_EQ(lines[0].stock_id, 0);
}

TEST(VentilatorPlanTest, BudgetsBuyWholeUnitsInPledgeOrder) {
  // 1,000,000 yuan buys 3 units at 300,000 (900,000); the 100,000 left cannot buy one more,
  // so the next pledge (made later) pays for the rest.
  const std::vector<VentilatorPledge> pledges = {Budget(8, 700'000, kNow),
                                                 Budget(7, 1'000'000, kNow - kMillisPerDay)};
  std::vector<UncoveredNeed> uncovered;
  const std::vector<ProposalLine> lines = Plan({Need(1, "invasive", 6, "urgent", kNow)}, pledges,
                                               {Offer(1, "invasive", 300'000, 2, 10)}, &uncovered);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].pledge_id, 7);
  EXPECT_EQ(lines[0].units, 3);
  EXPECT_EQ(lines[0].cost_yuan, 900'000);
  EXPECT_EQ(lines[0].unit_price_yuan, 300'000);
  EXPECT_EQ(lines[1].pledge_id, 8);
  EXPECT_EQ(lines[1].units, 2);
  EXPECT_EQ(lines[1].cost_yuan, 600'000);
  ASSERT_EQ(uncovered.size(), 1u);
  EXPECT_EQ(uncovered[0].units, 1);
  EXPECT_EQ(uncovered[0].reason, "budget_too_small");
  // Stock runs out too: with 4 units on offer the reason is the stock.
  uncovered.clear();
  Plan({Need(1, "invasive", 6, "urgent", kNow)}, pledges, {Offer(1, "invasive", 300'000, 2, 4)},
       &uncovered);
  ASSERT_EQ(uncovered.size(), 1u);
  EXPECT_EQ(uncovered[0].units, 2);
  EXPECT_EQ(uncovered[0].reason, "no_stock");
}

TEST(VentilatorPlanTest, BuysTheCheapestOfferThatArrivesInTime) {
  const std::vector<SupplierStock> stock = {
      Offer(1, "invasive", 150'000, 12, 10),  // cheapest, but 12 days
      Offer(2, "invasive", 260'000, 5, 10),   // in time for urgent (7 days)
      Offer(3, "invasive", 240'000, 6, 1),    // cheaper and in time, only one unit
  };
  const std::vector<VentilatorPledge> budget = {Budget(1, 10'000'000)};
  std::vector<ProposalLine> lines = Plan({Need(1, "invasive", 3, "urgent", kNow)}, budget, stock);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].stock_id, 3);
  EXPECT_EQ(lines[0].units, 1);
  EXPECT_EQ(lines[1].stock_id, 2);
  EXPECT_EQ(lines[1].units, 2);
  EXPECT_EQ(lines[1].reason, "bought_in_time");
  EXPECT_TRUE(lines[1].in_time);
  EXPECT_EQ(lines[1].expected_delivery_at, kNow + 5 * kMillisPerDay);
  // A routine need may wait 21 days: the cheapest offer wins.
  lines = Plan({Need(1, "invasive", 3, "routine", kNow)}, budget, stock);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].stock_id, 1);
  // A critical need (3 days) finds no offer in time: the soonest one, marked late.
  lines = Plan({Need(1, "invasive", 3, "critical", kNow)}, budget, stock);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].stock_id, 2);
  EXPECT_EQ(lines[0].units, 3);
  EXPECT_EQ(lines[0].reason, "bought_late");
  EXPECT_FALSE(lines[0].in_time);
}

TEST(VentilatorPlanTest, PledgedUnitsComeBeforePurchasesAndTheResultIsDeterministic) {
  const std::vector<VentilatorNeed> needs = {Need(1, "non_invasive", 5, "urgent", kNow),
                                             Need(2, "non_invasive", 5, "urgent", kNow)};
  const std::vector<VentilatorPledge> pledges = {Budget(1, 500'000), Units(2, "non_invasive", 3)};
  const std::vector<SupplierStock> stock = {Offer(4, "non_invasive", 50'000, 3, 20),
                                            Offer(3, "non_invasive", 50'000, 3, 20)};
  const std::vector<ProposalLine> lines = Plan(needs, pledges, stock);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].pledge_id, 2);
  EXPECT_EQ(lines[0].units, 3);
  EXPECT_EQ(lines[1].stock_id, 3);  // equal offers: the lower id
  EXPECT_EQ(lines[1].units, 2);
  EXPECT_EQ(lines[2].need_id, 2);
  EXPECT_EQ(lines[2].units, 5);
  EXPECT_EQ(lines[2].cost_yuan, 250'000);
  for (int run = 0; run < 3; ++run) {
    const std::vector<ProposalLine> again = Plan(needs, pledges, stock);
    ASSERT_EQ(again.size(), lines.size());
    for (std::size_t index = 0; index < lines.size(); ++index) {
      EXPECT_EQ(again[index].need_id, lines[index].need_id);
      EXPECT_EQ(again[index].stock_id, lines[index].stock_id);
      EXPECT_EQ(again[index].units, lines[index].units);
    }
  }
}

}  // namespace
}  // namespace lifeline
