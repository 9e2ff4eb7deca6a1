#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace lifeline {

// A SQL parameter or result cell. Booleans are stored as 0/1 integers and instants as
// UnixMillis integers, so both backends hold the same values.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// One result row. Accessors convert leniently (an integer column read as text gives its
// digits) because the two backends report types differently; a NULL reads as 0 / "".
class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}

  bool IsNull(std::size_t column) const;
  std::int64_t Int(std::size_t column) const;
  double Double(std::size_t column) const;
  std::string Text(std::size_t column) const;
  // Int and Double for a nullable column: nullopt for NULL.
  std::optional<std::int64_t> OptionalInt(std::size_t column) const;
  std::optional<double> OptionalDouble(std::size_t column) const;
  const Value& Cell(std::size_t column) const { return cells_.at(column); }
  std::size_t size() const { return cells_.size(); }

 private:
  std::vector<Value> cells_;
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

enum class Dialect { kSqlite, kPostgres };

// One connection inside one transaction, lent to a Transaction callback. SQL uses $1, $2, ...
// placeholders on both backends. Not thread-safe; never kept beyond the callback.
class Connection {
 public:
  virtual ~Connection() = default;

  virtual Result<QueryResult> Query(std::string_view sql,
                                    const std::vector<Value>& params = {}) = 0;
  // Runs a statement; returns the number of rows changed.
  virtual Result<std::int64_t> Execute(std::string_view sql,
                                       const std::vector<Value>& params = {}) = 0;
  // Runs several statements without parameters (migrations).
  virtual Status ExecuteScript(std::string_view sql) = 0;
  virtual Dialect dialect() const = 0;
};

// Runs an `INSERT ... RETURNING id` and gives the new row's id (Internal if no row came back).
Result<std::int64_t> InsertReturningId(Connection& connection, std::string_view sql,
                                       const std::vector<Value>& params);

enum class TransactionMode {
  kRead,   // may run beside other readers
  kWrite,  // durable when Transaction returns ok; SQLite runs one at a time, PostgreSQL
           // concurrently (services make conflicting writes safe with keys or row locks)
};

// A pool of connections to one database. Thread-safe: any thread may start transactions.
// A transaction commits if the callback returns ok and rolls back otherwise; once Transaction
// returns ok for a kWrite transaction, its writes survive a crash of the process (SQLite WAL
// with synchronous=FULL; PostgreSQL's own commit). Store failures become ErrorCode::kInternal
// or kUnavailable with the backend's message as detail; a unique-key violation becomes
// kAlreadyExists and a foreign-key violation kFailedPrecondition.
class Database {
 public:
  virtual ~Database() = default;

  virtual Status Transaction(TransactionMode mode,
                             const std::function<Status(Connection&)>& work) = 0;
  virtual Dialect dialect() const = 0;
  // "sqlite:<path>" or the PostgreSQL URL without its password, for logs.
  virtual std::string Describe() const = 0;

  // Convenience for a single read outside a larger transaction.
  Result<QueryResult> Query(std::string_view sql, const std::vector<Value>& params = {});
};

// Opens "postgres://…" / "postgresql://…" with the PostgreSQL backend and anything else as an
// SQLite file path (created if missing). `pool_size` bounds concurrent connections.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url, int pool_size = 8);

}  // namespace lifeline
