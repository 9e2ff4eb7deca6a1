#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "engines/scenario/clinic_day.h"
#include "engines/scenario/scenario.h"
#include "services/accounts/accounts.h"
#include "store/database.h"

namespace lifeline {

// What SeedClinicDay is doing, for a progress line: it starts (the clinic is empty; `total` is
// the number of requests), has approved `done` of `total` applications, has written `done` of
// `total` requests.
enum class ClinicSeedStage { kStarting, kVolunteers, kRequests };

struct ClinicSeedProgress {
  ClinicSeedStage stage = ClinicSeedStage::kVolunteers;
  std::int64_t done = 0;
  std::int64_t total = 0;
};

struct ClinicSeedOptions {
  // The synthetic city the patients and volunteers come from (engines/scenario), regenerated
  // from these; use the values the city was seeded with.
  std::uint64_t seed = scenario::kDefaultSeed;
  int residents = scenario::kDefaultResidents;
  int volunteers = scenario::kDefaultVolunteers;
  // The day (engines/scenario/clinic_day.h): requests, and volunteers on the clinic's roster.
  int requests = scenario::kDefaultSurgeRequests;
  int roster = scenario::kDefaultRosterSize;
  // The surge day is replayed over the 24 hours before this instant (0: now), so the board
  // shows it as the day just past, with the cases nobody has reached yet overdue.
  UnixMillis ends_at = 0;
  // Accounts to create as clinic volunteers at the highest readiness, on duty for a week from
  // the day's start (the demo's doctor, nurse, angel and counsellor). Accounts of roles the
  // clinic does not enrol, and taken usernames, are left alone.
  std::vector<NewUser> demo_volunteers;
  // Called on the calling thread as the seeding moves on.
  std::function<void(const ClinicSeedProgress&)> progress;
};

struct ClinicSeedReport {
  bool skipped = false;                      // the clinic already had cases: nothing was written
  std::int64_t volunteers = 0;               // approved, demo accounts included
  std::int64_t pending_applications = 0;     // left for a coordinator to review
  std::vector<std::string> demo_volunteers;  // usernames of the demo accounts created
  std::int64_t requests = 0;
  std::int64_t cases = 0;
  std::int64_t duplicates = 0;  // requests linked to a family's open case
  std::int64_t notes = 0;
  std::int64_t observations = 0;  // readings added on a call-back
  std::int64_t offers = 0;
  std::int64_t accepted = 0;
  std::int64_t declined = 0;
  std::int64_t stepped_back = 0;  // the case grew graver than the volunteer's readiness
  std::int64_t outcomes = 0;
  std::int64_t deaths = 0;
  std::map<std::string, std::int64_t> open_by_tier;  // "icu" -> cases open at the end
  std::int64_t overdue = 0;                          // open cases past their tier's limit
};

// Writes a synthetic surge day of the online clinic (engines/scenario/clinic_day.h) through
// ClinicService, as it would have happened: volunteers apply and are approved with readiness
// levels and daily shifts, then requests arrive in time order with the clinic's clock set to
// each one's time, while clinicians call back, write notes, take cases within their readiness
// and record a few outcomes, one of them a death (which schedules a debrief). What nobody
// reached in time is overdue on the board afterwards.
//
// Synthetic volunteers get random passwords that are never shown: nobody can log in as them.
// Writes nothing when the clinic already has cases (`skipped`). Deterministic for equal options,
// `ends_at` included (shifts are kept in local time, so the replay's hour decides who is on
// duty), apart from application ids: applications are hashed on several threads, since
// Argon2id dominates the time; approvals, and so account ids, follow in roster order.
// Expected refusals of the clinic (a volunteer at capacity, a case closed meanwhile) skip that
// step; store errors stop the seeding and are returned, leaving what was written so far.
// Borrows `database` and `accounts`; call from one thread.
Result<ClinicSeedReport> SeedClinicDay(Database& database, AccountService& accounts,
                                       const std::string& pseudonym_key,
                                       const ClinicSeedOptions& options);

}  // namespace lifeline
