#include "http/tracing_http.h"

#include "core/json_fields.h"
#include "core/validation.h"
#include "http/clinic_json.h"

namespace lifeline::tracing_http {

std::string Path(const char* suffix) { return std::string(kPrefix) + suffix; }

const Access& Tracers() {
  static const Access tracers = Access::Only({Role::kTracer, Role::kAdmin});
  return tracers;
}

nlohmann::json Instant(std::optional<UnixMillis> at) {
  return at ? nlohmann::json(FormatIso8601(*at)) : nlohmann::json(nullptr);
}

Result<std::optional<UnixMillis>> MaybeInstant(const nlohmann::json& body,
                                               const std::string& field) {
  ASSIGN_OR_RETURN(const UnixMillis at, OptionalInstant(body, field));
  return at == 0 ? std::optional<UnixMillis>() : std::optional<UnixMillis>(at);
}

Result<UnixMillis> RequiredInstant(const nlohmann::json& body, const std::string& field) {
  ASSIGN_OR_RETURN(const std::optional<UnixMillis> at, MaybeInstant(body, field));
  if (!at) return FieldRequired(field);
  return *at;
}

Result<std::string> Text(const nlohmann::json& body, const std::string& field,
                         const std::string& fallback) {
  ASSIGN_OR_RETURN(const std::optional<std::string> text, OptionalString(body, field));
  return text.value_or(fallback);
}

Result<std::optional<double>> MaybeNumber(const nlohmann::json& body, const std::string& field) {
  if (!body.contains(field) || body[field].is_null()) return std::optional<double>();
  ASSIGN_OR_RETURN(const double number, RequiredNumber(body, field));
  return std::optional<double>(number);
}

Result<int> PageParam(const ApiRequest& request, const std::string& name, int fallback, int low,
                      int high) {
  ASSIGN_OR_RETURN(const std::optional<std::int64_t> value, request.QueryInt(name));
  if (!value) return fallback;
  if (*value < low || *value > high) {
    return Status::InvalidArgument(
        "error.query_param",
        {{"field", name}, {"reason", std::to_string(low) + ".." + std::to_string(high)}}, name);
  }
  return static_cast<int>(*value);
}

const char* ColourName(tracing::CodeColour colour) {
  switch (colour) {
    case tracing::CodeColour::kRed:
      return "red";
    case tracing::CodeColour::kYellow:
      return "yellow";
    case tracing::CodeColour::kGreen:
      break;
  }
  return "green";
}

const char* ReasonName(tracing::CodeReason reason) {
  switch (reason) {
    case tracing::CodeReason::kConfirmedCase:
      return "confirmed_case";
    case tracing::CodeReason::kAsymptomaticCase:
      return "asymptomatic_case";
    case tracing::CodeReason::kCloseContactInQuarantine:
      return "close_contact_in_quarantine";
    case tracing::CodeReason::kCompanionAwaitingTests:
      return "companion_awaiting_tests";
    case tracing::CodeReason::kHighRiskAreaStay:
      return "high_risk_area_stay";
    case tracing::CodeReason::kNone:
      break;
  }
  return "none";
}

nlohmann::json CodeJson(const tracing::HealthCode& code) {
  return {{"colour", ColourName(code.colour)},
          {"reason", ReasonName(code.reason)},
          {"since", FormatIso8601(code.since)},
          {"until", Instant(code.until)}};
}

nlohmann::json HistoryJson(const std::vector<tracing::CodeChange>& history) {
  nlohmann::json changes = nlohmann::json::array();
  for (const tracing::CodeChange& change : history) {
    changes.push_back({{"at", FormatIso8601(change.at)},
                       {"colour", ColourName(change.colour)},
                       {"reason", ReasonName(change.reason)}});
  }
  return changes;
}

nlohmann::json PersonJson(const TracingPerson& person) {
  return {{"id", person.id},
          {"name", person.name},
          {"phone", person.phone},
          {"household", person.household},
          {"district_code", person.district_code},
          {"status", person.status},
          {"onset_at", Instant(person.onset_at)},
          {"confirmed_at", Instant(person.confirmed_at)},
          {"asymptomatic_at", Instant(person.asymptomatic_at)},
          {"released_at", Instant(person.released_at)},
          {"created_at", Instant(person.created_at)},
          {"updated_at", Instant(person.updated_at)}};
}

}  // namespace lifeline::tracing_http
