#pragma once
// What the federation commands of simpulctl share: the clock, the coordinator's opened state,
// and the coordinator's first-time setup run by `simpulctl init`. Used by one thread (the CLI).

#include <cstdint>
#include <memory>
#include <string>

#include <tl/expected.hpp>

#include "admin/commands.hpp"
#include "crypto/ed25519.hpp"
#include "federation/directory_document.hpp"
#include "node/coord/registry.hpp"
#include "node/store/database.hpp"

namespace simpul::admin {

// Unix milliseconds now.
std::int64_t NowMs();
// "2026-07-06T02:00:00Z" for Unix milliseconds `ms`.
std::string IsoUtc(std::int64_t ms);

// A coordinator's config, database, directory signing key and own directory entry.
struct Coordinator {
  NodeConfig config;
  std::unique_ptr<store::Database> db;
  crypto::Ed25519KeyPair directory_key;
  federation::NodeEntry self;

  // Publish input for a version issued at `now_ms` with the configured lifetime and policy.
  coord::PublishInput PublishAt(std::int64_t now_ms) const;
};

// Opens the coordinator named by `common`'s config. On failure prints why and returns the exit
// code: 2 if the config is missing, invalid or not a coordinator's, 1 if a file or the database
// cannot be opened.
tl::expected<Coordinator, int> OpenCoordinator(const CommonOptions& common);

// What SetUpCoordinator made.
struct CoordinatorSetup {
  std::string anchor_fingerprint;  // SHA-256 of the trust-anchor file, for the phone check
  std::int64_t directory_version = 0;
};

// For `simpulctl init` of a coordinator, after its msg, log and TLS keys and database exist:
// creates keys/directory.key, writes the trust anchor to config.TrustAnchorPath() and publishes
// directory version 1 (the coordinator alone). Fails as the file writes and Publish do.
Result<CoordinatorSetup> SetUpCoordinator(const NodeConfig& config, store::Database& db);

}  // namespace simpul::admin
