#include "node/domain/sla.hpp"

#include <array>
#include <utility>

#include "node/domain/enum_names.hpp"

namespace simpul::domain {
namespace {

constexpr std::array<internal::NamedValue<SlaClock>, 4> kClockNames{{
    {SlaClock::kVerify, "verify"},
    {SlaClock::kFirstResponse, "first_response"},
    {SlaClock::kSettle, "settle"},
    {SlaClock::kAutoClose, "auto_close"},
}};

// Replays events one at a time, keeping every clock run and the current pause.
class ClockReplay {
 public:
  ClockReplay(const WorkingCalendar& calendar, const SlaPolicy& policy)
      : calendar_(calendar), policy_(policy) {}

  void Apply(const SlaEvent& event) {
    if (paused_since_ && !IsPaused(event.state_after)) EndPause(event.at);
    ApplyClockEffects(event);
    if (IsTerminal(event.state_after)) StopAll(event.at);
    if (IsPaused(event.state_after) && !paused_since_) BeginPause(event.at);
  }

  SlaStatus Finish() && {
    SlaStatus status;
    status.paused = paused_since_.has_value();
    status.paused_since = paused_since_;
    if (!status.paused) {
      for (const ClockRecord& record : clocks_) {
        if (record.running() && (!status.next_due || record.due < *status.next_due)) {
          status.next_due = record.due;
          status.next_clock = record.clock;
        }
      }
    }
    status.clocks = std::move(clocks_);
    return status;
  }

 private:
  void ApplyClockEffects(const SlaEvent& e) {
    switch (e.action) {
      case CaseAction::kSubmit:
        StartWorkingDays(SlaClock::kVerify, e.at, policy_.verify_working_days);
        break;
      case CaseAction::kVerify:
        Stop(SlaClock::kVerify, e.at);
        if (!Ever(SlaClock::kSettle)) Start(SlaClock::kSettle, e.at, e.at + policy_.settle);
        break;
      case CaseAction::kArchive:
      case CaseAction::kDecline:
      case CaseAction::kForward:
        Stop(SlaClock::kVerify, e.at);
        Stop(SlaClock::kSettle, e.at);
        break;
      case CaseAction::kDispose:
        if (!Ever(SlaClock::kFirstResponse)) {
          StartWorkingDays(SlaClock::kFirstResponse, e.at, policy_.first_response_working_days);
        }
        break;
      case CaseAction::kRespond:
        Stop(SlaClock::kFirstResponse, e.at);
        break;
      case CaseAction::kResolve:
        Stop(SlaClock::kSettle, e.at);
        StartWorkingDays(SlaClock::kAutoClose, e.at, policy_.autoclose_working_days);
        break;
      case CaseAction::kReporterReply:
        if (e.state_after == CaseState::kReopened) {
          Stop(SlaClock::kAutoClose, e.at);
          StartWorkingDays(SlaClock::kFirstResponse, e.at, policy_.first_response_working_days);
        }
        break;
      case CaseAction::kClose:
        Stop(SlaClock::kAutoClose, e.at);
        break;
      case CaseAction::kRequestInfo:
      case CaseAction::kProvideInfo:
      case CaseAction::kClassify:
      case CaseAction::kEscalate:
      case CaseAction::kEraseIdentity:
        break;
      case CaseAction::kPeerUpdate:
        // A case the handler returned (declined) is this node's to route again: its settle clock
        // runs again from the return. (A case the handler closed is terminal: all clocks stop.)
        if (e.state_after == CaseState::kVerified)
          Start(SlaClock::kSettle, e.at, e.at + policy_.settle);
        break;
    }
  }

  bool Ever(SlaClock clock) const {
    for (const ClockRecord& record : clocks_) {
      if (record.clock == clock) return true;
    }
    return false;
  }

  void StartWorkingDays(SlaClock clock, TimePoint at, int working_days) {
    Start(clock, at, calendar_.AddWorkingDays(at, working_days));
  }

  // Starts a fresh run of `clock`, stopping a run of it that is still going.
  void Start(SlaClock clock, TimePoint at, TimePoint due) {
    Stop(clock, at);
    ClockRecord record{clock, at, due, std::nullopt, std::nullopt};
    if (paused_since_ && at < due) record.on_hold_since = at;
    clocks_.push_back(record);
  }

  void Stop(SlaClock clock, TimePoint at) {
    for (ClockRecord& record : clocks_) {
      if (record.clock == clock && record.running()) record.stopped_at = at;
    }
  }

  void StopAll(TimePoint at) {
    for (ClockRecord& record : clocks_) {
      if (record.running()) record.stopped_at = at;
    }
  }

  void BeginPause(TimePoint at) {
    paused_since_ = at;
    for (ClockRecord& record : clocks_) {
      if (record.running() && at < record.due) record.on_hold_since = at;
    }
  }

  // Moves the due of every clock on hold by the time it spent on hold, then releases it.
  void EndPause(TimePoint at) {
    for (ClockRecord& record : clocks_) {
      if (!record.on_hold_since) continue;
      TimePoint held_from = *record.on_hold_since;
      if (record.clock == SlaClock::kSettle) {
        if (at > held_from) record.due += at - held_from;
      } else {
        record.due =
            calendar_.AddWorkingTime(record.due, calendar_.WorkingTimeBetween(held_from, at));
      }
      record.on_hold_since.reset();
    }
    paused_since_.reset();
  }

  const WorkingCalendar& calendar_;
  const SlaPolicy& policy_;
  std::vector<ClockRecord> clocks_;
  std::optional<TimePoint> paused_since_;
};

}  // namespace

std::string_view Name(SlaClock clock) { return internal::NameIn(kClockNames, clock); }

std::optional<SlaClock> ParseSlaClock(std::string_view name) {
  return internal::ParseIn(kClockNames, name);
}

bool ClockRecord::Breached(TimePoint now) const {
  if (stopped_at) return *stopped_at > due;
  if (on_hold_since) return false;
  return now > due;
}

SlaStatus ComputeSla(std::span<const SlaEvent> events, const WorkingCalendar& calendar,
                     const SlaPolicy& policy) {
  ClockReplay replay(calendar, policy);
  for (const SlaEvent& event : events) replay.Apply(event);
  return std::move(replay).Finish();
}

std::vector<SlaClock> OverdueClocks(const SlaStatus& status, TimePoint now) {
  std::vector<SlaClock> overdue;
  for (const ClockRecord& record : status.clocks) {
    if (record.running() && record.Breached(now)) overdue.push_back(record.clock);
  }
  return overdue;
}

}  // namespace simpul::domain
