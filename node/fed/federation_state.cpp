#include "node/fed/federation_state.hpp"

namespace simpul::fed {

FederationState::FederationState(std::string self_id, std::optional<federation::TrustAnchor> anchor,
                                 crypto::Ed25519KeyPair message_key)
    : self_id_(std::move(self_id)),
      anchor_(std::move(anchor)),
      signing_key_(std::make_shared<const crypto::Ed25519KeyPair>(std::move(message_key))) {}

std::shared_ptr<const federation::Directory> FederationState::directory() const {
  std::lock_guard lock(mu_);
  return directory_;
}

void FederationState::SetDirectory(std::shared_ptr<const federation::Directory> directory) {
  std::lock_guard lock(mu_);
  directory_ = std::move(directory);
}

bool FederationState::Usable(std::int64_t now_ms) const {
  auto dir = directory();
  return dir != nullptr && !dir->Expired(now_ms);
}

std::optional<std::string> FederationState::NodeForSpki(std::string_view spki) const {
  auto dir = directory();
  if (dir == nullptr) return std::nullopt;
  for (const auto& node : dir->document().nodes) {
    if (node.tls_spki_sha256 == spki) return node.id;
  }
  return std::nullopt;
}

std::shared_ptr<const crypto::Ed25519KeyPair> FederationState::signing_key() const {
  std::lock_guard lock(mu_);
  return signing_key_;
}

federation::EnvelopeTime FederationState::SigningTime(const crypto::Ed25519KeyPair& key,
                                                      federation::EnvelopeTime now) const {
  auto dir = directory();
  const federation::NodeEntry* self = dir ? dir->Find(self_id_) : nullptr;
  if (self == nullptr) return now;
  const std::string kid = crypto::KeyId(key.public_key());
  for (const auto& k : self->keys) {
    if (k.kid == kid && now.time_since_epoch().count() < k.not_before) {
      return federation::EnvelopeTime(std::chrono::milliseconds(k.not_before));
    }
  }
  return now;
}

void FederationState::SetSigningKey(crypto::Ed25519KeyPair key) {
  auto next = std::make_shared<const crypto::Ed25519KeyPair>(std::move(key));
  std::lock_guard lock(mu_);
  signing_key_ = std::move(next);
}

}  // namespace simpul::fed
