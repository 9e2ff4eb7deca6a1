// The day's outcomes near its end: one death of a patient a clinician had taken (so a debrief
// follows), admissions, a recovery, a family lost to follow-up; and the demo accounts' own
// cases, one taken and one offered (see clinic_seed.h).

#include <algorithm>

#include "services/clinic/clinic_seed_internal.h"

namespace lifeline::clinic_seed {
namespace {

// Outcomes come near the day's end, this many minutes before it.
constexpr UnixMillis kDeathPreparedBefore = 110 * kMillisPerMinute;
constexpr UnixMillis kDeathBefore = 80 * kMillisPerMinute;
constexpr UnixMillis kFirstAdmissionBefore = 60 * kMillisPerMinute;
constexpr UnixMillis kSecondAdmissionBefore = 45 * kMillisPerMinute;
constexpr UnixMillis kRecoveryBefore = 30 * kMillisPerMinute;
constexpr UnixMillis kLostBefore = 20 * kMillisPerMinute;
constexpr UnixMillis kDemoHandOverBefore = 10 * kMillisPerMinute;
constexpr int kDemoCasesEach = 2;

constexpr std::string_view kDeathNote = "家属来电：患者已在家中离世。已致电慰问，转介哀伤辅导。";
constexpr std::string_view kRecoveredNote =
    "复诊：体温正常，无气促，按居家隔离指导继续观察，结案。";
constexpr std::string_view kLostNote = "三次回拨均无人接听，短信留言后失联。";

// Whether the clinic would suggest `role` for a case in `tier` (ClinicService matches by role:
// clinicians outside life care, angels for follow-up calls, counsellors in life care). Only a
// shortcut: SuggestAssignees still decides.
bool MayTake(Role role, Tier tier) {
  switch (role) {
    case Role::kDoctor:
    case Role::kNurse:
      return tier != Tier::kLifeCare;
    case Role::kAngel:
      return tier == Tier::kOutpatient || tier == Tier::kWard;
    case Role::kCounsellor:
      return tier == Tier::kLifeCare;
    default:
      return false;
  }
}

}  // namespace

// The patient who dies had a clinician by their side, so the death leaves a debrief behind.
Status DaySeeder::PrepareDeath() {
  // A death makes the case grave: everyone on it must be ready for that.
  const auto all_ready = [](const SeededCase& seeded) {
    return std::all_of(
        seeded.assignments.begin(), seeded.assignments.end(),
        [](const OpenAssignment& open) { return open.volunteer.readiness >= kMaxReadiness; });
  };
  for (const auto& [id, seeded] : cases_) {
    if (!seeded.closed && seeded.tier == Tier::kIcu && seeded.carer &&
        IsClinician(seeded.carer->role) && all_ready(seeded)) {
      death_case_ = id;
      return Status::Ok();
    }
  }
  for (auto& [id, seeded] : cases_) {
    if (seeded.closed || seeded.tier != Tier::kIcu || !seeded.assignments.empty()) continue;
    for (const Staff& staff : staff_) {
      if (!IsClinician(staff.role) || staff.readiness < kMaxReadiness) continue;
      Result<Assignment> offered = clinic_.OfferCase(coordinator_, id, staff.user_id);
      if (!offered.ok() && IsRefusal(offered.status())) continue;
      RETURN_IF_ERROR(offered.status());
      ++report_.offers;
      RETURN_IF_ERROR(clinic_.AcceptAssignment(ActorFor(staff), offered->id).status());
      ++report_.accepted;
      seeded.assignments.push_back({offered->id, staff, true});
      seeded.carer = staff;
      death_case_ = id;
      return Status::Ok();
    }
  }
  return Status::Ok();  // no open ICU case or nobody ready: a day without a death
}

Status DaySeeder::Close(std::int64_t case_id, std::string_view outcome, std::string_view note) {
  SeededCase& seeded = cases_.at(case_id);
  if (seeded.closed) return Status::Ok();
  const Staff* author = seeded.carer && IsClinician(seeded.carer->role)
                            ? &*seeded.carer
                            : PickStaff(kDoctors, kMinReadiness, static_cast<std::size_t>(case_id));
  RETURN_IF_ERROR(clinic_.SetOutcome(author ? ActorFor(*author) : coordinator_, case_id,
                                     std::string(outcome), std::string(note)));
  seeded.closed = true;
  seeded.assignments.clear();
  ++report_.outcomes;
  if (outcome == CaseOutcomeName(CaseOutcome::kDied)) ++report_.deaths;
  return Status::Ok();
}

Status DaySeeder::CloseOldest(std::initializer_list<Tier> tiers, std::string_view outcome,
                              std::string_view note) {
  for (const auto& [id, seeded] : cases_) {
    if (seeded.closed || id == death_case_) continue;
    if (std::find(tiers.begin(), tiers.end(), seeded.tier) == tiers.end()) continue;
    return Close(id, outcome, note);
  }
  return Status::Ok();
}

// Each demo account gets the newest cases the clinic would suggest them for: one taken, one
// offered and waiting, so whoever tries the demo finds work in "My cases" and can accept it.
Status DaySeeder::HandOverToDemo() {
  for (const Staff& staff : staff_) {
    if (!staff.always_on) continue;
    int given = 0;
    for (auto entry = cases_.rbegin(); entry != cases_.rend() && given < kDemoCasesEach; ++entry) {
      SeededCase& seeded = entry->second;
      if (seeded.closed || !MayTake(staff.role, seeded.tier)) continue;
      ASSIGN_OR_RETURN(const std::vector<AssigneeSuggestion> suggestions,
                       clinic_.SuggestAssignees(coordinator_, seeded.id));
      const bool suggested = std::any_of(suggestions.begin(), suggestions.end(),
                                         [&](const AssigneeSuggestion& suggestion) {
                                           return suggestion.volunteer.user_id == staff.user_id;
                                         });
      if (!suggested) continue;
      ASSIGN_OR_RETURN(const Assignment offered,
                       clinic_.OfferCase(coordinator_, seeded.id, staff.user_id));
      ++report_.offers;
      const bool take = given++ == 0;
      if (take) {
        RETURN_IF_ERROR(clinic_.AcceptAssignment(ActorFor(staff), offered.id).status());
        ++report_.accepted;
        if (!seeded.carer) seeded.carer = staff;
      }
      seeded.assignments.push_back({offered.id, staff, take});
    }
  }
  return Status::Ok();
}

void DaySeeder::ScheduleOutcomes() {
  const UnixMillis end = Real(day_.ends_at);
  Schedule(end - kDeathPreparedBefore, [this] { return PrepareDeath(); });
  Schedule(end - kDeathBefore, [this] {
    return death_case_ == 0 ? Status::Ok()
                            : Close(death_case_, CaseOutcomeName(CaseOutcome::kDied), kDeathNote);
  });
  for (const UnixMillis before : {kFirstAdmissionBefore, kSecondAdmissionBefore}) {
    Schedule(end - before, [this] {
      return CloseOldest({Tier::kWard, Tier::kIcu}, CaseOutcomeName(CaseOutcome::kAdmitted),
                         kAdmittedNote);
    });
  }
  Schedule(end - kRecoveryBefore, [this] {
    return CloseOldest({Tier::kOutpatient}, CaseOutcomeName(CaseOutcome::kRecovered),
                       kRecoveredNote);
  });
  Schedule(end - kDemoHandOverBefore, [this] { return HandOverToDemo(); });
  Schedule(end - kLostBefore, [this] {
    return CloseOldest({Tier::kTriageDesk, Tier::kOutpatient}, CaseOutcomeName(CaseOutcome::kLost),
                       kLostNote);
  });
}

}  // namespace lifeline::clinic_seed
