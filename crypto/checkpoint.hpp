#pragma once
// C2SP tlog-checkpoint note bodies (https://c2sp.org/tlog-checkpoint) and timestamped Ed25519
// cosignatures of them (https://c2sp.org/tlog-cosignature, signature type 0x04).
//
//   std::string body = FormatCheckpoint({"simpul/node-7", log.size(), log.Root(), {}}).value();
//   std::string note = SignNote(body, log_signer).value();          // the log's signature
//   NoteSignature cosig = witness.Cosign(body, now).value();        // a witness's cosignature
//   Result<std::chrono::sys_seconds> t = VerifyCosignature(witness_key, body, cosig);
//
// A checkpoint body is "<origin>\n<tree size>\n<base64 root hash>\n" and optional non-empty
// extension lines. Free functions are pure and thread-safe; a Cosigner may be used from several
// threads at once.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"
#include "crypto/merkle.hpp"
#include "crypto/result.hpp"
#include "crypto/signed_note.hpp"

namespace simpul::crypto {

struct Checkpoint {
  std::string origin;  // names the log, e.g. "simpul/<node id>"
  std::uint64_t size = 0;
  MerkleHash root_hash{};
  std::vector<std::string> extensions;  // opaque lines after the root hash; the spec discourages

  bool operator==(const Checkpoint&) const = default;
};

// Reads a number as the tlog formats write sizes and indexes: ASCII decimal, no sign, no leading
// zeros (unless it is 0), at most 2^64 - 1. Fails with kInvalidArgument otherwise.
Result<std::uint64_t> ParseTlogDecimal(std::string_view text);

// The note text of `checkpoint`, ending in a newline. Fails with kInvalidArgument if the origin or
// an extension line is empty or holds a control character (a newline among them).
Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint);

// Parses a checkpoint note text (without signatures). Fails with kInvalidArgument, naming the
// problem, unless it is at least three non-empty newline-terminated lines free of control
// characters: an origin, a decimal size without leading zeros that fits 64 bits, and the base64
// of a 32-byte root hash.
Result<Checkpoint> ParseCheckpoint(std::string_view text);

// A witness's cosigning key: an Ed25519 key whose note key id uses type 0x04, so its cosignatures
// can never pass for plain note signatures or the other way round. Move-only.
class Cosigner {
 public:
  // Fails with kInvalidArgument if `name` is not a valid note key name.
  static Result<Cosigner> Create(std::string name, Ed25519KeyPair key);

  // The key verifiers configure: type kCosignatureV1.
  const NoteVerifierKey& verifier_key() const { return verifier_key_; }

  // The cosignature line for `checkpoint_text` at `time`: key id, 8-byte big-endian POSIX time,
  // Ed25519 signature over "cosignature/v1\ntime <t>\n" followed by the text. Fails with
  // kInvalidArgument if the text is not a checkpoint or `time` is before the epoch.
  Result<NoteSignature> Cosign(std::string_view checkpoint_text,
                               std::chrono::sys_seconds time) const;

 private:
  Cosigner(NoteVerifierKey verifier_key, Ed25519KeyPair key);

  NoteVerifierKey verifier_key_;
  Ed25519KeyPair key_;
};

// The time a cosignature line claims, unverified. Fails with kInvalidArgument unless the signature
// is 72 bytes (time and Ed25519 signature) with a time of at most 2^63 - 1.
Result<std::chrono::sys_seconds> CosignatureTime(const NoteSignature& signature);

// Verifies that `signature` is `cosigner`'s cosignature of `checkpoint_text` and returns the time
// it claims. Fails with kInvalidArgument if `cosigner` is not a kCosignatureV1 key, the line is by
// another key (name or key id) or malformed; kUnauthenticated if the signature does not verify,
// which covers any change to the time or the text.
Result<std::chrono::sys_seconds> VerifyCosignature(const NoteVerifierKey& cosigner,
                                                   std::string_view checkpoint_text,
                                                   const NoteSignature& signature);

}  // namespace simpul::crypto
