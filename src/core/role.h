#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace lifeline {

// The roles of DESIGN.md. Every endpoint names the roles that may call it; a user has one role.
enum class Role {
  kAdmin,
  kCoordinator,
  kDoctor,
  kNurse,
  kAngel,  // follow-up volunteer for families and lent devices
  kCounsellor,
  kTracer,
  kCommunityWorker,
  kBloodStaff,
  kPlanner,
};

// Every role, in declaration order.
std::span<const Role> AllRoles();

// Wire and database name: "admin", "community_worker", ...
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

}  // namespace lifeline
