#pragma once
// The coordinator's national dashboard views (DESIGN §5), computed from the monitoring tables
// (store::MonitorStore), the witness's per-origin state (store::WitnessStore) and the directory in
// force: the federation table (health of every member node), SLA compliance per node with a
// Top-12 ranking, and alarms.
//
//   auto rows = MonitorStore::Nodes(c);
//   auto witness = WitnessByNode(*logs, *alarms);
//   std::vector<NodeHealth> table = FederationTable(directory, *rows, witness, now_ms, policy);
//   SlaRanking sla = RankSla(directory, *rows, {.min_cases = 10});
//
// Pure functions of their arguments; thread-safe.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "federation/directory.hpp"
#include "node/store/monitor_store.hpp"
#include "node/store/witness_store.hpp"

namespace simpul::coord {

struct MonitorPolicy {
  // For a node that has not reported its own interval yet.
  std::chrono::seconds default_interval{300};
  // A node not seen for this many of its report intervals is silent.
  int silent_after_intervals = 3;
  // An outbox envelope pending longer than this raises "outbox_stale" (DESIGN §3: a destination
  // silent for 24 h raises an alert).
  std::chrono::milliseconds stale_outbox{std::chrono::hours(24)};
};

// Alarm names, as the API shows them.
inline constexpr std::string_view kAlarmSilent = "silent";             // not seen for 3 intervals
inline constexpr std::string_view kAlarmOverdue = "overdue";           // it reports overdue cases
inline constexpr std::string_view kAlarmOutboxStale = "outbox_stale";  // its queue is stuck
inline constexpr std::string_view kAlarmWitness = "log_alarm";  // the witness saw a fork/rollback
// Its own audit found complaint rows that no longer match their log leaves.
inline constexpr std::string_view kAlarmSourceAudit = "log_source_mismatch";

// What the coordinator's witness knows of one node's transparency log.
struct WitnessView {
  std::int64_t size = 0;         // the largest checkpoint it cosigned
  std::int64_t cosigned_at = 0;  // its latest cosignature
  std::int64_t alarms = 0;       // fork and rollback alarms raised against the log
};
using WitnessByNodeId = std::map<std::string, WitnessView, std::less<>>;

// The witness's logs and alarms keyed by node id (origins that name no node are left out).
WitnessByNodeId WitnessByNode(const std::vector<store::WitnessLogRow>& logs,
                              const std::vector<store::WitnessAlarmRow>& alarms);

// One member node's line in the federation table. Report-derived fields are unset until it
// first reported.
struct NodeHealth {
  std::string node_id, name, node_class, parent;
  std::optional<std::int64_t> last_seen_at;
  std::optional<std::int64_t> directory_version;  // the version it reports being in force
  std::optional<std::int64_t> report_at;          // when its latest report was measured
  std::int64_t outbox_pending = 0;
  std::optional<std::int64_t> outbox_oldest_age_ms;
  std::optional<std::int64_t> log_size, checkpoint_size, witnessed_size;  // as it reports
  std::optional<std::int64_t> witness_size, witness_cosigned_at;          // as the witness saw it
  std::int64_t witness_alarms = 0;
  std::optional<std::int64_t> audit_at, audit_mismatches;  // its latest source audit
  std::int64_t cases = 0, overdue = 0, meta_pending = 0, meta_records = 0;
  bool silent = false;
  std::vector<std::string> alarms;
};

// Every member node of `directory` (coordinators excluded), in directory order, joined with what
// it reported (`reports`, any order) and what the witness saw, judged at `now_ms`.
std::vector<NodeHealth> FederationTable(const federation::Directory& directory,
                                        const std::vector<store::MonNodeRow>& reports,
                                        const WitnessByNodeId& witness, std::int64_t now_ms,
                                        const MonitorPolicy& policy);

// The clocks that count towards a node's overall compliance: the agency's own deadlines. The
// auto-close clock measures the system's sweeper, not the agency, and is shown but not counted.
inline constexpr std::string_view kRankedClocks[] = {"verify", "first_response", "settle"};
inline constexpr std::string_view kAllClocks[] = {"verify", "first_response", "settle",
                                                  "auto_close"};

// The ranking rule, in the spirit of the national complaint-handling competition's Top 12:
// nodes with at least `min_cases` cases and at least one concluded ranked clock, ordered by
// overall compliance (met / (met + missed) over kRankedClocks), then by more concluded clocks,
// then by node id; the first `top` get ranks 1..top.
struct RankingRule {
  std::int64_t min_cases = 10;
  std::size_t top = 12;
};

struct ClockRate {
  std::string clock;
  std::int64_t met = 0, missed = 0, running = 0;
  std::optional<double> rate;  // met / (met + missed); unset when nothing concluded
};

struct NodeSla {
  std::string node_id, name;
  std::int64_t cases = 0;
  std::vector<ClockRate> clocks;     // one per kAllClocks, in that order
  std::int64_t met = 0, missed = 0;  // over kRankedClocks
  std::optional<double> rate;
  std::optional<int> rank;  // 1..top when ranked
};

struct SlaRanking {
  std::vector<NodeSla> nodes;  // every member node, in directory order
  std::vector<NodeSla> top;    // the ranked ones, rank 1 first
};

SlaRanking RankSla(const federation::Directory& directory,
                   const std::vector<store::MonNodeRow>& reports, const RankingRule& rule);

}  // namespace simpul::coord
