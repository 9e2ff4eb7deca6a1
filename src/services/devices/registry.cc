// The registry: registering devices with generated names, editing them, their angels, listing.

#include <array>
#include <tuple>
#include <utility>

#include "core/crypto.h"
#include "services/devices/devices_internal.h"
#include "services/devices/devices_service.h"

namespace lifeline {

using namespace devices;  // the helpers of devices_internal.h

namespace {

constexpr int kMaxPageSize = 1000;
// Tries of the next hopeful words when a generated name was taken by an edited one.
constexpr int kNameAttempts = 1000;

Status ValidateNames(const std::optional<std::string>& name_zh,
                     const std::optional<std::string>& name_en) {
  if (name_zh) RETURN_IF_ERROR(CheckText(*name_zh, "name_zh", kMaxNameText, true));
  if (name_en) RETURN_IF_ERROR(CheckText(*name_en, "name_en", kMaxNameText, true));
  return Status::Ok();
}

// FailedPrecondition-free check that the names are not another device's.
Result<bool> NameTaken(Connection& connection, std::string_view field, const std::string& name,
                       std::int64_t device_id) {
  const std::string sql =
      field == "name_zh" ? "SELECT 1 FROM devices WHERE name_zh = $1 AND id <> $2"
                         : "SELECT 1 FROM devices WHERE LOWER(name_en) = LOWER($1) AND id <> $2";
  ASSIGN_OR_RETURN(const QueryResult found, connection.Query(sql, {name, device_id}));
  return !found.rows.empty();
}

Status RequireNameFree(Connection& connection, std::string_view field, const std::string& name,
                       std::int64_t device_id) {
  ASSIGN_OR_RETURN(const bool taken, NameTaken(connection, field, name, device_id));
  if (!taken) return Status::Ok();
  return Status(ErrorCode::kAlreadyExists, "error.devices.name_taken", {{"name", name}},
                std::string(field));
}

// An enabled account with the role angel; InvalidArgument naming "angel_id" otherwise.
Result<std::string> RequireAngel(Connection& connection, std::int64_t angel_id) {
  ASSIGN_OR_RETURN(
      const QueryResult found,
      connection.Query("SELECT username, role, disabled FROM users WHERE id = $1", {angel_id}));
  if (found.rows.empty() || found.rows.front().Text(1) != RoleName(Role::kAngel) ||
      found.rows.front().Int(2) != 0) {
    return Status::InvalidArgument("error.devices.not_an_angel", {{"id", std::to_string(angel_id)}},
                                   "angel_id");
  }
  return found.rows.front().Text(0);
}

Status ValidateNewDevice(const NewDevice& device) {
  if (device.kind.empty()) return FieldRequired("kind");
  if (!IsOneOf(device.kind, DeviceKinds())) {
    return UnknownChoice("kind", device.kind, DeviceKinds());
  }
  RETURN_IF_ERROR(CheckText(device.serial, "serial", kMaxShortText, true));
  RETURN_IF_ERROR(CheckText(device.model, "model", kMaxShortText, false));
  const bool named = !device.name_zh.empty() || !device.name_en.empty();
  if (named) {
    RETURN_IF_ERROR(ValidateNames(device.name_zh, device.name_en));
  }
  if (device.offer_id && *device.offer_id <= 0) return FieldInvalid("offer_id", "> 0");
  return Status::Ok();
}

}  // namespace

DevicesService::DevicesService(Database& database, std::string pseudonym_key,
                               DevicesOptions options)
    : database_(database), pseudonym_key_(std::move(pseudonym_key)), options_(std::move(options)) {}

Status DevicesService::WriteBatch(const std::function<Status(DevicesBatch&)>& writes) {
  return database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
    DevicesBatch batch(*this, connection);
    return writes(batch);
  });
}

Result<Device> DevicesService::Register(const Actor& actor, const NewDevice& device) {
  Device registered;
  RETURN_IF_ERROR(WriteBatch([&](DevicesBatch& batch) -> Status {
    ASSIGN_OR_RETURN(registered, batch.Register(actor, device));
    return Status::Ok();
  }));
  return registered;
}

Result<Device> DevicesBatch::Register(const Actor& actor, const NewDevice& device) {
  RETURN_IF_ERROR(ValidateNewDevice(device));
  const UnixMillis now = service_.Now();
  if (device.angel_id) RETURN_IF_ERROR(RequireAngel(connection_, *device.angel_id).status());
  // The id decides the generated name, so the row starts with a unique stand-in.
  const std::string stand_in = std::string("~").append(RandomHex(12));
  ASSIGN_OR_RETURN(
      const QueryResult inserted,
      connection_.Query(
          "INSERT INTO devices (kind, name_zh, name_en, serial, model, angel_id, offer_id, "
          "status, registered_by, registered_at, updated_at) VALUES ($1, $2, $2, $3, $4, "
          "$5, $6, $7, $8, $9, $9) RETURNING id",
          {device.kind, stand_in, Trimmed(device.serial), Trimmed(device.model),
           device.angel_id ? Value(*device.angel_id) : Value(nullptr),
           device.offer_id ? Value(*device.offer_id) : Value(nullptr),
           std::string(kStatusAvailable), actor.user_id, now}));
  const std::int64_t id = inserted.rows.at(0).Int(0);
  std::string name_zh = Trimmed(device.name_zh);
  std::string name_en = Trimmed(device.name_en);
  if (name_zh.empty()) {
    for (int attempt = 0;; ++attempt) {
      if (attempt == kNameAttempts) return Status::Internal("no free generated name");
      std::tie(name_zh, name_en) = GeneratedName(id + attempt);
      ASSIGN_OR_RETURN(const bool zh_taken, NameTaken(connection_, "name_zh", name_zh, id));
      ASSIGN_OR_RETURN(const bool en_taken, NameTaken(connection_, "name_en", name_en, id));
      if (!zh_taken && !en_taken) break;
    }
  } else {
    RETURN_IF_ERROR(RequireNameFree(connection_, "name_zh", name_zh, id));
    RETURN_IF_ERROR(RequireNameFree(connection_, "name_en", name_en, id));
  }
  RETURN_IF_ERROR(connection_
                      .Execute("UPDATE devices SET name_zh = $1, name_en = $2 WHERE id = $3",
                               {name_zh, name_en, id})
                      .status());
  nlohmann::json detail = {{"kind", device.kind},
                           {"serial", Trimmed(device.serial)},
                           {"name_zh", name_zh},
                           {"name_en", name_en}};
  if (device.angel_id) detail["angel_id"] = *device.angel_id;
  RETURN_IF_ERROR(AppendEvent(connection_, id, std::nullopt, now, actor, "registered", detail));
  return LoadDevice(connection_, id);
}

Result<Device> DevicesService::Edit(const Actor& actor, std::int64_t device_id,
                                    const DeviceChanges& changes) {
  RETURN_IF_ERROR(ValidateNames(changes.name_zh, changes.name_en));
  if (changes.serial) RETURN_IF_ERROR(CheckText(*changes.serial, "serial", kMaxShortText, true));
  if (changes.model) RETURN_IF_ERROR(CheckText(*changes.model, "model", kMaxShortText, false));
  if (changes.offer_id && *changes.offer_id <= 0) return FieldInvalid("offer_id", "> 0");
  Device edited;
  const UnixMillis now = Now();
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const Device stored, LoadDevice(connection, device_id));
        nlohmann::json detail = nlohmann::json::object();
        auto change = [&](std::string_view column, const std::string& before,
                          const std::optional<std::string>& after) -> Status {
          if (!after || Trimmed(*after) == before) return Status::Ok();
          const std::string value = Trimmed(*after);
          if (column == "name_zh" || column == "name_en") {
            RETURN_IF_ERROR(RequireNameFree(connection, column, value, device_id));
          }
          detail[std::string(column)] = {{"from", before}, {"to", value}};
          return connection
              .Execute("UPDATE devices SET " + std::string(column) + " = $1 WHERE id = $2",
                       {value, device_id})
              .status();
        };
        RETURN_IF_ERROR(change("name_zh", stored.name_zh, changes.name_zh));
        RETURN_IF_ERROR(change("name_en", stored.name_en, changes.name_en));
        RETURN_IF_ERROR(change("serial", stored.serial, changes.serial));
        RETURN_IF_ERROR(change("model", stored.model, changes.model));
        if (changes.offer_id && changes.offer_id != stored.offer_id) {
          detail["offer_id"] = *changes.offer_id;
          RETURN_IF_ERROR(connection
                              .Execute("UPDATE devices SET offer_id = $1 WHERE id = $2",
                                       {*changes.offer_id, device_id})
                              .status());
        }
        if (!detail.empty()) {
          RETURN_IF_ERROR(
              connection
                  .Execute("UPDATE devices SET updated_at = $1 WHERE id = $2", {now, device_id})
                  .status());
          RETURN_IF_ERROR(
              AppendEvent(connection, device_id, std::nullopt, now, actor, "edited", detail));
        }
        ASSIGN_OR_RETURN(edited, LoadDevice(connection, device_id));
        return Status::Ok();
      }));
  return edited;
}

Result<Device> DevicesService::AssignAngel(const Actor& actor, std::int64_t device_id,
                                           std::int64_t angel_id) {
  if (angel_id <= 0) return FieldRequired("angel_id");
  Device assigned;
  const UnixMillis now = Now();
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kWrite, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const Device stored, LoadDevice(connection, device_id));
        ASSIGN_OR_RETURN(const std::string username, RequireAngel(connection, angel_id));
        if (stored.angel_id != angel_id) {
          RETURN_IF_ERROR(connection
                              .Execute("UPDATE devices SET angel_id = $1, updated_at = $2 WHERE "
                                       "id = $3",
                                       {angel_id, now, device_id})
                              .status());
          nlohmann::json detail = {{"angel_id", angel_id}, {"angel", username}};
          if (stored.angel_id) detail["previous_angel_id"] = *stored.angel_id;
          RETURN_IF_ERROR(
              AppendEvent(connection, device_id, std::nullopt, now, actor, "angel", detail));
        }
        ASSIGN_OR_RETURN(assigned, LoadDevice(connection, device_id));
        return Status::Ok();
      }));
  return assigned;
}

Result<DevicePage> DevicesService::List(const Actor& /*actor*/, const DeviceFilter& filter) {
  std::string where = "1 = 1";
  std::vector<Value> params;
  auto bind = [&params](Value value) {
    params.push_back(std::move(value));
    return std::string("$").append(std::to_string(params.size()));
  };
  if (filter.kind) {
    if (!IsOneOf(*filter.kind, DeviceKinds())) {
      return UnknownChoice("kind", *filter.kind, DeviceKinds());
    }
    where += " AND d.kind = " + bind(*filter.kind);
  }
  if (filter.status) {
    constexpr std::array<std::string_view, 4> kStatuses = {"available", "lent", "broken", "lost"};
    if (!IsOneOf(*filter.status, kStatuses)) {
      return UnknownChoice("status", *filter.status, kStatuses);
    }
    where += " AND d.status = " + bind(*filter.status);
  }
  if (filter.angel_id) where += " AND d.angel_id = " + bind(*filter.angel_id);
  const std::string query = Trimmed(filter.query);
  if (!query.empty()) {
    RETURN_IF_ERROR(CheckText(query, "q", kMaxShortText, false));
    const std::string pattern = bind("%" + query + "%");
    where += " AND (d.name_zh LIKE " + pattern + " OR LOWER(d.name_en) LIKE LOWER(" + pattern +
             ") OR d.serial LIKE " + pattern + ")";
  }
  if (filter.limit < 1 || filter.limit > kMaxPageSize) {
    return FieldInvalid("limit", "1.." + std::to_string(kMaxPageSize));
  }
  if (filter.offset < 0) return FieldInvalid("offset", ">= 0");
  DevicePage page;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(const QueryResult counted,
                         connection.Query("SELECT COUNT(*) FROM devices d WHERE " + where, params));
        page.total = counted.rows.at(0).Int(0);
        ASSIGN_OR_RETURN(page.devices,
                         LoadDevices(connection, where, params,
                                     " ORDER BY d.id LIMIT " + std::to_string(filter.limit) +
                                         " OFFSET " + std::to_string(filter.offset)));
        return Status::Ok();
      }));
  return page;
}

Result<Device> DevicesService::Get(const Actor& /*actor*/, std::int64_t device_id) {
  Device device;
  RETURN_IF_ERROR(
      database_.Transaction(TransactionMode::kRead, [&](Connection& connection) -> Status {
        ASSIGN_OR_RETURN(device, LoadDevice(connection, device_id));
        return Status::Ok();
      }));
  return device;
}

}  // namespace lifeline
