#pragma once
// What a federated node currently believes: the directory in force and the key it signs with.
// Both change at run time (a newer directory is accepted; a rotated key is promoted), so they are
// held as immutable snapshots behind a mutex and handed out as shared pointers: a reader keeps a
// consistent snapshot for as long as it needs it.
//
// Thread safety: every method may be called from any thread.

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "crypto/ed25519.hpp"
#include "federation/directory.hpp"
#include "federation/envelope.hpp"
#include "federation/trust_anchor.hpp"

namespace simpul::fed {

class FederationState {
 public:
  FederationState(std::string self_id, std::optional<federation::TrustAnchor> anchor,
                  crypto::Ed25519KeyPair message_key);

  const std::string& self_id() const { return self_id_; }
  // The installed trust anchor; nullopt until `simpulctl trust install` ran.
  const std::optional<federation::TrustAnchor>& anchor() const { return anchor_; }

  // The directory in force, or nullptr before the first one is accepted.
  std::shared_ptr<const federation::Directory> directory() const;
  void SetDirectory(std::shared_ptr<const federation::Directory> directory);

  // True when a directory is in force and not expired at `now_ms`: federation traffic may flow.
  bool Usable(std::int64_t now_ms) const;

  // The id of the directory node whose TLS SPKI pin is `spki`, or nullopt (thread-safe; used by
  // the TLS verifier on every handshake).
  std::optional<std::string> NodeForSpki(std::string_view spki) const;

  std::shared_ptr<const crypto::Ed25519KeyPair> signing_key() const;
  void SetSigningKey(crypto::Ed25519KeyPair key);

  // The time to stamp on what this node signs with `key` at `now`: `now`, or the key's not_before
  // in the directory when this node's clock is behind it. Nothing can be older than the key that
  // signed it: peers would refuse such an envelope or receipt for good (beyond the allowed clock
  // skew), and the stream behind it would never move again.
  federation::EnvelopeTime SigningTime(const crypto::Ed25519KeyPair& key,
                                       federation::EnvelopeTime now) const;

 private:
  const std::string self_id_;
  const std::optional<federation::TrustAnchor> anchor_;
  mutable std::mutex mu_;
  std::shared_ptr<const federation::Directory> directory_;
  std::shared_ptr<const crypto::Ed25519KeyPair> signing_key_;
};

}  // namespace simpul::fed
