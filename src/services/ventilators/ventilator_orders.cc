// Proposals, accepting their lines into orders, the orders' state machine and the totals.

#include <algorithm>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

#include "services/ventilators/ventilators.h"
#include "services/ventilators/ventilators_internal.h"

namespace lifeline {
namespace {

using namespace ventilators;

constexpr std::string_view kOrderColumns =
    "o.id, o.need_id, o.hospital_id, h.name_zh, h.name_en, o.pledge_id, p.foundation, "
    "COALESCE(o.stock_id, 0), COALESCE(s.supplier, ''), COALESCE(s.model, ''), "
    "COALESCE(o.proposal_line_id, 0), o.type, o.units, o.unit_price_yuan, o.cost_yuan, "
    "o.expected_delivery_at, o.state, o.created_at, o.updated_at";

constexpr std::string_view kLineColumns =
    "l.id, l.position, l.need_id, n.hospital_id, n.type, n.urgency, l.pledge_id, p.foundation, "
    "COALESCE(l.stock_id, 0), COALESCE(s.supplier, ''), COALESCE(s.model, ''), l.units, "
    "l.unit_price_yuan, l.lead_time_days, l.cost_yuan, l.expected_delivery_at, l.in_time, "
    "l.reason, l.reason_args, COALESCE(l.order_id, 0)";

constexpr std::string_view kLineJoins =
    " FROM ventilator_proposal_lines l JOIN ventilator_needs n ON n.id = l.need_id "
    "JOIN ventilator_pledges p ON p.id = l.pledge_id "
    "LEFT JOIN ventilator_stock s ON s.id = l.stock_id ";

// A line claimed by an accept in progress, before its order exists.
constexpr std::int64_t kLineBeingAccepted = 0;

VentilatorOrder OrderFromRow(const Row& row) {
  VentilatorOrder order;
  order.id = row.Int(0);
  order.need_id = row.Int(1);
  order.hospital_id = row.Int(2);
  order.hospital_name_zh = row.Text(3);
  order.hospital_name_en = row.Text(4);
  order.pledge_id = row.Int(5);
  order.foundation = row.Text(6);
  order.stock_id = row.Int(7);
  order.supplier = row.Text(8);
  order.model = row.Text(9);
  order.proposal_line_id = row.Int(10);
  order.type = row.Text(11);
  order.units = row.Int(12);
  order.unit_price_yuan = row.Int(13);
  order.cost_yuan = row.Int(14);
  order.expected_delivery_at = row.Int(15);
  order.state = row.Text(16);
  order.created_at = row.Int(17);
  order.updated_at = row.Int(18);
  return order;
}

ProposalLine LineFromRow(const Row& row) {
  ProposalLine line;
  line.id = row.Int(0);
  line.position = row.Int(1);
  line.need_id = row.Int(2);
  line.hospital_id = row.Int(3);
  line.type = row.Text(4);
  line.urgency = row.Text(5);
  line.pledge_id = row.Int(6);
  line.foundation = row.Text(7);
  line.stock_id = row.Int(8);
  line.supplier = row.Text(9);
  line.model = row.Text(10);
  line.units = row.Int(11);
  line.unit_price_yuan = row.Int(12);
  line.lead_time_days = row.Int(13);
  line.cost_yuan = row.Int(14);
  line.expected_delivery_at = row.Int(15);
  line.in_time = row.Int(16) != 0;
  line.reason = row.Text(17);
  const nlohmann::json args = nlohmann::json::parse(row.Text(18), nullptr, false);
  if (args.is_object()) {
    for (const auto& [name, value] : args.items()) {
      if (value.is_string()) line.reason_args.emplace_back(name, value.get<std::string>());
    }
  }
  line.order_id = row.Int(19);
  return line;
}

std::string ArgsText(const MessageArgs& args) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : args) object[name] = value;
  return object.dump();
}

std::string UncoveredText(const std::vector<UncoveredNeed>& uncovered) {
  nlohmann::json list = nlohmann::json::array();
  for (const UncoveredNeed& need : uncovered) {
    list.push_back({{"need_id", need.need_id},
                    {"hospital_id", need.hospital_id},
                    {"type", need.type},
                    {"urgency", need.urgency},
                    {"units", need.units},
                    {"reason", need.reason}});
  }
  return list.dump();
}

std::vector<UncoveredNeed> UncoveredFromText(const std::string& text) {
  std::vector<UncoveredNeed> uncovered;
  const nlohmann::json list = nlohmann::json::parse(text, nullptr, false);
  if (!list.is_array()) return uncovered;
  for (const nlohmann::json& item : list) {
    if (!item.is_object()) continue;
    uncovered.push_back({item.value("need_id", std::int64_t{0}),
                         item.value("hospital_id", std::int64_t{0}), item.value("type", ""),
                         item.value("urgency", ""), item.value("units", std::int64_t{0}),
                         item.value("reason", "")});
  }
  return uncovered;
}

Result<VentilatorProposal> LoadProposal(Connection& connection, std::int64_t proposal_id) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT id, computed_at, computed_by, uncovered FROM "
                                    "ventilator_proposals WHERE id = $1",
                                    {proposal_id}));
  if (found.rows.empty()) return RecordNotFound("ventilator_proposal", proposal_id);
  VentilatorProposal proposal;
  proposal.id = found.rows.front().Int(0);
  proposal.computed_at = found.rows.front().Int(1);
  proposal.computed_by = found.rows.front().Int(2);
  proposal.uncovered = UncoveredFromText(found.rows.front().Text(3));
  ASSIGN_OR_RETURN(
      const QueryResult lines,
      connection.Query("SELECT " + std::string(kLineColumns) + std::string(kLineJoins) +
                           "WHERE l.proposal_id = $1 ORDER BY l.position",
                       {proposal_id}));
  for (const Row& row : lines.rows) proposal.lines.push_back(LineFromRow(row));
  return proposal;
}

Status Stale(std::string_view what, std::int64_t id) {
  return Status(ErrorCode::kFailedPrecondition, "error.ventilators.stale_" + std::string(what),
                {{"id", std::to_string(id)}});
}

std::ptrdiff_t StateIndex(std::string_view state) {
  const std::span<const std::string_view> states = VentilatorOrderStates();
  return std::find(states.begin(), states.end(), state) - states.begin();
}

}  // namespace

namespace ventilators {

Result<std::vector<VentilatorOrder>> LoadOrders(Connection& connection, const std::string& where,
                                                const std::vector<Value>& params,
                                                bool with_history) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT " + std::string(kOrderColumns) +
                                        " FROM ventilator_orders o JOIN hospitals h ON h.id = "
                                        "o.hospital_id JOIN ventilator_pledges p ON p.id = "
                                        "o.pledge_id LEFT JOIN ventilator_stock s ON s.id = "
                                        "o.stock_id WHERE " +
                                        where + " ORDER BY o.id",
                                    params));
  std::vector<VentilatorOrder> orders;
  orders.reserve(found.rows.size());
  std::map<std::int64_t, std::size_t> index_by_id;
  for (const Row& row : found.rows) {
    index_by_id[row.Int(0)] = orders.size();
    orders.push_back(OrderFromRow(row));
  }
  if (!with_history || orders.empty()) return orders;
  // One order's history by its id; a listing reads every order event once.
  const bool single = orders.size() == 1;
  ASSIGN_OR_RETURN(
      const QueryResult events,
      connection.Query(std::string("SELECT id, entity_id, action, from_state, to_state, note, at, "
                                   "actor_user_id, actor_username FROM ventilator_events WHERE "
                                   "entity = 'order'") +
                           (single ? " AND entity_id = $1" : "") + " ORDER BY id",
                       single ? std::vector<Value>{orders.front().id} : std::vector<Value>{}));
  for (const Row& row : events.rows) {
    const auto found_order = index_by_id.find(row.Int(1));
    if (found_order == index_by_id.end()) continue;
    orders[found_order->second].history.push_back({row.Int(0), row.Text(2), row.Text(3),
                                                   row.Text(4), row.Text(5), row.Int(6), row.Int(7),
                                                   row.Text(8)});
  }
  return orders;
}

}  // namespace ventilators

Result<VentilatorProposal> VentilatorService::Propose(const Actor& actor) {
  const UnixMillis now = Now();
  VentilatorProposal proposal;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const std::vector<VentilatorNeed> needs,
                         LoadNeeds(connection, "n.status = 'open' AND n.covered < n.quantity", {}));
        ASSIGN_OR_RETURN(const std::vector<VentilatorPledge> pledges,
                         LoadPledges(connection,
                                     "p.units_allocated < p.units OR "
                                     "p.budget_spent_yuan < p.budget_yuan",
                                     {}));
        ASSIGN_OR_RETURN(const std::vector<SupplierStock> stock,
                         LoadStock(connection, "s.reserved < s.quantity", {}));
        std::vector<UncoveredNeed> uncovered;
        std::vector<ProposalLine> lines =
            PlanVentilators(needs, pledges, stock, options_, now, &uncovered);
        ASSIGN_OR_RETURN(const QueryResult inserted,
                         connection.Query("INSERT INTO ventilator_proposals (computed_at, "
                                          "computed_by, uncovered) VALUES ($1, $2, $3) "
                                          "RETURNING id",
                                          {now, actor.user_id, UncoveredText(uncovered)}));
        proposal.id = inserted.rows.at(0).Int(0);
        proposal.computed_at = now;
        proposal.computed_by = actor.user_id;
        proposal.uncovered = std::move(uncovered);
        for (ProposalLine& line : lines) {
          ASSIGN_OR_RETURN(
              const QueryResult line_id,
              connection.Query(
                  "INSERT INTO ventilator_proposal_lines (proposal_id, position, need_id, "
                  "pledge_id, stock_id, units, unit_price_yuan, lead_time_days, cost_yuan, "
                  "expected_delivery_at, in_time, reason, reason_args) VALUES ($1, $2, $3, $4, "
                  "$5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                  {proposal.id, line.position, line.need_id, line.pledge_id,
                   line.stock_id == 0 ? Value(nullptr) : Value(line.stock_id), line.units,
                   line.unit_price_yuan, line.lead_time_days, line.cost_yuan,
                   line.expected_delivery_at, std::int64_t{line.in_time ? 1 : 0}, line.reason,
                   ArgsText(line.reason_args)}));
          line.id = line_id.rows.at(0).Int(0);
        }
        proposal.lines = std::move(lines);
        return RecordChange(
            connection, actor, now,
            {"proposal", proposal.id, "compute", "", "",
             std::to_string(proposal.lines.size()) + " lines, " +
                 std::to_string(proposal.uncovered.size()) + " needs left uncovered"});
      }));
  return proposal;
}

Result<VentilatorProposal> VentilatorService::GetProposal(std::int64_t proposal_id) {
  VentilatorProposal proposal;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(proposal, LoadProposal(connection, proposal_id));
        return Status::Ok();
      }));
  return proposal;
}

Result<VentilatorOrder> VentilatorService::AcceptLine(const Actor& actor, std::int64_t line_id) {
  const UnixMillis now = Now();
  VentilatorOrder order;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const QueryResult found,
                         connection.Query("SELECT " + std::string(kLineColumns) +
                                              std::string(kLineJoins) + "WHERE l.id = $1",
                                          {line_id}));
        if (found.rows.empty()) return RecordNotFound("ventilator_proposal_line", line_id);
        const ProposalLine line = LineFromRow(found.rows.front());
        // Claims the line first: of two accepts of one line, the second waits here (PostgreSQL
        // row lock, SQLite's single writer) and then finds it taken.
        ASSIGN_OR_RETURN(const std::int64_t claimed,
                         connection.Execute("UPDATE ventilator_proposal_lines SET order_id = $2 "
                                            "WHERE id = $1 AND order_id IS NULL",
                                            {line_id, kLineBeingAccepted}));
        if (claimed != 1) {
          return Status(ErrorCode::kFailedPrecondition, "error.ventilators.line_accepted",
                        {{"id", std::to_string(line_id)}});
        }
        // Each resource is taken only if it still holds what the line counted on; the WHERE
        // clauses are the checks, so concurrent accepts cannot both take the last units.
        ASSIGN_OR_RETURN(
            const std::int64_t need_taken,
            connection.Execute("UPDATE ventilator_needs SET covered = covered + $2, status = CASE "
                               "WHEN covered + $2 = quantity THEN 'covered' ELSE 'open' END, "
                               "updated_at = $3 WHERE id = $1 AND status = 'open' AND "
                               "quantity - covered >= $2",
                               {line.need_id, line.units, now}));
        if (need_taken != 1) return Stale("need", line.need_id);
        const bool purchase = line.stock_id != 0;
        ASSIGN_OR_RETURN(
            const std::int64_t pledge_taken,
            purchase ? connection.Execute(
                           "UPDATE ventilator_pledges SET budget_spent_yuan = budget_spent_yuan + "
                           "$2 WHERE id = $1 AND kind = 'budget' AND budget_yuan - "
                           "budget_spent_yuan >= $2",
                           {line.pledge_id, line.cost_yuan})
                     : connection.Execute(
                           "UPDATE ventilator_pledges SET units_allocated = units_allocated + $2 "
                           "WHERE id = $1 AND kind = 'units' AND units - units_allocated >= $2",
                           {line.pledge_id, line.units}));
        if (pledge_taken != 1) return Stale("pledge", line.pledge_id);
        if (purchase) {
          ASSIGN_OR_RETURN(
              const std::int64_t stock_taken,
              connection.Execute(
                  "UPDATE ventilator_stock SET reserved = reserved + $2 WHERE id = $1 "
                  "AND quantity - reserved >= $2 AND unit_price_yuan = $3 AND "
                  "lead_time_days = $4",
                  {line.stock_id, line.units, line.unit_price_yuan, line.lead_time_days}));
          if (stock_taken != 1) return Stale("stock", line.stock_id);
        }
        const std::string state(purchase ? kStateOrdered : kStatePledged);
        ASSIGN_OR_RETURN(
            const QueryResult inserted,
            connection.Query(
                "INSERT INTO ventilator_orders (need_id, hospital_id, pledge_id, stock_id, "
                "proposal_line_id, type, units, unit_price_yuan, cost_yuan, expected_delivery_at, "
                "state, created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                "$8, "
                "$9, $10, $11, $12, $13, $12) RETURNING id",
                {line.need_id, line.hospital_id, line.pledge_id,
                 purchase ? Value(line.stock_id) : Value(nullptr), line_id, line.type, line.units,
                 line.unit_price_yuan, line.cost_yuan, now + line.lead_time_days * kMillisPerDay,
                 state, now, actor.user_id}));
        const std::int64_t order_id = inserted.rows.at(0).Int(0);
        RETURN_IF_ERROR(
            connection
                .Execute("UPDATE ventilator_proposal_lines SET order_id = $2 WHERE id = $1",
                         {line_id, order_id})
                .status());
        RETURN_IF_ERROR(RecordChange(
            connection, actor, now,
            {"order", order_id, "create", "", state, "proposal line " + std::to_string(line_id)}));
        RETURN_IF_ERROR(RecordChange(
            connection, actor, now,
            {"need", line.need_id, "cover", "", "",
             std::to_string(line.units) + " units, order " + std::to_string(order_id)}));
        ASSIGN_OR_RETURN(std::vector<VentilatorOrder> loaded,
                         LoadOrders(connection, "o.id = $1", {order_id}, true));
        order = std::move(loaded.at(0));
        return Status::Ok();
      }));
  return order;
}

Result<VentilatorOrder> VentilatorService::Advance(const Actor& actor, std::int64_t order_id,
                                                   const std::string& to_state,
                                                   const std::string& note) {
  RETURN_IF_ERROR(CheckChoice("state", to_state, VentilatorOrderStates()));
  RETURN_IF_ERROR(CheckText(note, "note", kMaxVentilatorNoteBytes, false));
  const UnixMillis now = Now();
  VentilatorOrder order;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(std::vector<VentilatorOrder> found,
                         LoadOrders(connection, "o.id = $1", {order_id}, false));
        if (found.empty()) return RecordNotFound("ventilator_order", order_id);
        const std::string from_state = found.front().state;
        const std::span<const std::string_view> states = VentilatorOrderStates();
        const std::ptrdiff_t from = StateIndex(from_state);
        const std::ptrdiff_t next = from + 1;
        const std::string allowed =
            next < static_cast<std::ptrdiff_t>(states.size()) ? std::string(states[next]) : "";
        const Status refused(
            ErrorCode::kFailedPrecondition,
            allowed.empty() ? "error.ventilators.order_final" : "error.ventilators.transition",
            {{"from", from_state}, {"to", to_state}, {"next", allowed}}, "state");
        if (to_state != allowed) return refused;
        // Conditional on the state read, so two concurrent advances cannot both apply.
        ASSIGN_OR_RETURN(const std::int64_t changed,
                         connection.Execute("UPDATE ventilator_orders SET state = $2, "
                                            "updated_at = $3 WHERE id = $1 AND state = $4",
                                            {order_id, to_state, now, from_state}));
        if (changed != 1) return refused;
        RETURN_IF_ERROR(
            RecordChange(connection, actor, now,
                         {"order", order_id, "advance", from_state, to_state, Trimmed(note)}));
        ASSIGN_OR_RETURN(std::vector<VentilatorOrder> loaded,
                         LoadOrders(connection, "o.id = $1", {order_id}, true));
        order = std::move(loaded.at(0));
        return Status::Ok();
      }));
  return order;
}

Result<VentilatorOrder> VentilatorService::GetOrder(std::int64_t order_id) {
  VentilatorOrder order;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(std::vector<VentilatorOrder> found,
                         LoadOrders(connection, "o.id = $1", {order_id}, true));
        if (found.empty()) return RecordNotFound("ventilator_order", order_id);
        order = std::move(found.front());
        return Status::Ok();
      }));
  return order;
}

Result<std::vector<VentilatorOrder>> VentilatorService::ListOrders(const std::string& state) {
  if (!state.empty()) RETURN_IF_ERROR(CheckChoice("state", state, VentilatorOrderStates()));
  std::vector<VentilatorOrder> orders;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        if (state.empty()) {
          ASSIGN_OR_RETURN(orders, LoadOrders(connection, "1 = 1", {}, true));
        } else {
          ASSIGN_OR_RETURN(orders, LoadOrders(connection, "o.state = $1", {state}, true));
        }
        return Status::Ok();
      }));
  return orders;
}

Result<VentilatorTotals> VentilatorService::Totals() {
  VentilatorTotals totals;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(
            const QueryResult hospitals,
            connection.Query("SELECT id, name_zh, name_en, kind FROM hospitals ORDER BY id"));
        std::map<std::int64_t, std::size_t> hospital_index;
        for (const Row& row : hospitals.rows) {
          hospital_index[row.Int(0)] = totals.hospitals.size();
          totals.hospitals.push_back({.hospital_id = row.Int(0),
                                      .name_zh = row.Text(1),
                                      .name_en = row.Text(2),
                                      .kind = row.Text(3)});
        }
        ASSIGN_OR_RETURN(
            const QueryResult needs,
            connection.Query(
                "SELECT hospital_id, CAST(SUM(quantity) AS BIGINT), CAST(SUM(CASE WHEN "
                "status = 'open' THEN quantity - covered ELSE 0 END) AS BIGINT) FROM "
                "ventilator_needs WHERE status <> 'withdrawn' GROUP BY hospital_id"));
        for (const Row& row : needs.rows) {
          HospitalVentilatorTotals& hospital = totals.hospitals[hospital_index.at(row.Int(0))];
          hospital.needed = row.Int(1);
          hospital.uncovered = row.Int(2);
        }
        ASSIGN_OR_RETURN(const QueryResult orders,
                         connection.Query("SELECT hospital_id, state, CAST(SUM(units) AS BIGINT) "
                                          "FROM ventilator_orders GROUP BY hospital_id, state"));
        for (const Row& row : orders.rows) {
          HospitalVentilatorTotals& hospital = totals.hospitals[hospital_index.at(row.Int(0))];
          const std::string state = row.Text(1);
          const std::int64_t units = row.Int(2);
          if (state == "pledged") hospital.pledged += units;
          if (state == "ordered") hospital.ordered += units;
          if (state == "shipped") hospital.shipped += units;
          if (state == "delivered") hospital.delivered += units;
          if (state == "in_use") hospital.in_use += units;
        }
        ASSIGN_OR_RETURN(
            const QueryResult pledges,
            connection.Query(
                "SELECT foundation, CAST(SUM(units) AS BIGINT), "
                "CAST(SUM(units_allocated) AS BIGINT), CAST(SUM(budget_yuan) AS BIGINT), "
                "CAST(SUM(budget_spent_yuan) AS BIGINT) FROM ventilator_pledges GROUP BY "
                "foundation ORDER BY foundation"));
        std::map<std::string, std::size_t> foundation_index;
        for (const Row& row : pledges.rows) {
          foundation_index[row.Text(0)] = totals.foundations.size();
          totals.foundations.push_back({.foundation = row.Text(0),
                                        .units_pledged = row.Int(1),
                                        .units_allocated = row.Int(2),
                                        .budget_pledged_yuan = row.Int(3),
                                        .budget_spent_yuan = row.Int(4)});
        }
        ASSIGN_OR_RETURN(const QueryResult delivered,
                         connection.Query("SELECT p.foundation, CAST(SUM(CASE WHEN o.stock_id IS "
                                          "NOT NULL THEN o.units ELSE 0 "
                                          "END) AS BIGINT), CAST(SUM(CASE WHEN o.state IN "
                                          "('delivered', 'in_use') THEN o.units "
                                          "ELSE 0 END) AS BIGINT) FROM ventilator_orders o JOIN "
                                          "ventilator_pledges p ON p.id = "
                                          "o.pledge_id GROUP BY p.foundation"));
        for (const Row& row : delivered.rows) {
          FoundationVentilatorTotals& foundation =
              totals.foundations[foundation_index.at(row.Text(0))];
          foundation.units_bought = row.Int(1);
          foundation.units_delivered = row.Int(2);
        }
        return Status::Ok();
      }));
  return totals;
}

}  // namespace lifeline
