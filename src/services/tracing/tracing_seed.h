#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "core/time.h"
#include "engines/scenario/scenario.h"
#include "store/database.h"

namespace lifeline {

struct TracingSeedOptions {
  // Draws the synthetic people's names, phones, districts and dates.
  std::uint64_t seed = scenario::kDefaultSeed;
  // The desk's "today" (0: now): the story and every cluster end within the last three weeks
  // before it, so codes, quarantines, follow-ups and risk areas are live.
  UnixMillis now = 0;
};

struct TracingSeedReport {
  bool skipped = false;  // the desk already had people: nothing was written
  std::int64_t people = 0;
  std::int64_t cases = 0;  // confirmed or asymptomatic at the end
  std::int64_t exposures = 0;
  std::int64_t visits = 0;
  std::int64_t checks = 0;
  std::int64_t tests = 0;
  std::int64_t rounds = 0;
  std::int64_t round_id = 0;
  // The supermarket story's people (docs/tracing.md): A, the clothing-section worker; B and C,
  // the couple; D, back from Wuhan without symptoms, their likely source; E, A's colleague.
  std::int64_t story_a = 0;
  std::int64_t story_b = 0;
  std::int64_t story_c = 0;
  std::int64_t story_d = 0;
  std::int64_t story_e = 0;
};

// Fills an empty contact-tracing desk with the demo's records, written through TracingService
// (every record passes its checks and is audited, by the "scenario" admin):
//
// - the supermarket story of issue 6 (the engine's chains_test), shifted so that its 20 January
//   is `now`'s day: the chains name D as the source of A, B and C and A as E's infector, D is a
//   possible hidden source (untested), and the quarantines of D and E run today;
// - clusters in four districts of Wuhan (Jiang'an, Jianghan, Qiaokou, Wuchang): an index case
//   confirmed in the last two weeks, its household and a colleague or dinner guest as close
//   contacts (exposures from its onset to its isolation, so they are not named as its source),
//   sometimes a household member who fell ill after it; the cases' visits to places of their
//   district (which make medium-risk areas); the contacts' daily symptom checks, a few stopped
//   days ago (overdue follow-ups), and day-1 tests; a few residents back from a high-risk area
//   (yellow codes) and suspected cases;
// - one testing round over the four districts starting yesterday, with a batch whose positives
//   are a known contact (matched by phone) and a new person.
//
// Names are synthetic (engines/scenario), phones synthetic mainland numbers; everything is drawn
// from `seed`, so equal options give equal records. Writes nothing when the desk has people.
// Borrows `database`; `key` is the deployment key phones and code links are sealed with.
Result<TracingSeedReport> SeedTracingDesk(Database& database, const std::string& key,
                                          const TracingSeedOptions& options);

}  // namespace lifeline
