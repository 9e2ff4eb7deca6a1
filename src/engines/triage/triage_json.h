#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "engines/triage/triage.h"

namespace lifeline::triage {

// The wire format of `lifeline triage` (docs/triage.md, "Command line"): one JSON object per
// line in, one per line out. Other tools rely on it exactly, so names and types are fixed here
// and nowhere else. Stateless functions; thread-safe.

// Parses one input line into an Observation. Keys are the Observation field names plus
// `symptoms`, `comorbidities` and `needs` (arrays of strings); null means missing; unknown keys
// are ignored. A failure carries a catalogue id "triage.error.*" with its arguments and names
// the field: malformed JSON, not an object, a wrong type, an out-of-range value, an unknown
// consciousness letter, comorbidity or need, a repeated key, or ages that disagree.
Result<Observation> ParseObservationJson(std::string_view line);

struct OutputOptions {
  bool with_actions = false;  // adds "actions" after the contract's eight keys
};

// Appends the result as one JSON object (no newline): nhc_severity, who_severity, news2,
// news2_band, tier, priority, reasons, missing[, actions]. Allocation-free once `out` has room.
void AppendResultJson(const TriageResult& result, const OutputOptions& options, std::string& out);

// Appends {"line":N,"error":"<message>"} (no newline), escaping the message as JSON.
void AppendErrorJson(std::int64_t line_number, std::string_view message, std::string& out);

}  // namespace lifeline::triage
