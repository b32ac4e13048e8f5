#pragma once
// C2SP signed notes (https://c2sp.org/signed-note): a text ending in a newline, a blank line, and
// signature lines "— <key name> <base64(4-byte key id || signature)>". Ed25519 keys only.
//
//   NoteSigner signer = NoteSigner::Create("simpul/node-7", std::move(key)).value();
//   std::string note = SignNote("hello\n", signer).value();
//   Result<VerifiedNote> v = OpenNote(note, {{signer.verifier_key()}});
//
// Verifier keys travel as "<name>+<hex key id>+<base64(type byte || public key)>". Free functions
// are pure and thread-safe; a NoteSigner may be used from several threads at once.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/result.hpp"

namespace simpul::crypto {

// Notes longer than this are refused unread (kTooLarge). It leaves room for the 16 signatures the
// spec says a verifier must accept even if they are ~5 kB post-quantum ones.
inline constexpr std::size_t kMaxNoteBytes = 128 * 1024;
// As golang.org/x/mod/sumdb/note: more signature lines than this are refused (kTooLarge).
inline constexpr std::size_t kMaxNoteSignatures = 100;

// Signature type identifier bytes assigned by the signed-note spec.
enum class NoteKeyType : std::uint8_t {
  kEd25519 = 0x01,        // Ed25519 over the note text (c2sp.org/signed-note)
  kCosignatureV1 = 0x04,  // timestamped Ed25519 cosignature (c2sp.org/tlog-cosignature)
};

// True if `name` may name a key: non-empty valid UTF-8 with no Unicode space and no '+'.
bool IsValidNoteKeyName(std::string_view name);

// SHA-256(name || 0x0A || type || public key)[:4], read big-endian.
std::uint32_t NoteKeyId(std::string_view name, NoteKeyType type, const Ed25519PublicKey& key);

// A public key that verifies one signer's lines. Build one with MakeNoteVerifierKey or
// ParseNoteVerifierKey so that key_id matches the other fields.
struct NoteVerifierKey {
  std::string name;
  NoteKeyType type = NoteKeyType::kEd25519;
  Ed25519PublicKey public_key;
  std::uint32_t key_id = 0;
};

// Fails with kInvalidArgument if `name` is not a valid key name.
Result<NoteVerifierKey> MakeNoteVerifierKey(std::string name, NoteKeyType type,
                                            const Ed25519PublicKey& key);

// Parses "<name>+<8 hex digits>+<base64(type || 32-byte key)>". Fails with kInvalidArgument on
// any other shape, an unknown type byte, an unusable key, or a key id that does not match.
Result<NoteVerifierKey> ParseNoteVerifierKey(std::string_view text);

// The text form ParseNoteVerifierKey reads, with the key id in lower-case hex.
std::string FormatNoteVerifierKey(const NoteVerifierKey& key);

// One signature line, not (yet) verified.
struct NoteSignature {
  std::string key_name;
  std::uint32_t key_id = 0;
  Bytes signature;  // what follows the key id: 64 bytes for kEd25519

  bool operator==(const NoteSignature&) const = default;
};

struct Note {
  std::string text;  // ends with a newline; the signatures cover exactly these bytes
  std::vector<NoteSignature> signatures;
};

// Splits a signed note at its last blank line and parses the signature lines without verifying
// them. Fails with kTooLarge beyond kMaxNoteBytes or kMaxNoteSignatures, and with kInvalidArgument,
// naming the problem, on invalid UTF-8, a control character other than newline, no blank line, a
// signature block not ending in a newline, or a malformed signature line.
Result<Note> ParseNote(std::string_view message);

// The text, a blank line, then one line per signature. Fails as ParseNote would on the result.
Result<std::string> FormatNote(const Note& note);

// An Ed25519 note signing key with its name. Move-only (owns the secret key).
class NoteSigner {
 public:
  // Fails with kInvalidArgument if `name` is not a valid key name.
  static Result<NoteSigner> Create(std::string name, Ed25519KeyPair key);

  const NoteVerifierKey& verifier_key() const { return verifier_key_; }

  // Signs `text` as it stands; SignNote checks that it is a valid note text first.
  NoteSignature Sign(std::string_view text) const;

 private:
  NoteSigner(NoteVerifierKey verifier_key, Ed25519KeyPair key);

  NoteVerifierKey verifier_key_;
  Ed25519KeyPair key_;
};

// The note with `text` and one signature by `signer`. Fails as ParseNote would on the result (so
// `text` must end in a newline).
Result<std::string> SignNote(std::string_view text, const NoteSigner& signer);

struct VerifiedNote {
  std::string text;
  std::vector<NoteSignature> verified;  // by a known key, each key once, in note order
  std::vector<NoteSignature> unknown;   // by keys not in the known set, kept e.g. for re-signing
};

// Parses `message` and verifies it against `known` (kEd25519 keys). As the spec says, lines whose
// (name, key id) match no known key are ignored, repeated lines by one key count once, and a line
// by a known key that fails to verify rejects the whole note. Fails as ParseNote does; with
// kInvalidArgument if two known keys share a name and key id or a known key is not kEd25519; with
// kUnauthenticated on a bad signature by a known key or when no known key signed.
Result<VerifiedNote> OpenNote(std::string_view message, std::span<const NoteVerifierKey> known);

}  // namespace simpul::crypto
