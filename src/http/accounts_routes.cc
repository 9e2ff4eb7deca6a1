#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "http/routes.h"
#include "services/accounts/accounts.h"

namespace lifeline {
namespace {

nlohmann::json UserJson(const User& user) {
  return {{"id", user.id},
          {"username", user.username},
          {"display_name", user.display_name},
          {"role", RoleName(user.role)},
          {"locale", user.locale},
          {"disabled", user.disabled},
          {"created_at", FormatIso8601(user.created_at)}};
}

Result<Role> RoleField(const std::string& name) {
  const std::optional<Role> role = ParseRole(name);
  if (!role) {
    std::string choices;
    for (const Role each : AllRoles()) {
      if (!choices.empty()) choices += ", ";
      choices += RoleName(each);
    }
    return Status::InvalidArgument("error.unknown_role", {{"role", name}, {"roles", choices}},
                                   "role");
  }
  return *role;
}

}  // namespace

void AddAccountRoutes(Router& router, Services& services) {
  AccountService& accounts = services.accounts;

  router.Add(Method::kPost, "/api/v1/auth/login", Access::Public(),
             [&accounts](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::string username, RequiredString(body, "username"));
               ASSIGN_OR_RETURN(const std::string password, RequiredString(body, "password"));
               ASSIGN_OR_RETURN(LoginResult login,
                                accounts.Login(username, password, request.client_address()));
               return ApiResponse::Ok({{"token", login.token},
                                       {"expires_at", FormatIso8601(login.expires_at)},
                                       {"user", UserJson(login.user)}});
             });

  router.Add(Method::kPost, "/api/v1/auth/logout", Access::AnyRole(),
             [&accounts](const ApiRequest& request) -> Result<ApiResponse> {
               RETURN_IF_ERROR(accounts.Logout(request.BearerToken()));
               return ApiResponse::NoContent();
             });

  router.Add(Method::kGet, "/api/v1/me", Access::AnyRole(),
             [&accounts](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const User user, accounts.Authenticate(request.BearerToken()));
               return ApiResponse::Ok(UserJson(user));
             });

  router.Add(Method::kPatch, "/api/v1/me", Access::AnyRole(),
             [&accounts](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               ASSIGN_OR_RETURN(const std::string locale, RequiredString(body, "locale"));
               ASSIGN_OR_RETURN(const User user, accounts.SetOwnLocale(request.actor(), locale));
               return ApiResponse::Ok(UserJson(user));
             });

  router.Add(Method::kGet, "/api/v1/users", Access::Only({Role::kAdmin}),
             [&accounts](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::vector<User> users, accounts.ListUsers(request.actor()));
               nlohmann::json list = nlohmann::json::array();
               for (const User& user : users) list.push_back(UserJson(user));
               return ApiResponse::Ok({{"users", list}});
             });

  router.Add(Method::kPost, "/api/v1/users", Access::Only({Role::kAdmin}),
             [&accounts](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               NewUser user;
               ASSIGN_OR_RETURN(user.username, RequiredString(body, "username"));
               ASSIGN_OR_RETURN(user.display_name, RequiredString(body, "display_name"));
               ASSIGN_OR_RETURN(const std::string role, RequiredString(body, "role"));
               ASSIGN_OR_RETURN(user.role, RoleField(role));
               ASSIGN_OR_RETURN(user.password, RequiredString(body, "password"));
               ASSIGN_OR_RETURN(const std::optional<std::string> locale,
                                OptionalString(body, "locale"));
               user.locale = locale.value_or("");
               ASSIGN_OR_RETURN(const User created, accounts.CreateUser(request.actor(), user));
               return ApiResponse::Created(UserJson(created));
             });

  router.Add(Method::kGet, R"(/api/v1/users/(\d+))", Access::Only({Role::kAdmin}),
             [&accounts](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const User user, accounts.GetUser(request.actor(), id));
               return ApiResponse::Ok(UserJson(user));
             });

  router.Add(Method::kPatch, R"(/api/v1/users/(\d+))", Access::Only({Role::kAdmin}),
             [&accounts](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const nlohmann::json body, request.JsonBody());
               UserChanges changes;
               ASSIGN_OR_RETURN(changes.display_name, OptionalString(body, "display_name"));
               ASSIGN_OR_RETURN(changes.locale, OptionalString(body, "locale"));
               ASSIGN_OR_RETURN(changes.disabled, OptionalBool(body, "disabled"));
               ASSIGN_OR_RETURN(const std::optional<std::string> role,
                                OptionalString(body, "role"));
               if (role) {
                 ASSIGN_OR_RETURN(changes.role, RoleField(*role));
               }
               ASSIGN_OR_RETURN(const User user, accounts.UpdateUser(request.actor(), id, changes));
               return ApiResponse::Ok(UserJson(user));
             });

  router.Add(Method::kPost, R"(/api/v1/users/(\d+)/revoke-sessions)", Access::Only({Role::kAdmin}),
             [&accounts](const ApiRequest& request) -> Result<ApiResponse> {
               ASSIGN_OR_RETURN(const std::int64_t id, request.PathId(1, "id"));
               ASSIGN_OR_RETURN(const std::int64_t revoked,
                                accounts.RevokeSessions(request.actor(), id));
               return ApiResponse::Ok({{"revoked", revoked}});
             });
}

}  // namespace lifeline
