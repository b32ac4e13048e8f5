#pragma once
// SQL for escalations beyond the node (schema_escalation.cpp): what this node's sweeper raised to
// its parent or the coordinator, and what other nodes raised to this one. Stateless: every
// function works on the Connection it is given — writes on the writer thread, inside the
// transaction of the case event (sender) or of the inbox batch (receiver) they belong to.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/domain/escalation.hpp"
#include "node/domain/time.hpp"
#include "node/store/case_store.hpp"
#include "node/store/connection.hpp"

namespace simpul::store {

// A case whose current deadline is overdue and may still need escalating beyond the node.
struct EscalationCandidate {
  std::int64_t case_id = 0;
  std::string tracking_id;
  std::string clock;         // the missed clock (cases.next_clock)
  domain::TimePoint due_at;  // its deadline (cases.next_due_at)
};

// One escalation this node sent about one of its cases.
struct SentEscalation {
  std::int64_t case_id = 0;
  std::string clock;
  domain::TimePoint due_at;
  domain::EscalationLevel level = domain::EscalationLevel::kParent;
  std::string dest;    // node id it went to
  std::string msg_id;  // of its case.escalate envelope
  domain::TimePoint sent_at;
};

// One escalation another node raised to this one: the case.escalate body and its envelope's
// sender, id, case reference and creation time.
struct ReceivedEscalation {
  std::int64_t id = 0;  // assigned by RecordReceived
  std::string from_node, msg_id, case_ref;
  domain::EscalationLevel level = domain::EscalationLevel::kParent;
  std::string clock;
  domain::TimePoint due_at;
  std::int64_t overdue_working_days = 0;
  std::string state, category, region;
  domain::TimePoint sent_at, received_at;
};

// Filters and paging of the received escalations. Empty/unset fields do not filter.
struct EscalationQuery {
  std::string from_node;
  std::optional<domain::TimePoint> since;  // received at or after
  int limit = 100;
  int offset = 0;
};

struct EscalationPage {
  std::vector<ReceivedEscalation> items;  // newest first
  std::int64_t total = 0;                 // matching the filters, before paging
};

class EscalationStore {
 public:
  // Cases whose current deadline (not auto_close) was already raised to the supervisors and has
  // not been escalated to the coordinator: those whose deadline is before `parent_cutoff`, and
  // of those already escalated to the parent only the ones before `coordinator_cutoff`. Oldest
  // deadline first, at most `limit`. The cutoffs are lower bounds (n working days never take
  // less than n calendar days); the caller checks the working days exactly.
  static Result<std::vector<EscalationCandidate>> Candidates(Connection& c,
                                                             domain::TimePoint parent_cutoff,
                                                             domain::TimePoint coordinator_cutoff,
                                                             int limit);
  // Whether `level` was already sent for deadline (`clock`, `due_at`) of case `case_id`.
  static Result<bool> WasSent(Connection& c, std::int64_t case_id, std::string_view clock,
                              domain::TimePoint due_at, domain::EscalationLevel level);
  // Records a sent escalation. Fails kConflict if that level of that deadline was sent before.
  static Result<void> RecordSent(Connection& c, const SentEscalation& sent);

  // Records a received escalation. Returns false, changing nothing, when the same escalation
  // (sender, case, clock, deadline, level) is already recorded: a resend is harmless.
  static Result<bool> RecordReceived(Connection& c, const ReceivedEscalation& received);
  static Result<EscalationPage> Received(Connection& c, const EscalationQuery& query);

  // Escalations sent and received so far, per level ("parent", "coordinator").
  static Result<std::vector<CountRow>> CountSentByLevel(Connection& c);
  static Result<std::vector<CountRow>> CountReceivedByLevel(Connection& c);
};

}  // namespace simpul::store
