#pragma once
// One session of a simulated node with the coordinator: the node comes online, replays its case
// events of a span of simulated days into its log, sends them as case.meta and a node.report per
// report period — sealed on its stream and POSTed to /federation/v1/inbox in batches of at most
// the directory's max_batch over its own mutual-TLS PeerClient, each receipt verified as the
// node's dispatcher does — then offers the checkpoints it signed (one per checkpoint period) to the
// coordinator's witness with consistency proofs from the last cosigned size, and disconnects.
//
//   SessionSpan span{.first_day = 7, .end_day = 14};
//   Result<void> done = co_await RunSession(node, world, span, tally);
//
// Threading: a session runs on the strand its node's PeerClient was made for (the lane's); the
// Tally is shared by all lanes and atomic. A node is in at most one session at a time.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "crypto/signed_note.hpp"
#include "federation/directory.hpp"
#include "tests/bench/sim/sim_node.hpp"
#include "tests/bench/sim/traffic.hpp"

namespace simpul::bench::sim {

// What every session needs to know about the federation. Shared, read-only during the traffic.
struct SimWorld {
  const Traffic* traffic = nullptr;
  const std::vector<MemberPlan>* members = nullptr;
  std::shared_ptr<const federation::Directory> directory;  // the version the nodes act under
  std::string coordinator_id;
  std::string coordinator_endpoint;  // its federation listener, https://127.0.0.1:<port>
  std::string coordinator_pin;       // its SPKI pin from the directory
  crypto::NoteVerifierKey witness_key;
  int report_every_days = 1;
  int checkpoint_every_days = 1;
  std::chrono::milliseconds timeout{30000};  // per request
};

// Simulated days [first_day, end_day); the session of the year's last span also sends what is
// left after the last day (nothing, since no event lies beyond it).
struct SessionSpan {
  int first_day = 0;
  int end_day = 7;
};

// Counts over all sessions.
struct Tally {
  std::atomic<std::int64_t> sessions{0}, envelopes{0}, batches{0}, meta_envelopes{0},
      meta_records{0}, reports{0}, receipts{0}, checkpoints{0}, cosigned{0}, conflicts{0},
      events{0}, escalations{0};
};

// Runs one session of `node` on `executor` (a strand; the node's PeerClient is made on it the
// first time). Fails at the first problem, naming the node: sealing, transport, an HTTP status
// other than 200, an outcome other than "applied" or a receipt that does not verify, or a witness
// refusal or answer that does not verify.
boost::asio::awaitable<Result<void>> RunSession(boost::asio::any_io_executor executor,
                                                SimNode& node, const SimWorld& world,
                                                SessionSpan span, Tally& tally);

}  // namespace simpul::bench::sim
