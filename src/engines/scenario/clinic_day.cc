#include "engines/scenario/clinic_day.h"

#include <algorithm>
#include <array>
#include <numeric>

#include "engines/scenario/people.h"
#include "engines/scenario/random.h"

namespace lifeline::scenario {
namespace {

// Independent random streams, after those of scenario.cc, each keyed to its item's index.
constexpr std::uint64_t kPatientChoiceStream = 11;  // which residents fall ill, in order
constexpr std::uint64_t kPatientStream = 12;        // one per patient: who they are, first call
constexpr std::uint64_t kRepeatStream = 13;         // one per repeat call

constexpr int kSecondsPerHour = 3600;
constexpr int kPerMille = 1000;
constexpr double kTenthsPerUnit = 10.0;
constexpr int kHoursPerDay = 24;

// The 86 -> 300 -> 900+ ramp: 95 per mille before 08:00, 333 before 14:00 (see the header).
constexpr std::array<int, kHoursPerDay> kHourlyPerMille = {
    14, 10, 7,  6,  6,  9,  16, 27,           // 00-07: the night, then the first posts
    30, 34, 38, 42, 44, 50,                   // 08-13: the morning
    56, 62, 66, 70, 74, 80, 82, 70, 58, 49};  // 14-23: the post spreads
static_assert(std::accumulate(kHourlyPerMille.begin(), kHourlyPerMille.end(), 0) == kPerMille);

// Families calling again about the same patient: per mille of all requests.
constexpr int kRepeatCallPerMille = 60;
constexpr int kMinRepeatDelayMinutes = 20;
constexpr int kMaxRepeatDelayMinutes = 360;
constexpr int kWorseOnRepeatPerMille = 300;  // the patient has deteriorated since the first call

struct AgeBand {
  int min_age = 0;            // the band runs to the next band's min_age
  int illness_weight = 0;     // relative chance a resident of this age is among the day's patients
  std::array<int, 4> acuity;  // per mille mild, moderate, severe, critical
  int hotline_per_mille = 0;  // the old more often phoned the hotline than used the form
};

// Early Wuhan cases were mostly middle-aged and old (median age ~56, few children); the old
// were far more often severe. Tuned so that about half the requests meet an NHC severe
// criterion once missing measurements are accounted for.
constexpr std::array<AgeBand, 5> kAgeBands = {{
    {0, 4, {700, 220, 70, 10}, 300},
    {18, 25, {380, 270, 290, 60}, 150},
    {45, 110, {200, 220, 450, 130}, 250},
    {65, 160, {120, 160, 520, 200}, 450},
    {80, 170, {80, 120, 500, 300}, 650},
}};

const AgeBand& BandFor(int age) {
  const AgeBand* band = &kAgeBands.front();
  for (const AgeBand& each : kAgeBands) {
    if (age >= each.min_age) band = &each;
  }
  return *band;
}

constexpr int kAdultAge = 18;
constexpr int kChildMonthsLimit = 24;
constexpr int kMonthsPerYear = 12;
constexpr int kMinPregnancyAge = 20;
constexpr int kMaxPregnancyAge = 42;
constexpr int kPregnantPerMille = 50;
constexpr int kRelativeCallsPerMille = 700;  // a child or parent at home calls for the patient

struct Comorbidity {
  std::string_view name;
  std::array<int, 3> per_mille;  // under 45, 45-64, 65 and older
};
constexpr int kMiddleAge = 45;
constexpr int kOldAge = 65;
constexpr std::array<Comorbidity, 7> kComorbidities = {{
    {"hypertension", {40, 250, 450}},
    {"diabetes", {15, 100, 200}},
    {"heart_disease", {5, 50, 150}},
    {"lung_disease", {15, 40, 100}},
    {"kidney_disease", {5, 20, 50}},
    {"cancer", {5, 25, 50}},
    {"immunosuppression", {5, 10, 15}},
}};
// A resident the city marks as chronically ill has at least one of these.
constexpr std::array<std::string_view, 5> kChronicIllnesses = {
    "heart_disease", "lung_disease", "kidney_disease", "cancer", "diabetes"};

// PCR tests were scarce in late January: most families had none or were waiting.
constexpr std::array<std::string_view, 4> kPcrResults = {"", "positive", "pending", "negative"};
constexpr std::array<int, 4> kPcrWeights = {550, 180, 220, 50};

// Ranges reported for each acuity, adults. Severe patients sit at or below the NHC SpO2
// cut-off of 93 % and breathe 22-34 a minute; critical ones lower and faster.
struct VitalRanges {
  std::array<int, 2> spo2;
  std::array<int, 2> resp_rate;
  std::array<int, 2> heart_rate;
  std::array<int, 2> temperature_tenths;
  std::array<int, 2> systolic_bp;
  std::array<int, 2> onset_days;  // breathlessness typically came a week after onset
};
constexpr std::array<VitalRanges, 4> kVitalRanges = {{
    {{95, 99}, {14, 22}, {68, 100}, {366, 386}, {105, 150}, {1, 7}},
    {{94, 97}, {18, 27}, {78, 108}, {374, 392}, {105, 150}, {3, 10}},
    {{86, 93}, {22, 34}, {92, 124}, {376, 396}, {100, 150}, {6, 13}},
    {{70, 87}, {28, 42}, {105, 140}, {370, 400}, {78, 120}, {8, 16}},
}};
// Children breathe faster; these replace the adult respiratory rates under 18.
constexpr std::array<std::array<int, 2>, 4> kChildRespRates = {
    {{20, 34}, {24, 40}, {36, 56}, {44, 64}}};

// How often each reading is in a request: oximeters were sold out, thermometers were not.
constexpr int kSpo2MeasuredPerMille = 650;
constexpr int kSpo2MeasuredOnRepeatPerMille = 800;  // a neighbour lent an oximeter
constexpr int kRespRateCountedPerMille = 800;
constexpr int kPulseCountedPerMille = 500;  // without an oximeter; an oximeter shows the pulse
constexpr int kTemperaturePerMille = 950;
constexpr int kBloodPressurePerMille = 450;
constexpr int kConsciousnessPerMille = 850;
constexpr int kOnAirKnownPerMille = 900;
constexpr int kHomeOxygenPerMille = 150;  // severe and critical patients with a concentrator
constexpr int kImagedPerMille = 450;      // a CT scan at a fever clinic
constexpr int kExaminedForShockPerMille = 250;
constexpr int kArdsOnImagingPerMille = 400;  // critical patients with a CT
constexpr int kOrganFailurePerMille = 150;   // critical patients seen at a hospital
constexpr int kShockSystolicBelow = 90;
constexpr int kSymptomsOnlyPerMille = 80;      // mild and moderate: a few words, no readings
constexpr int kCallBackReadingPerMille = 700;  // first calls without SpO2

constexpr std::array<std::string_view, 10> kCommonSymptoms = {
    "发热", "咳嗽", "乏力", "肌肉酸痛", "咽痛", "腹泻", "食欲不振", "头痛", "胸闷", "气促"};
// Red-flag phrases the triage engine recognises (engines/triage/names.cc).
constexpr std::array<std::string_view, 4> kBreathingRedFlags = {"喘不上气", "呼吸困难", "嘴唇发紫",
                                                                "胸痛"};
constexpr std::array<std::string_view, 2> kConfusionRedFlags = {"说胡话", "意识模糊"};
constexpr std::array<int, 4> kRedFlagPerMille = {0, 0, 250, 500};  // by acuity
constexpr std::array<std::string_view, 4> kCriticalConsciousness = {"A", "C", "V", "P"};
constexpr std::array<int, 4> kCriticalConsciousnessWeights = {60, 25, 12, 3};

struct NeedOdds {
  std::string_view need;
  std::array<int, 4> per_mille;  // by acuity
};
constexpr std::array<NeedOdds, 5> kNeedOdds = {{
    {"advice", {900, 700, 300, 150}},
    {"medicine", {300, 400, 250, 150}},
    {"bed", {30, 300, 850, 950}},
    {"oxygen", {0, 100, 600, 850}},
    {"psychological_support", {100, 80, 60, 0}},
}};
constexpr int kEndOfLifeAge = 80;
constexpr int kEndOfLifePerMille = 150;  // critical patients 80 or older
constexpr int kBereavedPerMille = 15;    // mild adults whose relative has just died

// Synthetic addresses: a real road or subdistrict of each district, an invented compound.
struct DistrictRoads {
  std::string_view code;
  std::array<std::string_view, 3> roads;
};
constexpr std::array<DistrictRoads, 13> kRoads = {{
    {"420102", {"解放大道", "中山大道", "黄浦大街"}},
    {"420103", {"建设大道", "新华路", "青年路"}},
    {"420104", {"解放大道", "中山大道", "古田二路"}},
    {"420105", {"鹦鹉大道", "汉阳大道", "龙阳大道"}},
    {"420106", {"中南路", "武珞路", "徐东大街"}},
    {"420107", {"和平大道", "建设二路", "冶金大道"}},
    {"420111", {"珞喻路", "雄楚大道", "关山大道"}},
    {"420112", {"吴家山街道", "东吴大道", "将军路街道"}},
    {"420113", {"纱帽街道", "汉南大道", "纱帽正街"}},
    {"420114", {"蔡甸街道", "蔡甸大街", "奓山街道"}},
    {"420115", {"纸坊街道", "文化大道", "藏龙岛"}},
    {"420116", {"前川街道", "黄陂大道", "滠口街道"}},
    {"420117", {"邾城街道", "齐安大道", "阳逻街道"}},
}};
constexpr std::array<std::string_view, 10> kCompounds = {
    "幸福小区", "阳光花园", "和平里",   "东方新村", "翠柳苑",
    "育才小区", "江景花园", "铁路新村", "建设村",   "南湖花园"};
constexpr int kMaxHouseNumber = 400;
constexpr int kMaxBuilding = 24;
constexpr int kMaxUnit = 6;

int AgeOf(const Resident& resident) { return kScenarioYear - resident.birth_year; }

double Tenths(Random& random, const std::array<int, 2>& range) {
  return static_cast<double>(random.Between(range[0], range[1])) / kTenthsPerUnit;
}

double Whole(Random& random, const std::array<int, 2>& range) {
  return static_cast<double>(random.Between(range[0], range[1]));
}

// Residents who fall ill, each at most once, the old more often than the young.
std::vector<std::size_t> ChoosePatients(std::uint64_t seed, std::size_t count,
                                        std::span<const Resident> residents) {
  std::vector<std::int64_t> weights;
  weights.reserve(residents.size());
  for (const Resident& resident : residents) {
    weights.push_back(BandFor(AgeOf(resident)).illness_weight);
  }
  Random random(StreamSeed(seed, kPatientChoiceStream, 0));
  std::vector<std::size_t> chosen;
  std::int64_t remaining = std::accumulate(weights.begin(), weights.end(), std::int64_t{0});
  while (chosen.size() < count && remaining > 0) {
    const std::size_t index = random.Weighted<std::int64_t>(weights);
    remaining -= weights[index];
    weights[index] = 0;
    chosen.push_back(index);
  }
  return chosen;
}

// The number the family gives: often a son's or daughter's when the patient is old, a
// parent's when it is a child.
std::string ContactPhone(Random& random, std::span<const Resident> residents, std::size_t index) {
  const Resident& patient = residents[index];
  const int age = AgeOf(patient);
  if (age >= kAdultAge && age < kOldAge) return patient.phone;
  if (!random.ChancePerMille(kRelativeCallsPerMille)) return patient.phone;
  std::size_t first = index;
  while (first > 0 && residents[first - 1].household_id == patient.household_id) --first;
  for (std::size_t other = first;
       other < residents.size() && residents[other].household_id == patient.household_id; ++other) {
    const int other_age = AgeOf(residents[other]);
    if (other != index && other_age >= kAdultAge && other_age < kOldAge) {
      return residents[other].phone;
    }
  }
  return patient.phone;
}

}  // namespace

std::string DrawStreet(Random& random, const std::string& district_code) {
  std::string_view road = kRoads.front().roads.front();
  for (const DistrictRoads& district : kRoads) {
    if (district.code == district_code) road = random.Pick<std::string_view>(district.roads);
  }
  return std::string(road) + " " + std::to_string(random.Between(1, kMaxHouseNumber)) + "号 " +
         std::string(random.Pick<std::string_view>(kCompounds)) + " " +
         std::to_string(random.Between(1, kMaxBuilding)) + "栋" +
         std::to_string(random.Between(1, kMaxUnit)) + "单元";
}

namespace {

std::vector<std::string> DrawComorbidities(Random& random, const Resident& resident) {
  const int age = AgeOf(resident);
  const std::size_t column = age < kMiddleAge ? 0 : (age < kOldAge ? 1 : 2);
  std::vector<std::string> found;
  for (const Comorbidity& comorbidity : kComorbidities) {
    if (random.ChancePerMille(comorbidity.per_mille[column])) {
      found.emplace_back(comorbidity.name);
    }
  }
  if (resident.chronic_illness) {
    const std::string illness(random.Pick<std::string_view>(kChronicIllnesses));
    if (std::find(found.begin(), found.end(), illness) == found.end()) found.push_back(illness);
  }
  return found;
}

SurgePatient DrawPatient(Random& random, std::span<const Resident> residents, std::size_t index) {
  const Resident& resident = residents[index];
  SurgePatient patient;
  patient.resident = index;
  patient.age_years = AgeOf(resident);
  if (patient.age_years * kMonthsPerYear < kChildMonthsLimit) {
    patient.age_months = patient.age_years * kMonthsPerYear + random.Between(1, kMonthsPerYear - 1);
  }
  patient.sex = resident.sex;
  if (patient.sex == Sex::kFemale && patient.age_years >= kMinPregnancyAge &&
      patient.age_years <= kMaxPregnancyAge && random.ChancePerMille(kPregnantPerMille)) {
    patient.pregnancy_weeks = random.Between(6, 38);
  }
  patient.district_code = resident.district_code;
  patient.street = DrawStreet(random, resident.district_code);
  patient.phone = ContactPhone(random, residents, index);
  patient.comorbidities = DrawComorbidities(random, resident);
  patient.pcr = std::string(kPcrResults[random.Weighted<int>(kPcrWeights)]);
  return patient;
}

Acuity DrawAcuity(Random& random, int age) {
  return static_cast<Acuity>(random.Weighted<int>(BandFor(age).acuity));
}

void AddSymptoms(Random& random, Acuity acuity, ReportedVitals& vitals) {
  const int count = random.Between(1, 3);
  for (int index = 0; index < count; ++index) {
    const std::string symptom(random.Pick<std::string_view>(kCommonSymptoms));
    if (std::find(vitals.symptoms.begin(), vitals.symptoms.end(), symptom) ==
        vitals.symptoms.end()) {
      vitals.symptoms.push_back(symptom);
    }
  }
  if (random.ChancePerMille(kRedFlagPerMille[static_cast<int>(acuity)])) {
    const bool confused = vitals.consciousness != "" && vitals.consciousness != "A";
    vitals.symptoms.emplace_back(confused ? random.Pick<std::string_view>(kConfusionRedFlags)
                                          : random.Pick<std::string_view>(kBreathingRedFlags));
  }
}

ReportedVitals DrawVitals(Random& random, const SurgePatient& patient, Acuity acuity,
                          bool repeat_call) {
  ReportedVitals vitals;
  const bool severe = acuity >= Acuity::kSevere;
  if (!severe && !repeat_call && random.ChancePerMille(kSymptomsOnlyPerMille)) {
    AddSymptoms(random, acuity, vitals);
    return vitals;
  }
  const VitalRanges& ranges = kVitalRanges[static_cast<int>(acuity)];
  const bool child = patient.age_years < kAdultAge;
  const bool oximeter =
      random.ChancePerMille(repeat_call ? kSpo2MeasuredOnRepeatPerMille : kSpo2MeasuredPerMille);
  if (oximeter) {
    const bool home_oxygen = severe && random.ChancePerMille(kHomeOxygenPerMille);
    // On oxygen the reading comes out a few points higher than the patient's on air.
    vitals.spo2 = std::min(99.0, Whole(random, ranges.spo2) + (home_oxygen ? 3 : 0));
    if (home_oxygen || random.ChancePerMille(kOnAirKnownPerMille)) vitals.on_oxygen = home_oxygen;
    vitals.heart_rate = Whole(random, ranges.heart_rate);
  } else if (random.ChancePerMille(kPulseCountedPerMille)) {
    vitals.heart_rate = Whole(random, ranges.heart_rate);
  }
  if (random.ChancePerMille(kRespRateCountedPerMille)) {
    vitals.resp_rate =
        Whole(random, child ? kChildRespRates[static_cast<int>(acuity)] : ranges.resp_rate);
  }
  if (random.ChancePerMille(kTemperaturePerMille)) {
    vitals.temperature_c = Tenths(random, ranges.temperature_tenths);
  }
  if (random.ChancePerMille(kBloodPressurePerMille)) {
    vitals.systolic_bp = Whole(random, ranges.systolic_bp);
  }
  if (random.ChancePerMille(kConsciousnessPerMille)) {
    vitals.consciousness =
        acuity == Acuity::kCritical
            ? std::string(
                  kCriticalConsciousness[random.Weighted<int>(kCriticalConsciousnessWeights)])
            : "A";
  }
  if (random.ChancePerMille(kImagedPerMille)) {
    vitals.pneumonia_on_imaging = acuity != Acuity::kMild;
    if (acuity == Acuity::kCritical) {
      if (vitals.systolic_bp && random.ChancePerMille(kExaminedForShockPerMille)) {
        vitals.shock = *vitals.systolic_bp < kShockSystolicBelow;
      }
      if (random.ChancePerMille(kArdsOnImagingPerMille)) vitals.ards = true;
      if (random.ChancePerMille(kOrganFailurePerMille)) vitals.organ_failure_icu = true;
    }
  }
  if (child) {
    vitals.fever_days = random.Between(1, severe ? 6 : 3);
    if (severe) vitals.laboured_breathing = true;
  }
  AddSymptoms(random, acuity, vitals);
  return vitals;
}

// The readings a family takes once an oximeter arrives.
ReportedVitals DrawCallBack(Random& random, const SurgePatient& patient, Acuity acuity) {
  const VitalRanges& ranges = kVitalRanges[static_cast<int>(acuity)];
  ReportedVitals reading;
  reading.spo2 = Whole(random, ranges.spo2);
  reading.on_oxygen = false;
  reading.heart_rate = Whole(random, ranges.heart_rate);
  if (random.ChancePerMille(kRespRateCountedPerMille)) {
    reading.resp_rate =
        Whole(random, patient.age_years < kAdultAge ? kChildRespRates[static_cast<int>(acuity)]
                                                    : ranges.resp_rate);
  }
  return reading;
}

std::vector<std::string> DrawNeeds(Random& random, const SurgePatient& patient, Acuity acuity) {
  std::vector<std::string> needs;
  const int column = static_cast<int>(acuity);
  for (const NeedOdds& odds : kNeedOdds) {
    if (random.ChancePerMille(odds.per_mille[column])) needs.emplace_back(odds.need);
  }
  if (acuity == Acuity::kCritical && patient.age_years >= kEndOfLifeAge &&
      random.ChancePerMille(kEndOfLifePerMille)) {
    needs.emplace_back("end_of_life_care");
  }
  if (acuity == Acuity::kMild && patient.age_years >= kAdultAge &&
      random.ChancePerMille(kBereavedPerMille)) {
    needs = {"psychological_support", "bereavement_support"};
  }
  if (needs.empty()) needs.emplace_back("advice");
  return needs;
}

IntakeChannel DrawChannel(Random& random, int age) {
  return random.ChancePerMille(BandFor(age).hotline_per_mille) ? IntakeChannel::kHotline
                                                               : IntakeChannel::kPublic;
}

UnixMillis DrawTime(Random& random) {
  const int hour = static_cast<int>(random.Weighted<int>(kHourlyPerMille));
  const int second = random.Between(0, kSecondsPerHour - 1);
  return kSurgeDayStart + hour * kMillisPerHour + second * kMillisPerSecond;
}

SurgeRequest DrawRequest(Random& random, const SurgePatient& patient, std::size_t patient_index,
                         Acuity acuity, bool repeat_call) {
  SurgeRequest request;
  request.patient = patient_index;
  request.repeat_call = repeat_call;
  request.acuity = acuity;
  request.channel = DrawChannel(random, patient.age_years);
  request.needs = DrawNeeds(random, patient, acuity);
  request.vitals = DrawVitals(random, patient, acuity, repeat_call);
  if (!request.vitals.spo2 && random.ChancePerMille(kCallBackReadingPerMille)) {
    request.call_back = DrawCallBack(random, patient, acuity);
  }
  return request;
}

// The family calls again: later the same day, often worse.
SurgeRequest DrawRepeat(std::uint64_t seed, std::size_t repeat_index, const ClinicDay& day,
                        std::size_t first_calls) {
  Random random(StreamSeed(seed, kRepeatStream, repeat_index));
  const SurgeRequest& first = day.requests[random.Below(first_calls)];
  const SurgePatient& patient = day.patients[first.patient];
  Acuity acuity = first.acuity;
  if (acuity != Acuity::kCritical && random.ChancePerMille(kWorseOnRepeatPerMille)) {
    acuity = static_cast<Acuity>(static_cast<int>(acuity) + 1);
  }
  SurgeRequest repeat = DrawRequest(random, patient, first.patient, acuity, true);
  const UnixMillis delay =
      random.Between(kMinRepeatDelayMinutes, kMaxRepeatDelayMinutes) * kMillisPerMinute;
  repeat.at = std::min(first.at + delay, day.ends_at - kMillisPerSecond);
  return repeat;
}

}  // namespace

std::string_view IntakeChannelName(IntakeChannel channel) {
  return channel == IntakeChannel::kHotline ? "hotline" : "public";
}

std::string_view AcuityName(Acuity acuity) {
  constexpr std::array<std::string_view, 4> kNames = {"mild", "moderate", "severe", "critical"};
  return kNames[static_cast<std::size_t>(acuity)];
}

std::span<const int> SurgeHourlyPerMille() { return kHourlyPerMille; }

ClinicDay GenerateClinicDay(const ClinicDayOptions& options, std::span<const Resident> residents,
                            std::span<const Volunteer> volunteers) {
  ClinicDay day;
  day.seed = options.seed;
  const int requests = std::clamp(options.requests, 0, kMaxSurgeRequests);
  const int repeats = requests * kRepeatCallPerMille / kPerMille;
  const std::vector<std::size_t> chosen =
      ChoosePatients(options.seed, static_cast<std::size_t>(requests - repeats), residents);

  for (std::size_t patient_index = 0; patient_index < chosen.size(); ++patient_index) {
    Random random(StreamSeed(options.seed, kPatientStream, patient_index));
    day.patients.push_back(DrawPatient(random, residents, chosen[patient_index]));
    const SurgePatient& patient = day.patients.back();
    const Acuity acuity = DrawAcuity(random, patient.age_years);
    SurgeRequest first = DrawRequest(random, patient, patient_index, acuity, false);
    first.at = DrawTime(random);
    day.patients.back().onset_days_before =
        random.Between(kVitalRanges[static_cast<int>(acuity)].onset_days[0],
                       kVitalRanges[static_cast<int>(acuity)].onset_days[1]);
    day.requests.push_back(std::move(first));
  }
  const std::size_t first_calls = day.requests.size();
  if (first_calls > 0) {
    for (int repeat_index = 0; repeat_index < repeats; ++repeat_index) {
      day.requests.push_back(
          DrawRepeat(options.seed, static_cast<std::size_t>(repeat_index), day, first_calls));
    }
  }
  // A repeat never comes before the call it repeats: both sort by time, then first calls first.
  std::stable_sort(day.requests.begin(), day.requests.end(),
                   [](const SurgeRequest& a, const SurgeRequest& b) {
                     if (a.at != b.at) return a.at < b.at;
                     return !a.repeat_call && b.repeat_call;
                   });
  day.roster = GenerateRoster(options.seed, options.roster, volunteers);
  return day;
}

}  // namespace lifeline::scenario
