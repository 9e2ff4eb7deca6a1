// Writes a synthetic surge day into the clinic through ClinicService (see clinic_seed.h): the
// roster, then the requests in time order with the care that followed them.

#include "services/clinic/clinic_seed.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <thread>
#include <utility>

#include "core/crypto.h"
#include "core/i18n.h"
#include "services/clinic/clinic_seed_internal.h"

namespace lifeline::clinic_seed {
namespace {

constexpr std::size_t kPasswordBytes = 24;
constexpr unsigned kMaxHashingThreads = 4;
// The last roster entries apply but wait for review, so the volunteer page has work.
constexpr std::size_t kPendingApplications = 2;
constexpr std::int64_t kAngelCapacity = 8;  // follow-up calls are short
constexpr std::int64_t kDemoCapacity = 8;
constexpr int kExperiencedYears = 5;  // clinicians with this much practice take grave cases
constexpr int kPractisingYears = 2;   // and with this much, distressed families
constexpr std::size_t kUsernameDigits = 3;
constexpr UnixMillis kApplicationsBeforeDay = 36 * kMillisPerHour;
constexpr UnixMillis kApprovalsBeforeDay = 12 * kMillisPerHour;
constexpr UnixMillis kDemoShiftLength = 7 * kMillisPerDay;
constexpr int kDaysPerWeek = 7;
constexpr int kMinutesPerHour = 60;
constexpr std::int64_t kProgressEvery = 100;

// Demo accounts are volunteers too; they need the fields a real application carries.
constexpr std::string_view kDemoPhonePrefix = "139002700";  // 027: Wuhan's area code
constexpr std::string_view kDemoLicencePrefix = "1420100000000";
constexpr std::string_view kDemoHospital = "武汉市第一医院";
constexpr std::string_view kDemoDepartment = "respiratory";
constexpr std::int64_t kDemoYearsPractice = 10;
constexpr std::size_t kDemoNumberBase = 10;  // demo phones and licences end in two digits

constexpr std::string_view kStudentOverride = "医学生或新毕业，在上级医生带教下接听和随访。";
constexpr std::string_view kDepartmentOverride =
    "非呼吸、感染相关科室，已完成新冠肺炎诊疗方案培训，由呼吸科医生带教。";
constexpr std::string_view kReadinessRaised = "完成首批随访，带教老师评估后上调。";

constexpr std::array<Role, 1> kAngels = {Role::kAngel};
constexpr std::array<Role, 4> kVolunteerRoles = {Role::kDoctor, Role::kNurse, Role::kAngel,
                                                 Role::kCounsellor};

std::string ClockText(int minute_of_day) {
  const int hours = minute_of_day / kMinutesPerHour;
  const int minutes = minute_of_day % kMinutesPerHour;
  std::string text;
  text.push_back(static_cast<char>('0' + hours / 10));
  text.push_back(static_cast<char>('0' + hours % 10));
  text.push_back(':');
  text.push_back(static_cast<char>('0' + minutes / 10));
  text.push_back(static_cast<char>('0' + minutes % 10));
  return text;
}

std::string Padded(std::size_t number) {
  std::string text = std::to_string(number);
  while (text.size() < kUsernameDigits) text.insert(text.begin(), '0');
  return text;
}

// Readiness as a coordinator would set it at approval: medical staff and experienced
// counsellors may take grave cases; new volunteers start at the lowest level.
int ReadinessAtApproval(Role role, int years_practice, std::size_t turn) {
  switch (role) {
    case Role::kDoctor:
    case Role::kNurse:
      if (years_practice >= kExperiencedYears) return kExposureGrave;
      return years_practice >= kPractisingYears ? kExposureDistress : kMinReadiness;
    case Role::kCounsellor:
      return turn % 2 == 0 ? kExposureGrave : kExposureDistress;
    default:
      return kMinReadiness;
  }
}

ClinicOptions ClinicOptionsOn(const std::atomic<UnixMillis>& now) {
  ClinicOptions options;
  options.clock = [&now] { return now.load(); };
  return options;
}

}  // namespace

// One volunteer's application and what the coordinator will decide about it.
struct Applicant {
  VolunteerApplication application;
  Staff staff;
  std::optional<std::int64_t> capacity;
  bool demo = false;
  bool pending = false;
  std::int64_t application_id = 0;  // 0 when the username was taken
  bool meets_clinical_requirement = true;
};

std::string LocalDate(UnixMillis instant) {
  return lifeline::LocalDate(instant, scenario::kSurgeUtcOffsetMinutes);
}

ObservationInput ObservationFrom(const scenario::ReportedVitals& vitals) {
  ObservationInput observation;
  observation.spo2 = vitals.spo2;
  observation.on_oxygen = vitals.on_oxygen;
  observation.resp_rate = vitals.resp_rate;
  observation.heart_rate = vitals.heart_rate;
  observation.temperature_c = vitals.temperature_c;
  observation.systolic_bp = vitals.systolic_bp;
  if (!vitals.consciousness.empty()) observation.consciousness = vitals.consciousness;
  observation.pneumonia_on_imaging = vitals.pneumonia_on_imaging;
  observation.shock = vitals.shock;
  observation.ards = vitals.ards;
  observation.organ_failure_icu = vitals.organ_failure_icu;
  observation.fever_days = vitals.fever_days;
  observation.laboured_breathing = vitals.laboured_breathing;
  observation.drowsiness_or_convulsions = vitals.drowsiness_or_convulsions;
  observation.symptoms = vitals.symptoms;
  return observation;
}

Actor PublicActor() { return Actor{0, "public", Role::kAngel, std::string(kSeedRequestId)}; }

Actor ActorFor(const Staff& staff) {
  return Actor{staff.user_id, staff.username, staff.role, std::string(kSeedRequestId)};
}

DaySeeder::DaySeeder(Database& database, AccountService& accounts, const std::string& pseudonym_key,
                     const ClinicSeedOptions& options)
    : database_(database),
      options_(options),
      city_(scenario::GenerateScenario({.seed = options.seed,
                                        .residents = options.residents,
                                        .volunteers = options.volunteers})),
      day_(scenario::GenerateClinicDay(
          {.seed = options.seed, .requests = options.requests, .roster = options.roster},
          city_.residents, city_.volunteers)),
      offset_((options.ends_at != 0 ? options.ends_at : NowMillis()) - day_.ends_at),
      clinic_(database, accounts, pseudonym_key, ClinicOptionsOn(now_)),
      coordinator_{0, "cli", Role::kCoordinator, std::string(kSeedRequestId)} {}

void DaySeeder::Progress(ClinicSeedStage stage, std::int64_t done, std::int64_t total) const {
  if (options_.progress) options_.progress({stage, done, total});
}

std::vector<Applicant> DaySeeder::Applicants() const {
  std::vector<Applicant> applicants;
  for (std::size_t index = 0; index < options_.demo_volunteers.size(); ++index) {
    const NewUser& user = options_.demo_volunteers[index];
    if (std::find(kVolunteerRoles.begin(), kVolunteerRoles.end(), user.role) ==
        kVolunteerRoles.end()) {
      continue;
    }
    const bool clinical = user.role == Role::kDoctor || user.role == Role::kNurse;
    Applicant applicant;
    applicant.demo = true;
    applicant.capacity = kDemoCapacity;
    applicant.application = {
        .display_name = user.display_name,
        .role = std::string(RoleName(user.role)),
        .phone = std::string(kDemoPhonePrefix) + std::to_string(kDemoNumberBase + index),
        .licence_number =
            clinical ? std::string(kDemoLicencePrefix) + std::to_string(kDemoNumberBase + index)
                     : "",
        .hospital = clinical ? std::string(kDemoHospital) : "",
        .department = clinical ? std::string(kDemoDepartment) : "",
        .years_practice = clinical ? kDemoYearsPractice : 0,
        .username = user.username,
        .password = user.password,
        .locale = user.locale};
    applicant.staff = {0, user.username, user.role, kMaxReadiness, true, 0, 0};
    applicants.push_back(std::move(applicant));
  }
  std::size_t counsellors = 0;
  for (std::size_t index = 0; index < day_.roster.size(); ++index) {
    const scenario::RosterEntry& entry = day_.roster[index];
    const scenario::Volunteer& volunteer = city_.volunteers[entry.volunteer];
    const std::string role(RoleName(volunteer.role));
    Applicant applicant;
    applicant.pending = index + kPendingApplications >= day_.roster.size();
    if (volunteer.role == Role::kAngel) applicant.capacity = kAngelCapacity;
    applicant.application = {.display_name = volunteer.display_name,
                             .role = role,
                             .phone = volunteer.phone,
                             .licence_number = entry.licence_number,
                             .hospital = volunteer.hospital,
                             .department = volunteer.department,
                             .years_practice = volunteer.years_practice,
                             .username = role + "-" + Padded(index + 1),
                             .password = RandomHex(kPasswordBytes),
                             .locale = std::string(kLocaleZh)};
    const std::size_t turn = volunteer.role == Role::kCounsellor ? counsellors++ : index;
    applicant.staff = {0,
                       applicant.application.username,
                       volunteer.role,
                       ReadinessAtApproval(volunteer.role, volunteer.years_practice, turn),
                       false,
                       entry.shift_start_minute,
                       entry.shift_end_minute};
    applicants.push_back(std::move(applicant));
  }
  return applicants;
}

// Argon2id makes each application slow: they are submitted on several threads. Approval
// follows one at a time in roster order, so account ids do not depend on the threads.
Status DaySeeder::SubmitApplications(std::vector<Applicant>& applicants) {
  now_ = Real(day_.starts_at) - kApplicationsBeforeDay;
  std::vector<Status> failures(applicants.size(), Status::Ok());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t index = next++; index < applicants.size(); index = next++) {
      Applicant& applicant = applicants[index];
      Result<ApplicationRecord> applied =
          clinic_.SubmitApplication(PublicActor(), applicant.application);
      if (applied.ok()) {
        applicant.application_id = applied->id;
        applicant.meets_clinical_requirement = applied->meets_clinical_requirement;
      } else if (applied.status().code() != ErrorCode::kAlreadyExists) {
        failures[index] = applied.status();
      }
    }
  };
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, kMaxHashingThreads);
  std::vector<std::thread> workers;
  for (unsigned thread = 1; thread < threads; ++thread) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
  for (const Status& failure : failures) RETURN_IF_ERROR(failure);
  return Status::Ok();
}

Status DaySeeder::AddShifts(const Staff& staff) {
  if (staff.always_on) {
    const UnixMillis start = Real(day_.starts_at);
    return clinic_
        .AddShift(coordinator_, staff.user_id,
                  {.kind = "once", .starts_at = start, .ends_at = start + kDemoShiftLength})
        .status();
  }
  for (std::int64_t weekday = 1; weekday <= kDaysPerWeek; ++weekday) {
    RETURN_IF_ERROR(clinic_
                        .AddShift(coordinator_, staff.user_id,
                                  {.kind = "weekly",
                                   .weekday = weekday,
                                   .start = ClockText(staff.shift_start_minute),
                                   .end = ClockText(staff.shift_end_minute)})
                        .status());
  }
  return Status::Ok();
}

Status DaySeeder::EnrolVolunteers() {
  std::vector<Applicant> applicants = Applicants();
  RETURN_IF_ERROR(SubmitApplications(applicants));
  std::size_t angels = 0;
  for (std::size_t index = 0; index < applicants.size(); ++index) {
    Applicant& applicant = applicants[index];
    if (applicant.application_id == 0) continue;
    if (applicant.pending) {
      ++report_.pending_applications;
      continue;
    }
    now_ = Real(day_.starts_at) - kApprovalsBeforeDay +
           static_cast<UnixMillis>(index) * kMillisPerMinute;
    ApprovalDecision decision{.readiness = applicant.staff.readiness,
                              .capacity = applicant.capacity};
    if (!applicant.meets_clinical_requirement) {
      decision.override_reason =
          applicant.application.years_practice < clinic_.options().min_clinical_years
              ? std::string(kStudentOverride)
              : std::string(kDepartmentOverride);
    }
    ASSIGN_OR_RETURN(const VolunteerRecord approved,
                     clinic_.ApproveApplication(coordinator_, applicant.application_id, decision));
    applicant.staff.user_id = approved.user_id;
    RETURN_IF_ERROR(AddShifts(applicant.staff));
    // Every other angel has done a first round of calls and is trusted with distress.
    if (applicant.staff.role == Role::kAngel && !applicant.demo && angels++ % 2 == 1) {
      ++applicant.staff.readiness;
      RETURN_IF_ERROR(clinic_
                          .SetReadiness(coordinator_, approved.user_id, applicant.staff.readiness,
                                        std::string(kReadinessRaised))
                          .status());
    }
    if (applicant.demo) report_.demo_volunteers.push_back(applicant.staff.username);
    staff_.push_back(applicant.staff);
    ++report_.volunteers;
  }
  Progress(ClinicSeedStage::kVolunteers, report_.volunteers,
           report_.volunteers + report_.pending_applications);
  return Status::Ok();
}

Status DaySeeder::WriteRequests() {
  ScheduleOutcomes();
  first_call_at_.assign(day_.patients.size(), 0);
  const auto total = static_cast<std::int64_t>(day_.requests.size());
  for (std::size_t index = 0; index < day_.requests.size(); ++index) {
    const scenario::SurgeRequest& request = day_.requests[index];
    RETURN_IF_ERROR(RunEventsUntil(Real(request.at)));
    now_ = Real(request.at);
    if (first_call_at_[request.patient] == 0) first_call_at_[request.patient] = now_;
    const NewHelpRequest help = HelpRequestFor(request);
    Result<IntakeResult> intake = IntakeResult{};
    if (request.channel == scenario::IntakeChannel::kHotline) {
      const Staff* angel = PickStaff(kAngels, kMinReadiness, index);
      intake = clinic_.SubmitHotlineRequest(angel ? ActorFor(*angel) : coordinator_, help);
    } else {
      intake = clinic_.SubmitPublicRequest(PublicActor(), help);
    }
    // The generator writes only valid requests: a refusal here is a bug, not bad luck.
    if (!intake.ok()) return intake.status();
    ++report_.requests;
    if (intake->duplicate) {
      ++report_.duplicates;
      if (auto found = cases_.find(intake->case_id); found != cases_.end()) {
        found->second.tier = intake->status.tier;
        found->second.severity = std::max(intake->triage.nhc_severity, intake->triage.who_severity);
        RETURN_IF_ERROR(Reconsider(intake->case_id));
      }
    } else {
      ++report_.cases;
      cases_[intake->case_id] = {
          .id = intake->case_id,
          .tier = intake->status.tier,
          .severity = std::max(intake->triage.nhc_severity, intake->triage.who_severity),
          .created_at = now_};
      PlanCare(index, request, *intake);
    }
    if ((index + 1) % kProgressEvery == 0 || index + 1 == day_.requests.size()) {
      Progress(ClinicSeedStage::kRequests, static_cast<std::int64_t>(index + 1), total);
    }
  }
  // What would have happened after the day's end has not happened yet.
  return RunEventsUntil(Real(day_.ends_at));
}

NewHelpRequest DaySeeder::HelpRequestFor(const scenario::SurgeRequest& request) const {
  const scenario::SurgePatient& patient = day_.patients[request.patient];
  NewHelpRequest help;
  if (patient.age_months) {
    help.age_months = *patient.age_months;
  } else {
    help.age_years = patient.age_years;
  }
  help.sex = std::string(scenario::SexName(patient.sex));
  if (patient.pregnancy_weeks) help.pregnancy_weeks = *patient.pregnancy_weeks;
  help.district_code = patient.district_code;
  help.street = patient.street;
  help.phone = patient.phone;
  help.onset_date =
      LocalDate(first_call_at_[request.patient] - patient.onset_days_before * kMillisPerDay);
  help.comorbidities = patient.comorbidities;
  help.pcr = patient.pcr;
  help.needs = request.needs;
  help.consent = true;
  help.observation = ObservationFrom(request.vitals);
  return help;
}

Status DaySeeder::Summarise() {
  now_ = Real(day_.ends_at);
  ASSIGN_OR_RETURN(const std::vector<TierQueue> board, clinic_.Board(coordinator_));
  for (const TierQueue& queue : board) {
    report_.open_by_tier[std::string(triage::TierName(queue.tier))] =
        static_cast<std::int64_t>(queue.cases.size());
    report_.overdue += queue.overdue;
  }
  return Status::Ok();
}

Result<ClinicSeedReport> DaySeeder::Run() {
  ASSIGN_OR_RETURN(const QueryResult existing,
                   database_.Query("SELECT COUNT(*) FROM clinic_cases"));
  if (existing.rows.at(0).Int(0) > 0) {
    report_.skipped = true;
    return report_;
  }
  Progress(ClinicSeedStage::kStarting, 0, static_cast<std::int64_t>(day_.requests.size()));
  RETURN_IF_ERROR(EnrolVolunteers());
  RETURN_IF_ERROR(WriteRequests());
  RETURN_IF_ERROR(Summarise());
  return report_;
}

}  // namespace lifeline::clinic_seed

namespace lifeline {

Result<ClinicSeedReport> SeedClinicDay(Database& database, AccountService& accounts,
                                       const std::string& pseudonym_key,
                                       const ClinicSeedOptions& options) {
  clinic_seed::DaySeeder seeder(database, accounts, pseudonym_key, options);
  return seeder.Run();
}

}  // namespace lifeline
