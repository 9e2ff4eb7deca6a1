// Help requests: validation, duplicates within the window, the first triage and the private
// status link.

#include <cassert>
#include <utility>

#include "core/crypto.h"
#include "services/clinic/clinic_internal.h"
#include "services/clinic/clinic_service.h"

namespace lifeline {

using namespace clinic;  // the helpers of clinic_internal.h

namespace {

constexpr std::size_t kStatusTokenBytes = 32;
// Domain separation for status-link hashes; tokens are random, so no secret key is needed.
constexpr std::string_view kStatusTokenHashKey = "lifeline-case-status-token";
// Names the advisory lock that keeps two intakes for one phone from both creating a case.
constexpr std::string_view kIntakeLockKey = "lifeline-clinic-intake";
constexpr std::int64_t kMonthsPerYear = 12;
constexpr std::int64_t kChildMonthsLimit = 24;  // below 2 years the age is given in months
constexpr double kMaxAgeYears = 120;
constexpr std::int64_t kMaxPregnancyWeeks = 45;
constexpr double kDuplicateAgeToleranceYears = 1;
constexpr std::string_view kIsoDateExample = "YYYY-MM-DD";
constexpr std::string_view kSexes[] = {"female", "male", "other"};
constexpr std::string_view kTestResults[] = {"positive", "negative", "pending"};

std::string StatusTokenHash(const std::string& token) {
  return KeyedHashHex(kStatusTokenHashKey, token);
}

bool IsIsoDate(std::string_view text) {
  if (text.size() != kIsoDateExample.size()) return false;
  for (std::size_t index = 0; index < text.size(); ++index) {
    const bool dash_expected = kIsoDateExample[index] == '-';
    const bool is_digit = text[index] >= '0' && text[index] <= '9';
    if (dash_expected ? text[index] != '-' : !is_digit) return false;
  }
  return ParseIso8601(text).ok();
}

// A request as it will be stored: checked, with names turned into bits.
struct CheckedRequest {
  double age_years = 0;
  std::optional<std::int64_t> age_months;
  std::uint32_t risk_factors = 0;
  std::uint32_t needs = 0;
  PhonePseudonym phone;
};

Result<CheckedRequest> CheckRequest(const NewHelpRequest& request, std::string_view key,
                                    UnixMillis now) {
  // Without consent nothing else is looked at.
  if (!request.consent) {
    return Status::InvalidArgument("error.clinic.consent_required", {}, "consent");
  }
  CheckedRequest checked;
  if (request.age_months) {
    if (*request.age_months < 0 || *request.age_months >= kChildMonthsLimit) {
      return FieldInvalid("age_months", "0.." + std::to_string(kChildMonthsLimit - 1));
    }
    checked.age_months = request.age_months;
    checked.age_years = static_cast<double>(*request.age_months) / kMonthsPerYear;
  } else if (request.age_years) {
    if (!(*request.age_years >= 0 && *request.age_years <= kMaxAgeYears)) {
      return FieldInvalid("age_years", "0..120");
    }
    if (*request.age_years * kMonthsPerYear < kChildMonthsLimit) {
      return Status::InvalidArgument("error.clinic.age_months_needed", {}, "age_months");
    }
    checked.age_years = *request.age_years;
  } else {
    return FieldRequired("age_years");
  }
  if (!IsOneOf(request.sex, kSexes)) {
    if (request.sex.empty()) return FieldRequired("sex");
    return UnknownChoice("sex", request.sex, kSexes);
  }
  if (request.pregnancy_weeks) {
    if (request.sex != "female" || *request.pregnancy_weeks < 0 ||
        *request.pregnancy_weeks > kMaxPregnancyWeeks) {
      return FieldInvalid("pregnancy_weeks", "0.." + std::to_string(kMaxPregnancyWeeks));
    }
  }
  RETURN_IF_ERROR(CheckText(request.district_code, "district_code", kMaxShortText, true));
  RETURN_IF_ERROR(CheckText(request.street, "street", kMaxShortText, true));
  ASSIGN_OR_RETURN(checked.phone, PseudonymisePhone(key, request.phone, "phone"));
  if (!request.onset_date.empty()) {
    if (!IsIsoDate(request.onset_date) || *ParseIso8601(request.onset_date) > now) {
      return Status::InvalidArgument("error.bad_date", {{"value", request.onset_date}},
                                     "onset_date");
    }
  }
  for (const std::string& name : request.comorbidities) {
    const std::optional<triage::RiskFactor> factor = triage::ParseRiskFactor(name);
    if (!factor || *factor == triage::kRiskAge65) {
      return UnknownChoice("comorbidities", name, RiskFactorNames(~0u));
    }
    checked.risk_factors |= *factor;
  }
  for (const auto& [field, value] :
       {std::pair{"antigen", &request.antigen}, {"pcr", &request.pcr}}) {
    if (!value->empty() && !IsOneOf(*value, kTestResults)) {
      return UnknownChoice(field, *value, kTestResults);
    }
  }
  for (const std::string& name : request.needs) {
    const std::optional<triage::Need> need = triage::ParseNeed(name);
    if (!need) return UnknownChoice("needs", name, NeedNames(~0u));
    checked.needs |= *need;
  }
  RETURN_IF_ERROR(ValidateObservation(request.observation));
  return checked;
}

CaseStatusView StatusOf(const CaseDetail& stored) {
  return {stored.summary.open, stored.summary.tier, stored.actions, stored.updated_at};
}

// One intake as the transaction sees it.
struct IntakeContext {
  const Actor& actor;
  const ClinicOptions& options;
  const NewHelpRequest& request;
  const CheckedRequest& checked;
  const std::string& channel;  // "public" or "hotline"
  std::int64_t entered_by;     // the hotline volunteer; 0 for the public form
  UnixMillis now;
};

// The same family again: the new observations and needs join the open case and re-triage it.
Status LinkToOpenCase(Connection& connection, const IntakeContext& context, std::int64_t case_id,
                      IntakeResult& result) {
  result.case_id = case_id;
  result.duplicate = true;
  const std::vector<Value> joined = {static_cast<std::int64_t>(context.checked.needs),
                                     static_cast<std::int64_t>(context.checked.risk_factors),
                                     context.now, case_id};
  RETURN_IF_ERROR(connection
                      .Execute("UPDATE clinic_cases SET needs = needs | $1, risk_factors = "
                               "risk_factors | $2, last_intake_at = $3 WHERE id = $4",
                               joined)
                      .status());
  ASSIGN_OR_RETURN(const std::int64_t observation_id,
                   InsertObservation(connection, case_id, context.now, context.entered_by,
                                     context.channel, context.request.observation));
  ASSIGN_OR_RETURN(
      const RetriageResult retriaged,
      Retriage(connection, context.actor, context.options, case_id, observation_id, context.now));
  result.triage = retriaged.triage;
  ASSIGN_OR_RETURN(const CaseDetail stored,
                   LoadCase(connection, context.options, case_id, context.now));
  result.status = StatusOf(stored);
  return AuditCase(connection, context.actor, "update", case_id,
                   context.channel + " intake, duplicate");
}

Status CreateCase(Connection& connection, const IntakeContext& context, IntakeResult& result) {
  const NewHelpRequest& request = context.request;
  const CheckedRequest& checked = context.checked;
  const triage::Observation input =
      TriageInput(checked.age_years, checked.age_months, checked.risk_factors,
                  request.pregnancy_weeks, checked.needs, request.observation);
  const TriageRecord triaged = TriageRecordFrom(triage::Triage(input, context.options.triage));
  const int exposure = DeriveExposure(triaged.nhc_severity, triaged.who_severity, triaged.tier,
                                      checked.needs, "", 0);
  result.status_token = RandomHex(kStatusTokenBytes);
  // $16, the time of intake, starts every clock of the case.
  ASSIGN_OR_RETURN(
      const QueryResult inserted,
      connection.Query(
          "INSERT INTO clinic_cases (status, intake_channel, entered_by, age_years, age_months, "
          "sex, pregnancy_weeks, district_code, street, phone_key, phone_last4, onset_date, "
          "risk_factors, antigen, pcr, needs, consent_at, status_token_hash, tier, tier_set_by, "
          "priority, nhc_severity, who_severity, actions, exposure, created_at, last_intake_at, "
          "tier_entered_at, waiting_since, updated_at, phone_sealed, imaging_findings) "
          "VALUES ('open', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
          "$16, $17, $18, 'triage', $19, $20, $21, $22, $23, $16, $16, $16, $16, $16, $24, $25) "
          "RETURNING id",
          {context.channel,
           context.entered_by,
           checked.age_years,
           checked.age_months ? Value(*checked.age_months) : Value(nullptr),
           request.sex,
           request.pregnancy_weeks ? Value(*request.pregnancy_weeks) : Value(nullptr),
           request.district_code,
           Trimmed(request.street),
           checked.phone.key,
           checked.phone.last4,
           request.onset_date,
           static_cast<std::int64_t>(checked.risk_factors),
           request.antigen,
           request.pcr,
           static_cast<std::int64_t>(checked.needs),
           context.now,
           StatusTokenHash(result.status_token),
           TierText(triaged.tier),
           static_cast<std::int64_t>(triaged.priority),
           std::string(triage::SeverityName(triaged.nhc_severity)),
           std::string(triage::SeverityName(triaged.who_severity)),
           JoinCodes(triaged.actions),
           static_cast<std::int64_t>(exposure),
           checked.phone.sealed,
           Trimmed(request.imaging_findings)}));
  result.case_id = inserted.rows.at(0).Int(0);
  ASSIGN_OR_RETURN(const std::int64_t observation_id,
                   InsertObservation(connection, result.case_id, context.now, context.entered_by,
                                     context.channel, request.observation));
  ASSIGN_OR_RETURN(result.triage,
                   InsertTriage(connection, result.case_id, observation_id, context.now, triaged));
  RETURN_IF_ERROR(InsertTierMove(connection, result.case_id, context.now, context.actor, "",
                                 triaged.tier, "intake", JoinCodes(triaged.reasons)));
  result.status = {true, triaged.tier, triaged.actions, context.now};
  return AuditCase(connection, context.actor, "create", result.case_id,
                   context.channel + " intake");
}

}  // namespace

ClinicService::ClinicService(Database& database, AccountService& accounts,
                             std::string pseudonym_key, ClinicOptions options)
    : database_(database),
      accounts_(accounts),
      pseudonym_key_(std::move(pseudonym_key)),
      options_(std::move(options)) {
  assert(!pseudonym_key_.empty() && "ClinicService needs the deployment's pseudonymisation key");
  assert(options_.clock && "ClinicOptions::clock must be set");
}

Result<IntakeResult> ClinicService::SubmitPublicRequest(const Actor& actor,
                                                        const NewHelpRequest& request) {
  return Intake(actor, request, "public");
}

Result<IntakeResult> ClinicService::SubmitHotlineRequest(const Actor& actor,
                                                         const NewHelpRequest& request) {
  return Intake(actor, request, "hotline");
}

Result<IntakeResult> ClinicService::Intake(const Actor& actor, const NewHelpRequest& request,
                                           const std::string& channel) {
  const UnixMillis now = Now();
  ASSIGN_OR_RETURN(const CheckedRequest checked, CheckRequest(request, pseudonym_key_, now));
  const IntakeContext context{
      actor, options_, request, checked, channel, channel == "hotline" ? actor.user_id : 0, now};
  IntakeResult result;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        result = IntakeResult{};
        ASSIGN_OR_RETURN(
            const QueryResult district,
            connection.Query("SELECT 1 FROM districts WHERE code = $1", {request.district_code}));
        if (district.rows.empty()) {
          return Status::InvalidArgument("error.unknown_district",
                                         {{"code", request.district_code}}, "district_code");
        }
        if (connection.dialect() == Dialect::kPostgres) {
          // SQLite runs one writer at a time; PostgreSQL needs this to keep a concurrent second
          // request from the same phone from creating a second case.
          const std::vector<Value> lock = {
              static_cast<std::int64_t>(KeyedHash64(kIntakeLockKey, checked.phone.key))};
          RETURN_IF_ERROR(connection.Query("SELECT pg_advisory_xact_lock($1)", lock).status());
        }
        ASSIGN_OR_RETURN(
            const QueryResult open_case,
            connection.Query(
                "SELECT id FROM clinic_cases WHERE phone_key = $1 AND status = 'open' AND sex = $2 "
                "AND last_intake_at >= $3 AND age_years >= $4 AND age_years <= $5 "
                "ORDER BY last_intake_at DESC, id DESC LIMIT 1",
                {checked.phone.key, request.sex, now - options_.duplicate_window,
                 checked.age_years - kDuplicateAgeToleranceYears,
                 checked.age_years + kDuplicateAgeToleranceYears}));
        if (!open_case.rows.empty()) {
          return LinkToOpenCase(connection, context, open_case.rows.front().Int(0), result);
        }
        return CreateCase(connection, context, result);
      }));
  return result;
}

Result<CaseStatusView> ClinicService::StatusByToken(const Actor& actor, const std::string& token) {
  const Status unknown(ErrorCode::kNotFound, "error.clinic.status_link_unknown");
  if (token.size() != 2 * kStatusTokenBytes) return unknown;
  CaseStatusView view;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(
            const QueryResult found,
            connection.Query("SELECT id FROM clinic_cases WHERE status_token_hash = $1",
                             {StatusTokenHash(token)}));
        if (found.rows.empty()) return unknown;
        const std::int64_t case_id = found.rows.front().Int(0);
        ASSIGN_OR_RETURN(const CaseDetail stored, LoadCase(connection, options_, case_id, Now()));
        view = StatusOf(stored);
        return AuditCase(connection, actor, "read", case_id, "status link");
      }));
  return view;
}

}  // namespace lifeline
