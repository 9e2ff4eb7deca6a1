// Proposals: the optimal matcher over the open remaining quantities, stored with its reasons,
// and the coordinators' confirmations and rejections of its matches.

#include <cmath>
#include <utility>

#include <nlohmann/json.hpp>

#include "engines/matching/matching.h"
#include "engines/triage/triage.h"
#include "services/exchange/exchange_internal.h"
#include "services/exchange/exchange_service.h"

namespace lifeline {
namespace {

using namespace exchange;  // NOLINT: this file implements the exchange's helpers' users

const std::vector<std::string> kMatchStatuses = {"proposed", "confirmed", "rejected", "superseded"};
constexpr double kMaxRadiusKm = 200.0;
constexpr std::int64_t kMaxProposalsListed = 200;

constexpr std::string_view kMatchSelect =
    "SELECT m.id, m.proposal_id, m.need_id, m.offer_id, m.quantity, m.distance_km, m.priority, "
    "m.status, m.decided_by, m.decided_at, m.note, n.kind, n.flow_lpm, n.ventilator_type, "
    "n.medicine_name, n.strength, n.description, o.kind, o.flow_lpm, o.ventilator_type, "
    "o.medicine_name, o.strength, o.expiry_date, o.description, n.district_code, "
    "o.district_code, n.source, n.case_id, n.hospital_id, o.mode FROM exchange_matches m "
    "JOIN exchange_needs n ON n.id = m.need_id JOIN exchange_offers o ON o.id = m.offer_id "
    "WHERE ";

Result<std::vector<ProposedMatch>> LoadMatches(Connection& connection, const std::string& where,
                                               const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query(std::string(kMatchSelect) + where +
                                        " ORDER BY m.proposal_id DESC, m.priority DESC, m.id",
                                    params));
  std::vector<ProposedMatch> matches;
  matches.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    ProposedMatch match;
    match.id = row.Int(0);
    match.proposal_id = row.Int(1);
    match.need_id = row.Int(2);
    match.offer_id = row.Int(3);
    match.quantity = row.Int(4);
    match.distance_km = row.Double(5);
    match.priority = static_cast<int>(row.Int(6));
    match.status = row.Text(7);
    match.decided_by = row.OptionalInt(8);
    match.decided_at = row.OptionalInt(9);
    match.note = row.Text(10);
    match.need_item = {row.Text(11), row.Int(12), row.Text(13), row.Text(14),
                       row.Text(15), "",          row.Text(16)};
    match.offer_item = {row.Text(17), row.Int(18),  row.Text(19), row.Text(20),
                        row.Text(21), row.Text(22), row.Text(23)};
    match.need_district = row.Text(24);
    match.offer_district = row.Text(25);
    match.need_source = row.Text(26);
    match.case_id = row.OptionalInt(27);
    match.hospital_id = row.OptionalInt(28);
    match.offer_mode = row.Text(29);
    matches.push_back(std::move(match));
  }
  return matches;
}

Result<Proposal> LoadProposal(Connection& connection, std::int64_t proposal_id) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query("SELECT id, created_by, created_by_username, created_at, radius_km, "
                       "options, needs_considered, offers_considered, served_priority, "
                       "total_distance_km, unmet_quantity FROM exchange_proposals WHERE id = $1",
                       {proposal_id}));
  if (found.rows.empty()) return RecordNotFound("exchange_proposal", proposal_id);
  const Row& row = found.rows.front();
  Proposal proposal{row.Int(0), row.Int(1), row.Text(2), row.Int(3),    row.Double(4), row.Text(5),
                    row.Int(6), row.Int(7), row.Int(8),  row.Double(9), row.Int(10),   {}};
  ASSIGN_OR_RETURN(proposal.matches, LoadMatches(connection, "m.proposal_id = $1", {proposal_id}));
  return proposal;
}

Result<ProposedMatch> LoadMatch(Connection& connection, std::int64_t match_id) {
  ASSIGN_OR_RETURN(std::vector<ProposedMatch> found,
                   LoadMatches(connection, "m.id = $1", {match_id}));
  if (found.empty()) return RecordNotFound("exchange_match", match_id);
  return std::move(found.front());
}

Status MatchDecided(const ProposedMatch& match) {
  return Status(ErrorCode::kFailedPrecondition, "error.exchange.match_decided",
                {{"id", std::to_string(match.id)}, {"status", match.status}});
}

}  // namespace

matching::MatchOptions ExchangeService::MatchOptionsFor(double radius_km) {
  matching::MatchOptions options;
  options.radius_km = radius_km;
  // A concentrator's flow is its maximum: a bigger one turned down serves a smaller need.
  options.also_serves["concentrator_10"] = {"concentrator_3", "concentrator_5"};
  options.also_serves["concentrator_5"] = {"concentrator_3"};
  return options;
}

Result<Proposal> ExchangeService::Propose(const Actor& actor, const ProposeOptions& options) {
  const double radius_km = options.radius_km.value_or(matching::kDefaultRadiusKm);
  if (!std::isfinite(radius_km) || radius_km <= 0 || radius_km > kMaxRadiusKm) {
    return Status::InvalidArgument("error.exchange.radius_range",
                                   {{"max", std::to_string(static_cast<int>(kMaxRadiusKm))}},
                                   "radius_km");
  }
  const matching::MatchOptions match_options = MatchOptionsFor(radius_km);
  const UnixMillis now = Now();
  const std::string today = LocalDate(now, options_.local_utc_offset_minutes);
  std::int64_t proposal_id = 0;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    // Medicines that expired since they were offered are left out.
    ASSIGN_OR_RETURN(const QueryResult offer_rows,
                     connection.Query("SELECT id, match_key, remaining, lat, lon, revision FROM "
                                      "exchange_offers WHERE status = 'open' AND remaining > 0 "
                                      "AND (expiry_date = '' OR expiry_date >= $1) ORDER BY id",
                                      {today}));
    // A case need's priority follows the case's current triage; closed cases are left out.
    ASSIGN_OR_RETURN(
        const QueryResult need_rows,
        connection.Query("SELECT n.id, n.match_key, n.remaining, n.lat, n.lon, n.revision, "
                         "n.source, n.priority, n.kind, c.status, c.nhc_severity, "
                         "c.who_severity, c.needs FROM exchange_needs n LEFT JOIN clinic_cases c "
                         "ON c.id = n.case_id WHERE n.status = 'open' AND n.remaining > 0 "
                         "ORDER BY n.id"));
    std::vector<matching::Offer> offers;
    std::map<std::int64_t, std::int64_t> offer_revisions;
    for (const Row& row : offer_rows.rows) {
      offers.push_back({row.Int(0), row.Text(1), row.Int(2), row.Double(3), row.Double(4)});
      offer_revisions[row.Int(0)] = row.Int(5);
    }
    std::vector<matching::Need> needs;
    std::map<std::int64_t, std::int64_t> need_revisions;
    for (const Row& row : need_rows.rows) {
      int priority = static_cast<int>(row.Int(7));
      if (row.Text(6) == kSourceCase) {
        if (row.Text(9) != "open") continue;
        const bool without_bed = row.Text(8) == "concentrator" &&
                                 (static_cast<std::uint32_t>(row.Int(12)) & triage::kNeedBed) != 0;
        priority = CasePriority(row.Text(10), row.Text(11), without_bed);
        if (priority < 0) return Status::Internal("unknown severity on case");
      }
      needs.push_back(
          {row.Int(0), row.Text(1), row.Int(2), priority, row.Double(3), row.Double(4)});
      need_revisions[row.Int(0)] = row.Int(5);
    }
    ASSIGN_OR_RETURN(const matching::MatchResult result,
                     matching::MatchOptimal(needs, offers, match_options));

    nlohmann::json options_json = {
        {"radius_km", radius_km}, {"also_serves", match_options.also_serves}, {"today", today}};
    ASSIGN_OR_RETURN(
        const QueryResult inserted,
        connection.Query(
            "INSERT INTO exchange_proposals (created_by, created_by_username, created_at, "
            "radius_km, options, needs_considered, offers_considered, served_priority, "
            "total_distance_km, unmet_quantity) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
            "RETURNING id",
            {actor.user_id, actor.username, now, radius_km, options_json.dump(),
             static_cast<std::int64_t>(needs.size()), static_cast<std::int64_t>(offers.size()),
             result.served_priority, result.total_distance_km, result.unmet_quantity}));
    proposal_id = inserted.rows.at(0).Int(0);
    // The newest proposal is the one to decide on; older undecided matches would double-book.
    ASSIGN_OR_RETURN(const std::int64_t superseded,
                     connection.Execute("UPDATE exchange_matches SET status = 'superseded' "
                                        "WHERE status = 'proposed' AND proposal_id <> $1",
                                        {proposal_id}));
    for (const matching::Match& match : result.matches) {
      RETURN_IF_ERROR(
          connection
              .Execute("INSERT INTO exchange_matches (proposal_id, need_id, offer_id, quantity, "
                       "distance_km, priority, need_revision, offer_revision, status) VALUES ($1, "
                       "$2, $3, $4, $5, $6, $7, $8, 'proposed')",
                       {proposal_id, match.need_id, match.offer_id, match.quantity,
                        match.distance_km, static_cast<std::int64_t>(match.priority),
                        need_revisions.at(match.need_id), offer_revisions.at(match.offer_id)})
              .status());
    }
    return AppendEvent(connection, actor, "proposal", proposal_id, "propose", now,
                       nlohmann::json({{"matches", result.matches.size()},
                                       {"served_priority", result.served_priority},
                                       {"superseded", superseded}})
                           .dump());
  }));
  return GetProposal(actor, proposal_id);
}

Result<std::vector<Proposal>> ExchangeService::ListProposals(const Actor&, std::int64_t limit) {
  if (limit < 1 || limit > kMaxProposalsListed) {
    return Status::InvalidArgument("error.exchange.limit_range",
                                   {{"max", std::to_string(kMaxProposalsListed)}}, "limit");
  }
  ASSIGN_OR_RETURN(
      const QueryResult found,
      database_.Query("SELECT id, created_by, created_by_username, created_at, radius_km, "
                      "options, needs_considered, offers_considered, served_priority, "
                      "total_distance_km, unmet_quantity FROM exchange_proposals ORDER BY id DESC "
                      "LIMIT " +
                      std::to_string(limit)));
  std::vector<Proposal> proposals;
  for (const Row& row : found.rows) {
    proposals.push_back({row.Int(0),
                         row.Int(1),
                         row.Text(2),
                         row.Int(3),
                         row.Double(4),
                         row.Text(5),
                         row.Int(6),
                         row.Int(7),
                         row.Int(8),
                         row.Double(9),
                         row.Int(10),
                         {}});
  }
  return proposals;
}

Result<Proposal> ExchangeService::GetProposal(const Actor&, std::int64_t proposal_id) {
  Proposal proposal;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kRead, [&](Connection& connection) {
    ASSIGN_OR_RETURN(proposal, LoadProposal(connection, proposal_id));
    return Status::Ok();
  }));
  return proposal;
}

Result<std::vector<ProposedMatch>> ExchangeService::ListMatches(
    const Actor&, const std::optional<std::string>& status, std::optional<std::int64_t> need_id) {
  const std::string wanted = status.value_or(std::string(kProposed));
  RETURN_IF_ERROR(CheckChoice("status", wanted, kMatchStatuses));
  std::vector<ProposedMatch> matches;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kRead, [&](Connection& connection) {
    if (need_id) {
      ASSIGN_OR_RETURN(
          matches, LoadMatches(connection, "m.status = $1 AND m.need_id = $2", {wanted, *need_id}));
    } else {
      ASSIGN_OR_RETURN(matches, LoadMatches(connection, "m.status = $1", {wanted}));
    }
    return Status::Ok();
  }));
  return matches;
}

Result<ProposedMatch> ExchangeService::ConfirmMatch(const Actor& actor, std::int64_t match_id) {
  const UnixMillis now = Now();
  ProposedMatch confirmed;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const ProposedMatch match, LoadMatch(connection, match_id));
    if (match.status != kProposed) return MatchDecided(match);
    ASSIGN_OR_RETURN(const QueryResult revisions,
                     connection.Query("SELECT need_revision, offer_revision FROM "
                                      "exchange_matches WHERE id = $1",
                                      {match_id}));
    const std::int64_t need_revision = revisions.rows.at(0).Int(0);
    const std::int64_t offer_revision = revisions.rows.at(0).Int(1);
    // Conditional updates: a concurrent confirmation of the same stock waits on the row lock and
    // then finds the quantity gone, instead of driving it below zero.
    ASSIGN_OR_RETURN(
        const std::int64_t need_changed,
        connection.Execute(
            "UPDATE exchange_needs SET remaining = remaining - $1, status = CASE WHEN remaining "
            "= $1 THEN 'fulfilled' ELSE 'open' END, updated_at = $2 WHERE id = $3 AND status = "
            "'open' AND revision = $4 AND remaining >= $1",
            {match.quantity, now, match.need_id, need_revision}));
    if (need_changed != 1) {
      return Status(ErrorCode::kFailedPrecondition, "error.exchange.match_stale",
                    {{"id", std::to_string(match_id)},
                     {"entity", "need"},
                     {"entity_id", std::to_string(match.need_id)}});
    }
    ASSIGN_OR_RETURN(
        const std::int64_t offer_changed,
        connection.Execute(
            "UPDATE exchange_offers SET remaining = remaining - $1, status = CASE WHEN remaining "
            "= $1 THEN 'exhausted' ELSE 'open' END, updated_at = $2 WHERE id = $3 AND status = "
            "'open' AND revision = $4 AND remaining >= $1",
            {match.quantity, now, match.offer_id, offer_revision}));
    if (offer_changed != 1) {
      return Status(ErrorCode::kFailedPrecondition, "error.exchange.match_stale",
                    {{"id", std::to_string(match_id)},
                     {"entity", "offer"},
                     {"entity_id", std::to_string(match.offer_id)}});
    }
    ASSIGN_OR_RETURN(const std::int64_t decided,
                     connection.Execute("UPDATE exchange_matches SET status = 'confirmed', "
                                        "decided_by = $1, decided_at = $2 WHERE id = $3 AND "
                                        "status = 'proposed'",
                                        {actor.user_id, now, match_id}));
    if (decided != 1) return MatchDecided(match);
    const std::string detail =
        nlohmann::json({{"match_id", match_id}, {"quantity", match.quantity}}).dump();
    RETURN_IF_ERROR(AppendEvent(connection, actor, "match", match_id, "confirm", now, detail));
    RETURN_IF_ERROR(AppendEvent(connection, actor, "need", match.need_id, "confirm", now, detail));
    RETURN_IF_ERROR(
        AppendEvent(connection, actor, "offer", match.offer_id, "confirm", now, detail));
    ASSIGN_OR_RETURN(confirmed, LoadMatch(connection, match_id));
    return Status::Ok();
  }));
  return confirmed;
}

Result<ProposedMatch> ExchangeService::RejectMatch(const Actor& actor, std::int64_t match_id,
                                                   const std::string& reason) {
  RETURN_IF_ERROR(CheckText(reason, "reason", kMaxReasonText, false));
  const UnixMillis now = Now();
  ProposedMatch rejected;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(const ProposedMatch match, LoadMatch(connection, match_id));
    if (match.status != kProposed) return MatchDecided(match);
    ASSIGN_OR_RETURN(const std::int64_t decided,
                     connection.Execute("UPDATE exchange_matches SET status = 'rejected', "
                                        "decided_by = $1, decided_at = $2, note = $3 WHERE id = "
                                        "$4 AND status = 'proposed'",
                                        {actor.user_id, now, Trimmed(reason), match_id}));
    if (decided != 1) return MatchDecided(match);
    RETURN_IF_ERROR(AppendEvent(connection, actor, "match", match_id, "reject", now,
                                nlohmann::json({{"reason", Trimmed(reason)}}).dump()));
    ASSIGN_OR_RETURN(rejected, LoadMatch(connection, match_id));
    return Status::Ok();
  }));
  return rejected;
}

}  // namespace lifeline
