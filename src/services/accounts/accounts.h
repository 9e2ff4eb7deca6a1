#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/actor.h"
#include "core/rate_limiter.h"
#include "core/role.h"
#include "core/status.h"
#include "core/time.h"
#include "store/database.h"

namespace lifeline {

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kAngel;
  std::string locale;
  bool disabled = false;
  UnixMillis created_at = 0;
};

struct NewUser {
  std::string username;
  std::string display_name;
  Role role = Role::kAngel;
  std::string password;
  std::string locale;  // empty: the default locale
};

struct UserChanges {
  std::optional<std::string> display_name = std::nullopt;
  std::optional<Role> role = std::nullopt;
  std::optional<bool> disabled = std::nullopt;
  std::optional<std::string> locale = std::nullopt;
};

// An account whose fields are checked and whose password is already hashed, so a flow that
// creates accounts as one step of its own transaction (the clinic approving a volunteer's
// application) can do the slow hashing early and the insert later, inside that transaction.
struct PreparedUser {
  std::string username;
  std::string display_name;
  Role role = Role::kAngel;
  std::string locale;
  std::string password_hash;  // Argon2id string
};

struct LoginResult {
  std::string token;  // shown once; only its hash is stored
  UnixMillis expires_at = 0;
  User user;
};

// How expensive password hashing is. Production uses libsodium's "interactive" Argon2id
// limits; tests that create many accounts use the minimum, which is never right for real use.
enum class PasswordCost { kInteractive, kMinimumForTests };

struct AccountOptions {
  UnixMillis session_ttl = 12 * kMillisPerHour;
  PasswordCost password_cost = PasswordCost::kInteractive;
  // Login attempts allowed per username and per client address: a burst, then this many a minute.
  double login_attempts_per_minute = 10;
  double login_burst = 10;
};

constexpr std::size_t kMinPasswordLength = 8;

// Accounts, passwords and sessions. Passwords are stored as Argon2id strings; session tokens
// are 256-bit random values stored only as BLAKE2b hashes and checked on every request.
// Reads and changes of accounts (sensitive: names and roles of volunteers) are audited with the
// acting user. Thread-safe.
class AccountService {
 public:
  AccountService(Database& database, AccountOptions options);

  Result<User> CreateUser(const Actor& actor, const NewUser& user);
  // The first admin, from the command line; audited as the CLI.
  Result<User> CreateUserFromCommandLine(const NewUser& user);

  // Fails with "error.login_failed" for an unknown user, a wrong password and a disabled
  // account alike (no account enumeration), and "error.login_rate_limited" past the limit.
  // Checks every field of `user` (the errors of CreateUser, each naming its field) and hashes
  // the password. Deliberately slow: call it outside any transaction.
  Result<PreparedUser> PrepareUser(const NewUser& user) const;
  // Inserts a prepared account inside the caller's transaction and audits it as `actor`.
  // AlreadyExists "error.username_taken" (field "username") when the name is taken.
  static Result<User> InsertPreparedUser(Connection& connection, const Actor& actor,
                                         const PreparedUser& user);
  static Result<bool> IsUsernameTaken(Connection& connection, const std::string& username);

  Result<LoginResult> Login(const std::string& username, const std::string& password,
                            const std::string& client_address);

  // The active user behind a token; "error.session_invalid" if unknown, expired or revoked.
  Result<User> Authenticate(const std::string& token);
  Status Logout(const std::string& token);

  Result<std::vector<User>> ListUsers(const Actor& actor);
  Result<User> GetUser(const Actor& actor, std::int64_t user_id);
  // Disabling an account or changing its role revokes its sessions.
  Result<User> UpdateUser(const Actor& actor, std::int64_t user_id, const UserChanges& changes);
  Result<std::int64_t> RevokeSessions(const Actor& actor, std::int64_t user_id);
  Result<User> SetOwnLocale(const Actor& actor, const std::string& locale);
  Result<std::int64_t> CountUsers();

 private:
  Result<std::string> HashPassword(const std::string& password) const;
  Result<User> InsertUser(const Actor& actor, const NewUser& user);

  Database& database_;
  const AccountOptions options_;
  RateLimiter login_limiter_;
  std::string dummy_hash_;  // verified against for unknown users, so timing reveals nothing
};

}  // namespace lifeline
