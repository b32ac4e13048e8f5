#pragma once
// The bodies a simulated node sends the coordinator, in the schemas of
// federation/message_types.hpp: case.meta (its case events, without personal data) and
// node.report (its periodic statistics), built from the node's events and counters.
//
//   std::vector<MetaRecord> day = ...;  // event id and event, in event-id order
//   std::string meta = CaseMetaBody(node.id(), day, traffic, members);
//   std::string report = NodeReportBody(node, {.at_ms = end_of_day, ...});
//
// Pure functions; thread-safe.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tests/bench/sim/sim_node.hpp"
#include "tests/bench/sim/traffic.hpp"

namespace simpul::bench::sim {

// One case event as a case.meta record: `event_id` is the node's case event sequence (1, 2, ...).
struct MetaRecord {
  std::int64_t event_id = 0;
  const SimEvent* event = nullptr;
};

// A case.meta body: {"node": id, "records": [...]} with at most federation::kMaxMetaRecords
// records (the caller splits larger batches).
std::string CaseMetaBody(const std::string& node_id, std::span<const MetaRecord> records,
                         const Traffic& traffic, const std::vector<MemberPlan>& members);

// What a report states besides the node's own counters.
struct ReportContext {
  std::int64_t at_ms = 0;  // when the node measured (simulated time)
  std::int64_t interval_s = 86400;
  std::int64_t directory_version = 0;
  std::string coordinator;  // its only outbox destination
  std::int64_t outbox_pending = 0;
  std::int64_t meta_pending = 0;  // case events not yet sent as case.meta
};

// A case.escalate body for an "escalate" event: to the coordinator, for the first-response clock
// the traffic model escalates (8 calendar days, taken as 6 working days, past the deadline).
std::string CaseEscalateBody(const SimEvent& event, const Traffic& traffic);

// A node.report body from `node`'s counters and log. Log fields: size now, the newest signed
// checkpoint and the newest witnessed one (when there are). SLA clocks: met and missed as the
// traffic decided them, running from the states held. Overdue: none listed (total 0), since the
// simulation keeps no per-case deadlines; escalations still appear as case.meta records.
std::string NodeReportBody(const SimNode& node, const ReportContext& context);

}  // namespace simpul::bench::sim
