#include "engines/matching/offer_grid.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace lifeline::matching {
namespace {

// About this many offers per cell: few enough that a ring costs little, many enough that the
// nearest few dozen offers are found within a handful of rings.
constexpr double kOffersPerCell = 2.0;
// A grid never has more cells than this many per member (plus a few), whatever the spread.
constexpr std::int64_t kMaxCellsPerMember = 4;
// Lower bounds are shrunk by this factor so that rounding can never make them exceed a true
// distance.
constexpr double kBoundSlack = 1 - 1e-9;

double Radians(double degrees) { return degrees * std::numbers::pi / 180.0; }
double Degrees(double radians) { return radians * 180.0 / std::numbers::pi; }

}  // namespace

void UnitVector(LatLon point, double out[3]) {
  const double lat = Radians(point.lat), lon = Radians(point.lon);
  out[0] = std::cos(lat) * std::cos(lon);
  out[1] = std::cos(lat) * std::sin(lon);
  out[2] = std::sin(lat);
}

double ChordSquaredForMeters(double meters) {
  const double angle = std::min(std::max(meters, 0.0) / kEarthRadiusMeters, std::numbers::pi);
  const double chord = 2 * std::sin(angle / 2);
  return chord * chord;
}

OfferGrid::OfferGrid(std::span<const Offer> offers, std::span<const int> members) {
  if (members.empty()) {
    cell_start_.assign(2, 0);
    return;
  }
  double lat_min = 90, lat_max = -90, lon_min = 180, lon_max = -180;
  for (const int offer_idx : members) {
    const Offer& offer = offers[offer_idx];
    total_quantity_ += offer.quantity;
    lat_min = std::min(lat_min, offer.lat);
    lat_max = std::max(lat_max, offer.lat);
    lon_min = std::min(lon_min, offer.lon);
    lon_max = std::max(lon_max, offer.lon);
  }
  // Square-ish cells on the ground, sized so the box holds about kOffersPerCell per cell.
  const double cos_mid = std::max(0.01, std::cos(Radians((lat_min + lat_max) / 2)));
  const double height_m = std::max(1.0, kEarthRadiusMeters * Radians(lat_max - lat_min));
  const double width_m = std::max(1.0, kEarthRadiusMeters * Radians(lon_max - lon_min) * cos_mid);
  const double cells = std::max(1.0, static_cast<double>(members.size()) / kOffersPerCell);
  double side_m = std::sqrt(height_m * width_m / cells);
  const auto max_cells = static_cast<std::int64_t>(members.size()) * kMaxCellsPerMember + 16;
  while (true) {
    cell_lat_ = Degrees(side_m / kEarthRadiusMeters);
    cell_lon_ = Degrees(side_m / (kEarthRadiusMeters * cos_mid));
    rows_ = static_cast<std::int64_t>(std::floor((lat_max - lat_min) / cell_lat_)) + 1;
    cols_ = static_cast<std::int64_t>(std::floor((lon_max - lon_min) / cell_lon_)) + 1;
    if (rows_ * cols_ <= max_cells) break;
    side_m *= 1.5;
  }
  lat0_ = lat_min;
  lon0_ = lon_min;

  // Counting sort by cell; members arrive in ascending offer index, which each cell keeps.
  std::vector<std::int64_t> cell_of(members.size());
  cell_start_.assign(static_cast<std::size_t>(rows_ * cols_) + 1, 0);
  for (std::size_t member_idx = 0; member_idx < members.size(); ++member_idx) {
    const Offer& offer = offers[members[member_idx]];
    const std::int64_t row = std::min<std::int64_t>(
        rows_ - 1, static_cast<std::int64_t>(std::floor((offer.lat - lat0_) / cell_lat_)));
    const std::int64_t col = std::min<std::int64_t>(
        cols_ - 1, static_cast<std::int64_t>(std::floor((offer.lon - lon0_) / cell_lon_)));
    cell_of[member_idx] = row * cols_ + col;
    ++cell_start_[static_cast<std::size_t>(cell_of[member_idx]) + 1];
  }
  for (std::size_t cell = 1; cell < cell_start_.size(); ++cell) {
    cell_start_[cell] += cell_start_[cell - 1];
  }
  entries_.resize(members.size());
  std::vector<std::uint32_t> next(cell_start_.begin(), cell_start_.end() - 1);
  for (std::size_t member_idx = 0; member_idx < members.size(); ++member_idx) {
    const Offer& offer = offers[members[member_idx]];
    Entry& entry = entries_[next[static_cast<std::size_t>(cell_of[member_idx])]++];
    double unit[3];
    UnitVector({offer.lat, offer.lon}, unit);
    entry = {unit[0], unit[1], unit[2], members[member_idx]};
  }
}

bool OfferGrid::NeedsFullScan(LatLon origin, double radius_m) const {
  const double angle = radius_m / kEarthRadiusMeters;
  const double lat = Radians(origin.lat);
  if (angle >= std::numbers::pi / 2 || std::abs(lat) + angle >= std::numbers::pi / 2) return true;
  // Half-width in longitude of the spherical cap of the radius.
  const double half_width = Degrees(std::asin(std::sin(angle) / std::cos(lat)));
  return origin.lon - half_width < -180 || origin.lon + half_width > 180;
}

// Every point within the radius lies in the cap's latitude band and longitude box, which wraps
// neither a pole nor the antimeridian (NeedsFullScan). A point outside the square of rings
// 0..ring differs from the origin by at least the square's latitude gap or its longitude gap;
// the haversine of the latter is at least cos(lat) * min cos(band) * sin²(gap/2).
double OfferGrid::RingBound(LatLon origin, double radius_m, std::int64_t row0, std::int64_t col0,
                            std::int64_t ring) const {
  const double lat_lo = lat0_ + static_cast<double>(row0 - ring) * cell_lat_;
  const double lat_hi = lat0_ + static_cast<double>(row0 + ring + 1) * cell_lat_;
  const double lon_lo = lon0_ + static_cast<double>(col0 - ring) * cell_lon_;
  const double lon_hi = lon0_ + static_cast<double>(col0 + ring + 1) * cell_lon_;
  const double gap_lat = std::max(0.0, std::min(origin.lat - lat_lo, lat_hi - origin.lat));
  const double gap_lon =
      std::min(180.0, std::max(0.0, std::min(origin.lon - lon_lo, lon_hi - origin.lon)));
  const double angle = radius_m / kEarthRadiusMeters;
  const double lat = Radians(origin.lat);
  const double cos_band = std::min(std::cos(lat - angle), std::cos(lat + angle));
  const double half_sin = std::sin(Radians(gap_lon) / 2);
  const double haversine = std::cos(lat) * cos_band * half_sin * half_sin;
  const double lat_bound_m = kEarthRadiusMeters * Radians(gap_lat);
  const double lon_bound_m =
      2 * kEarthRadiusMeters * std::asin(std::min(1.0, std::sqrt(haversine)));
  return ChordSquaredForMeters(std::min(lat_bound_m, lon_bound_m) * kBoundSlack);
}

}  // namespace lifeline::matching
