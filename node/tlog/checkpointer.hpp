#pragma once
// Signs the node's transparency-log checkpoints and has them witnessed (DESIGN §4).
//
// On start it checks the subtree cache against the leaves (rebuilding what differs) so every
// checkpoint commits to the leaves as they are stored; a gap in the leaves marks the log broken
// and no checkpoint is signed again (the node keeps serving; /metrics and node reports show it).
// It then audits the case and event rows against their leaves (tlog/source_audit.hpp) and
// records the result, which the node's report carries to the coordinator.
// Then, each tick, it signs a C2SP checkpoint (origin "simpul/<node id>", signed with the log
// key) when `interval` has passed or `max_leaves` leaves were added since the last one, and
// offers the newest unwitnessed checkpoint to the witness with a consistency proof from the last
// size the witness cosigned, storing the cosigned note when it answers.
//
//   Checkpointer cp(io, db, std::move(signer), {std::chrono::seconds(10), 1000}, clock);
//   cp.SetWitness(call);   // optional: a standalone node or the coordinator has none
//   cp.Start();
//
// Thread safety: Start, Stop and SetWitness from the owning thread before/after io runs; Tick
// runs on the io_context; status() from any thread.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "crypto/merkle.hpp"
#include "crypto/signed_note.hpp"
#include "node/service/clock.hpp"
#include "node/store/database.hpp"

namespace simpul::tlog {

struct CheckpointPolicy {
  std::chrono::seconds interval{10};
  std::int64_t max_leaves = 1000;
};

// What a witness said to one add-checkpoint request.
struct WitnessAnswer {
  enum class Kind { kCosigned, kConflict, kRefused };
  Kind kind = Kind::kRefused;
  std::string cosignatures;       // kCosigned: the cosignature lines, each ending in '\n'
  std::int64_t witness_size = 0;  // kConflict: the size the witness last cosigned
  std::string error;              // kRefused: status and message
};

// Offers `note` (the signed checkpoint) with a consistency proof from `old_size`. Fails only when
// the witness could not be asked (network, TLS); a refusal is an answer.
using WitnessCall = std::function<boost::asio::awaitable<Result<WitnessAnswer>>(
    std::int64_t old_size, crypto::MerkleProof proof, std::string note)>;

struct CheckpointerStatus {
  bool audited = false;
  std::string broken;  // why the log can no longer be checkpointed; "" while healthy
  std::int64_t cache_repairs = 0;
  std::int64_t source_mismatches = 0;  // cases whose rows differ from their leaves (source audit)
  std::int64_t checkpoints_signed = 0;
  std::int64_t latest_size = 0;
  std::int64_t witnessed_size = 0;
  std::int64_t witness_refusals = 0;
  std::string last_witness_error;
};

class Checkpointer {
 public:
  Checkpointer(boost::asio::io_context& io, store::Database& db, crypto::NoteSigner signer,
               CheckpointPolicy policy, service::Clock clock);

  void SetWitness(WitnessCall call) { witness_ = std::move(call); }
  void Start();
  void Stop();
  // One round: audit (first round only), sign a checkpoint if one is due, offer the newest
  // unwitnessed one to the witness. Fails on a database error; witness trouble is only recorded.
  boost::asio::awaitable<Result<void>> Tick();
  CheckpointerStatus status() const;

 private:
  boost::asio::awaitable<void> Loop();
  boost::asio::awaitable<Result<void>> Audit();
  boost::asio::awaitable<Result<void>> AuditSources();
  boost::asio::awaitable<Result<void>> SignIfDue();
  boost::asio::awaitable<Result<void>> OfferToWitness();
  void Record(const std::function<void(CheckpointerStatus&)>& change);

  boost::asio::io_context& io_;
  store::Database& db_;
  crypto::NoteSigner signer_;
  std::string origin_;
  CheckpointPolicy policy_;
  service::Clock clock_;
  WitnessCall witness_;
  boost::asio::steady_timer timer_;
  mutable std::mutex mu_;
  CheckpointerStatus status_;
};

}  // namespace simpul::tlog
