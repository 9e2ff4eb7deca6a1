// The ventilator pipeline's endpoints (docs/ventilators.md): needs, pledges, stock, proposals,
// orders and totals. Reading is for coordinators, admins, planners and doctors; changing for
// coordinators and admins.

#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "http/routes.h"
#include "services/ventilators/ventilators.h"

namespace lifeline {
namespace {

const Access kReaders =
    Access::Only({Role::kCoordinator, Role::kAdmin, Role::kPlanner, Role::kDoctor});
const Access kWriters = Access::Only({Role::kCoordinator, Role::kAdmin});

constexpr const char* kPrefix = "/api/v1/ventilators";

std::string Path(const char* suffix) { return std::string(kPrefix) + suffix; }

std::string Instant(UnixMillis instant) { return instant == 0 ? "" : FormatIso8601(instant); }

nlohmann::json Args(const MessageArgs& args) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : args) object[name] = value;
  return object;
}

nlohmann::json NeedJson(const VentilatorNeed& need) {
  return {{"id", need.id},
          {"hospital_id", need.hospital_id},
          {"hospital_name_zh", need.hospital_name_zh},
          {"hospital_name_en", need.hospital_name_en},
          {"type", need.type},
          {"quantity", need.quantity},
          {"covered", need.covered},
          {"uncovered", need.uncovered()},
          {"urgency", need.urgency},
          {"verified_by", need.verified_by},
          {"verified_by_name", need.verified_by_name},
          {"verification_method", need.verification_method},
          {"verified_at", Instant(need.verified_at)},
          {"status", need.status},
          {"note", need.note},
          {"created_at", Instant(need.created_at)}};
}

nlohmann::json PledgeJson(const VentilatorPledge& pledge) {
  return {{"id", pledge.id},
          {"foundation", pledge.foundation},
          {"kind", pledge.kind},
          {"type", pledge.type},
          {"units", pledge.units},
          {"units_allocated", pledge.units_allocated},
          {"delivery_days", pledge.delivery_days},
          {"budget_yuan", pledge.budget_yuan},
          {"budget_spent_yuan", pledge.budget_spent_yuan},
          {"note", pledge.note},
          {"pledged_at", Instant(pledge.pledged_at)}};
}

nlohmann::json StockJson(const SupplierStock& stock) {
  return {{"id", stock.id},
          {"supplier", stock.supplier},
          {"model", stock.model},
          {"type", stock.type},
          {"unit_price_yuan", stock.unit_price_yuan},
          {"lead_time_days", stock.lead_time_days},
          {"quantity", stock.quantity},
          {"reserved", stock.reserved},
          {"available", stock.available()},
          {"created_at", Instant(stock.created_at)}};
}

nlohmann::json ProposalJson(const VentilatorProposal& proposal) {
  nlohmann::json lines = nlohmann::json::array();
  for (const ProposalLine& line : proposal.lines) {
    lines.push_back({{"id", line.id},
                     {"position", line.position},
                     {"need_id", line.need_id},
                     {"hospital_id", line.hospital_id},
                     {"type", line.type},
                     {"urgency", line.urgency},
                     {"source", line.stock_id == 0 ? "pledged_units" : "purchase"},
                     {"pledge_id", line.pledge_id},
                     {"foundation", line.foundation},
                     {"stock_id", line.stock_id},
                     {"supplier", line.supplier},
                     {"model", line.model},
                     {"units", line.units},
                     {"unit_price_yuan", line.unit_price_yuan},
                     {"lead_time_days", line.lead_time_days},
                     {"cost_yuan", line.cost_yuan},
                     {"expected_delivery_at", Instant(line.expected_delivery_at)},
                     {"in_time", line.in_time},
                     {"reason", line.reason},
                     {"reason_args", Args(line.reason_args)},
                     {"order_id", line.order_id}});
  }
  nlohmann::json uncovered = nlohmann::json::array();
  for (const UncoveredNeed& need : proposal.uncovered) {
    uncovered.push_back({{"need_id", need.need_id},
                         {"hospital_id", need.hospital_id},
                         {"type", need.type},
                         {"urgency", need.urgency},
                         {"units", need.units},
                         {"reason", need.reason}});
  }
  return {{"id", proposal.id},
          {"computed_at", Instant(proposal.computed_at)},
          {"lines", lines},
          {"uncovered", uncovered}};
}

nlohmann::json OrderJson(const VentilatorOrder& order) {
  nlohmann::json history = nlohmann::json::array();
  for (const OrderEvent& event : order.history) {
    history.push_back({{"from_state", event.from_state},
                       {"to_state", event.to_state},
                       {"note", event.note},
                       {"at", Instant(event.at)},
                       {"by", event.actor_username}});
  }
  return {{"id", order.id},
          {"need_id", order.need_id},
          {"hospital_id", order.hospital_id},
          {"hospital_name_zh", order.hospital_name_zh},
          {"hospital_name_en", order.hospital_name_en},
          {"pledge_id", order.pledge_id},
          {"foundation", order.foundation},
          {"stock_id", order.stock_id},
          {"supplier", order.supplier},
          {"model", order.model},
          {"type", order.type},
          {"units", order.units},
          {"unit_price_yuan", order.unit_price_yuan},
          {"cost_yuan", order.cost_yuan},
          {"expected_delivery_at", Instant(order.expected_delivery_at)},
          {"state", order.state},
          {"created_at", Instant(order.created_at)},
          {"updated_at", Instant(order.updated_at)},
          {"history", history}};
}

nlohmann::json TotalsJson(const VentilatorTotals& totals) {
  nlohmann::json hospitals = nlohmann::json::array();
  for (const HospitalVentilatorTotals& hospital : totals.hospitals) {
    hospitals.push_back({{"hospital_id", hospital.hospital_id},
                         {"name_zh", hospital.name_zh},
                         {"name_en", hospital.name_en},
                         {"kind", hospital.kind},
                         {"needed", hospital.needed},
                         {"pledged", hospital.pledged},
                         {"ordered", hospital.ordered},
                         {"shipped", hospital.shipped},
                         {"delivered", hospital.delivered},
                         {"in_use", hospital.in_use},
                         {"uncovered", hospital.uncovered}});
  }
  nlohmann::json foundations = nlohmann::json::array();
  for (const FoundationVentilatorTotals& foundation : totals.foundations) {
    foundations.push_back({{"foundation", foundation.foundation},
                           {"units_pledged", foundation.units_pledged},
                           {"units_allocated", foundation.units_allocated},
                           {"budget_pledged_yuan", foundation.budget_pledged_yuan},
                           {"budget_spent_yuan", foundation.budget_spent_yuan},
                           {"units_bought", foundation.units_bought},
                           {"units_delivered", foundation.units_delivered}});
  }
  return {{"hospitals", hospitals}, {"foundations", foundations}};
}

Result<std::string> OptionalText(const nlohmann::json& body, std::string_view field) {
  ASSIGN_OR_RETURN(const std::optional<std::string> text, OptionalString(body, field));
  return text.value_or("");
}

Result<std::int64_t> OptionalCount(const nlohmann::json& body, std::string_view field) {
  ASSIGN_OR_RETURN(const std::optional<std::int64_t> value, OptionalInt(body, field));
  return value.value_or(0);
}

Result<NewVentilatorNeed> ParseNeed(const nlohmann::json& body) {
  NewVentilatorNeed need;
  ASSIGN_OR_RETURN(need.hospital_id, RequiredInt(body, "hospital_id"));
  ASSIGN_OR_RETURN(need.type, RequiredString(body, "type"));
  ASSIGN_OR_RETURN(need.quantity, RequiredInt(body, "quantity"));
  ASSIGN_OR_RETURN(need.urgency, RequiredString(body, "urgency"));
  ASSIGN_OR_RETURN(need.verification_method, RequiredString(body, "verification_method"));
  ASSIGN_OR_RETURN(const std::string verified_at, OptionalText(body, "verified_at"));
  if (!verified_at.empty()) {
    Result<UnixMillis> parsed = ParseIso8601(verified_at);
    if (!parsed.ok()) {
      return Status::InvalidArgument("error.bad_time", {{"value", verified_at}}, "verified_at");
    }
    need.verified_at = *parsed;
  }
  ASSIGN_OR_RETURN(need.note, OptionalText(body, "note"));
  return need;
}

Result<NewVentilatorPledge> ParsePledge(const nlohmann::json& body) {
  NewVentilatorPledge pledge;
  ASSIGN_OR_RETURN(pledge.foundation, RequiredString(body, "foundation"));
  ASSIGN_OR_RETURN(pledge.type, OptionalText(body, "type"));
  ASSIGN_OR_RETURN(pledge.units, OptionalCount(body, "units"));
  ASSIGN_OR_RETURN(pledge.delivery_days, OptionalCount(body, "delivery_days"));
  ASSIGN_OR_RETURN(pledge.budget_yuan, OptionalCount(body, "budget_yuan"));
  ASSIGN_OR_RETURN(pledge.note, OptionalText(body, "note"));
  return pledge;
}

Result<NewSupplierStock> ParseStock(const nlohmann::json& body) {
  NewSupplierStock stock;
  ASSIGN_OR_RETURN(stock.supplier, RequiredString(body, "supplier"));
  ASSIGN_OR_RETURN(stock.model, RequiredString(body, "model"));
  ASSIGN_OR_RETURN(stock.type, RequiredString(body, "type"));
  ASSIGN_OR_RETURN(stock.unit_price_yuan, RequiredInt(body, "unit_price_yuan"));
  ASSIGN_OR_RETURN(stock.lead_time_days, RequiredInt(body, "lead_time_days"));
  ASSIGN_OR_RETURN(stock.quantity, RequiredInt(body, "quantity"));
  return stock;
}

void AddRecordRoutes(Router& router, VentilatorService& service) {
  router.Add(Method::kGet, Path("/needs"), kReaders,
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<VentilatorNeed> needs,
                                service.ListNeeds(request.QueryParam("status").value_or("")));
               nlohmann::json list = nlohmann::json::array();
               for (const VentilatorNeed& need : needs) list.push_back(NeedJson(need));
               return ApiResponse::Ok({{"needs", list}});
             });

  router.Add(Method::kPost, Path("/needs"), kWriters,
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewVentilatorNeed need, ParseNeed(body));
               ASSIGN_OR_RETURN(const VentilatorNeed created,
                                service.AddNeed(request.actor(), need));
               return ApiResponse::Created(NeedJson(created));
             });

  router.Add(Method::kPost, Path(R"(/needs/(\d+)/withdraw)"), kWriters,
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::string note, OptionalText(body, "note"));
               ASSIGN_OR_RETURN(const VentilatorNeed need,
                                service.WithdrawNeed(request.actor(), id, note));
               return ApiResponse::Ok(NeedJson(need));
             });

  router.Add(Method::kGet, Path("/pledges"), kReaders,
             [&service](const ApiRequest&) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<VentilatorPledge> pledges, service.ListPledges());
               nlohmann::json list = nlohmann::json::array();
               for (const VentilatorPledge& pledge : pledges) list.push_back(PledgeJson(pledge));
               return ApiResponse::Ok({{"pledges", list}});
             });

  router.Add(Method::kPost, Path("/pledges"), kWriters,
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewVentilatorPledge pledge, ParsePledge(body));
               ASSIGN_OR_RETURN(const VentilatorPledge created,
                                service.AddPledge(request.actor(), pledge));
               return ApiResponse::Created(PledgeJson(created));
             });

  router.Add(Method::kGet, Path("/stock"), kReaders,
             [&service](const ApiRequest&) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<SupplierStock> stock, service.ListStock());
               nlohmann::json list = nlohmann::json::array();
               for (const SupplierStock& offer : stock) list.push_back(StockJson(offer));
               return ApiResponse::Ok({{"stock", list}});
             });

  router.Add(Method::kPost, Path("/stock"), kWriters,
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const NewSupplierStock stock, ParseStock(body));
               ASSIGN_OR_RETURN(const SupplierStock created,
                                service.AddStock(request.actor(), stock));
               return ApiResponse::Created(StockJson(created));
             });
}

void AddPipelineRoutes(Router& router, VentilatorService& service) {
  router.Add(Method::kPost, Path("/proposals"), kWriters,
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const VentilatorProposal proposal,
                                service.Propose(request.actor()));
               return ApiResponse::Created(ProposalJson(proposal));
             });

  router.Add(Method::kGet, Path(R"(/proposals/(\d+))"), kReaders,
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const VentilatorProposal proposal, service.GetProposal(id));
               return ApiResponse::Ok(ProposalJson(proposal));
             });

  router.Add(Method::kPost, Path(R"(/proposal-lines/(\d+)/accept)"), kWriters,
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const VentilatorOrder order,
                                service.AcceptLine(request.actor(), id));
               return ApiResponse::Created(OrderJson(order));
             });

  router.Add(Method::kGet, Path("/orders"), kReaders,
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<VentilatorOrder> orders,
                                service.ListOrders(request.QueryParam("state").value_or("")));
               nlohmann::json list = nlohmann::json::array();
               for (const VentilatorOrder& order : orders) list.push_back(OrderJson(order));
               return ApiResponse::Ok({{"orders", list}});
             });

  router.Add(Method::kGet, Path(R"(/orders/(\d+))"), kReaders,
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const VentilatorOrder order, service.GetOrder(id));
               return ApiResponse::Ok(OrderJson(order));
             });

  router.Add(Method::kPost, Path(R"(/orders/(\d+)/advance)"), kWriters,
             [&service](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::string state, RequiredString(body, "state"));
               ASSIGN_OR_RETURN(const std::string note, OptionalText(body, "note"));
               ASSIGN_OR_RETURN(const VentilatorOrder order,
                                service.Advance(request.actor(), id, state, note));
               return ApiResponse::Ok(OrderJson(order));
             });

  router.Add(Method::kGet, Path("/totals"), kReaders,
             [&service](const ApiRequest&) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const VentilatorTotals totals, service.Totals());
               return ApiResponse::Ok(TotalsJson(totals));
             });

  // The vocabulary, so forms offer exactly what the service accepts.
  router.Add(Method::kGet, Path("/vocabulary"), kReaders,
             [&service](const ApiRequest&) -> Result<ApiResponse> {
               auto list = [](std::span<const std::string_view> names) {
                 nlohmann::json array = nlohmann::json::array();
                 for (const std::string_view name : names) array.push_back(std::string(name));
                 return array;
               };
               const VentilatorOptions& options = service.options();
               return ApiResponse::Ok({{"types", list(VentilatorTypes())},
                                       {"urgencies", list(VentilatorUrgencies())},
                                       {"verification_methods", list(VerificationMethods())},
                                       {"states", list(VentilatorOrderStates())},
                                       {"within_days",
                                        {{"critical", options.critical_within_days},
                                         {"urgent", options.urgent_within_days},
                                         {"routine", options.routine_within_days}}}});
             });
}

}  // namespace

void AddVentilatorRoutes(Router& router, Services& services) {
  AddRecordRoutes(router, services.ventilators);
  AddPipelineRoutes(router, services.ventilators);
}

}  // namespace lifeline
