#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engines/scenario/clinic_day.h"
#include "http/server.h"
#include "services/tracing/tracing_service.h"

namespace lifeline {

// What the command line asked for; each Run* function returns the process exit code.

struct StoreOptions {
  std::string db = "lifeline.db";  // SQLite path or postgres:// URL
  std::string key_file;            // empty: next to an SQLite file, else ./lifeline.key
};

struct ScenarioFlags {
  std::uint64_t seed = 2020;
  int residents = 3000;
  int volunteers = 400;
  // The online clinic's surge day (engines/scenario/clinic_day.h), seeded after the city.
  int surge_requests = scenario::kDefaultSurgeRequests;
  bool full_surge = false;  // the real day's 920 requests instead
  bool no_clinic = false;
};

int RunMigrate(const StoreOptions& store);
// The services' time limits that `serve` and `demo` take as flags or config keys.
struct ServiceLimitFlags {
  // Per-tier time limits of the online clinic, each "tier=minutes" (e.g. "icu=15"); unnamed
  // tiers keep ClinicOptions' defaults.
  std::vector<std::string> tier_limits;
  // Bed figures verified longer ago than this are stale (BedsOptions::stale_after).
  std::int64_t bed_stale_hours = 6;
  // The folder companion runs read from and uploads go to; empty: companion-data beside an
  // SQLite database, or in the working directory with PostgreSQL.
  std::string companion_data;
  // The tracing desk's rules (health codes, incubation, risk areas, rings, follow-up tests), as
  // the settings file sets them (services/tracing/tracing_config.h).
  TracingOptions tracing;
};
constexpr std::int64_t kMaxBedStaleHours = 7 * 24;

int RunServe(const StoreOptions& store, const ServerOptions& server,
             const ServiceLimitFlags& clinic = {});
// Seeds the city, then the clinic's surge day; each only if the database has none yet.
int RunSeed(const StoreOptions& store, const ScenarioFlags& scenario);
// Migrates, seeds the scenario and the clinic's surge day if the database has none, makes sure
// one demo account per role exists (the clinical ones as clinic volunteers when the day is
// seeded now), prints the URL and the logins, and serves until SIGTERM or SIGINT.
int RunDemo(const StoreOptions& store, const ServerOptions& server, const ScenarioFlags& scenario,
            const ServiceLimitFlags& clinic = {});
// Reads the password from standard input (one line), prompting without echo on a terminal.
int RunUserAdd(const StoreOptions& store, const std::string& username,
               const std::string& display_name, const std::string& role, const std::string& locale);

// The language of command-line messages: LIFELINE_LANG, else LANG, else Chinese.
std::string CommandLineLocale();

// The password every demo account gets; printed by `lifeline demo`, never used elsewhere.
constexpr const char* kDemoPassword = "wuhan2020";

}  // namespace lifeline
