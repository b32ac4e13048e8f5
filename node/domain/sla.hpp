#pragma once
// The statutory clocks of a case as a pure function of (events, calendar, policy). Nothing is
// stored: recompute from the case's events whenever they change, and compare with `now`.
//
//   SlaStatus sla = ComputeSla(events, calendar, policy);
//   if (sla.next_due) ScheduleWakeUp(*sla.next_due);
//   for (SlaClock late : OverdueClocks(sla, now)) Escalate(late);
//
// Clocks (defaults in SlaPolicy):
// - verify: starts at submit; due at the end of the 3rd working day after; stops at verify,
//   archive or forward.
// - first_response: starts at the first dispose (a re-dispose does not restart it) and again at
//   each reopen (a reporter_reply that moves resolved → reopened); due at the end of the 5th
//   working day after; stops at the next respond.
// - settle: starts at verify; due 60 calendar days later; stops at the first resolve, or at
//   archive or forward.
// - auto_close: starts at each resolve; due at the end of the 10th working day after; stops at
//   close or reopen. When it falls due the case should be closed.
// Reaching closed or archived stops every clock.
//
// Pause: while the case is in pending_info the clocks that were not yet overdue are on hold.
// When the pause ends each such clock's due moves by exactly the time paused: the working time
// in the pause for working-day clocks (due = AddWorkingTime(due, WorkingTimeBetween(pause)), so
// a pause wholly on a weekend or holiday moves nothing), the wall time for settle. A clock
// already overdue when the pause begins is not extended: a late request for information does
// not cure a breach.

#include <chrono>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "node/domain/calendar.hpp"
#include "node/domain/lifecycle.hpp"
#include "node/domain/time.hpp"

namespace simpul::domain {

// National defaults; a node may override them.
struct SlaPolicy {
  int verify_working_days = 3;
  int first_response_working_days = 5;
  int autoclose_working_days = 10;
  std::chrono::days settle{60};
};

enum class SlaClock { kVerify, kFirstResponse, kSettle, kAutoClose };

std::string_view Name(SlaClock clock);  // "verify", "first_response", "settle", "auto_close"
std::optional<SlaClock> ParseSlaClock(std::string_view name);

// One event of a case's history: the action applied and the state it led to.
struct SlaEvent {
  CaseAction action;
  CaseState state_after;
  TimePoint at;
};

// One run of one clock. `due` already includes the extensions of pauses that have ended.
struct ClockRecord {
  SlaClock clock;
  TimePoint started_at;
  TimePoint due;
  std::optional<TimePoint> stopped_at;
  std::optional<TimePoint> on_hold_since;  // set while paused (its due will move on resume)

  bool running() const { return !stopped_at.has_value(); }

  // True if the clock stopped after its due, or is still running, not on hold, and now > due.
  bool Breached(TimePoint now) const;
};

struct SlaStatus {
  std::vector<ClockRecord> clocks;        // in the order started
  bool paused = false;                    // the case is in pending_info
  std::optional<TimePoint> paused_since;  // start of the current pause
  std::optional<TimePoint> next_due;      // earliest due among running clocks; none while paused
  std::optional<SlaClock> next_clock;     // the clock with that due
};

// Replays `events` (a case's history in the order it happened, starting with submit) and returns
// its clocks. Does not re-check the lifecycle (NextState does that when events are made); an
// event without a clock effect (classify, escalate, ...) changes nothing. Cannot fail.
SlaStatus ComputeSla(std::span<const SlaEvent> events, const WorkingCalendar& calendar,
                     const SlaPolicy& policy);

// The running clocks that are breached at `now` (see ClockRecord::Breached), in start order.
std::vector<SlaClock> OverdueClocks(const SlaStatus& status, TimePoint now);

}  // namespace simpul::domain
