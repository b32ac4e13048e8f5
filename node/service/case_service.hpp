#pragma once
// The complaint lifecycle: intake, tracking by the reporter, staff actions, and the periodic
// sweep that auto-closes and escalates. Each operation is one write job, so its state check, its
// event and its summary update commit atomically in the writer's group commit, and the caller
// hears back only after the commit.
//
// Thread safety: all methods may be called concurrently from any I/O thread; the object holds no
// mutable state of its own beyond what its collaborators guard.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "crypto/ed25519.hpp"
#include "crypto/secretbox.hpp"
#include "node/domain/calendar.hpp"
#include "node/domain/complaint.hpp"
#include "node/domain/escalation.hpp"
#include "node/domain/lifecycle.hpp"
#include "node/domain/regions.hpp"
#include "node/domain/sla.hpp"
#include "node/service/catalog.hpp"
#include "node/service/clock.hpp"
#include "node/service/escalation_hooks.hpp"
#include "node/service/principal.hpp"
#include "node/service/receipt.hpp"
#include "node/store/blob_store.hpp"
#include "node/store/case_store.hpp"
#include "node/store/database.hpp"
#include "node/store/escalation_store.hpp"
#include "node/store/federation_store.hpp"

namespace simpul::service {

class CaseHooks;

// What the reporter gets back from intake. The access code is shown once and stored only hashed.
struct SubmitResult {
  std::string tracking_id;
  std::string access_code;
  std::string commitment_hex;
  std::string commitment_salt_hex;
  std::int64_t log_index = 0;  // the intake leaf in the node's transparency log
  SignedReceipt receipt;
};

// A case with everything a detail view needs. `reporter` is filled only for callers allowed to
// see it; `identity_state` says why it is absent.
struct CaseView {
  store::CaseRecord record;
  std::vector<store::EventRecord> events;
  std::vector<store::AttachmentRecord> attachments;
  std::optional<domain::ReporterIdentity> reporter;
  std::string identity_state;  // "shown", "hidden_anonymous", "withheld", "erased", "none"
  domain::SlaStatus sla;
  std::vector<domain::CaseAction> allowed_actions;
  std::optional<store::CaseLink> link;  // set when the case travelled between nodes
};

// A case another node handed to this one (case.forward), as its body describes it.
struct ReceivedCase {
  std::string tracking_id;
  domain::Classification classification = domain::Classification::kComplaint;
  std::string category, title, body, region;
  std::optional<std::string> incident_date;
  bool anonymous = false, confidential = false;
  domain::TimePoint submitted_at;
  std::string origin;  // node where the citizen filed it
  std::string from;    // node that handed it over
};

// A staff action on a case. Which fields matter depends on `action`.
struct ActionCommand {
  domain::CaseAction action = domain::CaseAction::kVerify;
  std::string reason;     // free-text note recorded with the event (staff-only)
  std::string message;    // text for the reporter (request_info, respond, resolve)
  std::string unit_code;  // dispose
  std::optional<domain::ArchiveReason> archive_reason;   // archive
  std::string duplicate_of;                              // archive as duplicate
  std::string category;                                  // classify
  std::optional<domain::Classification> classification;  // classify
  std::string target_node;  // forward: the receiving node; decline: the suggested node
  // escalate: set only by the sweeper when the escalation goes beyond this node.
  std::optional<OverdueEscalation> beyond;
  // X-Request-Id of the HTTP request that asked for the action ("" for the sweep): carried into
  // the outbox rows the action queues and their log lines, never into a signed envelope.
  std::string request_id;
};

struct SweepReport {
  int auto_closed = 0;
  int escalated = 0;         // to this node's supervisors
  int escalated_beyond = 0;  // to the parent node or the coordinator
  int failed = 0;            // cases the sweep could not update (retried next sweep)
  std::string last_error;    // why the last of those failed
};

struct CaseStats {
  std::vector<store::CountRow> by_state, by_category, by_region;
  std::vector<store::ClockCompliance> compliance;
  std::int64_t total = 0;
  std::int64_t overdue = 0;
};

struct CaseServiceConfig {
  std::string node_id;
  std::string tracking_prefix;  // e.g. "KAB3204"
  domain::ComplaintLimits limits;
  domain::SlaPolicy sla;
  domain::EscalationPolicy escalation;
};

class CaseService {
 public:
  CaseService(CaseServiceConfig config, store::Database& db, const store::BlobStore& blobs,
              const Catalog& catalog, const domain::WorkingCalendar& calendar,
              const crypto::Ed25519KeyPair& signer, const crypto::SecretBoxKey& data_key,
              Clock clock);

  // Validates and files a complaint. Fails kInvalidArgument / kTooLarge on bad input (nothing is
  // stored), kUnavailable if the disk refuses the write.
  boost::asio::awaitable<Result<SubmitResult>> Submit(domain::ComplaintDraft draft);

  // The reporter's view. Fails kNotFound when the tracking id is unknown or the access code is
  // wrong (the two are not distinguished, so ids cannot be probed).
  boost::asio::awaitable<Result<CaseView>> Track(std::string tracking_id, std::string access_code);

  // A reporter's reply (with access code). Reopens a resolved case within the reply window, resumes
  // a case waiting on the reporter, and is otherwise recorded as a message. Fails kConflict after
  // close or archive, or once the reply window has passed. `request_id` as in ActionCommand.
  boost::asio::awaitable<Result<CaseView>> ReporterReply(std::string tracking_id,
                                                         std::string access_code,
                                                         std::string message,
                                                         std::string request_id);

  // Staff detail view. Unit officers see only their unit's cases (kPermissionDenied otherwise).
  boost::asio::awaitable<Result<CaseView>> Get(Principal who, std::string tracking_id);

  // Applies a staff action. Fails kConflict naming the allowed actions when the state does not
  // permit it, kPermissionDenied when the role or unit does not, kInvalidArgument for missing or
  // bad fields.
  boost::asio::awaitable<Result<CaseView>> Act(Principal who, std::string tracking_id,
                                               ActionCommand command);

  // The staff queue; unit officers are restricted to their unit.
  boost::asio::awaitable<Result<store::CasePage>> List(Principal who, store::CaseQuery query);
  // The public feed: verified, non-confidential cases only.
  boost::asio::awaitable<Result<store::CasePage>> PublicFeed(int limit, int offset);
  boost::asio::awaitable<Result<CaseStats>> Stats();
  // Reads an attachment of a case the caller may see. Fails kNotFound if it does not belong.
  boost::asio::awaitable<Result<std::pair<store::AttachmentRecord, std::string>>> Attachment(
      Principal who, std::string tracking_id, std::string sha256_hex);

  // Closes cases whose auto-close time has passed and escalates newly overdue ones to the
  // supervisors; with escalation hooks set, then escalates deadlines overdue past the policy's
  // working-day thresholds to the parent node and the coordinator, each level once per deadline
  // (escalations_sent remembers it across restarts). One write job; each case step is its own
  // savepoint, so one failing case is counted in `failed` and retried by the next sweep.
  boost::asio::awaitable<Result<SweepReport>> Sweep();
  Result<SweepReport> SweepSync();

  const crypto::Ed25519PublicKey& public_key() const { return signer_.public_key(); }

  // Plugs in the federation (see case_hooks.hpp). Set once before serving; borrowed.
  void SetHooks(CaseHooks* hooks) { hooks_ = hooks; }
  // Plugs in escalation beyond the node (see escalation_hooks.hpp). Set once before serving;
  // borrowed. Without it the sweep escalates to the supervisors only.
  void SetEscalationHooks(EscalationHooks* hooks) { escalation_hooks_ = hooks; }

  // --- Writer-side entry points for the federation inbox (case_peer.cpp). Each runs inside the
  // caller's write job and transaction. ---

  // Files a case another node handed over: same tracking id, content as sent, a fresh access
  // code hash nobody knows (the reporter tracks at the origin), SLA clocks from the original
  // submission time. Fails kConflict if the tracking id is already here, kInvalidArgument if the
  // category or region is unknown at this node.
  Result<store::CaseRecord> ReceiveForwardInWriter(store::Connection& c, const ReceivedCase& in);

  // Records what a peer reported about case `rec` as a peer_update event, moving the case to
  // `state_after` (usually its current state), and recomputes its clocks.
  Result<void> RecordPeerUpdateInWriter(store::Connection& c, const store::CaseRecord& rec,
                                        domain::CaseState state_after, std::string_view actor,
                                        std::string_view reason, std::string_view detail_json,
                                        bool is_public);

  // A reporter's reply relayed by the node where they filed, applied as if made here.
  Result<CaseView> RelayedReplyInWriter(store::Connection& c, const std::string& tracking_id,
                                        std::string_view actor, std::string message);

 private:
  Result<CaseView> ApplyInWriter(store::Connection& c, const Principal* who, std::string_view actor,
                                 const std::string& tracking_id, const ActionCommand& cmd);
  Result<CaseView> LoadView(store::Connection& c, store::CaseRecord rec, const Principal* who);
  Result<store::CaseRecord> CheckAccessCode(store::Connection& c, const std::string& tracking_id,
                                            const std::string& access_code) const;
  Result<SweepReport> SweepInWriter(store::Connection& c);
  Result<void> SweepOne(store::Connection& c, const store::CaseRecord& rec, SweepReport& report);
  Result<void> EscalateBeyondInWriter(store::Connection& c, SweepReport& report);
  Result<bool> EscalateBeyondOne(store::Connection& c, const store::EscalationCandidate& candidate,
                                 OverdueEscalation e);
  std::vector<std::uint8_t> HashAccessCode(std::string_view code) const;

  CaseServiceConfig config_;
  store::Database& db_;
  const store::BlobStore& blobs_;
  const Catalog& catalog_;
  const domain::WorkingCalendar& calendar_;
  const crypto::Ed25519KeyPair& signer_;
  const crypto::SecretBoxKey& data_key_;
  std::string key_id_;  // of signer_, for receipts
  std::vector<std::uint8_t> access_pepper_;
  Clock clock_;
  CaseHooks* hooks_ = nullptr;
  EscalationHooks* escalation_hooks_ = nullptr;
};

// The roles that may take staff action `action` on a case (unit officers only on their unit's
// cases). The route table admits exactly these roles; the service checks again.
std::vector<Role> RolesFor(domain::CaseAction action);

// "kab:32.04" → "KAB3204": the readable node part of tracking ids.
std::string TrackingPrefix(std::string_view node_id);

}  // namespace simpul::service
