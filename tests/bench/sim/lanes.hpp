#pragma once
// Drives the year of traffic through the coordinator with a bounded number of connections: the
// nodes are dealt round-robin to `lanes` lanes; each lane is one coroutine on its own strand that
// runs one node session at a time (so at most `lanes` mutual-TLS connections are open at once),
// going through the year span by span: every node of the lane for days [0, W), then [W, 2W), ...
// so all nodes move through simulated time together.
//
//   LaneOptions options{.lanes = 24, .threads = 2, .days = 365, .days_per_session = 7};
//   Result<LaneRun> run = RunLanes(nodes, world, options, tally);
//
// The nodes' PeerClients are made on this call's io_context and destroyed before it returns.
// Prints progress every `progress` interval. Stops starting sessions at `deadline` (the run is
// then partial: later days are not sent). Blocks the calling thread until every lane is done.

#include <chrono>
#include <memory>
#include <vector>

#include "crypto/result.hpp"
#include "tests/bench/sim/session.hpp"
#include "tests/bench/sim/sim_node.hpp"

namespace simpul::bench::sim {

struct LaneOptions {
  int lanes = 24;
  int threads = 2;  // client io threads
  int days = 365;
  int days_per_session = 7;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::chrono::seconds progress{10};
};

struct LaneRun {
  double seconds = 0;      // wall time from the first session to the last lane's end
  int days_completed = 0;  // whole spans every node finished
  bool cut_short = false;  // the deadline stopped it
};

// Runs every node's sessions. Fails with the first session's failure (the other lanes stop
// after their current session).
Result<LaneRun> RunLanes(const std::vector<std::unique_ptr<SimNode>>& nodes, const SimWorld& world,
                         const LaneOptions& options, Tally& tally);

}  // namespace simpul::bench::sim
