#pragma once

#include <cstdint>
#include <string>

#include "core/role.h"

namespace lifeline {

// Who is asking, carried from the face into every service call so that services can check
// permissions on records and write the audit log. `request_id` ties audit rows to log lines.
struct Actor {
  std::int64_t user_id = 0;  // 0 for the command line and the public
  std::string username;      // "cli" or "public" when there is no account
  Role role = Role::kAdmin;
  std::string request_id;

  static Actor CommandLine() { return Actor{0, "cli", Role::kAdmin, "cli"}; }
};

}  // namespace lifeline
