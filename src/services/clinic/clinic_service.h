#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "engines/triage/triage.h"
#include "services/clinic/clinic_types.h"
#include "store/database.h"

namespace lifeline {

class AccountService;

struct ClinicOptions {
  // How long a case may wait in each tier after it entered the tier or a clinician last saw it;
  // past that it is overdue.
  UnixMillis triage_desk_limit = 30 * kMillisPerMinute;
  UnixMillis outpatient_limit = 240 * kMillisPerMinute;
  UnixMillis ward_limit = 60 * kMillisPerMinute;
  UnixMillis icu_limit = 15 * kMillisPerMinute;
  UnixMillis life_care_limit = 240 * kMillisPerMinute;
  // A request from the same phone for the same patient within this time joins the open case.
  UnixMillis duplicate_window = 48 * kMillisPerHour;
  // When the debrief after a death is due.
  UnixMillis debrief_delay = 24 * kMillisPerHour;
  // Doctors and nurses need this many years of practice in one of these departments, unless a
  // reviewer overrides the rule with a reason.
  std::int64_t min_clinical_years = 2;
  std::vector<std::string> relevant_departments = {"respiratory",      "infectious_diseases",
                                                   "critical_care",    "emergency",
                                                   "general_practice", "general_internal_medicine"};
  std::int64_t default_capacity = 5;
  // Weekly shifts are kept in the clinic's local time: Wuhan, UTC+8.
  int local_utc_offset_minutes = 8 * 60;
  triage::TriageConfig triage;
  // The clock every rule reads (tests move it; the audit log keeps its own).
  std::function<UnixMillis()> clock = NowMillis;

  // The time limit of `tier`.
  UnixMillis LimitFor(Tier tier) const;
};

// A volunteer's view of one case offered to or taken by them.
struct MyCase {
  Assignment assignment;
  CaseSummary summary;
};

// The online clinic: help requests and their triage, tiered queues with time limits, notes,
// follow-up tasks and outcomes, screened volunteers with readiness, capacity and shifts, and
// their matching to cases by emotional exposure. Owns the tables of migration 0005.
//
// Every intake and every new set of observations runs the triage engine and keeps the result;
// a re-triage moves the case to the recommended tier unless a clinician placed it (then only an
// escalation moves it), and a case in life care is only moved by a clinician. Every tier move
// is kept with who, when and why. Phones are stored only as KeyedHashHex(key, normalised
// number) plus the last four digits. Every read of a case or a list of cases, and every change,
// writes an audit row (entity "case") in the same transaction.
//
// Roles are checked by the faces (docs/api.md); the service enforces what depends on the
// record: an angel reaches only cases offered to or taken by them, doctors and nurses read only
// the queues of clinical tiers, volunteers change only their own shifts and assignments, and no
// case is ever offered to a volunteer whose readiness is below its exposure. Failures are
// values: InvalidArgument naming the field, NotFound "error.record_not_found", PermissionDenied,
// FailedPrecondition, with the catalogue ids of i18n/clinic.json.
//
// Holds no state beyond its options and the key; borrows `database` and `accounts`, which must
// outlive it. Thread-safe: every method runs in its own transaction.
class ClinicService {
 public:
  // `pseudonym_key` is the deployment key (crypto.h LoadOrCreateKeyFile); it must be non-empty.
  ClinicService(Database& database, AccountService& accounts, std::string pseudonym_key,
                ClinicOptions options = {});

  // --- Intake (intake.cc) ---
  // The public form; `actor` is the public caller. Consent comes first: InvalidArgument
  // "error.clinic.consent_required" (field "consent") without it.
  Result<IntakeResult> SubmitPublicRequest(const Actor& actor, const NewHelpRequest& request);
  // A request typed in by a hotline volunteer (angel or coordinator), recorded as theirs.
  Result<IntakeResult> SubmitHotlineRequest(const Actor& actor, const NewHelpRequest& request);
  // What the private link shows; NotFound "error.clinic.status_link_unknown" for a bad token.
  Result<CaseStatusView> StatusByToken(const Actor& actor, const std::string& token);

  // --- Cases, queues and follow-up (care.cc, queue.cc) ---
  Result<CaseDetail> GetCase(const Actor& actor, std::int64_t case_id);
  // One queue per tier, open cases by priority then waiting time.
  Result<std::vector<TierQueue>> Board(const Actor& actor);
  // Doctors and nurses may read every tier but life care.
  Result<TierQueue> Queue(const Actor& actor, const std::string& tier);
  // Records new observations, re-triages the case and may move it to another tier.
  Result<RetriageResult> AddObservation(const Actor& actor, std::int64_t case_id,
                                        const ObservationInput& observation);
  Status MoveTier(const Actor& actor, std::int64_t case_id, const std::string& tier,
                  const std::string& reason);
  // A clinician (doctor, nurse, counsellor) has seen the case: restarts its time limit.
  Status MarkSeen(const Actor& actor, std::int64_t case_id);
  // A clinician's note also counts as having seen the case.
  Result<CaseNote> AddNote(const Actor& actor, std::int64_t case_id, const std::string& text);
  Result<ClinicTask> AddTask(const Actor& actor, std::int64_t case_id, const NewTask& task);
  Result<ClinicTask> CompleteTask(const Actor& actor, std::int64_t task_id);
  // Open tasks past their due time, across all cases, earliest first.
  Result<std::vector<ClinicTask>> OverdueTasks(const Actor& actor);
  // Open tasks assigned to the caller.
  Result<std::vector<ClinicTask>> MyTasks(const Actor& actor);
  // Closes the case ("recovered", "admitted", "died", "lost") and ends its assignments. A death
  // schedules a debrief task for every volunteer who took the case.
  Status SetOutcome(const Actor& actor, std::int64_t case_id, const std::string& outcome,
                    const std::string& note);
  // Coordinators may raise a case's exposure level above what its state implies.
  Status RaiseExposure(const Actor& actor, std::int64_t case_id, int level,
                       const std::string& reason);

  // --- Volunteers (volunteers.cc, shifts.cc) ---
  Result<ApplicationRecord> SubmitApplication(const Actor& actor,
                                              const VolunteerApplication& application);
  Result<std::vector<ApplicationRecord>> ListApplications(const Actor& actor,
                                                          const std::optional<std::string>& status);
  Result<ApplicationRecord> GetApplication(const Actor& actor, std::int64_t application_id);
  // Creates the volunteer's account with the role applied for. FailedPrecondition
  // "error.clinic.clinical_requirement" (field "override_reason") when a doctor or nurse lacks
  // the required practice and no override reason is given.
  Result<VolunteerRecord> ApproveApplication(const Actor& actor, std::int64_t application_id,
                                             const ApprovalDecision& decision);
  Result<ApplicationRecord> RejectApplication(const Actor& actor, std::int64_t application_id,
                                              const std::string& reason);
  Result<std::vector<VolunteerRecord>> ListVolunteers(const Actor& actor);
  Result<VolunteerRecord> GetVolunteer(const Actor& actor, std::int64_t user_id);
  // Readiness goes up one level at a time; it may be lowered to any level.
  Result<VolunteerRecord> SetReadiness(const Actor& actor, std::int64_t user_id, int level,
                                       const std::string& reason);
  // The volunteer themselves or a coordinator/admin.
  Result<VolunteerRecord> SetCapacity(const Actor& actor, std::int64_t user_id,
                                      std::int64_t capacity);
  Result<std::vector<Shift>> ListShifts(const Actor& actor, std::int64_t user_id);
  Result<Shift> AddShift(const Actor& actor, std::int64_t user_id, const NewShift& shift);
  Status RemoveShift(const Actor& actor, std::int64_t shift_id);

  // --- Matching (assignments.cc) ---
  // Volunteers whose role fits the tier, readiness covers the exposure, with spare capacity and
  // on shift now; most spare capacity first, then highest readiness.
  Result<std::vector<AssigneeSuggestion>> SuggestAssignees(const Actor& actor,
                                                           std::int64_t case_id);
  // A coordinator offers the case to a volunteer. FailedPrecondition
  // "error.clinic.readiness_too_low" if the case's exposure is above their readiness, whoever
  // asks; "error.clinic.volunteer_at_capacity" when they are full.
  Result<Assignment> OfferCase(const Actor& actor, std::int64_t case_id, std::int64_t volunteer_id);
  Result<Assignment> AcceptAssignment(const Actor& actor, std::int64_t assignment_id);
  // Declining an offer or stepping back from a case needs no reason; a note is kept if given.
  Result<Assignment> DeclineAssignment(const Actor& actor, std::int64_t assignment_id,
                                       const std::string& note);
  Result<Assignment> StepBack(const Actor& actor, std::int64_t assignment_id,
                              const std::string& note);
  // The cases offered to or taken by the caller.
  Result<std::vector<MyCase>> MyCases(const Actor& actor);

  // The family's phone number, to call them back. Only for those who may read the case (an
  // angel only for a case offered to or taken by them); every reveal is audited with its reason,
  // which is required.
  Result<std::string> RevealContact(const Actor& actor, std::int64_t case_id,
                                    const std::string& reason);

  const ClinicOptions& options() const { return options_; }

 private:
  Result<IntakeResult> Intake(const Actor& actor, const NewHelpRequest& request,
                              const std::string& channel);
  Result<Assignment> RespondToAssignment(const Actor& actor, std::int64_t assignment_id,
                                         const std::string& response, const std::string& note);
  UnixMillis Now() const { return options_.clock(); }

  Database& database_;
  AccountService& accounts_;
  const std::string pseudonym_key_;
  const ClinicOptions options_;
};

}  // namespace lifeline
