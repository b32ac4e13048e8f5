#pragma once
// What the sweeper tells the federation when an overdue case must go beyond this node (DESIGN §2,
// "escalation to the supervisor, then to the parent node or the coordinator"). node/fed plugs in
// here to seal the escalation into a case.escalate envelope in the outbox — in the same
// transaction as the case event that records it, so the event and the message never part.

#include <string>

#include "crypto/result.hpp"
#include "node/domain/escalation.hpp"
#include "node/domain/time.hpp"
#include "node/store/case_store.hpp"
#include "node/store/connection.hpp"

namespace simpul::service {

// One level of escalation of one missed deadline, as the sweeper raises it.
struct OverdueEscalation {
  domain::EscalationLevel level = domain::EscalationLevel::kParent;
  std::string clock;  // the missed clock, e.g. "verify"
  domain::TimePoint due_at;
  int overdue_working_days = 0;
  std::string dest;    // the node it goes to
  std::string msg_id;  // of the case.escalate envelope, once sent
};

// Where this node's escalations go, as the directory in force says.
struct EscalationTargets {
  std::string parent;       // the parent node; "" when none (escalations go to the coordinator)
  std::string coordinator;  // "" when this node is the coordinator: nothing goes beyond it
};

class EscalationHooks {
 public:
  virtual ~EscalationHooks() = default;

  // The targets now. Fails kUnavailable while the node has no directory, or is not in it yet.
  virtual Result<EscalationTargets> Targets() const = 0;

  // Seals escalation `e` of case `rec` (its metadata only: no title, body or reporter) to e.dest
  // and queues it, in the writer's transaction. Returns the envelope's msg_id. A failure aborts
  // the escalation (the caller's savepoint rolls back the case event too).
  virtual Result<std::string> Send(store::Connection& c, const store::CaseRecord& rec,
                                   const OverdueEscalation& e) = 0;
};

}  // namespace simpul::service
