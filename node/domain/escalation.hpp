#pragma once
// Escalation of an overdue case beyond its node (DESIGN §2: "SLA breach → escalation to the
// supervisor, then to the parent node or the coordinator"). The sweeper first raises a missed
// deadline to the node's own supervisors; once the deadline is late by a configurable number of
// working days it goes to the node's parent in the directory, and later to the coordinator. A
// node without a parent goes straight to the coordinator at the first threshold.
//
//   EscalationPolicy policy;  // parent after 5 working days, coordinator after 10
//   int late = OverdueWorkingDays(calendar, due, now);
//   for (EscalationLevel level : LevelsReached(policy, late, has_parent)) Send(level);
//
// Pure functions of their arguments: thread-safe.

#include <optional>
#include <string_view>
#include <vector>

#include "node/domain/calendar.hpp"
#include "node/domain/time.hpp"

namespace simpul::domain {

// Where an escalation beyond the node goes.
enum class EscalationLevel {
  kParent,       // the node's parent in the directory (a regency's province)
  kCoordinator,  // the national coordinator
};

std::string_view Name(EscalationLevel level);  // "parent", "coordinator"
std::optional<EscalationLevel> ParseEscalationLevel(std::string_view name);

// Thresholds in whole working days past a missed deadline. Config validation keeps both >= 0 and
// coordinator_after_working_days >= parent_after_working_days.
struct EscalationPolicy {
  int parent_after_working_days = 5;
  int coordinator_after_working_days = 10;
};

// The whole working days that have passed between the missed deadline `due` and `now`: the
// working time in [due, now) divided by 24 h, rounded down. 0 when now <= due. A deadline missed
// on Friday night is 1 working day late at the end of Monday, not on Sunday.
int OverdueWorkingDays(const WorkingCalendar& calendar, TimePoint due, TimePoint now);

// The levels a deadline `overdue_working_days` late has reached, lowest first. With a parent:
// kParent from parent_after_working_days, kCoordinator from coordinator_after_working_days.
// Without one: kCoordinator from parent_after_working_days (the first threshold).
std::vector<EscalationLevel> LevelsReached(const EscalationPolicy& policy, int overdue_working_days,
                                           bool has_parent);

}  // namespace simpul::domain
