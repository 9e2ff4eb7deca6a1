#include "http/api.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <regex>

#include "core/json_fields.h"
#include "core/log.h"
#include "core/time.h"
#include "services/accounts/accounts.h"

namespace lifeline {
namespace {

std::string RequestIdOf(const httplib::Response& response) {
  return response.get_header_value(kRequestIdHeader);
}

std::string BearerTokenOf(const httplib::Request& http) {
  const std::string header = http.get_header_value("Authorization");
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() || !header.starts_with(kPrefix)) return {};
  return header.substr(kPrefix.size());
}

}  // namespace

const char* MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kPost:
      return "POST";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
  }
  return "?";
}

bool Access::Allows(Role role) const {
  switch (kind_) {
    case Kind::kPublic:
    case Kind::kPublicUnmetered:
    case Kind::kAnyRole:
      return true;
    case Kind::kRoles:
      return std::find(roles_.begin(), roles_.end(), role) != roles_.end();
  }
  return false;
}

std::string Access::Describe() const {
  if (kind_ == Kind::kPublic) return "public";
  if (kind_ == Kind::kPublicUnmetered) return "public (unmetered)";
  if (kind_ == Kind::kAnyRole) return "any role";
  std::string names;
  for (const Role role : roles_) {
    if (!names.empty()) names += ", ";
    names += RoleName(role);
  }
  return names;
}

ApiRequest::ApiRequest(const httplib::Request& http, Actor actor, bool authenticated,
                       std::string locale, std::string client_address)
    : http_(http),
      actor_(std::move(actor)),
      authenticated_(authenticated),
      locale_(std::move(locale)),
      client_address_(std::move(client_address)) {}

std::string ApiRequest::PathParam(std::size_t index) const {
  return index < http_.matches.size() ? http_.matches[index].str() : std::string();
}

Result<std::int64_t> ApiRequest::PathId(std::size_t index, const std::string& name) const {
  const std::string text = PathParam(index);
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Status::InvalidArgument("error.query_param",
                                   {{"field", name}, {"reason", "positive integer"}}, name);
  }
  return id;
}

std::optional<std::string> ApiRequest::QueryParam(const std::string& name) const {
  if (!http_.has_param(name.c_str())) return std::nullopt;
  return http_.get_param_value(name.c_str());
}

Result<std::optional<std::int64_t>> ApiRequest::QueryInt(const std::string& name) const {
  const std::optional<std::string> text = QueryParam(name);
  if (!text || text->empty()) return std::optional<std::int64_t>();
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size()) {
    return Status::InvalidArgument("error.query_param", {{"field", name}, {"reason", "integer"}},
                                   name);
  }
  return std::optional<std::int64_t>(value);
}

Result<nlohmann::json> ApiRequest::JsonBody() const { return ParseJsonObject(http_.body); }

std::string ApiRequest::BearerToken() const { return BearerTokenOf(http_); }

std::string RouteSpec::ExamplePath(const std::string& capture_value) const {
  static const std::regex kCapture(R"(\([^)]*\))");
  return std::regex_replace(pattern, kCapture, capture_value);
}

Router::Router(AccountService& accounts, RouterOptions options)
    : accounts_(accounts),
      public_limiter_(options.public_requests_per_minute, options.public_burst) {}

void Router::Add(Method method, std::string pattern, Access access, ApiHandler handler) {
  routes_.push_back(RouteSpec{method, std::move(pattern), std::move(access), std::move(handler)});
}

void Router::Install(httplib::Server& server) {
  for (const RouteSpec& route : routes_) {
    auto handler = [this, &route](const httplib::Request& http, httplib::Response& response) {
      Handle(route, http, response);
    };
    switch (route.method) {
      case Method::kGet:
        server.Get(route.pattern, handler);
        break;
      case Method::kPost:
        server.Post(route.pattern, handler);
        break;
      case Method::kPatch:
        server.Patch(route.pattern, handler);
        break;
      case Method::kDelete:
        server.Delete(route.pattern, handler);
        break;
    }
  }
}

void Router::Handle(const RouteSpec& route, const httplib::Request& http,
                    httplib::Response& response) {
  const std::string request_id = RequestIdOf(response);
  std::string locale = LocaleFromAcceptLanguage(http.get_header_value("Accept-Language"));
  try {
    // The public act with the least-privileged identity; no role check applies to them.
    Actor actor{0, "public", Role::kAngel, request_id};
    bool authenticated = false;
    const std::string token = BearerTokenOf(http);
    if (route.access.is_public()) {
      if (route.access.is_metered() && !public_limiter_.Allow(http.remote_addr, NowMillis())) {
        WriteError(response, Status(ErrorCode::kResourceExhausted, "error.rate_limited"), locale,
                   request_id);
        return;
      }
    } else {
      if (token.empty()) {
        WriteError(response, Status(ErrorCode::kUnauthenticated, "error.unauthenticated"), locale,
                   request_id);
        return;
      }
      Result<User> user = accounts_.Authenticate(token);
      if (!user.ok()) {
        WriteError(response, user.status(), locale, request_id);
        return;
      }
      actor = Actor{user->id, user->username, user->role, request_id};
      authenticated = true;
      if (IsSupportedLocale(user->locale)) locale = user->locale;
      if (!route.access.Allows(user->role)) {
        WriteError(response,
                   Status(ErrorCode::kPermissionDenied, "error.forbidden",
                          {{"role", std::string(RoleName(user->role))}}),
                   locale, request_id);
        return;
      }
    }
    const ApiRequest request(http, actor, authenticated, locale, http.remote_addr);
    Result<ApiResponse> result = route.handler(request);
    if (!result.ok()) {
      WriteError(response, result.status(), locale, request_id);
      return;
    }
    response.status = result->status;
    if (!result->content_type.empty()) {
      if (!result->file_name.empty()) {
        response.set_header("Content-Disposition",
                            "attachment; filename=\"" + result->file_name + "\"");
      }
      response.set_content(result->text, result->content_type);
    } else if (!result->body.is_null()) {
      response.set_content(result->body.dump(), "application/json; charset=utf-8");
    }
  } catch (const std::exception& error) {
    LogLine(request_id + " exception: " + error.what());
    WriteError(response, Status::Internal(error.what()), locale, request_id);
  } catch (...) {
    LogLine(request_id + " unknown exception");
    WriteError(response, Status::Internal("unknown exception"), locale, request_id);
  }
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
      return 409;
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kUnavailable:
      return 503;
  }
  return 500;
}

nlohmann::json ErrorBody(const Status& status, const std::string& locale,
                         const std::string& request_id) {
  MessageArgs args = status.args();
  const Catalogue& catalogue = Catalogue::Builtin();
  for (auto& [name, value] : args) {
    // Services name record kinds ("hospital") and fields ("spo2") as the wire does; a family
    // reads them in its own words. The JSON "field" keeps the wire name for the UI.
    for (const char* kind : {"entity", "field"}) {
      const std::string id = std::string(kind) + "." + value;
      if (name == kind && catalogue.Has(id)) value = catalogue.Render(locale, id);
    }
  }
  args.emplace_back("request_id", request_id);
  nlohmann::json error = {{"code", ErrorCodeName(status.code())},
                          {"message", catalogue.Render(locale, status.message_id(), args)}};
  if (!status.field().empty()) error["field"] = status.field();
  return {{"error", error}};
}

void WriteError(httplib::Response& response, const Status& status, const std::string& locale,
                const std::string& request_id) {
  if (status.code() == ErrorCode::kInternal || status.code() == ErrorCode::kUnavailable) {
    LogLine(request_id + " " + status.ToString());
  }
  response.status = HttpStatusFor(status.code());
  response.set_content(ErrorBody(status, locale, request_id).dump(),
                       "application/json; charset=utf-8");
}

}  // namespace lifeline
