#pragma once
// SQL for federation state (schema 2): the outbox and its per-destination streams, the inbox and
// its per-sender stream cursors, equivocation evidence, case links and accepted directory
// versions. Each envelope sent or received, receipt issued or received and directory version
// stored is also a transparency-log leaf (store/log_leaves.hpp), appended here. Stateless: every
// function works on the Connection it is given — writes on the writer thread, inside the same
// transaction as the business change they belong to.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/store/connection.hpp"

namespace simpul::store {

// One sealed envelope waiting for (or past) delivery to `dest`.
struct OutboxRow {
  std::string dest;
  std::int64_t seq = 0;
  std::string msg_id, type, case_ref;
  std::string envelope;  // canonical bytes as they travel
  std::string hash;      // EnvelopeHash(envelope)
  std::int64_t created_at = 0;
  std::optional<std::int64_t> delivered_at;
  std::string receipt;     // the receiver's signed receipt; empty until delivered
  std::string request_id;  // X-Request-Id of the request that queued it; "" for none
};

// The sender's position in its stream to one destination.
struct StreamHead {
  std::int64_t last_seq = 0;
  std::string last_hash;  // "" when last_seq is 0
};

// Per-destination backlog, for dispatchers and /metrics.
struct OutboxBacklog {
  std::string dest;
  std::int64_t pending = 0;
  std::optional<std::int64_t> oldest_pending_at;  // created_at of the oldest undelivered
  std::int64_t delivered = 0;
};

enum class InboxState { kHeld, kApplied, kDead };
std::string_view Name(InboxState state);

// One envelope accepted from a peer with the receipt returned for it.
struct InboxRow {
  std::int64_t id = 0;  // the receiver's index, quoted in its receipt
  std::string sender, msg_id, hash, stream;
  std::int64_t seq = 0;
  std::string type, case_ref;
  std::string envelope;
  InboxState state = InboxState::kHeld;
  std::string error;  // why it is dead
  std::string receipt;
  std::int64_t received_at = 0;
};

// Where a case stands between nodes. Empty strings mean "none".
struct CaseLink {
  std::int64_t case_id = 0;
  std::string origin;         // node where the citizen filed it; "" = this node
  std::string upstream;       // node that handed it to this one
  std::string handler;        // node this one handed it to
  std::string handler_state;  // the handler's last reported lifecycle state
  std::int64_t updated_at = 0;
};

struct DirectoryRow {
  std::int64_t version = 0;
  std::string etag;
  std::string bytes;
  std::int64_t stored_at = 0;
};

class FederationStore {
 public:
  // --- Outbox (sender) ---
  static Result<StreamHead> OutHead(Connection& c, std::string_view dest);
  // Inserts `row` (which must be OutHead(dest).last_seq + 1 and chain to its hash) and moves the
  // stream head. Fails kConflict if the position is taken.
  static Result<void> AppendOutbox(Connection& c, const OutboxRow& row);
  // Undelivered envelopes to `dest` with seq > `after_seq`, in seq order, at most `limit`.
  static Result<std::vector<OutboxRow>> PendingOutbox(Connection& c, std::string_view dest,
                                                      int limit, std::int64_t after_seq = 0);
  // Envelopes to `dest` with from_seq <= seq <= to_seq (delivered or not), for a receiver
  // pulling a gap; at most `limit`.
  static Result<std::vector<OutboxRow>> OutboxRange(Connection& c, std::string_view dest,
                                                    std::int64_t from_seq, std::int64_t to_seq,
                                                    int limit);
  // Records the receipt of (dest, seq). A second receipt for a delivered row is ignored.
  static Result<void> MarkDelivered(Connection& c, std::string_view dest, std::int64_t seq,
                                    std::string_view receipt, std::int64_t at);
  static Result<std::optional<OutboxRow>> FindOutbox(Connection& c, std::string_view msg_id);
  static Result<std::vector<OutboxBacklog>> Backlog(Connection& c);

  // --- Inbox (receiver) ---
  static Result<std::optional<InboxRow>> FindInbox(Connection& c, std::string_view sender,
                                                   std::string_view msg_id);
  static Result<std::optional<InboxRow>> InboxAt(Connection& c, std::string_view sender,
                                                 std::string_view stream, std::int64_t seq);
  // The id the next inserted inbox row gets (writer only: one writer makes this exact).
  static Result<std::int64_t> NextInboxId(Connection& c);
  // Inserts `row` with its id. Fails kConflict on a duplicate (sender, msg_id) or position.
  static Result<void> InsertInbox(Connection& c, const InboxRow& row);
  static Result<void> SetInboxState(Connection& c, std::int64_t id, InboxState state,
                                    std::string_view error);
  static Result<StreamHead> InHead(Connection& c, std::string_view sender, std::string_view stream);
  static Result<void> SetInHead(Connection& c, std::string_view sender, std::string_view stream,
                                const StreamHead& head);
  // Held envelopes of (sender, stream) in seq order, the lowest first.
  static Result<std::vector<InboxRow>> Held(Connection& c, std::string_view sender,
                                            std::string_view stream, int limit);
  static Result<std::int64_t> CountInbox(Connection& c, InboxState state);
  static Result<void> InsertEvidence(Connection& c, std::string_view sender, std::string_view kind,
                                     std::string_view msg_id, std::string_view first,
                                     std::string_view second, std::int64_t at);
  static Result<std::int64_t> CountEvidence(Connection& c);

  // --- Case links ---
  static Result<std::optional<CaseLink>> FindLink(Connection& c, std::int64_t case_id);
  static Result<void> PutLink(Connection& c, const CaseLink& link);

  // --- Directory versions ---
  static Result<std::optional<DirectoryRow>> LatestDirectory(Connection& c);
  static Result<void> InsertDirectory(Connection& c, const DirectoryRow& row);
};

}  // namespace simpul::store
