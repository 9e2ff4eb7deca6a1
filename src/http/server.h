#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/api.h"

namespace httplib {
class Server;
}

namespace lifeline {

class AccountService;
class AuditLog;
class BedsService;
class CityService;
class CompanionRunService;
class ClinicService;
class Database;
class DevicesService;
class ExchangeService;
class TracingService;
class VentilatorService;

// The services a server exposes. Owned by the caller (the CLI), which outlives the server.
struct Services {
  Database& database;
  AccountService& accounts;
  AuditLog& audit;
  CityService& city;
  ClinicService& clinic;
  BedsService& beds;
  VentilatorService& ventilators;
  ExchangeService& exchange;
  DevicesService& devices;
  TracingService& tracing;
  CompanionRunService& companion_runs;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;      // 0: any free port (see HttpServer::port())
  std::string web_dir;  // empty: serve the UI compiled into the binary
  std::size_t max_body_bytes = 1 << 20;
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  // Worker threads. httplib keeps a thread on each keep-alive connection, so this bounds the
  // connections served at once; waiting mostly on I/O, they cost little.
  int threads = 32;
  RouterOptions router;
};

// The HTTP face: the JSON API under /api/v1, /healthz and the web UI. Every response carries a
// request id that also appears in its log line. Errors the router never sees (unknown route,
// oversized body) get the same JSON error body as handler errors. Start with Bind, then Run on
// one thread; Stop from any thread lets in-flight requests finish and makes Run return.
class HttpServer {
 public:
  // `extra_routes` lets a caller add routes to the table before it is installed (tests use it
  // for a handler that throws).
  HttpServer(ServerOptions options, Services services,
             const std::function<void(Router&)>& extra_routes = nullptr);
  ~HttpServer();

  Status Bind();
  int port() const { return bound_port_; }
  void Run();
  void Stop();
  const Router& router() const { return router_; }

 private:
  void InstallHandlers();
  void ServeWebFile(const std::string& path, httplib::Response& response);

  ServerOptions options_;
  Services services_;
  Router router_;
  std::unique_ptr<httplib::Server> server_;
  int bound_port_ = 0;
};

// Adds every API route to `router` (the same table a test enumerates).
void AddAllRoutes(Router& router, Services& services);

// The path as the request log shows it: a private code link's token is a credential (anyone
// holding it sees the person's code), so "/api/v1/codes/<token>[/gate]" is logged with "***".
std::string PathForLog(const std::string& path);

}  // namespace lifeline
