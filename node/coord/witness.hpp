#pragma once
// The coordinator's transparency-log witness (DESIGN §4; C2SP tlog-witness add-checkpoint). Every
// member node's log submits its signed checkpoints with a consistency proof from the size the
// witness last cosigned; the witness checks them against the directory and its stored state,
// cosigns (C2SP tlog-cosignature, key name WitnessName(coordinator id), the coordinator's log
// key), and keeps evidence of any fork or rollback.
//
//   Witness witness(state, db, std::move(cosigner), clock);
//   Result<WitnessAnswer> a = co_await witness.AddCheckpoint(std::move(body), std::move(peer));
//
// Checks, in order (the spec's, with its status codes):
//   1. the body parses and holds a checkpoint note                             400 kMalformed
//   2. the origin is LogOrigin(id) of a node in the current directory           404 kUnknownOrigin
//   3. a signature by one of that node's non-revoked log keys verifies         403 kUnverified
//   4. old size <= checkpoint size                                             400 kMalformed
//   5. old size == the size last cosigned for the origin (0 if none)           409 kOldSizeMismatch
//   6. old size == checkpoint size: same root as the cosigned one, empty proof 409 kRootMismatch
//                                                                                / 422
//                                                                                kInconsistent
//      old size <  checkpoint size: the consistency proof verifies from the
//      cosigned checkpoint (or from the empty tree)                            422 kInconsistent
// then it cosigns and stores the new state. Steps 5 and 6 and the update run in one database
// write job, so checking the stored size and storing the new one are atomic (the spec's race).
//
// State: a refusal never changes the witnessed state of any log — only a cosignature does (a
// resubmission of the cosigned checkpoint changes nothing but its cosigned_at). A request that
// passed step 3 (so the log really signed it) may add an alarm, with both log-signed notes:
//   rollback  the checkpoint is smaller than the one last cosigned (whatever its old size);
//   fork      the checkpoint has the cosigned size but another root (whatever its old size), or
//             its consistency proof from the cosigned checkpoint does not verify.
// An alarm is stored once per piece of evidence, logged as a warning each time and counted.
// A failed consistency proof is stored as a fork because the log signed both checkpoints and
// could not (or would not) show that one extends the other; a log that merely computed a wrong
// proof must answer for it with a correct one.
//
// Thread safety: AddCheckpoint and counters may be called from any thread at once.

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "crypto/checkpoint.hpp"
#include "crypto/signed_note.hpp"
#include "federation/witness_protocol.hpp"
#include "node/fed/federation_state.hpp"
#include "node/service/clock.hpp"
#include "node/store/database.hpp"
#include "node/store/witness_store.hpp"

namespace simpul::coord {

// What the witness answers one add-checkpoint request.
struct WitnessAnswer {
  std::optional<federation::WitnessRefusal> refusal;  // nullopt: cosigned
  std::vector<crypto::NoteSignature> cosignatures;    // when cosigned: the witness's line
  std::uint64_t known_size = 0;  // kOldSizeMismatch: the size last cosigned for the origin
  std::string message;           // refusals: what was wrong and what to do
  std::string origin;            // the checkpoint's origin, once parsed
  std::optional<store::WitnessAlarmKind> alarm;  // raised (or raised again) by this request
  std::string alarm_detail;                      // what the alarm found
  std::optional<std::int64_t> alarm_id;          // set when the alarm was newly stored
};

// Monotonic counts since start, for /metrics.
struct WitnessCounters {
  std::uint64_t cosigned = 0;
  std::array<std::uint64_t, 6> refused{};  // indexed by WitnessRefusal
  std::uint64_t forks = 0, rollbacks = 0;  // alarms raised (repeats included)
};

class Witness {
 public:
  // Borrows `state` (the directory names the logs and their keys) and `db`; both outlive it.
  // `cosigner` is the coordinator's log key under WitnessName(coordinator id).
  Witness(fed::FederationState& state, store::Database& db, crypto::Cosigner cosigner,
          service::Clock clock);

  // Handles one add-checkpoint request body (`submitter` names the mTLS peer, for logs). A
  // refusal is an answer, not an error. Fails with kUnavailable when the coordinator holds no
  // current directory (fail closed: a stale directory may list revoked keys), and as the
  // database does (kUnavailable, kInternal); nothing is stored then.
  // GCC 12: pass named locals (std::move them).
  boost::asio::awaitable<Result<WitnessAnswer>> AddCheckpoint(std::string body,
                                                              std::string submitter);

  const crypto::NoteVerifierKey& verifier_key() const { return cosigner_.verifier_key(); }
  WitnessCounters counters() const;

 private:
  void Record(const WitnessAnswer& answer, const std::string& submitter);

  fed::FederationState& state_;
  store::Database& db_;
  const crypto::Cosigner cosigner_;
  const service::Clock clock_;
  std::atomic<std::uint64_t> cosigned_{0};
  std::array<std::atomic<std::uint64_t>, 6> refused_{};
  std::atomic<std::uint64_t> forks_{0}, rollbacks_{0};
};

}  // namespace simpul::coord
