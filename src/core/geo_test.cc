#include "core/geo.h"

#include <cmath>
#include <limits>
#include <numbers>

#include <gtest/gtest.h>

namespace lifeline {
namespace {

constexpr LatLon kWuhan{30.5928, 114.3055};
constexpr LatLon kBeijing{39.9042, 116.4074};
constexpr double kWuhanBeijingMeters = 1'050'000;

double DegreesFromRadians(double radians) { return radians * 180.0 / std::numbers::pi; }

// The point `east_meters` east and `north_meters` north of `origin` on the documented local
// projection: x = R·rad(Δlon)·cos(lat0), y = R·rad(Δlat).
LatLon Offset(LatLon origin, double east_meters, double north_meters) {
  const double cos_lat = std::cos(origin.lat * std::numbers::pi / 180.0);
  return {origin.lat + DegreesFromRadians(north_meters / kEarthRadiusMeters),
          origin.lon + DegreesFromRadians(east_meters / (kEarthRadiusMeters * cos_lat))};
}

TEST(GreatCircleTest, WuhanToBeijingIsAboutAThousandFiftyKilometres) {
  EXPECT_NEAR(GreatCircleMeters(kWuhan, kBeijing), kWuhanBeijingMeters, 0.01 * kWuhanBeijingMeters);
}

TEST(GreatCircleTest, SamePointIsZero) {
  EXPECT_EQ(GreatCircleMeters(kWuhan, kWuhan), 0.0);
  EXPECT_EQ(GreatCircleMeters({}, {}), 0.0);
}

TEST(GreatCircleTest, IsSymmetric) {
  EXPECT_DOUBLE_EQ(GreatCircleMeters(kWuhan, kBeijing), GreatCircleMeters(kBeijing, kWuhan));
  const LatLon sydney{-33.8688, 151.2093};
  EXPECT_DOUBLE_EQ(GreatCircleMeters(kWuhan, sydney), GreatCircleMeters(sydney, kWuhan));
}

TEST(GreatCircleTest, UsesTheFixedEarthRadius) {
  // One degree of latitude along a meridian is exactly R·π/180.
  EXPECT_NEAR(GreatCircleMeters({0, 0}, {1, 0}), kEarthRadiusMeters * std::numbers::pi / 180.0,
              1e-6);
  EXPECT_NEAR(GreatCircleMeters({0, 0}, {0, 1}), kEarthRadiusMeters * std::numbers::pi / 180.0,
              1e-6);
}

TEST(GreatCircleTest, AntipodesAreHalfTheCircumference) {
  EXPECT_NEAR(GreatCircleMeters({0, 0}, {0, 180}), kEarthRadiusMeters * std::numbers::pi, 1e-3);
  EXPECT_NEAR(GreatCircleMeters({90, 0}, {-90, 0}), kEarthRadiusMeters * std::numbers::pi, 1e-3);
}

TEST(GreatCircleTest, ShortestWayAcrossTheAntimeridian) {
  EXPECT_NEAR(GreatCircleMeters({0, 179.5}, {0, -179.5}),
              kEarthRadiusMeters * std::numbers::pi / 180.0, 1e-6);
}

TEST(IsValidLatLonTest, Bounds) {
  EXPECT_TRUE(IsValidLatLon(kWuhan));
  EXPECT_TRUE(IsValidLatLon({90, 180}));
  EXPECT_TRUE(IsValidLatLon({-90, -180}));
  EXPECT_FALSE(IsValidLatLon({90.0001, 0}));
  EXPECT_FALSE(IsValidLatLon({-90.0001, 0}));
  EXPECT_FALSE(IsValidLatLon({0, 180.0001}));
  EXPECT_FALSE(IsValidLatLon({0, -180.0001}));
}

TEST(IsValidLatLonTest, RejectsNonFinite) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(IsValidLatLon({nan, 0}));
  EXPECT_FALSE(IsValidLatLon({0, nan}));
  EXPECT_FALSE(IsValidLatLon({inf, 0}));
  EXPECT_FALSE(IsValidLatLon({0, -inf}));
}

TEST(GridProjectionTest, OriginIsCellZero) {
  const GridProjection grid(kWuhan);
  EXPECT_EQ(grid.cell_meters(), kDefaultGridCellMeters);
  EXPECT_EQ(grid.CellOf(kWuhan), (GridCell{0, 0}));
}

TEST(GridProjectionTest, CellBoundaryEastAndNorth) {
  const GridProjection grid(kWuhan);
  EXPECT_EQ(grid.CellOf(Offset(kWuhan, 799, 0)), (GridCell{0, 0}));
  EXPECT_EQ(grid.CellOf(Offset(kWuhan, 801, 0)), (GridCell{1, 0}));
  EXPECT_EQ(grid.CellOf(Offset(kWuhan, 0, 799)), (GridCell{0, 0}));
  EXPECT_EQ(grid.CellOf(Offset(kWuhan, 0, 801)), (GridCell{0, 1}));
  EXPECT_EQ(grid.CellOf(Offset(kWuhan, 1601, 2401)), (GridCell{2, 3}));
}

TEST(GridProjectionTest, WestAndSouthOfOriginFloorToNegativeCells) {
  const GridProjection grid(kWuhan);
  // Truncation toward zero would put these in cell 0 together with the points just east/north.
  EXPECT_EQ(grid.CellOf(Offset(kWuhan, -1, 0)), (GridCell{-1, 0}));
  EXPECT_EQ(grid.CellOf(Offset(kWuhan, 0, -1)), (GridCell{0, -1}));
  EXPECT_EQ(grid.CellOf(Offset(kWuhan, -799, -799)), (GridCell{-1, -1}));
  EXPECT_EQ(grid.CellOf(Offset(kWuhan, -801, -801)), (GridCell{-2, -2}));
}

TEST(GridProjectionTest, CellWidthIsMetresNotDegreesAtHighLatitude) {
  // At 60°N a degree of longitude is half as long as at the equator; cells stay 800 m wide.
  const LatLon north{60, 10};
  const GridProjection grid(north);
  EXPECT_EQ(grid.CellOf(Offset(north, 799, 0)), (GridCell{0, 0}));
  EXPECT_EQ(grid.CellOf(Offset(north, 801, 0)), (GridCell{1, 0}));
  const double offset_meters = GreatCircleMeters(north, Offset(north, 801, 0));
  EXPECT_NEAR(offset_meters, 801, 0.5);
}

TEST(GridProjectionTest, CustomCellSize) {
  const GridProjection grid(kWuhan, 100);
  EXPECT_EQ(grid.cell_meters(), 100);
  EXPECT_EQ(grid.CellOf(Offset(kWuhan, 799, -1)), (GridCell{7, -1}));
  EXPECT_EQ(grid.CellOf(Offset(kWuhan, 801, 150)), (GridCell{8, 1}));
}

}  // namespace
}  // namespace lifeline
