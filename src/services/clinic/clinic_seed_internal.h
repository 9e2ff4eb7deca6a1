#pragma once

// The machinery behind SeedClinicDay, shared by clinic_seed.cc (the roster and the requests),
// clinic_seed_care.cc (what the clinic did about them) and clinic_seed_outcomes.cc (how some
// cases ended). Not part of any interface.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <queue>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "engines/scenario/clinic_day.h"
#include "engines/scenario/scenario.h"
#include "services/clinic/clinic_seed.h"
#include "services/clinic/clinic_service.h"
#include "store/database.h"

namespace lifeline::clinic_seed {

// Ties every audit row of the seeding together.
constexpr std::string_view kSeedRequestId = "seed-clinic-day";
constexpr std::array<Role, 2> kClinicians = {Role::kDoctor, Role::kNurse};
constexpr std::array<Role, 1> kDoctors = {Role::kDoctor};
// A bed was found, or 120 came: during the day and at its end.
constexpr std::string_view kAdmittedNote = "社区协调到定点医院床位，患者已收治入院。";

inline bool IsClinician(Role role) { return role == Role::kDoctor || role == Role::kNurse; }

// The clinic turning a step down (a volunteer at capacity, a case closed meanwhile) is part of
// a busy day; anything else is a real failure.
inline bool IsRefusal(const Status& status) {
  return status.code() == ErrorCode::kFailedPrecondition ||
         status.code() == ErrorCode::kAlreadyExists;
}

// A volunteer enrolled for the day and when they are on duty.
struct Staff {
  std::int64_t user_id = 0;
  std::string username;
  Role role = Role::kAngel;
  int readiness = kMinReadiness;
  bool always_on = false;      // the demo accounts
  int shift_start_minute = 0;  // otherwise a daily shift in the clinic's local time
  int shift_end_minute = 0;    // before the start when it runs past midnight
};

// An offer not yet answered, or a case taken and not yet left.
struct OpenAssignment {
  std::int64_t id = 0;
  Staff volunteer;
  bool accepted = false;
};

// A case the day created, as far as the seeding follows it.
struct SeededCase {
  std::int64_t id = 0;
  Tier tier = Tier::kTriageDesk;
  Severity severity = Severity::kMild;  // the graver of NHC and WHO, as last triaged
  UnixMillis created_at = 0;
  std::optional<Staff> carer = std::nullopt;  // the first volunteer who took it and stayed
  std::vector<OpenAssignment> assignments = {};
  bool closed = false;
};

// Something a volunteer or the coordinator does at a simulated time.
struct CareEvent {
  UnixMillis at = 0;
  std::uint64_t order = 0;  // events at the same time run in the order they were planned
  std::function<Status()> run;
};

struct LaterEvent {
  bool operator()(const CareEvent& a, const CareEvent& b) const {
    return a.at != b.at ? a.at > b.at : a.order > b.order;
  }
};

struct Applicant;

// "2020-01-30": the date of `instant` in the clinic's local time.
std::string LocalDate(UnixMillis instant);
ObservationInput ObservationFrom(const scenario::ReportedVitals& vitals);
// As the HTTP face names a caller without an account.
Actor PublicActor();
Actor ActorFor(const Staff& staff);

// One seeding run. Owns the clinic service it writes through, on a clock it moves; not
// thread-safe (only the application step uses threads, inside one call).
class DaySeeder {
 public:
  DaySeeder(Database& database, AccountService& accounts, const std::string& pseudonym_key,
            const ClinicSeedOptions& options);
  DaySeeder(const DaySeeder&) = delete;
  DaySeeder& operator=(const DaySeeder&) = delete;

  Result<ClinicSeedReport> Run();

 private:
  // clinic_seed.cc
  std::vector<Applicant> Applicants() const;
  Status SubmitApplications(std::vector<Applicant>& applicants);
  Status AddShifts(const Staff& staff);
  Status EnrolVolunteers();
  Status WriteRequests();
  NewHelpRequest HelpRequestFor(const scenario::SurgeRequest& request) const;
  Status Summarise();

  // clinic_seed_care.cc
  void PlanCare(std::size_t request_index, const scenario::SurgeRequest& request,
                const IntakeResult& intake);
  void Schedule(UnixMillis at, std::function<Status()> run);
  Status RunEventsUntil(UnixMillis until);
  Status Offer(std::int64_t case_id, std::size_t pick, bool accept, UnixMillis respond_after);
  Status Respond(std::int64_t case_id, const Assignment& assignment, const Staff& volunteer,
                 bool accept);
  Status Note(std::int64_t case_id, std::size_t pick, bool first);
  Status FirstContact(std::int64_t case_id, std::size_t pick, bool hand_over);
  Status Round(std::int64_t case_id, int round);
  Status CallBack(std::int64_t case_id, const scenario::ReportedVitals& reading);
  Status Reconsider(std::int64_t case_id);
  Status FollowUpTask(std::int64_t case_id, std::string_view text, UnixMillis due_at);
  const Staff* PickStaff(std::span<const Role> roles, int min_readiness, std::size_t pick) const;
  const Staff* FindStaff(std::int64_t user_id) const;
  // clinic_seed_outcomes.cc
  void ScheduleOutcomes();
  Status PrepareDeath();
  Status HandOverToDemo();
  Status Close(std::int64_t case_id, std::string_view outcome, std::string_view note);
  Status CloseOldest(std::initializer_list<Tier> tiers, std::string_view outcome,
                     std::string_view note);

  void Progress(ClinicSeedStage stage, std::int64_t done, std::int64_t total) const;
  UnixMillis Real(UnixMillis simulated) const { return simulated + offset_; }

  Database& database_;
  const ClinicSeedOptions& options_;
  const scenario::Scenario city_;
  const scenario::ClinicDay day_;
  const UnixMillis offset_;         // from the historical day to its replay
  std::atomic<UnixMillis> now_{0};  // the clinic's clock; the hashing threads read it too
  ClinicService clinic_;
  const Actor coordinator_;
  std::vector<Staff> staff_;
  std::map<std::int64_t, SeededCase> cases_;
  std::vector<UnixMillis> first_call_at_;  // by patient
  std::priority_queue<CareEvent, std::vector<CareEvent>, LaterEvent> events_;
  std::uint64_t planned_ = 0;
  std::int64_t death_case_ = 0;
  ClinicSeedReport report_;
};

}  // namespace lifeline::clinic_seed
