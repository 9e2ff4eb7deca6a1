#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/geo.h"
#include "core/status.h"

namespace lifeline::companions {

// A cell tower as cells.csv names it: `cell_id` is the tower's own identifier (not a grid cell);
// several towers may lie in one grid cell.
struct Tower {
  std::string cell_id;
  double lat = 0;
  double lon = 0;
};

// A grid cell as one 64-bit key: gx in the high half, gy in the low half, each offset by 2^31, so
// that keys order like (gx, gy) and fit the columnar store and MPI messages as plain integers.
using CellKey = std::uint64_t;

// Grid coordinates lie in [-kCellCoordinateLimit, kCellCoordinateLimit): cells are at least
// kMinCellMeters wide, and no two points on Earth are 2^31 m apart.
constexpr std::int64_t kCellCoordinateLimit = std::int64_t{1} << 31;
constexpr double kMinCellMeters = 1.0;

inline CellKey PackCell(GridCell cell) {
  return (static_cast<CellKey>(cell.gx + kCellCoordinateLimit) << 32) |
         static_cast<CellKey>(cell.gy + kCellCoordinateLimit);
}

inline GridCell UnpackCell(CellKey key) {
  return {static_cast<std::int64_t>(key >> 32) - kCellCoordinateLimit,
          static_cast<std::int64_t>(key & 0xffffffffu) - kCellCoordinateLimit};
}

// The grid's origin: `origin` if given, else (minimum latitude, minimum longitude) over all
// towers ((0, 0) when there are none).
LatLon GridOrigin(std::span<const Tower> towers, const std::optional<LatLon>& origin);

// Each tower's grid cell, in the towers' order, by the projection of core/geo.h (Earth radius
// kEarthRadiusMeters = 6371008.8 m): x = R·rad(lon − lon0)·cos(rad(lat0)), y = R·rad(lat − lat0),
// gx = floor(x / cell_meters), gy = floor(y / cell_meters). InvalidArgument for coordinates off
// the globe, a bad origin, or cells narrower than kMinCellMeters.
Result<std::vector<GridCell>> TowerCells(std::span<const Tower> towers,
                                         const std::optional<LatLon>& origin, double cell_meters);

}  // namespace lifeline::companions
