#pragma once
// The coordinator's intake of monitoring envelopes (DESIGN §5): node.report (a node's periodic
// statistics) and case.meta (its personal-data-free case events) become rows of the monitoring
// tables (store::MonitorStore). Only the coordinator has one; the case exchange hands it these
// two types and refuses them on every other node.
//
// Rules, each failing with kPermissionDenied or kInvalidArgument (the inbox then marks the
// envelope dead and tells the sender with a stream.skip):
//   - a node reports only about itself: body.node must be the envelope's sender;
//   - case.meta records carry strictly increasing event ids.
// Idempotent: a resent envelope is answered by the inbox without reaching Apply, and a report or
// record the tables already hold (same or older report time, event id at or below the node's
// cursor) changes nothing, so nothing is ever counted twice.
//
// Cost: one prepared upsert per case.meta record, all in the inbox's transaction (measured in the
// monitor tests; see the report of issue 4).
//
// Thread safety: Apply runs on the writer thread, inside the inbox's savepoint.

#include <chrono>

#include "node/fed/inbox.hpp"
#include "node/service/clock.hpp"

namespace simpul::fed {

class MonitorIngest final : public EnvelopeApplier {
 public:
  // Months of case submissions are counted at `utc_offset` (the coordinator's own).
  MonitorIngest(service::Clock clock, std::chrono::minutes utc_offset);

  // Applies a node.report or case.meta; any other type fails with kInternal (a wiring error).
  Result<void> Apply(store::Connection& c, const federation::VerifiedEnvelope& env,
                     std::string_view origin_request_id = {}) override;

 private:
  Result<void> ApplyReport(store::Connection& c, const federation::VerifiedEnvelope& env);
  Result<void> ApplyMeta(store::Connection& c, const federation::VerifiedEnvelope& env);

  service::Clock clock_;
  std::chrono::minutes utc_offset_;
};

}  // namespace simpul::fed
