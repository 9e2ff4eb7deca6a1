#include "store/database.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/migrations.h"
#include "store/sqlite_database.h"
#include "store/testing/test_database.h"

namespace lifeline {
namespace {

using testing::Backend;
using testing::ScratchDatabase;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

// Written once for both backends, like the migrations; {{id}} is an auto-increment key.
constexpr char kSchema[] = R"sql(
CREATE TABLE cells (id BIGINT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, t TEXT);
CREATE TABLE parents (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE children (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES parents(id));
CREATE TABLE items (id {{id}}, name TEXT NOT NULL);
)sql";

class DatabaseTest : public testing::BackendTest {
 protected:
  DatabaseTest() : BackendTest(/*migrate=*/false) {}

  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    const Status created = Write([&](Connection& connection) {
      return connection.ExecuteScript(RenderMigrationSql(kSchema, connection.dialect()));
    });
    ASSERT_TRUE(created.ok()) << created.ToString();
  }

  Status Write(const std::function<Status(Connection&)>& work) {
    return db().Transaction(TransactionMode::kWrite, work);
  }

  // One statement in its own write transaction.
  Status Exec(std::string_view sql, const std::vector<Value>& params = {}) {
    return Write([&](Connection& connection) { return connection.Execute(sql, params).status(); });
  }

  std::int64_t Count(const std::string& table) {
    auto result = db().Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? result->rows.at(0).Int(0) : -1;
  }
};

TEST_P(DatabaseTest, RoundTripsEveryValueTypeThroughColumns) {
  const std::vector<std::vector<Value>> rows = {
      {std::int64_t{1}, kInt64Max, 0.1, std::string("生命线 Lifeline ✓ 'single' \"double\" $1")},
      {std::int64_t{2}, kInt64Min, -1.5e300, std::string()},
      {std::int64_t{3}, nullptr, nullptr, nullptr},
      {std::int64_t{4}, std::int64_t{0}, 3.0, std::string("武汉\n\t\\")},
  };
  for (const auto& row : rows) {
    const Status inserted = Write([&](Connection& connection) -> Status {
      ASSIGN_OR_RETURN(
          const std::int64_t changed,
          connection.Execute("INSERT INTO cells (id, i, d, t) VALUES ($1, $2, $3, $4)", row));
      EXPECT_EQ(changed, 1);
      return Status::Ok();
    });
    ASSERT_TRUE(inserted.ok()) << inserted.ToString();
  }
  auto result = db().Query("SELECT id, i, d, t FROM cells ORDER BY id");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->columns, (std::vector<std::string>{"id", "i", "d", "t"}));
  ASSERT_EQ(result->rows.size(), rows.size());
  for (std::size_t row = 0; row < rows.size(); ++row) {
    for (std::size_t column = 0; column < rows[row].size(); ++column) {
      EXPECT_EQ(result->rows[row].Cell(column), rows[row][column])
          << "row " << row << " column " << column;
    }
  }
  EXPECT_TRUE(result->rows[2].IsNull(3));
  EXPECT_FALSE(result->rows[1].IsNull(3));  // the empty string is not NULL
}

TEST_P(DatabaseTest, SelectedParametersKeepTheirTypes) {
  auto result = db().Query("SELECT $1, $2, $3, $4, 1 = 1, 1 = 2",
                           {kInt64Max, 2.5, std::string("北京"), nullptr});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const Row& row = result->rows.at(0);
  EXPECT_EQ(row.Cell(0), Value(kInt64Max));
  EXPECT_EQ(row.Cell(1), Value(2.5));
  EXPECT_EQ(row.Cell(2), Value(std::string("北京")));
  EXPECT_TRUE(row.IsNull(3));
  EXPECT_EQ(row.OptionalInt(0), kInt64Max);
  EXPECT_EQ(row.OptionalDouble(1), 2.5);
  EXPECT_EQ(row.OptionalInt(3), std::nullopt);
  EXPECT_EQ(row.OptionalDouble(3), std::nullopt);
  EXPECT_EQ(row.Cell(4), Value(std::int64_t{1}));  // booleans read as 0/1
  EXPECT_EQ(row.Cell(5), Value(std::int64_t{0}));
}

TEST_P(DatabaseTest, IntegerParametersStaySixtyFourBitInExpressions) {
  constexpr std::int64_t kBeyondInt32 = 5'000'000'000'000;
  auto result = db().Query("SELECT $1 + 1, $1 = 0", {kBeyondInt32});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows.at(0).Int(0), kBeyondInt32 + 1);
  EXPECT_EQ(result->rows.at(0).Int(1), 0);
}

TEST_P(DatabaseTest, ParametersMayRepeatAndComeOutOfOrder) {
  ASSERT_TRUE(Exec("INSERT INTO cells (id, t, i, d) VALUES ($3, $1, $2, $2)",
                   {std::string("x"), std::int64_t{7}, std::int64_t{10}})
                  .ok());
  auto found = db().Query("SELECT id, d FROM cells WHERE i = $2 AND t = $1",
                          {std::string("x"), std::int64_t{7}});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->rows.size(), 1u);
  EXPECT_EQ(found->rows[0].Int(0), 10);
  EXPECT_EQ(found->rows[0].Cell(1), Value(7.0));  // the column's type wins on insert

  std::vector<Value> ten;
  for (std::int64_t value = 1; value <= 10; ++value) ten.emplace_back(value);
  // PostgreSQL must see every parameter used to infer its type, so all ten appear.
  auto two_digits = db().Query("SELECT $10, $1, $10, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9", ten);
  ASSERT_TRUE(two_digits.ok()) << two_digits.status().ToString();
  EXPECT_EQ(two_digits->rows.at(0).Int(0), 10);
  EXPECT_EQ(two_digits->rows.at(0).Int(1), 1);
  EXPECT_EQ(two_digits->rows.at(0).Int(2), 10);
  EXPECT_EQ(two_digits->rows.at(0).Int(3), 44);
}

TEST_P(DatabaseTest, DollarDigitsInsideLiteralsAndCommentsAreText) {
  auto result = db().Query("SELECT '$1 it''s', $1 /* $1 */ -- $1\n", {std::int64_t{5}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows.at(0).Cell(0), Value(std::string("$1 it's")));
  EXPECT_EQ(result->rows.at(0).Cell(1), Value(std::int64_t{5}));
  if (GetParam() != Backend::kPostgres) return;
  // Escape strings and dollar quoting exist only in PostgreSQL.
  auto quoted = db().Query("SELECT E'\\'$1', $tag$ $1 $tag$, $1", {std::int64_t{5}});
  ASSERT_TRUE(quoted.ok()) << quoted.status().ToString();
  EXPECT_EQ(quoted->rows.at(0).Cell(0), Value(std::string("'$1")));
  EXPECT_EQ(quoted->rows.at(0).Cell(1), Value(std::string(" $1 ")));
  EXPECT_EQ(quoted->rows.at(0).Cell(2), Value(std::int64_t{5}));
}

TEST_P(DatabaseTest, FailedCallbackRollsBackEverything) {
  const Status status = Write([](Connection& connection) -> Status {
    RETURN_IF_ERROR(
        connection.Execute("INSERT INTO parents (id, name) VALUES (1, 'kept?')").status());
    return Status::InvalidArgument("error.test_stop");
  });
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.message_id(), "error.test_stop");
  EXPECT_EQ(Count("parents"), 0);
}

TEST_P(DatabaseTest, ExceptionInCallbackRollsBackAndLeavesStoreUsable) {
  const Status status = Write([](Connection& connection) -> Status {
    (void)connection.Execute("INSERT INTO parents (id, name) VALUES (1, 'a')");
    throw std::runtime_error("callback bug");
  });
  EXPECT_EQ(status.code(), ErrorCode::kInternal);
  EXPECT_NE(status.detail().find("callback bug"), std::string::npos) << status.ToString();
  EXPECT_EQ(Count("parents"), 0);
  EXPECT_TRUE(Exec("INSERT INTO parents (id, name) VALUES (1, 'a')").ok());
  EXPECT_EQ(Count("parents"), 1);
}

TEST_P(DatabaseTest, WritesBecomeVisibleToOtherTransactionsOnCommit) {
  const Status status = Write([&](Connection& connection) -> Status {
    RETURN_IF_ERROR(connection.Execute("INSERT INTO parents (id, name) VALUES (1, 'a')").status());
    // Another pooled connection must not see the uncommitted row.
    EXPECT_EQ(Count("parents"), 0);
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Count("parents"), 1);
}

TEST_P(DatabaseTest, UniqueViolationIsAlreadyExists) {
  ASSERT_TRUE(Exec("INSERT INTO parents (id, name) VALUES (1, 'a')").ok());
  for (const char* duplicate : {"INSERT INTO parents (id, name) VALUES (2, 'a')",
                                "INSERT INTO parents (id, name) VALUES (1, 'b')"}) {
    const Status status = Exec(duplicate);
    EXPECT_EQ(status.code(), ErrorCode::kAlreadyExists) << status.ToString();
    EXPECT_EQ(status.message_id(), "error.already_exists");
  }
  EXPECT_EQ(Count("parents"), 1);
}

TEST_P(DatabaseTest, ForeignKeyViolationIsFailedPrecondition) {
  const Status status =
      Exec("INSERT INTO children (id, parent_id) VALUES (1, $1)", {std::int64_t{99}});
  EXPECT_EQ(status.code(), ErrorCode::kFailedPrecondition) << status.ToString();
  EXPECT_EQ(status.message_id(), "error.reference_missing");
  EXPECT_EQ(Count("children"), 0);
}

TEST_P(DatabaseTest, SqlErrorsAreInternalWithDetail) {
  for (const char* broken : {"SELEC 1", "SELECT * FROM no_such_table"}) {
    auto result = db().Query(broken);
    ASSERT_FALSE(result.ok()) << broken;
    EXPECT_EQ(result.status().code(), ErrorCode::kInternal);
    EXPECT_FALSE(result.status().detail().empty());
  }
}

TEST_P(DatabaseTest, ExecuteCountsChangedRows) {
  for (std::int64_t id = 1; id <= 3; ++id) {
    ASSERT_TRUE(Exec("INSERT INTO cells (id, i) VALUES ($1, 0)", {id}).ok());
  }
  std::int64_t updated = -1;
  std::int64_t deleted = -1;
  ASSERT_TRUE(Write([&](Connection& connection) -> Status {
                ASSIGN_OR_RETURN(
                    updated,
                    connection.Execute("UPDATE cells SET i = 1 WHERE id >= $1", {std::int64_t{2}}));
                ASSIGN_OR_RETURN(deleted, connection.Execute("DELETE FROM cells WHERE id > 100"));
                return Status::Ok();
              }).ok());
  EXPECT_EQ(updated, 2);
  EXPECT_EQ(deleted, 0);
}

TEST_P(DatabaseTest, InsertReturningGivesTheNewId) {
  std::vector<std::int64_t> ids;
  for (const char* name : {"first", "second"}) {
    const Status status = Write([&](Connection& connection) -> Status {
      ASSIGN_OR_RETURN(QueryResult result,
                       connection.Query("INSERT INTO items (name) VALUES ($1) RETURNING id",
                                        {std::string(name)}));
      EXPECT_EQ(result.rows.size(), 1u);
      if (!result.rows.empty()) ids.push_back(result.rows[0].Int(0));
      return Status::Ok();
    });
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_GT(ids[0], 0);
  EXPECT_GT(ids[1], ids[0]);
  auto name = db().Query("SELECT name FROM items WHERE id = $1", {ids[1]});
  ASSERT_TRUE(name.ok()) << name.status().ToString();
  EXPECT_EQ(name->rows.at(0).Text(0), "second");
}

TEST_P(DatabaseTest, ConcurrentWritersLoseNothing) {
  constexpr int kThreads = 4;
  constexpr int kInsertsPerThread = 100;
  std::vector<std::vector<Status>> failures(kThreads);
  std::vector<std::thread> writers;
  for (int thread = 0; thread < kThreads; ++thread) {
    writers.emplace_back([&, thread] {
      for (int insert = 0; insert < kInsertsPerThread; ++insert) {
        const std::string name = std::to_string(thread) + "-" + std::to_string(insert);
        Status status = Exec("INSERT INTO items (name) VALUES ($1)", {name});
        if (!status.ok()) failures[thread].push_back(std::move(status));
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  for (const auto& thread_failures : failures) {
    EXPECT_TRUE(thread_failures.empty()) << thread_failures.front().ToString();
  }
  auto counts = db().Query("SELECT COUNT(*), COUNT(DISTINCT name), COUNT(DISTINCT id) FROM items");
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  for (std::size_t column = 0; column < 3; ++column) {
    EXPECT_EQ(counts->rows.at(0).Int(column), kThreads * kInsertsPerThread);
  }
}

// Concurrent writers are committed together on SQLite (group commit): a writer whose callback
// fails, or throws, must lose only its own rows, and every writer must see its own result.
TEST_P(DatabaseTest, ConcurrentFailingWritersUndoOnlyTheirOwnRows) {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 60;
  std::atomic<int> wrong_results{0};
  std::vector<std::thread> writers;
  for (int thread = 0; thread < kThreads; ++thread) {
    writers.emplace_back([&, thread] {
      for (int write = 0; write < kWritesPerThread; ++write) {
        const std::string name = std::to_string(thread) + "-" + std::to_string(write);
        const int outcome = (thread + write) % 3;  // 0 commits, 1 fails, 2 throws
        const Status status = Write([&](Connection& connection) -> Status {
          RETURN_IF_ERROR(
              connection.Execute("INSERT INTO items (name) VALUES ($1)", {name}).status());
          RETURN_IF_ERROR(
              connection.Execute("INSERT INTO items (name) VALUES ($1)", {name + "b"}).status());
          if (outcome == 1) return Status::InvalidArgument("error.field_required", {}, "x");
          if (outcome == 2) throw std::runtime_error("callback bug");
          return Status::Ok();
        });
        if (status.ok() != (outcome == 0)) ++wrong_results;
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(wrong_results.load(), 0);
  auto rows = db().Query("SELECT name FROM items");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::set<std::string> names;
  for (const Row& row : rows->rows) names.insert(row.Text(0));
  int expected = 0;
  for (int thread = 0; thread < kThreads; ++thread) {
    for (int write = 0; write < kWritesPerThread; ++write) {
      const std::string name = std::to_string(thread) + "-" + std::to_string(write);
      const bool committed = (thread + write) % 3 == 0;
      expected += committed ? 2 : 0;
      EXPECT_EQ(names.count(name), committed ? 1u : 0u) << name;
      EXPECT_EQ(names.count(name + "b"), committed ? 1u : 0u) << name;
    }
  }
  EXPECT_EQ(static_cast<int>(rows->rows.size()), expected);
}

TEST_P(DatabaseTest, PoolBoundsConcurrentTransactions) {
  constexpr int kPoolSize = 2;
  constexpr int kThreads = 6;
  auto small = OpenDatabase(scratch_->url(), kPoolSize);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  std::atomic<int> active{0};
  std::atomic<int> most_active{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> readers;
  for (int thread = 0; thread < kThreads; ++thread) {
    readers.emplace_back([&] {
      const Status status =
          (*small)->Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
            const int now = ++active;
            int seen = most_active.load();
            while (now > seen && !most_active.compare_exchange_weak(seen, now)) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            Status query = connection.Query("SELECT COUNT(*) FROM cells").status();
            --active;
            return query;
          });
      if (!status.ok()) ++failed;
    });
  }
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GE(most_active.load(), 1);
  EXPECT_LE(most_active.load(), kPoolSize);
}

TEST_P(DatabaseTest, DescribeNeverShowsAPassword) {
  if (GetParam() == Backend::kSqlite) {
    EXPECT_EQ(db().Describe(), "sqlite:" + scratch_->url());
    return;
  }
  // The fixture server trusts 127.0.0.1, so it accepts and ignores any password.
  std::string url = scratch_->url();
  const std::size_t user_end = url.find('@');
  ASSERT_NE(user_end, std::string::npos) << url;
  url.insert(user_end, ":s3cret");
  url += "?password=s3cret&connect_timeout=5";
  auto opened = OpenDatabase(url, 1);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  const std::string described = (*opened)->Describe();
  EXPECT_EQ(described.find("s3cret"), std::string::npos) << described;
  EXPECT_NE(described.find("@127.0.0.1:"), std::string::npos) << described;
  EXPECT_NE(described.find("?connect_timeout=5"), std::string::npos) << described;
}

TEST_P(DatabaseTest, BrokenConnectionIsUnavailableThenReplaced) {
  if (GetParam() == Backend::kSqlite) GTEST_SKIP() << "PostgreSQL connections only";
  auto single = OpenDatabase(scratch_->url(), 1);  // one connection, so the next call reuses it
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  const Status killed = (*single)->Transaction(TransactionMode::kRead, [](Connection& connection) {
    return connection.Query("SELECT pg_terminate_backend(pg_backend_pid())").status();
  });
  EXPECT_EQ(killed.code(), ErrorCode::kUnavailable) << killed.ToString();
  EXPECT_EQ(killed.message_id(), "error.store_unavailable");
  auto again = (*single)->Query("SELECT 1");
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

TEST_P(DatabaseTest, PostgresRefusesToCommitAfterASwallowedError) {
  if (GetParam() == Backend::kSqlite) GTEST_SKIP() << "SQLite keeps a transaction alive";
  // PostgreSQL aborts a transaction at its first failed statement; returning ok anyway must not
  // report a commit that never happened.
  const Status status = Write([](Connection& connection) -> Status {
    RETURN_IF_ERROR(connection.Execute("INSERT INTO parents (id, name) VALUES (1, 'a')").status());
    (void)connection.Execute("INSERT INTO parents (id, name) VALUES (2, 'a')");
    return Status::Ok();
  });
  EXPECT_EQ(status.code(), ErrorCode::kAlreadyExists) << status.ToString();
  EXPECT_EQ(Count("parents"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendParamName());

TEST(OpenDatabaseTest, UnreachablePostgresIsUnavailable) {
  auto opened = OpenDatabase("postgresql://nobody@127.0.0.1:1/none?connect_timeout=5", 1);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kUnavailable) << opened.status().ToString();
}

TEST(SqlitePlaceholdersTest, RewritesOnlyOutsideQuotes) {
  EXPECT_EQ(SqlitePlaceholders("SELECT '$1', $1, \"$2\", $2, 'it''s $3', $10"),
            "SELECT '$1', ?1, \"$2\", ?2, 'it''s $3', ?10");
  EXPECT_EQ(SqlitePlaceholders("SELECT 1"), "SELECT 1");
}

}  // namespace
}  // namespace lifeline
