#include "services/tracing/tracing_common.h"

#include <algorithm>
#include <utility>

#include "core/crypto.h"
#include "core/validation.h"
#include "services/audit/audit_log.h"

namespace lifeline {
namespace {

// Numbers at least this long (a Chinese mobile number has 11 digits) keep their first three
// digits in a masked label; shorter ones would show too much of themselves.
constexpr std::size_t kDigitsForPrefix = 11;
constexpr std::size_t kShownPrefix = 3;
constexpr std::size_t kShownSuffix = 4;

}  // namespace

const std::string kCaseStatusesSql = "('confirmed', 'asymptomatic')";

bool IsCaseStatus(std::string_view status) {
  return status == "confirmed" || status == "asymptomatic";
}

Status CheckTracer(const Actor& actor) {
  if (actor.role == Role::kTracer || actor.role == Role::kAdmin) return Status::Ok();
  return Status(ErrorCode::kPermissionDenied, "error.tracing.tracers_only");
}

Status Audit(Connection& connection, const Actor& actor, std::string action, std::string entity,
             std::string entity_id, std::string reason) {
  return AuditLog::Append(
      connection, actor,
      {std::move(action), std::move(entity), std::move(entity_id), std::move(reason)});
}

std::optional<ProtectedPhone> ProtectPhone(std::string_view deployment_key,
                                           std::string_view phone) {
  const std::optional<std::string> digits = PhoneDigits(phone);
  if (!digits) return std::nullopt;
  return ProtectedPhone{PhoneKey(deployment_key, *digits),
                        SealText(deployment_key, Trimmed(phone))};
}

std::string PhoneKey(std::string_view deployment_key, std::string_view digits) {
  return KeyedHashHex(deployment_key, digits);
}

std::string MaskedPhone(std::string_view digits) {
  std::string masked;
  if (digits.size() >= kDigitsForPrefix) masked.append(digits.data(), kShownPrefix);
  masked.append("****");
  const std::size_t shown = std::min(kShownSuffix, digits.size());
  masked.append(digits.data() + digits.size() - shown, shown);
  return masked;
}

}  // namespace lifeline
