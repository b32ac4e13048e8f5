// CaseService's escalation of overdue cases beyond the node: the second half of the sweep. A
// deadline already raised to the supervisors goes to the parent node and then the coordinator
// once it is late by the policy's working days; each level is sent once per deadline.
#include <chrono>

#include "node/service/case_service.hpp"

namespace simpul::service {

using domain::CaseAction;
using domain::EscalationLevel;
using store::Connection;
using store::EscalationStore;

namespace {

constexpr int kCandidatesPerSweep = 500;
constexpr std::string_view kActorSystem = "system";

// The node an escalation at `level` goes to.
const std::string& DestinationOf(const EscalationTargets& targets, EscalationLevel level) {
  return level == EscalationLevel::kParent ? targets.parent : targets.coordinator;
}

}  // namespace

Result<void> CaseService::EscalateBeyondInWriter(Connection& c, SweepReport& report) {
  if (escalation_hooks_ == nullptr) return {};
  auto targets = escalation_hooks_->Targets();
  if (!targets) {
    // Nothing can be addressed before the node holds a directory; the next sweep looks again.
    if (targets.error().code == ErrorCode::kUnavailable) return {};
    return tl::unexpected(targets.error());
  }
  if (targets->coordinator.empty()) return {};  // the coordinator escalates to nobody
  const domain::TimePoint now = clock_();
  const domain::EscalationPolicy& policy = config_.escalation;
  auto candidates = EscalationStore::Candidates(
      c, now - std::chrono::days(policy.parent_after_working_days),
      now - std::chrono::days(policy.coordinator_after_working_days), kCandidatesPerSweep);
  if (!candidates) return tl::unexpected(candidates.error());
  const bool has_parent = !targets->parent.empty();
  for (const auto& candidate : *candidates) {
    OverdueEscalation e;
    e.clock = candidate.clock;
    e.due_at = candidate.due_at;
    e.overdue_working_days = domain::OverdueWorkingDays(calendar_, candidate.due_at, now);
    for (EscalationLevel level :
         domain::LevelsReached(policy, e.overdue_working_days, has_parent)) {
      e.level = level;
      e.dest = DestinationOf(*targets, level);
      auto sent = EscalateBeyondOne(c, candidate, e);
      if (!sent) {
        ++report.failed;
        report.last_error = candidate.tracking_id + ": " + sent.error().message;
        break;  // a higher level waits until this one went
      }
      if (*sent) ++report.escalated_beyond;
    }
  }
  return {};
}

// Sends level e.level of the candidate's deadline unless that was done before, and records it as
// an escalate event on the case and a row of escalations_sent, in one savepoint: the envelope,
// the event and the once-only record commit together or not at all. Returns whether it was sent
// now.
Result<bool> CaseService::EscalateBeyondOne(Connection& c,
                                            const store::EscalationCandidate& candidate,
                                            OverdueEscalation e) {
  auto done =
      EscalationStore::WasSent(c, candidate.case_id, candidate.clock, candidate.due_at, e.level);
  if (!done) return tl::unexpected(done.error());
  if (*done) return false;
  return store::WithSavepoint(c, [&]() -> Result<bool> {
    auto rec = store::CaseStore::FindByTrackingId(c, candidate.tracking_id);
    if (!rec) return tl::unexpected(rec.error());
    auto msg_id = escalation_hooks_->Send(c, *rec, e);
    if (!msg_id) return tl::unexpected(msg_id.error());
    e.msg_id = std::move(*msg_id);
    ActionCommand cmd;
    cmd.action = CaseAction::kEscalate;
    cmd.reason = "deadline " + e.clock + " passed " + std::to_string(e.overdue_working_days) +
                 " working days ago; escalated to " + std::string(domain::Name(e.level));
    cmd.beyond = e;
    auto applied = ApplyInWriter(c, nullptr, kActorSystem, candidate.tracking_id, cmd);
    if (!applied) return tl::unexpected(applied.error());
    const store::SentEscalation sent{candidate.case_id, e.clock, e.due_at, e.level, e.dest,
                                     e.msg_id,          clock_()};
    if (auto r = EscalationStore::RecordSent(c, sent); !r) return tl::unexpected(r.error());
    return true;
  });
}

}  // namespace simpul::service
