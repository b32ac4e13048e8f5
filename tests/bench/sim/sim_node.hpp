#pragma once
// One simulated member node: the keys, TLS identity and enrollment request a real node makes with
// `simpulctl init` and `enroll`; its transparency log in memory (MemoryLog, with the leaf formats
// of node/store/log_leaves.hpp); its outbound stream to the coordinator (seq and prev chain); the
// counters its node.report states; and the checkpoints it has signed and the witness has cosigned.
//
//   auto node = SimNode::Create(index, plan, "https://127.0.0.1:9/kab-32.04", now);
//   node->Record(event, traffic.cases()[event.case_index]);          // a case event: one leaf
//   auto env = node->Seal(MessageType::kCaseMeta, body, "coord:panrb", dir_version, now);
//   node->Delivered(*env, receipt);                                   // one more leaf
//   auto note = node->SignCheckpoint();                               // at the current size
//
// The endpoint is never listened on: the coordinator only answers these nodes' requests, and
// the simulation never lets a stream gap arise for it to pull. Owned by the driver; used by one
// session (one strand) at a time, never concurrently.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crypto/ed25519.hpp"
#include "crypto/signed_note.hpp"
#include "crypto/tls_identity.hpp"
#include "federation/message_types.hpp"
#include "federation/peer_client.hpp"
#include "tests/bench/sim/federation_plan.hpp"
#include "tests/bench/sim/memory_log.hpp"
#include "tests/bench/sim/traffic.hpp"

namespace simpul::bench::sim {

// What the node's reports say about it, kept as its events are recorded.
struct NodeStats {
  std::array<std::int64_t, 10> by_state{};  // cases held, indexed by domain::CaseState
  std::int64_t cases = 0;                   // cases it has recorded an event of
  std::array<std::int64_t, 6> clocks{};     // indexed by ClockOutcome - 1: met/missed per clock
  std::int64_t escalations = 0;
  std::int64_t events = 0;     // case events recorded
  std::int64_t meta_sent = 0;  // of them, sent as case.meta records
  std::int64_t delivered = 0;  // envelopes the coordinator acknowledged
};

// An envelope sealed on the node's stream to the coordinator.
struct OutgoingEnvelope {
  federation::MessageType type = federation::MessageType::kNodeReport;
  std::string to;
  std::string msg_id;
  std::int64_t seq = 0;
  std::string bytes;  // canonical envelope
  std::string hash;   // EnvelopeHash(bytes)
};

class SimNode {
 public:
  // Fresh message and log keys and a TLS identity for `plan`. Fails as TlsIdentity::Generate or
  // NoteSigner::Create do.
  static Result<std::unique_ptr<SimNode>> Create(std::size_t index, const MemberPlan& plan,
                                                 std::string endpoint,
                                                 std::chrono::system_clock::time_point now);

  // Its index in the member list (and in the traffic).
  std::size_t index() const { return index_; }
  const MemberPlan& plan() const { return plan_; }
  const std::string& id() const { return plan_.id; }
  const crypto::TlsIdentity& tls() const { return tls_; }

  // The signed enrollment request (`simpulctl enroll`), created at `now_ms`. Fails as
  // federation::SignEnrollment does.
  Result<std::string> Enrollment(std::int64_t now_ms) const;

  // Appends the leaf of case event `e` of case `c` (intake for a submit, event otherwise) and
  // counts it.
  void Record(const SimEvent& e, const SimCase& c);

  // Seals the next envelope of this node's stream to `to` (always the coordinator) and appends
  // its "sent" leaf; `case_id` is the envelope's refs.case_id ("" for none). Fails as
  // federation::SealEnvelope does.
  Result<OutgoingEnvelope> Seal(federation::MessageType type, std::string body,
                                const std::string& to, std::int64_t dir_version,
                                std::chrono::system_clock::time_point now,
                                std::string case_id = "");

  // Appends the "delivered" leaf of an acknowledged envelope.
  void Delivered(const OutgoingEnvelope& envelope, std::string_view receipt);

  // The log's checkpoint at its current size, signed with the log key (origin simpul/<id>).
  // Fails as crypto::SignNote does.
  Result<std::string> SignCheckpoint() const;

  MemoryLog& log() { return log_; }
  const MemoryLog& log() const { return log_; }
  NodeStats& stats() { return stats_; }
  const NodeStats& stats() const { return stats_; }

  // How many of its traffic events (Traffic::EventsOf) it has recorded.
  std::size_t replayed = 0;
  // The size of the newest checkpoint the witness cosigned (0 before any).
  std::uint64_t witnessed_size = 0;
  // The newest signed checkpoint's size (0 before any).
  std::uint64_t checkpoint_size = 0;
  // This node's mutual-TLS client to the coordinator, made on first use on the lane's executor and
  // closed between sessions; RunLanes destroys it before its io_context.
  std::unique_ptr<federation::PeerClient> client;

 private:
  SimNode(std::size_t index, MemberPlan plan, std::string endpoint,
          crypto::Ed25519KeyPair message_key, crypto::Ed25519KeyPair log_key,
          crypto::NoteSigner log_signer, crypto::TlsIdentity tls);

  std::size_t index_;
  MemberPlan plan_;
  std::string endpoint_;
  crypto::Ed25519KeyPair message_key_, log_key_;
  crypto::NoteSigner log_signer_;
  crypto::TlsIdentity tls_;
  MemoryLog log_;
  NodeStats stats_;
  std::int64_t seq_ = 0;  // the last seq sealed on the stream to the coordinator
  std::string prev_;      // its envelope hash
};

}  // namespace simpul::bench::sim
