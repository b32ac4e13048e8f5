#include "node/domain/escalation.hpp"

#include <array>
#include <chrono>

#include "node/domain/enum_names.hpp"

namespace simpul::domain {
namespace {

constexpr std::array<internal::NamedValue<EscalationLevel>, 2> kLevelNames{{
    {EscalationLevel::kParent, "parent"},
    {EscalationLevel::kCoordinator, "coordinator"},
}};

}  // namespace

std::string_view Name(EscalationLevel level) { return internal::NameIn(kLevelNames, level); }

std::optional<EscalationLevel> ParseEscalationLevel(std::string_view name) {
  return internal::ParseIn(kLevelNames, name);
}

int OverdueWorkingDays(const WorkingCalendar& calendar, TimePoint due, TimePoint now) {
  const auto late = calendar.WorkingTimeBetween(due, now);
  return static_cast<int>(late / std::chrono::hours(24));
}

std::vector<EscalationLevel> LevelsReached(const EscalationPolicy& policy, int overdue_working_days,
                                           bool has_parent) {
  std::vector<EscalationLevel> levels;
  if (!has_parent) {
    if (overdue_working_days >= policy.parent_after_working_days) {
      levels.push_back(EscalationLevel::kCoordinator);
    }
    return levels;
  }
  if (overdue_working_days >= policy.parent_after_working_days) {
    levels.push_back(EscalationLevel::kParent);
  }
  if (overdue_working_days >= policy.coordinator_after_working_days) {
    levels.push_back(EscalationLevel::kCoordinator);
  }
  return levels;
}

}  // namespace simpul::domain
