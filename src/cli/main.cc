// The `lifeline` binary: parses the command line and hands over to one command. No rules here.

#include <CLI/CLI.hpp>

#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/companions_command.h"
#include "cli/gen_mobility_command.h"
#include "cli/match_command.h"
#include "cli/triage_command.h"
#include "core/config.h"
#include "core/i18n.h"
#include "services/tracing/tracing_config.h"

namespace lifeline {
namespace {

std::string Help(std::string_view id) {
  return Catalogue::Builtin().Render(CommandLineLocale(), id);
}

void AddStoreFlags(CLI::App& command, StoreOptions& store) {
  command.add_option("--db", store.db, Help("cli.help.db"))->capture_default_str();
  command.add_option("--key-file", store.key_file, Help("cli.help.key_file"));
}

void AddServerFlags(CLI::App& command, ServerOptions& server, std::string& config_file,
                    ServiceLimitFlags& clinic) {
  command.add_option("--tier-limit", clinic.tier_limits, Help("cli.help.tier_limit"));
  command.add_option("--bed-stale-hours", clinic.bed_stale_hours, Help("cli.help.bed_stale_hours"))
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, kMaxBedStaleHours));
  command.add_option("--host", server.host, Help("cli.help.host"))->capture_default_str();
  command.add_option("--port", server.port, Help("cli.help.port"))
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  command.add_option("--web", server.web_dir, Help("cli.help.web"))->check(CLI::ExistingDirectory);
  command.add_option("--config", config_file, Help("cli.help.config"))->check(CLI::ExistingFile);
  command
      .add_option("--public-rate", server.router.public_requests_per_minute,
                  Help("cli.help.public_rate"))
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command.add_option("--threads", server.threads, Help("cli.help.threads"))
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  command.add_option("--max-body", server.max_body_bytes, Help("cli.help.max_body"))
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command.add_option("--companion-data", clinic.companion_data, Help("cli.help.companion_data"));
}

void AddScenarioFlags(CLI::App& command, ScenarioFlags& scenario) {
  command.add_option("--seed", scenario.seed, Help("cli.help.seed_value"))->capture_default_str();
  command.add_option("--residents", scenario.residents, Help("cli.help.residents"))
      ->capture_default_str()
      ->check(CLI::Range(0, 10'000'000));
  command.add_option("--volunteers", scenario.volunteers, Help("cli.help.volunteers"))
      ->capture_default_str()
      ->check(CLI::Range(0, 1'000'000));
  CLI::Option* requests =
      command
          .add_option("--surge-requests", scenario.surge_requests, Help("cli.help.surge_requests"))
          ->capture_default_str()
          ->check(CLI::Range(0, scenario::kMaxSurgeRequests));
  command.add_flag("--full-surge", scenario.full_surge, Help("cli.help.full_surge"))
      ->excludes(requests);
  command.add_flag("--no-clinic", scenario.no_clinic, Help("cli.help.no_clinic"));
}

// The flags `companions`, `companions explain` and `companions ingest` share; required ones are
// checked after parsing (see MissingCompanionsFlag), since `companions` alone must not demand
// them of its subcommands.
void AddCompanionsFlags(CLI::App& command, CompanionsCommandOptions& options, bool ingest) {
  command.add_option("--cells", options.cells_path, Help("cli.help.companions_cells"));
  command.add_option("--records", options.records_path, Help("cli.help.companions_records"));
  command.add_option("--store", options.store_path,
                     Help(ingest ? "cli.help.companions_store_out" : "cli.help.companions_store"));
  command.add_flag("--pseudonymise", options.pseudonymise,
                   Help("cli.help.companions_pseudonymise"));
  command.add_option("--key-file", options.key_file, Help("cli.help.companions_key_file"))
      ->capture_default_str();
  command.add_option("--threads", options.threads, Help("cli.help.companions_threads"))
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  if (ingest) return;
  command.add_option("--cases", options.cases_path, Help("cli.help.companions_cases"));
  command.add_option("--gap", options.gap_s, Help("cli.help.companions_gap"))
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, companions::kMaxAbsSeconds));
  command.add_option("--origin", options.origin, Help("cli.help.companions_origin"));
}

// The first required flag of `command` left out, if any: the records come from --store or from
// --cells and --records; `ingest` needs all three, the others the cases too.
std::optional<std::string> MissingCompanionsFlag(const CLI::App& command, bool explain,
                                                 bool ingest) {
  std::vector<const char*> flags;
  if (ingest || command.count("--store") == 0) flags = {"--cells", "--records"};
  if (ingest) flags.push_back("--store");
  if (!ingest) flags.push_back("--cases");
  if (explain) flags.insert(flags.end(), {"--case", "--companion"});
  for (const char* flag : flags) {
    if (command.count(flag) == 0) return flag;
  }
  return std::nullopt;
}

// Settings from --config fill what the command line left at its defaults.
Status ApplyConfigFile(const std::string& path, CLI::App& command, StoreOptions& store,
                       ServerOptions& server, ServiceLimitFlags& clinic) {
  if (path.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(const ConfigFile config, ConfigFile::Load(path));
  std::vector<std::string_view> known{
      "db",          "key_file",        "host",          "port", "web", "public_rate", "max_body",
      "tier_limits", "bed_stale_hours", "companion_data"};
  known.insert(known.end(), std::begin(kTracingConfigKeys), std::end(kTracingConfigKeys));
  for (const std::string& key : config.UnknownKeys(known)) {
    return Status::InvalidArgument("error.config_unknown_key", {{"key", key}});
  }
  RETURN_IF_ERROR(ApplyTracingConfig(config, clinic.tracing));
  auto unset = [&](const char* flag) { return command.count(flag) == 0; };
  // "tier_limits = icu=15, ward=60": the same pairs as repeated --tier-limit flags.
  if (unset("--tier-limit") && config.Get("tier_limits")) {
    std::stringstream pairs(*config.Get("tier_limits"));
    for (std::string pair; std::getline(pairs, pair, ',');) {
      pair.erase(0, pair.find_first_not_of(' '));
      pair.erase(pair.find_last_not_of(' ') + 1);
      if (!pair.empty()) clinic.tier_limits.push_back(pair);
    }
  }
  if (unset("--bed-stale-hours")) {
    ASSIGN_OR_RETURN(const std::int64_t hours,
                     config.GetInt("bed_stale_hours", clinic.bed_stale_hours));
    if (hours < 1 || hours > kMaxBedStaleHours) {
      return Status::InvalidArgument("error.bed_stale_hours", {{"value", std::to_string(hours)}},
                                     "bed_stale_hours");
    }
    clinic.bed_stale_hours = hours;
  }
  if (unset("--db") && config.Get("db")) store.db = *config.Get("db");
  if (unset("--key-file") && config.Get("key_file")) store.key_file = *config.Get("key_file");
  if (unset("--host") && config.Get("host")) server.host = *config.Get("host");
  if (unset("--web") && config.Get("web")) server.web_dir = *config.Get("web");
  if (unset("--companion-data") && config.Get("companion_data")) {
    clinic.companion_data = *config.Get("companion_data");
  }
  if (unset("--port")) {
    ASSIGN_OR_RETURN(const std::int64_t port, config.GetInt("port", server.port));
    server.port = static_cast<int>(port);
  }
  if (unset("--public-rate")) {
    ASSIGN_OR_RETURN(const std::int64_t rate,
                     config.GetInt("public_rate", static_cast<std::int64_t>(
                                                      server.router.public_requests_per_minute)));
    server.router.public_requests_per_minute = static_cast<double>(rate);
  }
  if (unset("--max-body")) {
    ASSIGN_OR_RETURN(const std::int64_t max_body,
                     config.GetInt("max_body", static_cast<std::int64_t>(server.max_body_bytes)));
    server.max_body_bytes = static_cast<std::size_t>(max_body);
  }
  return Status::Ok();
}

int Main(int argc, char** argv) {
  CLI::App app(Help("cli.help.app"), "lifeline");
  app.require_subcommand(1);

  StoreOptions store;
  ServerOptions server;
  ServiceLimitFlags clinic;
  ScenarioFlags scenario;
  std::string config_file;

  CLI::App* serve = app.add_subcommand("serve", Help("cli.help.serve"));
  AddStoreFlags(*serve, store);
  AddServerFlags(*serve, server, config_file, clinic);

  StoreOptions demo_store{"lifeline-demo.db", ""};
  CLI::App* demo = app.add_subcommand("demo", Help("cli.help.demo"));
  AddStoreFlags(*demo, demo_store);
  AddServerFlags(*demo, server, config_file, clinic);
  AddScenarioFlags(*demo, scenario);

  CLI::App* migrate = app.add_subcommand("migrate", Help("cli.help.migrate"));
  AddStoreFlags(*migrate, store);

  CLI::App* seed = app.add_subcommand("seed", Help("cli.help.seed"));
  AddStoreFlags(*seed, store);
  AddScenarioFlags(*seed, scenario);

  CLI::App* user = app.add_subcommand("user", Help("cli.help.user"));
  user->require_subcommand(1);
  CLI::App* user_add = user->add_subcommand("add", Help("cli.help.user_add"));
  AddStoreFlags(*user_add, store);
  std::string username, display_name, role, locale;
  user_add->add_option("--username", username, Help("cli.help.username"))->required();
  user_add->add_option("--display-name", display_name, Help("cli.help.display_name"));
  user_add->add_option("--role", role, Help("cli.help.role"))->required();
  user_add->add_option("--locale", locale, Help("cli.help.locale"));

  TriageCommandOptions triage_options;
  CLI::App* triage = app.add_subcommand("triage", Help("cli.help.triage"));
  triage->footer(Help("cli.help.triage_footer"));
  triage->add_flag("--route-by-who", triage_options.route_by_who,
                   Help("cli.help.triage_route_by_who"));
  triage->add_flag("--with-actions", triage_options.with_actions,
                   Help("cli.help.triage_with_actions"));

  MatchCommandOptions match_options;
  CLI::App* match = app.add_subcommand("match", Help("cli.help.match"));
  match->footer(Help("cli.help.match_footer"));
  match->add_option("--needs", match_options.needs_path, Help("cli.help.match_needs"))->required();
  match->add_option("--offers", match_options.offers_path, Help("cli.help.match_offers"))
      ->required();
  match->add_option("--radius-km", match_options.radius_km, Help("cli.help.match_radius"))
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  match->add_flag("--greedy", match_options.greedy, Help("cli.help.match_greedy"));
  match->add_option("--candidates", match_options.candidates, Help("cli.help.match_candidates"))
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);

  CompanionsCommandOptions companions_options;
  CLI::App* companions = app.add_subcommand("companions", Help("cli.help.companions"));
  companions->footer(Help("cli.help.companions_footer"));
  AddCompanionsFlags(*companions, companions_options, /*ingest=*/false);
  companions->add_option("--out", companions_options.out_path, Help("cli.help.companions_out"));
  companions->add_option("--rings", companions_options.rings, Help("cli.help.companions_rings"))
      ->capture_default_str()
      ->check(CLI::Range(1, 2));
  CLI::App* companions_explain =
      companions->add_subcommand("explain", Help("cli.help.companions_explain"));
  companions_explain->footer(Help("cli.help.companions_footer"));
  AddCompanionsFlags(*companions_explain, companions_options, /*ingest=*/false);
  companions_explain->add_option("--case", companions_options.case_phone,
                                 Help("cli.help.companions_case"));
  companions_explain->add_option("--companion", companions_options.companion_phone,
                                 Help("cli.help.companions_companion"));
  CLI::App* companions_ingest =
      companions->add_subcommand("ingest", Help("cli.help.companions_ingest"));
  AddCompanionsFlags(*companions_ingest, companions_options, /*ingest=*/true);

  GenMobilityCommandOptions mobility_options;
  CLI::App* gen_mobility = app.add_subcommand("gen-mobility", Help("cli.help.gen_mobility"));
  gen_mobility->footer(Help("cli.help.gen_mobility_footer"));
  gen_mobility->add_option("--out", mobility_options.out_dir, Help("cli.help.gen_mobility_out"));
  gen_mobility
      ->add_option("--phones", mobility_options.phones, Help("cli.help.gen_mobility_phones"))
      ->capture_default_str();
  gen_mobility->add_option("--days", mobility_options.days, Help("cli.help.gen_mobility_days"))
      ->capture_default_str();
  gen_mobility->add_option("--cases", mobility_options.cases, Help("cli.help.gen_mobility_cases"))
      ->capture_default_str();
  gen_mobility->add_option("--seed", mobility_options.seed, Help("cli.help.gen_mobility_seed"))
      ->capture_default_str();
  gen_mobility->add_option("--start", mobility_options.start, Help("cli.help.gen_mobility_start"));
  gen_mobility
      ->add_option("--towers", mobility_options.towers, Help("cli.help.gen_mobility_towers"))
      ->capture_default_str();
  gen_mobility
      ->add_option("--threads", mobility_options.threads, Help("cli.help.gen_mobility_threads"))
      ->capture_default_str();
  gen_mobility->add_flag("--force", mobility_options.force, Help("cli.help.gen_mobility_force"));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help is a "parse error" that exits 0; every real usage error exits 2, as command-line
    // tools conventionally do, rather than with CLI11's internal code (106 for a missing flag).
    return app.exit(error) == 0 ? 0 : 2;
  }

  for (CLI::App* command : {serve, demo}) {
    if (!command->parsed()) continue;
    StoreOptions& options = command == demo ? demo_store : store;
    if (Status status = ApplyConfigFile(config_file, *command, options, server, clinic);
        !status.ok()) {
      std::cerr << Catalogue::Builtin().Render(CommandLineLocale(), status.message_id(),
                                               status.args())
                << "\n";
      return 2;
    }
  }
  if (serve->parsed()) return RunServe(store, server, clinic);
  if (demo->parsed()) return RunDemo(demo_store, server, scenario, clinic);
  if (migrate->parsed()) return RunMigrate(store);
  if (seed->parsed()) return RunSeed(store, scenario);
  if (user_add->parsed()) return RunUserAdd(store, username, display_name, role, locale);
  if (triage->parsed()) return RunTriage(triage_options);
  if (match->parsed()) return RunMatch(match_options);
  if (gen_mobility->parsed()) return RunGenMobility(mobility_options);
  if (companions->parsed()) {
    const bool explain = companions_explain->parsed();
    const bool ingest = companions_ingest->parsed();
    const CLI::App& command =
        explain ? *companions_explain : (ingest ? *companions_ingest : *companions);
    if (const std::optional<std::string> flag = MissingCompanionsFlag(command, explain, ingest)) {
      std::cerr << Catalogue::Builtin().Render(CommandLineLocale(), "companions.error.missing_flag",
                                               {{"flag", *flag}})
                << "\n";
      return 2;
    }
    if (ingest) return RunCompanionsIngest(companions_options);
    return explain ? RunCompanionsExplain(companions_options) : RunCompanions(companions_options);
  }
  return 2;
}

}  // namespace
}  // namespace lifeline

int main(int argc, char** argv) { return lifeline::Main(argc, argv); }
