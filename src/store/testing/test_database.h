#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/status.h"
#include "store/database.h"

namespace lifeline::testing {

// The store backends a test run exercises. Tests over the store are parameterised on this so
// the same assertions run against SQLite and PostgreSQL.
enum class Backend { kSqlite, kPostgres };

std::string BackendName(Backend backend);

// SQLite always; PostgreSQL when LIFELINE_TEST_POSTGRES_URL_FILE names a file holding a server
// URL (CTest's `postgres` fixture, tests/postgres/start.sh, provides it). If the variable is set
// but the file is missing or empty, the PostgreSQL backend is still listed, so its tests fail
// loudly instead of being skipped.
std::vector<Backend> TestBackends();

// For INSTANTIATE_TEST_SUITE_P's name generator: "sqlite" / "postgres".
struct BackendParamName {
  template <typename ParamInfo>
  std::string operator()(const ParamInfo& info) const {
    return BackendName(info.param);
  }
};

// A fresh, empty database owned by one test: a new SQLite file in a temporary directory, or a
// new PostgreSQL database on the fixture's server. Removed when destroyed.
class ScratchDatabase {
 public:
  // Creates the database, opens it and, if `migrate`, applies every built-in migration. A
  // PostgreSQL database takes its character type (what LOWER and UPPER know of letters) from
  // `postgres_ctype` when given, e.g. "C.utf8" as a deployment's usually is; else the fixture
  // server's "C", which knows only ASCII.
  static Result<std::unique_ptr<ScratchDatabase>> Create(Backend backend, bool migrate = true,
                                                         const std::string& postgres_ctype = "");
  ~ScratchDatabase();

  Database& db() { return *database_; }
  // What `lifeline serve --db` accepts, to run a server process on this same database.
  const std::string& url() const { return url_; }
  // Closes the pooled connections (for tests that hand the database to a server process).
  void Close() { database_.reset(); }
  // Reopens after Close().
  Status Reopen();

 private:
  ScratchDatabase() = default;

  Backend backend_ = Backend::kSqlite;
  std::string url_;
  std::string cleanup_;  // temp directory or PostgreSQL database name
  std::unique_ptr<Database> database_;
};

// Every row of `sql` as text, cells separated by '|' and rows ended by a newline, so two
// databases compare at a glance. A failed query fails the test and gives "".
std::string Rows(Database& database, const std::string& sql);
// The integer in the first cell of `sql`'s first row (a COUNT); a failed query fails the test
// and gives -1.
std::int64_t Count(Database& database, const std::string& sql);

// Base fixture for tests parameterised over TestBackends(): SetUp gives each test `scratch_`,
// a fresh database, migrated unless the subclass constructs the base with `migrate` false.
// A subclass that overrides SetUp calls BackendTest::SetUp() first and returns on failure.
class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  explicit BackendTest(bool migrate = true) : migrate_(migrate) {}
  void SetUp() override;

  Database& db() { return scratch_->db(); }

  std::unique_ptr<ScratchDatabase> scratch_;

 private:
  const bool migrate_;
};

}  // namespace lifeline::testing
