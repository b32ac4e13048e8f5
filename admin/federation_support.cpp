// Shared by the federation commands of simpulctl: see federation_support.hpp.
#include "admin/federation_support.hpp"

#include <chrono>
#include <ctime>
#include <utility>

#include "crypto/bytes.hpp"
#include "federation/trust_anchor.hpp"
#include "node/coord/own_entry.hpp"
#include "node/store/schema.hpp"

namespace simpul::admin {

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoUtc(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

coord::PublishInput Coordinator::PublishAt(std::int64_t now_ms) const {
  return {
      self, directory_key, now_ms,
      std::chrono::duration_cast<std::chrono::milliseconds>(config.federation.directory_lifetime),
      coord::PolicyFromConfig(config)};
}

tl::expected<Coordinator, int> OpenCoordinator(const CommonOptions& common) {
  Result<NodeConfig> config = LoadConfigOrExplain(common);
  if (!config) return tl::unexpected(Report(common, config.error(), 2));
  if (config->role != NodeRole::kCoordinator) {
    return tl::unexpected(
        Report(common,
               {ErrorCode::kPermissionDenied,
                "this node's role is \"" + std::string(Name(config->role)) +
                    "\", not coordinator: directory commands run on the coordinator (" +
                    common.config_path + ")"},
               2));
  }
  Result<coord::OwnKeys> keys = coord::ReadOwnKeys(*config);
  if (!keys) return tl::unexpected(Report(common, keys.error()));
  Result<federation::NodeEntry> self = coord::CoordinatorEntry(*config, *keys);
  if (!self) return tl::unexpected(Report(common, self.error(), 2));
  Result<crypto::Ed25519KeyPair> directory_key = crypto::ReadKeyFile(config->DirectoryKeyPath());
  if (!directory_key) {
    return tl::unexpected(Report(
        common, {directory_key.error().code,
                 config->DirectoryKeyPath().string() + ": " + directory_key.error().message}));
  }
  auto db = store::Database::Open({config->DatabasePath(), 1}, store::SchemaMigrations());
  if (!db) return tl::unexpected(Report(common, db.error()));
  return Coordinator{std::move(*config), std::move(*db), std::move(*directory_key),
                     std::move(*self)};
}

Result<CoordinatorSetup> SetUpCoordinator(const NodeConfig& config, store::Database& db) {
  const crypto::Ed25519KeyPair directory_key = crypto::Ed25519KeyPair::Generate();
  if (Result<void> r = crypto::WriteKeyFile(config.DirectoryKeyPath(), directory_key); !r) {
    return tl::unexpected(r.error());
  }
  const federation::TrustAnchor anchor = coord::CoordinatorTrustAnchor(config, directory_key);
  Result<std::string> anchor_bytes = federation::SerializeTrustAnchor(anchor);
  if (!anchor_bytes) return tl::unexpected(anchor_bytes.error());
  if (Result<void> r = federation::WriteTrustAnchor(config.TrustAnchorPath(), anchor); !r) {
    return tl::unexpected(r.error());
  }
  Result<coord::OwnKeys> keys = coord::ReadOwnKeys(config);
  if (!keys) return tl::unexpected(keys.error());
  Result<federation::NodeEntry> self = coord::CoordinatorEntry(config, *keys);
  if (!self) return tl::unexpected(self.error());
  const std::int64_t now = NowMs();
  const coord::PublishInput input{
      *self, directory_key, now,
      std::chrono::duration_cast<std::chrono::milliseconds>(config.federation.directory_lifetime),
      coord::PolicyFromConfig(config)};
  Result<coord::PublishedDirectory> published = db.WriteSync<coord::PublishedDirectory>(
      [&](store::Connection& c) { return coord::Publish(c, input); });
  if (!published) return tl::unexpected(published.error());
  return CoordinatorSetup{federation::TrustAnchorFingerprint(*anchor_bytes), published->version};
}

}  // namespace simpul::admin
