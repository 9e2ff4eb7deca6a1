// Writes the demo's drifting devices through DevicesService (see devices_seed.h): each device's
// life is drawn from its own random stream and written in time order, one transaction per
// device, with the service's clock set to each event.

#include "services/devices/devices_seed.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/role.h"
#include "engines/scenario/clinic_day.h"
#include "engines/scenario/random.h"
#include "services/devices/devices_service.h"

namespace lifeline {
namespace {

constexpr std::string_view kSeedRequestId = "seed-devices";
constexpr std::uint64_t kDeviceStream = 0x64657669636573ULL;  // "devices"
constexpr int kMaxSeedDevices = 5000;
constexpr int kMinDays = 7;
constexpr int kMaxDays = 365;
constexpr int kPerMille = 1000;

// Devices are registered in the first part of the period, so most have drifted several times.
constexpr int kRegisteredWithinPerMille = 500;
constexpr int kNeverLentPerMille = 30;         // kept in reserve
constexpr int kFailedInspectionPerMille = 50;  // before a lending; passes after a repair
constexpr int kUnansweredPerMille = 80;        // a call nobody answers is tried again
constexpr int kDailyCallsPerMille = 150;       // families called every day, not every 2 days
constexpr int kRepairedPerMille = 500;         // broken devices that come back
// Each angel's lendings open at the end: every kOverdueEvery-th, from the second, is overdue.
constexpr int kOverdueEvery = 6;
constexpr int kOverdueTurn = 1;
constexpr UnixMillis kOverdueMargin = 2 * kMillisPerHour;
constexpr UnixMillis kRetryAfterMinMinutes = 60;
constexpr UnixMillis kRetryAfterMaxMinutes = 180;

// How lendings end, per mille: nearly all are returned or passed on.
constexpr std::array<std::string_view, 4> kOutcomes = {"passed_on", "returned", "broken", "lost"};
constexpr std::array<int, 4> kOutcomeWeights = {470, 495, 25, 10};
constexpr std::array<std::string_view, 3> kConditions = {"better", "same", "worse"};
constexpr std::array<int, 3> kConditionWeights = {55, 35, 10};

struct Model {
  std::string_view kind;
  std::string_view name;
  std::string_view serial_prefix;
};
// Donated models; the 3, 5 and 10 L/min ratings come 30 %, 50 % and 20 % of the time.
constexpr std::array<Model, 6> kConcentrators = {{
    {"concentrator_3", "鱼跃 7F-3", "YU7F3"},
    {"concentrator_3", "鱼跃 8F-3AW", "YU8F3"},
    {"concentrator_5", "鱼跃 8F-5AW", "YU8F5"},
    {"concentrator_5", "飞利浦 EverFlo", "PHEF5"},
    {"concentrator_10", "鱼跃 9F-10", "YU9F10"},
    {"concentrator_10", "Invacare Platinum 10", "IVP10"},
}};
constexpr std::array<int, 6> kConcentratorWeights = {15, 15, 25, 25, 10, 10};
constexpr std::array<Model, 3> kOximeters = {{
    {"oximeter", "鱼跃 YX301", "YX301"},
    {"oximeter", "康泰 CMS50D", "CMS50D"},
    {"oximeter", "力康 PC-60F", "PC60F"},
}};
constexpr int kSerialLow = 1000000;
constexpr int kSerialHigh = 9999999;

// What the angel tells the family and what the doctor advised (synthetic, in Chinese).
constexpr std::string_view kConcentratorGuidance =
    "按医嘱流量吸氧，每天不少于15小时；机器离墙20厘米以上，远离明火和热源，家中禁烟；"
    "湿化瓶每天换纯净水；血氧低于93%或气促加重，立即联系天使或拨打120。";
constexpr std::string_view kOximeterGuidance =
    "每天早、中、晚各测一次血氧并记下；测量时手指保持温暖、静止，不涂指甲油；"
    "静息血氧低于93%或呼吸费力，立即联系天使或拨打120。";
constexpr std::array<std::string_view, 3> kConcentratorAdvice = {
    "鼻导管吸氧，俯卧位通气每天数次，每次30分钟以上。",
    "居家氧疗，活动后气促时加大到上限流量，血氧维持在93%以上。",
    "低流量持续吸氧，夜间不停机；三天后线上复诊。",
};
constexpr std::array<std::string_view, 2> kOximeterAdvice = {
    "居家观察，每天记录血氧和体温，发热超过三天线上复诊。",
    "密切观察血氧，活动后下降明显时及时报告。",
};
constexpr std::string_view kWorseNote = "血氧下降，已请医生线上复诊。";
constexpr std::string_view kUnansweredNote = "无人接听，稍后再打。";
constexpr std::string_view kFailedFlowNote = "出氧流量不足，送修更换分子筛。";
constexpr std::string_view kFailedScreenNote = "屏幕不亮，换电池后再检。";
constexpr std::string_view kHandOverNote = "交接前消毒、试机、测流量。";
constexpr std::string_view kPassedOnNote = "家庭好转，直接转给下一个家庭。";
constexpr std::string_view kReturnedNote = "家属送回，病人已好转。";
constexpr std::string_view kBrokenNote = "压缩机异响，流量不稳，停用送修。";
constexpr std::string_view kLostNote = "家庭搬离后失联，设备未能找回。";

UnixMillis Minutes(std::int64_t minutes) { return minutes * kMillisPerMinute; }
UnixMillis Days(std::int64_t days) { return days * kMillisPerDay; }

// One household per distinct phone among the scenario's patients (GenerateClinicDay draws
// them from the residents, the old more often), in the order they were drawn.
std::vector<Household> Households(const DeviceSeedOptions& options) {
  const scenario::Scenario city = scenario::GenerateScenario(
      {.seed = options.seed, .residents = options.residents, .volunteers = options.volunteers});
  const scenario::ClinicDay day = scenario::GenerateClinicDay(
      {.seed = options.seed, .requests = scenario::kMaxSurgeRequests, .roster = 0}, city.residents,
      city.volunteers);
  std::vector<Household> households;
  std::unordered_set<std::string> phones;
  for (const scenario::SurgePatient& patient : day.patients) {
    if (!phones.insert(patient.phone).second) continue;
    const scenario::Resident& resident = city.residents[patient.resident];
    households.push_back({.contact_name = resident.display_name,
                          .phone = patient.phone,
                          .address = patient.street,
                          .lat = resident.location.lat,
                          .lon = resident.location.lon,
                          .district_code = patient.district_code});
  }
  return households;
}

struct Call {
  UnixMillis at = 0;
  CheckInInput input;
};

class Seeder {
 public:
  Seeder(Database& database, const std::string& key, const DeviceSeedOptions& options,
         UnixMillis ends_at)
      : options_(options),
        service_(database, key, ClockedOptions()),
        end_(ends_at),
        start_(ends_at - Days(std::clamp(options.days, kMinDays, kMaxDays))),
        coordinator_{0, "cli", Role::kCoordinator, std::string(kSeedRequestId)} {}

  Result<bool> HasDevices() {
    now_ = end_;
    ASSIGN_OR_RETURN(const DevicePage page, service_.List(coordinator_, {.limit = 1}));
    return page.total > 0;
  }

  Status LoadAngels(AccountService& accounts) {
    ASSIGN_OR_RETURN(const std::vector<User> users,
                     accounts.ListUsers({0, "cli", Role::kAdmin, std::string(kSeedRequestId)}));
    for (const User& user : users) {
      if (user.role != Role::kAngel || user.disabled) continue;
      if (user.username == options_.demo_angel) {
        demo_angel_ = angels_.size();
      } else {
        others_.push_back(angels_.size());
      }
      angels_.push_back({user.id, user.username, Role::kAngel, std::string(kSeedRequestId)});
    }
    return Status::Ok();
  }

  void LoadHouseholds() { households_ = Households(options_); }

  Status Run(int concentrators, int oximeters) {
    concentrators_ = concentrators;
    std::unordered_set<std::size_t> following;
    for (int index = 0; index < concentrators + oximeters; ++index) {
      RETURN_IF_ERROR(WriteDevice(static_cast<std::uint64_t>(index), following));
    }
    report_.angels = static_cast<std::int64_t>(following.size());
    return Status::Ok();
  }

  const DeviceSeedReport& report() const { return report_; }

 private:
  DevicesOptions ClockedOptions() {
    DevicesOptions options;
    options.clock = [this] { return now_; };
    return options;
  }

  // The demo angel follows its share; the others are drawn evenly.
  std::optional<std::size_t> PickAngel(scenario::Random& random) {
    if (demo_angel_ && (others_.empty() || random.ChancePerMille(options_.demo_angel_per_mille))) {
      return demo_angel_;
    }
    if (others_.empty()) return std::nullopt;
    return others_[random.Below(others_.size())];
  }

  Household NextHousehold() {
    Household household = households_[next_household_ % households_.size()];
    ++next_household_;
    return household;
  }

  NewDrift NextDrift(scenario::Random& random, const Model& model, UnixMillis started) {
    NewDrift drift;
    drift.household = NextHousehold();
    const std::optional<double> rated = RatedFlowLpm(model.kind);
    if (rated) {
      const int rating = static_cast<int>(*rated);
      drift.prescribed_flow_lpm = random.Between(std::max(1, rating * 2 / 5), std::min(rating, 8));
      drift.expected_end = started + Days(random.Between(10, 21));
      drift.guidance = std::string(kConcentratorGuidance);
      drift.doctor_advice = std::string(random.Pick<std::string_view>(kConcentratorAdvice));
    } else {
      drift.expected_end = started + Days(random.Between(7, 14));
      drift.guidance = std::string(kOximeterGuidance);
      drift.doctor_advice = std::string(random.Pick<std::string_view>(kOximeterAdvice));
    }
    if (random.ChancePerMille(kDailyCallsPerMille)) drift.checkin_interval_days = 1;
    return drift;
  }

  InspectionInput Inspection(scenario::Random& random, const Model& model, bool passes) {
    InspectionInput inspection{.disinfected = true, .works = true};
    const std::optional<double> rated = RatedFlowLpm(model.kind);
    if (rated) {
      inspection.flow_checked = true;
      // Per mille of the rating: at least 92 % when it passes, at most 80 % when it does not.
      const int share = passes ? random.Between(920, 1000) : random.Between(600, 800);
      inspection.measured_flow_lpm = *rated * share / kPerMille;
      if (!passes) inspection.note = std::string(kFailedFlowNote);
    } else if (!passes) {
      inspection.works = false;
      inspection.note = std::string(kFailedScreenNote);
    }
    return inspection;
  }

  CheckInInput Reached(scenario::Random& random, bool concentrator) {
    CheckInInput input{.reached = true};
    const std::size_t condition = random.Weighted<int>(kConditionWeights);
    input.condition = std::string(kConditions[condition]);
    // SpO2 as the family read it: on oxygen the patients are the sicker ones.
    constexpr std::array<std::array<int, 2>, 3> kOnOxygen = {{{93, 97}, {90, 94}, {85, 90}}};
    constexpr std::array<std::array<int, 2>, 3> kAtHome = {{{95, 99}, {93, 96}, {89, 93}}};
    const auto& range = concentrator ? kOnOxygen[condition] : kAtHome[condition];
    input.spo2 = random.Between(range[0], range[1]);
    if (input.condition == "worse") input.note = std::string(kWorseNote);
    return input;
  }

  // The angel's calls on a lending from `started` until `stop`: the first a day after, then
  // `interval` days after the last one that reached the family, a little early or late. An
  // open lending is called up to the end; an `overdue` one loses its latest calls.
  std::vector<Call> Calls(scenario::Random& random, UnixMillis started, UnixMillis stop, bool open,
                          bool overdue, std::int64_t interval, bool concentrator) {
    std::vector<Call> calls;
    UnixMillis due = started + service_.options().first_checkin_after;
    UnixMillis last = started;
    for (;;) {
      UnixMillis at = std::max(due + Minutes(random.Between(-180, 300)), last + Minutes(10));
      if (at >= stop) {
        if (!open || due >= stop) break;
        at = stop - Minutes(random.Between(5, 60));  // due before the end: called in time
        if (at <= last) break;
      }
      if (at + Minutes(kRetryAfterMaxMinutes) < stop &&
          random.ChancePerMille(kUnansweredPerMille)) {
        calls.push_back({at, {.note = std::string(kUnansweredNote)}});
        at += Minutes(random.Between(kRetryAfterMinMinutes, kRetryAfterMaxMinutes));
      }
      calls.push_back({at, Reached(random, concentrator)});
      last = at;
      due = at + Days(interval);
    }
    while (overdue && !calls.empty()) {
      UnixMillis next_due = started + service_.options().first_checkin_after;
      for (const Call& call : calls) {
        if (call.input.reached) next_due = call.at + Days(interval);
      }
      if (next_due < stop - kOverdueMargin) break;
      calls.pop_back();
    }
    return calls;
  }

  Status WriteDevice(std::uint64_t index, std::unordered_set<std::size_t>& following) {
    scenario::Random random(scenario::StreamSeed(options_.seed, kDeviceStream, index));
    const bool concentrator = index < static_cast<std::uint64_t>(concentrators_);
    const Model& model = concentrator ? kConcentrators[random.Weighted<int>(kConcentratorWeights)]
                                      : random.Pick<Model>(kOximeters);
    const std::optional<std::size_t> angel = PickAngel(random);
    if (angel) following.insert(*angel);
    const Actor& actor = angel ? angels_[*angel] : coordinator_;
    const bool demo = angel && angel == demo_angel_;
    const UnixMillis span = end_ - start_;
    UnixMillis t = start_ + static_cast<UnixMillis>(random.Below(static_cast<std::uint64_t>(
                                span / kPerMille * kRegisteredWithinPerMille)));
    NewDevice device{.kind = std::string(model.kind),
                     .serial = std::string(model.serial_prefix) + "-" +
                               std::to_string(random.Between(kSerialLow, kSerialHigh)),
                     .model = std::string(model.name)};
    if (angel) device.angel_id = actor.user_id;
    const bool in_reserve = random.ChancePerMille(kNeverLentPerMille);
    const bool lent_ever = !in_reserve && !households_.empty();
    return service_.WriteBatch([&](DevicesBatch& batch) -> Status {
      now_ = t;
      ASSIGN_OR_RETURN(const Device registered, batch.Register(coordinator_, device));
      ++report_.devices;
      if (!lent_ever) return Status::Ok();
      const std::int64_t id = registered.id;
      t += Minutes(random.Between(120, 2 * 24 * 60));
      std::optional<NewDrift> handed_over;  // passed on to this family without a return
      for (;;) {
        NewDrift drift;
        if (handed_over) {
          drift = std::move(*handed_over);
          handed_over.reset();
        } else {
          if (t >= end_ - Days(1)) break;  // stays available
          if (random.ChancePerMille(kFailedInspectionPerMille)) {
            now_ = t;
            RETURN_IF_ERROR(batch.Inspect(actor, id, Inspection(random, model, false)).status());
            ++report_.inspections;
            ++report_.failed_inspections;
            t += Days(1) + Minutes(random.Between(0, 24 * 60));
            if (t >= end_ - Days(1)) break;  // still waiting for the repair
          }
          now_ = t;
          RETURN_IF_ERROR(batch.Inspect(actor, id, Inspection(random, model, true)).status());
          ++report_.inspections;
          t += Minutes(random.Between(20, 120));
          drift = NextDrift(random, model, t);
          now_ = t;
          RETURN_IF_ERROR(batch.Lend(actor, id, drift).status());
        }
        ++report_.drifts;
        const UnixMillis started = t;
        const UnixMillis ends = started +
                                Days(random.Between(concentrator ? 4 : 3, concentrator ? 16 : 12)) +
                                Minutes(random.Between(0, 12 * 60));
        const bool open = ends >= end_;
        const bool overdue =
            open &&
            started + service_.options().first_checkin_after + kOverdueMargin + kMillisPerHour <
                end_ &&
            open_turns_[angel]++ % kOverdueEvery == kOverdueTurn;
        const std::int64_t interval =
            drift.checkin_interval_days.value_or(service_.options().checkin_interval_days);
        const std::vector<Call> calls =
            Calls(random, started, open ? end_ : ends - 2 * kMillisPerHour, open, overdue, interval,
                  concentrator);
        for (const Call& call : calls) {
          now_ = call.at;
          RETURN_IF_ERROR(batch.RecordCheckIn(actor, id, call.input).status());
          ++report_.checkins;
        }
        if (open) {
          ++report_.open;
          if (overdue) ++report_.overdue;
          if (demo) {
            ++report_.demo_angel_open;
            if (overdue) ++report_.demo_angel_overdue;
          }
          break;
        }
        const std::string_view outcome = kOutcomes[random.Weighted<int>(kOutcomeWeights)];
        if (outcome == "passed_on") {
          // The hand-over inspection, then the next family has it the same hour.
          now_ = ends - Minutes(random.Between(30, 90));
          InspectionInput hand_over = Inspection(random, model, true);
          hand_over.note = std::string(kHandOverNote);
          RETURN_IF_ERROR(batch.Inspect(actor, id, hand_over).status());
          ++report_.inspections;
          t = ends;
          now_ = t;
          handed_over = NextDrift(random, model, t);
          RETURN_IF_ERROR(
              batch.PassOn(actor, id, *handed_over, std::string(kPassedOnNote)).status());
          ++report_.passed_on;
          continue;
        }
        now_ = ends;
        const std::string_view note = outcome == "returned" ? kReturnedNote
                                      : outcome == "broken" ? kBrokenNote
                                                            : kLostNote;
        RETURN_IF_ERROR(
            batch.End(actor, id, {.outcome = std::string(outcome), .note = std::string(note)})
                .status());
        t = ends + Minutes(random.Between(6 * 60, 3 * 24 * 60));
        if (outcome == "lost") {
          ++report_.lost;
          break;
        }
        if (outcome == "broken" && !random.ChancePerMille(kRepairedPerMille)) {
          ++report_.broken;
          break;
        }
      }
      return Status::Ok();
    });
  }

  const DeviceSeedOptions& options_;
  UnixMillis now_ = 0;
  DevicesService service_;
  const UnixMillis end_;
  const UnixMillis start_;
  const Actor coordinator_;
  std::vector<Actor> angels_;
  std::optional<std::size_t> demo_angel_;
  std::vector<std::size_t> others_;
  std::vector<Household> households_;
  std::size_t next_household_ = 0;
  int concentrators_ = 0;
  std::map<std::optional<std::size_t>, int> open_turns_;  // per angel (none: the coordinator)
  DeviceSeedReport report_;
};

}  // namespace

Result<DeviceSeedReport> SeedDevices(Database& database, AccountService& accounts,
                                     const std::string& pseudonym_key,
                                     const DeviceSeedOptions& options) {
  Seeder seeder(database, pseudonym_key, options,
                options.ends_at != 0 ? options.ends_at : NowMillis());
  ASSIGN_OR_RETURN(const bool seeded, seeder.HasDevices());
  if (seeded) return DeviceSeedReport{.skipped = true};
  const int concentrators = std::clamp(options.concentrators, 0, kMaxSeedDevices);
  const int oximeters = std::clamp(options.oximeters, 0, kMaxSeedDevices);
  if (options.starting) options.starting(concentrators, oximeters);
  RETURN_IF_ERROR(seeder.LoadAngels(accounts));
  seeder.LoadHouseholds();
  RETURN_IF_ERROR(seeder.Run(concentrators, oximeters));
  return seeder.report();
}

}  // namespace lifeline
