#pragma once
// What the case lifecycle tells the layer above it: the federation (node/fed) plugs in here to
// turn forwards, acceptances, declines, status changes, responses and reporter replies into
// signed envelopes in the outbox — in the same transaction as the event, so an acknowledged
// action and its message are never separated (DESIGN §3, Outbox).

#include "crypto/result.hpp"
#include "node/store/case_store.hpp"
#include "node/store/connection.hpp"

namespace simpul::service {

struct ActionCommand;

class CaseHooks {
 public:
  virtual ~CaseHooks() = default;

  // Checks, before anything is written, that `cmd` may apply to case `rec` as far as other nodes
  // are concerned (a forward target in the directory, a decline only for a received case). Runs
  // in the writer. Fails kInvalidArgument / kConflict with a message for the caller.
  virtual Result<void> CheckAction(store::Connection& c, const store::CaseRecord& rec,
                                   const ActionCommand& cmd) = 0;

  // Runs in the writer right after `event` was recorded for case `before` (its state before the
  // event), in the same transaction. A failure aborts the action.
  virtual Result<void> AfterEvent(store::Connection& c, const store::CaseRecord& before,
                                  const store::EventRecord& event, const ActionCommand& cmd) = 0;
};

}  // namespace simpul::service
