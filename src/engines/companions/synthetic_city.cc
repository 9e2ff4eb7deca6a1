#include "engines/companions/synthetic_city.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "engines/companions/synthetic_model.h"

namespace lifeline::companions {
namespace {

using synthetic::DistanceSquared;
using synthetic::kBoxHeight;
using synthetic::kBoxWidth;
using synthetic::kDaySeconds;
using synthetic::kGolden;
using synthetic::kLatMinMicro;
using synthetic::kLonMinMicro;
using synthetic::kMetersPerDegreeLat;
using synthetic::kMetersPerDegreeLon;
using synthetic::kNearTowers;
using synthetic::kNoPlace;
using synthetic::kPlaceKinds;
using synthetic::kTowerIdChars;
using synthetic::Mix64;
using synthetic::PlaceKind;
using synthetic::Point;
using synthetic::Rng;
using synthetic::Role;
using synthetic::Stream;
using synthetic::StreamKey;

// A point rounded to micro-degrees, as the files print coordinates.
struct MicroDegrees {
  std::int64_t lat = 0;
  std::int64_t lon = 0;
};

std::int64_t RoundToInt(double value) { return static_cast<std::int64_t>(std::floor(value + 0.5)); }

MicroDegrees ToMicroDegrees(Point point) {
  return {kLatMinMicro + RoundToInt(point.y / kMetersPerDegreeLat * 1e6),
          kLonMinMicro + RoundToInt(point.x / kMetersPerDegreeLon * 1e6)};
}

Point ToPoint(MicroDegrees micro) {
  return {static_cast<double>(micro.lon - kLonMinMicro) * 1e-6 * kMetersPerDegreeLon,
          static_cast<double>(micro.lat - kLatMinMicro) * 1e-6 * kMetersPerDegreeLat};
}

// District centres, loosely where Wuhan's are (the outer ones pulled into the box), with their
// relative populations and spreads.
struct District {
  const char* name;
  std::int64_t lat_micro;
  std::int64_t lon_micro;
  int weight;
  double sigma_meters;
};

constexpr std::array<District, 13> kDistricts = {{
    {"Jianghan", 30'601'000, 114'270'000, 10, 2000},
    {"Jiang'an", 30'630'000, 114'305'000, 10, 2500},
    {"Qiaokou", 30'575'000, 114'215'000, 8, 2000},
    {"Hanyang", 30'550'000, 114'235'000, 8, 2500},
    {"Wuchang", 30'555'000, 114'320'000, 12, 2500},
    {"Qingshan", 30'630'000, 114'390'000, 6, 2500},
    {"Hongshan", 30'505'000, 114'345'000, 12, 3500},
    {"Dongxihu", 30'625'000, 114'140'000, 6, 3000},
    {"Caidian", 30'540'000, 114'130'000, 4, 3000},
    {"Jiangxia", 30'470'000, 114'320'000, 5, 3000},
    {"Huangpi", 30'720'000, 114'330'000, 5, 3000},
    {"Xinzhou", 30'700'000, 114'470'000, 4, 3000},
    {"Optics Valley", 30'490'000, 114'420'000, 6, 3000},
}};

Point DistrictCentre(std::size_t district) {
  return ToPoint({kDistricts[district].lat_micro, kDistricts[district].lon_micro});
}

std::array<int, kDistricts.size()> DistrictWeights() {
  std::array<int, kDistricts.size()> weights{};
  for (std::size_t idx = 0; idx < kDistricts.size(); ++idx) weights[idx] = kDistricts[idx].weight;
  return weights;
}

std::uint8_t NearestDistrict(Point point) {
  std::size_t best = 0;
  for (std::size_t idx = 1; idx < kDistricts.size(); ++idx) {
    if (DistanceSquared(point, DistrictCentre(idx)) <
        DistanceSquared(point, DistrictCentre(best))) {
      best = idx;
    }
  }
  return static_cast<std::uint8_t>(best);
}

bool InsideBox(Point point) {
  return point.x >= 0 && point.x <= kBoxWidth && point.y >= 0 && point.y <= kBoxHeight;
}

// Where something of a kind lies: around a district centre (`spread` times its sigma), or
// anywhere in the box with probability `uniform_per_mille`. Rounded to micro-degrees.
struct Location {
  MicroDegrees micro;
  Point point;
  std::uint8_t district = 0;
};

Location SampleLocation(Rng& rng, double spread, int uniform_per_mille) {
  static const std::array<int, kDistricts.size()> kWeights = DistrictWeights();
  constexpr int kMaxTries = 64;
  Point point;
  if (rng.PerMille(uniform_per_mille)) {
    point = {rng.Unit() * kBoxWidth, rng.Unit() * kBoxHeight};
  } else {
    const std::size_t district = rng.Weighted(kWeights);
    const double sigma = kDistricts[district].sigma_meters * spread;
    const Point centre = DistrictCentre(district);
    for (int attempt = 0; attempt < kMaxTries; ++attempt) {
      point = {centre.x + rng.Normal() * sigma, centre.y + rng.Normal() * sigma};
      if (InsideBox(point)) break;
      point = centre;
    }
  }
  Location location;
  location.micro = ToMicroDegrees(point);
  location.point = ToPoint(location.micro);
  location.district = NearestDistrict(location.point);
  return location;
}

// ---------------------------------------------------------------------------------------------
// Places and people.

// How many places of a kind a city has and where they lie.
struct PlaceSpec {
  PlaceKind kind;
  std::int64_t phones_per_place;
  double spread;          // times the district's sigma
  int uniform_per_mille;  // anywhere in the box
  bool heavy_tail;        // a few large ones (big employers) among many small ones
};

constexpr std::array<PlaceSpec, 6> kPlaceSpecs = {{
    {PlaceKind::kOffice, 60, 0.6, 50, true},
    {PlaceKind::kFactory, 2500, 1.6, 400, true},
    {PlaceKind::kSchool, 1500, 1.0, 100, false},
    {PlaceKind::kHospital, 25000, 0.8, 50, false},
    {PlaceKind::kMarket, 4000, 1.0, 100, false},
    {PlaceKind::kSupermarket, 1500, 1.0, 100, false},
}};

// Towers follow people (around the centres) and also cover the whole box.
constexpr double kTowerSpread = 1.2;
constexpr int kTowerUniformPerMille = 200;
constexpr double kHomeSpread = 1.0;
constexpr int kHomeUniformPerMille = 120;

// A place's size weight: how likely a worker picks it.
int PlaceWeight(Rng& rng, bool heavy_tail) {
  if (!heavy_tail) return static_cast<int>(rng.Between(2, 4));
  const std::uint64_t draw = rng.Below(1000);
  if (draw < 600) return 1;
  if (draw < 850) return 3;
  if (draw < 950) return 8;
  if (draw < 990) return 20;
  return 60;
}

// Household sizes 1..5, per mille: a mean of about 2.7 people.
constexpr std::array<int, 5> kHouseholdSizePerMille = {170, 300, 290, 150, 90};

constexpr int kStudentPerMille = 150;
constexpr int kWorkerPerMille = 550;  // the other 300 per mille stay around home

// Which days of the week (bit 0 = Sunday) someone does not go to work.
enum class OffDays : std::uint8_t { kWeekend, kSundayOrBoth, kTwoAnyDays, kOneAnyDay };

struct WorkSpec {
  PlaceKind kind;
  int per_mille;  // among workers
  int start_min_lo, start_min_hi;
  int minutes_lo, minutes_hi;
  OffDays off_days;
};

constexpr WorkSpec kStudentSpec = {PlaceKind::kSchool, 0, 435, 480, 510, 570, OffDays::kWeekend};
constexpr std::array<WorkSpec, 6> kWorkSpecs = {{
    {PlaceKind::kOffice, 480, 510, 570, 510, 600, OffDays::kWeekend},
    {PlaceKind::kFactory, 200, 450, 510, 540, 660, OffDays::kSundayOrBoth},
    {PlaceKind::kHospital, 70, 450, 510, 540, 600, OffDays::kTwoAnyDays},
    {PlaceKind::kSchool, 60, 435, 480, 510, 570, OffDays::kWeekend},
    {PlaceKind::kMarket, 100, 330, 390, 660, 780, OffDays::kOneAnyDay},
    {PlaceKind::kSupermarket, 90, 450, 570, 510, 570, OffDays::kTwoAnyDays},
}};

constexpr std::uint8_t kSundayBit = 1 << 0;
constexpr std::uint8_t kSaturdayBit = 1 << 6;

std::uint8_t DrawOffDays(Rng& rng, OffDays kind) {
  switch (kind) {
    case OffDays::kWeekend:
      // Some office workers come in on Saturdays too.
      return rng.PerMille(100) ? kSundayBit : kSundayBit | kSaturdayBit;
    case OffDays::kSundayOrBoth:
      return rng.PerMille(500) ? kSundayBit : kSundayBit | kSaturdayBit;
    case OffDays::kTwoAnyDays: {
      const auto first = static_cast<int>(rng.Below(7));
      const auto second = (first + 1 + static_cast<int>(rng.Below(6))) % 7;
      return static_cast<std::uint8_t>((1 << first) | (1 << second));
    }
    case OffDays::kOneAnyDay:
      return static_cast<std::uint8_t>(1 << rng.Below(7));
  }
  return kSundayBit;
}

// Favourite places: shops near home most of the time, otherwise relatives' homes anywhere.
constexpr int kFavouriteShopPerMille = 650;
constexpr int kFavouriteMarketPerMille = 350;  // among shops; the rest are supermarkets
constexpr int kNearbyPlacePerMille = 700;      // a place picked in the home district

constexpr std::int64_t kTowersPerThousandPhones = 6;
constexpr std::int64_t kMinScaledTowers = 50;

// The most a place records its second and third nearest tower, per mille (when they are as
// near as the nearest).
constexpr int kSecondTowerMostPerMille = 400;
constexpr int kThirdTowerMostPerMille = 120;

// Cases: some are found by tracing the household or workplace of an earlier case.
constexpr int kClusteredCasePerMille = 300;
constexpr int kRandomCaseTries = 64;
// Confirmed on the last day, between these local hours.
constexpr std::int64_t kConfirmedFrom = 8 * 3600;
constexpr std::int64_t kConfirmedTo = 23 * 3600;

// Calls body(begin, end) over [0, count) split in contiguous ranges, on up to `threads` threads.
template <typename Body>
void ParallelFor(std::size_t count, int threads, const Body& body) {
  const std::size_t parts =
      std::min<std::size_t>(std::max(threads, 1), std::max<std::size_t>(count / 1024, 1));
  if (parts <= 1) {
    body(std::size_t{0}, count);
    return;
  }
  std::vector<std::thread> workers;
  for (std::size_t part = 0; part < parts; ++part) {
    workers.emplace_back([&, part] { body(count * part / parts, count * (part + 1) / parts); });
  }
  for (std::thread& worker : workers) worker.join();
}

int ResolveThreads(int threads) {
  return threads > 0 ? threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// "30.123456" from micro-degrees (positive).
void AppendMicroDegrees(std::int64_t micro, std::string& out) {
  out += std::to_string(micro / 1'000'000);
  out += '.';
  const std::string fraction = std::to_string(micro % 1'000'000);
  out.append(6 - fraction.size(), '0');
  out += fraction;
}

// Phone numbers: a prefix of a Chinese mobile operator and eight digits.
constexpr std::array<int, 31> kPrefixes = {130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150,
                                           151, 152, 153, 155, 156, 157, 158, 159, 177, 180, 181,
                                           182, 183, 184, 185, 186, 187, 188, 189, 199};
constexpr std::uint64_t kSuffixes = 100'000'000;
constexpr std::uint64_t kNumberSpace = kPrefixes.size() * kSuffixes;  // below 2^32
static_assert(kNumberSpace < (std::uint64_t{1} << 32));

// A keyed bijection of [0, 2^32): a four-round Feistel network over 16-bit halves.
std::uint32_t Feistel32(std::uint32_t value, std::uint64_t key) {
  std::uint32_t left = value >> 16;
  std::uint32_t right = value & 0xffffu;
  for (std::uint64_t round = 0; round < 4; ++round) {
    const auto mixed = static_cast<std::uint32_t>(Mix64(key + round * kGolden + right) & 0xffffu);
    const std::uint32_t next = left ^ mixed;
    left = right;
    right = next;
  }
  return (left << 16) | right;
}

// The phone's number in [0, kNumberSpace): cycle-walking the Feistel bijection keeps it one.
std::uint64_t NumberIndex(SyntheticPhone phone, std::uint64_t key) {
  std::uint32_t value = phone;
  do {
    value = Feistel32(value, key);
  } while (value >= kNumberSpace);
  return value;
}

void WriteNumber(std::uint64_t index, char* out) {
  const int prefix = kPrefixes[index / kSuffixes];
  std::uint64_t suffix = index % kSuffixes;
  out[0] = static_cast<char>('0' + prefix / 100);
  out[1] = static_cast<char>('0' + prefix / 10 % 10);
  out[2] = static_cast<char>('0' + prefix % 10);
  for (int digit = 10; digit >= 3; --digit) {
    out[digit] = static_cast<char>('0' + suffix % 10);
    suffix /= 10;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

SyntheticCity::TowerLocator::TowerLocator(std::vector<Point> towers) : towers_(std::move(towers)) {
  // About one tower per bucket on average; denser near the centres.
  bucket_meters_ = std::sqrt(kBoxWidth * kBoxHeight / static_cast<double>(towers_.size()));
  cols_ = static_cast<int>(kBoxWidth / bucket_meters_) + 1;
  rows_ = static_cast<int>(kBoxHeight / bucket_meters_) + 1;
  first_.assign(static_cast<std::size_t>(cols_) * rows_ + 1, 0);
  for (const Point& tower : towers_) ++first_[BucketOf(tower) + 1];
  for (std::size_t bucket = 1; bucket < first_.size(); ++bucket)
    first_[bucket] += first_[bucket - 1];
  ids_.resize(towers_.size());
  std::vector<std::uint32_t> next_slot(first_.begin(), first_.end() - 1);
  for (std::uint32_t tower = 0; tower < towers_.size(); ++tower) {
    ids_[next_slot[BucketOf(towers_[tower])]++] = tower;
  }
}

std::size_t SyntheticCity::TowerLocator::BucketOf(Point point) const {
  const int gx = std::clamp(static_cast<int>(point.x / bucket_meters_), 0, cols_ - 1);
  const int gy = std::clamp(static_cast<int>(point.y / bucket_meters_), 0, rows_ - 1);
  return static_cast<std::size_t>(gy) * cols_ + gx;
}

void SyntheticCity::TowerLocator::Nearest(Point point, int count, std::uint32_t* out) const {
  point.x = std::clamp(point.x, 0.0, kBoxWidth);
  point.y = std::clamp(point.y, 0.0, kBoxHeight);
  std::array<double, kNearTowers> best;
  best.fill(std::numeric_limits<double>::infinity());
  int found = 0;
  const std::size_t centre = BucketOf(point);
  const int cx = static_cast<int>(centre % cols_);
  const int cy = static_cast<int>(centre / cols_);
  const int last_ring = std::max(cols_, rows_);
  for (int ring = 0; ring <= last_ring; ++ring) {
    for (int gy = std::max(cy - ring, 0); gy <= std::min(cy + ring, rows_ - 1); ++gy) {
      // Inner rows of the ring have only its two side buckets.
      const bool whole_row = gy == cy - ring || gy == cy + ring;
      for (int gx = cx - ring; gx <= cx + ring; gx += whole_row || ring == 0 ? 1 : 2 * ring) {
        if (gx < 0 || gx >= cols_) continue;
        const std::size_t bucket = static_cast<std::size_t>(gy) * cols_ + gx;
        for (std::uint32_t slot = first_[bucket]; slot < first_[bucket + 1]; ++slot) {
          const std::uint32_t tower = ids_[slot];
          const double distance = DistanceSquared(point, towers_[tower]);
          if (distance >= best[count - 1]) continue;
          int pos = std::min(found, count - 1);
          for (; pos > 0 && distance < best[pos - 1]; --pos) {
            best[pos] = best[pos - 1];
            out[pos] = out[pos - 1];
          }
          best[pos] = distance;
          out[pos] = tower;
          found = std::min(found + 1, count);
        }
      }
    }
    // Every tower not met yet lies in a later ring, at least ring × bucket away.
    const double reach = ring * bucket_meters_;
    if (found == count && best[count - 1] <= reach * reach) break;
  }
  // Fewer towers than asked for: repeat the farthest found.
  for (int idx = found; idx < count; ++idx) out[idx] = out[found - 1];
}

SyntheticCity::SyntheticCity() = default;
SyntheticCity::SyntheticCity(SyntheticCity&&) noexcept = default;
SyntheticCity& SyntheticCity::operator=(SyntheticCity&&) noexcept = default;
SyntheticCity::~SyntheticCity() = default;

std::int64_t SyntheticTowerCount(const SyntheticCityOptions& options) {
  if (options.towers > 0) return options.towers;
  return std::clamp(options.phones * kTowersPerThousandPhones / 1000, kMinScaledTowers,
                    kMaxSyntheticTowers);
}

Status ValidateSyntheticCity(const SyntheticCityOptions& options) {
  auto out_of_range = [](const char* field, std::int64_t value, std::int64_t min,
                         std::int64_t max) {
    return Status::InvalidArgument("mobility.error.range",
                                   {{"flag", std::string("--") + field},
                                    {"value", std::to_string(value)},
                                    {"min", std::to_string(min)},
                                    {"max", std::to_string(max)}},
                                   field);
  };
  if (options.phones < 1 || options.phones > kMaxSyntheticPhones) {
    return out_of_range("phones", options.phones, 1, kMaxSyntheticPhones);
  }
  if (options.days < 1 || options.days > kMaxSyntheticDays) {
    return out_of_range("days", options.days, 1, kMaxSyntheticDays);
  }
  if (options.cases < 0 || options.cases > options.phones) {
    return Status::InvalidArgument(
        "mobility.error.cases",
        {{"value", std::to_string(options.cases)}, {"phones", std::to_string(options.phones)}},
        "cases");
  }
  if (options.towers != 0 &&
      (options.towers < kMinSyntheticTowers || options.towers > kMaxSyntheticTowers)) {
    return Status::InvalidArgument("mobility.error.towers",
                                   {{"value", std::to_string(options.towers)},
                                    {"min", std::to_string(kMinSyntheticTowers)},
                                    {"max", std::to_string(kMaxSyntheticTowers)}},
                                   "towers");
  }
  if (options.start < 0 || options.start > kMaxSyntheticStart) {
    return Status::InvalidArgument(
        "mobility.error.start",
        {{"value", std::to_string(options.start)}, {"max", std::to_string(kMaxSyntheticStart)}},
        "start");
  }
  if (options.threads < 0 || options.threads > kMaxSyntheticThreads) {
    return out_of_range("threads", options.threads, 0, kMaxSyntheticThreads);
  }
  return Status::Ok();
}

namespace {

// How often a phone at `place` records each of its near towers: the second (third) by the
// ratio of the squared distances to the nearest and to it, so only places about as near to two
// towers ping-pong between them much.
std::array<std::uint16_t, kNearTowers> TowerShares(const SyntheticCity::TowerLocator& locator,
                                                   const SyntheticCity::Place& place) {
  std::array<double, kNearTowers> distance{};
  for (int idx = 0; idx < kNearTowers; ++idx) {
    distance[idx] = DistanceSquared(place.point, locator.point(place.near_towers[idx]));
  }
  auto share = [&](int idx, int most) {
    if (distance[idx] <= 0) return most;  // every tower on the spot
    return static_cast<int>(most * distance[0] / distance[idx]);
  };
  const int second = share(1, kSecondTowerMostPerMille);
  const int third = share(2, kThirdTowerMostPerMille);
  return {static_cast<std::uint16_t>(1000 - second - third), static_cast<std::uint16_t>(second),
          static_cast<std::uint16_t>(third)};
}

// Places of one kind to pick from by size weight: city-wide and per district.
class PlaceChooser {
 public:
  void Add(std::uint32_t place, std::uint8_t district, int weight) {
    Append(all_, place, weight);
    Append(by_district_[district], place, weight);
  }

  // A place of this kind: in `district` (if it has one) with probability kNearbyPlacePerMille.
  std::uint32_t Pick(Rng& rng, std::uint8_t district) const {
    const bool nearby = rng.PerMille(kNearbyPlacePerMille);
    const List& list =
        nearby && !by_district_[district].places.empty() ? by_district_[district] : all_;
    const std::uint64_t draw = rng.Below(static_cast<std::uint64_t>(list.cumulative.back()));
    const auto it = std::upper_bound(list.cumulative.begin(), list.cumulative.end(),
                                     static_cast<std::int64_t>(draw));
    return list.places[static_cast<std::size_t>(it - list.cumulative.begin())];
  }

 private:
  struct List {
    std::vector<std::uint32_t> places;
    std::vector<std::int64_t> cumulative;  // running total of the weights
  };
  static void Append(List& list, std::uint32_t place, int weight) {
    list.places.push_back(place);
    list.cumulative.push_back((list.cumulative.empty() ? 0 : list.cumulative.back()) + weight);
  }

  List all_;
  std::array<List, kDistricts.size()> by_district_;
};

}  // namespace

Result<SyntheticCity> SyntheticCity::Build(const SyntheticCityOptions& options) {
  RETURN_IF_ERROR(ValidateSyntheticCity(options));
  SyntheticCity city;
  city.options_ = options;
  city.options_.towers = SyntheticTowerCount(options);
  city.options_.threads = ResolveThreads(options.threads);
  const int threads = city.options_.threads;
  const std::uint64_t seed = options.seed;

  // Towers.
  const auto tower_count = static_cast<std::size_t>(city.options_.towers);
  std::vector<Point> tower_points(tower_count);
  city.towers_.resize(tower_count);
  city.tower_ids_.resize(tower_count * kTowerIdChars);
  for (std::size_t tower = 0; tower < tower_count; ++tower) {
    Rng rng(StreamKey(seed, Stream::kTower, tower));
    const Location location = SampleLocation(rng, kTowerSpread, kTowerUniformPerMille);
    tower_points[tower] = location.point;
    char* id = city.tower_ids_.data() + tower * kTowerIdChars;
    id[0] = 'C';
    std::uint64_t number = tower + 1;
    for (std::size_t digit = kTowerIdChars - 1; digit >= 1; --digit) {
      id[digit] = static_cast<char>('0' + number % 10);
      number /= 10;
    }
    Tower& out = city.towers_[tower];
    out.cell_id.assign(id, kTowerIdChars);
    out.lat = static_cast<double>(location.micro.lat) / 1e6;
    out.lon = static_cast<double>(location.micro.lon) / 1e6;
  }
  city.locator_ = std::make_unique<TowerLocator>(std::move(tower_points));

  // Households: consecutive phones, each household's size from its own stream.
  const auto phones = static_cast<std::size_t>(options.phones);
  city.profiles_.resize(phones);
  for (std::size_t phone = 0; phone < phones;) {
    const std::size_t household = city.household_first_.size();
    Rng rng(StreamKey(seed, Stream::kHousehold, household));
    const std::size_t size = rng.Weighted(kHouseholdSizePerMille) + 1;
    city.household_first_.push_back(static_cast<SyntheticPhone>(phone));
    const std::size_t end = std::min(phones, phone + size);
    for (; phone < end; ++phone)
      city.profiles_[phone].household = static_cast<std::uint32_t>(household);
  }
  city.homes_ = city.household_first_.size();
  city.household_first_.push_back(static_cast<SyntheticPhone>(phones));

  // Places: one home per household, then the workplaces and shops of every kind.
  city.places_.resize(city.homes_);
  std::array<PlaceChooser, kPlaceKinds> choosers;
  for (const PlaceSpec& spec : kPlaceSpecs) {
    const std::int64_t count = std::max<std::int64_t>(
        1, (options.phones + spec.phones_per_place - 1) / spec.phones_per_place);
    for (std::int64_t idx = 0; idx < count; ++idx) {
      Rng rng(StreamKey(seed, Stream::kPlace, static_cast<std::uint64_t>(spec.kind), idx));
      const Location location = SampleLocation(rng, spec.spread, spec.uniform_per_mille);
      const auto place = static_cast<std::uint32_t>(city.places_.size());
      city.places_.push_back({location.point, {}, {}, spec.kind, location.district});
      choosers[static_cast<std::size_t>(spec.kind)].Add(place, location.district,
                                                        PlaceWeight(rng, spec.heavy_tail));
    }
  }
  ParallelFor(city.places_.size(), threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t place = begin; place < end; ++place) {
      Place& out = city.places_[place];
      if (place < city.homes_) {
        Rng rng(StreamKey(seed, Stream::kHome, place));
        const Location location = SampleLocation(rng, kHomeSpread, kHomeUniformPerMille);
        out.point = location.point;
        out.district = location.district;
      }
      city.locator_->Nearest(out.point, kNearTowers, out.near_towers.data());
      out.tower_per_mille = TowerShares(*city.locator_, out);
    }
  });

  // Phones: roles, workplaces, habits and favourites.
  static const std::array<int, kWorkSpecs.size()> kWorkWeights = [] {
    std::array<int, kWorkSpecs.size()> weights{};
    for (std::size_t idx = 0; idx < kWorkSpecs.size(); ++idx)
      weights[idx] = kWorkSpecs[idx].per_mille;
    return weights;
  }();
  auto chooser = [&](PlaceKind kind) -> const PlaceChooser& {
    return choosers[static_cast<std::size_t>(kind)];
  };
  ParallelFor(phones, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t phone = begin; phone < end; ++phone) {
      Profile& profile = city.profiles_[phone];
      Rng rng(StreamKey(seed, Stream::kProfile, phone));
      const std::uint8_t district = city.places_[profile.household].district;
      const std::uint64_t role_draw = rng.Below(1000);
      const WorkSpec* work = nullptr;
      if (role_draw < kStudentPerMille) {
        profile.role = Role::kStudent;
        work = &kStudentSpec;
      } else if (role_draw < kStudentPerMille + kWorkerPerMille) {
        profile.role = Role::kWorker;
        work = &kWorkSpecs[rng.Weighted(kWorkWeights)];
      }
      if (work != nullptr) {
        profile.work = chooser(work->kind).Pick(rng, district);
        profile.work_start_min =
            static_cast<std::uint16_t>(rng.Between(work->start_min_lo, work->start_min_hi));
        profile.work_minutes =
            static_cast<std::uint16_t>(rng.Between(work->minutes_lo, work->minutes_hi));
        profile.off_days = DrawOffDays(rng, work->off_days);
      }
      profile.evening_per_mille = static_cast<std::uint16_t>(rng.Between(50, 350));
      profile.favourite_count = static_cast<std::uint8_t>(rng.Between(1, 3));
      for (std::uint8_t idx = 0; idx < profile.favourite_count; ++idx) {
        if (rng.PerMille(kFavouriteShopPerMille) || city.homes_ == 1) {
          const PlaceKind shop =
              rng.PerMille(kFavouriteMarketPerMille) ? PlaceKind::kMarket : PlaceKind::kSupermarket;
          profile.favourites[idx] = chooser(shop).Pick(rng, district);
        } else {
          auto relatives = static_cast<std::uint32_t>(rng.Below(city.homes_ - 1));
          if (relatives >= profile.household) ++relatives;  // someone else's home
          profile.favourites[idx] = relatives;
        }
      }
    }
  });

  // Numbers.
  city.numbers_.resize(phones * kPhoneDigits);
  const std::uint64_t number_key = StreamKey(seed, Stream::kNumber, 0);
  ParallelFor(phones, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t phone = begin; phone < end; ++phone) {
      WriteNumber(NumberIndex(static_cast<SyntheticPhone>(phone), number_key),
                  city.numbers_.data() + phone * kPhoneDigits);
    }
  });

  city.ChooseCases();
  return city;
}

void SyntheticCity::ChooseCases() {
  const std::uint64_t seed = options_.seed;
  const auto phones = static_cast<std::size_t>(options_.phones);
  if (options_.cases == 0) return;
  // Who works where, to trace colleagues of a case.
  std::vector<std::uint32_t> colleagues_first(places_.size() + 1, 0);
  for (const Profile& profile : profiles_) {
    if (profile.work != kNoPlace) ++colleagues_first[profile.work + 1];
  }
  for (std::size_t place = 1; place < colleagues_first.size(); ++place) {
    colleagues_first[place] += colleagues_first[place - 1];
  }
  std::vector<SyntheticPhone> colleagues(colleagues_first.back());
  {
    std::vector<std::uint32_t> next_slot(colleagues_first.begin(), colleagues_first.end() - 1);
    for (std::size_t phone = 0; phone < phones; ++phone) {
      const std::uint32_t work = profiles_[phone].work;
      if (work != kNoPlace) colleagues[next_slot[work]++] = static_cast<SyntheticPhone>(phone);
    }
  }
  std::vector<bool> is_case(phones, false);
  // The first phone not yet a case among `candidates`, from a random one on; nullopt if none.
  auto free_among =
      [&](Rng& rng, std::span<const SyntheticPhone> candidates) -> std::optional<SyntheticPhone> {
    if (candidates.empty()) return std::nullopt;
    const std::size_t from = rng.Below(candidates.size());
    for (std::size_t step = 0; step < candidates.size(); ++step) {
      const SyntheticPhone phone = candidates[(from + step) % candidates.size()];
      if (!is_case[phone]) return phone;
    }
    return std::nullopt;
  };
  const std::int64_t last_day_start =
      options_.start + static_cast<std::int64_t>(options_.days - 1) * kDaySeconds;
  std::vector<SyntheticPhone> household;
  for (std::int64_t idx = 0; idx < options_.cases; ++idx) {
    Rng rng(StreamKey(seed, Stream::kCase, static_cast<std::uint64_t>(idx)));
    std::optional<SyntheticPhone> phone;
    if (idx > 0 && rng.PerMille(kClusteredCasePerMille)) {
      const SyntheticPhone anchor = cases_[rng.Below(static_cast<std::uint64_t>(idx))].phone;
      if (rng.PerMille(500)) {
        const auto [first, end] = Household(anchor);
        household.clear();
        for (SyntheticPhone member = first; member < end; ++member) household.push_back(member);
        phone = free_among(rng, household);
      } else if (const std::uint32_t work = profiles_[anchor].work; work != kNoPlace) {
        phone = free_among(rng, std::span(colleagues)
                                    .subspan(colleagues_first[work],
                                             colleagues_first[work + 1] - colleagues_first[work]));
      }
    }
    for (int attempt = 0; !phone && attempt < kRandomCaseTries; ++attempt) {
      const auto candidate = static_cast<SyntheticPhone>(rng.Below(phones));
      if (!is_case[candidate]) phone = candidate;
    }
    // Nearly every phone is a case already: take the next free one.
    for (auto candidate = static_cast<SyntheticPhone>(rng.Below(phones)); !phone;
         candidate = static_cast<SyntheticPhone>((candidate + 1) % phones)) {
      if (!is_case[candidate]) phone = candidate;
    }
    is_case[*phone] = true;
    cases_.push_back({*phone, last_day_start + rng.Between(kConfirmedFrom, kConfirmedTo)});
  }
  std::sort(cases_.begin(), cases_.end(), [](const SyntheticCase& a, const SyntheticCase& b) {
    return a.confirmed_at != b.confirmed_at ? a.confirmed_at < b.confirmed_at : a.phone < b.phone;
  });
}

std::int64_t SyntheticCity::workplace_count() const {
  return static_cast<std::int64_t>(places_.size() - homes_);
}

std::pair<SyntheticPhone, SyntheticPhone> SyntheticCity::Household(SyntheticPhone phone) const {
  const std::uint32_t household = profiles_[phone].household;
  return {household_first_[household], household_first_[household + 1]};
}

std::optional<std::uint32_t> SyntheticCity::Workplace(SyntheticPhone phone) const {
  const std::uint32_t work = profiles_[phone].work;
  if (work == kNoPlace) return std::nullopt;
  return work;
}

std::string SyntheticCity::CellsCsv() const {
  std::string text = "cell_id,lat,lon\n";
  text.reserve(towers_.size() * 32 + text.size());
  for (std::size_t tower = 0; tower < towers_.size(); ++tower) {
    text.append(tower_ids_.data() + tower * kTowerIdChars, kTowerIdChars);
    text += ',';
    AppendMicroDegrees(RoundToInt(towers_[tower].lat * 1e6), text);
    text += ',';
    AppendMicroDegrees(RoundToInt(towers_[tower].lon * 1e6), text);
    text += '\n';
  }
  return text;
}

std::string SyntheticCity::CasesCsv() const {
  std::string text = "phone,confirmed_at\n";
  for (const SyntheticCase& confirmed : cases_) {
    text += PhoneNumber(confirmed.phone);
    text += ',';
    text += std::to_string(confirmed.confirmed_at);
    text += '\n';
  }
  return text;
}

}  // namespace lifeline::companions
