#include "node/service/principal.hpp"

#include <array>
#include <utility>

namespace simpul::service {
namespace {
constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles = {{
    {Role::kVerifier, "verifier"},
    {Role::kUnitOfficer, "unit_officer"},
    {Role::kSupervisor, "supervisor"},
    {Role::kNodeAdmin, "node_admin"},
    {Role::kAuditor, "auditor"},
}};
}  // namespace

std::string_view Name(Role role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "auditor";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& [r, n] : kRoles) {
    if (n == name) return r;
  }
  return std::nullopt;
}

std::vector<Role> AllRoles() {
  std::vector<Role> out;
  for (const auto& entry : kRoles) out.push_back(entry.first);
  return out;
}

}  // namespace simpul::service
