#pragma once
// C2SP tlog-proof (https://c2sp.org/tlog-proof): an offline-verifiable proof that an entry is in a
// log, made of the entry's index, its RFC 6962 inclusion proof and the log's signed (and perhaps
// cosigned) checkpoint.
//
//   c2sp.org/tlog-proof@v1
//   extra <base64>          (optional, unauthenticated)
//   index <n>
//   <base64 hash>           (zero or more, from the leaf's sibling up)
//
//   <checkpoint signed note, verbatim>
//
// This is what a citizen's receipt is checked against offline. Free functions are pure and
// thread-safe.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/checkpoint.hpp"
#include "crypto/merkle.hpp"
#include "crypto/result.hpp"
#include "crypto/signed_note.hpp"

namespace simpul::crypto {

struct TlogProof {
  std::optional<Bytes> extra;  // opaque and not authenticated: never trust it
  std::uint64_t index = 0;
  MerkleProof inclusion;
  std::string checkpoint_note;  // the signed checkpoint note as the log (and witnesses) issued it
};

// The text form. Fails with kInvalidArgument if the checkpoint note is not a syntactically valid
// signed note.
Result<std::string> FormatTlogProof(const TlogProof& proof);

// Parses the text form. Checks the syntax of the checkpoint note but no signature. Fails with
// kInvalidArgument, naming the problem, on a wrong first line, a malformed extra, index or hash
// line, more than 64 hashes, or no blank line before the checkpoint; as ParseNote on the note.
Result<TlogProof> ParseTlogProof(std::string_view text);

struct VerifiedTlogProof {
  Checkpoint checkpoint;
  VerifiedNote note;  // witness cosignature lines are in note.unknown, for the caller's policy
};

// Verifies that the entry with `leaf_hash` is in the log named `origin`: the checkpoint note is
// signed by one of `log_keys` (OpenNote), is a checkpoint of that origin, and the inclusion proof
// leads from the leaf at the proof's index to its root. Cosignatures are not checked here. Fails
// as OpenNote and ParseCheckpoint do; with kInvalidArgument on another origin or a failed
// inclusion proof.
Result<VerifiedTlogProof> VerifyTlogProof(const TlogProof& proof, std::string_view origin,
                                          const MerkleHash& leaf_hash,
                                          std::span<const NoteVerifierKey> log_keys);

}  // namespace simpul::crypto
