#pragma once

// Helpers shared by the ventilator pipeline's source files; not part of its interface.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.h"
#include "core/status.h"
#include "core/time.h"
#include "core/validation.h"
#include "services/ventilators/ventilators.h"
#include "store/database.h"

namespace lifeline::ventilators {

constexpr std::string_view kNeedOpen = "open";
constexpr std::string_view kNeedCovered = "covered";
constexpr std::string_view kNeedWithdrawn = "withdrawn";
constexpr std::string_view kPledgeUnits = "units";
constexpr std::string_view kPledgeBudget = "budget";
constexpr std::string_view kStatePledged = "pledged";
constexpr std::string_view kStateOrdered = "ordered";

// `value` in [min, max]: "error.field_invalid" naming `field` otherwise.
Status CheckRange(std::string_view field, std::int64_t value, std::int64_t min, std::int64_t max);

// A ventilator_events row and an audit row for one change, in the caller's transaction.
struct Change {
  std::string_view entity;  // "need", "pledge", "stock", "proposal", "order"
  std::int64_t entity_id = 0;
  std::string_view action;
  std::string from_state;
  std::string to_state;
  std::string note;
};
Status RecordChange(Connection& connection, const Actor& actor, UnixMillis at,
                    const Change& change);

// Records matching `where` (SQL after WHERE over the table's alias, may be "1 = 1").
Result<std::vector<VentilatorNeed>> LoadNeeds(Connection& connection, const std::string& where,
                                              const std::vector<Value>& params);
Result<std::vector<VentilatorPledge>> LoadPledges(Connection& connection, const std::string& where,
                                                  const std::vector<Value>& params);
Result<std::vector<SupplierStock>> LoadStock(Connection& connection, const std::string& where,
                                             const std::vector<Value>& params);
Result<std::vector<VentilatorOrder>> LoadOrders(Connection& connection, const std::string& where,
                                                const std::vector<Value>& params,
                                                bool with_history);

}  // namespace lifeline::ventilators
