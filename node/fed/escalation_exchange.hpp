#pragma once
// Escalation of overdue cases between nodes (issue 4): the sending half turns the sweeper's
// escalations into case.escalate envelopes to the node's parent or the coordinator; the receiving
// half records the ones addressed to this node.
//
//   sweeper (kab:32.04)  ── case.escalate {level: parent} ──────▶ prov:32   (its directory parent)
//                        ── case.escalate {level: coordinator} ─▶ coord:panrb
//
// Who may send what: level "parent" only from a node whose directory entry names this node as
// its parent; level "coordinator" from any member, and only to the coordinator. Anything else can
// never apply here (the inbox marks it dead). A received escalation is recorded at most once per
// (sender, case, deadline, level), so a resend changes nothing. Bodies carry case metadata only.
//
// Thread safety: Targets may be called from any thread; Send and Apply run on the writer thread,
// inside the caller's transaction.

#include "node/fed/federation_state.hpp"
#include "node/fed/inbox.hpp"
#include "node/fed/outbox.hpp"
#include "node/service/clock.hpp"
#include "node/service/escalation_hooks.hpp"

namespace simpul::fed {

class EscalationExchange final : public service::EscalationHooks, public EnvelopeApplier {
 public:
  EscalationExchange(FederationState& state, Outbox& outbox, service::Clock clock);

  // The node's parent is its own directory entry's parent, unless that is empty or the
  // coordinator. Fails kUnavailable without a directory or before this node is listed in it.
  Result<service::EscalationTargets> Targets() const override;
  Result<std::string> Send(store::Connection& c, const store::CaseRecord& rec,
                           const service::OverdueEscalation& e) override;
  // Records a case.escalate. Fails kPermissionDenied when the sender may not escalate to this
  // node at that level (see above).
  Result<void> Apply(store::Connection& c, const federation::VerifiedEnvelope& env,
                     std::string_view origin_request_id = {}) override;

 private:
  FederationState& state_;
  Outbox& outbox_;
  service::Clock clock_;
};

}  // namespace simpul::fed
