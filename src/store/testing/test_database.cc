#include "store/testing/test_database.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include <pqxx/pqxx>

#include "store/migrations.h"

namespace lifeline::testing {
namespace {

constexpr char kPostgresUrlFileVariable[] = "LIFELINE_TEST_POSTGRES_URL_FILE";
// Enough connections for the store's concurrency tests (four writers plus a reader).
constexpr int kScratchPoolSize = 8;

std::optional<std::string> PostgresUrlFile() {
  const char* path = std::getenv(kPostgresUrlFileVariable);
  if (path == nullptr || *path == '\0') return std::nullopt;
  return std::string(path);
}

// The fixture's server URL, e.g. "postgresql://postgres@127.0.0.1:5433/postgres".
Result<std::string> ReadServerUrl() {
  const std::optional<std::string> path = PostgresUrlFile();
  if (!path) {
    return Status::Internal(std::string(kPostgresUrlFileVariable) +
                            " is not set; run the test through ctest so the `postgres` fixture "
                            "starts a server");
  }
  std::ifstream file(*path);
  if (!file) {
    return Status::Internal("cannot read PostgreSQL URL file " + *path + " (" +
                            std::strerror(errno) + "); did tests/postgres/start.sh run?");
  }
  std::string url;
  std::getline(file, url);
  const std::size_t first = url.find_first_not_of(" \t\r\n");
  const std::size_t last = url.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) return Status::Internal("PostgreSQL URL file is empty: " + *path);
  return url.substr(first, last - first + 1);
}

// The URL with its database name replaced: "postgresql://u@h:1/postgres?x=y" with "db" gives
// "postgresql://u@h:1/db?x=y".
std::string WithDatabase(const std::string& url, const std::string& database) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t authority = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const std::size_t query = std::min(url.find('?', authority), url.size());
  const std::size_t path = std::min(url.find('/', authority), query);
  return url.substr(0, path) + "/" + database + url.substr(query);
}

// Lowercase letters, digits and underscores only, so it needs no quoting in SQL. The pid and
// counter keep parallel test processes apart; the random part keeps a rerun apart from a
// database a crashed run left behind.
std::string UniqueDatabaseName() {
  static std::atomic<int> counter{0};
  std::random_device random;
  std::ostringstream name;
  name << "lifeline_test_" << ::getpid() << '_' << counter++ << '_' << std::hex << random();
  return name.str();
}

// CREATE and DROP DATABASE refuse to run inside a transaction, which is all the Database
// interface offers, so they go through a plain libpqxx connection to the maintenance database.
Status RunOutsideTransaction(const std::string& server_url, const std::string& sql) {
  try {
    pqxx::connection connection(WithDatabase(server_url, "postgres"));
    pqxx::quiet_errorhandler quiet(connection);
    pqxx::nontransaction(connection).exec(sql);
    return Status::Ok();
  } catch (const std::exception& error) {
    return Status(ErrorCode::kUnavailable, "error.store_unavailable", {}, {},
                  sql + ": " + error.what());
  }
}

Result<std::string> MakeTempDirectory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lifeline_test_XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Status::Internal("mkdtemp " + pattern + ": " + std::strerror(errno));
  }
  return pattern;
}

}  // namespace

std::string BackendName(Backend backend) {
  return backend == Backend::kSqlite ? "sqlite" : "postgres";
}

std::vector<Backend> TestBackends() {
  std::vector<Backend> backends = {Backend::kSqlite};
  if (PostgresUrlFile()) backends.push_back(Backend::kPostgres);
  return backends;
}

Result<std::unique_ptr<ScratchDatabase>> ScratchDatabase::Create(
    Backend backend, bool migrate, const std::string& postgres_ctype) {
  std::unique_ptr<ScratchDatabase> scratch(new ScratchDatabase());
  scratch->backend_ = backend;
  if (backend == Backend::kSqlite) {
    ASSIGN_OR_RETURN(scratch->cleanup_, MakeTempDirectory());
    scratch->url_ = scratch->cleanup_ + "/lifeline.db";
  } else {
    ASSIGN_OR_RETURN(const std::string server_url, ReadServerUrl());
    const std::string name = UniqueDatabaseName();
    std::string create = "CREATE DATABASE " + name;
    // Another character type than the template's needs the pristine template.
    if (!postgres_ctype.empty()) create += " TEMPLATE template0 LC_CTYPE '" + postgres_ctype + "'";
    RETURN_IF_ERROR(RunOutsideTransaction(server_url, create));
    scratch->cleanup_ = name;  // set only once it exists, so the destructor drops only ours
    scratch->url_ = WithDatabase(server_url, name);
  }
  RETURN_IF_ERROR(scratch->Reopen());
  if (migrate) {
    const Result<int> applied = Migrate(scratch->db());
    if (!applied.ok()) return applied.status();
  }
  return scratch;
}

ScratchDatabase::~ScratchDatabase() {
  database_.reset();
  if (cleanup_.empty()) return;
  if (backend_ == Backend::kSqlite) {
    std::error_code ignored;
    std::filesystem::remove_all(cleanup_, ignored);
    return;
  }
  // FORCE ends sessions a test left open (e.g. a server process it started).
  const Status dropped =
      RunOutsideTransaction(url_, "DROP DATABASE IF EXISTS " + cleanup_ + " WITH (FORCE)");
  if (!dropped.ok()) std::cerr << "warning: scratch database kept: " << dropped.ToString() << "\n";
}

Status ScratchDatabase::Reopen() {
  database_.reset();
  ASSIGN_OR_RETURN(database_, OpenDatabase(url_, kScratchPoolSize));
  return Status::Ok();
}

void BackendTest::SetUp() {
  auto scratch = ScratchDatabase::Create(GetParam(), migrate_);
  ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();
  scratch_ = std::move(scratch).value();
}

std::string Rows(Database& database, const std::string& sql) {
  Result<QueryResult> rows = database.Query(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString() << "\n" << sql;
  std::string text;
  if (!rows.ok()) return text;
  for (const Row& row : rows->rows) {
    for (std::size_t column = 0; column < row.size(); ++column) text += row.Text(column) + "|";
    text += "\n";
  }
  return text;
}

std::int64_t Count(Database& database, const std::string& sql) {
  Result<QueryResult> rows = database.Query(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString() << "\n" << sql;
  return rows.ok() ? rows->rows.at(0).Int(0) : -1;
}

}  // namespace lifeline::testing
