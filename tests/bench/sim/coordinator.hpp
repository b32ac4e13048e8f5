#pragma once
// The simulation's coordinator: a real simpuld process in coordinator mode (coord:panrb, made with
// `simpulctl init` as an operator would, listeners on loopback), every simulated member registered
// with ONE `simpulctl directory add <all request files>` (one signed version for the whole
// federation), the trust anchor written, and the published directory fetched over the
// coordinator's mutual-TLS listener as a member would and verified against that anchor.
//
//   auto coord = SimCoordinator::Create();
//   coord->Register(nodes, work_dir);                        // enroll + directory add + anchor
//   coord->process().Start();
//   auto world = coord->FetchWorld(*nodes.front());          // directory, pin, witness key
//
// The process and its temp dir go away with the object. Not thread-safe: the driver's thread.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "crypto/result.hpp"
#include "tests/bench/sim/session.hpp"
#include "tests/bench/sim/sim_node.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::bench::sim {

inline constexpr char kCoordinatorId[] = "coord:panrb";

class SimCoordinator {
 public:
  // Initialises (does not start) the coordinator. Fails with simpulctl's output.
  static Result<std::unique_ptr<SimCoordinator>> Create();

  // Writes each node's enrollment request to a file under the coordinator's dir, registers them
  // all with one `simpulctl directory add` and writes the trust anchor. Fails with the failing
  // step's output.
  Result<void> Register(const std::vector<std::unique_ptr<SimNode>>& nodes);

  // The federation view every session needs: fetches GET /federation/v1/directory with `as`'s
  // TLS identity (any server pin: the directory is authenticated by its signature), verifies it
  // against the trust anchor, and takes the coordinator's endpoint, pin and witness key from it.
  // Fails when the fetch fails or the directory does not verify. Call after process().Start().
  Result<SimWorld> FetchWorld(const SimNode& as);

  testing::NodeProcess& process() { return *process_; }
  // The size of the database file and of its WAL, in bytes (0 for a missing file).
  std::int64_t DatabaseBytes() const;
  std::int64_t WalBytes() const;

 private:
  std::unique_ptr<testing::NodeProcess> process_;
  std::filesystem::path anchor_path_;
};

}  // namespace simpul::bench::sim
