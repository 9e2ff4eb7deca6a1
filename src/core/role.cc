#include "core/role.h"

#include <array>

namespace lifeline {
namespace {

struct RoleEntry {
  Role role;
  std::string_view name;
};

constexpr std::array<RoleEntry, 10> kRoles = {{
    {Role::kAdmin, "admin"},
    {Role::kCoordinator, "coordinator"},
    {Role::kDoctor, "doctor"},
    {Role::kNurse, "nurse"},
    {Role::kAngel, "angel"},
    {Role::kCounsellor, "counsellor"},
    {Role::kTracer, "tracer"},
    {Role::kCommunityWorker, "community_worker"},
    {Role::kBloodStaff, "blood_staff"},
    {Role::kPlanner, "planner"},
}};

constexpr std::array<Role, kRoles.size()> kAllRoles = [] {
  std::array<Role, kRoles.size()> roles{};
  for (std::size_t i = 0; i < kRoles.size(); ++i) roles[i] = kRoles[i].role;
  return roles;
}();

}  // namespace

std::span<const Role> AllRoles() { return kAllRoles; }

std::string_view RoleName(Role role) {
  for (const RoleEntry& entry : kRoles) {
    if (entry.role == role) return entry.name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const RoleEntry& entry : kRoles) {
    if (entry.name == name) return entry.role;
  }
  return std::nullopt;
}

}  // namespace lifeline
