#include "tests/bench/sim/totals_check.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/bench/two_node_federation.hpp"

namespace simpul::bench::sim {
namespace {

using nlohmann::json;

// Prometheus text samples by "name{labels}".
std::map<std::string, double> Samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

std::optional<std::int64_t> Sample(const std::map<std::string, double>& samples,
                                   const std::string& key) {
  const auto it = samples.find(key);
  if (it == samples.end()) return std::nullopt;
  return static_cast<std::int64_t>(it->second);
}

// Cases with at least one event sent, and nodes that sent anything.
std::pair<std::int64_t, std::int64_t> CasesAndNodesSeen(
    const std::vector<std::unique_ptr<SimNode>>& nodes, const Traffic& traffic) {
  std::vector<bool> seen(traffic.cases().size(), false);
  std::int64_t reporting = 0;
  for (const auto& node : nodes) {
    const auto events = traffic.EventsOf(node->index());
    for (std::size_t i = 0; i < node->replayed; ++i) seen[events[i].case_index] = true;
    reporting += node->stats().delivered > 0 ? 1 : 0;
  }
  return {std::count(seen.begin(), seen.end(), true), reporting};
}

// Per node, the witness's cosigned size against the node's own record: total leaves and the
// number of nodes that differ.
Result<std::vector<CheckLine>> WitnessLines(testing::HttpClient& client, const std::string& token,
                                            const std::vector<std::unique_ptr<SimNode>>& nodes) {
  auto logs = Call(client, "GET", "/api/v1/witness/logs", "", token, 200);
  if (!logs) return tl::unexpected(logs.error());
  auto alarms = Call(client, "GET", "/api/v1/witness/alarms?limit=1000", "", token, 200);
  if (!alarms) return tl::unexpected(alarms.error());
  std::map<std::string, std::int64_t> witnessed;
  const json parsed = json::parse(*logs);
  for (const auto& log : parsed["logs"]) {
    witnessed[log["node_id"].get<std::string>()] = log["size"].get<std::int64_t>();
  }
  std::int64_t sent_leaves = 0, seen_leaves = 0, differing = 0;
  for (const auto& node : nodes) {
    const auto size = static_cast<std::int64_t>(node->witnessed_size);
    const auto it = witnessed.find(node->id());
    const std::int64_t seen = it == witnessed.end() ? 0 : it->second;
    sent_leaves += size;
    seen_leaves += seen;
    differing += seen != size ? 1 : 0;
  }
  const auto alarm_count = static_cast<std::int64_t>(json::parse(*alarms)["alarms"].size());
  return std::vector<CheckLine>{
      {"witnessed log leaves (sum of cosigned sizes)", sent_leaves, seen_leaves},
      {"nodes whose cosigned size differs", 0, differing},
      {"witness alarms (fork, rollback)", 0, alarm_count}};
}

// The national monitoring API's federation table, node by node: what each node sent (case.meta
// records), reported (cases it holds) and had cosigned, against its row.
Result<std::vector<CheckLine>> MonitorLines(testing::HttpClient& client, const std::string& token,
                                            const std::vector<std::unique_ptr<SimNode>>& nodes,
                                            const Tally& tally) {
  auto escalations = Call(client, "GET", "/api/v1/monitor/escalations?limit=1", "", token, 200);
  if (!escalations) return tl::unexpected(escalations.error());
  auto table = Call(client, "GET", "/api/v1/monitor/nodes", "", token, 200);
  if (!table) return tl::unexpected(table.error());
  const json parsed = json::parse(*table);
  std::map<std::string, const json*> rows;
  for (const auto& row : parsed["nodes"]) rows[row["node_id"].get<std::string>()] = &row;
  const auto number = [](const json& row, const char* key) {
    return row.contains(key) && row[key].is_number_integer() ? row[key].get<std::int64_t>() : 0;
  };
  std::int64_t listed = 0, differing = 0, meta_records = 0;
  for (const auto& node : nodes) {
    const auto it = rows.find(node->id());
    if (it == rows.end()) continue;
    ++listed;
    const json& row = *it->second;
    meta_records += number(row, "meta_records");
    const bool same =
        number(row, "meta_records") == node->stats().meta_sent &&
        number(row, "cases") == node->stats().cases &&
        number(row, "witness_size") == static_cast<std::int64_t>(node->witnessed_size);
    differing += same ? 0 : 1;
  }
  std::int64_t sent_meta = 0;
  for (const auto& node : nodes) sent_meta += node->stats().meta_sent;
  return std::vector<CheckLine>{
      {"monitor API: member nodes listed", static_cast<std::int64_t>(nodes.size()), listed},
      {"monitor API: case.meta records, summed", sent_meta, meta_records},
      {"monitor API: nodes differing (records, cases, witness)", 0, differing},
      {"monitor API: escalations listed", tally.escalations.load(),
       json::parse(*escalations).value("total", std::int64_t{-1})}};
}

}  // namespace

Result<std::map<std::string, double>> ReadMetrics(testing::NodeProcess& coordinator) {
  testing::HttpClient client(coordinator.port());
  auto metrics = Call(client, "GET", "/metrics", "", "", 200);
  if (!metrics) return tl::unexpected(metrics.error());
  return Samples(*metrics);
}

Result<std::vector<CheckLine>> CheckTotals(testing::NodeProcess& coordinator,
                                           const std::vector<std::unique_ptr<SimNode>>& nodes,
                                           const Traffic& traffic, const Tally& tally) {
  auto metrics = ReadMetrics(coordinator);
  if (!metrics) return tl::unexpected(metrics.error());
  const auto& samples = *metrics;
  testing::HttpClient client(coordinator.port());
  const auto inbox = [&samples](const char* outcome) {
    return Sample(samples,
                  std::string("simpul_fed_inbox_envelopes_total{outcome=\"") + outcome + "\"}");
  };
  const auto [cases, reporting] = CasesAndNodesSeen(nodes, traffic);
  std::vector<CheckLine> lines = {
      {"envelopes applied by the inbox", tally.envelopes.load(), inbox("applied")},
      {"envelopes dead or rejected", 0, inbox("dead").value_or(0) + inbox("rejected").value_or(0)},
      {"node.report ingested", tally.reports.load(), Sample(samples, "simpul_mon_reports_total")},
      {"case.meta records ingested", tally.meta_records.load(),
       Sample(samples, "simpul_mon_meta_records_total")},
      {"cases known to the coordinator", cases, Sample(samples, "simpul_mon_cases")},
      {"nodes reporting", reporting, Sample(samples, "simpul_mon_nodes_reporting")},
      {"case.escalate received by the coordinator", tally.escalations.load(),
       Sample(samples, "simpul_escalations_received_total{level=\"coordinator\"}")}};
  auto token = AdminToken(coordinator);
  if (!token) return tl::unexpected(token.error());
  auto witness = WitnessLines(client, *token, nodes);
  if (!witness) return tl::unexpected(witness.error());
  lines.insert(lines.end(), witness->begin(), witness->end());
  auto monitor = MonitorLines(client, *token, nodes, tally);
  if (!monitor) return tl::unexpected(monitor.error());
  lines.insert(lines.end(), monitor->begin(), monitor->end());
  return lines;
}

}  // namespace simpul::bench::sim
