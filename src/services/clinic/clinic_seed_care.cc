// What the clinic did about the day's requests: call-backs with new readings, first contacts
// and later rounds (notes), the ICU group handing severe patients waiting for a bed to the ward
// group, cases offered within readiness and accepted or declined, follow-up tasks (see
// clinic_seed.h). The day's outcomes are in clinic_seed_outcomes.cc.

#include <algorithm>
#include <array>
#include <span>
#include <utility>

#include "engines/scenario/random.h"
#include "services/clinic/clinic_seed_internal.h"

namespace lifeline::clinic_seed {
namespace {

constexpr std::uint64_t kCareStream = 21;   // one per request, after the scenario's streams
constexpr std::uint64_t kRoundStream = 22;  // one per case and round
constexpr std::uint64_t kMaxRounds = 64;    // a day has fewer calls than this per case
constexpr int kLocalOffsetMinutes = scenario::kSurgeUtcOffsetMinutes;
// Notes are picked from their list by a draw in this range, fixed when the care is planned.
constexpr std::uint64_t kNotePickRange = 1000;

// How likely each kind of care is and when it comes, in minutes after intake, by tier in
// triage::Tier order. A first contact is a clinician's call (a note); rounds repeat it while
// the case stays open. The gravest were reached first; in the surge many still waited.
struct CareOdds {
  int contact_per_mille;
  int contact_after_min;
  int contact_after_max;
  int round_every_min;  // 0: no rounds
  int round_every_max;
  int offer_per_mille;
  int offer_after_min;
  int offer_after_max;
  int task_per_mille;
  int admitted_per_mille;  // a bed found, or 120 came, later that day
};
constexpr std::array<CareOdds, 5> kCareOdds = {{
    {900, 5, 45, 30, 90, 0, 0, 0, 400, 0},          // triage desk: call back for readings
    {700, 20, 300, 360, 720, 250, 30, 240, 0, 0},   // outpatient: advice, an angel follows
    {850, 10, 90, 60, 150, 400, 20, 120, 300, 80},  // ward: daily follow-up
    {950, 3, 40, 60, 120, 450, 10, 50, 0, 200},     // ICU group
    {800, 20, 150, 240, 480, 600, 20, 120, 0, 0},   // life care: a counsellor
}};
// Severe patients the ICU group has assessed (120 called, bed search started) wait for a bed
// under the ward group's daily follow-up; critical ones stay.
constexpr int kHandOverPerMille = 600;
constexpr int kAdmittedAfterMinHours = 2;
constexpr int kAdmittedAfterMaxHours = 10;
constexpr int kCallBackPerMille = 650;
constexpr int kCallBackAfterMin = 30;
constexpr int kCallBackAfterMax = 180;
constexpr int kAcceptPerMille = 880;  // the rest decline: they may, without a reason
constexpr int kRespondAfterMin = 3;
constexpr int kRespondAfterMax = 20;
constexpr std::uint64_t kSuggestionsConsidered = 3;  // the coordinator picks among the first
constexpr int kWardTaskDueMinHours = 12;
constexpr int kWardTaskDueMaxHours = 20;
constexpr UnixMillis kTriageTaskDue = 2 * kMillisPerHour;

// What volunteers wrote, in Chinese as they would have.
constexpr std::string_view kTriageDeskNotes[] = {
    "已回电，家属没有血氧仪，指导数呼吸次数，并联系邻居借用指夹式血氧仪。",
    "信息不全，第一次回拨未接通，稍后再拨。",
};
constexpr std::string_view kOutpatientNotes[] = {
    "轻症，已发送居家隔离指南，对症用药，三天后随访。",
    "发热两天，无气促，建议多饮水、每日测体温，症状加重立即再联系。",
    "家属焦虑，已解释病情和隔离要点，留下心理援助热线。",
};
constexpr std::string_view kWardNotes[] = {
    "已回电，居家隔离，指导每四小时测体温和血氧，转入第二梯队每日随访。",
    "有基础病，暂无床位，已登记床位需求，明早复评。",
    "指导家属分室隔离、开窗通风，出现气促或血氧低于93%立即再联系。",
};
constexpr std::string_view kIcuNotes[] = {
    "已电话评估：气促明显，指导俯卧位，建议立即拨打120，并联系社区协调定点医院床位。",
    "家属诉血氧持续下降，已上报社区申请床位，先协调制氧机。",
    "家属诉患者不愿去医院，已解释风险，建议立即拨打120。",
    "建议立即前往就近发热门诊，途中保持电话畅通。",
};
constexpr std::string_view kLifeCareNotes[] = {
    "家属情绪低落，已进行第一次心理支持通话，约好明天再联系。",
    "家属希望在家陪伴老人，已讨论舒缓照护，安排心理援助志愿者跟进。",
};
// Later calls while the case stays open.
constexpr std::string_view kTriageDeskRounds[] = {
    "再次回拨：家属仍未借到血氧仪，已请社区网格员协助。",
    "回拨未接通，稍后再试。",
};
constexpr std::string_view kOutpatientRounds[] = {
    "随访：体温下降，精神好转，继续居家隔离。",
    "随访：仍有低热，嘱多饮水，如有气促立即联系。",
};
constexpr std::string_view kWardRounds[] = {
    "每日随访：体温仍有波动，无明显气促，继续居家观察。",
    "随访：咳嗽较前加重，提醒每四小时测血氧。",
    "随访：家属已按指导分室隔离，药物已送到。",
};
constexpr std::string_view kIcuRounds[] = {
    "回访：仍气促，床位仍在协调中，嘱家属保持电话畅通。",
    "回访：家属已拨打120，仍在排队等待派车。",
    "回访：社区送来制氧机，吸氧后血氧略有回升。",
    "回访：患者精神差，进食少，已再次上报社区。",
};
constexpr std::string_view kLifeCareRounds[] = {
    "第二次心理支持通话：家属情绪稍稳定。",
    "与家属约定每天傍晚通一次电话。",
};
constexpr std::string_view kAngelNotes[] = {
    "已电话随访：体温下降，精神尚可，提醒按时测血氧。",
    "家属说药已送到，明天同一时间再回访。",
};
constexpr std::string_view kDeclineNote = "今天已经接了几个重症，想先缓一缓。";
constexpr std::string_view kBeyondReadinessNote =
    "病情加重，超出我目前能承担的程度，请协调员改派。";
constexpr std::string_view kWardTask = "明早复测血氧和呼吸次数，回电登记。";
constexpr std::string_view kTriageTask = "两小时后回电，确认是否借到血氧仪。";
constexpr std::string_view kHandOverReason =
    "已告知家属拨打120并启动床位协调；等待床位期间转二线病房组每日随访。";

// A first call's note, or a later one's, by the author's role and the case's tier.
std::span<const std::string_view> NotesFor(Tier tier, Role author, bool first) {
  if (author == Role::kAngel) return kAngelNotes;
  switch (tier) {
    case Tier::kTriageDesk:
      return first ? std::span<const std::string_view>(kTriageDeskNotes)
                   : std::span<const std::string_view>(kTriageDeskRounds);
    case Tier::kOutpatient:
      return first ? std::span<const std::string_view>(kOutpatientNotes)
                   : std::span<const std::string_view>(kOutpatientRounds);
    case Tier::kWard:
      return first ? std::span<const std::string_view>(kWardNotes)
                   : std::span<const std::string_view>(kWardRounds);
    case Tier::kIcu:
      return first ? std::span<const std::string_view>(kIcuNotes)
                   : std::span<const std::string_view>(kIcuRounds);
    case Tier::kLifeCare:
      return first ? std::span<const std::string_view>(kLifeCareNotes)
                   : std::span<const std::string_view>(kLifeCareRounds);
  }
  return kOutpatientNotes;
}

constexpr std::array<Role, 1> kCounsellors = {Role::kCounsellor};

// Who writes the note when nobody has taken the case yet.
std::span<const Role> NoteAuthors(Tier tier) {
  if (tier == Tier::kIcu) return kDoctors;
  if (tier == Tier::kLifeCare) return kCounsellors;
  return kClinicians;
}

UnixMillis Minutes(scenario::Random& random, int low, int high) {
  return random.Between(low, high) * kMillisPerMinute;
}

bool OnShift(const Staff& staff, UnixMillis now) {
  if (staff.always_on) return true;
  const UnixMillis local = now + kLocalOffsetMinutes * kMillisPerMinute;
  const int minute = static_cast<int>(((local % kMillisPerDay) + kMillisPerDay) % kMillisPerDay /
                                      kMillisPerMinute);
  if (staff.shift_start_minute < staff.shift_end_minute) {
    return minute >= staff.shift_start_minute && minute < staff.shift_end_minute;
  }
  return minute >= staff.shift_start_minute || minute < staff.shift_end_minute;
}

}  // namespace

void DaySeeder::Schedule(UnixMillis at, std::function<Status()> run) {
  events_.push({at, planned_++, std::move(run)});
}

Status DaySeeder::RunEventsUntil(UnixMillis until) {
  while (!events_.empty() && events_.top().at <= until) {
    const CareEvent event = events_.top();
    events_.pop();
    now_ = event.at;
    const Status status = event.run();
    if (!status.ok() && !IsRefusal(status)) return status;
  }
  return Status::Ok();
}

const Staff* DaySeeder::PickStaff(std::span<const Role> roles, int min_readiness,
                                  std::size_t pick) const {
  // The demo's own accounts act only on cases the clinic gave them: the rest is the user's.
  std::vector<const Staff*> candidates;
  for (const Staff& staff : staff_) {
    if (staff.always_on) continue;
    const bool fits = std::find(roles.begin(), roles.end(), staff.role) != roles.end();
    if (fits && staff.readiness >= min_readiness && OnShift(staff, now_)) {
      candidates.push_back(&staff);
    }
  }
  return candidates.empty() ? nullptr : candidates[pick % candidates.size()];
}

const Staff* DaySeeder::FindStaff(std::int64_t user_id) const {
  for (const Staff& staff : staff_) {
    if (staff.user_id == user_id) return &staff;
  }
  return nullptr;
}

void DaySeeder::PlanCare(std::size_t request_index, const scenario::SurgeRequest& request,
                         const IntakeResult& intake) {
  scenario::Random random(scenario::StreamSeed(options_.seed, kCareStream, request_index));
  const std::int64_t case_id = intake.case_id;
  const Tier tier = intake.status.tier;
  const CareOdds& odds = kCareOdds[static_cast<std::size_t>(tier)];
  const UnixMillis at = now_;
  if (request.call_back && random.ChancePerMille(kCallBackPerMille)) {
    const scenario::ReportedVitals reading = *request.call_back;
    Schedule(at + Minutes(random, kCallBackAfterMin, kCallBackAfterMax),
             [this, case_id, reading] { return CallBack(case_id, reading); });
  }
  if (random.ChancePerMille(odds.contact_per_mille)) {
    const std::size_t pick = random.Below(kNotePickRange);
    const bool hand_over = random.ChancePerMille(kHandOverPerMille);
    Schedule(at + Minutes(random, odds.contact_after_min, odds.contact_after_max),
             [this, case_id, pick, hand_over] { return FirstContact(case_id, pick, hand_over); });
  }
  if (random.ChancePerMille(odds.offer_per_mille)) {
    const std::size_t pick = random.Below(kSuggestionsConsidered);
    const bool accept = random.ChancePerMille(kAcceptPerMille);
    const UnixMillis respond_after = Minutes(random, kRespondAfterMin, kRespondAfterMax);
    Schedule(at + Minutes(random, odds.offer_after_min, odds.offer_after_max),
             [this, case_id, pick, accept, respond_after] {
               return Offer(case_id, pick, accept, respond_after);
             });
  }
  if (random.ChancePerMille(odds.task_per_mille)) {
    const bool ward = tier == Tier::kWard;
    const UnixMillis due =
        ward ? at + random.Between(kWardTaskDueMinHours, kWardTaskDueMaxHours) * kMillisPerHour
             : at + kTriageTaskDue;
    const std::string_view text = ward ? kWardTask : kTriageTask;
    Schedule(at, [this, case_id, text, due] { return FollowUpTask(case_id, text, due); });
  }
  if (random.ChancePerMille(odds.admitted_per_mille)) {
    Schedule(at + random.Between(kAdmittedAfterMinHours, kAdmittedAfterMaxHours) * kMillisPerHour,
             [this, case_id] {
               return Close(case_id, CaseOutcomeName(CaseOutcome::kAdmitted), kAdmittedNote);
             });
  }
}

Status DaySeeder::Offer(std::int64_t case_id, std::size_t pick, bool accept,
                        UnixMillis respond_after) {
  if (cases_.at(case_id).closed) return Status::Ok();
  ASSIGN_OR_RETURN(const std::vector<AssigneeSuggestion> suggestions,
                   clinic_.SuggestAssignees(coordinator_, case_id));
  // Only the day's own volunteers: not the demo's accounts (HandOverToDemo gives them theirs),
  // nor anyone enrolled outside this seeding.
  std::vector<const Staff*> candidates;
  for (const AssigneeSuggestion& suggestion : suggestions) {
    const Staff* staff = FindStaff(suggestion.volunteer.user_id);
    if (staff != nullptr && !staff->always_on) candidates.push_back(staff);
  }
  if (candidates.empty()) return Status::Ok();
  const Staff* volunteer = candidates[std::min(pick, candidates.size() - 1)];
  ASSIGN_OR_RETURN(const Assignment assignment,
                   clinic_.OfferCase(coordinator_, case_id, volunteer->user_id));
  ++report_.offers;
  const Staff staff = *volunteer;
  cases_.at(case_id).assignments.push_back({assignment.id, staff, false});
  Schedule(now_ + respond_after, [this, case_id, assignment, staff, accept] {
    return Respond(case_id, assignment, staff, accept);
  });
  return Status::Ok();
}

Status DaySeeder::Respond(std::int64_t case_id, const Assignment& assignment,
                          const Staff& volunteer, bool accept) {
  SeededCase& seeded = cases_.at(case_id);
  const auto open =
      std::find_if(seeded.assignments.begin(), seeded.assignments.end(),
                   [&](const OpenAssignment& each) { return each.id == assignment.id; });
  if (open == seeded.assignments.end()) return Status::Ok();  // withdrawn or the case closed
  if (!accept) {
    RETURN_IF_ERROR(
        clinic_.DeclineAssignment(ActorFor(volunteer), assignment.id, std::string(kDeclineNote))
            .status());
    seeded.assignments.erase(open);
    ++report_.declined;
    return Status::Ok();
  }
  RETURN_IF_ERROR(clinic_.AcceptAssignment(ActorFor(volunteer), assignment.id).status());
  open->accepted = true;
  ++report_.accepted;
  if (!seeded.carer) seeded.carer = volunteer;
  return Status::Ok();
}

// A case that grew graver may now be beyond a volunteer's readiness: they step back or decline
// the offer, as they may at any time.
Status DaySeeder::Reconsider(std::int64_t case_id) {
  SeededCase& seeded = cases_.at(case_id);
  if (seeded.assignments.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(const CaseDetail detail, clinic_.GetCase(coordinator_, case_id));
  std::vector<OpenAssignment> kept;
  for (const OpenAssignment& open : seeded.assignments) {
    if (open.volunteer.readiness >= detail.summary.exposure) {
      kept.push_back(open);
      continue;
    }
    const Actor actor = ActorFor(open.volunteer);
    const std::string note(kBeyondReadinessNote);
    RETURN_IF_ERROR((open.accepted ? clinic_.StepBack(actor, open.id, note)
                                   : clinic_.DeclineAssignment(actor, open.id, note))
                        .status());
    ++report_.stepped_back;
    if (seeded.carer && seeded.carer->user_id == open.volunteer.user_id) seeded.carer.reset();
  }
  seeded.assignments = std::move(kept);
  return Status::Ok();
}

Status DaySeeder::Note(std::int64_t case_id, std::size_t pick, bool first) {
  const SeededCase& seeded = cases_.at(case_id);
  if (seeded.closed) return Status::Ok();
  const Staff* author =
      seeded.carer ? &*seeded.carer : PickStaff(NoteAuthors(seeded.tier), kMinReadiness, pick);
  if (author == nullptr) return Status::Ok();  // nobody on duty got to it
  const std::span<const std::string_view> notes = NotesFor(seeded.tier, author->role, first);
  RETURN_IF_ERROR(
      clinic_.AddNote(ActorFor(*author), case_id, std::string(notes[pick % notes.size()]))
          .status());
  ++report_.notes;
  return Status::Ok();
}

Status DaySeeder::FirstContact(std::int64_t case_id, std::size_t pick, bool hand_over) {
  RETURN_IF_ERROR(Note(case_id, pick, true));
  SeededCase& seeded = cases_.at(case_id);
  if (seeded.closed) return Status::Ok();
  if (hand_over && seeded.tier == Tier::kIcu && seeded.severity == Severity::kSevere) {
    const Staff* doctor = PickStaff(kDoctors, kMinReadiness, pick);
    if (doctor != nullptr) {
      RETURN_IF_ERROR(
          clinic_.MoveTier(ActorFor(*doctor), case_id, "ward", std::string(kHandOverReason)));
      seeded.tier = Tier::kWard;
    }
  }
  return Round(case_id, 0);
}

// Plans the next call of a case that stays open; the call itself is a note.
Status DaySeeder::Round(std::int64_t case_id, int round) {
  const SeededCase& seeded = cases_.at(case_id);
  const CareOdds& odds = kCareOdds[static_cast<std::size_t>(seeded.tier)];
  if (seeded.closed || odds.round_every_min == 0) return Status::Ok();
  scenario::Random random(scenario::StreamSeed(
      options_.seed, kRoundStream, static_cast<std::uint64_t>(case_id) * kMaxRounds + round));
  const std::size_t pick = random.Below(kNotePickRange);
  if (round > 0) RETURN_IF_ERROR(Note(case_id, pick, false));
  if (round + 1 >= static_cast<int>(kMaxRounds)) return Status::Ok();
  Schedule(now_ + Minutes(random, odds.round_every_min, odds.round_every_max),
           [this, case_id, round] { return Round(case_id, round + 1); });
  return Status::Ok();
}

Status DaySeeder::CallBack(std::int64_t case_id, const scenario::ReportedVitals& reading) {
  SeededCase& seeded = cases_.at(case_id);
  if (seeded.closed) return Status::Ok();
  const Staff* caller =
      seeded.carer ? &*seeded.carer
                   : PickStaff(kClinicians, kMinReadiness, static_cast<std::size_t>(case_id));
  ASSIGN_OR_RETURN(const RetriageResult retriaged,
                   clinic_.AddObservation(caller ? ActorFor(*caller) : coordinator_, case_id,
                                          ObservationFrom(reading)));
  ++report_.observations;
  seeded.tier = retriaged.tier;
  return Reconsider(case_id);
}

Status DaySeeder::FollowUpTask(std::int64_t case_id, std::string_view text, UnixMillis due_at) {
  if (cases_.at(case_id).closed) return Status::Ok();
  return clinic_.AddTask(coordinator_, case_id, {std::string(text), due_at, 0}).status();
}

}  // namespace lifeline::clinic_seed
