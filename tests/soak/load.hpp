#pragma once
// The soak's traffic: one thread per member node that, at a bounded rate, files complaints as a
// citizen (POST /api/v1/complaints), verifies and forwards some of them to the other members as
// staff, and accepts (verifies) the cases the others forwarded to it, disposes them to a work unit
// and answers them (the response travels back to the origin), and, once a forwarded case has its
// response, replies to it as the citizen at the origin with the tracking id and access code the
// intake returned (the reply travels on to the handler). Every acknowledged success
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
  struct Pending {  // a case to forward (at `from`), accept (at `to`) or reply to (at `from`)
    std::string from, to, tracking_id, access_code;
    int attempts = 0;
  };
  struct Mailbox {  // what one member's worker gets from the others
    std::mutex mu;
    std::deque<Pending> cases;      // forwarded to it, waiting to be accepted
    std::deque<Pending> responded;  // filed here, answered by the handler: the citizen replies
  };
  class Worker;

  void Run(std::size_t index);
  // Queues `p` in the `queue` of the mailbox of member `member`.
  void Deliver(Pending p, const std::string& member, std::deque<Pending> Mailbox::*queue);

  SoakFederation& fed_;
  Ledger& ledger_;
  const LoadOptions options_;
  std::atomic<bool> stop_{false};
  std::vector<std::unique_ptr<Mailbox>> mailboxes_;  // by member index
  std::vector<std::thread> threads_;
};

}  // namespace simpul::soak
