#pragma once
// The receiving half of the federation (DESIGN §3, Inbox). A batch of envelopes from one peer is
// verified (fixed check order, federation/envelope_verify.hpp) off the writer, then in one write
// job each envelope is deduplicated by (sender, msg_id) and content hash, placed in its sender's
// stream, applied in seq order, and answered with a signed receipt that is stored with it:
//
//   same msg_id, same hash          → "duplicate": the stored receipt again (idempotent)
//   same msg_id or seq, other hash  → 409 conflict; both envelopes kept as evidence
//   seq beyond the next             → "held" until the missing ones arrive (receipt given)
//   next in its stream              → applied; held successors follow
//   can never apply                 → "dead": skipped, the sender told with a signed stream.skip
//
// Thread safety: Receive may be called concurrently from any I/O thread.

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "federation/envelope_verify.hpp"
#include "node/fed/federation_state.hpp"
#include "node/fed/outbox.hpp"
#include "node/service/clock.hpp"
#include "node/store/database.hpp"
#include "node/store/federation_store.hpp"

namespace simpul::fed {

// Gives a verified envelope its effect on this node; implemented by the case exchange.
class EnvelopeApplier {
 public:
  virtual ~EnvelopeApplier() = default;
  // Runs in the writer, inside a savepoint of the inbox's transaction. kUnavailable and
  // kInternal are transient: the batch fails and the sender retries. Any other failure means the
  // envelope can never apply here: it is marked dead and skipped. `origin_request_id` is the
  // sender's request that caused `env` ("" when unknown, fed/request_trace.hpp); envelopes queued
  // because of `env` (a relay to the next hop) carry it on.
  virtual Result<void> Apply(store::Connection& c, const federation::VerifiedEnvelope& env,
                             std::string_view origin_request_id = {}) = 0;
};

// What happened to one envelope of a batch.
struct InboxOutcome {
  std::string msg_id;          // "" when the envelope was too broken to name one
  std::string status;          // "applied", "held", "duplicate", "dead", or "rejected"
  std::string receipt;         // the signed receipt (canonical bytes); empty when rejected
  std::optional<Error> error;  // why it was rejected or dead
};

// Which requests a batch belongs to, for the log only (fed/request_trace.hpp).
struct InboxTrace {
  std::string request_id;                                 // this node's id for the inbox POST
  std::map<std::string, std::string> origin_request_ids;  // msg_id → the sender's request id
};

struct InboxCounters {
  std::uint64_t received = 0, applied = 0, held = 0, duplicates = 0, dead = 0, rejected = 0,
                equivocations = 0;
};

class Inbox {
 public:
  Inbox(FederationState& state, store::Database& db, Outbox& outbox, EnvelopeApplier& applier,
        service::Clock clock);

  // Processes the newline-separated envelopes in `body` from `peer` (the node id its TLS
  // certificate maps to). Fails as a whole with kUnavailable when the directory is missing or
  // expired (fail closed) or the write fails, and kTooLarge when the batch has more envelopes
  // than the directory policy allows; otherwise one outcome per envelope, in order. Each applied
  // envelope is logged ("envelope_applied") with the ids in `trace`.
  boost::asio::awaitable<Result<std::vector<InboxOutcome>>> Receive(std::string peer,
                                                                    std::string body,
                                                                    InboxTrace trace);

  InboxCounters counters() const;

  // Called after a batch left envelopes held because seqs [from, to] of `sender`'s stream are
  // missing, so they can be pulled from the sender. Set before serving.
  using GapHandler =
      std::function<void(const std::string& sender, std::int64_t from, std::int64_t to)>;
  void SetGapHandler(GapHandler handler) { gap_handler_ = std::move(handler); }

 private:
  struct Batch;
  Result<void> ProcessInWriter(store::Connection& c, Batch& batch);
  Result<void> ProcessOne(store::Connection& c, Batch& batch, std::size_t index);
  Result<void> ApplyInOrder(store::Connection& c, Batch& batch,
                            const federation::VerifiedEnvelope& env, store::InboxRow row,
                            InboxOutcome& outcome);
  void LogApplied(const Batch& batch, const federation::VerifiedEnvelope& env,
                  const std::string& origin_request_id);
  // Keeps the origin request id of `env`, held for a gap, until it is applied.
  void RememberHeldRequestId(const Batch& batch, const federation::VerifiedEnvelope& env);
  // The origin request id of `env` from its batch's trace, or of a held envelope from when it
  // arrived (forgetting it then); "" when none is known.
  std::string OriginRequestId(const Batch& batch, const federation::VerifiedEnvelope& env);

  static constexpr std::size_t kMaxHeldRequestIds = 4096;
  Result<std::string> SealReceipt(const federation::VerifiedEnvelope& env, std::int64_t index,
                                  std::int64_t dir_version);

  FederationState& state_;
  store::Database& db_;
  Outbox& outbox_;
  EnvelopeApplier& applier_;
  service::Clock clock_;
  GapHandler gap_handler_;
  mutable std::mutex mu_;
  InboxCounters counters_;
  // msg_id → origin request id of envelopes held for a gap, so the log line and any relay of a
  // held envelope still name the request that caused it when a later batch fills the gap. Only
  // for the log: kept in memory (lost on restart), at most kMaxHeldRequestIds, oldest dropped.
  std::map<std::string, std::string> held_request_ids_;
};

// One outcome as a JSON line of the inbox's response, and back.
std::string OutcomeToJsonLine(const InboxOutcome& outcome);
Result<InboxOutcome> OutcomeFromJsonLine(std::string_view line);

}  // namespace simpul::fed
