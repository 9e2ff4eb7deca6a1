// The ventilator pipeline on both store backends: validation naming fields, proposals from the
// stored records, accepting lines (and refusing stale ones), the order state machine, totals
// and the demo seeding.

#include "services/ventilators/ventilators.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "services/city/city_service.h"
#include "services/ventilators/ventilators_seed.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::TestBackends;

constexpr char kKey[] = "ventilator-test-key-0123456789abcdef0123456789";
constexpr UnixMillis kStart = 1581000000000;

Actor Coordinator() { return Actor{4242, "coord", Role::kCoordinator, "req-vent"}; }

void ExpectField(const Status& status, ErrorCode code, const std::string& field) {
  EXPECT_EQ(status.code(), code) << status.ToString();
  EXPECT_EQ(status.field(), field) << status.ToString();
}

class VentilatorTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    CityService city(db(), kKey);
    ASSERT_TRUE(city.SeedScenario({.seed = 5, .residents = 10, .volunteers = 0}).ok());
    Result<std::vector<HospitalRecord>> hospitals = city.ListHospitals(std::nullopt);
    ASSERT_TRUE(hospitals.ok());
    ASSERT_GE(hospitals->size(), 2u);
    hospital_a_ = hospitals->at(0).id;
    hospital_b_ = hospitals->at(1).id;
    VentilatorOptions options;
    options.clock = [this] { return now_; };
    service_ = std::make_unique<VentilatorService>(db(), options);
  }

  std::int64_t AddNeed(std::int64_t hospital, const std::string& type, std::int64_t quantity,
                       const std::string& urgency) {
    Result<VentilatorNeed> need = service_->AddNeed(
        Coordinator(),
        {hospital, type, quantity, urgency, "phone_call", 0, "ICU director on the phone"});
    EXPECT_TRUE(need.ok()) << need.status().ToString();
    now_ += kMillisPerMinute;
    return need.ok() ? need->id : 0;
  }

  std::int64_t AddUnits(const std::string& foundation, const std::string& type,
                        std::int64_t units) {
    Result<VentilatorPledge> pledge = service_->AddPledge(
        Coordinator(),
        {.foundation = foundation, .type = type, .units = units, .delivery_days = 1});
    EXPECT_TRUE(pledge.ok()) << pledge.status().ToString();
    return pledge.ok() ? pledge->id : 0;
  }

  std::int64_t AddBudget(const std::string& foundation, std::int64_t yuan) {
    Result<VentilatorPledge> pledge =
        service_->AddPledge(Coordinator(), {.foundation = foundation, .budget_yuan = yuan});
    EXPECT_TRUE(pledge.ok()) << pledge.status().ToString();
    return pledge.ok() ? pledge->id : 0;
  }

  std::int64_t AddOffer(const std::string& type, std::int64_t price, std::int64_t lead,
                        std::int64_t quantity) {
    Result<SupplierStock> stock = service_->AddStock(
        Coordinator(), {"Supplier", "Model " + type, type, price, lead, quantity});
    EXPECT_TRUE(stock.ok()) << stock.status().ToString();
    return stock.ok() ? stock->id : 0;
  }

  VentilatorProposal Propose() {
    Result<VentilatorProposal> proposal = service_->Propose(Coordinator());
    EXPECT_TRUE(proposal.ok()) << proposal.status().ToString();
    return proposal.ok() ? *proposal : VentilatorProposal{};
  }

  std::int64_t CountRows(const std::string& sql) {
    Result<QueryResult> result = db().Query(sql);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? result->rows.at(0).Int(0) : -1;
  }

  UnixMillis now_ = kStart;
  std::int64_t hospital_a_ = 0;
  std::int64_t hospital_b_ = 0;
  std::unique_ptr<VentilatorService> service_;
};

TEST_P(VentilatorTest, ValidationNamesTheField) {
  const Actor actor = Coordinator();
  const NewVentilatorNeed good{hospital_a_, "invasive", 4, "urgent", "visit", 0, ""};
  NewVentilatorNeed need = good;
  need.type = "iron_lung";
  ExpectField(service_->AddNeed(actor, need).status(), ErrorCode::kInvalidArgument, "type");
  EXPECT_EQ(service_->AddNeed(actor, need).status().message_id(), "error.unknown_choice");
  need = good;
  need.quantity = 0;
  ExpectField(service_->AddNeed(actor, need).status(), ErrorCode::kInvalidArgument, "quantity");
  need = good;
  need.urgency = "";
  ExpectField(service_->AddNeed(actor, need).status(), ErrorCode::kInvalidArgument, "urgency");
  need = good;
  need.verification_method = "rumour";
  ExpectField(service_->AddNeed(actor, need).status(), ErrorCode::kInvalidArgument,
              "verification_method");
  need = good;
  need.hospital_id = 99999;
  ExpectField(service_->AddNeed(actor, need).status(), ErrorCode::kInvalidArgument, "hospital_id");
  need = good;
  need.verified_at = now_ + kMillisPerHour;
  ExpectField(service_->AddNeed(actor, need).status(), ErrorCode::kInvalidArgument, "verified_at");

  ExpectField(
      service_
          ->AddPledge(actor,
                      {.foundation = "F", .type = "invasive", .units = 2, .budget_yuan = 100})
          .status(),
      ErrorCode::kInvalidArgument, "units");
  ExpectField(service_->AddPledge(actor, {.foundation = "F"}).status(), ErrorCode::kInvalidArgument,
              "units");
  ExpectField(service_->AddPledge(actor, {.foundation = " ", .budget_yuan = 100}).status(),
              ErrorCode::kInvalidArgument, "foundation");
  ExpectField(service_->AddPledge(actor, {.foundation = "F", .units = 2}).status(),
              ErrorCode::kInvalidArgument, "type");
  ExpectField(service_->AddPledge(actor, {.foundation = "F", .budget_yuan = -5}).status(),
              ErrorCode::kInvalidArgument, "budget_yuan");

  const NewSupplierStock offer{"S", "M", "high_flow", 30'000, 3, 10};
  NewSupplierStock bad = offer;
  bad.unit_price_yuan = 0;
  ExpectField(service_->AddStock(actor, bad).status(), ErrorCode::kInvalidArgument,
              "unit_price_yuan");
  bad = offer;
  bad.lead_time_days = -1;
  ExpectField(service_->AddStock(actor, bad).status(), ErrorCode::kInvalidArgument,
              "lead_time_days");
  bad = offer;
  bad.model = "";
  ExpectField(service_->AddStock(actor, bad).status(), ErrorCode::kInvalidArgument, "model");

  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM ventilator_needs"), 0);
  Result<VentilatorNeed> added = service_->AddNeed(actor, good);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->status, "open");
  EXPECT_EQ(added->verified_by, actor.user_id);
  EXPECT_EQ(added->verified_at, now_);
  EXPECT_FALSE(added->hospital_name_zh.empty());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM ventilator_events WHERE entity = 'need'"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'ventilator_need'"), 1);
}

TEST_P(VentilatorTest, ProposalsAreStoredAndAcceptedLinesBecomeOrders) {
  const std::int64_t routine = AddNeed(hospital_a_, "invasive", 2, "routine");
  const std::int64_t critical = AddNeed(hospital_b_, "invasive", 3, "critical");
  const std::int64_t units = AddUnits("Foundation A", "invasive", 4);
  const std::int64_t budget = AddBudget("Foundation B", 500'000);
  const std::int64_t offer = AddOffer("invasive", 200'000, 2, 5);
  const VentilatorProposal proposal = Propose();
  ASSERT_EQ(proposal.lines.size(), 3u);
  EXPECT_EQ(proposal.lines[0].need_id, critical);
  EXPECT_EQ(proposal.lines[0].units, 3);
  EXPECT_EQ(proposal.lines[1].need_id, routine);
  EXPECT_EQ(proposal.lines[1].pledge_id, units);
  EXPECT_EQ(proposal.lines[1].units, 1);
  EXPECT_EQ(proposal.lines[2].pledge_id, budget);
  EXPECT_EQ(proposal.lines[2].stock_id, offer);
  EXPECT_EQ(proposal.lines[2].cost_yuan, 200'000);
  EXPECT_TRUE(proposal.uncovered.empty());

  Result<VentilatorProposal> stored = service_->GetProposal(proposal.id);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_EQ(stored->lines.size(), 3u);
  EXPECT_EQ(stored->lines[2].reason, "bought_in_time");
  EXPECT_EQ(stored->lines[2].supplier, "Supplier");
  EXPECT_EQ(stored->lines[2].foundation, "Foundation B");
  MessageArgs stored_args = stored->lines[1].reason_args;
  MessageArgs computed_args = proposal.lines[1].reason_args;
  std::sort(stored_args.begin(), stored_args.end());
  std::sort(computed_args.begin(), computed_args.end());
  EXPECT_EQ(stored_args, computed_args);

  Result<VentilatorOrder> pledged = service_->AcceptLine(Coordinator(), proposal.lines[1].id);
  ASSERT_TRUE(pledged.ok()) << pledged.status().ToString();
  EXPECT_EQ(pledged->state, "pledged");
  Result<VentilatorOrder> bought = service_->AcceptLine(Coordinator(), proposal.lines[2].id);
  ASSERT_TRUE(bought.ok()) << bought.status().ToString();
  EXPECT_EQ(bought->state, "ordered");
  EXPECT_EQ(bought->cost_yuan, 200'000);
  EXPECT_EQ(bought->expected_delivery_at, now_ + 2 * kMillisPerDay);
  ASSERT_EQ(bought->history.size(), 1u);
  EXPECT_EQ(bought->history[0].to_state, "ordered");
  // The routine need is covered now; its stock and budget are taken.
  Result<std::vector<VentilatorNeed>> covered = service_->ListNeeds("covered");
  ASSERT_TRUE(covered.ok());
  ASSERT_EQ(covered->size(), 1u);
  EXPECT_EQ(covered->at(0).id, routine);
  EXPECT_EQ(service_->ListStock()->at(0).reserved, 1);
  EXPECT_EQ(service_->ListPledges()->at(1).budget_spent_yuan, 200'000);
  // The same line twice is refused.
  EXPECT_EQ(service_->AcceptLine(Coordinator(), proposal.lines[2].id).status().message_id(),
            "error.ventilators.line_accepted");
  EXPECT_EQ(service_->AcceptLine(Coordinator(), 9999).status().code(), ErrorCode::kNotFound);
  // A need with an order can no longer be withdrawn; the critical one can.
  EXPECT_EQ(service_->WithdrawNeed(Coordinator(), routine, "duplicate").status().code(),
            ErrorCode::kFailedPrecondition);
  ExpectField(service_->WithdrawNeed(Coordinator(), critical, "").status(),
              ErrorCode::kInvalidArgument, "note");
  Result<VentilatorNeed> withdrawn = service_->WithdrawNeed(Coordinator(), critical, "got some");
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status().ToString();
  EXPECT_EQ(withdrawn->status, "withdrawn");
}

TEST_P(VentilatorTest, AStaleProposalLineIsRefusedAndWritesNothing) {
  const std::int64_t first = AddNeed(hospital_a_, "non_invasive", 3, "urgent");
  const std::int64_t second = AddNeed(hospital_b_, "non_invasive", 3, "routine");
  AddUnits("Foundation A", "non_invasive", 3);
  const VentilatorProposal old_plan = Propose();
  ASSERT_EQ(old_plan.lines.size(), 1u);
  EXPECT_EQ(old_plan.lines[0].need_id, first);
  // The first need is withdrawn after the plan was made: its line is stale.
  ASSERT_TRUE(service_->WithdrawNeed(Coordinator(), first, "resolved locally").ok());
  const VentilatorProposal new_plan = Propose();
  ASSERT_EQ(new_plan.lines.size(), 1u);
  EXPECT_EQ(new_plan.lines[0].need_id, second);
  const std::int64_t events_before = CountRows("SELECT COUNT(*) FROM ventilator_events");
  Status stale = service_->AcceptLine(Coordinator(), old_plan.lines[0].id).status();
  EXPECT_EQ(stale.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(stale.message_id(), "error.ventilators.stale_need");
  ASSERT_TRUE(service_->AcceptLine(Coordinator(), new_plan.lines[0].id).ok());

  // Two plans computed from the same pledge: accepting one makes the other's line stale.
  const std::int64_t third = AddNeed(hospital_a_, "high_flow", 2, "urgent");
  AddUnits("Foundation C", "high_flow", 2);
  const VentilatorProposal plan_one = Propose();
  const std::int64_t fourth = AddNeed(hospital_b_, "high_flow", 2, "critical");
  const VentilatorProposal plan_two = Propose();
  ASSERT_EQ(plan_one.lines.size(), 1u);
  ASSERT_EQ(plan_two.lines.size(), 1u);
  EXPECT_EQ(plan_one.lines[0].need_id, third);
  EXPECT_EQ(plan_two.lines[0].need_id, fourth);
  ASSERT_TRUE(service_->AcceptLine(Coordinator(), plan_two.lines[0].id).ok());
  stale = service_->AcceptLine(Coordinator(), plan_one.lines[0].id).status();
  EXPECT_EQ(stale.message_id(), "error.ventilators.stale_pledge") << stale.ToString();
  // The refusal rolled back: the third need is untouched and the line still open.
  Result<std::vector<VentilatorNeed>> open = service_->ListNeeds("open");
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ(open->at(0).id, third);
  EXPECT_EQ(open->at(0).covered, 0);
  EXPECT_EQ(service_->GetProposal(plan_one.id)->lines[0].order_id, 0);
  // Stock bought by another plan: stale stock.
  const std::int64_t fifth = AddNeed(hospital_a_, "invasive", 1, "urgent");
  AddBudget("Foundation D", 1'000'000);
  AddOffer("invasive", 300'000, 3, 1);
  const VentilatorProposal buy_one = Propose();
  AddNeed(hospital_b_, "invasive", 1, "critical");
  const VentilatorProposal buy_two = Propose();
  ASSERT_EQ(buy_one.lines.back().need_id, fifth);
  ASSERT_TRUE(service_->AcceptLine(Coordinator(), buy_two.lines.back().id).ok());
  stale = service_->AcceptLine(Coordinator(), buy_one.lines.back().id).status();
  EXPECT_EQ(stale.message_id(), "error.ventilators.stale_stock") << stale.ToString();
  EXPECT_GT(CountRows("SELECT COUNT(*) FROM ventilator_events"), events_before);
}

TEST_P(VentilatorTest, OrdersMoveForwardOneStepAtATime) {
  AddNeed(hospital_a_, "invasive", 2, "critical");
  AddUnits("Foundation A", "invasive", 2);
  const VentilatorProposal proposal = Propose();
  ASSERT_EQ(proposal.lines.size(), 1u);
  Result<VentilatorOrder> order = service_->AcceptLine(Coordinator(), proposal.lines[0].id);
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  const std::int64_t id = order->id;
  // No skipping, no going back, nothing unknown.
  Status refused = service_->Advance(Coordinator(), id, "shipped", "").status();
  EXPECT_EQ(refused.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.message_id(), "error.ventilators.transition");
  EXPECT_EQ(refused.field(), "state");
  ExpectField(service_->Advance(Coordinator(), id, "lost", "").status(),
              ErrorCode::kInvalidArgument, "state");
  EXPECT_EQ(service_->Advance(Coordinator(), id, "pledged", "").status().code(),
            ErrorCode::kFailedPrecondition);
  for (const char* state : {"ordered", "shipped", "delivered", "in_use"}) {
    now_ += kMillisPerDay;
    Result<VentilatorOrder> moved = service_->Advance(Coordinator(), id, state, "step");
    ASSERT_TRUE(moved.ok()) << state << ": " << moved.status().ToString();
    EXPECT_EQ(moved->state, state);
    if (std::string(state) == "shipped") {
      EXPECT_EQ(service_->Advance(Coordinator(), id, "ordered", "").status().message_id(),
                "error.ventilators.transition");
    }
  }
  EXPECT_EQ(service_->Advance(Coordinator(), id, "shipped", "").status().message_id(),
            "error.ventilators.order_final");
  EXPECT_EQ(service_->Advance(Coordinator(), id, "in_use", "").status().message_id(),
            "error.ventilators.order_final");
  Result<VentilatorOrder> final_order = service_->GetOrder(id);
  ASSERT_TRUE(final_order.ok());
  ASSERT_EQ(final_order->history.size(), 5u);
  EXPECT_EQ(final_order->history[0].to_state, "pledged");
  EXPECT_EQ(final_order->history[2].from_state, "ordered");
  EXPECT_EQ(final_order->history[2].to_state, "shipped");
  EXPECT_EQ(final_order->history[4].note, "step");
  EXPECT_EQ(final_order->history[4].at, now_);
  EXPECT_EQ(final_order->history[4].actor_username, "coord");
  EXPECT_EQ(service_->GetOrder(4711).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->ListOrders("in_use")->size(), 1u);
  EXPECT_EQ(service_->ListOrders("ordered")->size(), 0u);
}

TEST_P(VentilatorTest, TotalsPerHospitalAndFoundation) {
  AddNeed(hospital_a_, "invasive", 5, "critical");
  AddNeed(hospital_b_, "high_flow", 4, "urgent");
  const std::int64_t dropped = AddNeed(hospital_b_, "high_flow", 9, "routine");
  ASSERT_TRUE(service_->WithdrawNeed(Coordinator(), dropped, "duplicate").ok());
  AddUnits("Foundation A", "invasive", 2);
  AddBudget("Foundation A", 700'000);
  AddBudget("Foundation B", 100'000);
  AddOffer("invasive", 250'000, 3, 10);
  AddOffer("high_flow", 40'000, 1, 10);
  const VentilatorProposal proposal = Propose();
  std::vector<std::int64_t> orders;
  for (const ProposalLine& line : proposal.lines) {
    Result<VentilatorOrder> order = service_->AcceptLine(Coordinator(), line.id);
    ASSERT_TRUE(order.ok()) << order.status().ToString();
    orders.push_back(order->id);
  }
  // Invasive: 2 pledged + 2 bought (500,000 of A's 700,000; B's 100,000 buys none, so one unit
  // stays uncovered); high-flow: A's last 200,000 could buy 5, the need takes 4.
  ASSERT_EQ(proposal.lines.size(), 3u);
  ASSERT_TRUE(service_->Advance(Coordinator(), orders[0], "ordered", "").ok());
  ASSERT_TRUE(service_->Advance(Coordinator(), orders[0], "shipped", "").ok());
  ASSERT_TRUE(service_->Advance(Coordinator(), orders[2], "shipped", "").ok());
  ASSERT_TRUE(service_->Advance(Coordinator(), orders[2], "delivered", "").ok());

  Result<VentilatorTotals> totals = service_->Totals();
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  const HospitalVentilatorTotals* a = nullptr;
  const HospitalVentilatorTotals* b = nullptr;
  for (const HospitalVentilatorTotals& hospital : totals->hospitals) {
    if (hospital.hospital_id == hospital_a_) a = &hospital;
    if (hospital.hospital_id == hospital_b_) b = &hospital;
  }
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->needed, 5);
  EXPECT_EQ(a->shipped, 2);
  EXPECT_EQ(a->ordered, 2);
  EXPECT_EQ(a->uncovered, 1);
  EXPECT_EQ(b->needed, 4);  // the withdrawn need does not count
  EXPECT_EQ(b->delivered, 4);
  EXPECT_EQ(b->uncovered, 0);
  EXPECT_EQ(b->pledged + b->ordered + b->shipped + b->in_use, 0);
  ASSERT_EQ(totals->foundations.size(), 2u);
  const FoundationVentilatorTotals& foundation_a = totals->foundations[0];
  EXPECT_EQ(foundation_a.foundation, "Foundation A");
  EXPECT_EQ(foundation_a.units_pledged, 2);
  EXPECT_EQ(foundation_a.units_allocated, 2);
  EXPECT_EQ(foundation_a.budget_pledged_yuan, 700'000);
  EXPECT_EQ(foundation_a.budget_spent_yuan, 660'000);
  EXPECT_EQ(foundation_a.units_bought, 6);
  EXPECT_EQ(foundation_a.units_delivered, 4);
  const FoundationVentilatorTotals& foundation_b = totals->foundations[1];
  EXPECT_EQ(foundation_b.budget_pledged_yuan, 100'000);
  EXPECT_EQ(foundation_b.budget_spent_yuan, 0);
}

TEST_P(VentilatorTest, DemoSeedingFillsEveryStateOnce) {
  Result<VentilatorSeedReport> report = SeedVentilators(db(), {.ends_at = kStart});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->skipped);
  EXPECT_GT(report->needs, 5);
  // Scaled from about 2,500 donated machines over 23,000 designated beds (docs/ventilators.md).
  EXPECT_GT(report->units_needed, 250);
  EXPECT_LT(report->units_needed, 400);
  for (const auto& [state, count] : report->orders_by_state) {
    EXPECT_GT(count, 0) << state;
  }
  Result<VentilatorTotals> totals = service_->Totals();
  ASSERT_TRUE(totals.ok());
  std::int64_t needed = 0;
  std::int64_t uncovered = 0;
  for (const HospitalVentilatorTotals& hospital : totals->hospitals) {
    EXPECT_GT(hospital.needed, 0) << hospital.name_en;
    needed += hospital.needed;
    uncovered += hospital.uncovered;
  }
  EXPECT_EQ(needed, report->units_needed);
  EXPECT_GT(uncovered, 0);
  Result<VentilatorSeedReport> again = SeedVentilators(db(), {.ends_at = kStart});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->skipped);
}

INSTANTIATE_TEST_SUITE_P(Backends, VentilatorTest, ::testing::ValuesIn(TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
