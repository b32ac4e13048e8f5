#pragma once
// The soak's traffic: one thread per member node that, at a bounded rate, files complaints as a
// citizen (POST /api/v1/complaints), verifies and forwards some of them to the other members as
// staff, and accepts (verifies) the cases the others forwarded to it, disposes them to a work unit
// and answers them (the response travels back to the origin). Every acknowledged success
// goes into the Ledger, every failure is counted there against the node; a node that is down
// (http_port 0) is skipped until it is back.
//
//   LoadDriver load(fed, ledger, {.per_node_rate = 8, .seed = 7});
//   load.Start();
//   ... inject faults ...
//   load.Stop();
//
// Start and Stop are called by one thread; the workers share only the Ledger and the handover
// queues, both locked.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/soak/ledger.hpp"
#include "tests/soak/soak_federation.hpp"

namespace simpul::soak {

struct LoadOptions {
  double per_node_rate = 8;  // load steps per second per member (each step files a complaint)
  int forward_every = 2;     // every n-th acknowledged complaint is verified and forwarded
  std::uint64_t seed = 1;
};

class LoadDriver {
 public:
  LoadDriver(SoakFederation& fed, Ledger& ledger, LoadOptions options);
  ~LoadDriver();
  LoadDriver(const LoadDriver&) = delete;
  LoadDriver& operator=(const LoadDriver&) = delete;

  void Start();
  // Stops and joins the workers; requests in flight finish or time out first (a few seconds).
  void Stop();

 private:
  struct Pending {  // a case to forward (at `from`) or to accept (at `to`)
    std::string from, to, tracking_id;
    int attempts = 0;
  };
  struct Mailbox {  // cases forwarded to one member, waiting for it to accept them
    std::mutex mu;
    std::deque<Pending> cases;
  };
  class Worker;

  void Run(std::size_t index);
  // Queues `p` for acceptance at member p.to.
  void Deliver(Pending p);

  SoakFederation& fed_;
  Ledger& ledger_;
  const LoadOptions options_;
  std::atomic<bool> stop_{false};
  std::vector<std::unique_ptr<Mailbox>> mailboxes_;  // by member index
  std::vector<std::thread> threads_;
};

}  // namespace simpul::soak
