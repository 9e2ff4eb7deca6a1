#include "store/migrations.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Backend;
using testing::ScratchDatabase;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class MigrationsTest : public testing::BackendTest {
 protected:
  MigrationsTest() : BackendTest(/*migrate=*/false) {}

  Status Exec(std::string_view sql, const std::vector<Value>& params = {}) {
    return db().Transaction(TransactionMode::kWrite, [&](Connection& connection) {
      return connection.Execute(sql, params).status();
    });
  }

  void MigrateAll() {
    auto applied = Migrate(db());
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  }
};

TEST_P(MigrationsTest, EmptyDatabaseIsAtVersionZero) {
  auto version = SchemaVersion(db());
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 0);
}

TEST_P(MigrationsTest, AppliesEveryBuiltinMigrationExactlyOnce) {
  const std::vector<Migration> builtin = BuiltinMigrations();
  ASSERT_FALSE(builtin.empty());
  for (std::size_t i = 1; i < builtin.size(); ++i) {
    EXPECT_LT(builtin[i - 1].version, builtin[i].version);
  }

  auto first = Migrate(db());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, static_cast<int>(builtin.size()));
  auto second = Migrate(db());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, 0);

  auto version = SchemaVersion(db());
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, builtin.back().version);
  auto recorded = db().Query("SELECT version, name FROM schema_version ORDER BY version");
  ASSERT_TRUE(recorded.ok()) << recorded.status().ToString();
  ASSERT_EQ(recorded->rows.size(), builtin.size());
  for (std::size_t i = 0; i < builtin.size(); ++i) {
    EXPECT_EQ(recorded->rows[i].Int(0), builtin[i].version);
    EXPECT_EQ(recorded->rows[i].Text(1), builtin[i].name);
  }
}

TEST_P(MigrationsTest, ConcurrentMigrationsApplyEachVersionOnce) {
  // Two servers starting together on one empty database.
  constexpr int kStarters = 2;
  std::vector<std::unique_ptr<Database>> handles;
  for (int i = 0; i < kStarters; ++i) {
    auto opened = OpenDatabase(scratch_->url(), 2);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    handles.push_back(std::move(opened).value());
  }
  std::vector<Result<int>> results(kStarters, Result<int>(0));
  std::vector<std::thread> starters;
  for (int i = 0; i < kStarters; ++i) {
    starters.emplace_back([&, i] { results[i] = Migrate(*handles[i]); });
  }
  for (std::thread& starter : starters) starter.join();
  int applied = 0;
  for (const Result<int>& result : results) {
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    applied += *result;
  }
  EXPECT_EQ(applied, static_cast<int>(BuiltinMigrations().size()));
}

TEST_P(MigrationsTest, AuditLogRefusesUpdateAndDelete) {
  MigrateAll();
  ASSERT_TRUE(Exec("INSERT INTO audit_log (at, actor_user_id, actor_username, actor_role, action, "
                   "entity, entity_id, reason, request_id) "
                   "VALUES (1, 1, 'admin', 'admin', 'read', 'user', '7', 'review', 'req-1')")
                  .ok());
  for (const char* change : {"UPDATE audit_log SET reason = 'forged'", "DELETE FROM audit_log"}) {
    const Status status = Exec(change);
    EXPECT_FALSE(status.ok()) << change;
    EXPECT_TRUE(Contains(status.detail(), "append-only")) << status.ToString();
  }
  auto rows = db().Query("SELECT reason FROM audit_log");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0].Text(0), "review");
}

// Mutual aid's event tables keep "every change": the database refuses to rewrite them (0010).
TEST_P(MigrationsTest, AidHistoryRefusesUpdateAndDelete) {
  MigrateAll();
  ASSERT_TRUE(Exec("INSERT INTO exchange_events (entity, entity_id, action, at) "
                   "VALUES ('offer', 1, 'create', 1)")
                  .ok());
  ASSERT_TRUE(Exec("INSERT INTO ventilator_events (entity, entity_id, action, at) "
                   "VALUES ('order', 1, 'advance', 1)")
                  .ok());
  for (const char* change :
       {"UPDATE exchange_events SET action = 'forged'", "DELETE FROM exchange_events",
        "UPDATE ventilator_events SET note = 'forged'", "DELETE FROM ventilator_events"}) {
    const Status status = Exec(change);
    EXPECT_FALSE(status.ok()) << change;
    EXPECT_TRUE(Contains(status.detail(), "append-only")) << status.ToString();
  }
  auto rows = db().Query(
      "SELECT (SELECT COUNT(*) FROM exchange_events) + (SELECT COUNT(*) FROM ventilator_events)");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->rows.at(0).Int(0), 2);
}

TEST_P(MigrationsTest, MigratedSchemaEnforcesKeys) {
  MigrateAll();
  const char* insert_user =
      "INSERT INTO users (username, display_name, role, password_hash, created_at) "
      "VALUES ($1, '张三', 'admin', 'x', 0)";
  ASSERT_TRUE(Exec(insert_user, {std::string("zhang")}).ok());
  EXPECT_EQ(Exec(insert_user, {std::string("zhang")}).code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(Exec("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                 "VALUES ('t', 999, 0, 1)")
                .code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Exec("INSERT INTO hospitals (name_zh, name_en, district_code, kind, beds, lat, lon, "
                 "created_at) VALUES ('医院', 'Hospital', '420199', 'general', 1, 30.5, 114.3, 0)")
                .code(),
            ErrorCode::kFailedPrecondition);
}

TEST_P(MigrationsTest, FailedMigrationLeavesThePreviousVersion) {
  const std::vector<Migration> broken = {
      {1, "one", "CREATE TABLE one (id BIGINT);"},
      {2, "two", "CREATE TABLE two (id BIGINT);\nINSERT INTO missing_table VALUES (1);"},
      {3, "three", "CREATE TABLE three (id BIGINT);"},
  };
  auto failed = Migrate(db(), broken);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message_id(), "error.migration_failed");
  EXPECT_EQ(failed.status().args(), (MessageArgs{{"version", "2"}, {"name", "two"}}));
  auto version = SchemaVersion(db());
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 1);
  EXPECT_FALSE(db().Query("SELECT COUNT(*) FROM two").ok()) << "half a migration was kept";

  std::vector<Migration> fixed = broken;
  fixed[1].sql = "CREATE TABLE two (id BIGINT);";
  auto resumed = Migrate(db(), fixed);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(*resumed, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationsTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

TEST(RenderMigrationSqlTest, PicksTheDialectSectionsAndTokens) {
  const std::string sql =
      "CREATE TABLE t (id {{id}}, data {{blob}});\n"
      "-- lifeline-dialect: sqlite\n"
      "SELECT 'sqlite only';\n"
      "-- lifeline-dialect: postgres\n"
      "SELECT 'postgres only';\n";
  const std::string sqlite = RenderMigrationSql(sql, Dialect::kSqlite);
  EXPECT_TRUE(Contains(sqlite, "id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB")) << sqlite;
  EXPECT_TRUE(Contains(sqlite, "sqlite only"));
  EXPECT_FALSE(Contains(sqlite, "postgres only"));
  EXPECT_FALSE(Contains(sqlite, "lifeline-dialect"));
  const std::string postgres = RenderMigrationSql(sql, Dialect::kPostgres);
  EXPECT_TRUE(Contains(postgres, "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"));
  EXPECT_TRUE(Contains(postgres, "data BYTEA"));
  EXPECT_TRUE(Contains(postgres, "postgres only"));
  EXPECT_FALSE(Contains(postgres, "sqlite only"));
}

TEST(RenderMigrationSqlTest, AnEmptyDialectMarkerReturnsToCommonSql) {
  const std::string sql =
      "-- lifeline-dialect: postgres\nSELECT 'postgres only';\n"
      "-- lifeline-dialect: \nSELECT 'common';\n";
  EXPECT_TRUE(Contains(RenderMigrationSql(sql, Dialect::kSqlite), "common"));
  EXPECT_TRUE(Contains(RenderMigrationSql(sql, Dialect::kPostgres), "common"));
}

TEST(RenderMigrationSqlTest, BuiltinAppendOnlyTriggerExistsPerDialect) {
  for (const Migration& migration : BuiltinMigrations()) {
    if (migration.name != "audit_append_only") continue;
    const std::string sqlite = RenderMigrationSql(migration.sql, Dialect::kSqlite);
    const std::string postgres = RenderMigrationSql(migration.sql, Dialect::kPostgres);
    EXPECT_TRUE(Contains(sqlite, "RAISE(ABORT")) << sqlite;
    EXPECT_FALSE(Contains(sqlite, "plpgsql")) << sqlite;
    EXPECT_TRUE(Contains(postgres, "plpgsql")) << postgres;
    EXPECT_FALSE(Contains(postgres, "RAISE(ABORT")) << postgres;
    return;
  }
  FAIL() << "no audit_append_only migration";
}

}  // namespace
}  // namespace lifeline
