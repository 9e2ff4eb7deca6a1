#include "store/sqlite_database.h"

#include <sqlite3.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace lifeline {
namespace {

constexpr int kBusyTimeoutMs = 10000;

Status SqliteError(sqlite3* db, int code, std::string_view what) {
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : code;
  const std::string detail =
      std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status(ErrorCode::kAlreadyExists, "error.already_exists", {}, {}, detail);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Status(ErrorCode::kFailedPrecondition, "error.reference_missing", {}, {}, detail);
    default:
      break;
  }
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    return Status(ErrorCode::kUnavailable, "error.store_busy", {}, {}, detail);
  }
  return Status::Internal(detail);
}

// One sqlite3 handle with a cache of prepared statements keyed by their SQL text.
class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Result<QueryResult> Query(std::string_view sql, const std::vector<Value>& params) override {
    QueryResult result;
    RETURN_IF_ERROR(Run(sql, params, &result));
    return result;
  }

  Result<std::int64_t> Execute(std::string_view sql, const std::vector<Value>& params) override {
    RETURN_IF_ERROR(Run(sql, params, nullptr));
    return static_cast<std::int64_t>(sqlite3_changes(db_));
  }

  Status ExecuteScript(std::string_view sql) override {
    char* error = nullptr;
    const int code = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error);
    if (code != SQLITE_OK) {
      const std::string message = error != nullptr ? error : sqlite3_errstr(code);
      sqlite3_free(error);
      return SqliteError(db_, code, "script: " + message);
    }
    return Status::Ok();
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  sqlite3* handle() { return db_; }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    const std::string key(sql);
    const auto cached = statements_.find(key);
    if (cached != statements_.end()) return cached->second;
    const std::string rewritten = SqlitePlaceholders(sql);
    sqlite3_stmt* statement = nullptr;
    const int code = sqlite3_prepare_v3(db_, rewritten.c_str(), static_cast<int>(rewritten.size()),
                                        SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (code != SQLITE_OK) return SqliteError(db_, code, "prepare " + key);
    statements_.emplace(key, statement);
    return statement;
  }

  Status Bind(sqlite3_stmt* statement, const std::vector<Value>& params) {
    if (static_cast<int>(params.size()) < sqlite3_bind_parameter_count(statement)) {
      return Status::Internal("too few parameters for statement");
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      int code = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(params[i])) {
        code = sqlite3_bind_null(statement, index);
      } else if (const auto* integer = std::get_if<std::int64_t>(&params[i])) {
        code = sqlite3_bind_int64(statement, index, *integer);
      } else if (const auto* real = std::get_if<double>(&params[i])) {
        code = sqlite3_bind_double(statement, index, *real);
      } else {
        const std::string& text = std::get<std::string>(params[i]);
        code = sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()),
                                 SQLITE_TRANSIENT);
      }
      if (code != SQLITE_OK) return SqliteError(db_, code, "bind");
    }
    return Status::Ok();
  }

  Status Run(std::string_view sql, const std::vector<Value>& params, QueryResult* result) {
    ASSIGN_OR_RETURN(sqlite3_stmt * statement, Prepare(sql));
    // Reset on every exit so the cached statement is ready for its next use.
    struct ResetOnExit {
      sqlite3_stmt* statement;
      ~ResetOnExit() {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
      }
    } reset{statement};
    RETURN_IF_ERROR(Bind(statement, params));
    const int column_count = sqlite3_column_count(statement);
    if (result != nullptr) {
      for (int column = 0; column < column_count; ++column) {
        result->columns.emplace_back(sqlite3_column_name(statement, column));
      }
    }
    while (true) {
      const int code = sqlite3_step(statement);
      if (code == SQLITE_DONE) return Status::Ok();
      if (code != SQLITE_ROW) return SqliteError(db_, code, std::string(sql));
      if (result == nullptr) continue;
      std::vector<Value> cells;
      cells.reserve(column_count);
      for (int column = 0; column < column_count; ++column) {
        switch (sqlite3_column_type(statement, column)) {
          case SQLITE_INTEGER:
            cells.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(statement, column)));
            break;
          case SQLITE_FLOAT:
            cells.emplace_back(sqlite3_column_double(statement, column));
            break;
          case SQLITE_NULL:
            cells.emplace_back(nullptr);
            break;
          default: {
            const auto* text =
                reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
            cells.emplace_back(std::string(text, sqlite3_column_bytes(statement, column)));
          }
        }
      }
      result->rows.emplace_back(std::move(cells));
    }
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(std::string path) : path_(std::move(path)) {}

  Status Open(int pool_size) {
    ASSIGN_OR_RETURN(writer_, Connect(/*read_only=*/false));
    RETURN_IF_ERROR(writer_->ExecuteScript("PRAGMA journal_mode=WAL"));
    for (int i = 0; i < pool_size; ++i) {
      ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> reader, Connect(/*read_only=*/true));
      idle_readers_.push_back(reader.get());
      readers_.push_back(std::move(reader));
    }
    return Status::Ok();
  }

  Status Transaction(TransactionMode mode,
                     const std::function<Status(Connection&)>& work) override {
    if (mode == TransactionMode::kWrite) return GroupCommit(work);
    SqliteConnection* reader = nullptr;
    {
      std::unique_lock lock(readers_mutex_);
      readers_available_.wait(lock, [&] { return !idle_readers_.empty(); });
      reader = idle_readers_.back();
      idle_readers_.pop_back();
    }
    Status status = RunInTransaction(*reader, "BEGIN", work);
    {
      std::lock_guard lock(readers_mutex_);
      idle_readers_.push_back(reader);
    }
    readers_available_.notify_one();
    return status;
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return "sqlite:" + path_; }

 private:
  // Readers are query_only, like PostgreSQL's READ ONLY transactions, so a service that writes
  // inside a kRead transaction fails on both backends rather than only on one.
  Result<std::unique_ptr<SqliteConnection>> Connect(bool read_only) {
    sqlite3* db = nullptr;
    const int code =
        sqlite3_open_v2(path_.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (code != SQLITE_OK) {
      Status status(ErrorCode::kUnavailable, "error.store_open", {{"target", path_}}, {},
                    db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code));
      sqlite3_close_v2(db);
      return status;
    }
    auto connection = std::make_unique<SqliteConnection>(db);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    RETURN_IF_ERROR(connection->ExecuteScript(
        "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"));
    if (read_only) RETURN_IF_ERROR(connection->ExecuteScript("PRAGMA query_only=ON"));
    return connection;
  }

  // Runs `work`, turning an exception into a failed Status: an exception must not leave the
  // shared connection inside an open transaction or savepoint (every later BEGIN would fail).
  static Status RunCallback(SqliteConnection& connection,
                            const std::function<Status(Connection&)>& work) {
    try {
      return work(connection);
    } catch (const std::exception& error) {
      return Status::Internal(std::string("exception in transaction: ") + error.what());
    } catch (...) {
      return Status::Internal("unknown exception in transaction");
    }
  }

  static Status RunInTransaction(SqliteConnection& connection, const char* begin,
                                 const std::function<Status(Connection&)>& work) {
    RETURN_IF_ERROR(connection.ExecuteScript(begin));
    Status status = RunCallback(connection, work);
    if (status.ok()) {
      status = connection.ExecuteScript("COMMIT");
      if (status.ok()) return status;
    }
    if (!sqlite3_get_autocommit(connection.handle())) (void)connection.ExecuteScript("ROLLBACK");
    return status;
  }

  // One write transaction waiting for the writer connection.
  struct PendingWrite {
    const std::function<Status(Connection&)>* work;
    Status result;
    bool done = false;
  };

  // Group commit: each commit costs an fsync of the WAL, so writers that arrive while one
  // commit is in flight are run together in the next transaction, each inside its own
  // savepoint. A callback that fails rolls back to its savepoint only; the others commit with
  // one fsync. Nobody is told "ok" before the shared COMMIT has succeeded, so an acknowledged
  // write is as durable as before. The first waiting writer leads: it runs the whole batch on
  // its own thread while the others wait for their results.
  Status GroupCommit(const std::function<Status(Connection&)>& work) {
    PendingWrite mine{&work, Status::Ok()};
    std::unique_lock lock(queue_mutex_);
    queue_.push_back(&mine);
    while (!mine.done) {
      if (leader_active_) {
        batch_finished_.wait(lock);
        continue;
      }
      leader_active_ = true;
      std::vector<PendingWrite*> batch;
      while (!queue_.empty() && batch.size() < kMaxGroupCommit) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      lock.unlock();
      RunBatch(batch);
      lock.lock();
      for (PendingWrite* write : batch) write->done = true;
      leader_active_ = false;
      batch_finished_.notify_all();
    }
    return mine.result;
  }

  void RunBatch(const std::vector<PendingWrite*>& batch) {
    if (batch.size() == 1) {
      batch[0]->result = RunInTransaction(*writer_, "BEGIN IMMEDIATE", *batch[0]->work);
      return;
    }
    Status begun = writer_->ExecuteScript("BEGIN IMMEDIATE");
    if (!begun.ok()) {
      for (PendingWrite* write : batch) write->result = begun;
      return;
    }
    for (PendingWrite* write : batch) {
      Status status = writer_->ExecuteScript("SAVEPOINT lifeline_write");
      if (status.ok()) status = RunCallback(*writer_, *write->work);
      if (!status.ok()) (void)writer_->ExecuteScript("ROLLBACK TO lifeline_write");
      (void)writer_->ExecuteScript("RELEASE lifeline_write");
      write->result = status;
    }
    const Status committed = writer_->ExecuteScript("COMMIT");
    if (committed.ok()) return;
    if (!sqlite3_get_autocommit(writer_->handle())) (void)writer_->ExecuteScript("ROLLBACK");
    for (PendingWrite* write : batch) {
      if (write->result.ok()) write->result = committed;
    }
  }

  // Enough to amortise the fsync, small enough that one slow callback delays few others.
  static constexpr std::size_t kMaxGroupCommit = 64;

  const std::string path_;
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex queue_mutex_;
  std::condition_variable batch_finished_;
  std::deque<PendingWrite*> queue_;
  bool leader_active_ = false;
  std::mutex readers_mutex_;
  std::condition_variable readers_available_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
  std::vector<SqliteConnection*> idle_readers_;
};

}  // namespace

std::string SqlitePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '1' && sql[i + 1] <= '9') {
      out.push_back('?');
      continue;
    }
    out.push_back(c);
  }
  return out;
}

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path, int pool_size) {
  auto database = std::make_unique<SqliteDatabase>(path);
  RETURN_IF_ERROR(database->Open(pool_size < 1 ? 1 : pool_size));
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace lifeline
