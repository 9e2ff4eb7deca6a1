// Volunteer review, readiness, shifts and the matching of volunteers to cases by emotional
// exposure, on both store backends.

#include <gtest/gtest.h>

#include <string>

#include "services/clinic/clinic_service.h"
#include "services/clinic/clinic_test_support.h"

namespace lifeline::testing {
namespace {

using ClinicVolunteerTest = ClinicTest;
using ClinicMatchingTest = ClinicTest;

VolunteerApplication DoctorApplication(const std::string& username) {
  return {.display_name = "Dr " + username,
          .role = "doctor",
          .phone = "137 1111 2222",
          .licence_number = "110420100012345",
          .hospital = "Wuhan Union Hospital",
          .department = "respiratory",
          .years_practice = 8,
          .username = username,
          .password = kVolunteerPassword};
}

TEST_P(ClinicVolunteerTest, ApprovalCreatesAnAccountWithTheRole) {
  Result<ApplicationRecord> applied =
      clinic_->SubmitApplication(PublicActor(), DoctorApplication("drli"));
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->status, "pending");
  EXPECT_TRUE(applied->meets_clinical_requirement);
  EXPECT_EQ(applied->phone_last4, "2222");
  Result<VolunteerRecord> approved =
      clinic_->ApproveApplication(CoordinatorActor(), applied->id, {.readiness = 3});
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->role, Role::kDoctor);
  EXPECT_EQ(approved->readiness, 3);
  EXPECT_EQ(approved->capacity, clinic_->options().default_capacity);
  Result<LoginResult> login = accounts_->Login("drli", kVolunteerPassword, "127.0.0.1");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->user.role, Role::kDoctor);
  // The application no longer holds the password hash, and cannot be decided twice.
  auto hash = db().Query("SELECT password_hash FROM clinic_applications");
  EXPECT_EQ(hash->rows.at(0).Text(0), "");
  EXPECT_EQ(clinic_->ApproveApplication(CoordinatorActor(), applied->id, {}).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(AuditRows("approve", "volunteer_application", std::to_string(applied->id)), 1);
}

TEST_P(ClinicVolunteerTest, ApplicationErrorsNameTheirField) {
  VolunteerApplication application = DoctorApplication("drwang");
  application.role = "king";
  ExpectFieldError(clinic_->SubmitApplication(PublicActor(), application).status(),
                   ErrorCode::kInvalidArgument, "role");
  application = DoctorApplication("drwang");
  application.licence_number = "";
  ExpectFieldError(clinic_->SubmitApplication(PublicActor(), application).status(),
                   ErrorCode::kInvalidArgument, "licence_number");
  application = DoctorApplication("drwang");
  application.password = "short";
  ExpectFieldError(clinic_->SubmitApplication(PublicActor(), application).status(),
                   ErrorCode::kInvalidArgument, "password");
  application = DoctorApplication("x");
  ExpectFieldError(clinic_->SubmitApplication(PublicActor(), application).status(),
                   ErrorCode::kInvalidArgument, "username");
  // An angel needs no licence.
  application = {.display_name = "Xiao Zhang",
                 .role = "angel",
                 .phone = "13612345678",
                 .username = "xiaozhang",
                 .password = kVolunteerPassword};
  ASSERT_TRUE(clinic_->SubmitApplication(PublicActor(), application).ok());
  ExpectFieldError(clinic_->SubmitApplication(PublicActor(), application).status(),
                   ErrorCode::kAlreadyExists, "username");
}

TEST_P(ClinicVolunteerTest, ClinicalRolesNeedTwoYearsInARelevantDepartmentUnlessOverridden) {
  VolunteerApplication junior = DoctorApplication("junior");
  junior.years_practice = 1;
  VolunteerApplication cardiologist = DoctorApplication("cardio");
  cardiologist.department = "cardiology";
  cardiologist.years_practice = 20;
  VolunteerApplication nurse = DoctorApplication("nurse2");
  nurse.role = "nurse";
  nurse.department = "critical_care";
  nurse.years_practice = 2;
  const std::int64_t junior_id = clinic_->SubmitApplication(PublicActor(), junior)->id;
  const std::int64_t cardio_id = clinic_->SubmitApplication(PublicActor(), cardiologist)->id;
  const std::int64_t nurse_id = clinic_->SubmitApplication(PublicActor(), nurse)->id;

  for (const std::int64_t id : {junior_id, cardio_id}) {
    EXPECT_FALSE(clinic_->GetApplication(CoordinatorActor(), id)->meets_clinical_requirement);
    ExpectFieldError(clinic_->ApproveApplication(CoordinatorActor(), id, {}).status(),
                     ErrorCode::kFailedPrecondition, "override_reason");
  }
  ASSERT_TRUE(clinic_
                  ->ApproveApplication(CoordinatorActor(), cardio_id,
                                       {.override_reason = "ICU rotation 2015-2019"})
                  .ok());
  const ApplicationRecord decided = *clinic_->GetApplication(CoordinatorActor(), cardio_id);
  EXPECT_TRUE(decided.overridden);
  EXPECT_EQ(decided.decision_reason, "ICU rotation 2015-2019");
  EXPECT_TRUE(clinic_->ApproveApplication(CoordinatorActor(), nurse_id, {}).ok());

  ExpectFieldError(clinic_->RejectApplication(CoordinatorActor(), junior_id, "").status(),
                   ErrorCode::kInvalidArgument, "reason");
  Result<ApplicationRecord> rejected =
      clinic_->RejectApplication(CoordinatorActor(), junior_id, "needs more experience");
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_EQ(rejected->status, "rejected");
  EXPECT_EQ(clinic_->ListApplications(CoordinatorActor(), "pending")->size(), 0u);
  EXPECT_EQ(clinic_->ListApplications(CoordinatorActor(), std::nullopt)->size(), 3u);
  EXPECT_FALSE(accounts_->Login("junior", kVolunteerPassword, "127.0.0.1").ok());
}

TEST_P(ClinicVolunteerTest, ReadinessRisesOneLevelAtATime) {
  const std::int64_t angel = Volunteer("angel1", "angel", 1);
  ExpectFieldError(clinic_->SetReadiness(CoordinatorActor(), angel, 3, "").status(),
                   ErrorCode::kFailedPrecondition, "level");
  EXPECT_EQ(clinic_->SetReadiness(CoordinatorActor(), angel, 2, "ten calls done")->readiness, 2);
  EXPECT_EQ(clinic_->SetReadiness(CoordinatorActor(), angel, 3, "")->readiness, 3);
  EXPECT_EQ(clinic_->SetReadiness(CoordinatorActor(), angel, 1, "needs a rest")->readiness, 1);
  ExpectFieldError(clinic_->SetReadiness(CoordinatorActor(), angel, 4, "").status(),
                   ErrorCode::kInvalidArgument, "level");
  EXPECT_EQ(clinic_->SetReadiness(CoordinatorActor(), 424242, 1, "").status().code(),
            ErrorCode::kNotFound);
}

TEST_P(ClinicVolunteerTest, ShiftsDecideWhoIsOnDuty) {
  const std::int64_t nurse = Volunteer("nurse1", "nurse", 2);
  const Actor self = VolunteerActor(nurse, Role::kNurse);
  ASSERT_EQ(clinic_->ListShifts(self, nurse)->size(), 1u);
  ASSERT_TRUE(clinic_->RemoveShift(self, clinic_->ListShifts(self, nurse)->at(0).id).ok());
  EXPECT_FALSE(clinic_->GetVolunteer(CoordinatorActor(), nurse)->on_shift);
  // Monday 08:00-12:00 Wuhan time covers Monday 10:00.
  ASSERT_TRUE(clinic_
                  ->AddShift(self, nurse,
                             {.kind = "weekly", .weekday = 1, .start = "08:00", .end = "12:00"})
                  .ok());
  EXPECT_TRUE(clinic_->GetVolunteer(CoordinatorActor(), nurse)->on_shift);
  Advance(3 * kMillisPerHour);  // 13:00
  EXPECT_FALSE(clinic_->GetVolunteer(CoordinatorActor(), nurse)->on_shift);
  // A Monday night shift runs into Tuesday.
  ASSERT_TRUE(clinic_
                  ->AddShift(self, nurse,
                             {.kind = "weekly", .weekday = 1, .start = "22:00", .end = "02:00"})
                  .ok());
  Advance(14 * kMillisPerHour);  // Tuesday 03:00
  EXPECT_FALSE(clinic_->GetVolunteer(CoordinatorActor(), nurse)->on_shift);
  Advance(-2 * kMillisPerHour);  // Tuesday 01:00
  EXPECT_TRUE(clinic_->GetVolunteer(CoordinatorActor(), nurse)->on_shift);

  ExpectFieldError(clinic_->AddShift(self, nurse, {.kind = "weekly", .weekday = 8}).status(),
                   ErrorCode::kInvalidArgument, "weekday");
  ExpectFieldError(
      clinic_->AddShift(self, nurse, {.kind = "weekly", .weekday = 2, .start = "25:00"}).status(),
      ErrorCode::kInvalidArgument, "start");
  ExpectFieldError(clinic_->AddShift(self, nurse, {.kind = "daily"}).status(),
                   ErrorCode::kInvalidArgument, "kind");
  // Only the volunteer themselves or a coordinator change their shifts and capacity.
  const Actor stranger = VolunteerActor(nurse + 1000, Role::kNurse);
  EXPECT_EQ(clinic_->ListShifts(stranger, nurse).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(clinic_->SetCapacity(stranger, nurse, 9).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(clinic_->SetCapacity(self, nurse, 2)->capacity, 2);
}

TEST_P(ClinicMatchingTest, NoCaseIsEverGivenAboveAVolunteersReadiness) {
  NewHelpRequest request = ValidRequest();
  request.observation = SevereVitals();
  request.observation.mechanical_ventilation = true;  // critical: exposure 3
  const IntakeResult grave = Submit(request);
  ASSERT_EQ(Case(grave.case_id).summary.exposure, kExposureGrave);
  const std::int64_t ready_doctor = Volunteer("doc3", "doctor", 3);
  const std::int64_t new_doctor = Volunteer("doc1", "doctor", 1);
  const std::int64_t full_nurse = Volunteer("nurse3", "nurse", 3, /*capacity=*/0);
  const std::int64_t counsellor = Volunteer("counsellor3", "counsellor", 3);

  const Status refused = clinic_->OfferCase(CoordinatorActor(), grave.case_id, new_doctor).status();
  ExpectFieldError(refused, ErrorCode::kFailedPrecondition, "volunteer_id");
  EXPECT_EQ(refused.message_id(), "error.clinic.readiness_too_low");
  EXPECT_EQ(clinic_->OfferCase(CoordinatorActor(), grave.case_id, full_nurse).status().message_id(),
            "error.clinic.volunteer_at_capacity");

  Result<std::vector<AssigneeSuggestion>> suggestions =
      clinic_->SuggestAssignees(CoordinatorActor(), grave.case_id);
  ASSERT_TRUE(suggestions.ok()) << suggestions.status().ToString();
  ASSERT_EQ(suggestions->size(), 1u);  // not the new doctor, the full nurse or the counsellor
  EXPECT_EQ(suggestions->at(0).volunteer.user_id, ready_doctor);
  EXPECT_EQ(suggestions->at(0).spare_capacity, 5);
  (void)counsellor;

  Result<Assignment> offered = clinic_->OfferCase(CoordinatorActor(), grave.case_id, ready_doctor);
  ASSERT_TRUE(offered.ok()) << offered.status().ToString();
  EXPECT_EQ(offered->status, "offered");
  EXPECT_EQ(clinic_->OfferCase(CoordinatorActor(), grave.case_id, ready_doctor).status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_TRUE(clinic_->SuggestAssignees(CoordinatorActor(), grave.case_id)->empty());
}

TEST_P(ClinicMatchingTest, VolunteersDeclineOrStepBackWithoutGivingReasons) {
  const IntakeResult intake = Submit();
  const std::int64_t angel = Volunteer("angel2", "angel", 1, /*capacity=*/1);
  const Actor self = VolunteerActor(angel, Role::kAngel);
  Result<Assignment> offered = clinic_->OfferCase(CoordinatorActor(), intake.case_id, angel);
  ASSERT_TRUE(offered.ok()) << offered.status().ToString();
  EXPECT_EQ(clinic_->AcceptAssignment(VolunteerActor(angel + 1, Role::kAngel), offered->id)
                .status()
                .code(),
            ErrorCode::kPermissionDenied);
  Result<Assignment> declined = clinic_->DeclineAssignment(self, offered->id, "");
  ASSERT_TRUE(declined.ok()) << declined.status().ToString();
  EXPECT_EQ(declined->status, "declined");
  EXPECT_EQ(clinic_->AcceptAssignment(self, offered->id).status().code(),
            ErrorCode::kFailedPrecondition);

  Result<Assignment> again = clinic_->OfferCase(CoordinatorActor(), intake.case_id, angel);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE(clinic_->AcceptAssignment(self, again->id).ok());
  EXPECT_EQ(clinic_->MyCases(self)->size(), 1u);
  const IntakeResult other = Submit([] {
    NewHelpRequest request = ValidRequest();
    request.phone = "13512345678";
    return request;
  }());
  EXPECT_EQ(clinic_->OfferCase(CoordinatorActor(), other.case_id, angel).status().message_id(),
            "error.clinic.volunteer_at_capacity");
  Result<Assignment> left = clinic_->StepBack(self, again->id, "too close to home");
  ASSERT_TRUE(left.ok()) << left.status().ToString();
  EXPECT_EQ(left->status, "stepped_back");
  EXPECT_EQ(left->note, "too close to home");
  EXPECT_TRUE(clinic_->MyCases(self)->empty());
  EXPECT_TRUE(clinic_->OfferCase(CoordinatorActor(), other.case_id, angel).ok());
}

TEST_P(ClinicMatchingTest, ADeathSchedulesADebriefForEveryoneWhoTookTheCase) {
  NewHelpRequest request = ValidRequest();
  request.observation = SevereVitals();
  const IntakeResult intake = Submit(request);
  const std::int64_t doctor = Volunteer("doc4", "doctor", 3);
  const std::int64_t nurse = Volunteer("nurse4", "nurse", 3);
  const std::int64_t offered_only = Volunteer("doc5", "doctor", 3);
  for (const std::int64_t volunteer : {doctor, nurse}) {
    Result<Assignment> offer = clinic_->OfferCase(CoordinatorActor(), intake.case_id, volunteer);
    ASSERT_TRUE(offer.ok()) << offer.status().ToString();
    ASSERT_TRUE(
        clinic_->AcceptAssignment(VolunteerActor(volunteer, Role::kDoctor), offer->id).ok());
  }
  ASSERT_TRUE(clinic_->OfferCase(CoordinatorActor(), intake.case_id, offered_only).ok());
  const std::int64_t nurse_assignment = Case(intake.case_id).assignments.at(1).id;
  ASSERT_TRUE(clinic_->StepBack(VolunteerActor(nurse, Role::kNurse), nurse_assignment, "").ok());

  ASSERT_TRUE(clinic_->SetOutcome(DoctorActor(), intake.case_id, "died", "").ok());
  const CaseDetail closed = Case(intake.case_id);
  EXPECT_EQ(closed.summary.exposure, kExposureGrave);
  for (const Assignment& assignment : closed.assignments) EXPECT_NE(assignment.status, "active");
  int debriefs = 0;
  for (const ClinicTask& task : closed.tasks) {
    if (task.kind != "debrief") continue;
    ++debriefs;
    EXPECT_TRUE(task.assignee_id == doctor || task.assignee_id == nurse) << task.assignee_id;
    EXPECT_EQ(task.due_at, now_ + clinic_->options().debrief_delay);
  }
  EXPECT_EQ(debriefs, 2);
  const Actor nurse_actor = VolunteerActor(nurse, Role::kNurse);
  Result<std::vector<ClinicTask>> mine = clinic_->MyTasks(nurse_actor);
  ASSERT_EQ(mine->size(), 1u);
  // Their debrief stays theirs to close although they left the case.
  EXPECT_TRUE(clinic_->CompleteTask(nurse_actor, mine->at(0).id).ok());
  EXPECT_TRUE(clinic_->MyTasks(VolunteerActor(offered_only, Role::kDoctor))->empty());
}

TEST_P(ClinicMatchingTest, AnAngelSeesOnlyTheCasesOfferedToOrTakenByThem) {
  const IntakeResult intake = Submit();
  const std::int64_t angel = Volunteer("angel3", "angel", 1);
  const Actor self = VolunteerActor(angel, Role::kAngel);
  const std::string case_id = std::to_string(intake.case_id);
  EXPECT_EQ(clinic_->GetCase(self, intake.case_id).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(clinic_->AddNote(self, intake.case_id, "hello").status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(AuditRows("refused", "case", case_id), 2);
  EXPECT_EQ(clinic_->GetCase(self, 999999).status().code(), ErrorCode::kNotFound);

  Result<Assignment> offered = clinic_->OfferCase(CoordinatorActor(), intake.case_id, angel);
  ASSERT_TRUE(offered.ok());
  EXPECT_TRUE(clinic_->GetCase(self, intake.case_id).ok());
  ASSERT_TRUE(clinic_->AcceptAssignment(self, offered->id).ok());
  EXPECT_TRUE(clinic_->AddNote(self, intake.case_id, "called the family").ok());
  EXPECT_TRUE(clinic_->AddObservation(self, intake.case_id, NormalVitals()).ok());
  ASSERT_TRUE(clinic_->StepBack(self, offered->id, "").ok());
  EXPECT_EQ(clinic_->GetCase(self, intake.case_id).status().code(), ErrorCode::kPermissionDenied);
  // Doctors and counsellors read any case; every read is audited.
  EXPECT_TRUE(clinic_->GetCase(VolunteerActor(1, Role::kCounsellor), intake.case_id).ok());
  EXPECT_EQ(AuditRows("read", "case", case_id), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, ClinicVolunteerTest, ::testing::ValuesIn(TestBackends()),
                         BackendParamName());
INSTANTIATE_TEST_SUITE_P(Backends, ClinicMatchingTest, ::testing::ValuesIn(TestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace lifeline::testing
