#include "engines/scenario/clinic_day.h"

#include <gtest/gtest.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <set>
#include <string>

#include "engines/triage/triage.h"

namespace lifeline::scenario {
namespace {

// The reported half: "about half of them severe". The band leaves room for the draw.
constexpr double kMinSevereShare = 0.40;
constexpr double kMaxSevereShare = 0.60;
constexpr int kMinutesPerDay = 24 * 60;

const Scenario& City() {
  static const Scenario city = GenerateScenario({});
  return city;
}

ClinicDay Day(const ClinicDayOptions& options = {}) {
  return GenerateClinicDay(options, City().residents, City().volunteers);
}

std::string Number(std::optional<double> value) {
  if (!value) return "-";
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), *value);
  return std::string(buffer, result.ptr);
}

std::string Flag(std::optional<bool> value) { return value ? (*value ? "1" : "0") : "-"; }

std::string Join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += item + ",";
  return text;
}

// Every generated field, in order, so two days compare equal only if identical.
std::string Fingerprint(const ClinicDay& day) {
  std::string text = std::to_string(day.seed) + "\n";
  for (const SurgePatient& patient : day.patients) {
    text += std::to_string(patient.resident) + "|" + std::to_string(patient.age_years) + "|" +
            std::to_string(patient.age_months.value_or(-1)) + "|" +
            std::string(SexName(patient.sex)) + "|" +
            std::to_string(patient.pregnancy_weeks.value_or(-1)) + "|" + patient.district_code +
            "|" + patient.street + "|" + patient.phone + "|" +
            std::to_string(patient.onset_days_before) + "|" + Join(patient.comorbidities) + "|" +
            patient.pcr + "\n";
  }
  for (const SurgeRequest& request : day.requests) {
    const ReportedVitals& vitals = request.vitals;
    text +=
        std::to_string(request.at) + "|" + std::string(IntakeChannelName(request.channel)) + "|" +
        std::to_string(request.patient) + "|" + std::to_string(request.repeat_call) + "|" +
        std::string(AcuityName(request.acuity)) + "|" + Join(request.needs) + "|" +
        Number(vitals.spo2) + Flag(vitals.on_oxygen) + Number(vitals.resp_rate) +
        Number(vitals.heart_rate) + Number(vitals.temperature_c) + Number(vitals.systolic_bp) +
        vitals.consciousness + Flag(vitals.pneumonia_on_imaging) + Flag(vitals.shock) +
        Flag(vitals.ards) + Flag(vitals.organ_failure_icu) + Number(vitals.fever_days) +
        Flag(vitals.laboured_breathing) + "|" + Join(vitals.symptoms) + "|" +
        (request.call_back ? Number(request.call_back->spo2) + Number(request.call_back->resp_rate)
                           : "") +
        "\n";
  }
  for (const RosterEntry& entry : day.roster) {
    text += std::to_string(entry.volunteer) + "|" + std::to_string(entry.shift_start_minute) + "-" +
            std::to_string(entry.shift_end_minute) + "|" + entry.licence_number + "\n";
  }
  return text;
}

// What the clinic would hand the triage engine for this request (services/clinic does the same
// through its own types).
triage::Observation ObservationFor(const SurgePatient& patient, const SurgeRequest& request) {
  triage::Observation observation;
  if (patient.age_months) {
    observation.age_months = *patient.age_months;
  } else {
    observation.age_years = patient.age_years;
  }
  const ReportedVitals& vitals = request.vitals;
  observation.spo2 = vitals.spo2;
  observation.on_oxygen = vitals.on_oxygen;
  observation.resp_rate = vitals.resp_rate;
  observation.heart_rate = vitals.heart_rate;
  observation.temperature_c = vitals.temperature_c;
  observation.systolic_bp = vitals.systolic_bp;
  if (!vitals.consciousness.empty()) {
    observation.consciousness = triage::ParseConsciousness(vitals.consciousness);
  }
  observation.pneumonia_on_imaging = vitals.pneumonia_on_imaging;
  observation.shock = vitals.shock;
  observation.ards = vitals.ards;
  observation.organ_failure_icu = vitals.organ_failure_icu;
  observation.fever_days = vitals.fever_days;
  observation.laboured_breathing = vitals.laboured_breathing;
  observation.drowsiness_or_convulsions = vitals.drowsiness_or_convulsions;
  for (const std::string& name : patient.comorbidities) {
    observation.risk_factors |= triage::ParseRiskFactor(name).value_or(triage::RiskFactor{});
  }
  if (patient.pregnancy_weeks) observation.risk_factors |= triage::kRiskPregnancy;
  for (const std::string& symptom : vitals.symptoms) {
    observation.red_flags |= triage::MatchRedFlags(symptom);
  }
  for (const std::string& name : request.needs) {
    observation.needs |= triage::ParseNeed(name).value_or(triage::Need{});
  }
  return observation;
}

double SevereShare(const ClinicDay& day) {
  int severe = 0;
  for (const SurgeRequest& request : day.requests) {
    const triage::TriageResult result =
        triage::Triage(ObservationFor(day.patients[request.patient], request));
    if (result.nhc_severity >= triage::Severity::kSevere) ++severe;
  }
  return static_cast<double>(severe) / static_cast<double>(day.requests.size());
}

TEST(ClinicDayTest, SameSeedGivesTheSameDay) {
  EXPECT_EQ(Fingerprint(Day()), Fingerprint(Day()));
  EXPECT_NE(Fingerprint(Day({.seed = 1})), Fingerprint(Day({.seed = 2})));
}

TEST(ClinicDayTest, HasTheRequestedVolumeInTimeOrderInsideTheDay) {
  for (const int requests : {kDefaultSurgeRequests, kFullSurgeRequests}) {
    const ClinicDay day = Day({.requests = requests});
    ASSERT_EQ(static_cast<int>(day.requests.size()), requests);
    EXPECT_EQ(day.ends_at - day.starts_at, kSurgeDayLength);
    UnixMillis previous = day.starts_at;
    std::set<std::size_t> called;
    for (const SurgeRequest& request : day.requests) {
      EXPECT_GE(request.at, previous);
      EXPECT_LT(request.at, day.ends_at);
      previous = request.at;
      ASSERT_LT(request.patient, day.patients.size());
      // A repeat call always follows the family's first call.
      EXPECT_EQ(called.contains(request.patient), request.repeat_call);
      called.insert(request.patient);
    }
  }
}

TEST(ClinicDayTest, ArrivalsFollowTheRampOf86Then300ThenOver900) {
  const ClinicDay day = Day({.requests = kFullSurgeRequests});
  int before_eight = 0;
  int before_two = 0;
  for (const SurgeRequest& request : day.requests) {
    before_eight += request.at < day.starts_at + 8 * kMillisPerHour ? 1 : 0;
    before_two += request.at < day.starts_at + 14 * kMillisPerHour ? 1 : 0;
  }
  EXPECT_NEAR(before_eight, 86, 30);
  EXPECT_NEAR(before_two, 300, 50);
}

TEST(ClinicDayTest, AboutHalfTheRequestsAreSevereOrCriticalByTheTriageEngine) {
  for (const std::uint64_t seed : {kDefaultSeed, std::uint64_t{1}, std::uint64_t{2020}}) {
    const double share = SevereShare(Day({.seed = seed, .requests = kFullSurgeRequests}));
    EXPECT_GE(share, kMinSevereShare) << "seed " << seed;
    EXPECT_LE(share, kMaxSevereShare) << "seed " << seed;
  }
}

TEST(ClinicDayTest, RequestsLookLikeWhatFamiliesReported) {
  const ClinicDay day = Day({.requests = kFullSurgeRequests});
  int no_spo2 = 0, hotline = 0, repeats = 0, red_flags = 0, children = 0;
  std::set<std::size_t> residents;
  for (const SurgePatient& patient : day.patients) {
    EXPECT_TRUE(residents.insert(patient.resident).second) << "a resident falls ill once";
    const Resident& resident = City().residents[patient.resident];
    EXPECT_EQ(patient.district_code, resident.district_code);
    EXPECT_EQ(patient.sex, resident.sex);
    EXPECT_FALSE(patient.street.empty());
    EXPECT_EQ(patient.phone.size(), 11u);
    EXPECT_GE(patient.onset_days_before, 1);
    if (patient.age_years < 2) {
      ASSERT_TRUE(patient.age_months.has_value());
      EXPECT_LT(*patient.age_months, 24);
    }
    if (patient.pregnancy_weeks) {
      EXPECT_EQ(patient.sex, Sex::kFemale);
    }
    children += patient.age_years < 18 ? 1 : 0;
  }
  for (const SurgeRequest& request : day.requests) {
    EXPECT_FALSE(request.needs.empty());
    no_spo2 += request.vitals.spo2 ? 0 : 1;
    hotline += request.channel == IntakeChannel::kHotline ? 1 : 0;
    repeats += request.repeat_call ? 1 : 0;
    if (request.call_back) {
      EXPECT_FALSE(request.vitals.spo2) << "a call-back brings the missing SpO2";
      EXPECT_TRUE(request.call_back->spo2);
    }
    for (const std::string& symptom : request.vitals.symptoms) {
      red_flags += triage::MatchRedFlags(symptom) != 0 ? 1 : 0;
    }
  }
  const int total = static_cast<int>(day.requests.size());
  EXPECT_GT(no_spo2, total / 5) << "many families had no oximeter";
  EXPECT_LT(no_spo2, total / 2);
  EXPECT_GT(hotline, total / 10);
  EXPECT_GT(repeats, 0);
  EXPECT_GT(red_flags, 0);
  EXPECT_LT(children, total / 10) << "few children fell severely ill";
}

TEST(ClinicDayTest, RosterMixesRolesAndCoversEveryHourWithClinicians) {
  const ClinicDay day = Day();
  ASSERT_EQ(static_cast<int>(day.roster.size()), kDefaultRosterSize);
  std::set<Role> roles;
  std::array<int, kMinutesPerDay> clinicians_on_duty{};
  for (const RosterEntry& entry : day.roster) {
    const Volunteer& volunteer = City().volunteers[entry.volunteer];
    roles.insert(volunteer.role);
    const bool clinical = volunteer.role == Role::kDoctor || volunteer.role == Role::kNurse;
    EXPECT_EQ(entry.licence_number.size(), clinical ? 15u : 0u);
    if (!clinical) continue;
    for (int minute = 0; minute < kMinutesPerDay; ++minute) {
      const bool on_duty =
          entry.shift_start_minute < entry.shift_end_minute
              ? minute >= entry.shift_start_minute && minute < entry.shift_end_minute
              : minute >= entry.shift_start_minute || minute < entry.shift_end_minute;
      clinicians_on_duty[minute] += on_duty ? 1 : 0;
    }
  }
  EXPECT_EQ(roles.size(), 4u);
  for (int minute = 0; minute < kMinutesPerDay; ++minute) {
    EXPECT_GE(clinicians_on_duty[minute], 2) << "minute " << minute;
  }
}

TEST(ClinicDayTest, RosterGrowsWithTheDay) {
  EXPECT_EQ(RosterSizeFor(0), kDefaultRosterSize);
  EXPECT_EQ(RosterSizeFor(kDefaultSurgeRequests), kDefaultRosterSize);
  EXPECT_GT(RosterSizeFor(kFullSurgeRequests), 2 * kDefaultRosterSize);
  EXPECT_EQ(RosterSizeFor(1'000'000), kMaxRosterSize);
}

TEST(ClinicDayTest, FewerResidentsThanRequestsGiveOneFirstCallEach) {
  const Scenario small = GenerateScenario({.residents = 20, .volunteers = 0});
  const ClinicDay day = GenerateClinicDay({}, small.residents, small.volunteers);
  EXPECT_EQ(day.patients.size(), 20u);
  EXPECT_TRUE(day.roster.empty());
  const ClinicDay empty = GenerateClinicDay({}, {}, {});
  EXPECT_TRUE(empty.requests.empty());
}

}  // namespace
}  // namespace lifeline::scenario
