#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.h"
#include "core/i18n.h"
#include "core/rate_limiter.h"
#include "core/role.h"
#include "core/status.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace lifeline {

class AccountService;

enum class Method { kGet, kPost, kPatch, kDelete };
const char* MethodName(Method method);

// Who may call an endpoint. Every route declares one; there is no default.
class Access {
 public:
  // No account needed; rate-limited per client address.
  static Access Public() { return Access(Kind::kPublic, {}); }
  // No account and no rate limit: only for health probes and the message catalogue, which
  // reveal nothing about people.
  static Access PublicUnmetered() { return Access(Kind::kPublicUnmetered, {}); }
  // Any logged-in user, whatever the role.
  static Access AnyRole() { return Access(Kind::kAnyRole, {}); }
  static Access Only(std::initializer_list<Role> roles) { return Access(Kind::kRoles, roles); }

  bool is_public() const { return kind_ == Kind::kPublic || kind_ == Kind::kPublicUnmetered; }
  bool is_metered() const { return kind_ != Kind::kPublicUnmetered; }
  bool Allows(Role role) const;
  // "public", "any role" or the role names joined with ", " (for docs and tests).
  std::string Describe() const;

 private:
  enum class Kind { kPublic, kPublicUnmetered, kAnyRole, kRoles };
  Access(Kind kind, std::vector<Role> roles) : kind_(kind), roles_(std::move(roles)) {}

  Kind kind_;
  std::vector<Role> roles_;
};

// One call, as a handler sees it: the caller (authenticated unless the route is public), the
// request id, the language to answer in, the path captures and accessors for input.
class ApiRequest {
 public:
  ApiRequest(const httplib::Request& http, Actor actor, bool authenticated, std::string locale,
             std::string client_address);

  const Actor& actor() const { return actor_; }
  bool authenticated() const { return authenticated_; }
  const std::string& locale() const { return locale_; }
  const std::string& client_address() const { return client_address_; }
  const httplib::Request& http() const { return http_; }

  // The n-th capture of the route pattern (1-based, as in std::smatch).
  std::string PathParam(std::size_t index) const;
  // A numeric id from the path; 400 naming the parameter if it is not a positive integer.
  Result<std::int64_t> PathId(std::size_t index, const std::string& name) const;
  std::optional<std::string> QueryParam(const std::string& name) const;
  Result<std::optional<std::int64_t>> QueryInt(const std::string& name) const;
  // The body as a JSON object; 400 naming the byte position when malformed.
  Result<nlohmann::json> JsonBody() const;
  std::string BearerToken() const;

 private:
  const httplib::Request& http_;
  Actor actor_;
  bool authenticated_;
  std::string locale_;
  std::string client_address_;
};

struct ApiResponse {
  int status = 200;
  nlohmann::json body;  // null: no body (204)
  // A body that is not JSON (a CSV export): sent instead of `body` when content_type is set,
  // offered as a download named file_name when that is set.
  std::string text = {};
  std::string content_type = {};
  std::string file_name = {};

  static ApiResponse Ok(nlohmann::json body) { return {200, std::move(body)}; }
  static ApiResponse Created(nlohmann::json body) { return {201, std::move(body)}; }
  static ApiResponse NoContent() { return {204, nullptr}; }
  static ApiResponse Download(std::string text, std::string content_type, std::string file_name) {
    return {200, nullptr, std::move(text), std::move(content_type), std::move(file_name)};
  }
};

using ApiHandler = std::function<Result<ApiResponse>(const ApiRequest&)>;

struct RouteSpec {
  Method method;
  std::string pattern;  // httplib regex, e.g. "/api/v1/users/(\\d+)"
  Access access;
  ApiHandler handler;
  // A concrete path matching the pattern, each capture replaced by `capture_value`, for
  // documentation and the every-endpoint test.
  std::string ExamplePath(const std::string& capture_value = "1") const;
};

struct RouterOptions {
  double public_requests_per_minute = 60;
  double public_burst = 30;
};

// The table of API endpoints. Installing it wraps each handler with what every endpoint needs:
// authentication, the role check, public rate limiting, the caller's language, JSON rendering
// of results and errors, and a catch-all that turns an escaped exception into a 500 carrying the
// request id. Routes are added before Install; afterwards the router is read-only.
class Router {
 public:
  Router(AccountService& accounts, RouterOptions options);

  void Add(Method method, std::string pattern, Access access, ApiHandler handler);
  const std::vector<RouteSpec>& routes() const { return routes_; }
  void Install(httplib::Server& server);

 private:
  void Handle(const RouteSpec& route, const httplib::Request& http, httplib::Response& response);

  AccountService& accounts_;
  RateLimiter public_limiter_;
  std::vector<RouteSpec> routes_;
};

// The JSON error body {"error": {"code", "message", "field"?}} in `locale`, with the HTTP status
// for the Status's code. Internal errors show only the request id.
int HttpStatusFor(ErrorCode code);
nlohmann::json ErrorBody(const Status& status, const std::string& locale,
                         const std::string& request_id);
void WriteError(httplib::Response& response, const Status& status, const std::string& locale,
                const std::string& request_id);

// Response header carrying the request id; also the log field and audit column.
constexpr const char* kRequestIdHeader = "X-Request-Id";

}  // namespace lifeline
