// The exchange of offers and needs on both store backends: validation (expired medicine
// included), withdrawal and history, need priority from triage, optimal proposals, confirmation
// and the refusal of stale matches, and who sees households' addresses.

#include "services/exchange/exchange_service.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engines/matching/matching.h"
#include "services/clinic/clinic_test_support.h"

namespace lifeline::testing {
namespace {

// Points on one parallel of Wuhan: 0.01° of longitude is about 0.96 km there.
constexpr double kLat = 30.55;
constexpr LatLon kNeedA{kLat, 114.30};
constexpr LatLon kOfferNear{kLat, 114.31};  // 1 km from A, 19 km from B
constexpr LatLon kOfferFar{kLat, 114.50};   // 19 km from A, 38 km from B: beyond B's radius
constexpr LatLon kNeedB{kLat, 114.11};

Actor NurseActor() { return Actor{9003, "nurse", Role::kNurse, "req-nurse"}; }
Actor AngelActor() { return Actor{9004, "angel", Role::kAngel, "req-angel"}; }

NewOffer ValidOffer() {
  NewOffer offer;
  offer.offerer_kind = "person";
  offer.offerer_name = "王女士";
  offer.contact_phone = "139 0000 1234";
  offer.location = kOfferNear;
  offer.district_code = kTestDistrict;
  offer.address = "中南路 8 号 3 栋";
  offer.item.kind = "concentrator";
  offer.item.flow_lpm = 5;
  offer.quantity = 1;
  offer.mode = "lend";
  offer.condition = "good";
  return offer;
}

NewOffer Medicine(const std::string& expiry) {
  NewOffer offer = ValidOffer();
  offer.item = {};
  offer.item.kind = "medicine";
  offer.item.medicine_name = "Ibuprofen";
  offer.item.strength = "200 mg";
  offer.item.expiry_date = expiry;
  offer.quantity = 20;
  offer.mode = "give";
  return offer;
}

class ExchangeTest : public ClinicTest {
 protected:
  void SetUp() override {
    ClinicTest::SetUp();
    if (HasFatalFailure()) return;
    ExchangeOptions options;
    options.clock = [this] { return now_; };
    exchange_ = std::make_unique<ExchangeService>(db(), kClinicTestKey, options);
  }

  OfferRecord Offer(const NewOffer& offer = ValidOffer(), const Actor& actor = CoordinatorActor()) {
    Result<OfferRecord> created = exchange_->CreateOffer(actor, offer);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created.value() : OfferRecord{};
  }

  // A clinic case with `vitals` and `needs`, each from its own phone.
  std::int64_t NewCase(const ObservationInput& vitals,
                       std::vector<std::string> needs = {"oxygen"}) {
    NewHelpRequest request = ValidRequest();
    request.phone = "138 0013 " + std::to_string(8000 + ++cases_);
    request.observation = vitals;
    request.needs = std::move(needs);
    return Submit(request).case_id;
  }

  NeedRecord CaseNeed(std::int64_t case_id, LatLon where, std::int64_t flow_lpm = 5) {
    NewNeed need;
    need.source = "case";
    need.case_id = case_id;
    need.location = where;
    need.address = "家中";
    need.item.kind = "concentrator";
    need.item.flow_lpm = flow_lpm;
    need.quantity = 1;
    Result<NeedRecord> created = exchange_->CreateNeed(DoctorActor(), need);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created.value() : NeedRecord{};
  }

  int cases_ = 0;
  std::unique_ptr<ExchangeService> exchange_;
};

using ExchangeRecordsTest = ExchangeTest;
using ExchangeProposalTest = ExchangeTest;

TEST_P(ExchangeRecordsTest, EveryValidationErrorNamesItsField) {
  const std::vector<std::pair<std::string, std::function<void(NewOffer&)>>> cases = {
      {"offerer_kind", [](NewOffer& o) { o.offerer_kind = "robot"; }},
      {"offerer_name", [](NewOffer& o) { o.offerer_name = " "; }},
      {"contact_phone", [](NewOffer& o) { o.contact_phone = ""; }},
      {"contact_phone", [](NewOffer& o) { o.contact_phone = "call me"; }},
      {"lat", [](NewOffer& o) { o.location.reset(); }},
      {"lat",
       [](NewOffer& o) {
         o.location = LatLon{95, 114};
       }},
      {"lon",
       [](NewOffer& o) {
         o.location = LatLon{30, 200};
       }},
      {"district_code", [](NewOffer& o) { o.district_code = "999999"; }},
      {"address", [](NewOffer& o) { o.address = ""; }},
      {"kind", [](NewOffer& o) { o.item.kind = "bicycle"; }},
      {"flow_lpm", [](NewOffer& o) { o.item.flow_lpm = 7; }},
      {"ventilator_type",
       [](NewOffer& o) {
         o.item.kind = "ventilator";
         o.item.ventilator_type = "bellows";
       }},
      {"medicine_name",
       [](NewOffer& o) {
         o = Medicine("2021-01-01");
         o.item.medicine_name = "";
       }},
      {"strength",
       [](NewOffer& o) {
         o = Medicine("2021-01-01");
         o.item.strength = "";
       }},
      {"expiry_date", [](NewOffer& o) { o = Medicine(""); }},
      {"expiry_date", [](NewOffer& o) { o = Medicine("01/2021"); }},
      {"description", [](NewOffer& o) { o.item = {.kind = "other"}; }},
      {"quantity", [](NewOffer& o) { o.quantity = 0; }},
      {"quantity", [](NewOffer& o) { o.quantity = 10'001; }},
      {"mode", [](NewOffer& o) { o.mode = "sell"; }},
      {"condition", [](NewOffer& o) { o.condition = "broken"; }},
  };
  for (const auto& [field, spoil] : cases) {
    NewOffer offer = ValidOffer();
    spoil(offer);
    SCOPED_TRACE(field);
    ExpectFieldError(exchange_->CreateOffer(CoordinatorActor(), offer).status(),
                     ErrorCode::kInvalidArgument, field);
  }
  EXPECT_EQ(db().Query("SELECT COUNT(*) FROM exchange_offers")->rows.at(0).Int(0), 0);
}

TEST_P(ExchangeRecordsTest, ExpiredMedicineIsRefusedWithItsExpiry) {
  // The clock is 3 February 2020 in Wuhan.
  const Status expired =
      exchange_->CreateOffer(CoordinatorActor(), Medicine("2020-02-02")).status();
  ExpectFieldError(expired, ErrorCode::kInvalidArgument, "expiry_date");
  EXPECT_EQ(expired.message_id(), "error.exchange.medicine_expired");
  EXPECT_EQ(expired.args().at(1), (std::pair<std::string, std::string>{"expiry", "2020-02-02"}));
  // Usable through its expiry day.
  const OfferRecord today = Offer(Medicine("2020-02-03"));
  EXPECT_EQ(today.match_key, "medicine:ibuprofen|200 mg");
  EXPECT_EQ(today.item.expiry_date, "2020-02-03");
}

TEST_P(ExchangeRecordsTest, NeedsCheckTheirSource) {
  NewNeed need;
  need.source = "case";
  need.case_id = 424242;
  need.item = {.kind = "oximeter"};
  need.quantity = 1;
  ExpectFieldError(exchange_->CreateNeed(DoctorActor(), need).status(), ErrorCode::kInvalidArgument,
                   "case_id");
  need.case_id.reset();
  ExpectFieldError(exchange_->CreateNeed(DoctorActor(), need).status(), ErrorCode::kInvalidArgument,
                   "case_id");
  need.source = "hospital";
  need.hospital_id = 424242;
  need.urgency = "urgent";
  ExpectFieldError(exchange_->CreateNeed(CoordinatorActor(), need).status(),
                   ErrorCode::kInvalidArgument, "hospital_id");
  need.hospital_id = 1;
  need.urgency = "whenever";
  ExpectFieldError(exchange_->CreateNeed(CoordinatorActor(), need).status(),
                   ErrorCode::kInvalidArgument, "urgency");
  need.urgency = "urgent";
  Result<NeedRecord> hospital = exchange_->CreateNeed(CoordinatorActor(), need);
  ASSERT_TRUE(hospital.ok()) << hospital.status().ToString();
  EXPECT_EQ(hospital->priority, kHospitalPriorityByUrgency[1].priority);  // urgent
  EXPECT_FALSE(hospital->address.empty());                                // the hospital's name
  // An angel cannot speak for a clinic case.
  need.source = "case";
  need.case_id = NewCase(NormalVitals());
  EXPECT_EQ(exchange_->CreateNeed(AngelActor(), need).status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_P(ExchangeRecordsTest, ImportWritesTheBatchOrNothing) {
  NewNeed hospital;
  hospital.source = "hospital";
  hospital.hospital_id = 1;
  hospital.urgency = "immediate";
  hospital.item = {.kind = "oximeter"};
  hospital.quantity = 12;
  NewNeed from_case;
  from_case.source = "case";
  from_case.case_id = NewCase(SevereVitals(), {"oxygen", "bed"});
  from_case.item = {.kind = "concentrator", .flow_lpm = 5};
  from_case.quantity = 1;
  ExchangeImport batch{{ValidOffer(), Medicine("2020-03-01")}, {hospital, from_case}};

  // One expired medicine refuses the whole batch, naming the record and its field.
  ExchangeImport spoiled = batch;
  spoiled.offers.push_back(Medicine("2020-02-02"));
  const Status refused = exchange_->Import(CoordinatorActor(), spoiled).status();
  ExpectFieldError(refused, ErrorCode::kInvalidArgument, "offers[2].expiry_date");
  EXPECT_EQ(refused.message_id(), "error.exchange.medicine_expired");
  // So does a record the store refuses (an unknown hospital), after the others were inserted.
  spoiled = batch;
  spoiled.needs.front().hospital_id = 424242;
  ExpectFieldError(exchange_->Import(CoordinatorActor(), spoiled).status(),
                   ErrorCode::kInvalidArgument, "needs[0].hospital_id");
  EXPECT_EQ(db().Query("SELECT COUNT(*) FROM exchange_offers")->rows.at(0).Int(0), 0);
  EXPECT_EQ(db().Query("SELECT COUNT(*) FROM exchange_events")->rows.at(0).Int(0), 0);
  EXPECT_TRUE(exchange_->IsEmpty().value());

  const Result<ImportedRecords> imported = exchange_->Import(CoordinatorActor(), batch);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ASSERT_EQ(imported->offer_ids.size(), 2u);
  ASSERT_EQ(imported->need_ids.size(), 2u);
  EXPECT_FALSE(exchange_->IsEmpty().value());
  // Each record is what the single-record path would have written, with its create event.
  const OfferRecord medicine =
      exchange_->GetOffer(CoordinatorActor(), imported->offer_ids[1]).value();
  EXPECT_EQ(medicine.match_key, "medicine:ibuprofen|200 mg");
  EXPECT_EQ(medicine.remaining, 20);
  const NeedRecord case_need =
      exchange_->GetNeed(CoordinatorActor(), imported->need_ids[1]).value();
  // Severe or worse, and the concentrator is for a patient waiting for a bed.
  EXPECT_GE(case_need.priority, kCasePriorityBySeverity[1].priority + kHomeOxygenWithoutBedBump);
  EXPECT_EQ(case_need.district_code, kTestDistrict);
  EXPECT_EQ(exchange_->GetNeed(CoordinatorActor(), imported->need_ids[0]).value().priority,
            kHospitalPriorityByUrgency[0].priority);
  for (const std::int64_t id : imported->offer_ids) {
    const std::vector<ExchangeEvent> history =
        exchange_->History(CoordinatorActor(), "offer", id).value();
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history.front().action, "create");
  }
  EXPECT_EQ(exchange_->History(CoordinatorActor(), "need", imported->need_ids[1]).value().size(),
            1u);
}

TEST_P(ExchangeRecordsTest, CasePriorityFollowsTriageWithTheHomeOxygenBump) {
  const std::int64_t mild = NewCase(NormalVitals());
  const std::int64_t severe_no_bed = NewCase(SevereVitals(), {"oxygen", "bed"});
  const CaseDetail mild_case = Case(mild);
  const CaseDetail severe_case = Case(severe_no_bed);
  const auto expected = [](const CaseDetail& detail) {
    const Severity worse = std::max(detail.summary.nhc_severity, detail.summary.who_severity);
    return kCasePriorityBySeverity
        .at(kCasePriorityBySeverity.size() - 1 - static_cast<std::size_t>(worse))
        .priority;
  };
  EXPECT_EQ(CaseNeed(mild, kNeedA).priority, expected(mild_case));
  EXPECT_EQ(CaseNeed(severe_no_bed, kNeedA).priority,
            std::min(expected(severe_case) + kHomeOxygenWithoutBedBump, matching::kMaxPriority));
  EXPECT_GT(CaseNeed(severe_no_bed, kNeedA).priority, CaseNeed(mild, kNeedA).priority);
}

TEST_P(ExchangeRecordsTest, WithdrawalAndEditsAreKeptInTheHistory) {
  const OfferRecord offer = Offer(ValidOffer(), NurseActor());
  // Only its creator or a coordinator changes an offer.
  EXPECT_EQ(exchange_->WithdrawOffer(AngelActor(), offer.id, "").code(),
            ErrorCode::kPermissionDenied);
  Result<OfferRecord> edited = exchange_->EditOffer(NurseActor(), offer.id, {.quantity = 3});
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->remaining, 3);
  EXPECT_EQ(edited->revision, offer.revision + 1);
  ASSERT_TRUE(exchange_->WithdrawOffer(NurseActor(), offer.id, "lent to a neighbour").ok());
  EXPECT_EQ(exchange_->WithdrawOffer(NurseActor(), offer.id, "").code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(exchange_->GetOffer(CoordinatorActor(), offer.id)->status, "withdrawn");

  Result<std::vector<ExchangeEvent>> history =
      exchange_->History(CoordinatorActor(), "offer", offer.id);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ(history->at(0).action, "create");
  EXPECT_EQ(history->at(1).action, "edit");
  EXPECT_EQ(history->at(2).action, "withdraw");
  EXPECT_NE(history->at(2).detail.find("lent to a neighbour"), std::string::npos);
  EXPECT_EQ(history->at(2).by_user, NurseActor().user_id);

  // The board shows open offers by default and the withdrawn one on request.
  EXPECT_TRUE(exchange_->ListBoard(DoctorActor(), {})->offers.empty());
  EXPECT_EQ(exchange_->ListBoard(DoctorActor(), {.status = "withdrawn"})->offers.size(), 1u);
}

TEST_P(ExchangeRecordsTest, HouseholdsAreExactOnlyForCoordinatorsAndAudited) {
  const OfferRecord household = Offer();
  NewOffer organisation = ValidOffer();
  organisation.offerer_kind = "organisation";
  organisation.offerer_name = "Red Cross Wuchang";
  Offer(organisation);
  const NeedRecord need = CaseNeed(NewCase(NormalVitals()), kNeedA);

  const Board seen_by_doctor = exchange_->ListBoard(DoctorActor(), {}).value();
  ASSERT_EQ(seen_by_doctor.offers.size(), 2u);
  for (const OfferRecord& offer : seen_by_doctor.offers) {
    if (offer.offerer_kind == "person") {
      EXPECT_FALSE(offer.precise);
      EXPECT_TRUE(offer.address.empty());
      EXPECT_TRUE(offer.phone_last4.empty());
      EXPECT_NE(offer.location.lon, kOfferNear.lon);
      EXPECT_NEAR(offer.location.lon, kOfferNear.lon, 0.01);
      EXPECT_NEAR(offer.location.lat, kOfferNear.lat, 0.01);
    } else {
      EXPECT_TRUE(offer.precise);
      EXPECT_FALSE(offer.address.empty());
    }
  }
  ASSERT_EQ(seen_by_doctor.needs.size(), 1u);
  EXPECT_TRUE(seen_by_doctor.needs[0].address.empty());
  EXPECT_EQ(seen_by_doctor.needs[0].district_code, kTestDistrict);
  EXPECT_TRUE(exchange_->GetOffer(DoctorActor(), household.id)->contact_phone.empty());
  EXPECT_EQ(AuditRows("list", "exchange_board", "*"), 0);

  const Board seen_by_coordinator = exchange_->ListBoard(CoordinatorActor(), {}).value();
  EXPECT_EQ(seen_by_coordinator.needs.at(0).address, "家中");
  EXPECT_EQ(AuditRows("list", "exchange_board", "*"), 1);
  const OfferRecord exact = exchange_->GetOffer(CoordinatorActor(), household.id).value();
  EXPECT_EQ(exact.contact_phone, "13900001234");
  EXPECT_EQ(exact.address, "中南路 8 号 3 栋");
  EXPECT_EQ(exact.location.lon, kOfferNear.lon);
  EXPECT_GE(AuditRows("read", "exchange_offer", std::to_string(household.id)), 1);
  ASSERT_TRUE(exchange_->GetNeed(CoordinatorActor(), need.id).ok());
  EXPECT_EQ(AuditRows("read", "exchange_need", std::to_string(need.id)), 1);
  // The phone is stored sealed, never in clear.
  auto stored =
      db().Query("SELECT phone_sealed FROM exchange_offers WHERE id = $1", {household.id});
  EXPECT_EQ(stored->rows.at(0).Text(0).find("13900001234"), std::string::npos);
}

TEST_P(ExchangeProposalTest, TheProposalIsOptimalWhereGreedyIsNot) {
  // The sicker patient's nearest offer is the only one the other patient can reach.
  const NeedRecord sicker = CaseNeed(NewCase(SevereVitals()), kNeedA);
  const NeedRecord milder = CaseNeed(NewCase(NormalVitals()), kNeedB);
  ASSERT_GT(sicker.priority, milder.priority);
  const OfferRecord near = Offer();
  NewOffer far_offer = ValidOffer();
  far_offer.location = kOfferFar;
  far_offer.item.flow_lpm = 10;  // also serves a 5 L/min need
  const OfferRecord far = Offer(far_offer);

  // What a coordinator matching by hand would do: the sicker takes the nearest, the other waits.
  const std::vector<matching::Need> needs = {
      {sicker.id, sicker.match_key, 1, sicker.priority, kNeedA.lat, kNeedA.lon},
      {milder.id, milder.match_key, 1, milder.priority, kNeedB.lat, kNeedB.lon}};
  const std::vector<matching::Offer> offers = {
      {near.id, near.match_key, 1, kOfferNear.lat, kOfferNear.lon},
      {far.id, far.match_key, 1, kOfferFar.lat, kOfferFar.lon}};
  Result<matching::MatchResult> greedy = matching::MatchGreedy(
      needs, offers, ExchangeService::MatchOptionsFor(matching::kDefaultRadiusKm));
  ASSERT_TRUE(greedy.ok()) << greedy.status().ToString();
  EXPECT_EQ(greedy->served_priority, sicker.priority);

  Result<Proposal> proposal = exchange_->Propose(CoordinatorActor(), {});
  ASSERT_TRUE(proposal.ok()) << proposal.status().ToString();
  EXPECT_EQ(proposal->served_priority, sicker.priority + milder.priority);
  EXPECT_EQ(proposal->unmet_quantity, 0);
  EXPECT_EQ(proposal->needs_considered, 2);
  ASSERT_EQ(proposal->matches.size(), 2u);
  for (const ProposedMatch& match : proposal->matches) {
    EXPECT_EQ(match.status, "proposed");
    EXPECT_EQ(match.offer_id, match.need_id == sicker.id ? far.id : near.id);
    EXPECT_EQ(match.priority, match.need_id == sicker.id ? sicker.priority : milder.priority);
    EXPECT_NEAR(match.distance_km, 19.2, 0.5);
  }
  EXPECT_NE(proposal->options.find("concentrator_10"), std::string::npos);
  EXPECT_EQ(exchange_->ListProposals(CoordinatorActor(), 10)->size(), 1u);
}

TEST_P(ExchangeProposalTest, ConfirmReducesBothSidesAndRefusesStaleMatches) {
  const NeedRecord need = CaseNeed(NewCase(SevereVitals()), kNeedA);
  const NeedRecord other = CaseNeed(NewCase(NormalVitals()), kNeedA);
  NewOffer two = ValidOffer();
  two.quantity = 2;
  const OfferRecord offer = Offer(two);
  Proposal proposal = exchange_->Propose(CoordinatorActor(), {}).value();
  ASSERT_EQ(proposal.matches.size(), 2u);
  const ProposedMatch first = proposal.matches[0];
  const ProposedMatch second = proposal.matches[1];

  Result<ProposedMatch> confirmed = exchange_->ConfirmMatch(CoordinatorActor(), first.id);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_EQ(confirmed->status, "confirmed");
  EXPECT_EQ(confirmed->decided_by, CoordinatorActor().user_id);
  EXPECT_EQ(exchange_->GetNeed(CoordinatorActor(), first.need_id)->status, "fulfilled");
  EXPECT_EQ(exchange_->GetOffer(CoordinatorActor(), offer.id)->remaining, 1);
  EXPECT_EQ(exchange_->ConfirmMatch(CoordinatorActor(), first.id).status().message_id(),
            "error.exchange.match_decided");

  // The offer changed since the proposal: its other match is refused, and nothing moves.
  ASSERT_TRUE(exchange_->EditOffer(CoordinatorActor(), offer.id, {.condition = "fair"}).ok());
  const Status stale = exchange_->ConfirmMatch(CoordinatorActor(), second.id).status();
  EXPECT_EQ(stale.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(stale.message_id(), "error.exchange.match_stale");
  EXPECT_EQ(exchange_->GetOffer(CoordinatorActor(), offer.id)->remaining, 1);
  EXPECT_EQ(exchange_->GetNeed(CoordinatorActor(), second.need_id)->remaining, 1);

  // A new proposal supersedes the old one; withdrawing its need makes it stale too.
  proposal = exchange_->Propose(CoordinatorActor(), {}).value();
  ASSERT_EQ(proposal.matches.size(), 1u);
  EXPECT_EQ(exchange_->ListMatches(CoordinatorActor(), "superseded", std::nullopt)->size(), 1u);
  ASSERT_TRUE(exchange_->WithdrawNeed(CoordinatorActor(), proposal.matches[0].need_id, "").ok());
  EXPECT_EQ(
      exchange_->ConfirmMatch(CoordinatorActor(), proposal.matches[0].id).status().message_id(),
      "error.exchange.match_stale");

  Result<ProposedMatch> rejected =
      exchange_->RejectMatch(CoordinatorActor(), proposal.matches[0].id, "family declined");
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_EQ(rejected->status, "rejected");
  EXPECT_EQ(rejected->note, "family declined");
  EXPECT_EQ(exchange_->History(CoordinatorActor(), "match", first.id)->at(0).action, "confirm");
  EXPECT_EQ(exchange_->History(CoordinatorActor(), "need", first.need_id)->size(), 2u);
  (void)need;
  (void)other;
}

TEST_P(ExchangeProposalTest, ExpiredAndIncompatibleItemsAreNotProposed) {
  const OfferRecord medicine = Offer(Medicine("2020-02-04"));
  NewNeed need;
  need.source = "case";
  need.case_id = NewCase(NormalVitals(), {"medicine"});
  need.location = kNeedA;
  need.item = {.kind = "medicine", .medicine_name = "ibuprofen ", .strength = "200  MG"};
  need.quantity = 5;
  ASSERT_TRUE(exchange_->CreateNeed(DoctorActor(), need).ok());
  CaseNeed(NewCase(NormalVitals()), kNeedA, /*flow_lpm=*/10);  // no 10 L/min offer
  NewOffer small = ValidOffer();
  small.item.flow_lpm = 3;  // a 3 L/min machine cannot serve a 10 L/min need
  Offer(small);

  Proposal before = exchange_->Propose(CoordinatorActor(), {}).value();
  ASSERT_EQ(before.matches.size(), 1u);
  EXPECT_EQ(before.matches[0].offer_id, medicine.id);
  EXPECT_EQ(before.matches[0].quantity, 5);
  Advance(2 * kMillisPerDay);  // the medicine expires
  Proposal after = exchange_->Propose(CoordinatorActor(), {}).value();
  EXPECT_TRUE(after.matches.empty());
  EXPECT_EQ(after.offers_considered, 1);
  ExpectFieldError(exchange_->Propose(CoordinatorActor(), {.radius_km = -1}).status(),
                   ErrorCode::kInvalidArgument, "radius_km");
}

INSTANTIATE_TEST_SUITE_P(Backends, ExchangeRecordsTest, ::testing::ValuesIn(TestBackends()),
                         BackendParamName());
INSTANTIATE_TEST_SUITE_P(Backends, ExchangeProposalTest, ::testing::ValuesIn(TestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace lifeline::testing
