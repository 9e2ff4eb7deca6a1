#pragma once

// Helpers shared by the bed board's source files; not part of the service's interface.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "services/beds/beds_service.h"
#include "store/database.h"

namespace lifeline::beds {

// Over `hospitals h`; HospitalFromRow reads them in this order.
constexpr std::string_view kHospitalColumns =
    "h.id, h.name_zh, h.name_en, h.district_code, h.kind, h.beds, h.lat, h.lon";
constexpr std::size_t kHospitalColumnCount = 8;
// Over `bed_updates u LEFT JOIN users a`; UpdateFromRow reads them in this order.
constexpr std::string_view kUpdateColumns =
    "u.id, u.hospital_id, u.bed_class, u.capacity, u.free, u.verified_by, "
    "COALESCE(a.display_name, ''), u.method, u.verified_at, u.recorded_at, u.note";

Result<BedHospital> HospitalFromRow(const Row& row, std::size_t first);
Result<BedUpdateRecord> UpdateFromRow(const Row& row, std::size_t first);

// A hospital with one of its current figures, or with none when it has reported nothing.
struct CurrentFigure {
  BedHospital hospital;
  std::optional<BedUpdateRecord> update;
};

// Every hospital matching `where` (SQL over h, c and u, may be empty) with each current figure,
// one row per hospital and class, by hospital id.
Result<std::vector<CurrentFigure>> LoadCurrent(Connection& connection, const std::string& where,
                                               const std::vector<Value>& params);

}  // namespace lifeline::beds
