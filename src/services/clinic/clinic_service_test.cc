// The clinic's intake, triage history, queues and follow-up, on both store backends.

#include "services/clinic/clinic_service.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "services/clinic/clinic_test_support.h"

namespace lifeline::testing {
namespace {

using ClinicIntakeTest = ClinicTest;
using ClinicCareTest = ClinicTest;

TEST_P(ClinicIntakeTest, ConsentComesFirstAndIsNamed) {
  NewHelpRequest request = ValidRequest();
  request.consent = false;
  request.sex = "unknown";  // also wrong, but consent is asked about first
  ExpectFieldError(clinic_->SubmitPublicRequest(PublicActor(), request).status(),
                   ErrorCode::kInvalidArgument, "consent");
  EXPECT_EQ(db().Query("SELECT COUNT(*) FROM clinic_cases")->rows.at(0).Int(0), 0);
}

TEST_P(ClinicIntakeTest, EveryValidationErrorNamesItsField) {
  const std::vector<std::pair<std::string, std::function<void(NewHelpRequest&)>>> cases = {
      {"age_years", [](NewHelpRequest& r) { r.age_years.reset(); }},
      {"age_years", [](NewHelpRequest& r) { r.age_years = 130; }},
      {"age_months", [](NewHelpRequest& r) { r.age_years = 1; }},
      {"age_months", [](NewHelpRequest& r) { r.age_months = 30; }},
      {"sex", [](NewHelpRequest& r) { r.sex = ""; }},
      {"sex", [](NewHelpRequest& r) { r.sex = "unknown"; }},
      {"pregnancy_weeks", [](NewHelpRequest& r) { r.pregnancy_weeks = 60; }},
      {"pregnancy_weeks",
       [](NewHelpRequest& r) {
         r.sex = "male";
         r.pregnancy_weeks = 12;
       }},
      {"district_code", [](NewHelpRequest& r) { r.district_code = ""; }},
      {"district_code", [](NewHelpRequest& r) { r.district_code = "999999"; }},
      {"street", [](NewHelpRequest& r) { r.street = "  "; }},
      {"phone", [](NewHelpRequest& r) { r.phone = ""; }},
      {"phone", [](NewHelpRequest& r) { r.phone = "call me"; }},
      {"phone", [](NewHelpRequest& r) { r.phone = "12345"; }},
      {"onset_date", [](NewHelpRequest& r) { r.onset_date = "30/01/2020"; }},
      {"onset_date", [](NewHelpRequest& r) { r.onset_date = "2020-03-01"; }},  // future
      {"comorbidities",
       [](NewHelpRequest& r) {
         r.comorbidities = {"diabetes", "flu"};
       }},
      {"antigen", [](NewHelpRequest& r) { r.antigen = "maybe"; }},
      {"needs", [](NewHelpRequest& r) { r.needs = {"pizza"}; }},
      {"spo2", [](NewHelpRequest& r) { r.observation.spo2 = 150; }},
      {"temperature_c", [](NewHelpRequest& r) { r.observation.temperature_c = 3; }},
      {"consciousness", [](NewHelpRequest& r) { r.observation.consciousness = "Z"; }},
      {"symptoms", [](NewHelpRequest& r) { r.observation.symptoms = {""}; }},
  };
  for (const auto& [field, spoil] : cases) {
    NewHelpRequest request = ValidRequest();
    spoil(request);
    SCOPED_TRACE(field);
    ExpectFieldError(clinic_->SubmitPublicRequest(PublicActor(), request).status(),
                     ErrorCode::kInvalidArgument, field);
  }
  EXPECT_EQ(db().Query("SELECT COUNT(*) FROM clinic_cases")->rows.at(0).Int(0), 0);
}

TEST_P(ClinicIntakeTest, IntakeTriagesAndKeepsOnlyAPseudonymOfThePhone) {
  NewHelpRequest request = ValidRequest();
  request.comorbidities = {"diabetes"};
  const IntakeResult result = Submit(request);
  ASSERT_GT(result.case_id, 0);
  EXPECT_FALSE(result.duplicate);
  EXPECT_EQ(result.status_token.size(), 64u);
  EXPECT_EQ(result.triage.nhc_severity, Severity::kMild);
  EXPECT_EQ(result.status.tier, result.triage.tier);

  const CaseDetail detail = Case(result.case_id);
  EXPECT_EQ(detail.phone_last4, "8000");
  EXPECT_EQ(detail.intake_channel, "public");
  EXPECT_EQ(detail.risk_factors, static_cast<std::uint32_t>(triage::kRiskDiabetes));
  ASSERT_EQ(detail.triages.size(), 1u);
  EXPECT_EQ(detail.triages[0].news2, result.triage.news2);
  ASSERT_EQ(detail.tier_moves.size(), 1u);
  EXPECT_EQ(detail.tier_moves[0].cause, "intake");
  ASSERT_EQ(detail.observations.size(), 1u);
  EXPECT_EQ(detail.observations[0].values.spo2, 98);
  // Neither the number nor the token is stored in clear.
  auto stored = db().Query("SELECT phone_key, status_token_hash FROM clinic_cases");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->rows[0].Text(0).find("13800138000"), std::string::npos);
  EXPECT_EQ(stored->rows[0].Text(0).size(), 64u);
  EXPECT_NE(stored->rows[0].Text(1), result.status_token);
  EXPECT_EQ(AuditRows("create", "case", std::to_string(result.case_id)), 1);
}

TEST_P(ClinicIntakeTest, HotlineIntakeRecordsWhoTypedIt) {
  const Actor angel{4242, "angel", Role::kAngel, "req-hotline"};
  Result<IntakeResult> result = clinic_->SubmitHotlineRequest(angel, ValidRequest());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const CaseDetail detail = Case(result->case_id);
  EXPECT_EQ(detail.intake_channel, "hotline");
  EXPECT_EQ(detail.entered_by, 4242);
  EXPECT_EQ(detail.observations.at(0).recorded_by, 4242);
}

TEST_P(ClinicIntakeTest, TheSamePatientWithin48HoursJoinsTheOpenCase) {
  const IntakeResult first = Submit();
  Advance(47 * kMillisPerHour);
  NewHelpRequest again = ValidRequest();
  again.phone = "+86 138-0013-8000";  // the same number, written differently
  again.age_years = 41;               // within a year
  again.needs = {"oxygen"};
  again.observation = SevereVitals();
  const IntakeResult second = Submit(again);
  EXPECT_TRUE(second.duplicate);
  EXPECT_EQ(second.case_id, first.case_id);
  EXPECT_TRUE(second.status_token.empty());
  EXPECT_EQ(second.triage.nhc_severity, Severity::kSevere);

  const CaseDetail detail = Case(first.case_id);
  EXPECT_EQ(detail.observations.size(), 2u);
  EXPECT_EQ(detail.triages.size(), 2u);
  EXPECT_EQ(detail.summary.tier, Tier::kIcu);
  EXPECT_EQ(NeedNames(detail.summary.needs), (std::vector<std::string>{"advice", "oxygen"}));
  EXPECT_EQ(db().Query("SELECT COUNT(*) FROM clinic_cases")->rows.at(0).Int(0), 1);

  // Another patient on the same phone (a different sex or age) is a case of their own.
  NewHelpRequest husband = ValidRequest();
  husband.sex = "male";
  EXPECT_FALSE(Submit(husband).duplicate);
  NewHelpRequest grandmother = ValidRequest();
  grandmother.age_years = 72;
  EXPECT_FALSE(Submit(grandmother).duplicate);

  // 48 hours after the last linked request the link lapses.
  Advance(48 * kMillisPerHour + kMillisPerMinute);
  const IntakeResult later = Submit();
  EXPECT_FALSE(later.duplicate);
  EXPECT_NE(later.case_id, first.case_id);
}

TEST_P(ClinicIntakeTest, AClosedCaseIsNeverJoined) {
  const IntakeResult first = Submit();
  ASSERT_TRUE(clinic_->SetOutcome(CoordinatorActor(), first.case_id, "recovered", "").ok());
  const IntakeResult second = Submit();
  EXPECT_FALSE(second.duplicate);
  EXPECT_NE(second.case_id, first.case_id);
}

TEST_P(ClinicIntakeTest, TheStatusLinkShowsOnlyStatusAndIsAudited) {
  const IntakeResult result = Submit();
  Advance(kMillisPerMinute);
  Result<CaseStatusView> view = clinic_->StatusByToken(PublicActor(), result.status_token);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_TRUE(view->open);
  EXPECT_EQ(view->tier, result.triage.tier);
  EXPECT_EQ(view->actions, result.triage.actions);
  EXPECT_EQ(view->updated_at, kMondayMorning);
  EXPECT_EQ(AuditRows("read", "case", std::to_string(result.case_id)), 1);
  auto actor = db().Query("SELECT actor_username FROM audit_log WHERE action = 'read'");
  EXPECT_EQ(actor->rows.at(0).Text(0), "public");

  EXPECT_EQ(clinic_->StatusByToken(PublicActor(), std::string(64, 'a')).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(clinic_->StatusByToken(PublicActor(), "short").status().code(), ErrorCode::kNotFound);
}

TEST_P(ClinicCareTest, NewVitalSignsRetriageAndMoveTheCaseWithHistory) {
  const IntakeResult intake = Submit();
  ASSERT_EQ(intake.status.tier, Tier::kOutpatient);
  Advance(kMillisPerHour);
  Result<RetriageResult> worse =
      clinic_->AddObservation(DoctorActor(), intake.case_id, SevereVitals());
  ASSERT_TRUE(worse.ok()) << worse.status().ToString();
  EXPECT_TRUE(worse->moved);
  EXPECT_EQ(worse->tier, Tier::kIcu);

  CaseDetail detail = Case(intake.case_id);
  EXPECT_EQ(detail.summary.tier, Tier::kIcu);
  EXPECT_GE(detail.summary.exposure, kExposureDistress);
  ASSERT_EQ(detail.tier_moves.size(), 2u);
  EXPECT_EQ(detail.tier_moves[1].from_tier, "outpatient");
  EXPECT_EQ(detail.tier_moves[1].to_tier, "icu");
  EXPECT_EQ(detail.tier_moves[1].cause, "triage");
  EXPECT_EQ(detail.tier_moves[1].by_username, "doc");
  EXPECT_FALSE(detail.tier_moves[1].reason.empty());
  EXPECT_EQ(detail.triages.size(), 2u);

  // A clinician's placement stands when the engine would de-escalate ...
  ASSERT_TRUE(clinic_->MoveTier(DoctorActor(), intake.case_id, "ward", "watching at home").ok());
  Result<RetriageResult> better =
      clinic_->AddObservation(DoctorActor(), intake.case_id, NormalVitals());
  ASSERT_TRUE(better.ok()) << better.status().ToString();
  EXPECT_FALSE(better->moved);
  EXPECT_EQ(better->tier, Tier::kWard);
  EXPECT_EQ(better->triage.tier, Tier::kOutpatient);
  // ... but not when it escalates.
  ObservationInput spo2_only;
  spo2_only.spo2 = 86;
  Result<RetriageResult> escalated =
      clinic_->AddObservation(DoctorActor(), intake.case_id, spo2_only);
  ASSERT_TRUE(escalated.ok()) << escalated.status().ToString();
  EXPECT_TRUE(escalated->moved);
  EXPECT_EQ(escalated->tier, Tier::kIcu);

  detail = Case(intake.case_id);
  ASSERT_EQ(detail.tier_moves.size(), 4u);
  EXPECT_EQ(detail.tier_moves[2].cause, "clinician");
  EXPECT_EQ(detail.tier_moves[2].reason, "watching at home");
  EXPECT_EQ(detail.triages.size(), 4u);
  // The SpO2-only update kept the other vital signs of the one before.
  EXPECT_EQ(detail.triages[3].missing, detail.triages[2].missing);
}

TEST_P(ClinicCareTest, QueuesOrderByPriorityThenWaitingAndFlagOverdue) {
  NewHelpRequest request = ValidRequest();
  request.observation = SevereVitals();
  request.phone = "13900000001";
  const IntakeResult early = Submit(request);
  Advance(kMillisPerMinute);
  request.phone = "13900000002";
  const IntakeResult late = Submit(request);
  request.phone = "13900000003";
  request.observation.mechanical_ventilation = true;  // critical: higher priority
  const IntakeResult critical = Submit(request);
  ASSERT_EQ(critical.status.tier, Tier::kIcu);
  ASSERT_GT(critical.triage.priority, early.triage.priority);

  Result<TierQueue> queue = clinic_->Queue(DoctorActor(), "icu");
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  ASSERT_EQ(queue->cases.size(), 3u);
  EXPECT_EQ(queue->cases[0].id, critical.case_id);
  EXPECT_EQ(queue->cases[1].id, early.case_id);
  EXPECT_EQ(queue->cases[2].id, late.case_id);
  EXPECT_EQ(queue->overdue, 0);

  Advance(15 * kMillisPerMinute);  // the early case has waited 16 minutes, the others 15
  queue = clinic_->Queue(DoctorActor(), "icu");
  ASSERT_TRUE(queue.ok());
  EXPECT_EQ(queue->overdue, 1);
  EXPECT_TRUE(queue->cases[1].overdue);
  EXPECT_FALSE(queue->cases[0].overdue);

  // A clinician's note restarts the clock, and waiting time orders from then.
  ASSERT_TRUE(clinic_->AddNote(DoctorActor(), early.case_id, "called, oxygen arranged").ok());
  Advance(kMillisPerMinute);
  Result<std::vector<TierQueue>> board = clinic_->Board(CoordinatorActor());
  ASSERT_TRUE(board.ok()) << board.status().ToString();
  ASSERT_EQ(board->size(), 5u);
  const TierQueue& icu = (*board)[3];
  EXPECT_EQ(icu.tier, Tier::kIcu);
  EXPECT_EQ(icu.overdue, 2);
  EXPECT_EQ(icu.cases[1].id, late.case_id);
  EXPECT_EQ(icu.cases[2].id, early.case_id);
  EXPECT_FALSE(icu.cases[2].overdue);

  EXPECT_EQ(clinic_->Queue(DoctorActor(), "life_care").status().code(),
            ErrorCode::kPermissionDenied);
  ExpectFieldError(clinic_->Queue(DoctorActor(), "cellar").status(), ErrorCode::kInvalidArgument,
                   "tier");
  EXPECT_EQ(AuditRows("list", "case", "*"), 3);
}

TEST_P(ClinicCareTest, NotesTasksAndOutcomeCloseTheCase) {
  const IntakeResult intake = Submit();
  Result<CaseNote> note = clinic_->AddNote(CoordinatorActor(), intake.case_id, "family called");
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->author_username, "coord");
  ExpectFieldError(clinic_->AddNote(CoordinatorActor(), intake.case_id, " ").status(),
                   ErrorCode::kInvalidArgument, "text");
  // A coordinator's note is not a clinician's look: the case was not seen.
  EXPECT_FALSE(Case(intake.case_id).last_seen_at.has_value());
  ASSERT_TRUE(clinic_->MarkSeen(DoctorActor(), intake.case_id).ok());
  EXPECT_EQ(Case(intake.case_id).last_seen_at, now_);

  Result<ClinicTask> task = clinic_->AddTask(
      CoordinatorActor(), intake.case_id, {.text = "call back", .due_at = now_ + kMillisPerHour});
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  EXPECT_FALSE(task->overdue);
  ExpectFieldError(clinic_->AddTask(CoordinatorActor(), intake.case_id, {.text = "x"}).status(),
                   ErrorCode::kInvalidArgument, "due_at");
  Advance(2 * kMillisPerHour);
  Result<std::vector<ClinicTask>> overdue = clinic_->OverdueTasks(CoordinatorActor());
  ASSERT_TRUE(overdue.ok());
  ASSERT_EQ(overdue->size(), 1u);
  EXPECT_EQ(overdue->at(0).id, task->id);
  ASSERT_TRUE(clinic_->CompleteTask(DoctorActor(), task->id).ok());
  EXPECT_EQ(clinic_->CompleteTask(DoctorActor(), task->id).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(clinic_->OverdueTasks(CoordinatorActor())->empty());

  ExpectFieldError(clinic_->SetOutcome(DoctorActor(), intake.case_id, "cured", ""),
                   ErrorCode::kInvalidArgument, "outcome");
  ASSERT_TRUE(
      clinic_->SetOutcome(DoctorActor(), intake.case_id, "admitted", "bed at Leishenshan").ok());
  const CaseDetail closed = Case(intake.case_id);
  EXPECT_FALSE(closed.summary.open);
  EXPECT_EQ(closed.outcome, "admitted");
  EXPECT_EQ(closed.notes.back().text, "bed at Leishenshan");
  EXPECT_EQ(clinic_->AddObservation(DoctorActor(), intake.case_id, NormalVitals()).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(clinic_->SetOutcome(DoctorActor(), intake.case_id, "lost", "").code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(clinic_->StatusByToken(PublicActor(), intake.status_token)->open);
  EXPECT_TRUE(clinic_->Board(CoordinatorActor())->at(1).cases.empty());
}

TEST_P(ClinicCareTest, EndOfLifeCareGoesToLifeCareAtTheHighestExposure) {
  NewHelpRequest request = ValidRequest();
  request.needs = {"end_of_life_care"};
  const IntakeResult intake = Submit(request);
  EXPECT_EQ(intake.status.tier, Tier::kLifeCare);
  EXPECT_EQ(Case(intake.case_id).summary.exposure, kExposureGrave);
  // Life care is left only by a clinician's decision.
  ASSERT_TRUE(clinic_->AddObservation(DoctorActor(), intake.case_id, SevereVitals()).ok());
  EXPECT_EQ(Case(intake.case_id).summary.tier, Tier::kLifeCare);
}

TEST_P(ClinicCareTest, ACoordinatorRaisesExposureButNeverLowersIt) {
  const IntakeResult intake = Submit();
  EXPECT_EQ(Case(intake.case_id).summary.exposure, kExposureRoutine);
  ASSERT_TRUE(
      clinic_->RaiseExposure(CoordinatorActor(), intake.case_id, 2, "daughter very distressed")
          .ok());
  EXPECT_EQ(Case(intake.case_id).summary.exposure, kExposureDistress);
  ExpectFieldError(clinic_->RaiseExposure(CoordinatorActor(), intake.case_id, 1, "calmer"),
                   ErrorCode::kFailedPrecondition, "level");
  ExpectFieldError(clinic_->RaiseExposure(CoordinatorActor(), intake.case_id, 3, ""),
                   ErrorCode::kInvalidArgument, "reason");
}

INSTANTIATE_TEST_SUITE_P(Backends, ClinicIntakeTest, ::testing::ValuesIn(TestBackends()),
                         BackendParamName());
INSTANTIATE_TEST_SUITE_P(Backends, ClinicCareTest, ::testing::ValuesIn(TestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace lifeline::testing
