#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/actor.h"
#include "core/status.h"
#include "store/database.h"

namespace lifeline {

// What every part of the contact-tracing desk (tracing_service.h, companion_runs.h) does alike.

// Ok for tracers and admins; PermissionDenied "error.tracing.tracers_only" for any other role:
// the records are patients' and their movements.
Status CheckTracer(const Actor& actor);

// The statuses that make someone a case (infected, whether or not with symptoms): in C++ and,
// for the queries, as an SQL list.
bool IsCaseStatus(std::string_view status);
extern const std::string kCaseStatusesSql;

// An audit row in the caller's transaction, so the row lands with what it records or not at
// all; `reason` says how a public read came (a link).
Status Audit(Connection& connection, const Actor& actor, std::string action, std::string entity,
             std::string entity_id, std::string reason = "");

// How the tracing desk keeps a person's phone number (migration 0011): never in the clear, but
// sealed with the deployment key (so a tracer can call back) and as a keyed hash of its digits
// (so the same number typed "138 0013 8000" or "13800138000" finds the same person). Shared by
// everything that writes tracing_people, so that a number recorded by hand and one found by a
// companion run hash alike. Pure functions of their inputs; thread-safe.
struct ProtectedPhone {
  std::string key;     // KeyedHashHex of the digits (tracing_people.phone_key)
  std::string sealed;  // SealText of the number as typed, trimmed (tracing_people.phone_sealed)
};

// Nullopt unless `phone` is a number core's PhoneDigits accepts (7 to 15 digits).
std::optional<ProtectedPhone> ProtectPhone(std::string_view deployment_key, std::string_view phone);

// The keyed hash alone, of a number's digits (PhoneDigits' result): to find a person by number.
std::string PhoneKey(std::string_view deployment_key, std::string_view digits);

// A number's digits with the middle hidden, as people are used to seeing it ("138****1234": the
// first three and last four of 11 or more digits; of shorter numbers only the last four).
std::string MaskedPhone(std::string_view digits);

}  // namespace lifeline
