#include "http/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.h"
#include "core/embedded.h"
#include "core/log.h"
#include "http/routes.h"

namespace lifeline {

std::span<const EmbeddedFile> EmbeddedWebAssets();
std::span<const EmbeddedFile> EmbeddedLeafletAssets();

namespace {

constexpr std::size_t kRequestIdBytes = 8;
// Requests one keep-alive connection may carry before the server closes it.
constexpr std::size_t kKeepAliveRequests = 1000;

// Set by the pre-routing handler and read by the logger; httplib runs one request per thread
// from start to log line.
thread_local std::chrono::steady_clock::time_point request_started;

std::string ContentTypeFor(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (path.ends_with(extension)) return type;
  }
  return "application/octet-stream";
}

std::string LocaleOf(const httplib::Request& request) {
  return LocaleFromAcceptLanguage(request.get_header_value("Accept-Language"));
}

// The packaged cpp-httplib listens with a backlog of 5: a burst of new connections (families
// opening the form at once, a load test) overflows it and their SYNs wait a full second to be
// retried. Listening again on the bound socket raises the backlog (Linux allows this).
class WideBacklogServer : public httplib::Server {
 public:
  bool WidenBacklog() { return ::listen(svr_sock_, kListenBacklog) == 0; }

 private:
  static constexpr int kListenBacklog = 1024;
};

}  // namespace

HttpServer::HttpServer(ServerOptions options, Services services,
                       const std::function<void(Router&)>& extra_routes)
    : options_(std::move(options)),
      services_(services),
      router_(services.accounts, options_.router),
      server_(std::make_unique<WideBacklogServer>()) {
  AddAllRoutes(router_, services_);
  if (extra_routes) extra_routes(router_);
  InstallHandlers();
}

HttpServer::~HttpServer() = default;

void HttpServer::InstallHandlers() {
  httplib::Server& server = *server_;
  server.set_payload_max_length(options_.max_body_bytes);
  // Without TCP_NODELAY a response written in two parts waits for the client's delayed ACK
  // (about 40 ms on Linux) before its second part leaves.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(kKeepAliveRequests);
  // The packaged cpp-httplib binds with SO_REUSEPORT, so a second server on a port in use binds
  // too and the kernel splits the connections between the two. SO_REUSEADDR alone still lets a
  // restart bind over connections in TIME_WAIT, and a port in use is refused.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.new_task_queue = [threads = options_.threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(threads));
  };
  server.set_read_timeout(options_.read_timeout_seconds, 0);
  server.set_write_timeout(options_.write_timeout_seconds, 0);

  server.set_pre_routing_handler([](const httplib::Request&, httplib::Response& response) {
    request_started = std::chrono::steady_clock::now();
    response.set_header(kRequestIdHeader, RandomHex(kRequestIdBytes));
    return httplib::Server::HandlerResponse::Unhandled;
  });

  router_.Install(server);

  // The UI: "/" is index.html; any other path outside /api is a file of web/.
  server.Get("/", [this](const httplib::Request&, httplib::Response& response) {
    ServeWebFile("index.html", response);
  });
  server.Get(R"(/(.+))", [this](const httplib::Request& request, httplib::Response& response) {
    if (request.path.starts_with("/api/")) {
      response.status = 404;  // rendered as JSON by the error handler
      return;
    }
    ServeWebFile(request.matches[1].str(), response);
  });

  // Errors httplib produces itself (unknown route, body too large, bad request line) and 404s
  // above get the API's JSON error body; handler errors already have a body and pass through.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string request_id = response.get_header_value(kRequestIdHeader);
        if (request_id.empty()) {
          request_id = RandomHex(kRequestIdBytes);
          response.set_header(kRequestIdHeader, request_id);
        }
        Status status;
        switch (response.status) {
          case 404:
            status = Status::NotFound("error.not_found",
                                      {{"method", request.method}, {"path", request.path}});
            break;
          case 405:
            status = Status(ErrorCode::kInvalidArgument, "error.method_not_allowed");
            break;
          case 413:
            status = Status(ErrorCode::kPayloadTooLarge, "error.payload_too_large",
                            {{"max", std::to_string(options_.max_body_bytes)}});
            break;
          default:
            status =
                Status(response.status >= 500 ? ErrorCode::kInternal : ErrorCode::kInvalidArgument,
                       response.status >= 500 ? "error.internal" : "error.bad_request");
        }
        const int http_status = response.status;
        WriteError(response, status, LocaleOf(request), request_id);
        response.status = http_status;
        return httplib::Server::HandlerResponse::Handled;
      }));

  // A backstop: Router::Handle catches everything itself, but a throw elsewhere (a file handler,
  // a future raw route) must still answer 500 with the request id rather than end the process.
  server.set_exception_handler(
      [](const httplib::Request& request, httplib::Response& response, std::exception_ptr error) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& exception) {
          what = exception.what();
        } catch (...) {
        }
        const std::string request_id = response.get_header_value(kRequestIdHeader);
        LogLine(request_id + " exception: " + what);
        WriteError(response, Status::Internal(what), LocaleOf(request), request_id);
      });

  server.set_logger([](const httplib::Request& request, const httplib::Response& response) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - request_started)
                             .count();
    std::ostringstream line;
    line << response.get_header_value(kRequestIdHeader) << " " << request.method << " "
         << PathForLog(request.path) << " " << response.status << " " << elapsed / 1000.0 << "ms";
    LogLine(line.str());
  });
}

void HttpServer::ServeWebFile(const std::string& path, httplib::Response& response) {
  if (path.find("..") != std::string::npos) {
    response.status = 404;
    return;
  }
  response.set_header("Cache-Control", "no-cache");
  // Leaflet (Debian's libjs-leaflet) is compiled in, whichever folder serves the UI itself.
  constexpr std::string_view kLeafletPrefix = "vendor/leaflet/";
  if (path.starts_with(kLeafletPrefix)) {
    const std::string_view name = std::string_view(path).substr(kLeafletPrefix.size());
    for (const EmbeddedFile& file : EmbeddedLeafletAssets()) {
      if (file.path == name) {
        response.set_content(std::string(file.content), ContentTypeFor(path));
        return;
      }
    }
    response.status = 404;
    return;
  }
  if (!options_.web_dir.empty()) {
    std::ifstream in(std::filesystem::path(options_.web_dir) / path, std::ios::binary);
    if (!in) {
      response.status = 404;
      return;
    }
    std::stringstream content;
    content << in.rdbuf();
    response.set_content(content.str(), ContentTypeFor(path));
    return;
  }
  for (const EmbeddedFile& file : EmbeddedWebAssets()) {
    if (file.path == path) {
      response.set_content(std::string(file.content), ContentTypeFor(path));
      return;
    }
  }
  response.status = 404;
}

Status HttpServer::Bind() {
  if (options_.port == 0) {
    bound_port_ = server_->bind_to_any_port(options_.host);
    if (bound_port_ <= 0) {
      return Status(ErrorCode::kUnavailable, "error.bind_failed",
                    {{"address", options_.host + ":0"}});
    }
  } else {
    if (!server_->bind_to_port(options_.host, options_.port)) {
      return Status(ErrorCode::kUnavailable, "error.bind_failed",
                    {{"address", options_.host + ":" + std::to_string(options_.port)}});
    }
    bound_port_ = options_.port;
  }
  if (!static_cast<WideBacklogServer&>(*server_).WidenBacklog()) {
    LogLine("could not raise the listen backlog; bursts of new connections may wait");
  }
  return Status::Ok();
}

void HttpServer::Run() { server_->listen_after_bind(); }

void HttpServer::Stop() { server_->stop(); }

std::string PathForLog(const std::string& path) {
  constexpr std::string_view kCodes = "/api/v1/codes/";
  if (!path.starts_with(kCodes)) return path;
  std::string logged(kCodes);
  logged.append("***", 3);
  const std::size_t rest = path.find('/', kCodes.size());
  if (rest != std::string::npos) logged.append(path, rest, std::string::npos);
  return logged;
}

void AddAllRoutes(Router& router, Services& services) {
  AddSystemRoutes(router, services);
  AddAccountRoutes(router, services);
  AddAuditRoutes(router, services);
  AddCityRoutes(router, services);
  AddClinicRoutes(router, services);
  AddBedsRoutes(router, services);
  AddVentilatorRoutes(router, services);
  AddExchangeRoutes(router, services);
  AddDevicesRoutes(router, services);
  AddTracingRoutes(router, services);
  AddTracingCompanionRoutes(router, services);
}

}  // namespace lifeline
