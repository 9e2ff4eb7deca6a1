#include "services/accounts/accounts.h"

#include <sodium.h>

#include <algorithm>

#include "core/crypto.h"
#include "core/i18n.h"
#include "core/validation.h"
#include "services/audit/audit_log.h"

namespace lifeline {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kMinUsernameLength = 3;
constexpr std::size_t kMaxUsernameLength = 32;
constexpr std::size_t kMaxDisplayNameLength = 100;
// Domain separation for session-token hashes; tokens are random, so no secret key is needed.
constexpr std::string_view kSessionHashKey = "lifeline-session-token";
constexpr std::string_view kUserColumns =
    "id, username, display_name, role, locale, disabled, created_at";

std::string TokenHash(const std::string& token) { return KeyedHashHex(kSessionHashKey, token); }

User UserFromRow(const Row& row) {
  return User{
      row.Int(0),  row.Text(1),     row.Text(2), ParseRole(row.Text(3)).value_or(Role::kAngel),
      row.Text(4), row.Int(5) != 0, row.Int(6)};
}

Status ValidateUsername(const std::string& username) {
  const bool valid_chars = std::all_of(username.begin(), username.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
  if (!valid_chars || username.size() < kMinUsernameLength ||
      username.size() > kMaxUsernameLength) {
    return Status::InvalidArgument("error.username_format", {}, "username");
  }
  return Status::Ok();
}

Status ValidateLocale(const std::string& locale) {
  if (!IsSupportedLocale(locale)) {
    return Status::InvalidArgument("error.unknown_locale", {{"locale", locale}}, "locale");
  }
  return Status::Ok();
}

Status ValidateDisplayName(const std::string& display_name) {
  if (display_name.empty()) {
    return FieldRequired("display_name");
  }
  if (display_name.size() > kMaxDisplayNameLength) {
    return FieldTooLong("display_name", kMaxDisplayNameLength);
  }
  return Status::Ok();
}

Status UserNotFound(std::int64_t user_id) { return RecordNotFound("user", user_id); }

Result<User> LoadUser(Connection& connection, std::int64_t user_id) {
  ASSIGN_OR_RETURN(QueryResult result, connection.Query("SELECT " + std::string(kUserColumns) +
                                                            " FROM users WHERE id = $1",
                                                        {user_id}));
  if (result.rows.empty()) return UserNotFound(user_id);
  return UserFromRow(result.rows[0]);
}

Result<std::int64_t> RevokeAll(Connection& connection, std::int64_t user_id) {
  return connection.Execute(
      "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
      {NowMillis(), user_id});
}

}  // namespace

AccountService::AccountService(Database& database, AccountOptions options)
    : database_(database),
      options_(options),
      login_limiter_(options.login_attempts_per_minute, options.login_burst) {
  (void)InitCrypto();
  Result<std::string> dummy = HashPassword(RandomHex(16));
  if (dummy.ok()) dummy_hash_ = std::move(dummy).value();
}

Result<std::string> AccountService::HashPassword(const std::string& password) const {
  const bool minimum = options_.password_cost == PasswordCost::kMinimumForTests;
  const unsigned long long ops =
      minimum ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const std::size_t memory =
      minimum ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), ops, memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("Argon2id hashing ran out of memory");
  }
  return std::string(hash);
}

Result<User> AccountService::CreateUser(const Actor& actor, const NewUser& user) {
  return InsertUser(actor, user);
}

Result<User> AccountService::CreateUserFromCommandLine(const NewUser& user) {
  return InsertUser(Actor::CommandLine(), user);
}

Result<User> AccountService::InsertUser(const Actor& actor, const NewUser& user) {
  // Hash outside the transaction: Argon2id is deliberately slow and must not hold the writer.
  ASSIGN_OR_RETURN(const PreparedUser prepared, PrepareUser(user));
  User created;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(created, InsertPreparedUser(connection, actor, prepared));
    return Status::Ok();
  }));
  return created;
}

Result<PreparedUser> AccountService::PrepareUser(const NewUser& user) const {
  RETURN_IF_ERROR(ValidateUsername(user.username));
  RETURN_IF_ERROR(ValidateDisplayName(user.display_name));
  const std::string locale = user.locale.empty() ? std::string(kDefaultLocale) : user.locale;
  RETURN_IF_ERROR(ValidateLocale(locale));
  if (user.password.size() < kMinPasswordLength) {
    return Status::InvalidArgument("error.password_short",
                                   {{"min", std::to_string(kMinPasswordLength)}}, "password");
  }
  ASSIGN_OR_RETURN(std::string password_hash, HashPassword(user.password));
  return PreparedUser{user.username, user.display_name, user.role, locale,
                      std::move(password_hash)};
}

Result<User> AccountService::InsertPreparedUser(Connection& connection, const Actor& actor,
                                                const PreparedUser& user) {
  Result<QueryResult> inserted = connection.Query(
      "INSERT INTO users (username, display_name, role, password_hash, locale, disabled, "
      "created_at) VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING " +
          std::string(kUserColumns),
      {user.username, user.display_name, std::string(RoleName(user.role)), user.password_hash,
       user.locale, NowMillis()});
  if (inserted.status().code() == ErrorCode::kAlreadyExists) {
    return Status(ErrorCode::kAlreadyExists, "error.username_taken", {{"username", user.username}},
                  "username");
  }
  RETURN_IF_ERROR(inserted.status());
  const User created = UserFromRow(inserted->rows.at(0));
  RETURN_IF_ERROR(AuditLog::Append(
      connection, actor,
      {"create", "user", std::to_string(created.id), "role " + std::string(RoleName(user.role))}));
  return created;
}

Result<bool> AccountService::IsUsernameTaken(Connection& connection, const std::string& username) {
  ASSIGN_OR_RETURN(const QueryResult found,
                   connection.Query("SELECT 1 FROM users WHERE username = $1", {username}));
  return !found.rows.empty();
}

Result<LoginResult> AccountService::Login(const std::string& username, const std::string& password,
                                          const std::string& client_address) {
  const UnixMillis now = NowMillis();
  // Both keys are charged so neither one address nor one username can grind passwords.
  const bool user_allowed = login_limiter_.Allow("user:" + username, now);
  const bool address_allowed = login_limiter_.Allow("addr:" + client_address, now);
  if (!user_allowed || !address_allowed) {
    return Status(ErrorCode::kResourceExhausted, "error.login_rate_limited");
  }
  ASSIGN_OR_RETURN(QueryResult found,
                   database_.Query("SELECT " + std::string(kUserColumns) +
                                       ", password_hash FROM users WHERE username = $1",
                                   {username}));
  const std::string stored_hash = found.rows.empty() ? dummy_hash_ : found.rows[0].Text(7);
  const bool password_ok =
      crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
  if (found.rows.empty() || !password_ok) {
    return Status(ErrorCode::kUnauthenticated, "error.login_failed");
  }
  const User user = UserFromRow(found.rows[0]);
  if (user.disabled) return Status(ErrorCode::kUnauthenticated, "error.login_failed");

  LoginResult login{RandomHex(kTokenBytes), now + options_.session_ttl, user};
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    return connection
        .Execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
            "VALUES ($1, $2, $3, $4)",
            {TokenHash(login.token), user.id, now, login.expires_at})
        .status();
  }));
  return login;
}

Result<User> AccountService::Authenticate(const std::string& token) {
  if (token.empty()) return Status(ErrorCode::kUnauthenticated, "error.unauthenticated");
  ASSIGN_OR_RETURN(
      QueryResult found,
      database_.Query("SELECT u.id, u.username, u.display_name, u.role, u.locale, u.disabled, "
                      "u.created_at FROM sessions s JOIN users u ON u.id = s.user_id "
                      "WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 "
                      "AND u.disabled = 0",
                      {TokenHash(token), NowMillis()}));
  if (found.rows.empty()) return Status(ErrorCode::kUnauthenticated, "error.session_invalid");
  return UserFromRow(found.rows[0]);
}

Status AccountService::Logout(const std::string& token) {
  return database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    return connection
        .Execute("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
                 {NowMillis(), TokenHash(token)})
        .status();
  });
}

Result<std::vector<User>> AccountService::ListUsers(const Actor& actor) {
  std::vector<User> users;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    RETURN_IF_ERROR(AuditLog::Append(connection, actor, {"list", "user", "*", ""}));
    ASSIGN_OR_RETURN(QueryResult result, connection.Query("SELECT " + std::string(kUserColumns) +
                                                          " FROM users ORDER BY id"));
    for (const Row& row : result.rows) users.push_back(UserFromRow(row));
    return Status::Ok();
  }));
  return users;
}

Result<User> AccountService::GetUser(const Actor& actor, std::int64_t user_id) {
  User user;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(user, LoadUser(connection, user_id));
    return AuditLog::Append(connection, actor, {"read", "user", std::to_string(user_id), ""});
  }));
  return user;
}

Result<User> AccountService::UpdateUser(const Actor& actor, std::int64_t user_id,
                                        const UserChanges& changes) {
  if (changes.display_name) RETURN_IF_ERROR(ValidateDisplayName(*changes.display_name));
  if (changes.locale) RETURN_IF_ERROR(ValidateLocale(*changes.locale));
  if (changes.disabled.value_or(false) && user_id == actor.user_id) {
    return Status(ErrorCode::kFailedPrecondition, "error.cannot_disable_self", {}, "disabled");
  }
  User user;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    ASSIGN_OR_RETURN(User before, LoadUser(connection, user_id));
    std::string reason;
    if (changes.display_name) {
      before.display_name = *changes.display_name;
      reason += "display_name ";
    }
    if (changes.locale) {
      before.locale = *changes.locale;
      reason += "locale ";
    }
    const bool role_changed = changes.role && *changes.role != before.role;
    if (role_changed) {
      reason += "role " + std::string(RoleName(before.role)) + "->" +
                std::string(RoleName(*changes.role)) + " ";
      before.role = *changes.role;
    }
    const bool newly_disabled = changes.disabled.value_or(false) && !before.disabled;
    if (changes.disabled) {
      before.disabled = *changes.disabled;
      reason += *changes.disabled ? "disabled " : "enabled ";
    }
    RETURN_IF_ERROR(
        connection
            .Execute("UPDATE users SET display_name = $1, locale = $2, role = $3, "
                     "disabled = $4 WHERE id = $5",
                     {before.display_name, before.locale, std::string(RoleName(before.role)),
                      static_cast<std::int64_t>(before.disabled ? 1 : 0), user_id})
            .status());
    // A changed role or a disabled account must not keep the powers of its old sessions.
    if (role_changed || newly_disabled) RETURN_IF_ERROR(RevokeAll(connection, user_id).status());
    if (!reason.empty()) reason.pop_back();
    user = before;
    return AuditLog::Append(connection, actor, {"update", "user", std::to_string(user_id), reason});
  }));
  return user;
}

Result<std::int64_t> AccountService::RevokeSessions(const Actor& actor, std::int64_t user_id) {
  std::int64_t revoked = 0;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    RETURN_IF_ERROR(LoadUser(connection, user_id).status());
    ASSIGN_OR_RETURN(revoked, RevokeAll(connection, user_id));
    return AuditLog::Append(
        connection, actor,
        {"revoke", "user", std::to_string(user_id), std::to_string(revoked) + " sessions"});
  }));
  return revoked;
}

Result<User> AccountService::SetOwnLocale(const Actor& actor, const std::string& locale) {
  RETURN_IF_ERROR(ValidateLocale(locale));
  User user;
  RETURN_IF_ERROR(database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) {
    RETURN_IF_ERROR(
        connection.Execute("UPDATE users SET locale = $1 WHERE id = $2", {locale, actor.user_id})
            .status());
    ASSIGN_OR_RETURN(user, LoadUser(connection, actor.user_id));
    return Status::Ok();
  }));
  return user;
}

Result<std::int64_t> AccountService::CountUsers() {
  ASSIGN_OR_RETURN(QueryResult result, database_.Query("SELECT COUNT(*) FROM users"));
  return result.rows.at(0).Int(0);
}

}  // namespace lifeline
