#pragma once
// Who is acting: a signed-in staff member with one role, or nobody (a citizen or the public).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simpul::service {

enum class Role {
  kVerifier,     // admin instansi: verifies, classifies, dispositions, archives incoming cases
  kUnitOfficer,  // work-unit officer: handles the cases dispositioned to their unit
  kSupervisor,   // middle management: every case action, receives escalations
  kNodeAdmin,    // the node's administrator: accounts, units, categories, and every case action
  kAuditor,      // oversight (e.g. Ombudsman): reads everything except reporter identities
};

std::string_view Name(Role role);
std::optional<Role> ParseRole(std::string_view name);
std::vector<Role> AllRoles();

struct Principal {
  std::int64_t user_id = 0;
  std::string username;
  Role role = Role::kAuditor;
  std::optional<std::int64_t> unit_id;  // set for unit officers
  std::string unit_code;

  // The actor string recorded on events: "user:<username>".
  std::string Actor() const { return "user:" + username; }
};

}  // namespace simpul::service
