#pragma once
// Case exchange between nodes (DESIGN §3; issue "no wrong door"): turns staff actions on a case
// into envelopes for the nodes involved, and envelopes from those nodes into events on the case.
//
// Roles of a node for one case (store::CaseLink): the origin (where the citizen filed it), the
// upstream (the node that handed it here) and the handler (the node this one handed it to).
//   forward            → case.forward to the new handler (reporter identity never travels)
//   verify a received  → case.accept to upstream
//   decline a received → case.decline (reason, suggested node) to upstream, which re-routes
//   any other change   → case.status (and case.response for a message to the reporter) upstream
//   reporter reply     → case.reply to the handler
// Each hop relays status and responses further up and replies further down, so in a chain
// ministry → province → regency the origin stays informed.
//
// Authorisation of senders: only a case's handler may accept, decline, report status, respond
// or close it; only its upstream may relay a reply. Anything else is refused (and so dead).
// case.escalate is not about a case held here: it is handed to the escalation receiver.
// node.report and case.meta go to the coordinator's monitor intake (SetMonitor); a node without
// one is not the coordinator and refuses them.
//
// Thread safety: every method runs on the writer thread, inside the caller's transaction.

#include "node/fed/federation_state.hpp"
#include "node/fed/inbox.hpp"
#include "node/fed/outbox.hpp"
#include "node/service/case_hooks.hpp"
#include "node/service/case_service.hpp"

namespace simpul::fed {

class CaseExchange final : public service::CaseHooks, public EnvelopeApplier {
 public:
  // `escalations` applies case.escalate envelopes (borrowed).
  CaseExchange(FederationState& state, Outbox& outbox, service::CaseService& cases,
               EnvelopeApplier& escalations);

  Result<void> CheckAction(store::Connection& c, const store::CaseRecord& rec,
                           const service::ActionCommand& cmd) override;
  Result<void> AfterEvent(store::Connection& c, const store::CaseRecord& before,
                          const store::EventRecord& event,
                          const service::ActionCommand& cmd) override;
  Result<void> Apply(store::Connection& c, const federation::VerifiedEnvelope& env,
                     std::string_view origin_request_id = {}) override;

  // On the coordinator: where node.report and case.meta are applied. Set before serving; borrowed.
  void SetMonitor(EnvelopeApplier* monitor) { monitor_ = monitor; }

 private:
  // Queues one envelope; `request_id` is the request that caused it: this node's, or for a relay
  // the sender's request that caused the envelope relayed ("" when none is known).
  Result<void> Send(store::Connection& c, federation::MessageType type, const std::string& dest,
                    const std::string& case_ref, const std::string& body_json,
                    std::string_view request_id = {});
  Result<void> SendForward(store::Connection& c, const store::CaseRecord& rec,
                           const std::optional<store::CaseLink>& link, const std::string& dest,
                           std::string_view request_id);
  Result<void> ApplyForward(store::Connection& c, const federation::VerifiedEnvelope& env,
                            const std::string& body_json);
  Result<void> ApplyFromHandler(store::Connection& c, const federation::VerifiedEnvelope& env,
                                const std::string& body_json, std::string_view origin_request_id);
  Result<void> ApplyReply(store::Connection& c, const federation::VerifiedEnvelope& env,
                          const std::string& body_json, std::string_view origin_request_id);

  FederationState& state_;
  Outbox& outbox_;
  service::CaseService& cases_;
  EnvelopeApplier& escalations_;
  EnvelopeApplier* monitor_ = nullptr;
};

}  // namespace simpul::fed
