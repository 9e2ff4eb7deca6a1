#include "store/database.h"

#include <string>

#include "store/postgres_database.h"
#include "store/sqlite_database.h"

namespace lifeline {

bool Row::IsNull(std::size_t column) const {
  return std::holds_alternative<std::nullptr_t>(cells_.at(column));
}

std::int64_t Row::Int(std::size_t column) const {
  const Value& cell = cells_.at(column);
  if (const auto* integer = std::get_if<std::int64_t>(&cell)) return *integer;
  if (const auto* real = std::get_if<double>(&cell)) return static_cast<std::int64_t>(*real);
  if (const auto* text = std::get_if<std::string>(&cell)) {
    try {
      return std::stoll(*text);
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

double Row::Double(std::size_t column) const {
  const Value& cell = cells_.at(column);
  if (const auto* real = std::get_if<double>(&cell)) return *real;
  if (const auto* integer = std::get_if<std::int64_t>(&cell)) return static_cast<double>(*integer);
  if (const auto* text = std::get_if<std::string>(&cell)) {
    try {
      return std::stod(*text);
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

std::optional<std::int64_t> Row::OptionalInt(std::size_t column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::optional<double> Row::OptionalDouble(std::size_t column) const {
  if (IsNull(column)) return std::nullopt;
  return Double(column);
}

std::string Row::Text(std::size_t column) const {
  const Value& cell = cells_.at(column);
  if (const auto* text = std::get_if<std::string>(&cell)) return *text;
  if (const auto* integer = std::get_if<std::int64_t>(&cell)) return std::to_string(*integer);
  if (const auto* real = std::get_if<double>(&cell)) return std::to_string(*real);
  return "";
}

Result<QueryResult> Database::Query(std::string_view sql, const std::vector<Value>& params) {
  QueryResult result;
  RETURN_IF_ERROR(Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
    ASSIGN_OR_RETURN(result, connection.Query(sql, params));
    return Status::Ok();
  }));
  return result;
}

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url, int pool_size) {
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return OpenPostgresDatabase(url, pool_size);
  }
  std::string path = url;
  if (path.starts_with("sqlite:")) path = path.substr(7);
  return OpenSqliteDatabase(path, pool_size);
}

Result<std::int64_t> InsertReturningId(Connection& connection, std::string_view sql,
                                       const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(const QueryResult inserted, connection.Query(sql, params));
  if (inserted.rows.empty()) return Status::Internal("INSERT ... RETURNING gave no id");
  return inserted.rows.front().Int(0);
}

}  // namespace lifeline
