#pragma once
// The federation the fault soak runs on: a coordinator and member nodes, each a real simpuld
// process with real mutual TLS and its own SQLite file, built as an operator would (see
// tests/bench/two_node_federation.hpp). Every node's federation endpoint in the directory (and,
// for the coordinator, the directory URL of the trust anchor, which members also use for the
// witness and node.report) is a port of the FaultProxy, which forwards to the node's real
// listener, so links can be broken without touching the nodes. A member may keep its data
// directory on a small tmpfs so that its disk can be filled. Every node sends node.report every
// kReportInterval, so the links to the coordinator carry envelopes in a short run.
//
//   FaultProxy proxy;
//   auto fed = SoakFederation::Build(specs, proxy, 48 << 20);
//   (*fed)->StartAll(std::chrono::seconds(60));
//   auto port = (*fed)->members()[0]->http_port.load();   // 0 while it is down
//
// Nodes are started and stopped by one thread (the fault thread); http_port is what other
// threads may read. The destructor kills every node and unmounts the tmpfs.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "crypto/result.hpp"
#include "tests/soak/fault_proxy.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::soak {

// The work unit every member has, to which accepted cases are disposed.
inline constexpr char kUnitCode[] = "jalan";
inline constexpr char kCoordinatorId[] = "coord:panrb";
inline constexpr std::chrono::seconds kReportInterval{10};

struct MemberSpec {
  std::string id;
  std::string region;                  // "" for ministries
  std::vector<std::string> init_args;  // --class, --parent, --categories ...
  bool small_disk = false;             // keep the data directory on a tmpfs
};

// One node of the soak: a member, or the coordinator (no tmpfs, no work unit).
struct Member {
  std::string id;
  std::unique_ptr<testing::NodeProcess> process;
  std::uint16_t federation_port = 0;        // the node's own listener
  std::atomic<std::uint16_t> http_port{0};  // 0 while the node is down
  // The mounted tmpfs holding the data directory, or empty with the reason in disk_error.
  std::filesystem::path tmpfs;
  std::string disk_error;

  // Starts the node (with `extra_env`, e.g. libfaketime) and publishes its HTTP port.
  Result<void> Start(const std::vector<std::string>& extra_env = {});
  // SIGKILL; http_port is 0 afterwards.
  void Kill();
  // SIGTERM and wait; fails unless the node exits with status 0.
  Result<void> Stop();
};

class SoakFederation {
 public:
  // Creates (does not start) the coordinator and `members`, with a proxy link per node named by
  // its id and the work unit kUnitCode, registers every member and installs the trust anchor. A
  // member with small_disk gets a tmpfs of `tmpfs_bytes`; if mounting fails that is recorded in its
  // disk_error, not returned. Fails with the failing step's output.
  static Result<std::unique_ptr<SoakFederation>> Build(const std::vector<MemberSpec>& members,
                                                       FaultProxy& proxy,
                                                       std::uint64_t tmpfs_bytes);
  ~SoakFederation();

  // Starts the coordinator, then every member, and waits up to `timeout` for their directories.
  Result<void> StartAll(std::chrono::milliseconds timeout);

  testing::NodeProcess& coordinator() { return *coordinator_->process; }
  Member& coordinator_node() { return *coordinator_; }
  std::vector<std::unique_ptr<Member>>& members() { return members_; }
  // The coordinator, then every member.
  std::vector<Member*> nodes();

 private:
  std::unique_ptr<Member> coordinator_;
  std::vector<std::unique_ptr<Member>> members_;
};

}  // namespace simpul::soak
