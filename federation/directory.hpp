#pragma once
// The signed federation directory (DESIGN §3), the trust root every node acts on. The coordinator
// signs each version; nodes accept a version only if it is signed by a trust-anchor key, newer
// than theirs, chained to theirs, and current:
//
//   Result<std::string> bytes = SignDirectory(doc, coordinator_key);         // coordinator
//   Result<Directory> next = VerifyDirectory(*bytes, anchor, &current, now);  // every node
//   Result<crypto::Ed25519PublicKey> key = next->KeyFor("kab:32.04", kid, KeyUse::kMessage, t);
//
// Signed form: {"directory": <document>, "signatures": [{"kid": ..., "sig": <base64>}, ...]} in
// canonical JSON; each signature covers "simpul/v1/directory\n" || canonical(<document>). More
// than one signature allows the coordinator to rotate its key: old nodes trust the old key, new
// nodes the new one.
//
// Chain rule: a node holding version N accepts only version N+1 whose prev_hash is the Etag of
// N's signed bytes. A node that fell further behind fetches the missing versions and passes them
// all to VerifyDirectoryChain, which checks every link; a lone version N+k (k > 1) is refused,
// since nothing would show that it descends from N. A node with no directory yet accepts any
// version that is signed and current (the trust anchor vouches for it).
//
// Free functions are thread-safe; times are Unix milliseconds.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"
#include "crypto/result.hpp"
#include "federation/directory_document.hpp"
#include "federation/key_resolver.hpp"
#include "federation/trust_anchor.hpp"

namespace simpul::federation {

// Largest signed directory accepted.
inline constexpr std::size_t kMaxDirectoryBytes = 8 * 1024 * 1024;

// Domain separation prefix of directory signatures.
inline constexpr std::string_view kDirectorySignaturePrefix = "simpul/v1/directory\n";

// One verified directory version with its signed bytes. Immutable once built, so const methods
// may be called from any thread; replace a node's directory by swapping whole objects. Only
// ReopenDirectory makes one; VerifyDirectory and VerifyDirectoryChain build on it.
class Directory final : public KeyResolver {
 public:
  const DirectoryDocument& document() const { return document_; }
  std::int64_t version() const { return document_.version; }
  // The canonical signed bytes this directory was verified from.
  const std::string& signed_bytes() const { return signed_bytes_; }
  // Hex SHA-256 of signed_bytes(): the HTTP ETag, and the next version's prev_hash.
  const std::string& Etag() const { return etag_; }

  // True once `now_ms` reaches expires_at: federation traffic must stop (fail closed).
  bool Expired(std::int64_t now_ms) const { return now_ms >= document_.expires_at; }

  // The node with id `node_id`, or nullptr. The pointer lives as long as this Directory.
  const NodeEntry* Find(std::string_view node_id) const;

  // See KeyResolver. Fails with kNotFound for an unknown node or kid; with kPermissionDenied,
  // naming the reason, for a key of the other use, revoked at or before `at_ms`, not yet valid
  // (at_ms < not_before - the policy's allowed_clock_skew_ms) or expired (not_after != 0 and
  // at_ms >= not_after). Statuses next,
  // active and retired are otherwise valid; a revoked key is valid only before revoked_at.
  Result<crypto::Ed25519PublicKey> KeyFor(std::string_view node_id, std::string_view kid,
                                          KeyUse use, std::int64_t at_ms) const override;

 private:
  friend Result<Directory> ReopenDirectory(std::string_view bytes, const TrustAnchor& anchor);
  Directory(DirectoryDocument document, std::string signed_bytes);

  DirectoryDocument document_;
  std::string signed_bytes_;
  std::string etag_;
  std::map<std::string, std::size_t, std::less<>> node_index_;
};

// Signs `doc` with `key`. If doc.expires_at is 0 it signs a copy expiring issued_at + 24 h.
// Returns the canonical signed bytes. Fails with kInvalidArgument, naming the field, if the
// document breaks ValidateDirectoryDocument.
Result<std::string> SignDirectory(const DirectoryDocument& doc, const crypto::Ed25519KeyPair& key);

// As above with one signature per key, in the given order (for coordinator key rotation). Fails
// also with kInvalidArgument if `keys` is empty or holds a key twice.
Result<std::string> SignDirectory(const DirectoryDocument& doc,
                                  std::span<const crypto::Ed25519KeyPair* const> keys);

// Verifies a fetched directory against the node's trust anchor and its current directory, in
// this order, each failure with its own message:
//   1. size <= kMaxDirectoryBytes                      kTooLarge
//   2. strict canonical JSON of the signed form        kInvalidArgument
//   3. a valid signature by a trust-anchor key; every signature by an anchor key must verify,
//      signatures by other kids are ignored            kUnauthenticated
//   4. the document's schema and rules                 kInvalidArgument (names the field)
//   5. version > current version ("stale", or "replayed" for the same version)   kConflict
//   6. version == current + 1 ("version gap" otherwise) and prev_hash == current Etag
//      ("broken chain")                                kConflict
//   7. not expired at `now_ms`                         kUnauthenticated
//   8. issued_at <= now_ms + the new policy's allowed_clock_skew_ms               kUnauthenticated
// With `current` empty (or holding nullptr), steps 5 and 6 are skipped.
Result<Directory> VerifyDirectory(std::string_view bytes, const TrustAnchor& anchor,
                                  std::optional<const Directory*> current, std::int64_t now_ms);

// Catches up from `current` through `versions` (oldest first, each the signed bytes of
// current.version() + 1, + 2, ...), checking every link as VerifyDirectory does; only the last
// must be unexpired. Returns the last. Fails as VerifyDirectory does, the message prefixed by the
// failing version's position, or with kInvalidArgument if `versions` is empty.
Result<Directory> VerifyDirectoryChain(std::span<const std::string> versions,
                                       const TrustAnchor& anchor, const Directory& current,
                                       std::int64_t now_ms);

// Re-opens a directory this node verified earlier and stored: steps 1-4 of VerifyDirectory only,
// so an expired directory loads (the caller must then stop federation traffic) and can serve as
// `current` for the chain check of the next one. Fails as VerifyDirectory does.
Result<Directory> ReopenDirectory(std::string_view bytes, const TrustAnchor& anchor);

}  // namespace simpul::federation
