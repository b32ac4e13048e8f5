#pragma once
// The end-of-run check: what the simulated nodes sent, compared with what the coordinator says it
// holds — its /metrics (inbox outcomes; with the national monitoring API, the node.report and
// case.meta records ingested, the cases and reporting nodes known), its witness's staff API (each
// node's cosigned log size, and alarms, of which there must be none) and the national monitoring
// API's federation table (per node: records ingested, cases reported, size witnessed).
//
//   auto lines = CheckTotals(coordinator.process(), nodes, traffic, tally);
//   for (const auto& l : *lines) std::printf("%s %lld %lld %s\n", ...);
//
// Not thread-safe: run it after the traffic, from the driver's thread.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/result.hpp"
#include "tests/bench/sim/session.hpp"
#include "tests/bench/sim/sim_node.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::bench::sim {

struct CheckLine {
  std::string what;
  std::int64_t sent = 0;
  std::optional<std::int64_t> coordinator;  // unset when this build does not expose it
  bool Matches() const { return coordinator && *coordinator == sent; }
};

// The coordinator's /metrics samples, keyed "name{labels}". Fails when the request fails.
Result<std::map<std::string, double>> ReadMetrics(testing::NodeProcess& coordinator);

// Reads the coordinator's /metrics and witness routes (as its admin). Fails when a request fails.
Result<std::vector<CheckLine>> CheckTotals(testing::NodeProcess& coordinator,
                                           const std::vector<std::unique_ptr<SimNode>>& nodes,
                                           const Traffic& traffic, const Tally& tally);

}  // namespace simpul::bench::sim
