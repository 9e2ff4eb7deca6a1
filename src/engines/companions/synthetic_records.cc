// The synthetic city's records: each phone's day planned from its profile, pinged at irregular
// times on the towers near where it is, and written as records.csv text on several threads in
// the files' order.

#include <algorithm>
#include <array>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include "engines/companions/synthetic_city.h"
#include "engines/companions/synthetic_model.h"

namespace lifeline::companions {
namespace {

using synthetic::kDaySeconds;
using synthetic::kLocalOffsetSeconds;
using synthetic::kNoPlace;
using synthetic::kTowerIdChars;
using synthetic::Point;
using synthetic::Rng;
using synthetic::Role;
using synthetic::Stream;
using synthetic::StreamKey;

using Place = SyntheticCity::Place;
using Profile = SyntheticCity::Profile;

constexpr std::int32_t kHour = 3600;
constexpr std::int32_t kMinute = 60;

// Travel takes a fixed overhead plus the straight distance at city speed (buses, metro, cars).
constexpr double kTravelMetersPerSecond = 6.0;
constexpr std::int32_t kTravelOverheadSeconds = 5 * kMinute;

// A day's habits, per mille of days unless said otherwise.
constexpr int kAbsentPerMille = 30;  // a working day missed (ill, on leave)
constexpr std::int32_t kArrivalJitter = 15 * kMinute;
constexpr std::int32_t kLeaveEarliest = -20 * kMinute, kLeaveLatest = 40 * kMinute;
constexpr int kMorningErrandAtHome = 550;  // for those who stay around home
constexpr int kMorningErrandDayOff = 200;  // for the others on a day off
constexpr std::int32_t kErrandFrom = 7 * kHour, kErrandTo = 10 * kHour;
constexpr std::int32_t kErrandMin = 45 * kMinute, kErrandMax = 2 * kHour;
constexpr int kOutingWeekendPerMille = 650;  // an afternoon out on Saturday or Sunday
constexpr int kOutingWeekdayPerMille = 350;  // on another day off
constexpr int kSecondVisitPerMille = 300;    // an outing to two favourites
constexpr std::int32_t kOutingFrom = 10 * kHour, kOutingTo = 16 * kHour;
constexpr std::int32_t kVisitMin = 90 * kMinute, kVisitMax = 4 * kHour;
constexpr std::int32_t kEveningFrom = 18 * kHour, kEveningTo = 20 * kHour;
constexpr std::int32_t kEveningMin = 1 * kHour, kEveningMax = 150 * kMinute;

// Pings: irregular gaps. At night phones are quieter, on the move they hand over between towers,
// and in the day a call or message now and then comes in a burst. Tuned for about 14.3 records a
// phone a day.
constexpr std::int32_t kNightEnd = 6 * kHour;
constexpr std::int32_t kNightGapMin = 100 * kMinute, kNightGapMax = 220 * kMinute;
constexpr std::int32_t kDayGapMin = 45 * kMinute, kDayGapMax = 175 * kMinute;
constexpr std::int32_t kMovingGapMin = 4 * kMinute, kMovingGapMax = 15 * kMinute;
constexpr std::int32_t kBurstGapMin = 1 * kMinute, kBurstGapMax = 8 * kMinute;
constexpr int kBurstPerMille = 80;
// On the move, where the phone is along the way is known only this well.
constexpr double kMovingNoiseMeters = 200;

// Bounds for one phone-day's text: gaps of at least a minute, lines of at most 32 bytes
// (11 digits, a 7-character tower id, a time of at most 10 digits, two commas, a newline).
constexpr std::size_t kMaxRecordsPerPhoneDay = kDaySeconds / kBurstGapMin + 1;
constexpr std::size_t kMaxLineBytes = 32;
constexpr std::size_t kMaxPhoneDayBytes = kMaxRecordsPerPhoneDay * kMaxLineBytes;
static_assert(SyntheticCity::kPhoneDigits + kTowerIdChars + 10 + 3 <= kMaxLineBytes);

// Phones per block of text: a few megabytes, so threads share work evenly and memory stays small.
constexpr SyntheticPhone kPhonesPerBlock = 4096;

constexpr std::string_view kRecordsHeader = "phone,cell_id,time\n";

// 0 = Sunday, for the local date of a day starting at `day_start` (1970-01-01 was a Thursday).
int Weekday(std::int64_t day_start) {
  const std::int64_t local_day = (day_start + kLocalOffsetSeconds) / kDaySeconds;
  return static_cast<int>((local_day + 4) % 7);
}

std::int32_t TravelSeconds(Point from, Point to) {
  const double meters = std::sqrt(synthetic::DistanceSquared(from, to));
  return kTravelOverheadSeconds + static_cast<std::int32_t>(meters / kTravelMetersPerSecond);
}

// One part of a day: at `place` over [begin, end), or on the way from `place` to `to`.
struct Segment {
  std::int32_t begin = 0;
  std::int32_t end = 0;
  std::uint32_t place = 0;
  std::uint32_t to = kNoPlace;  // kNoPlace: staying at `place`
};

// A day's plan, built in order from midnight at home: every step starts where the last ended.
class DayPlan {
 public:
  DayPlan(std::span<const Place> places, std::uint32_t home)
      : places_(places), home_(home), here_(home) {}

  std::int32_t now() const { return now_; }
  std::uint32_t home() const { return home_; }
  std::int32_t TravelSecondsTo(std::uint32_t place) const {
    return place == here_ ? 0 : TravelSeconds(places_[here_].point, places_[place].point);
  }

  // Stays where it is until `time`; nothing if that is past.
  void StayUntil(std::int32_t time) {
    if (time <= now_) return;
    Add({now_, time, here_, kNoPlace});
    now_ = time;
  }
  void StayFor(std::int32_t seconds) { StayUntil(now_ + seconds); }
  void TravelTo(std::uint32_t place) {
    const std::int32_t seconds = TravelSecondsTo(place);
    if (seconds == 0) return;
    Add({now_, now_ + seconds, here_, place});
    now_ += seconds;
    here_ = place;
  }
  void EndAtHome() {
    TravelTo(home_);
    StayUntil(kDaySeconds);
  }

  std::span<const Segment> segments() const { return {segments_.data(), count_}; }

 private:
  // Plans have a dozen parts at most; the bound only guards against a change in the habits.
  static constexpr std::size_t kMaxSegments = 24;
  void Add(const Segment& segment) {
    if (count_ < kMaxSegments) segments_[count_++] = segment;
  }

  std::span<const Place> places_;
  std::uint32_t home_;
  std::uint32_t here_;
  std::int32_t now_ = 0;
  std::array<Segment, kMaxSegments> segments_;
  std::size_t count_ = 0;
};

std::uint32_t PickFavourite(const Profile& profile, Rng& rng) {
  return profile.favourites[rng.Below(profile.favourite_count)];
}

// Where a phone goes on a day: to work or school on its working days, errands, an afternoon
// out or an evening visit to its favourites, and home for the night.
void PlanDay(const Profile& profile, int weekday, Rng& rng, DayPlan& plan) {
  const bool working = profile.work != kNoPlace && ((profile.off_days >> weekday) & 1) == 0 &&
                       !rng.PerMille(kAbsentPerMille);
  if (working) {
    const std::int32_t arrival =
        profile.work_start_min * kMinute +
        static_cast<std::int32_t>(rng.Between(-kArrivalJitter, kArrivalJitter));
    plan.StayUntil(arrival - plan.TravelSecondsTo(profile.work));
    plan.TravelTo(profile.work);
    plan.StayUntil((profile.work_start_min + profile.work_minutes) * kMinute +
                   static_cast<std::int32_t>(rng.Between(kLeaveEarliest, kLeaveLatest)));
    if (rng.PerMille(profile.evening_per_mille)) {
      plan.TravelTo(PickFavourite(profile, rng));
      plan.StayFor(static_cast<std::int32_t>(rng.Between(kEveningMin, kEveningMax)));
    }
    plan.EndAtHome();
    return;
  }
  const bool weekend = weekday == 0 || weekday == 6;
  if (rng.PerMille(profile.role == Role::kAtHome ? kMorningErrandAtHome : kMorningErrandDayOff)) {
    plan.StayUntil(static_cast<std::int32_t>(rng.Between(kErrandFrom, kErrandTo)));
    plan.TravelTo(PickFavourite(profile, rng));
    plan.StayFor(static_cast<std::int32_t>(rng.Between(kErrandMin, kErrandMax)));
    plan.TravelTo(plan.home());
  }
  if (rng.PerMille(weekend ? kOutingWeekendPerMille : kOutingWeekdayPerMille)) {
    plan.StayUntil(static_cast<std::int32_t>(rng.Between(kOutingFrom, kOutingTo)));
    const int visits = rng.PerMille(kSecondVisitPerMille) ? 2 : 1;
    for (int visit = 0; visit < visits; ++visit) {
      plan.TravelTo(PickFavourite(profile, rng));
      plan.StayFor(static_cast<std::int32_t>(rng.Between(kVisitMin, kVisitMax)));
    }
  } else if (rng.PerMille(profile.evening_per_mille)) {
    plan.StayUntil(static_cast<std::int32_t>(rng.Between(kEveningFrom, kEveningTo)));
    plan.TravelTo(PickFavourite(profile, rng));
    plan.StayFor(static_cast<std::int32_t>(rng.Between(kEveningMin, kEveningMax)));
  }
  plan.EndAtHome();
}

// One of the towers near a place, by the place's shares (the nearest most often).
std::uint32_t NearTower(const Place& place, Rng& rng) {
  auto draw = static_cast<int>(rng.Below(1000));
  for (int idx = 0; idx + 1 < synthetic::kNearTowers; ++idx) {
    if (draw < place.tower_per_mille[idx]) return place.near_towers[idx];
    draw -= place.tower_per_mille[idx];
  }
  return place.near_towers[synthetic::kNearTowers - 1];
}

// The wait until a phone's next record after one at `time` (seconds into the day).
std::int32_t NextGap(Rng& rng, std::int32_t time, bool moving) {
  if (moving) return static_cast<std::int32_t>(rng.Between(kMovingGapMin, kMovingGapMax));
  if (time < kNightEnd) return static_cast<std::int32_t>(rng.Between(kNightGapMin, kNightGapMax));
  if (rng.PerMille(kBurstPerMille)) {
    return static_cast<std::int32_t>(rng.Between(kBurstGapMin, kBurstGapMax));
  }
  return static_cast<std::int32_t>(rng.Between(kDayGapMin, kDayGapMax));
}

// Writes `value` in decimal at `out`; returns the end.
inline char* WriteDecimal(char* out, std::uint64_t value) {
  char digits[20];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (count > 0) *out++ = digits[--count];
  return out;
}

}  // namespace

// A growing block of text written through raw pointers: Reserve is the inline fast path, Grow
// the rare slow one. Not thread-safe; each block of work has its own.
class SyntheticCity::TextBuffer {
 public:
  char* Reserve(std::size_t bytes) {
    if (capacity_ - size_ < bytes) Grow(bytes);
    return data_.get() + size_;
  }
  void CommitUpTo(const char* end) { size_ = static_cast<std::size_t>(end - data_.get()); }
  void Clear() { size_ = 0; }
  std::string_view view() const { return {data_.get(), size_}; }

 private:
  void Grow(std::size_t bytes) {
    const std::size_t capacity = std::max(capacity_ * 2, size_ + bytes);
    std::unique_ptr<char[]> data(new char[capacity]);
    if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
    data_ = std::move(data);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

template <typename Emit>
void SyntheticCity::GeneratePhoneDay(SyntheticPhone phone, int day, Emit&& emit) const {
  const Profile& profile = profiles_[phone];
  Rng rng(StreamKey(options_.seed, Stream::kDay, phone, static_cast<std::uint64_t>(day)));
  const std::int64_t day_start = options_.start + static_cast<std::int64_t>(day) * kDaySeconds;
  DayPlan plan(places_, profile.household);
  PlanDay(profile, Weekday(day_start), rng, plan);
  const std::span<const Segment> segments = plan.segments();
  std::size_t current = 0;
  // The first record comes as if the night's pinging had begun before midnight.
  auto time = static_cast<std::int32_t>(rng.Below((kNightGapMin + kNightGapMax) / 2));
  while (time < kDaySeconds) {
    while (current + 1 < segments.size() && time >= segments[current].end) ++current;
    const Segment& segment = segments[current];
    const bool moving = segment.to != kNoPlace && time < segment.end;
    std::uint32_t tower = 0;
    if (moving) {
      const Point from = places_[segment.place].point;
      const Point to = places_[segment.to].point;
      const double progress = static_cast<double>(time - segment.begin) /
                              static_cast<double>(segment.end - segment.begin);
      const Point where = {from.x + (to.x - from.x) * progress + rng.Normal() * kMovingNoiseMeters,
                           from.y + (to.y - from.y) * progress + rng.Normal() * kMovingNoiseMeters};
      locator_->Nearest(where, 1, &tower);
    } else {
      // Past the plan's last part (a late trip home): at its destination.
      const std::uint32_t place = segment.to != kNoPlace ? segment.to : segment.place;
      tower = NearTower(places_[place], rng);
    }
    emit(tower, day_start + time);
    time += NextGap(rng, time, moving);
  }
}

void SyntheticCity::AppendRecords(SyntheticPhone phone, int day, std::vector<Record>& out) const {
  GeneratePhoneDay(phone, day, [&](std::uint32_t tower, std::int64_t time) {
    out.push_back({phone, tower, time});
  });
}

std::int64_t SyntheticCity::AppendBlockText(int day, SyntheticPhone first, SyntheticPhone end,
                                            TextBuffer& out) const {
  std::int64_t records = 0;
  for (SyntheticPhone phone = first; phone < end; ++phone) {
    char* cursor = out.Reserve(kMaxPhoneDayBytes);
    const char* number = numbers_.data() + static_cast<std::size_t>(phone) * kPhoneDigits;
    GeneratePhoneDay(phone, day, [&](std::uint32_t tower, std::int64_t time) {
      std::memcpy(cursor, number, kPhoneDigits);
      cursor[kPhoneDigits] = ',';
      cursor += kPhoneDigits + 1;
      std::memcpy(cursor, tower_ids_.data() + static_cast<std::size_t>(tower) * kTowerIdChars,
                  kTowerIdChars);
      cursor[kTowerIdChars] = ',';
      cursor = WriteDecimal(cursor + kTowerIdChars + 1, static_cast<std::uint64_t>(time));
      *cursor++ = '\n';
      ++records;
    });
    out.CommitUpTo(cursor);
  }
  return records;
}

RecordsWritten SyntheticCity::StreamRecordsCsv(const BlockSink& sink,
                                               const DayDone& day_done) const {
  RecordsWritten written;
  if (!sink(kRecordsHeader)) return written;
  written.bytes = static_cast<std::int64_t>(kRecordsHeader.size());

  // Jobs are (day, block of phones) in file order. Workers take them in that order and fill a
  // ring of slots; this thread hands the slots to `sink` in the same order. A worker may start
  // job j only once job j - slots has been handed over, so memory stays bounded.
  const auto phones = static_cast<SyntheticPhone>(options_.phones);
  const std::int64_t blocks_per_day = (options_.phones + kPhonesPerBlock - 1) / kPhonesPerBlock;
  const std::int64_t jobs = blocks_per_day * options_.days;
  const int threads = std::max(options_.threads, 1);
  const auto slot_count = static_cast<std::int64_t>(2 * threads + 1);
  struct Slot {
    TextBuffer text;
    std::int64_t records = 0;
    bool ready = false;
  };
  std::vector<Slot> slots(static_cast<std::size_t>(slot_count));
  std::mutex mutex;
  std::condition_variable slot_ready;
  std::condition_variable slot_free;
  std::int64_t next_job = 0;
  std::int64_t handed_over = 0;
  bool stopped = false;

  auto work = [&] {
    for (;;) {
      std::int64_t job = 0;
      {
        std::unique_lock lock(mutex);
        if (stopped || next_job >= jobs) return;
        job = next_job++;
        slot_free.wait(lock, [&] { return stopped || job < handed_over + slot_count; });
        if (stopped) return;
      }
      Slot& slot = slots[static_cast<std::size_t>(job % slot_count)];
      const auto day = static_cast<int>(job / blocks_per_day);
      const auto first = static_cast<SyntheticPhone>((job % blocks_per_day) * kPhonesPerBlock);
      const SyntheticPhone end = std::min<SyntheticPhone>(first + kPhonesPerBlock, phones);
      slot.text.Clear();
      slot.records = AppendBlockText(day, first, end, slot.text);
      {
        std::lock_guard lock(mutex);
        slot.ready = true;
      }
      slot_ready.notify_one();
    }
  };
  std::vector<std::thread> workers;
  for (int worker = 0; worker < threads; ++worker) workers.emplace_back(work);

  bool complete = true;
  for (std::int64_t job = 0; job < jobs; ++job) {
    Slot& slot = slots[static_cast<std::size_t>(job % slot_count)];
    {
      std::unique_lock lock(mutex);
      slot_ready.wait(lock, [&] { return slot.ready; });
    }
    complete = sink(slot.text.view());
    if (complete) {
      written.records += slot.records;
      written.bytes += static_cast<std::int64_t>(slot.text.view().size());
    }
    {
      std::lock_guard lock(mutex);
      slot.ready = false;
      handed_over = job + 1;
      stopped = !complete;
    }
    slot_free.notify_all();
    if (!complete) break;
    if ((job + 1) % blocks_per_day == 0 && day_done) {
      day_done(static_cast<int>(job / blocks_per_day), written.records, written.bytes);
    }
  }
  for (std::thread& worker : workers) worker.join();
  written.complete = complete;
  return written;
}

}  // namespace lifeline::companions
