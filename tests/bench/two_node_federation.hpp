#pragma once
// The federation the forwarding benchmark runs on: a coordinator (coord:panrb) for the directory,
// a ministry (kl:pupr) that forwards cases and a regency (kab:32.04) that receives them, each a
// real simpuld process on loopback with real mutual TLS. Built the way an operator would, as the
// integration fixture does: simpulctl init, enroll, directory add, directory anchor, trust install.
//
//   auto fed = TwoNodeFederation::Build();
//   if (!fed || !(*fed)->StartAll(std::chrono::seconds(60))) ...;
//   HttpClient client((*fed)->sender().port());
//
// The directory is polled every second and a failed peer retried after 0.1-1 s (instead of the
// production 60 s and 2 s-15 min), so a receiver that comes back is found quickly. Every node and
// its temp dir go away with the object. Not thread-safe: one thread drives it.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crypto/result.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::bench {

inline constexpr char kSenderId[] = "kl:pupr";
inline constexpr char kReceiverId[] = "kab:32.04";

class TwoNodeFederation {
 public:
  // Creates (does not start) the three nodes, enrolls both members and installs the trust anchor.
  // Fails with the failing step's output.
  static Result<std::unique_ptr<TwoNodeFederation>> Build();

  // Starts the coordinator, then both members, and waits up to `timeout` until each member holds
  // a current directory. Fails kUnavailable when a node does not start or see its directory.
  Result<void> StartAll(std::chrono::milliseconds timeout);
  // Waits up to `timeout` until `node` holds a current, unexpired directory.
  Result<void> WaitForDirectory(testing::NodeProcess& node, std::chrono::milliseconds timeout);

  testing::NodeProcess& coordinator() { return *coordinator_; }
  testing::NodeProcess& sender() { return *sender_; }
  testing::NodeProcess& receiver() { return *receiver_; }

 private:
  std::unique_ptr<testing::NodeProcess> coordinator_, sender_, receiver_;
};

// How MakeFederatedNode places a node's federation listener and what it adds to the config.
struct FederatedNodeOptions {
  // The federation listener's loopback port; 0: a free one.
  std::uint16_t listen_port = 0;
  // The port the directory publishes for the node (https://127.0.0.1:<port>); 0: listen_port.
  // Another port puts something (a fault proxy) between the node and its peers.
  std::uint16_t published_port = 0;
  // TOML appended to the generated config, e.g. "[transparency]\ncheckpoint_interval_s = 1\n".
  std::string extra_config;
};

// Creates (does not start) node `id` with `simpulctl init <args>`, its federation listener as
// `options` say, the directory polled every second and a failed peer retried after 0.1-1 s.
// Fails with simpulctl's output.
Result<std::unique_ptr<testing::NodeProcess>> MakeFederatedNode(
    const std::string& id, const std::string& region, std::vector<std::string> args,
    const FederatedNodeOptions& options = {});

// A loopback port nothing listens on right now (the kernel's choice; a tiny reuse race remains).
Result<std::uint16_t> FreeLoopbackPort();

// Enrolls each of `members` with `coordinator` (simpulctl enroll, directory add), writes the trust
// anchor and installs it at every member. None may be running. Fails with the failing step's
// output.
Result<void> RegisterMembers(const testing::NodeProcess& coordinator,
                             const std::vector<testing::NodeProcess*>& members);

// Waits up to `timeout` until `node` holds a current, unexpired directory. Fails kUnavailable
// with the last answer and the node's log.
Result<void> WaitForCurrentDirectory(testing::NodeProcess& node, std::chrono::milliseconds timeout);

// Runs `simpulctl <args>` on the node; fails unless it exits 0 (the message carries its output).
Result<void> RunCtl(const testing::NodeProcess& process, const std::vector<std::string>& args);

// Signs in as the node's admin and returns the session token. Fails with the response.
Result<std::string> AdminToken(testing::NodeProcess& node);

// Sends a JSON request with an optional bearer token; fails unless the status is `expected`
// (kUnavailable for transport errors, kInternal for another status, with the body).
Result<std::string> Call(testing::HttpClient& client, std::string_view method,
                         std::string_view target, std::string_view body, const std::string& token,
                         int expected);

}  // namespace simpul::bench
