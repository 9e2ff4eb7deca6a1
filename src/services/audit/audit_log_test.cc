#include "services/audit/audit_log.h"

#include <gtest/gtest.h>

#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Backend;
using testing::ScratchDatabase;

class AuditLogTest : public testing::BackendTest {
 protected:
  void Append(const Actor& actor, const AuditEvent& event) {
    ASSERT_TRUE(scratch_->db()
                    .Transaction(TransactionMode::kWrite,
                                 [&](Connection& connection) {
                                   return AuditLog::Append(connection, actor, event);
                                 })
                    .ok());
  }
};

const Actor kAdmin{1, "admin", Role::kAdmin, "req-1"};
const Actor kTracer{2, "tracer", Role::kTracer, "req-2"};

TEST_P(AuditLogTest, RecordsWhoWhatAndWhyNewestFirst) {
  Append(kAdmin, {"read", "user", "7", "review account"});
  Append(kTracer, {"update", "case", "12", "new test result"});
  AuditLog log(scratch_->db());
  auto page = log.Query({});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->entries.size(), 2u);
  const AuditEntry& newest = page->entries[0];
  EXPECT_EQ(newest.actor_username, "tracer");
  EXPECT_EQ(newest.actor_role, "tracer");
  EXPECT_EQ(newest.action, "update");
  EXPECT_EQ(newest.entity, "case");
  EXPECT_EQ(newest.entity_id, "12");
  EXPECT_EQ(newest.reason, "new test result");
  EXPECT_EQ(newest.request_id, "req-2");
  EXPECT_GT(newest.at, 0);
  EXPECT_EQ(page->entries[1].actor_username, "admin");
  EXPECT_FALSE(page->next_before_id.has_value());
}

TEST_P(AuditLogTest, FiltersByEntityAndActorAndPages) {
  for (int i = 0; i < 5; ++i) Append(kAdmin, {"read", "user", std::to_string(i), ""});
  Append(kTracer, {"read", "case", "1", ""});
  AuditLog log(scratch_->db());

  auto users = log.Query({.entity = "user"});
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->entries.size(), 5u);

  auto one = log.Query({.entity = "user", .entity_id = "3"});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->entries.size(), 1u);
  EXPECT_EQ(one->entries[0].entity_id, "3");

  auto by_tracer = log.Query({.actor_user_id = 2});
  ASSERT_TRUE(by_tracer.ok());
  ASSERT_EQ(by_tracer->entries.size(), 1u);
  EXPECT_EQ(by_tracer->entries[0].entity, "case");

  auto first = log.Query({.entity = "user", .limit = 2});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->entries.size(), 2u);
  ASSERT_TRUE(first->next_before_id.has_value());
  auto second = log.Query({.entity = "user", .before_id = first->next_before_id, .limit = 10});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->entries.size(), 3u);
  EXPECT_LT(second->entries[0].id, first->entries[1].id);
}

TEST_P(AuditLogTest, AuditRowVanishesWithARolledBackChange) {
  const Status status =
      scratch_->db().Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        RETURN_IF_ERROR(AuditLog::Append(connection, kAdmin, {"update", "user", "1", ""}));
        return Status::InvalidArgument("error.field_required", {{"field", "x"}}, "x");
      });
  EXPECT_FALSE(status.ok());
  AuditLog log(scratch_->db());
  auto page = log.Query({});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->entries.empty());
}

TEST_P(AuditLogTest, StoreRefusesToRewriteHistory) {
  Append(kAdmin, {"read", "user", "1", ""});
  const Status update =
      scratch_->db().Transaction(TransactionMode::kWrite, [](Connection& connection) {
        return connection.Execute("UPDATE audit_log SET reason = 'forged'").status();
      });
  EXPECT_FALSE(update.ok());
  const Status erase = scratch_->db().Transaction(
      TransactionMode::kWrite,
      [](Connection& connection) { return connection.Execute("DELETE FROM audit_log").status(); });
  EXPECT_FALSE(erase.ok());
  AuditLog log(scratch_->db());
  auto page = log.Query({});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].reason, "");
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace lifeline
