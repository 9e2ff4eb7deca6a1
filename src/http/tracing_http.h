#pragma once

// The contact-tracing desk on the wire (docs/tracing.md), shared by its route files: input
// fields read with their errors naming the field, records rendered as JSON with ISO-8601
// instants and the codes' colour and reason names, and the route groups AddTracingRoutes adds.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"
#include "http/api.h"
#include "services/tracing/tracing_service.h"

namespace lifeline::tracing_http {

constexpr const char* kPrefix = "/api/v1/tracing";
// "/api/v1/tracing" + suffix.
std::string Path(const char* suffix);
// Tracers and admins: the records are patients' and their movements.
const Access& Tracers();

// ISO-8601, or null when unknown.
nlohmann::json Instant(std::optional<UnixMillis> at);
// An ISO-8601 field; nullopt when absent or empty.
Result<std::optional<UnixMillis>> MaybeInstant(const nlohmann::json& body,
                                               const std::string& field);
Result<UnixMillis> RequiredInstant(const nlohmann::json& body, const std::string& field);
// A text field, `fallback` when absent.
Result<std::string> Text(const nlohmann::json& body, const std::string& field,
                         const std::string& fallback = "");
// A number field; nullopt when absent or null.
Result<std::optional<double>> MaybeNumber(const nlohmann::json& body, const std::string& field);
// A paging parameter of the query string within [low, high] (400 naming it otherwise);
// `fallback` when absent.
Result<int> PageParam(const ApiRequest& request, const std::string& name, int fallback, int low,
                      int high);

// "red", "yellow", "green"; the reasons' wire names ("close_contact_in_quarantine", …).
const char* ColourName(tracing::CodeColour colour);
const char* ReasonName(tracing::CodeReason reason);
// {colour, reason, since, until}, as every code is shown.
nlohmann::json CodeJson(const tracing::HealthCode& code);
// [{at, colour, reason}], oldest first.
nlohmann::json HistoryJson(const std::vector<tracing::CodeChange>& history);

nlohmann::json PersonJson(const TracingPerson& person);

// The people list, a person's record, code links and their public reads, exports.
void AddTracingRecordRoutes(Router& router, TracingService& service);
// Testing rounds and their batches.
void AddTracingRoundRoutes(Router& router, TracingService& service);

}  // namespace lifeline::tracing_http
