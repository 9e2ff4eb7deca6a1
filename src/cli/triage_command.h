#pragma once

#include <cstdio>

namespace lifeline {

// `lifeline triage`: JSON Lines of observations in, one JSON result per line out, in input
// order (docs/triage.md, "Command line"). A bad line becomes {"line":N,"error":"…"} with the
// message in the command-line language, and the stream goes on; blank lines are skipped.

struct TriageCommandOptions {
  bool route_by_who = false;  // route to a tier by WHO severity instead of NHC
  bool with_actions = false;  // add "actions" to each output line
};

// Streams `input` to `output` with large buffers. Returns the exit code: 0 once the input is
// read to its end, 1 if it cannot be read or the output cannot be written (said on `errors`).
int RunTriage(const TriageCommandOptions& options, std::FILE* input = stdin,
              std::FILE* output = stdout, std::FILE* errors = stderr);

}  // namespace lifeline
