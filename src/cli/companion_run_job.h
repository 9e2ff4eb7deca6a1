#pragma once

#include "services/tracing/companion_runs.h"

namespace lifeline {

// The runner `lifeline serve` gives the companion run service (services/tracing/companion_runs.h):
// the companion engine in this process, as `lifeline companions` runs it on one process — the
// same loading of cells and records or a store (companions_input.h), the same rule with the job's
// gap, the same pairs — and each pair's evidence in the words of `lifeline companions explain`
// (ExplanationText), in the job's language. Findings come sorted as `lifeline companions` writes
// its rows: by case number, then companion number, each by its text's byte order.
//
// Progress: loading (bytes of records.csv; 0 of 0 from a store), finding (cases done of all),
// explaining (pairs done of all). The run stops with "error.tracing.companion_runs.stopped" at
// the next step after the progress callback returns false (while loading, at the next chunk of
// records.csv). What the engine says of the data
// (bad rows, cases without records) is the result's log; if the data cannot be read, the error
// "error.tracing.companion_runs.unreadable" carries it. Plain numbers only: a pseudonymised store
// is refused, since its companions could not be recorded as people.
//
// `threads` as for `lifeline companions --threads` (0: one per hardware thread). The runner holds
// nothing between calls and may be called from any thread.
CompanionRunner MakeCompanionRunner(int threads = 0);

}  // namespace lifeline
