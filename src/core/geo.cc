#include "core/geo.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace lifeline {
namespace {

double Radians(double degrees) { return degrees * std::numbers::pi / 180.0; }

}  // namespace

double GreatCircleMeters(LatLon a, LatLon b) {
  const double dlat = Radians(b.lat - a.lat);
  const double dlon = Radians(b.lon - a.lon);
  const double h =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(Radians(a.lat)) * std::cos(Radians(b.lat)) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusMeters * std::asin(std::min(1.0, std::sqrt(h)));
}

bool IsValidLatLon(LatLon point) {
  return std::isfinite(point.lat) && std::isfinite(point.lon) && point.lat >= -90 &&
         point.lat <= 90 && point.lon >= -180 && point.lon <= 180;
}

GridProjection::GridProjection(LatLon origin, double cell_meters)
    : origin_(origin), cell_meters_(cell_meters), cos_origin_lat_(std::cos(Radians(origin.lat))) {}

GridCell GridProjection::CellOf(LatLon point) const {
  const double x = kEarthRadiusMeters * Radians(point.lon - origin_.lon) * cos_origin_lat_;
  const double y = kEarthRadiusMeters * Radians(point.lat - origin_.lat);
  return {static_cast<std::int64_t>(std::floor(x / cell_meters_)),
          static_cast<std::int64_t>(std::floor(y / cell_meters_))};
}

}  // namespace lifeline
