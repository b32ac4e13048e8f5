// Fuzzes the C2SP text formats (crypto/signed_note.hpp, checkpoint.hpp, tlog_proof.hpp): signed
// notes, verifier keys, checkpoint bodies, cosignature lines and tlog proofs, parsed and, where a
// key is known, verified. Invariants: what parses formats back to the same bytes (base64 and
// decimals are canonical-only, so each text has one form); a verified note's signatures are by
// known keys over exactly its text; a verified tlog proof names the fuzz log's origin and a root
// the inclusion proof leads to.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/checkpoint.hpp"
#include "crypto/signed_note.hpp"
#include "crypto/tlog_proof.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_keys.hpp"

namespace {

namespace crypto = simpul::crypto;
using simpul::fuzz::Require;

// The keys of golang.org/x/mod/sumdb/note's published example, and the fuzz log's.
struct KnownKeys {
  std::vector<crypto::NoteVerifierKey> note_keys = {
      crypto::ParseNoteVerifierKey(
          "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
          .value(),
      crypto::ParseNoteVerifierKey(
          "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop")
          .value(),
      simpul::fuzz::LogSigner().verifier_key()};
  std::vector<crypto::NoteVerifierKey> log_keys = {simpul::fuzz::LogSigner().verifier_key()};
  crypto::NoteVerifierKey witness = simpul::fuzz::WitnessCosigner().verifier_key();
};

bool IsKnown(const crypto::NoteSignature& sig, const std::vector<crypto::NoteVerifierKey>& keys) {
  for (const auto& key : keys) {
    if (key.name == sig.key_name && key.key_id == sig.key_id) return true;
  }
  return false;
}

void CheckNote(std::string_view text, const KnownKeys& keys) {
  const auto note = crypto::ParseNote(text);
  if (!note) return;
  const auto formatted = crypto::FormatNote(*note);
  Require(formatted.has_value() && *formatted == text, "a parsed note formats to other bytes");
  const auto opened = crypto::OpenNote(text, keys.note_keys);
  if (opened) {
    Require(opened->text == note->text, "OpenNote returned another text");
    Require(!opened->verified.empty(), "OpenNote succeeded without a verified signature");
    for (const auto& sig : opened->verified) {
      Require(IsKnown(sig, keys.note_keys), "a signature by an unknown key counted as verified");
    }
  }
  const auto checkpoint = crypto::ParseCheckpoint(note->text);
  for (const auto& sig : note->signatures) {
    (void)crypto::CosignatureTime(sig);
    if (checkpoint && crypto::VerifyCosignature(keys.witness, note->text, sig)) {
      Require(sig.key_name == keys.witness.name, "a cosignature verified under another name");
    }
  }
}

void CheckCheckpoint(std::string_view text) {
  const auto checkpoint = crypto::ParseCheckpoint(text);
  if (!checkpoint) return;
  const auto formatted = crypto::FormatCheckpoint(*checkpoint);
  Require(formatted.has_value() && *formatted == text, "a checkpoint formats to other bytes");
}

void CheckTlogProof(std::string_view text, const KnownKeys& keys) {
  const auto proof = crypto::ParseTlogProof(text);
  if (!proof) return;
  const auto formatted = crypto::FormatTlogProof(*proof);
  Require(formatted.has_value() && *formatted == text, "a tlog proof formats to other bytes");
  const auto verified = crypto::VerifyTlogProof(*proof, simpul::fuzz::kLogOrigin,
                                                simpul::fuzz::LogLeaf(proof->index), keys.log_keys);
  if (verified) {
    Require(verified->checkpoint.origin == simpul::fuzz::kLogOrigin, "proof of another log");
    Require(crypto::VerifyInclusion(simpul::fuzz::LogLeaf(proof->index), proof->index,
                                    verified->checkpoint.size, proof->inclusion,
                                    verified->checkpoint.root_hash)
                .has_value(),
            "a verified tlog proof's inclusion proof does not lead to its root");
  }
}

void CheckSmallFields(std::string_view text) {
  const auto key = crypto::ParseNoteVerifierKey(text);
  if (key) {
    const auto again = crypto::ParseNoteVerifierKey(crypto::FormatNoteVerifierKey(*key));
    Require(again.has_value() && again->name == key->name && again->key_id == key->key_id &&
                again->type == key->type && again->public_key == key->public_key,
            "a verifier key does not survive format and parse");
  }
  const auto number = crypto::ParseTlogDecimal(text);
  if (number) Require(std::to_string(*number) == text, "a tlog decimal has two spellings");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const KnownKeys keys;
  const std::string_view text = simpul::fuzz::AsText(data, size);
  CheckNote(text, keys);
  CheckCheckpoint(text);
  CheckTlogProof(text, keys);
  CheckSmallFields(text);
  return 0;
}
