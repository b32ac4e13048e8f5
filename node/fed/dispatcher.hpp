#pragma once
// Delivery of the outbox (DESIGN §3, Outbox): one lane per destination, each with exactly one
// batch in flight, in seq order, over a pinned mutual-TLS connection. A lane retries with
// exponential backoff and full jitter, honours Retry-After, opens its circuit breaker after
// repeated failures, and sleeps on a wake-up timer so delivery resumes without new traffic. It
// marks an envelope delivered only on a receipt signed by the destination that names the
// envelope's msg_id and hash. Unreachability never drops a message; an expired directory stops
// delivery (fail closed) while the outbox keeps filling.
//
// Thread safety: Wake and Status may be called from any thread; each lane runs on its own strand.

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/tls_identity.hpp"
#include "federation/delivery_policy.hpp"
#include "node/fed/federation_state.hpp"
#include "node/service/clock.hpp"
#include "node/store/database.hpp"

namespace simpul::fed {

// An operator's view of one destination (metrics, `simpulctl peers`).
struct PeerStatus {
  std::string dest;
  std::int64_t pending = 0;
  std::optional<std::int64_t> oldest_pending_at;  // Unix ms
  std::int64_t delivered = 0;
  std::string breaker = "closed";
  int consecutive_failures = 0;
  std::string last_error;
  std::optional<std::int64_t> last_delivery_at;  // Unix ms
  std::uint64_t batches_sent = 0;
};

struct DispatchOptions {
  federation::DeliveryOptions delivery;
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds idle_recheck{30000};  // a sleeping lane looks again this often
};

class Dispatchers {
 public:
  Dispatchers(boost::asio::io_context& io, FederationState& state, store::Database& db,
              const crypto::TlsIdentity& identity, DispatchOptions options, service::Clock clock);
  ~Dispatchers();

  // Starts a lane for every destination with undelivered envelopes.
  Result<void> Start();
  // There may be new envelopes for `dest`: start its lane or wake it (backoff still applies).
  void Wake(const std::string& dest);
  // Stops every lane (in-flight requests are abandoned; their envelopes stay pending).
  void Stop();

  // Per destination: backlog from the database merged with each lane's live state.
  boost::asio::awaitable<Result<std::vector<PeerStatus>>> Status();

 private:
  struct Lane;
  boost::asio::awaitable<void> Run(std::shared_ptr<Lane> lane);
  boost::asio::awaitable<bool> DeliverOnce(Lane& lane);
  boost::asio::awaitable<void> RecordDelivered(
      Lane& lane, std::vector<std::pair<std::int64_t, std::string>> delivered);
  boost::asio::awaitable<void> Sleep(Lane& lane, std::chrono::steady_clock::time_point until);

  boost::asio::io_context& io_;
  FederationState& state_;
  store::Database& db_;
  const crypto::TlsIdentity& identity_;
  const DispatchOptions options_;
  service::Clock clock_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Lane>> lanes_;
  bool stopped_ = false;
};

}  // namespace simpul::fed
