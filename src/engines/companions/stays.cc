#include "engines/companions/stays.h"

#include <algorithm>
#include <cassert>

namespace lifeline::companions {

std::optional<PhoneIdx> StayTable::FindPhone(std::uint64_t phone_key) const {
  const auto found = std::lower_bound(phone_keys.begin(), phone_keys.end(), phone_key);
  if (found == phone_keys.end() || *found != phone_key) return std::nullopt;
  return static_cast<PhoneIdx>(found - phone_keys.begin());
}

StayId StayTable::FirstStayEndingFrom(PhoneIdx phone, std::int64_t time) const {
  const auto first = end.begin() + phone_first_stay[phone];
  const auto last = end.begin() + phone_first_stay[phone + 1];
  return static_cast<StayId>(std::lower_bound(first, last, time) - end.begin());
}

void StayTable::AppendPhone(std::uint64_t phone_key, std::span<const CellVisit> visits,
                            std::int64_t gap_s) {
  assert((phone_keys.empty() || phone_key > phone_keys.back()) && "phones must ascend by key");
  const auto phone = static_cast<PhoneIdx>(phone_keys.size());
  phone_keys.push_back(phone_key);
  std::size_t first = 0;
  while (first < visits.size()) {
    std::size_t last = first;
    while (last + 1 < visits.size() && visits[last + 1].cell == visits[first].cell) ++last;
    const std::int64_t last_time = visits[last].time;
    const bool next_within_gap =
        last + 1 < visits.size() && visits[last + 1].time - last_time <= gap_s;
    owner.push_back(phone);
    cell.push_back(visits[first].cell);
    start.push_back(visits[first].time);
    end.push_back(next_within_gap ? visits[last + 1].time : last_time);
    first = last + 1;
  }
  phone_first_stay.push_back(static_cast<StayId>(start.size()));
}

}  // namespace lifeline::companions
