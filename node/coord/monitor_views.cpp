#include "node/coord/monitor_views.hpp"

#include <algorithm>

#include "federation/witness_protocol.hpp"

namespace simpul::coord {
namespace {

using Reports = std::map<std::string_view, const store::MonNodeRow*>;

Reports ByNode(const std::vector<store::MonNodeRow>& reports) {
  Reports out;
  for (const auto& r : reports) out[r.node] = &r;
  return out;
}

const store::MonNodeRow* Find(const Reports& reports, std::string_view node) {
  auto it = reports.find(node);
  return it == reports.end() ? nullptr : it->second;
}

std::vector<const federation::NodeEntry*> Members(const federation::Directory& directory) {
  std::vector<const federation::NodeEntry*> out;
  for (const auto& n : directory.document().nodes) {
    if (n.node_class != federation::NodeClass::kCoordinator) out.push_back(&n);
  }
  return out;
}

// Copies what `r` reported into `h` and judges its alarms at `now_ms`.
void Judge(const store::MonNodeRow& r, std::int64_t now_ms, const MonitorPolicy& policy,
           NodeHealth& h) {
  h.last_seen_at = r.last_seen_at;
  h.directory_version = r.directory_version;
  h.report_at = r.report_at;
  h.outbox_pending = r.outbox_pending;
  h.outbox_oldest_age_ms = r.outbox_oldest_ms;
  h.log_size = r.log_size;
  h.checkpoint_size = r.checkpoint_size;
  h.witnessed_size = r.witnessed_size;
  h.cases = r.cases_total;
  h.overdue = r.overdue_total;
  h.meta_pending = r.meta_pending;
  h.meta_records = r.meta_records;
  h.audit_at = r.audit_at;
  h.audit_mismatches = r.audit_mismatches;
  const std::chrono::seconds interval =
      r.interval_s ? std::chrono::seconds(*r.interval_s) : policy.default_interval;
  const auto silent_after = std::chrono::duration_cast<std::chrono::milliseconds>(interval) *
                            policy.silent_after_intervals;
  h.silent = now_ms - r.last_seen_at > silent_after.count();
  if (h.overdue > 0) h.alarms.emplace_back(kAlarmOverdue);
  if (r.audit_mismatches.value_or(0) > 0) h.alarms.emplace_back(kAlarmSourceAudit);
  if (r.outbox_oldest_ms && *r.outbox_oldest_ms > policy.stale_outbox.count()) {
    h.alarms.emplace_back(kAlarmOutboxStale);
  }
}

ClockRate RateOf(std::string_view clock, const store::MonNodeRow* r) {
  ClockRate out;
  out.clock = std::string(clock);
  if (r != nullptr) {
    for (const auto& c : r->sla) {
      if (c.clock != clock) continue;
      out.met = c.met;
      out.missed = c.missed;
      out.running = c.running;
    }
  }
  if (out.met + out.missed > 0) {
    out.rate = static_cast<double>(out.met) / static_cast<double>(out.met + out.missed);
  }
  return out;
}

NodeSla SlaOf(const federation::NodeEntry& node, const store::MonNodeRow* r) {
  NodeSla s;
  s.node_id = node.id;
  s.name = node.name;
  s.cases = r != nullptr ? r->cases_total : 0;
  for (std::string_view clock : kAllClocks) {
    ClockRate rate = RateOf(clock, r);
    if (std::find(std::begin(kRankedClocks), std::end(kRankedClocks), clock) !=
        std::end(kRankedClocks)) {
      s.met += rate.met;
      s.missed += rate.missed;
    }
    s.clocks.push_back(std::move(rate));
  }
  if (s.met + s.missed > 0) {
    s.rate = static_cast<double>(s.met) / static_cast<double>(s.met + s.missed);
  }
  return s;
}

// True when `a` ranks before `b` under RankingRule.
bool RanksBefore(const NodeSla& a, const NodeSla& b) {
  if (*a.rate != *b.rate) return *a.rate > *b.rate;
  if (a.met + a.missed != b.met + b.missed) return a.met + a.missed > b.met + b.missed;
  return a.node_id < b.node_id;
}

// Copies what the witness saw of the node's log into `h`.
void AddWitness(const WitnessView& w, NodeHealth& h) {
  h.witness_size = w.size;
  if (w.cosigned_at > 0) h.witness_cosigned_at = w.cosigned_at;
  h.witness_alarms = w.alarms;
  if (w.alarms > 0) h.alarms.emplace_back(kAlarmWitness);
}

}  // namespace

WitnessByNodeId WitnessByNode(const std::vector<store::WitnessLogRow>& logs,
                              const std::vector<store::WitnessAlarmRow>& alarms) {
  WitnessByNodeId out;
  for (const auto& log : logs) {
    const std::string_view node = federation::NodeIdOfOrigin(log.origin);
    if (node.empty()) continue;
    auto& w = out[std::string(node)];
    w.size = log.size;
    w.cosigned_at = log.cosigned_at;
  }
  for (const auto& alarm : alarms) {
    const std::string_view node = federation::NodeIdOfOrigin(alarm.origin);
    if (!node.empty()) ++out[std::string(node)].alarms;
  }
  return out;
}

std::vector<NodeHealth> FederationTable(const federation::Directory& directory,
                                        const std::vector<store::MonNodeRow>& reports,
                                        const WitnessByNodeId& witness, std::int64_t now_ms,
                                        const MonitorPolicy& policy) {
  const Reports by_node = ByNode(reports);
  std::vector<NodeHealth> out;
  for (const federation::NodeEntry* n : Members(directory)) {
    NodeHealth h;
    h.node_id = n->id;
    h.name = n->name;
    h.node_class = std::string(federation::Name(n->node_class));
    h.parent = n->parent;
    if (const auto* r = Find(by_node, n->id)) {
      Judge(*r, now_ms, policy, h);
    } else {
      h.silent = true;  // never heard from
    }
    if (auto w = witness.find(n->id); w != witness.end()) AddWitness(w->second, h);
    if (h.silent) h.alarms.insert(h.alarms.begin(), std::string(kAlarmSilent));
    out.push_back(std::move(h));
  }
  return out;
}

SlaRanking RankSla(const federation::Directory& directory,
                   const std::vector<store::MonNodeRow>& reports, const RankingRule& rule) {
  const Reports by_node = ByNode(reports);
  SlaRanking out;
  for (const federation::NodeEntry* n : Members(directory)) {
    out.nodes.push_back(SlaOf(*n, Find(by_node, n->id)));
  }
  std::vector<NodeSla*> eligible;
  for (auto& s : out.nodes) {
    if (s.cases >= rule.min_cases && s.rate) eligible.push_back(&s);
  }
  std::sort(eligible.begin(), eligible.end(),
            [](const NodeSla* a, const NodeSla* b) { return RanksBefore(*a, *b); });
  if (eligible.size() > rule.top) eligible.resize(rule.top);
  for (std::size_t i = 0; i < eligible.size(); ++i) {
    eligible[i]->rank = static_cast<int>(i) + 1;
    out.top.push_back(*eligible[i]);
  }
  return out;
}

}  // namespace simpul::coord
