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

// Creates (does not start) node `id` with `simpulctl init <args>`, its federation listener on a
// free loopback port, the directory polled every second and a failed peer retried after 0.1-1 s.
// Fails with simpulctl's output.
Result<std::unique_ptr<testing::NodeProcess>> MakeFederatedNode(const std::string& id,
                                                                const std::string& region,
                                                                std::vector<std::string> args);

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
