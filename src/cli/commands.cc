#include "cli/commands.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/companion_run_job.h"
#include "core/crypto.h"
#include "core/i18n.h"
#include "core/role.h"
#include "services/accounts/accounts.h"
#include "services/audit/audit_log.h"
#include "services/beds/beds_seed.h"
#include "services/beds/beds_service.h"
#include "services/city/city_service.h"
#include "services/clinic/clinic_seed.h"
#include "services/clinic/clinic_service.h"
#include "services/devices/devices_seed.h"
#include "services/devices/devices_service.h"
#include "services/exchange/exchange_seed.h"
#include "services/exchange/exchange_service.h"
#include "services/tracing/companion_runs.h"
#include "services/tracing/tracing_seed.h"
#include "services/tracing/tracing_service.h"
#include "services/ventilators/ventilators.h"
#include "services/ventilators/ventilators_seed.h"
#include "store/database.h"
#include "store/migrations.h"

namespace lifeline {
namespace {

std::string Text(std::string_view id, const MessageArgs& args = {}) {
  return Catalogue::Builtin().Render(CommandLineLocale(), id, args);
}

int Fail(const Status& status) {
  std::cerr << Text("cli.error",
                    {{"message", Catalogue::Builtin().Render(CommandLineLocale(),
                                                             status.message_id(), status.args())}})
            << "\n";
  if (!status.detail().empty()) std::cerr << "  (" << status.detail() << ")\n";
  return 1;
}

// An open, migrated store and the deployment key, shared by every command.
struct OpenStore {
  std::unique_ptr<Database> database;
  std::string key;
};

Result<OpenStore> Open(const StoreOptions& options) {
  OpenStore store;
  ASSIGN_OR_RETURN(store.database, OpenDatabase(options.db));
  ASSIGN_OR_RETURN(const int applied, Migrate(*store.database));
  if (applied > 0) {
    ASSIGN_OR_RETURN(const int version, SchemaVersion(*store.database));
    std::cerr << Text("cli.migrated", {{"db", store.database->Describe()},
                                       {"version", std::to_string(version)},
                                       {"applied", std::to_string(applied)}})
              << "\n";
  }
  std::string key_file = options.key_file;
  if (key_file.empty()) {
    const bool is_postgres = options.db.starts_with("postgres");
    key_file = is_postgres ? "lifeline.key" : options.db + ".key";
  }
  ASSIGN_OR_RETURN(store.key, LoadOrCreateKeyFile(key_file));
  return store;
}

Result<ScenarioCounts> SeedIfEmpty(CityService& city, const ScenarioFlags& flags) {
  ASSIGN_OR_RETURN(const bool seeded, city.HasScenario());
  if (seeded) {
    std::cerr << Text("cli.already_seeded") << "\n";
    return ScenarioCounts{};
  }
  std::cerr << Text("cli.seeding", {{"seed", std::to_string(flags.seed)}}) << "\n";
  ScenarioOptions options;
  options.seed = flags.seed;
  options.residents = flags.residents;
  options.volunteers = flags.volunteers;
  ASSIGN_OR_RETURN(const ScenarioCounts counts, city.SeedScenario(options));
  std::cerr << Text("cli.seeded", {{"districts", std::to_string(counts.districts)},
                                   {"hospitals", std::to_string(counts.hospitals)},
                                   {"residents", std::to_string(counts.residents)},
                                   {"volunteers", std::to_string(counts.volunteers)}})
            << "\n";
  return counts;
}

// "3.2": seconds with one decimal.
std::string Seconds(std::chrono::steady_clock::duration elapsed) {
  const auto tenths = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

void PrintClinicReport(const ClinicSeedReport& report, const std::string& seconds) {
  std::cerr << Text("cli.clinic.seeded", {{"cases", std::to_string(report.cases)},
                                          {"duplicates", std::to_string(report.duplicates)},
                                          {"notes", std::to_string(report.notes)},
                                          {"accepted", std::to_string(report.accepted)},
                                          {"outcomes", std::to_string(report.outcomes)},
                                          {"deaths", std::to_string(report.deaths)},
                                          {"overdue", std::to_string(report.overdue)},
                                          {"seconds", seconds}})
            << "\n";
  std::string tiers;
  for (const char* tier : {"triage_desk", "outpatient", "ward", "icu", "life_care"}) {
    const auto found = report.open_by_tier.find(tier);
    if (!tiers.empty()) tiers += Text("cli.clinic.list_separator");
    tiers +=
        Text("cli.clinic.tier_count",
             {{"tier", Text(std::string("triage.tier.") + tier)},
              {"count", std::to_string(found == report.open_by_tier.end() ? 0 : found->second)}});
  }
  std::cerr << Text("cli.clinic.board", {{"tiers", tiers}}) << "\n";
}

// Seeds the online clinic's surge day unless the flags say not to or the clinic has cases.
// `demo_accounts` of the clinic's volunteer roles are created as volunteers; returns the
// usernames created.
Result<std::vector<std::string>> SeedClinicIfEmpty(OpenStore& store, const ScenarioFlags& flags,
                                                   std::vector<NewUser> demo_accounts) {
  if (flags.no_clinic) return std::vector<std::string>{};
  ClinicSeedOptions options;
  options.seed = flags.seed;
  options.residents = flags.residents;
  options.volunteers = flags.volunteers;
  options.requests = flags.full_surge ? scenario::kFullSurgeRequests : flags.surge_requests;
  options.roster = scenario::RosterSizeFor(options.requests);
  options.demo_volunteers = std::move(demo_accounts);
  options.progress = [&flags](const ClinicSeedProgress& step) {
    if (step.stage == ClinicSeedStage::kStarting) {
      std::cerr << Text("cli.clinic.seeding", {{"seed", std::to_string(flags.seed)},
                                               {"requests", std::to_string(step.total)}})
                << "\n";
    } else if (step.stage == ClinicSeedStage::kVolunteers) {
      std::cerr << Text("cli.clinic.volunteers", {{"approved", std::to_string(step.done)},
                                                  {"applied", std::to_string(step.total)}})
                << "\n";
    } else {
      std::cerr << Text("cli.clinic.requests", {{"done", std::to_string(step.done)},
                                                {"total", std::to_string(step.total)}})
                << "\n";
    }
  };
  const auto started = std::chrono::steady_clock::now();
  AccountService accounts(*store.database, AccountOptions{});
  ASSIGN_OR_RETURN(const ClinicSeedReport report,
                   SeedClinicDay(*store.database, accounts, store.key, options));
  if (report.skipped) {
    std::cerr << Text("cli.clinic.already_seeded") << "\n";
    return std::vector<std::string>{};
  }
  PrintClinicReport(report, Seconds(std::chrono::steady_clock::now() - started));
  return report.demo_volunteers;
}

// Writes the demo ventilator pipeline unless it has records, with one line on what was written.
Status SeedVentilatorsIfEmpty(OpenStore& store) {
  ASSIGN_OR_RETURN(const VentilatorSeedReport report, SeedVentilators(*store.database, {}));
  if (report.skipped) {
    std::cerr << Text("cli.ventilators.already_seeded") << "\n";
    return Status::Ok();
  }
  std::string states;
  for (const std::string_view state : VentilatorOrderStates()) {
    if (!states.empty()) states += Text("cli.clinic.list_separator");
    states += Text("web.ventilators.state." + std::string(state)) + " " +
              std::to_string(report.orders_by_state.at(std::string(state)));
  }
  std::cerr << Text("cli.ventilators.seeded", {{"needs", std::to_string(report.needs)},
                                               {"units", std::to_string(report.units_needed)},
                                               {"pledges", std::to_string(report.pledges)},
                                               {"offers", std::to_string(report.stock_offers)},
                                               {"orders", std::to_string(report.orders)},
                                               {"ordered", std::to_string(report.units_ordered)},
                                               {"states", states}})
            << "\n";
  return Status::Ok();
}

BedsOptions BedsOptionsFrom(const ServiceLimitFlags& flags) {
  BedsOptions options;
  options.stale_after = flags.bed_stale_hours * kMillisPerHour;
  return options;
}

// Gives the stored hospitals a day of synthetic bed figures unless the board has some.
Status SeedBedsIfEmpty(OpenStore& store, const ServiceLimitFlags& flags) {
  BedsService beds(*store.database, BedsOptionsFrom(flags));
  ASSIGN_OR_RETURN(const bool empty, beds.IsEmpty());
  if (!empty) {
    std::cerr << Text("cli.beds.already_seeded") << "\n";
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(const CityOverview city, CityService(*store.database, store.key).Overview());
  std::cerr << Text("cli.beds.seeding", {{"hospitals", std::to_string(city.hospitals)}}) << "\n";
  ASSIGN_OR_RETURN(const BedSeedReport report, SeedBedBoard(beds));
  std::cerr << Text("cli.beds.seeded", {{"updates", std::to_string(report.updates)},
                                        {"stale", std::to_string(report.stale_classes)}})
            << "\n";
  return Status::Ok();
}

// Writes the demo's drifting devices with their histories unless devices exist. The demo angel
// account must exist by then: it follows a larger share.
Status SeedDevicesIfEmpty(OpenStore& store, const ScenarioFlags& flags) {
  DeviceSeedOptions options;
  options.seed = flags.seed;
  options.residents = flags.residents;
  options.volunteers = flags.volunteers;
  options.demo_angel = std::string(RoleName(Role::kAngel));
  options.starting = [](int concentrators, int oximeters) {
    std::cerr << Text("cli.devices.seeding", {{"concentrators", std::to_string(concentrators)},
                                              {"oximeters", std::to_string(oximeters)}})
              << "\n";
  };
  const auto started = std::chrono::steady_clock::now();
  AccountService accounts(*store.database, AccountOptions{});
  ASSIGN_OR_RETURN(const DeviceSeedReport report,
                   SeedDevices(*store.database, accounts, store.key, options));
  if (report.skipped) {
    std::cerr << Text("cli.devices.already_seeded") << "\n";
    return Status::Ok();
  }
  std::cerr << Text("cli.devices.seeded",
                    {{"devices", std::to_string(report.devices)},
                     {"drifts", std::to_string(report.drifts)},
                     {"open", std::to_string(report.open)},
                     {"overdue", std::to_string(report.overdue)},
                     {"seconds", Seconds(std::chrono::steady_clock::now() - started)}})
            << "\n";
  return Status::Ok();
}

// Writes the demo exchange of offers and needs, and its first proposal, unless it has records.
// Without a seeded clinic only hospitals have needs.
Status SeedExchangeIfEmpty(OpenStore& store, const ScenarioFlags& flags) {
  ASSIGN_OR_RETURN(const bool empty, ExchangeService(*store.database, store.key).IsEmpty());
  if (!empty) {
    std::cerr << Text("cli.exchange.already_seeded") << "\n";
    return Status::Ok();
  }
  std::cerr << Text("cli.exchange.seeding", {{"seed", std::to_string(flags.seed)}}) << "\n";
  ExchangeSeedOptions options;
  options.seed = flags.seed;
  options.residents = flags.residents;
  options.volunteers = flags.volunteers;
  const auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(const ExchangeSeedReport report,
                   SeedExchange(*store.database, store.key, options));
  std::cerr << Text("cli.exchange.seeded",
                    {{"offers",
                      std::to_string(report.household_offers + report.organisation_offers)},
                     {"households", std::to_string(report.household_offers)},
                     {"organisations", std::to_string(report.organisation_offers)},
                     {"needs", std::to_string(report.case_needs + report.hospital_needs)},
                     {"cases", std::to_string(report.case_needs)},
                     {"hospitals", std::to_string(report.hospital_needs)},
                     {"offered", std::to_string(report.offered_quantity)},
                     {"needed", std::to_string(report.needed_quantity)},
                     {"proposal", std::to_string(report.proposal_id)},
                     {"matches", std::to_string(report.proposed_matches)},
                     {"unmet", std::to_string(report.unmet_quantity)},
                     {"seconds", Seconds(std::chrono::steady_clock::now() - started)}})
            << "\n";
  return Status::Ok();
}

// Fills an empty contact-tracing desk with the demo's story, clusters and testing round, with one
// line on what was written.
Status SeedTracingIfEmpty(OpenStore& store, const ScenarioFlags& flags) {
  TracingSeedOptions options;
  options.seed = flags.seed;
  const auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(const TracingSeedReport report,
                   SeedTracingDesk(*store.database, store.key, options));
  if (report.skipped) {
    std::cerr << Text("cli.tracing.already_seeded") << "\n";
    return Status::Ok();
  }
  std::cerr << Text("cli.tracing.seeded",
                    {{"people", std::to_string(report.people)},
                     {"cases", std::to_string(report.cases)},
                     {"exposures", std::to_string(report.exposures)},
                     {"visits", std::to_string(report.visits)},
                     {"checks", std::to_string(report.checks)},
                     {"rounds", std::to_string(report.rounds)},
                     {"seconds", Seconds(std::chrono::steady_clock::now() - started)}})
            << "\n";
  return Status::Ok();
}

// Serves until SIGTERM or SIGINT. The signals are blocked in every thread and taken by one
// waiting thread, which stops the server so in-flight requests finish before exit.
// ClinicOptions with the "tier=minutes" limits applied; an error names the bad one.
Result<ClinicOptions> ClinicOptionsFrom(const ServiceLimitFlags& flags) {
  ClinicOptions options;
  for (const std::string& limit : flags.tier_limits) {
    const std::size_t equals = limit.find('=');
    const std::optional<triage::Tier> tier =
        equals == std::string::npos ? std::nullopt : triage::ParseTier(limit.substr(0, equals));
    std::int64_t minutes = 0;
    const std::string number = equals == std::string::npos ? "" : limit.substr(equals + 1);
    const auto [end, error] =
        std::from_chars(number.data(), number.data() + number.size(), minutes);
    if (!tier || error != std::errc() || end != number.data() + number.size() || minutes <= 0) {
      return Status::InvalidArgument("error.tier_limit", {{"value", limit}}, "tier_limit");
    }
    const UnixMillis millis = minutes * kMillisPerMinute;
    switch (*tier) {
      case triage::Tier::kTriageDesk:
        options.triage_desk_limit = millis;
        break;
      case triage::Tier::kOutpatient:
        options.outpatient_limit = millis;
        break;
      case triage::Tier::kWard:
        options.ward_limit = millis;
        break;
      case triage::Tier::kIcu:
        options.icu_limit = millis;
        break;
      case triage::Tier::kLifeCare:
        options.life_care_limit = millis;
        break;
    }
  }
  return options;
}

// Where companion runs read and uploads go: the flag, else companion-data beside an SQLite
// database (like its key file), else in the working directory.
std::string CompanionDataDir(const StoreOptions& store, const ServiceLimitFlags& flags) {
  if (!flags.companion_data.empty()) return flags.companion_data;
  if (store.db.starts_with("postgres")) return "companion-data";
  return (std::filesystem::path(store.db).parent_path() / "companion-data").string();
}

int ServeUntilSignal(OpenStore& store, const ServerOptions& server_options,
                     const ServiceLimitFlags& clinic_flags, const std::string& companion_data,
                     const std::string& banner_suffix) {
  Result<ClinicOptions> clinic_options = ClinicOptionsFrom(clinic_flags);
  if (!clinic_options.ok()) return Fail(clinic_options.status());
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  AccountService accounts(*store.database, AccountOptions{});
  AuditLog audit(*store.database);
  CityService city(*store.database, store.key);
  ClinicService clinic(*store.database, accounts, store.key, *clinic_options);
  BedsService beds(*store.database, BedsOptionsFrom(clinic_flags));
  VentilatorService ventilators(*store.database);
  ExchangeService exchange(*store.database, store.key);
  DevicesService devices(*store.database, store.key);
  TracingService tracing(*store.database, store.key, clinic_flags.tracing);
  Result<std::unique_ptr<CompanionRunService>> companion_runs = CompanionRunService::Open(
      *store.database, store.key, MakeCompanionRunner(),
      {.data_dir = companion_data, .max_upload_bytes = server_options.max_body_bytes});
  if (!companion_runs.ok()) return Fail(companion_runs.status());
  std::cerr << Text("cli.companion_data", {{"path", companion_data}}) << "\n";
  HttpServer server(server_options,
                    Services{*store.database, accounts, audit, city, clinic, beds, ventilators,
                             exchange, devices, tracing, **companion_runs});
  if (Status bound = server.Bind(); !bound.ok()) return Fail(bound);
  // Only a server that is sure to serve takes over the runs another one left.
  if (Status recovered = (*companion_runs)->RecoverInterrupted(); !recovered.ok()) {
    return Fail(recovered);
  }

  std::thread signal_waiter([&] {
    int received = 0;
    sigwait(&stop_signals, &received);
    if (received == SIGTERM || received == SIGINT) {
      std::cerr << Text("cli.stopping") << "\n";
      server.Stop();
    }
  });
  const std::string url =
      "http://" + server_options.host + ":" + std::to_string(server.port()) + "/";
  std::cout << Text("cli.serving", {{"url", url}, {"db", store.database->Describe()}}) << "\n"
            << banner_suffix << std::flush;
  server.Run();
  // Run also returns if listening fails; wake the waiter so it can be joined.
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  std::cerr << Text("cli.stopped") << "\n";
  return 0;
}

Result<std::string> ReadPassword() {
  const bool terminal = isatty(STDIN_FILENO);
  termios saved{};
  if (terminal) {
    std::cerr << Text("cli.password_prompt");
    tcgetattr(STDIN_FILENO, &saved);
    termios silent = saved;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &silent);
  }
  std::string password;
  std::getline(std::cin, password);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

}  // namespace

std::string CommandLineLocale() {
  for (const char* variable : {"LIFELINE_LANG", "LANG"}) {
    const char* value = std::getenv(variable);
    if (value == nullptr || *value == '\0') continue;
    const std::string_view text(value);
    if (text.starts_with("en")) return std::string(kLocaleEn);
    if (text.starts_with("zh")) return std::string(kLocaleZh);
  }
  return std::string(kDefaultLocale);
}

int RunMigrate(const StoreOptions& options) {
  Result<OpenStore> store = Open(options);
  if (!store.ok()) return Fail(store.status());
  Result<int> version = SchemaVersion(*store->database);
  if (!version.ok()) return Fail(version.status());
  std::cout << Text("cli.migrated", {{"db", store->database->Describe()},
                                     {"version", std::to_string(*version)},
                                     {"applied", "0"}})
            << "\n";
  return 0;
}

int RunServe(const StoreOptions& options, const ServerOptions& server,
             const ServiceLimitFlags& clinic) {
  Result<OpenStore> store = Open(options);
  if (!store.ok()) return Fail(store.status());
  return ServeUntilSignal(*store, server, clinic, CompanionDataDir(options, clinic), "");
}

int RunSeed(const StoreOptions& options, const ScenarioFlags& scenario) {
  Result<OpenStore> store = Open(options);
  if (!store.ok()) return Fail(store.status());
  CityService city(*store->database, store->key);
  Result<ScenarioCounts> counts = SeedIfEmpty(city, scenario);
  if (!counts.ok()) return Fail(counts.status());
  Result<std::vector<std::string>> clinic = SeedClinicIfEmpty(*store, scenario, {});
  if (!clinic.ok()) return Fail(clinic.status());
  if (Status ventilators = SeedVentilatorsIfEmpty(*store); !ventilators.ok()) {
    return Fail(ventilators);
  }
  if (Status beds = SeedBedsIfEmpty(*store, {}); !beds.ok()) return Fail(beds);
  if (Status exchange = SeedExchangeIfEmpty(*store, scenario); !exchange.ok()) {
    return Fail(exchange);
  }
  if (Status devices = SeedDevicesIfEmpty(*store, scenario); !devices.ok()) return Fail(devices);
  if (Status tracing = SeedTracingIfEmpty(*store, scenario); !tracing.ok()) return Fail(tracing);
  return 0;
}

int RunDemo(const StoreOptions& options, const ServerOptions& server, const ScenarioFlags& scenario,
            const ServiceLimitFlags& clinic) {
  Result<OpenStore> store = Open(options);
  if (!store.ok()) return Fail(store.status());
  {
    CityService city(*store->database, store->key);
    Result<ScenarioCounts> counts = SeedIfEmpty(city, scenario);
    if (!counts.ok()) return Fail(counts.status());
  }
  std::vector<NewUser> demo_accounts;
  for (const Role role : AllRoles()) {
    const std::string username(RoleName(role));
    demo_accounts.push_back({username, Text("role." + username), role, kDemoPassword, ""});
  }
  // The clinical demo accounts join the seeded day as its volunteers.
  Result<std::vector<std::string>> enrolled = SeedClinicIfEmpty(*store, scenario, demo_accounts);
  if (!enrolled.ok()) return Fail(enrolled.status());
  if (Status ventilators = SeedVentilatorsIfEmpty(*store); !ventilators.ok()) {
    return Fail(ventilators);
  }
  if (Status beds = SeedBedsIfEmpty(*store, clinic); !beds.ok()) return Fail(beds);
  if (Status exchange = SeedExchangeIfEmpty(*store, scenario); !exchange.ok()) {
    return Fail(exchange);
  }
  std::string logins = Text("cli.demo_logins") + "\n";
  {
    AccountService accounts(*store->database, AccountOptions{});
    for (const NewUser& user : demo_accounts) {
      const bool created_by_seed =
          std::find(enrolled->begin(), enrolled->end(), user.username) != enrolled->end();
      // On a restart the accounts exist; checking first skips a slow Argon2id hash per role.
      bool exists = false;
      const Status checked = store->database->Transaction(
          TransactionMode::kRead, [&](Connection& connection) -> Status {
            ASSIGN_OR_RETURN(exists, AccountService::IsUsernameTaken(connection, user.username));
            return Status::Ok();
          });
      if (!checked.ok()) return Fail(checked);
      if (!created_by_seed && !exists) {
        Result<User> created = accounts.CreateUserFromCommandLine(user);
        if (!created.ok() && created.status().code() != ErrorCode::kAlreadyExists) {
          return Fail(created.status());
        }
      }
      logins += "  " + user.username + " / " + kDemoPassword + "\n";
    }
  }
  // After the demo accounts: the demo angel follows a share of the devices.
  if (Status devices = SeedDevicesIfEmpty(*store, scenario); !devices.ok()) return Fail(devices);
  if (Status tracing = SeedTracingIfEmpty(*store, scenario); !tracing.ok()) return Fail(tracing);
  return ServeUntilSignal(*store, server, clinic, CompanionDataDir(options, clinic), logins);
}

int RunUserAdd(const StoreOptions& options, const std::string& username,
               const std::string& display_name, const std::string& role_name,
               const std::string& locale) {
  const std::optional<Role> role = ParseRole(role_name);
  if (!role) {
    std::string choices;
    for (const Role each : AllRoles())
      choices += std::string(choices.empty() ? "" : ", ") + std::string(RoleName(each));
    return Fail(Status::InvalidArgument("error.unknown_role",
                                        {{"role", role_name}, {"roles", choices}}, "role"));
  }
  Result<OpenStore> store = Open(options);
  if (!store.ok()) return Fail(store.status());
  Result<std::string> password = ReadPassword();
  if (!password.ok()) return Fail(password.status());
  AccountService accounts(*store->database, AccountOptions{});
  Result<User> user = accounts.CreateUserFromCommandLine(
      {username, display_name.empty() ? username : display_name, *role, *password, locale});
  if (!user.ok()) return Fail(user.status());
  std::cout << Text("cli.user_created", {{"username", user->username},
                                         {"role", std::string(RoleName(user->role))},
                                         {"id", std::to_string(user->id)}})
            << "\n";
  return 0;
}

}  // namespace lifeline
