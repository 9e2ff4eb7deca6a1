#include "engines/companions/grid.h"

#include <algorithm>
#include <cmath>

namespace lifeline::companions {

LatLon GridOrigin(std::span<const Tower> towers, const std::optional<LatLon>& origin) {
  if (origin) return *origin;
  if (towers.empty()) return {};
  LatLon lowest{towers.front().lat, towers.front().lon};
  for (const Tower& tower : towers) {
    lowest.lat = std::min(lowest.lat, tower.lat);
    lowest.lon = std::min(lowest.lon, tower.lon);
  }
  return lowest;
}

Result<std::vector<GridCell>> TowerCells(std::span<const Tower> towers,
                                         const std::optional<LatLon>& origin, double cell_meters) {
  // Half the equator over a metre is far inside the key's range, so no cell can overflow it.
  if (!std::isfinite(cell_meters) || cell_meters < kMinCellMeters) {
    return Status::InvalidArgument("error.field_invalid",
                                   {{"field", "cell_meters"}, {"reason", ">= 1"}}, "cell_meters");
  }
  if (origin && !IsValidLatLon(*origin)) {
    return Status::InvalidArgument("error.bad_coordinates", {{"id", "origin"}}, "origin");
  }
  for (const Tower& tower : towers) {
    if (!IsValidLatLon({tower.lat, tower.lon})) {
      return Status::InvalidArgument("error.bad_coordinates", {{"id", tower.cell_id}}, "cell_id");
    }
  }
  const GridProjection projection(GridOrigin(towers, origin), cell_meters);
  std::vector<GridCell> cells;
  cells.reserve(towers.size());
  for (const Tower& tower : towers) {
    cells.push_back(projection.CellOf({tower.lat, tower.lon}));
  }
  return cells;
}

}  // namespace lifeline::companions
