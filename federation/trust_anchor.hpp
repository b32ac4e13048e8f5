#pragma once
// The trust anchor: what a node believes about the coordinator before it has any directory — the
// coordinator's id, the URL to fetch the directory from, and the public keys allowed to sign it
// (DESIGN §3). `simpulctl init` installs it as a small canonical JSON file,
//
//   {"coordinator":"coord:panrb","directory_url":"https://...","keys":[{"kid":..,"public_key":..}]}
//
// and prints TrustAnchorFingerprint of the file so an operator can compare it, out of band, with
// the one the coordinator publishes. Values are plain; functions are thread-safe.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"
#include "crypto/result.hpp"

namespace simpul::federation {

// One coordinator key that may sign directories. `kid` is crypto::KeyId(public_key).
struct TrustAnchorKey {
  std::string kid;
  crypto::Ed25519PublicKey public_key;

  bool operator==(const TrustAnchorKey&) const = default;
};

struct TrustAnchor {
  std::string coordinator;    // "coord:panrb"
  std::string directory_url;  // https:// URL of the signed directory
  std::vector<TrustAnchorKey> keys;

  // The key with id `kid`, or nullptr. The pointer lives as long as this anchor is unchanged.
  const TrustAnchorKey* Find(std::string_view kid) const;

  bool operator==(const TrustAnchor&) const = default;
};

// Largest trust-anchor file read or parsed.
inline constexpr std::size_t kMaxTrustAnchorBytes = 64 * 1024;

// A trust anchor for `coordinator` and `directory_url` holding `keys`, with kids computed.
TrustAnchor MakeTrustAnchor(std::string coordinator, std::string directory_url,
                            const std::vector<crypto::Ed25519PublicKey>& keys);

// The canonical JSON bytes of `anchor`. Fails with kInvalidArgument (naming the field) when
// `anchor` breaks a rule of ParseTrustAnchor.
Result<std::string> SerializeTrustAnchor(const TrustAnchor& anchor);

// Parses canonical trust-anchor bytes. Fails with kTooLarge beyond kMaxTrustAnchorBytes, and with
// kInvalidArgument naming the field ("trust_anchor.keys[0].kid: ...") for non-canonical JSON, a
// missing or unknown field, a coordinator id that is not "coord:...", a URL that is not https,
// no keys, a kid that is not the KeyId of its key, or a duplicate kid.
Result<TrustAnchor> ParseTrustAnchor(std::string_view bytes);

// Writes SerializeTrustAnchor(anchor) to a new file `path` (mode 0644), fsynced. Never
// overwrites: fails with kConflict if `path` exists, kNotFound if its directory does not exist,
// kPermissionDenied or kInternal on other I/O errors, or as SerializeTrustAnchor does.
Result<void> WriteTrustAnchor(const std::filesystem::path& path, const TrustAnchor& anchor);

// Reads and parses the trust-anchor file `path`. Fails with kNotFound if it is missing,
// kPermissionDenied or kInternal if it cannot be read, or as ParseTrustAnchor does.
Result<TrustAnchor> ReadTrustAnchor(const std::filesystem::path& path);

// SHA-256 of the trust-anchor file's bytes as 64 lower-case hex characters, for the out-of-band
// check.
std::string TrustAnchorFingerprint(std::string_view bytes);

}  // namespace simpul::federation
