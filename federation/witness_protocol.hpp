#pragma once
// The C2SP tlog-witness add-checkpoint protocol (https://c2sp.org/tlog-witness) as the
// coordinator's witness speaks it, and the names and keys that tie it to the directory.
//
// Every node's transparency log signs checkpoints with origin LogOrigin(node id) under the
// node's directory log key; the coordinator witnesses them and cosigns (c2sp.org/tlog-cosignature)
// with its own directory log key under the key name WitnessName(coordinator id). A verifier that
// holds only the signed directory can therefore check both the log signature and the witness
// cosignature of any checkpoint:
//
//   std::string body = FormatAddCheckpointRequest({old_size, proof, signed_note}).value();
//   // POST body to kWitnessAddCheckpointPath; the witness parses it:
//   Result<AddCheckpointRequest> req = ParseAddCheckpointRequest(body);
//   // 200: signature lines; 409 with kTlogSizeContentType: the witness's size; else a refusal.
//   std::vector<crypto::NoteVerifierKey> w = WitnessKeysFromDirectory(directory);
//
// Request body (each line ends in U+000A):
//   old <size the client believes the witness holds>
//   <base64 hash>                     zero to 63 consistency proof lines (RFC 6962 §2.1.2)
//   <empty line>
//   <the checkpoint as a signed note, verbatim>
//
// Free functions are pure and thread-safe.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"
#include "crypto/merkle.hpp"
#include "crypto/result.hpp"
#include "crypto/signed_note.hpp"

namespace simpul::federation {

class Directory;

// Where the coordinator's witness listens, on its mutual-TLS federation listener.
inline constexpr std::string_view kWitnessAddCheckpointPath =
    "/federation/v1/witness/add-checkpoint";
// The content type of a 409 body that states the witness's size for the origin.
inline constexpr std::string_view kTlogSizeContentType = "text/x.tlog.size";
// The spec caps consistency proofs at 63 lines.
inline constexpr std::size_t kMaxConsistencyProofLines = 63;
// Largest request body: the old size line, 63 proof lines, the blank line and a maximal note.
inline constexpr std::size_t kMaxAddCheckpointBytes = 32 + 63 * 45 + 1 + crypto::kMaxNoteBytes;

// The origin line of node `node_id`'s checkpoints: "simpul/<node id>". It is also the key name
// of the log's note signatures.
std::string LogOrigin(std::string_view node_id);

// The node id of a LogOrigin, or "" when `origin` does not start with "simpul/" or names no id.
std::string_view NodeIdOfOrigin(std::string_view origin);

// The note key name of the coordinator's witness cosignatures: "simpul/witness/<coordinator
// id>". Node ids hold no space and no '+', so this is a valid key name; no log origin has this
// form (node ids hold no '/'), so a witness name is never mistaken for a log's.
std::string WitnessName(std::string_view coordinator_id);

// The cosignature verifier key (type kCosignatureV1) of coordinator `coordinator_id` whose
// directory log key is `log_key`. Fails with kInvalidArgument if the witness name is not a valid
// note key name (an id with a space or '+').
Result<crypto::NoteVerifierKey> WitnessVerifierKey(std::string_view coordinator_id,
                                                   const crypto::Ed25519PublicKey& log_key);

// The verifier keys of the directory's coordinator witness: one per log key of the coordinator's
// entry (the node of class coordinator) that is not revoked. Empty when the directory has no
// coordinator entry or it has no usable log key.
std::vector<crypto::NoteVerifierKey> WitnessKeysFromDirectory(const Directory& directory);

// The log signing keys the witness trusts for node `node_id`: its log keys that are not revoked,
// as kEd25519 note keys named LogOrigin(node_id). Fails with kNotFound if the directory has no
// such node.
Result<std::vector<crypto::NoteVerifierKey>> LogKeysFromDirectory(const Directory& directory,
                                                                  std::string_view node_id);

struct AddCheckpointRequest {
  std::uint64_t old_size = 0;
  crypto::MerkleProof proof;    // from old_size to the checkpoint's size; empty when old_size 0
  std::string checkpoint_note;  // the signed checkpoint note, verbatim
};

// The request body. Fails with kInvalidArgument if the proof has more than 63 hashes or the note
// is not a syntactically valid signed note (crypto::ParseNote).
Result<std::string> FormatAddCheckpointRequest(const AddCheckpointRequest& request);

// Parses a request body. Checks syntax only (no signature, no checkpoint body). Fails with
// kTooLarge beyond kMaxAddCheckpointBytes and with kInvalidArgument, naming the problem, on: a
// first line other than "old <decimal>" (no sign, no leading zero), a proof line that is not the
// base64 of 32 bytes, more than 63 proof lines, no blank line after them, or a note ParseNote
// refuses.
Result<AddCheckpointRequest> ParseAddCheckpointRequest(std::string_view body);

// Why a witness refuses a checkpoint. Each maps to the status the spec assigns.
enum class WitnessRefusal {
  kMalformed,        // 400: the body is malformed, or the old size exceeds the checkpoint's
  kUnverified,       // 403: no signature by a key the witness trusts for the origin verifies
  kUnknownOrigin,    // 404: the witness does not witness this origin
  kOldSizeMismatch,  // 409, text/x.tlog.size: the old size is not the witness's latest size
  kRootMismatch,     // 409: the checkpoint has the witness's size but another root hash
  kInconsistent,     // 422: the consistency proof does not verify
};

// The HTTP status of `refusal`: 400, 403, 404, 409, 409 or 422.
int HttpStatusOf(WitnessRefusal refusal);

// Stable lower-case name, for JSON error codes and metric labels: "malformed", "unverified",
// "unknown_origin", "old_size_mismatch", "root_mismatch", "inconsistent".
std::string_view Name(WitnessRefusal refusal);

// The body of a 200 answer: one line per cosignature. Fails with kInvalidArgument if
// `cosignatures` is empty or a line would be malformed.
Result<std::string> FormatCosignatureLines(std::span<const crypto::NoteSignature> cosignatures);

// Parses a 200 answer's body into its signature lines, unverified. Fails with kInvalidArgument
// if it is empty or any line is not a signature line ending in a newline; kTooLarge as ParseNote.
Result<std::vector<crypto::NoteSignature>> ParseCosignatureLines(std::string_view body);

// The body of a 409 text/x.tlog.size answer: the decimal size and a newline.
std::string FormatTlogSize(std::uint64_t size);

// Parses a text/x.tlog.size body. Fails with kInvalidArgument unless it is one canonical decimal
// (crypto::ParseTlogDecimal) followed by a newline.
Result<std::uint64_t> ParseTlogSize(std::string_view body);

}  // namespace simpul::federation
