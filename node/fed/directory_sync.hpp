#pragma once
// Keeps the node's directory current (DESIGN §3, Directory).
//
// On a member node it polls the coordinator (conditional GET with the ETag of the version it
// holds) and accepts only a version that is signed by a trust-anchor key, newer, correctly
// chained (fetching skipped versions to check every link) and current; each accepted version is
// stored before it is used. On the coordinator it serves what `simpulctl directory` published,
// picking up new versions from the database, and re-publishes before expiry so the federation
// never fails closed for want of a signature.
//
// Thread safety: Start/Stop from the controlling thread; the loop runs on its own strand.

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>

#include "crypto/ed25519.hpp"
#include "crypto/tls_identity.hpp"
#include "node/config.hpp"
#include "node/fed/federation_state.hpp"
#include "node/service/clock.hpp"
#include "node/store/database.hpp"

namespace simpul::fed {

struct DirectorySyncCounters {
  std::uint64_t polls = 0, accepted = 0, rejected = 0, unchanged = 0, failures = 0;
  std::string last_error;
};

class DirectorySync {
 public:
  DirectorySync(boost::asio::io_context& io, const NodeConfig& config, FederationState& state,
                store::Database& db, const crypto::TlsIdentity& identity, service::Clock clock);
  ~DirectorySync();

  // Loads the newest stored directory into `state` (an expired one too: traffic then stays
  // stopped until a current one arrives). Fails only on a database error or a stored directory
  // that no longer verifies against the trust anchor.
  Result<void> LoadStored();
  // Called after each newly accepted directory (on the sync strand).
  void OnAccepted(std::function<void()> callback) { on_accepted_ = std::move(callback); }
  void Start();
  void Stop();

  // One round: fetch (node) or reload/refresh (coordinator). True if a new version took effect.
  boost::asio::awaitable<Result<bool>> RunOnce();

  DirectorySyncCounters counters() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  std::function<void()> on_accepted_;
};

}  // namespace simpul::fed
