#pragma once

#include <cstdint>

namespace lifeline {

// The IUGG mean Earth radius; issues fix this value so distances match other tools exactly.
constexpr double kEarthRadiusMeters = 6371008.8;
// Cell side of the grid used for spatiotemporal companions and community maps.
constexpr double kDefaultGridCellMeters = 800.0;

struct LatLon {
  double lat = 0;  // degrees north
  double lon = 0;  // degrees east
};

// Haversine great-circle distance in metres.
double GreatCircleMeters(LatLon a, LatLon b);

// True if the coordinates are finite and within [-90, 90] x [-180, 180].
bool IsValidLatLon(LatLon point);

struct GridCell {
  std::int64_t gx = 0;
  std::int64_t gy = 0;
  friend bool operator==(const GridCell&, const GridCell&) = default;
};

// Square cells on a local equirectangular projection around `origin`:
// x = R·rad(lon − lon0)·cos(rad(lat0)), y = R·rad(lat − lat0), cell = floor(x / side), floor(y /
// side). Accurate within a city; immutable and thread-safe.
class GridProjection {
 public:
  explicit GridProjection(LatLon origin, double cell_meters = kDefaultGridCellMeters);

  GridCell CellOf(LatLon point) const;
  double cell_meters() const { return cell_meters_; }

 private:
  LatLon origin_;
  double cell_meters_;
  double cos_origin_lat_;
};

}  // namespace lifeline
