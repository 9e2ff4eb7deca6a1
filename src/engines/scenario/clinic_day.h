#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "engines/scenario/scenario.h"

namespace lifeline::scenario {

// One synthetic day of the volunteer online clinic at the height of the surge, drawn from a seed
// and the synthetic city: help requests with their submission times, the patients behind them
// and the volunteers on the clinic's roster. Pure computation like GenerateScenario: no I/O, no
// clock, no global state; equal inputs give equal days on every platform.
//
// Shape (../shared/data/wuhan-2020.md): on 29–30 January 2020 the requests reaching the clinic
// through one news platform grew from 86 to 300 to over 900 in a day, about half of them severe.
// The hourly curve below reproduces that ramp: of a full day's requests about 9.5 % (86 of 900)
// arrive before 08:00, a third (300) before 14:00 and the rest in the afternoon and evening, as
// the platform's post spread. A smaller day keeps the shape and scales the counts.
//
// Everything clinical is invented: vital signs follow the course of COVID-19 pneumonia as
// described in the NHC protocol (breathlessness about a week after onset; SpO2 and respiratory
// rate separate the severe from the rest), tuned so that about half of the requests are severe
// or critical by the NHC criteria. The engine does not triage; it only writes what a family
// would report, including what they could not measure.

// 00:00 on Thursday 30 January 2020 in Wuhan (UTC+8), the day the requests passed 900.
constexpr UnixMillis kSurgeDayStart = 1580313600000;  // 2020-01-29T16:00:00Z
constexpr UnixMillis kSurgeDayLength = kMillisPerDay;
constexpr int kSurgeUtcOffsetMinutes = 8 * 60;
// A demo day small enough to write in a few seconds; kFullSurgeRequests is the real day's "900+".
constexpr int kDefaultSurgeRequests = 300;
constexpr int kFullSurgeRequests = 920;
constexpr int kMaxSurgeRequests = 5000;
// Volunteers on the clinic's roster that day. The clinic had 400+; a demo needs enough to cover
// every shift, and each one costs an Argon2id hash when it is written.
constexpr int kDefaultRosterSize = 20;
constexpr int kMaxRosterSize = 500;

enum class IntakeChannel { kPublic, kHotline };
std::string_view IntakeChannelName(IntakeChannel channel);  // "public", "hotline"

// How ill the patient really is. Only the generator and tests see it; the clinic sees the
// measurements, which may leave a severe patient looking mild when nothing was measured.
enum class Acuity { kMild, kModerate, kSevere, kCritical };
std::string_view AcuityName(Acuity acuity);  // "mild", "moderate", "severe", "critical"

// What a family reports in one request. Missing is std::nullopt (or "" for consciousness).
// Field names and units are those of the triage command-line contract (docs/triage.md).
struct ReportedVitals {
  std::optional<double> spo2;
  std::optional<bool> on_oxygen;
  std::optional<double> resp_rate;
  std::optional<double> heart_rate;
  std::optional<double> temperature_c;
  std::optional<double> systolic_bp;
  std::string consciousness;  // "A", "C", "V", "P", "U" or "" when nobody said
  std::optional<bool> pneumonia_on_imaging;
  // Only when a doctor at a fever clinic examined the patient and found no ICU bed for them.
  std::optional<bool> shock;
  std::optional<bool> ards;               // "white lung" on CT
  std::optional<bool> organ_failure_icu;  // e.g. kidneys failing, dialysis not to be had
  std::optional<double> fever_days;
  std::optional<bool> laboured_breathing;
  std::optional<bool> drowsiness_or_convulsions;
  std::vector<std::string> symptoms;  // Chinese free text, as typed; may hold red-flag phrases
};

// A patient of the day: a synthetic resident of the city who fell ill.
struct SurgePatient {
  std::size_t resident = 0;  // index into the residents the day was drawn from
  int age_years = 0;
  std::optional<int> age_months;  // for children under 2, whose age the clinic takes in months
  Sex sex = Sex::kFemale;
  std::optional<int> pregnancy_weeks;
  std::string district_code;
  std::string street;         // a synthetic address on a real road of the district
  std::string phone;          // the family's contact number: the patient's or a relative's at home
  int onset_days_before = 1;  // symptoms began this many days before the first call
  std::vector<std::string> comorbidities;  // wire names: "hypertension", "diabetes", ...
  std::string pcr;  // "", "positive", "negative", "pending": tests were scarce
};

// One help request as submitted. A second call about the same patient (a family calling again)
// shares `patient` and has `repeat_call` set.
struct SurgeRequest {
  UnixMillis at = 0;  // in [kSurgeDayStart, kSurgeDayStart + kSurgeDayLength)
  IntakeChannel channel = IntakeChannel::kPublic;
  std::size_t patient = 0;  // index into ClinicDay::patients
  bool repeat_call = false;
  Acuity acuity = Acuity::kMild;   // the patient's condition at this call
  std::vector<std::string> needs;  // wire names: "advice", "oxygen", "bed", ...
  ReportedVitals vitals;
  // What the family can measure when a volunteer calls back, if the first call had no SpO2
  // (a neighbour lends an oximeter; the community clinic sends one).
  std::optional<ReportedVitals> call_back;
};

// A volunteer on the clinic's roster and their daily shift, in the clinic's local time.
struct RosterEntry {
  std::size_t volunteer = 0;  // index into the volunteers the day was drawn from
  int shift_start_minute = 0;
  int shift_end_minute = 0;    // before the start when the shift runs past midnight
  std::string licence_number;  // doctors and nurses: a synthetic 15-digit practice certificate
};

struct ClinicDayOptions {
  std::uint64_t seed = kDefaultSeed;
  int requests = kDefaultSurgeRequests;  // clamped to [0, kMaxSurgeRequests]
  int roster = kDefaultRosterSize;       // clamped to [0, kMaxRosterSize]
};

struct ClinicDay {
  std::uint64_t seed = 0;
  UnixMillis starts_at = kSurgeDayStart;
  UnixMillis ends_at = kSurgeDayStart + kSurgeDayLength;
  std::vector<SurgePatient> patients;
  std::vector<SurgeRequest> requests;  // ordered by time
  std::vector<RosterEntry> roster;     // ordered by volunteer index
};

// The day for `options`, drawing patients from `residents` (each at most once, more often the
// old, as the epidemic did) and the roster from `volunteers` (a mix of roles the clinic's tiers
// need). With fewer residents than requests the day holds one first call per resident.
ClinicDay GenerateClinicDay(const ClinicDayOptions& options, std::span<const Resident> residents,
                            std::span<const Volunteer> volunteers);

// The roster part of GenerateClinicDay: volunteers taken from `volunteers` in index order to
// fill a mix of roles (doctors and nurses for triage, wards and the ICU group; angels for
// follow-up calls; counsellors for life care), each with a daily shift so that clinicians cover
// every hour. `size` is clamped to [0, kMaxRosterSize]; fewer volunteers give a shorter roster.
std::vector<RosterEntry> GenerateRoster(std::uint64_t seed, int size,
                                        std::span<const Volunteer> volunteers);

// A roster that gives each volunteer about fifteen of the day's requests, never below the
// default: 20 for the demo day, 61 for the full one.
int RosterSizeFor(int requests);

// Share of a full day's requests, per mille, arriving in each local hour (they sum to 1000).
std::span<const int> SurgeHourlyPerMille();

}  // namespace lifeline::scenario
