#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/geo.h"
#include "engines/matching/matching.h"

namespace lifeline::matching {

// An offer found near a need: the squared chord between the two points on the unit sphere
// (monotone in great-circle distance, and cheap) and the offer's index in the caller's array.
struct NearbyOffer {
  double chord2 = 0;
  int offer_idx = 0;
  friend bool operator<(const NearbyOffer& a, const NearbyOffer& b) {
    return a.chord2 != b.chord2 ? a.chord2 < b.chord2 : a.offer_idx < b.offer_idx;
  }
};

// Squared chord on the unit sphere for a great-circle distance in metres (up to half the globe).
double ChordSquaredForMeters(double meters);

// A bucket grid over latitude and longitude of the offers that can serve one need kind, for
// nearest-first searches within a radius around a need. Cells are sized from the offers' bounding
// box to hold about two offers each. The search visits square rings of cells outwards from the
// need's cell and stops once a proven lower bound on the distance to every unvisited cell exceeds
// what the caller still needs, or the radius; it never misses an offer within the radius. Near
// a pole or the antimeridian (where a radius box would wrap) it scans every member instead.
// Immutable after construction; safe to search from several threads.
class OfferGrid {
 public:
  // `members`: indices into `offers` (ascending) of the offers this grid holds.
  OfferGrid(std::span<const Offer> offers, std::span<const int> members);

  // Gathers into `found` (cleared first) the members within `radius_m` of `origin` for which
  // `accept(offer_idx)` holds. After each ring of cells it calls `settled(found)`, which returns
  // a squared chord T: once no unvisited cell can hold a point with chord² <= T, the search stops
  // (return +inf to keep going up to the radius). `found` is unordered; `settled` may sort it.
  // Units offered by all members together.
  std::int64_t total_quantity() const { return total_quantity_; }

  template <typename Accept, typename Settled>
  void Search(LatLon origin, double radius_m, Accept accept, Settled settled,
              std::vector<NearbyOffer>& found) const;

 private:
  struct Entry {
    double x, y, z;  // unit vector
    int offer_idx;
  };

  template <typename Accept>
  void ScanCell(std::int64_t row, std::int64_t col, const double query[3], double radius_chord2,
                Accept& accept, std::vector<NearbyOffer>& found) const;
  // Squared-chord lower bound on the distance from `origin` to every point within the radius
  // that lies outside rings 0..ring around the query's cell.
  double RingBound(LatLon origin, double radius_m, std::int64_t row0, std::int64_t col0,
                   std::int64_t ring) const;
  bool NeedsFullScan(LatLon origin, double radius_m) const;

  double lat0_ = 0, lon0_ = 0;          // south-west corner, degrees
  double cell_lat_ = 1, cell_lon_ = 1;  // cell size, degrees
  std::int64_t rows_ = 1, cols_ = 1;
  std::vector<std::uint32_t> cell_start_;  // rows_ * cols_ + 1 offsets into entries_
  std::vector<Entry> entries_;             // by cell, then offer index
  std::int64_t total_quantity_ = 0;
};

void UnitVector(LatLon point, double out[3]);

template <typename Accept>
void OfferGrid::ScanCell(std::int64_t row, std::int64_t col, const double query[3],
                         double radius_chord2, Accept& accept,
                         std::vector<NearbyOffer>& found) const {
  const std::size_t cell = static_cast<std::size_t>(row * cols_ + col);
  for (std::uint32_t entry_idx = cell_start_[cell]; entry_idx < cell_start_[cell + 1];
       ++entry_idx) {
    const Entry& entry = entries_[entry_idx];
    const double dx = entry.x - query[0], dy = entry.y - query[1], dz = entry.z - query[2];
    const double chord2 = dx * dx + dy * dy + dz * dz;
    if (chord2 <= radius_chord2 && accept(entry.offer_idx)) {
      found.push_back({chord2, entry.offer_idx});
    }
  }
}

template <typename Accept, typename Settled>
void OfferGrid::Search(LatLon origin, double radius_m, Accept accept, Settled settled,
                       std::vector<NearbyOffer>& found) const {
  found.clear();
  double query[3];
  UnitVector(origin, query);
  // A hair of slack so that rounding never drops a pair exactly on the radius; the caller
  // checks the exact great-circle distance of what it keeps.
  const double radius_chord2 = ChordSquaredForMeters(radius_m) * (1 + 1e-9);
  if (NeedsFullScan(origin, radius_m)) {
    for (std::int64_t row = 0; row < rows_; ++row) {
      for (std::int64_t col = 0; col < cols_; ++col) {
        ScanCell(row, col, query, radius_chord2, accept, found);
      }
    }
    return;
  }
  const auto row0 = static_cast<std::int64_t>(std::floor((origin.lat - lat0_) / cell_lat_));
  const auto col0 = static_cast<std::int64_t>(std::floor((origin.lon - lon0_) / cell_lon_));
  for (std::int64_t ring = 0;; ++ring) {
    const std::int64_t top = row0 - ring, bottom = row0 + ring;
    const std::int64_t left = col0 - ring, right = col0 + ring;
    const std::int64_t col_lo = std::max<std::int64_t>(left, 0);
    const std::int64_t col_hi = std::min<std::int64_t>(right, cols_ - 1);
    const std::int64_t row_lo = std::max<std::int64_t>(top + 1, 0);
    const std::int64_t row_hi = std::min<std::int64_t>(bottom - 1, rows_ - 1);
    if (top >= 0 && top < rows_) {
      for (std::int64_t col = col_lo; col <= col_hi; ++col)
        ScanCell(top, col, query, radius_chord2, accept, found);
    }
    if (ring > 0 && bottom >= 0 && bottom < rows_) {
      for (std::int64_t col = col_lo; col <= col_hi; ++col)
        ScanCell(bottom, col, query, radius_chord2, accept, found);
    }
    if (ring > 0) {
      for (std::int64_t row = row_lo; row <= row_hi; ++row) {
        if (left >= 0 && left < cols_) ScanCell(row, left, query, radius_chord2, accept, found);
        if (right >= 0 && right < cols_) ScanCell(row, right, query, radius_chord2, accept, found);
      }
    }
    if (top <= 0 && bottom >= rows_ - 1 && left <= 0 && right >= cols_ - 1) return;
    const double bound = RingBound(origin, radius_m, row0, col0, ring);
    if (bound > radius_chord2) return;
    if (bound > settled(found)) return;
  }
}

}  // namespace lifeline::matching
