#pragma once
// The client side of the C2SP tlog-witness add-checkpoint call (witness_protocol.hpp): what a
// node's checkpointer uses to get its checkpoints cosigned by the coordinator's witness over the
// node's mutual-TLS PeerClient.
//
//   // Once per new checkpoint: old_size is the size the checkpointer believes the witness holds
//   // (the last size it saw cosigned, or 0), proof the RFC 6962 consistency proof from it.
//   std::vector<crypto::NoteVerifierKey> keys = WitnessKeysFromDirectory(*directory);
//   AddCheckpointRequest request{old_size, std::move(proof), signed_note};
//   auto reply = co_await AddCheckpoint(*coordinator_client, std::move(request),
//                                       std::move(witness_key), timeout);
//   if (!reply) ...                                  // transport failure or a lying witness: retry
//   else if (auto* ok = std::get_if<WitnessCosigned>(&*reply))
//     TlogStore::SetCosigned(c, size, ok->cosigned_note, now);
//   else if (auto* c = std::get_if<WitnessConflict>(&*reply))
//     ...                                            // resend with old_size = c->known_size and
//                                                    // a proof from that size
//   else ...                                         // WitnessRefused: alert; do not loop
//
// A checkpointer should remember the witness's size only from a WitnessCosigned (its own
// checkpoint's size) or a WitnessConflict (known_size). It must offer one checkpoint at a time,
// its newest, and never a checkpoint smaller than one the witness already cosigned (a stale
// retry after a newer checkpoint succeeded, or two submissions racing): the witness cannot tell
// that from a log that lost leaves, and raises a rollback alarm.
//
// Threading: as PeerClient — one call at a time per client, on the client's executor. Free
// functions are pure and thread-safe.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "crypto/result.hpp"
#include "crypto/signed_note.hpp"
#include "federation/peer_client.hpp"
#include "federation/witness_protocol.hpp"

namespace simpul::federation {

// 200: the witness cosigned. Only lines by the witness key the caller trusts are kept, each
// verified over the submitted checkpoint.
struct WitnessCosigned {
  std::vector<crypto::NoteSignature> cosignatures;  // at least one
  std::chrono::sys_seconds time{};                  // the time the first cosignature claims
  std::string cosigned_note;  // the submitted note with `cosignatures` appended (once each)
};

// 409 with a text/x.tlog.size body: the old size was not the witness's size for this log.
struct WitnessConflict {
  std::uint64_t known_size = 0;  // the size of the last checkpoint the witness cosigned
};

// Any other 4xx: the witness refused the checkpoint (400 malformed, 403 no trusted signature,
// 404 unknown origin, 409 same size with another root, 422 bad consistency proof, or a
// transport-level refusal such as 401 or 413). Resending the same request will not help.
struct WitnessRefused {
  int status = 0;
  std::string code;     // the JSON error code when the witness sent one (see Name(WitnessRefusal))
  std::string message;  // the witness's explanation, at most 512 bytes
};

using WitnessReply = std::variant<WitnessCosigned, WitnessConflict, WitnessRefused>;

// What the witness's `response` to a request carrying `checkpoint_note` means, with cosignatures
// checked against `witness_key` (a kCosignatureV1 key, e.g. from WitnessKeysFromDirectory).
// Lines by other keys are ignored, as the spec requires. Fails with
//   kUnavailable      a 5xx (the message names the status and the witness's explanation);
//   kUnauthenticated  a 200 without a line by `witness_key`, or with one that does not verify;
//   kInvalidArgument  a 200 whose body is not signature lines, a 409 text/x.tlog.size whose body
//                     is not a size, a 1xx/2xx/3xx other than 200, or a checkpoint_note that is
//                     not a signed note.
Result<WitnessReply> InterpretAddCheckpointResponse(const PeerResponse& response,
                                                    std::string_view checkpoint_note,
                                                    const crypto::NoteVerifierKey& witness_key);

// POSTs `request` to kWitnessAddCheckpointPath on `client` (a PeerClient for the coordinator's
// federation endpoint, pinned to its directory SPKI) and interprets the answer as above. The whole
// exchange must finish within `timeout`. Fails as FormatAddCheckpointRequest (kInvalidArgument,
// nothing sent), as PeerClient::Request (kUnavailable, kUnauthenticated for a wrong server pin,
// kTooLarge) and as InterpretAddCheckpointResponse. Safe to retry after any failure: the witness
// answers a resubmitted checkpoint it already cosigned with a fresh cosignature.
// GCC 12: pass named locals (std::move them), never temporaries, into these parameters.
boost::asio::awaitable<Result<WitnessReply>> AddCheckpoint(PeerClient& client,
                                                           AddCheckpointRequest request,
                                                           crypto::NoteVerifierKey witness_key,
                                                           std::chrono::milliseconds timeout);

}  // namespace simpul::federation
