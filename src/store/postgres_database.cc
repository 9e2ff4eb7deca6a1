#include "store/postgres_database.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

namespace lifeline {
namespace {

// Type OIDs from PostgreSQL's catalog (src/include/catalog/pg_type.dat); they never change.
constexpr pqxx::oid kBoolOid = 16;
constexpr pqxx::oid kInt8Oid = 20;
constexpr pqxx::oid kInt2Oid = 21;
constexpr pqxx::oid kInt4Oid = 23;
constexpr pqxx::oid kFloat4Oid = 700;
constexpr pqxx::oid kFloat8Oid = 701;
constexpr pqxx::oid kNumericOid = 1700;

Status Unavailable(std::string detail) {
  return Status(ErrorCode::kUnavailable, "error.store_unavailable", {}, {}, std::move(detail));
}

Status Busy(std::string detail) {
  return Status(ErrorCode::kUnavailable, "error.store_busy", {}, {}, std::move(detail));
}

// Maps a SQLSTATE to the same codes the SQLite backend gives for the same failure.
Status StatusFromSqlState(const std::string& sqlstate, std::string detail) {
  if (sqlstate == "23505") {  // unique_violation
    return Status(ErrorCode::kAlreadyExists, "error.already_exists", {}, {}, std::move(detail));
  }
  if (sqlstate == "23503") {  // foreign_key_violation
    return Status(ErrorCode::kFailedPrecondition, "error.reference_missing", {}, {},
                  std::move(detail));
  }
  // serialization_failure, deadlock_detected, lock_not_available: retrying may succeed, like
  // SQLITE_BUSY.
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return Busy(std::move(detail));
  }
  // Class 08 is connection_exception; 57P01-03 are the server shutting down or starting.
  if (sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03") {
    return Unavailable(std::move(detail));
  }
  return Status::Internal(std::move(detail));
}

// Turns the exception being handled into a Status. Call only inside a catch block: this is the
// one place pqxx's exceptions become values.
Status StatusFromCurrentException(std::string_view context) {
  const std::string prefix = std::string(context) + ": ";
  try {
    throw;
  } catch (const pqxx::broken_connection& error) {
    return Unavailable(prefix + error.what());
  } catch (const pqxx::in_doubt_error& error) {
    return Unavailable(prefix + "commit outcome unknown: " + error.what());
  } catch (const pqxx::statement_completion_unknown& error) {
    return Unavailable(prefix + error.what());
  } catch (const pqxx::transaction_rollback& error) {
    return Busy(prefix + error.what());  // serialization failure or deadlock
  } catch (const pqxx::sql_error& error) {
    return StatusFromSqlState(error.sqlstate(), prefix + error.what());
  } catch (const std::exception& error) {
    return Status::Internal(prefix + error.what());
  } catch (...) {
    return Status::Internal(prefix + "unknown exception");
  }
}

bool IsIdentifierChar(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return std::isalnum(byte) || c == '_' || c == '$' || byte >= 0x80;
}

// Length of a dollar-quote opener ("$$" or "$tag$") at sql[start], or 0 if there is none.
std::size_t DollarTagLength(std::string_view sql, std::size_t start) {
  std::size_t end = start + 1;
  while (end < sql.size() && IsIdentifierChar(sql[end]) && sql[end] != '$') ++end;
  return end < sql.size() && sql[end] == '$' ? end - start + 1 : 0;
}

// Where the token starting at sql[start] (a literal, quoted identifier, comment or dollar-quoted
// body) ends, or 0 if no such token starts there. Placeholders inside these are text.
std::size_t SkipQuoted(std::string_view sql, std::size_t start) {
  const char c = sql[start];
  const char next = start + 1 < sql.size() ? sql[start + 1] : '\0';
  if (c == '\'') {
    // E'…' strings escape with backslashes; standard strings only by doubling the quote.
    const bool backslash_escapes = start > 0 && (sql[start - 1] == 'E' || sql[start - 1] == 'e') &&
                                   !(start > 1 && IsIdentifierChar(sql[start - 2]));
    for (std::size_t end = start + 1; end < sql.size(); ++end) {
      if (backslash_escapes && sql[end] == '\\') {
        ++end;
      } else if (sql[end] == '\'') {
        if (end + 1 < sql.size() && sql[end + 1] == '\'') {
          ++end;
        } else {
          return end + 1;
        }
      }
    }
    return sql.size();
  }
  if (c == '"') {
    const std::size_t close = sql.find('"', start + 1);
    return close == std::string_view::npos ? sql.size() : close + 1;
  }
  if (c == '-' && next == '-') return std::min(sql.find('\n', start), sql.size());
  if (c == '/' && next == '*') {
    int depth = 0;  // PostgreSQL block comments nest
    for (std::size_t end = start; end + 1 < sql.size(); ++end) {
      if (sql[end] == '/' && sql[end + 1] == '*') {
        ++depth;
        ++end;
      } else if (sql[end] == '*' && sql[end + 1] == '/') {
        ++end;
        if (--depth == 0) return end + 1;
      }
    }
    return sql.size();
  }
  if (c == '$' && !(start > 0 && IsIdentifierChar(sql[start - 1]))) {
    const std::size_t tag_length = DollarTagLength(sql, start);
    if (tag_length == 0) return 0;
    const std::size_t close = sql.find(sql.substr(start, tag_length), start + tag_length);
    return close == std::string_view::npos ? sql.size() : close + tag_length;
  }
  return 0;
}

// libpqxx 6 sends parameters through PQexecParams without type OIDs, so the server infers each
// parameter's type from where it appears. That suits text (it adapts to any column, as in
// SQLite), but an integer in "$1 = 0" would be inferred as int4 and overflow, and "SELECT $1"
// would come back as text. So each $n bound to an integer or double gets an explicit ::int8 or
// ::float8 cast, keeping the type the caller chose; text and NULL stay untyped. libpq's own
// PQexecParams with a types array is not reachable through libpqxx 6's public API. Unlike SQLite,
// PostgreSQL needs every parameter it is sent to appear in the statement, to infer its type.
std::string TypePlaceholders(std::string_view sql, const std::vector<Value>& params) {
  std::string out;
  out.reserve(sql.size() + 8 * params.size());
  std::size_t pos = 0;
  while (pos < sql.size()) {
    const std::size_t skipped_end = SkipQuoted(sql, pos);
    if (skipped_end > pos) {
      out.append(sql.substr(pos, skipped_end - pos));
      pos = skipped_end;
      continue;
    }
    const bool placeholder = sql[pos] == '$' && pos + 1 < sql.size() &&
                             std::isdigit(static_cast<unsigned char>(sql[pos + 1])) &&
                             !(pos > 0 && IsIdentifierChar(sql[pos - 1]));
    if (!placeholder) {
      out.push_back(sql[pos++]);
      continue;
    }
    std::size_t end = pos + 1;
    std::size_t number = 0;
    while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) {
      number = number * 10 + static_cast<std::size_t>(sql[end] - '0');
      ++end;
    }
    out.append(sql.substr(pos, end - pos));
    if (number >= 1 && number <= params.size()) {
      if (std::holds_alternative<std::int64_t>(params[number - 1])) out.append("::int8");
      if (std::holds_alternative<double>(params[number - 1])) out.append("::float8");
    }
    pos = end;
  }
  return out;
}

// Parameter values as the text libpq sends, with a null pointer for SQL NULL. The pointers
// point into this object, so it must outlive the statement that uses them.
class ParameterText {
 public:
  Status Set(const std::vector<Value>& params) {
    values_.clear();
    values_.reserve(params.size());
    for (const Value& param : params) {
      if (std::holds_alternative<std::nullptr_t>(param)) {
        values_.emplace_back();
      } else if (const auto* integer = std::get_if<std::int64_t>(&param)) {
        values_.emplace_back(std::to_string(*integer));
      } else if (const auto* real = std::get_if<double>(&param)) {
        char buffer[32];  // the shortest text that reads back as the same double
        const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), *real);
        values_.emplace_back(std::string(buffer, error == std::errc() ? end : buffer));
      } else {
        const std::string& text = std::get<std::string>(param);
        // PostgreSQL text cannot hold NUL; refuse rather than silently truncate.
        if (text.find('\0') != std::string::npos) {
          return Status::Internal("text parameter contains a NUL byte");
        }
        values_.emplace_back(text);
      }
    }
    pointers_.clear();
    for (const auto& value : values_) pointers_.push_back(value ? value->c_str() : nullptr);
    return Status::Ok();
  }
  const std::vector<const char*>& pointers() const { return pointers_; }

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<const char*> pointers_;
};

Value CellValue(const pqxx::field& field, pqxx::oid type) {
  if (field.is_null()) return nullptr;
  const char* begin = field.c_str();
  const char* end = begin + field.size();
  switch (type) {
    case kBoolOid:
      return static_cast<std::int64_t>(*begin == 't' ? 1 : 0);
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      std::int64_t integer = 0;
      if (std::from_chars(begin, end, integer).ec == std::errc()) return integer;
      break;
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      double real = 0;
      if (std::from_chars(begin, end, real).ec == std::errc()) return real;
      return std::strtod(begin, nullptr);  // numeric beyond double's range: ±HUGE_VAL
    }
    default:
      break;
  }
  return std::string(begin, end);
}

// One connection inside one pqxx transaction. PostgreSQL aborts the whole transaction at the
// first failed statement, so the first failure is remembered: the transaction then rolls back
// even if the callback swallowed the error and returned ok, instead of "committing" nothing.
class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(pqxx::dbtransaction& transaction) : transaction_(transaction) {}

  Result<QueryResult> Query(std::string_view sql, const std::vector<Value>& params) override {
    ASSIGN_OR_RETURN(pqxx::result rows, Run(sql, params));
    QueryResult result;
    const auto column_count = rows.columns();
    std::vector<pqxx::oid> types;
    for (pqxx::row::size_type column = 0; column < column_count; ++column) {
      result.columns.emplace_back(rows.column_name(column));
      types.push_back(rows.column_type(column));
    }
    result.rows.reserve(rows.size());
    for (const pqxx::row& row : rows) {
      std::vector<Value> cells;
      cells.reserve(column_count);
      for (pqxx::row::size_type column = 0; column < column_count; ++column) {
        cells.push_back(CellValue(row[column], types[column]));
      }
      result.rows.emplace_back(std::move(cells));
    }
    return result;
  }

  Result<std::int64_t> Execute(std::string_view sql, const std::vector<Value>& params) override {
    ASSIGN_OR_RETURN(pqxx::result rows, Run(sql, params));
    return static_cast<std::int64_t>(rows.affected_rows());
  }

  // The simple-query protocol runs several statements, including $$-quoted function bodies.
  Status ExecuteScript(std::string_view sql) override {
    try {
      transaction_.exec(std::string(sql));
      return Status::Ok();
    } catch (...) {
      return Remember(StatusFromCurrentException("script"));
    }
  }

  Dialect dialect() const override { return Dialect::kPostgres; }
  const Status& first_error() const { return first_error_; }

 private:
  Result<pqxx::result> Run(std::string_view sql, const std::vector<Value>& params) {
    ParameterText text;
    RETURN_IF_ERROR(text.Set(params));
    try {
      return transaction_.exec_params(TypePlaceholders(sql, params),
                                      pqxx::prepare::make_dynamic_params(text.pointers()));
    } catch (...) {
      return Remember(StatusFromCurrentException(sql));
    }
  }

  Status Remember(Status status) {
    if (first_error_.ok()) first_error_ = status;
    return status;
  }

  pqxx::dbtransaction& transaction_;
  Status first_error_;
};

// A pooled connection: made on first use and replaced after it is found broken.
struct PoolSlot {
  // Declared before `quiet` so the handler, which unregisters itself, is destroyed first.
  std::unique_ptr<pqxx::connection> connection;
  // Notices (e.g. "relation already exists, skipping") would otherwise go to stderr.
  std::unique_ptr<pqxx::quiet_errorhandler> quiet;
};

// "postgresql://user:secret@host/db?password=x&sslmode=require"
//   -> "postgresql://user@host/db?sslmode=require".
std::string WithoutPassword(const std::string& url) {
  std::string out = url;
  const std::size_t scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    const std::size_t authority = scheme_end + 3;
    const std::size_t authority_end = std::min(out.find_first_of("/?#", authority), out.size());
    const std::size_t at = out.rfind('@', authority_end);
    if (at != std::string::npos && at >= authority) {
      const std::size_t colon = out.find(':', authority);
      if (colon < at) out.erase(colon, at - colon);
    }
  }
  const std::size_t query = out.find('?');
  if (query == std::string::npos) return out;
  std::string kept;
  std::size_t start = query + 1;
  while (start <= out.size()) {
    std::size_t end = out.find('&', start);
    if (end == std::string::npos) end = out.size();
    const std::string_view pair(out.data() + start, end - start);
    if (!pair.empty() && !pair.starts_with("password=")) {
      kept.append(kept.empty() ? "" : "&").append(pair);
    }
    start = end + 1;
  }
  return kept.empty() ? out.substr(0, query) : out.substr(0, query + 1) + kept;
}

// The pool behind OpenPostgresDatabase. Thread-safe: a transaction takes an idle slot, waiting
// while all `pool_size` are lent out, so at most that many sessions are open. Both modes are
// READ COMMITTED (kRead also READ ONLY) and commit with synchronous_commit on. Writers take no
// extra lock: PostgreSQL's row locks and unique indexes order them.
class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string url, int pool_size) : url_(std::move(url)) {
    for (int i = 0; i < pool_size; ++i) {
      slots_.push_back(std::make_unique<PoolSlot>());
      idle_.push_back(slots_.back().get());
    }
  }

  // Connects one pooled connection now, so a wrong URL or a down server fails at open.
  Status Open() {
    ASSIGN_OR_RETURN(PoolSlot * slot, Acquire());
    Release(slot);
    return Status::Ok();
  }

  Status Transaction(TransactionMode mode,
                     const std::function<Status(Connection&)>& work) override {
    ASSIGN_OR_RETURN(PoolSlot * slot, Acquire());
    Status status = RunInTransaction(*slot->connection, mode, work);
    Release(slot);
    return status;
  }

  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string Describe() const override { return WithoutPassword(url_); }

 private:
  // Waits for an idle slot and makes sure it holds an open connection.
  Result<PoolSlot*> Acquire() {
    PoolSlot* slot = nullptr;
    {
      std::unique_lock lock(mutex_);
      available_.wait(lock, [&] { return !idle_.empty(); });
      slot = idle_.back();
      idle_.pop_back();
    }
    if (slot->connection == nullptr || !slot->connection->is_open()) {
      Status status = Connect(*slot);
      if (!status.ok()) {
        Release(slot);
        return status;
      }
    }
    return slot;
  }

  void Release(PoolSlot* slot) {
    // A connection that broke is dropped here and remade by the next Acquire.
    if (slot->connection != nullptr && !slot->connection->is_open()) {
      slot->quiet.reset();
      slot->connection.reset();
    }
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(slot);
    }
    available_.notify_one();
  }

  Status Connect(PoolSlot& slot) {
    slot.quiet.reset();
    slot.connection.reset();
    try {
      auto connection = std::make_unique<pqxx::connection>(url_);
      auto quiet = std::make_unique<pqxx::quiet_errorhandler>(*connection);
      connection->set_client_encoding("UTF8");
      // The Database contract promises durability on return; do not inherit a server default
      // that trades it for speed.
      connection->set_variable("synchronous_commit", "on");
      slot.connection = std::move(connection);
      slot.quiet = std::move(quiet);
      return Status::Ok();
    } catch (...) {
      Status status = StatusFromCurrentException("connect to " + Describe());
      // Any failure to get a working session means the store is unreachable.
      return Unavailable(status.detail());
    }
  }

  static Status RunInTransaction(pqxx::connection& connection, TransactionMode mode,
                                 const std::function<Status(Connection&)>& work) {
    try {
      std::unique_ptr<pqxx::dbtransaction> transaction;
      if (mode == TransactionMode::kRead) {
        transaction = std::make_unique<pqxx::read_transaction>(connection);
      } else {
        transaction = std::make_unique<pqxx::work>(connection);
      }
      PostgresConnection lent(*transaction);
      Status status = work(lent);
      if (status.ok()) status = lent.first_error();
      if (!status.ok()) {
        transaction->abort();
        return status;
      }
      transaction->commit();
      return Status::Ok();
    } catch (...) {
      // The transaction's destructor has rolled back whatever was left open.
      return StatusFromCurrentException("transaction");
    }
  }

  const std::string url_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PoolSlot>> slots_;
  std::vector<PoolSlot*> idle_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url, int pool_size) {
  auto database = std::make_unique<PostgresDatabase>(url, std::max(pool_size, 1));
  RETURN_IF_ERROR(database->Open());
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace lifeline
