#include "services/accounts/accounts.h"

#include <gtest/gtest.h>

#include "services/audit/audit_log.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Backend;
using testing::ScratchDatabase;

// An administrator whose account lives elsewhere, so ids of the accounts a test creates never
// coincide with the actor's own.
const Actor kAdminActor{1000, "root", Role::kAdmin, "req-test"};

class AccountServiceTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    accounts_ = std::make_unique<AccountService>(
        scratch_->db(), AccountOptions{.password_cost = PasswordCost::kMinimumForTests,
                                       .login_attempts_per_minute = 5,
                                       .login_burst = 5});
  }

  User Create(const std::string& username, Role role,
              const std::string& password = "correct horse") {
    auto user =
        accounts_->CreateUser(kAdminActor, {username, "Name " + username, role, password, ""});
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    return user.ok() ? user.value() : User{};
  }

  std::unique_ptr<AccountService> accounts_;
};

TEST_P(AccountServiceTest, LoginIssuesATokenThatAuthenticates) {
  const User created = Create("doctor1", Role::kDoctor);
  EXPECT_EQ(created.locale, "zh-CN");
  auto login = accounts_->Login("doctor1", "correct horse", "127.0.0.1");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->token.size(), 64u);
  EXPECT_GT(login->expires_at, NowMillis());
  auto user = accounts_->Authenticate(login->token);
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->id, created.id);
  EXPECT_EQ(user->role, Role::kDoctor);
}

TEST_P(AccountServiceTest, StoresNeitherPasswordsNorTokensInClear) {
  Create("nurse1", Role::kNurse, "a secret pass");
  auto login = accounts_->Login("nurse1", "a secret pass", "127.0.0.1");
  ASSERT_TRUE(login.ok());
  auto users = scratch_->db().Query("SELECT password_hash FROM users");
  ASSERT_TRUE(users.ok());
  EXPECT_TRUE(users->rows[0].Text(0).starts_with("$argon2id$"));
  auto sessions = scratch_->db().Query("SELECT token_hash FROM sessions");
  ASSERT_TRUE(sessions.ok());
  ASSERT_EQ(sessions->rows.size(), 1u);
  EXPECT_NE(sessions->rows[0].Text(0), login->token);
}

TEST_P(AccountServiceTest, WrongPasswordUnknownUserAndDisabledAccountLookAlike) {
  const User user = Create("angel1", Role::kAngel);
  auto wrong = accounts_->Login("angel1", "wrong password", "10.0.0.1");
  EXPECT_EQ(wrong.status().message_id(), "error.login_failed");
  auto unknown = accounts_->Login("nobody", "whatever1", "10.0.0.2");
  EXPECT_EQ(unknown.status().message_id(), "error.login_failed");
  ASSERT_TRUE(accounts_->UpdateUser(kAdminActor, user.id, {.disabled = true}).ok());
  auto disabled = accounts_->Login("angel1", "correct horse", "10.0.0.3");
  EXPECT_EQ(disabled.status().message_id(), "error.login_failed");
  EXPECT_EQ(disabled.status().code(), ErrorCode::kUnauthenticated);
}

TEST_P(AccountServiceTest, LoginIsRateLimitedPerUsername) {
  Create("tracer1", Role::kTracer);
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto result = accounts_->Login("tracer1", "bad guess", "10.0.1." + std::to_string(attempt));
    EXPECT_EQ(result.status().code(), ErrorCode::kUnauthenticated);
  }
  auto limited = accounts_->Login("tracer1", "correct horse", "10.0.2.1");
  EXPECT_EQ(limited.status().code(), ErrorCode::kResourceExhausted);
}

TEST_P(AccountServiceTest, LogoutAndRevocationEndSessions) {
  const User user = Create("planner1", Role::kPlanner);
  auto first = accounts_->Login("planner1", "correct horse", "a");
  auto second = accounts_->Login("planner1", "correct horse", "b");
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(accounts_->Logout(first->token).ok());
  EXPECT_EQ(accounts_->Authenticate(first->token).status().message_id(), "error.session_invalid");
  EXPECT_TRUE(accounts_->Authenticate(second->token).ok());
  auto revoked = accounts_->RevokeSessions(kAdminActor, user.id);
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(*revoked, 1);
  EXPECT_FALSE(accounts_->Authenticate(second->token).ok());
}

TEST_P(AccountServiceTest, ChangingRoleRevokesOldSessions) {
  const User user = Create("worker1", Role::kCommunityWorker);
  auto login = accounts_->Login("worker1", "correct horse", "a");
  ASSERT_TRUE(login.ok());
  auto updated = accounts_->UpdateUser(kAdminActor, user.id, {.role = Role::kTracer});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->role, Role::kTracer);
  EXPECT_FALSE(accounts_->Authenticate(login->token).ok());
}

TEST_P(AccountServiceTest, RejectsBadAccountsNamingTheField) {
  auto short_password =
      accounts_->CreateUser(kAdminActor, {"valid_name", "N", Role::kNurse, "short", ""});
  EXPECT_EQ(short_password.status().field(), "password");
  auto bad_name = accounts_->CreateUser(kAdminActor, {"a b", "N", Role::kNurse, "long enough", ""});
  EXPECT_EQ(bad_name.status().field(), "username");
  auto bad_locale =
      accounts_->CreateUser(kAdminActor, {"valid_name", "N", Role::kNurse, "long enough", "fr"});
  EXPECT_EQ(bad_locale.status().field(), "locale");
  Create("taken", Role::kNurse);
  auto duplicate =
      accounts_->CreateUser(kAdminActor, {"taken", "N", Role::kNurse, "long enough", ""});
  EXPECT_EQ(duplicate.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(duplicate.status().field(), "username");
  EXPECT_EQ(
      accounts_->UpdateUser(kAdminActor, kAdminActor.user_id, {.disabled = true}).status().code(),
      ErrorCode::kFailedPrecondition);
  EXPECT_EQ(accounts_->GetUser(kAdminActor, 999).status().code(), ErrorCode::kNotFound);
}

TEST_P(AccountServiceTest, ReadsAndChangesOfAccountsAreAudited) {
  const User user = Create("counsellor1", Role::kCounsellor);
  ASSERT_TRUE(accounts_->GetUser(kAdminActor, user.id).ok());
  ASSERT_TRUE(accounts_->ListUsers(kAdminActor).ok());
  ASSERT_TRUE(accounts_->UpdateUser(kAdminActor, user.id, {.display_name = "New"}).ok());
  AuditLog log(scratch_->db());
  auto page = log.Query({.entity = "user"});
  ASSERT_TRUE(page.ok());
  std::vector<std::string> actions;
  for (const AuditEntry& entry : page->entries) {
    actions.push_back(entry.action);
    EXPECT_EQ(entry.actor_username, "root");
    EXPECT_EQ(entry.request_id, "req-test");
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"update", "list", "read", "create"}));
}

TEST_P(AccountServiceTest, UserChoosesTheirLanguage) {
  const User user = Create("blood1", Role::kBloodStaff);
  Actor self{user.id, user.username, user.role, "r"};
  auto english = accounts_->SetOwnLocale(self, "en");
  ASSERT_TRUE(english.ok());
  EXPECT_EQ(english->locale, "en");
  EXPECT_EQ(accounts_->SetOwnLocale(self, "de").status().field(), "locale");
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountServiceTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
