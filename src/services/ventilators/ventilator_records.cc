// The vocabulary of the pipeline, validation, history rows and the records themselves: needs,
// pledges and supplier stock.

#include <algorithm>
#include <array>
#include <utility>

#include "services/audit/audit_log.h"
#include "services/ventilators/ventilators.h"
#include "services/ventilators/ventilators_internal.h"

namespace lifeline {
namespace {

using namespace ventilators;  // the helpers of ventilators_internal.h

constexpr std::array<std::string_view, 3> kTypes = {"invasive", "non_invasive", "high_flow"};
constexpr std::array<std::string_view, 3> kUrgencies = {"critical", "urgent", "routine"};
constexpr std::array<std::string_view, 3> kMethods = {"phone_call", "official_notice", "visit"};
constexpr std::array<std::string_view, 5> kStates = {"pledged", "ordered", "shipped", "delivered",
                                                     "in_use"};
constexpr std::array<std::string_view, 3> kNeedStatuses = {"open", "covered", "withdrawn"};

constexpr std::string_view kNeedColumns =
    "n.id, n.hospital_id, h.name_zh, h.name_en, n.type, n.quantity, n.covered, n.urgency, "
    "n.verified_by, COALESCE(u.display_name, ''), n.verification_method, n.verified_at, "
    "n.status, n.note, n.created_at, n.created_by";
constexpr std::string_view kPledgeColumns =
    "p.id, p.foundation, p.kind, p.type, p.units, p.units_allocated, p.delivery_days, "
    "p.budget_yuan, p.budget_spent_yuan, p.note, p.pledged_at, p.pledged_by";
constexpr std::string_view kStockColumns =
    "s.id, s.supplier, s.model, s.type, s.unit_price_yuan, s.lead_time_days, s.quantity, "
    "s.reserved, s.created_at, s.created_by";

VentilatorNeed NeedFromRow(const Row& row) {
  VentilatorNeed need;
  need.id = row.Int(0);
  need.hospital_id = row.Int(1);
  need.hospital_name_zh = row.Text(2);
  need.hospital_name_en = row.Text(3);
  need.type = row.Text(4);
  need.quantity = row.Int(5);
  need.covered = row.Int(6);
  need.urgency = row.Text(7);
  need.verified_by = row.Int(8);
  need.verified_by_name = row.Text(9);
  need.verification_method = row.Text(10);
  need.verified_at = row.Int(11);
  need.status = row.Text(12);
  need.note = row.Text(13);
  need.created_at = row.Int(14);
  need.created_by = row.Int(15);
  return need;
}

VentilatorPledge PledgeFromRow(const Row& row) {
  VentilatorPledge pledge;
  pledge.id = row.Int(0);
  pledge.foundation = row.Text(1);
  pledge.kind = row.Text(2);
  pledge.type = row.Text(3);
  pledge.units = row.Int(4);
  pledge.units_allocated = row.Int(5);
  pledge.delivery_days = row.Int(6);
  pledge.budget_yuan = row.Int(7);
  pledge.budget_spent_yuan = row.Int(8);
  pledge.note = row.Text(9);
  pledge.pledged_at = row.Int(10);
  pledge.pledged_by = row.Int(11);
  return pledge;
}

SupplierStock StockFromRow(const Row& row) {
  SupplierStock stock;
  stock.id = row.Int(0);
  stock.supplier = row.Text(1);
  stock.model = row.Text(2);
  stock.type = row.Text(3);
  stock.unit_price_yuan = row.Int(4);
  stock.lead_time_days = row.Int(5);
  stock.quantity = row.Int(6);
  stock.reserved = row.Int(7);
  stock.created_at = row.Int(8);
  stock.created_by = row.Int(9);
  return stock;
}

}  // namespace

std::span<const std::string_view> VentilatorTypes() { return kTypes; }
std::span<const std::string_view> VentilatorUrgencies() { return kUrgencies; }
std::span<const std::string_view> VerificationMethods() { return kMethods; }
std::span<const std::string_view> VentilatorOrderStates() { return kStates; }

int UrgencyRank(std::string_view urgency) {
  for (std::size_t rank = 0; rank < kUrgencies.size(); ++rank) {
    if (kUrgencies[rank] == urgency) return static_cast<int>(rank);
  }
  return -1;
}

std::int64_t VentilatorOptions::WithinDays(std::string_view urgency) const {
  if (urgency == "critical") return critical_within_days;
  if (urgency == "urgent") return urgent_within_days;
  return routine_within_days;
}

namespace ventilators {

Status CheckRange(std::string_view field, std::int64_t value, std::int64_t min, std::int64_t max) {
  if (value >= min && value <= max) return Status::Ok();
  return FieldInvalid(field, std::to_string(min) + ".." + std::to_string(max));
}

Status RecordChange(Connection& connection, const Actor& actor, UnixMillis at,
                    const Change& change) {
  RETURN_IF_ERROR(
      connection
          .Execute(
              "INSERT INTO ventilator_events (entity, entity_id, action, from_state, "
              "to_state, note, at, actor_user_id, actor_username) VALUES ($1, $2, $3, $4, "
              "$5, $6, $7, $8, $9)",
              {std::string(change.entity), change.entity_id, std::string(change.action),
               change.from_state, change.to_state, change.note, at, actor.user_id, actor.username})
          .status());
  return AuditLog::Append(connection, actor,
                          {std::string(change.action), "ventilator_" + std::string(change.entity),
                           std::to_string(change.entity_id), change.note});
}

Result<std::vector<VentilatorNeed>> LoadNeeds(Connection& connection, const std::string& where,
                                              const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT " + std::string(kNeedColumns) +
                                        " FROM ventilator_needs n JOIN hospitals h ON h.id = "
                                        "n.hospital_id LEFT JOIN users u ON u.id = n.verified_by "
                                        "WHERE " +
                                        where + " ORDER BY n.id",
                                    params));
  std::vector<VentilatorNeed> needs;
  needs.reserve(found.rows.size());
  for (const Row& row : found.rows) needs.push_back(NeedFromRow(row));
  return needs;
}

Result<std::vector<VentilatorPledge>> LoadPledges(Connection& connection, const std::string& where,
                                                  const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query("SELECT " + std::string(kPledgeColumns) +
                           " FROM ventilator_pledges p WHERE " + where + " ORDER BY p.id",
                       params));
  std::vector<VentilatorPledge> pledges;
  pledges.reserve(found.rows.size());
  for (const Row& row : found.rows) pledges.push_back(PledgeFromRow(row));
  return pledges;
}

Result<std::vector<SupplierStock>> LoadStock(Connection& connection, const std::string& where,
                                             const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query("SELECT " + std::string(kStockColumns) + " FROM ventilator_stock s WHERE " +
                           where + " ORDER BY s.id",
                       params));
  std::vector<SupplierStock> stock;
  stock.reserve(found.rows.size());
  for (const Row& row : found.rows) stock.push_back(StockFromRow(row));
  return stock;
}

}  // namespace ventilators

VentilatorService::VentilatorService(Database& database, VentilatorOptions options)
    : database_(database), options_(std::move(options)) {}

Result<VentilatorNeed> VentilatorService::AddNeed(const Actor& actor,
                                                  const NewVentilatorNeed& need) {
  const UnixMillis now = Now();
  if (need.hospital_id <= 0) return FieldRequired("hospital_id");
  RETURN_IF_ERROR(CheckChoice("type", need.type, kTypes));
  RETURN_IF_ERROR(CheckRange("quantity", need.quantity, 1, kMaxVentilatorUnits));
  RETURN_IF_ERROR(CheckChoice("urgency", need.urgency, kUrgencies));
  RETURN_IF_ERROR(CheckChoice("verification_method", need.verification_method, kMethods));
  const UnixMillis verified_at = need.verified_at == 0 ? now : need.verified_at;
  if (verified_at > now) return FieldInvalid("verified_at", "not in the future");
  RETURN_IF_ERROR(CheckText(need.note, "note", kMaxVentilatorNoteBytes, false));
  VentilatorNeed created;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(
            const QueryResult hospital,
            connection.Query("SELECT 1 FROM hospitals WHERE id = $1", {need.hospital_id}));
        if (hospital.rows.empty()) {
          return Status::InvalidArgument("error.ventilators.unknown_hospital",
                                         {{"id", std::to_string(need.hospital_id)}}, "hospital_id");
        }
        ASSIGN_OR_RETURN(
            const QueryResult inserted,
            connection.Query(
                "INSERT INTO ventilator_needs (hospital_id, type, quantity, urgency, verified_by, "
                "verification_method, verified_at, status, note, created_at, created_by, "
                "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $5, $9) "
                "RETURNING id",
                {need.hospital_id, need.type, need.quantity, need.urgency, actor.user_id,
                 need.verification_method, verified_at, Trimmed(need.note), now}));
        const std::int64_t id = inserted.rows.at(0).Int(0);
        RETURN_IF_ERROR(
            RecordChange(connection, actor, now,
                         {"need", id, "create", "", std::string(kNeedOpen), Trimmed(need.note)}));
        ASSIGN_OR_RETURN(std::vector<VentilatorNeed> loaded,
                         LoadNeeds(connection, "n.id = $1", {id}));
        created = std::move(loaded.at(0));
        return Status::Ok();
      }));
  return created;
}

Result<std::vector<VentilatorNeed>> VentilatorService::ListNeeds(const std::string& status) {
  if (!status.empty()) RETURN_IF_ERROR(CheckChoice("status", status, kNeedStatuses));
  std::vector<VentilatorNeed> needs;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        if (status.empty()) {
          ASSIGN_OR_RETURN(needs, LoadNeeds(connection, "1 = 1", {}));
        } else {
          ASSIGN_OR_RETURN(needs, LoadNeeds(connection, "n.status = $1", {status}));
        }
        return Status::Ok();
      }));
  std::stable_sort(needs.begin(), needs.end(),
                   [](const VentilatorNeed& left, const VentilatorNeed& right) {
                     const int left_rank = UrgencyRank(left.urgency);
                     const int right_rank = UrgencyRank(right.urgency);
                     if (left_rank != right_rank) return left_rank < right_rank;
                     return left.created_at < right.created_at;
                   });
  return needs;
}

Result<VentilatorNeed> VentilatorService::WithdrawNeed(const Actor& actor, std::int64_t need_id,
                                                       const std::string& note) {
  RETURN_IF_ERROR(CheckText(note, "note", kMaxVentilatorNoteBytes, true));
  const UnixMillis now = Now();
  VentilatorNeed withdrawn;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(std::vector<VentilatorNeed> found,
                         LoadNeeds(connection, "n.id = $1", {need_id}));
        if (found.empty()) return RecordNotFound("ventilator_need", need_id);
        // Conditional, so a line accepted meanwhile (on PostgreSQL) keeps the need.
        ASSIGN_OR_RETURN(const std::int64_t changed,
                         connection.Execute("UPDATE ventilator_needs SET status = 'withdrawn', "
                                            "updated_at = $2 WHERE id = $1 AND status = 'open' "
                                            "AND covered = 0",
                                            {need_id, now}));
        if (changed != 1) {
          return Status(ErrorCode::kFailedPrecondition, "error.ventilators.need_not_open",
                        {{"id", std::to_string(need_id)}});
        }
        RETURN_IF_ERROR(RecordChange(connection, actor, now,
                                     {"need", need_id, "withdraw", found.front().status,
                                      std::string(kNeedWithdrawn), Trimmed(note)}));
        withdrawn = std::move(found.front());
        withdrawn.status = kNeedWithdrawn;
        return Status::Ok();
      }));
  return withdrawn;
}

Result<VentilatorPledge> VentilatorService::AddPledge(const Actor& actor,
                                                      const NewVentilatorPledge& pledge) {
  RETURN_IF_ERROR(CheckText(pledge.foundation, "foundation", kMaxVentilatorNameBytes, true));
  const bool units = pledge.units != 0;
  const bool budget = pledge.budget_yuan != 0;
  if (units == budget) {
    return Status::InvalidArgument("error.ventilators.units_or_budget", {}, "units");
  }
  if (units) {
    RETURN_IF_ERROR(CheckChoice("type", pledge.type, kTypes));
    RETURN_IF_ERROR(CheckRange("units", pledge.units, 1, kMaxVentilatorUnits));
    RETURN_IF_ERROR(CheckRange("delivery_days", pledge.delivery_days, 0, kMaxLeadTimeDays));
  } else {
    if (!pledge.type.empty()) return FieldInvalid("type", "only for a pledge of units");
    RETURN_IF_ERROR(CheckRange("budget_yuan", pledge.budget_yuan, 1, kMaxBudgetYuan));
    if (pledge.delivery_days != 0) return FieldInvalid("delivery_days", "only for units");
  }
  RETURN_IF_ERROR(CheckText(pledge.note, "note", kMaxVentilatorNoteBytes, false));
  const UnixMillis now = Now();
  VentilatorPledge created;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(
            const QueryResult inserted,
            connection.Query(
                "INSERT INTO ventilator_pledges (foundation, kind, type, units, delivery_days, "
                "budget_yuan, note, pledged_at, pledged_by) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                "$8, $9) RETURNING id",
                {Trimmed(pledge.foundation), std::string(units ? kPledgeUnits : kPledgeBudget),
                 pledge.type, pledge.units, pledge.delivery_days, pledge.budget_yuan,
                 Trimmed(pledge.note), now, actor.user_id}));
        const std::int64_t id = inserted.rows.at(0).Int(0);
        RETURN_IF_ERROR(
            RecordChange(connection, actor, now, {"pledge", id, "create", "", "", pledge.note}));
        ASSIGN_OR_RETURN(std::vector<VentilatorPledge> loaded,
                         LoadPledges(connection, "p.id = $1", {id}));
        created = std::move(loaded.at(0));
        return Status::Ok();
      }));
  return created;
}

Result<std::vector<VentilatorPledge>> VentilatorService::ListPledges() {
  std::vector<VentilatorPledge> pledges;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(pledges, LoadPledges(connection, "1 = 1", {}));
        return Status::Ok();
      }));
  return pledges;
}

Result<SupplierStock> VentilatorService::AddStock(const Actor& actor,
                                                  const NewSupplierStock& stock) {
  RETURN_IF_ERROR(CheckText(stock.supplier, "supplier", kMaxVentilatorNameBytes, true));
  RETURN_IF_ERROR(CheckText(stock.model, "model", kMaxVentilatorNameBytes, true));
  RETURN_IF_ERROR(CheckChoice("type", stock.type, kTypes));
  RETURN_IF_ERROR(CheckRange("unit_price_yuan", stock.unit_price_yuan, 1, kMaxUnitPriceYuan));
  RETURN_IF_ERROR(CheckRange("lead_time_days", stock.lead_time_days, 0, kMaxLeadTimeDays));
  RETURN_IF_ERROR(CheckRange("quantity", stock.quantity, 1, kMaxVentilatorUnits));
  const UnixMillis now = Now();
  SupplierStock created;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(
            const QueryResult inserted,
            connection.Query(
                "INSERT INTO ventilator_stock (supplier, model, type, "
                "unit_price_yuan, lead_time_days, quantity, created_at, created_by) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                {Trimmed(stock.supplier), Trimmed(stock.model), stock.type, stock.unit_price_yuan,
                 stock.lead_time_days, stock.quantity, now, actor.user_id}));
        const std::int64_t id = inserted.rows.at(0).Int(0);
        RETURN_IF_ERROR(RecordChange(connection, actor, now, {"stock", id, "create", "", "", ""}));
        ASSIGN_OR_RETURN(std::vector<SupplierStock> loaded,
                         LoadStock(connection, "s.id = $1", {id}));
        created = std::move(loaded.at(0));
        return Status::Ok();
      }));
  return created;
}

Result<std::vector<SupplierStock>> VentilatorService::ListStock() {
  std::vector<SupplierStock> stock;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(stock, LoadStock(connection, "1 = 1", {}));
        return Status::Ok();
      }));
  return stock;
}

}  // namespace lifeline
