// Reading and writing cases, observations, triages and tier moves inside a caller's transaction.

#include <utility>

#include "services/audit/audit_log.h"
#include "services/clinic/clinic_internal.h"

namespace lifeline::clinic {
namespace {

constexpr int kReasonBitCount = 64;  // ReasonBits
constexpr int kFlagBitCount = 32;    // MissingBits, ActionBits

constexpr std::string_view kCaseSelect =
    "SELECT c.id, c.status, c.tier, c.priority, c.nhc_severity, c.who_severity, c.exposure, "
    "c.age_years, c.age_months, c.sex, c.district_code, c.needs, c.created_at, c.waiting_since, "
    "(SELECT COUNT(*) FROM clinic_assignments a WHERE a.case_id = c.id "
    "AND a.status IN ('offered', 'active')), "
    "c.intake_channel, c.entered_by, c.pregnancy_weeks, c.street, c.phone_last4, c.onset_date, "
    "c.risk_factors, c.antigen, c.pcr, c.tier_set_by, c.tier_entered_at, c.exposure_floor, "
    "c.actions, c.updated_at, c.last_seen_at, c.outcome, c.closed_at, c.imaging_findings FROM "
    "clinic_cases c";

CaseDetail CaseFromRow(const Row& row, const ClinicOptions& options, UnixMillis now) {
  CaseDetail stored;
  CaseSummary& summary = stored.summary;
  summary.id = row.Int(0);
  summary.open = row.Text(1) == kCaseOpen;
  summary.tier = triage::ParseTier(row.Text(2)).value_or(Tier::kTriageDesk);
  summary.priority = static_cast<int>(row.Int(3));
  summary.nhc_severity = triage::ParseSeverity(row.Text(4)).value_or(Severity::kMild);
  summary.who_severity = triage::ParseSeverity(row.Text(5)).value_or(Severity::kMild);
  summary.exposure = static_cast<int>(row.Int(6));
  summary.age_years = row.Double(7);
  summary.age_months = row.OptionalInt(8);
  summary.sex = row.Text(9);
  summary.district_code = row.Text(10);
  summary.needs = static_cast<std::uint32_t>(row.Int(11));
  summary.created_at = row.Int(12);
  summary.waiting_since = row.Int(13);
  summary.assigned = row.Int(14);
  summary.due_at = summary.waiting_since + TierLimit(options, summary.tier);
  summary.overdue = summary.open && now > summary.due_at;
  stored.intake_channel = row.Text(15);
  stored.entered_by = row.Int(16);
  stored.pregnancy_weeks = row.OptionalInt(17);
  stored.street = row.Text(18);
  stored.phone_last4 = row.Text(19);
  stored.onset_date = row.Text(20);
  stored.risk_factors = static_cast<std::uint32_t>(row.Int(21));
  stored.antigen = row.Text(22);
  stored.pcr = row.Text(23);
  stored.tier_set_by = row.Text(24);
  stored.tier_entered_at = row.Int(25);
  stored.exposure_floor = static_cast<int>(row.Int(26));
  stored.actions = SplitCodes(row.Text(27));
  stored.updated_at = row.Int(28);
  stored.last_seen_at = row.OptionalInt(29);
  stored.outcome = row.Text(30);
  stored.closed_at = row.OptionalInt(31);
  stored.imaging_findings = row.Text(32);
  return stored;
}

template <typename BitName>
std::vector<std::string> CodesOf(std::uint64_t bits, int bit_count, BitName name_of) {
  std::vector<std::string> codes;
  for (int bit = 0; bit < bit_count; ++bit) {
    if ((bits >> bit & 1u) == 0) continue;
    const std::string_view code = name_of(bit);
    if (!code.empty()) codes.emplace_back(code);
  }
  return codes;
}

}  // namespace

Result<CaseDetail> LoadCase(Connection& connection, const ClinicOptions& options,
                            std::int64_t case_id, UnixMillis now) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query(std::string(kCaseSelect) + " WHERE c.id = $1", {case_id}));
  if (found.rows.empty()) return RecordNotFound("case", case_id);
  return CaseFromRow(found.rows.front(), options, now);
}

Result<std::vector<CaseSummary>> LoadOpenCases(Connection& connection, const ClinicOptions& options,
                                               std::string where, const std::vector<Value>& params,
                                               UnixMillis now) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query(std::string(kCaseSelect) + " WHERE c.status = 'open'" + where +
                                        " ORDER BY c.priority DESC, c.waiting_since, c.id",
                                    params));
  std::vector<CaseSummary> cases;
  cases.reserve(found.rows.size());
  for (const Row& row : found.rows) cases.push_back(CaseFromRow(row, options, now).summary);
  return cases;
}

Status RequireCaseAccess(Connection& connection, const Actor& actor, std::int64_t case_id) {
  if (actor.role != Role::kAngel) return Status::Ok();
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT 1 FROM clinic_assignments WHERE case_id = $1 AND "
                                    "volunteer_id = $2 AND status IN ('offered', 'active')",
                                    {case_id, actor.user_id}));
  if (found.rows.empty()) {
    return Status(ErrorCode::kPermissionDenied, "error.clinic.case_not_assigned",
                  {{"id", std::to_string(case_id)}});
  }
  return Status::Ok();
}

void AuditRefusal(Database& database, const Actor& actor, std::string_view entity, std::int64_t id,
                  const Status& status) {
  if (status.code() != ErrorCode::kPermissionDenied) return;
  // Best effort: the refusal stands whether or not its audit row can be written.
  (void)database.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    return AuditLog::Append(
        connection, actor,
        {"refused", std::string(entity), std::to_string(id), status.message_id()});
  });
}

Status AuditCase(Connection& connection, const Actor& actor, std::string action,
                 std::int64_t case_id, std::string reason) {
  return AuditLog::Append(
      connection, actor,
      {std::move(action), "case", case_id == 0 ? "*" : std::to_string(case_id), std::move(reason)});
}

Status UpdateExposure(Connection& connection, const CaseDetail& stored, UnixMillis now) {
  const CaseSummary& summary = stored.summary;
  const int exposure = DeriveExposure(summary.nhc_severity, summary.who_severity, summary.tier,
                                      summary.needs, stored.outcome, stored.exposure_floor);
  return connection
      .Execute("UPDATE clinic_cases SET exposure = $1, updated_at = $2 WHERE id = $3",
               {static_cast<std::int64_t>(exposure), now, summary.id})
      .status();
}

Result<std::int64_t> InsertObservation(Connection& connection, std::int64_t case_id, UnixMillis at,
                                       std::int64_t recorded_by, std::string_view source,
                                       const ObservationInput& observation) {
  std::string columns = "case_id, at, recorded_by, source, consciousness, symptoms";
  std::vector<Value> params = {
      case_id,
      at,
      recorded_by,
      std::string(source),
      observation.consciousness ? Value(*observation.consciousness) : Value(nullptr),
      JsonArrayText(observation.symptoms)};
  for (const ObservationNumberField& field : ObservationNumberFields()) {
    columns += ", " + std::string(field.name);
    const std::optional<double>& value = observation.*field.member;
    params.push_back(value ? Value(*value) : Value(nullptr));
  }
  for (const ObservationFlagField& field : ObservationFlagFields()) {
    columns += ", " + std::string(field.name);
    const std::optional<bool>& value = observation.*field.member;
    params.push_back(value ? Value(Flag(*value)) : Value(nullptr));
  }
  std::string placeholders;
  for (std::size_t index = 1; index <= params.size(); ++index) {
    placeholders += (index == 1 ? "$" : ", $") + std::to_string(index);
  }
  ASSIGN_OR_RETURN(const QueryResult inserted,
                   connection.Query("INSERT INTO clinic_observations (" + columns + ") VALUES (" +
                                        placeholders + ") RETURNING id",
                                    params));
  return inserted.rows.at(0).Int(0);
}

Result<std::vector<ObservationRecord>> LoadObservations(Connection& connection,
                                                        std::int64_t case_id) {
  std::string columns = "id, at, recorded_by, source, consciousness, symptoms";
  for (const ObservationNumberField& field : ObservationNumberFields()) {
    columns += ", " + std::string(field.name);
  }
  for (const ObservationFlagField& field : ObservationFlagFields()) {
    columns += ", " + std::string(field.name);
  }
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT " + columns +
                                        " FROM clinic_observations WHERE case_id = $1 ORDER BY id",
                                    {case_id}));
  std::vector<ObservationRecord> observations;
  observations.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    ObservationRecord record;
    record.id = row.Int(0);
    record.at = row.Int(1);
    record.recorded_by = row.Int(2);
    record.source = row.Text(3);
    if (!row.IsNull(4)) record.values.consciousness = row.Text(4);
    record.values.symptoms = ParseJsonArrayText(row.Text(5));
    std::size_t column = 6;
    for (const ObservationNumberField& field : ObservationNumberFields()) {
      if (!row.IsNull(column)) record.values.*field.member = row.Double(column);
      ++column;
    }
    for (const ObservationFlagField& field : ObservationFlagFields()) {
      if (!row.IsNull(column)) record.values.*field.member = row.Int(column) != 0;
      ++column;
    }
    observations.push_back(std::move(record));
  }
  return observations;
}

ObservationInput MergeObservations(const std::vector<ObservationRecord>& observations) {
  ObservationInput merged;
  for (const ObservationRecord& record : observations) {
    const ObservationInput& values = record.values;
    for (const ObservationNumberField& field : ObservationNumberFields()) {
      if (values.*field.member) merged.*field.member = values.*field.member;
    }
    for (const ObservationFlagField& field : ObservationFlagFields()) {
      if (values.*field.member) merged.*field.member = values.*field.member;
    }
    if (values.consciousness) merged.consciousness = values.consciousness;
    if (!values.symptoms.empty()) merged.symptoms = values.symptoms;
  }
  return merged;
}

triage::Observation TriageInput(double age_years, std::optional<std::int64_t> age_months,
                                std::uint32_t risk_factors,
                                std::optional<std::int64_t> pregnancy_weeks, std::uint32_t needs,
                                const ObservationInput& merged) {
  triage::Observation input;
  input.age_years = age_years;
  if (age_months) input.age_months = static_cast<double>(*age_months);
  input.resp_rate = merged.resp_rate;
  input.spo2 = merged.spo2;
  input.on_oxygen = merged.on_oxygen;
  input.pao2_fio2 = merged.pao2_fio2;
  input.systolic_bp = merged.systolic_bp;
  input.heart_rate = merged.heart_rate;
  input.temperature_c = merged.temperature_c;
  if (merged.consciousness) input.consciousness = triage::ParseConsciousness(*merged.consciousness);
  input.pneumonia_on_imaging = merged.pneumonia_on_imaging;
  input.lesion_progression_48h_pct = merged.lesion_progression_48h_pct;
  input.mechanical_ventilation = merged.mechanical_ventilation;
  input.shock = merged.shock;
  input.organ_failure_icu = merged.organ_failure_icu;
  input.ards = merged.ards;
  input.sepsis = merged.sepsis;
  input.fever_days = merged.fever_days;
  input.laboured_breathing = merged.laboured_breathing;
  input.drowsiness_or_convulsions = merged.drowsiness_or_convulsions;
  input.feeding_difficulty_dehydration = merged.feeding_difficulty_dehydration;
  input.hypercapnic_target = merged.hypercapnic_target.value_or(false);
  input.risk_factors = risk_factors;
  if (pregnancy_weeks && *pregnancy_weeks > 0) input.risk_factors |= triage::kRiskPregnancy;
  input.red_flags = RedFlagsOf(merged.symptoms);
  input.needs = needs;
  return input;
}

TriageRecord TriageRecordFrom(const triage::TriageResult& result) {
  TriageRecord record;
  record.nhc_severity = result.nhc_severity;
  record.who_severity = result.who_severity;
  record.news2 = result.news2;
  if (result.news2_band) record.news2_band = triage::News2BandName(*result.news2_band);
  record.priority = result.priority;
  record.tier = result.tier;
  record.reasons = CodesOf(result.reasons, kReasonBitCount, triage::ReasonCode);
  record.missing = CodesOf(result.missing, kFlagBitCount, triage::MissingField);
  record.actions = CodesOf(result.actions, kFlagBitCount, triage::ActionCode);
  return record;
}

Result<TriageRecord> InsertTriage(Connection& connection, std::int64_t case_id,
                                  std::int64_t observation_id, UnixMillis at,
                                  const TriageRecord& triage) {
  TriageRecord stored = triage;
  stored.observation_id = observation_id;
  stored.at = at;
  ASSIGN_OR_RETURN(
      const QueryResult inserted,
      connection.Query(
          "INSERT INTO clinic_triages (case_id, observation_id, at, nhc_severity, who_severity, "
          "news2, news2_band, priority, tier, reasons, missing, actions) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
          {case_id, observation_id, at, std::string(triage::SeverityName(triage.nhc_severity)),
           std::string(triage::SeverityName(triage.who_severity)),
           triage.news2 ? Value(static_cast<std::int64_t>(*triage.news2)) : Value(nullptr),
           triage.news2_band.empty() ? Value(nullptr) : Value(triage.news2_band),
           static_cast<std::int64_t>(triage.priority), TierText(triage.tier),
           JoinCodes(triage.reasons), JoinCodes(triage.missing), JoinCodes(triage.actions)}));
  stored.id = inserted.rows.at(0).Int(0);
  return stored;
}

Result<std::vector<TriageRecord>> LoadTriages(Connection& connection, std::int64_t case_id) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query("SELECT id, observation_id, at, nhc_severity, who_severity, news2, "
                       "news2_band, priority, tier, reasons, missing, actions FROM clinic_triages "
                       "WHERE case_id = $1 ORDER BY id",
                       {case_id}));
  std::vector<TriageRecord> triages;
  triages.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    TriageRecord record;
    record.id = row.Int(0);
    record.observation_id = row.Int(1);
    record.at = row.Int(2);
    record.nhc_severity = triage::ParseSeverity(row.Text(3)).value_or(Severity::kMild);
    record.who_severity = triage::ParseSeverity(row.Text(4)).value_or(Severity::kMild);
    if (!row.IsNull(5)) record.news2 = static_cast<int>(row.Int(5));
    record.news2_band = row.Text(6);
    record.priority = static_cast<int>(row.Int(7));
    record.tier = triage::ParseTier(row.Text(8)).value_or(Tier::kTriageDesk);
    record.reasons = SplitCodes(row.Text(9));
    record.missing = SplitCodes(row.Text(10));
    record.actions = SplitCodes(row.Text(11));
    triages.push_back(std::move(record));
  }
  return triages;
}

Status InsertTierMove(Connection& connection, std::int64_t case_id, UnixMillis at,
                      const Actor& actor, const std::string& from_tier, Tier to_tier,
                      std::string_view cause, const std::string& reason) {
  return connection
      .Execute(
          "INSERT INTO clinic_tier_moves (case_id, at, by_user, by_username, from_tier, to_tier, "
          "cause, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
          {case_id, at, actor.user_id, actor.username, from_tier, TierText(to_tier),
           std::string(cause), reason})
      .status();
}

Result<RetriageResult> Retriage(Connection& connection, const Actor& actor,
                                const ClinicOptions& options, std::int64_t case_id,
                                std::int64_t observation_id, UnixMillis now) {
  ASSIGN_OR_RETURN(CaseDetail stored, LoadCase(connection, options, case_id, now));
  if (!stored.summary.open) return CaseClosed(case_id);
  ASSIGN_OR_RETURN(const std::vector<ObservationRecord> observations,
                   LoadObservations(connection, case_id));
  const triage::Observation input =
      TriageInput(stored.summary.age_years, stored.summary.age_months, stored.risk_factors,
                  stored.pregnancy_weeks, stored.summary.needs, MergeObservations(observations));
  ASSIGN_OR_RETURN(const TriageRecord triaged,
                   InsertTriage(connection, case_id, observation_id, now,
                                TriageRecordFrom(triage::Triage(input, options.triage))));

  CaseSummary& summary = stored.summary;
  const Tier current = summary.tier;
  const Tier target = triaged.tier;
  // A clinician's placement stands against the engine unless the engine escalates; life care
  // is a human decision both ways.
  const bool placed_by_clinician = stored.tier_set_by == kTierSetByClinician;
  const bool move = target != current && current != Tier::kLifeCare &&
                    (!placed_by_clinician || TierUrgency(target) > TierUrgency(current));
  if (move) {
    RETURN_IF_ERROR(InsertTierMove(connection, case_id, now, actor, TierText(current), target,
                                   "triage", JoinCodes(triaged.reasons)));
    summary.tier = target;
    stored.tier_set_by = kTierSetByTriage;
    stored.tier_entered_at = now;
    summary.waiting_since = now;
  }
  summary.nhc_severity = triaged.nhc_severity;
  summary.who_severity = triaged.who_severity;
  const int exposure = DeriveExposure(summary.nhc_severity, summary.who_severity, summary.tier,
                                      summary.needs, stored.outcome, stored.exposure_floor);
  RETURN_IF_ERROR(
      connection
          .Execute("UPDATE clinic_cases SET tier = $1, tier_set_by = $2, tier_entered_at = $3, "
                   "waiting_since = $4, priority = $5, nhc_severity = $6, who_severity = $7, "
                   "actions = $8, exposure = $9, updated_at = $10 WHERE id = $11",
                   {TierText(summary.tier), stored.tier_set_by, stored.tier_entered_at,
                    summary.waiting_since, static_cast<std::int64_t>(triaged.priority),
                    std::string(triage::SeverityName(triaged.nhc_severity)),
                    std::string(triage::SeverityName(triaged.who_severity)),
                    JoinCodes(triaged.actions), static_cast<std::int64_t>(exposure), now, case_id})
          .status());
  return RetriageResult{triaged, summary.tier, move};
}

Result<std::vector<Assignment>> LoadAssignments(Connection& connection, std::string where,
                                                const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query("SELECT a.id, a.case_id, a.volunteer_id, u.display_name, u.role, "
                       "v.readiness, a.status, a.offered_at, a.accepted_at, a.ended_at, a.note "
                       "FROM clinic_assignments a "
                       "JOIN clinic_volunteers v ON v.user_id = a.volunteer_id "
                       "JOIN users u ON u.id = a.volunteer_id WHERE " +
                           where + " ORDER BY a.id",
                       params));
  std::vector<Assignment> assignments;
  assignments.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    Assignment assignment;
    assignment.id = row.Int(0);
    assignment.case_id = row.Int(1);
    assignment.volunteer_id = row.Int(2);
    assignment.volunteer_name = row.Text(3);
    assignment.volunteer_role = row.Text(4);
    assignment.readiness = static_cast<int>(row.Int(5));
    assignment.status = row.Text(6);
    assignment.offered_at = row.Int(7);
    assignment.accepted_at = row.OptionalInt(8);
    assignment.ended_at = row.OptionalInt(9);
    assignment.note = row.Text(10);
    assignments.push_back(std::move(assignment));
  }
  return assignments;
}

Result<std::vector<ClinicTask>> LoadTasks(Connection& connection, std::string where,
                                          const std::vector<Value>& params, UnixMillis now) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query("SELECT id, case_id, kind, text, due_at, assignee_id, created_by, "
                       "created_at, done_at FROM clinic_tasks WHERE " +
                           where + " ORDER BY due_at, id",
                       params));
  std::vector<ClinicTask> tasks;
  tasks.reserve(found.rows.size());
  for (const Row& row : found.rows) {
    ClinicTask task;
    task.id = row.Int(0);
    task.case_id = row.Int(1);
    task.kind = row.Text(2);
    task.text = row.Text(3);
    task.due_at = row.Int(4);
    task.assignee_id = row.Int(5);
    task.created_by = row.Int(6);
    task.created_at = row.Int(7);
    task.done_at = row.OptionalInt(8);
    task.overdue = !task.done_at && now > task.due_at;
    tasks.push_back(std::move(task));
  }
  return tasks;
}

}  // namespace lifeline::clinic
