// The clinic's roster for the day: who of the city's volunteers is on duty, and when.

#include <algorithm>
#include <array>
#include <utility>

#include "engines/scenario/clinic_day.h"
#include "engines/scenario/random.h"

namespace lifeline::scenario {
namespace {

constexpr std::uint64_t kRosterStream = 14;  // one per volunteer, after clinic_day.cc's streams
constexpr int kPerMille = 1000;
constexpr int kMinutesPerHour = 60;
constexpr std::uint64_t kDecimalBase = 10;

constexpr int AtHour(int hour) { return hour * kMinutesPerHour; }

// The roster's mix of roles, per mille: clinicians for triage, wards and the ICU group, angels
// for follow-up calls, counsellors for life care.
constexpr std::array<std::pair<Role, int>, 4> kRosterMix = {
    {{Role::kDoctor, 400}, {Role::kNurse, 250}, {Role::kAngel, 220}, {Role::kCounsellor, 130}}};
struct ShiftBlock {
  int start_minute;
  int end_minute;
};
// Six-hour clinical shifts round the clock; angels and counsellors by day and evening.
constexpr std::array<ShiftBlock, 4> kClinicalShifts = {{{AtHour(8), AtHour(14)},
                                                        {AtHour(14), AtHour(20)},
                                                        {AtHour(20), AtHour(2)},
                                                        {AtHour(2), AtHour(8)}}};
constexpr std::array<ShiftBlock, 3> kAngelShifts = {
    {{AtHour(8), AtHour(14)}, {AtHour(14), AtHour(20)}, {AtHour(20), AtHour(0)}}};
constexpr std::array<ShiftBlock, 2> kCounsellorShifts = {
    {{AtHour(8), AtHour(16)}, {AtHour(16), AtHour(0)}}};
constexpr int kRequestsPerRosterVolunteer = 15;
constexpr std::string_view kLicencePrefix = "14201";  // synthetic: Hubei, Wuhan
constexpr int kLicenceRandomDigits = 10;

std::string Digits(Random& random, int count) {
  std::string digits;
  for (int index = 0; index < count; ++index) {
    digits.push_back(static_cast<char>('0' + random.Below(kDecimalBase)));
  }
  return digits;
}

}  // namespace

int RosterSizeFor(int requests) {
  return std::clamp(requests / kRequestsPerRosterVolunteer, kDefaultRosterSize, kMaxRosterSize);
}

std::vector<RosterEntry> GenerateRoster(std::uint64_t seed, int requested_size,
                                        std::span<const Volunteer> volunteers) {
  const int size = std::clamp(requested_size, 0, kMaxRosterSize);
  std::array<int, kRosterMix.size()> quota{};
  std::array<int, kRosterMix.size()> taken{};
  int assigned = 0;
  for (std::size_t role = 0; role < kRosterMix.size(); ++role) {
    quota[role] = size * kRosterMix[role].second / kPerMille;
    assigned += quota[role];
  }
  quota[0] += size - assigned;  // rounding leftovers go to doctors
  std::vector<RosterEntry> roster;
  for (std::size_t index = 0; index < volunteers.size(); ++index) {
    std::size_t role = 0;
    while (role < kRosterMix.size() && kRosterMix[role].first != volunteers[index].role) ++role;
    if (role == kRosterMix.size() || taken[role] >= quota[role]) continue;
    const int turn = taken[role]++;
    RosterEntry entry;
    entry.volunteer = index;
    const Role kind = kRosterMix[role].first;
    const ShiftBlock block = kind == Role::kAngel ? kAngelShifts[turn % kAngelShifts.size()]
                             : kind == Role::kCounsellor
                                 ? kCounsellorShifts[turn % kCounsellorShifts.size()]
                                 : kClinicalShifts[turn % kClinicalShifts.size()];
    entry.shift_start_minute = block.start_minute;
    entry.shift_end_minute = block.end_minute;
    if (kind == Role::kDoctor || kind == Role::kNurse) {
      Random random(StreamSeed(seed, kRosterStream, index));
      entry.licence_number = std::string(kLicencePrefix) + Digits(random, kLicenceRandomDigits);
    }
    roster.push_back(std::move(entry));
  }
  return roster;
}

}  // namespace lifeline::scenario
