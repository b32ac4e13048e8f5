#include "node/fed/dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include <random>

#include "federation/envelope_verify.hpp"
#include "federation/peer_client.hpp"
#include "node/fed/inbox.hpp"
#include "node/fed/request_trace.hpp"
#include "node/log.hpp"
#include "node/store/federation_store.hpp"

namespace simpul::fed {

namespace net = boost::asio;
using nlohmann::json;
using SteadyTime = std::chrono::steady_clock::time_point;

namespace {

enum class Attempt { kDelivered, kIdle, kFailed, kBlocked };

double Jitter() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

constexpr std::chrono::seconds kBlockedRecheck{1};

// The body of an inbox POST: the envelopes, one per line.
std::string JoinEnvelopes(const std::vector<store::OutboxRow>& rows) {
  std::string body;
  for (const auto& row : rows) {
    body += row.envelope;
    body += '\n';
  }
  return body;
}

// Matches the inbox's outcome lines to `rows`: a row counts as delivered only with a receipt from
// `dest` that verifies and names the row's msg_id and hash. Returns (seq, receipt) of those;
// `first_error` says why the first other row was not.
std::vector<std::pair<std::int64_t, std::string>> CheckReceipts(
    const std::vector<store::OutboxRow>& rows, std::string_view body,
    const federation::Directory& directory, std::string_view self, const std::string& dest,
    std::int64_t now_ms, std::string& first_error) {
  std::map<std::string, InboxOutcome> outcomes;
  while (!body.empty()) {
    auto nl = body.find('\n');
    auto line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    if (line.empty()) continue;
    if (auto o = OutcomeFromJsonLine(line)) outcomes[o->msg_id] = std::move(*o);
  }
  const federation::VerifyContext ctx{
      .keys = directory,
      .self_id = self,
      .tls_peer_id = dest,
      .now = federation::EnvelopeTime(std::chrono::milliseconds(now_ms)),
      .max_clock_skew =
          std::chrono::milliseconds(directory.document().policy.allowed_clock_skew_ms)};
  std::vector<std::pair<std::int64_t, std::string>> delivered;
  for (const auto& row : rows) {
    auto it = outcomes.find(row.msg_id);
    std::string problem;
    if (it == outcomes.end()) {
      problem = "no outcome for " + row.msg_id;
    } else if (it->second.receipt.empty()) {
      problem = it->second.error ? it->second.error->message : "no receipt";
    } else if (auto receipt = federation::VerifyEnvelope(it->second.receipt, ctx); !receipt) {
      problem = "receipt does not verify: " + receipt.error().message;
    } else {
      auto rb = json::parse(receipt->body.value_or("{}"), nullptr, false);
      if (receipt->type != federation::MessageType::kReceipt || !rb.is_object() ||
          rb.value("for_msg_id", "") != row.msg_id || rb.value("for_hash", "") != row.hash) {
        problem = "receipt does not name this envelope";
      } else {
        if (it->second.status == "dead") {
          LogEvent(spdlog::level::err, "envelope_dead_at_peer",
                   {{"dest", dest},
                    {"msg_id", row.msg_id},
                    {"seq", row.seq},
                    {"error", it->second.error ? it->second.error->message : ""}});
        }
        delivered.emplace_back(row.seq, it->second.receipt);
        continue;
      }
    }
    if (first_error.empty()) first_error = "seq " + std::to_string(row.seq) + ": " + problem;
  }
  return delivered;
}

}  // namespace

struct Dispatchers::Lane {
  Lane(net::io_context& io, std::string d, const federation::DeliveryOptions& options)
      : dest(std::move(d)), strand(net::make_strand(io)), timer(strand), policy(options) {}

  const std::string dest;
  net::strand<net::io_context::executor_type> strand;
  net::steady_timer timer;
  federation::DeliveryPolicy policy;  // touched only on the strand
  std::unique_ptr<federation::PeerClient> client;
  std::string client_endpoint, client_pin;
  std::atomic<bool> woken{true};
  std::atomic<bool> stopped{false};
  bool blocked = false;  // the last attempt could not start (no usable directory or entry)
  // Receipts up to this seq are verified and being recorded: the next batch starts after it
  // without waiting for that write. Reset to 0 (resend from the oldest undelivered; the receiver
  // answers resends with the stored receipts) after any failure.
  std::int64_t sent_through = 0;
  std::uint64_t generation = 0;  // incremented by every failure

  mutable std::mutex mu;  // guards the status below, read by Status()
  std::string last_error;
  std::optional<std::int64_t> last_delivery_at;
  std::uint64_t batches_sent = 0;
  federation::BreakerState breaker = federation::BreakerState::kClosed;
  int failures = 0;

  // The directory entry of `dest` if delivery may go ahead at `now_ms`; otherwise nullptr, the
  // lane marked blocked (fail closed on a missing or expired directory) and the reason recorded.
  const federation::NodeEntry* Destination(const federation::Directory* directory,
                                           std::int64_t now_ms) {
    blocked = true;
    if (directory == nullptr || directory->Expired(now_ms)) {
      Record("federation stopped: the directory is missing or expired (outbound work is queued)");
      return nullptr;
    }
    const federation::NodeEntry* node = directory->Find(dest);
    if (node == nullptr) {
      Record(dest + " is not in the directory; its envelopes wait");
      return nullptr;
    }
    blocked = false;
    return node;
  }

  // Makes sure `client` talks to `node`'s endpoint and expects its current pin.
  Result<void> EnsureClient(const federation::NodeEntry& node,
                            const crypto::TlsIdentity& identity) {
    if (client && client_endpoint == node.endpoint) {
      if (client_pin != node.tls_spki_sha256) {
        client->SetPin(node.tls_spki_sha256);
        client_pin = node.tls_spki_sha256;
      }
      return {};
    }
    auto made =
        federation::PeerClient::Create(strand, identity, node.endpoint, node.tls_spki_sha256);
    if (!made) return tl::unexpected(made.error());
    client = std::move(*made);
    client_endpoint = node.endpoint;
    client_pin = node.tls_spki_sha256;
    return {};
  }

  // A delivery attempt failed: back off (honouring the peer's Retry-After) and remember why.
  void Fail(std::string why, std::optional<std::chrono::milliseconds> retry_after) {
    sent_through = 0;
    ++generation;
    policy.OnFailure(std::chrono::steady_clock::now(), retry_after, Jitter());
    LogEvent(spdlog::level::warn, "delivery_failed",
             {{"dest", dest},
              {"error", why},
              {"failures", policy.consecutive_failures()},
              {"breaker", federation::Name(policy.state())}});
    Record(std::move(why));
  }

  void Record(std::string error) {
    std::lock_guard lock(mu);
    last_error = std::move(error);
    breaker = policy.state();
    failures = policy.consecutive_failures();
  }
};

Dispatchers::Dispatchers(net::io_context& io, FederationState& state, store::Database& db,
                         const crypto::TlsIdentity& identity, DispatchOptions options,
                         service::Clock clock)
    : io_(io),
      state_(state),
      db_(db),
      identity_(identity),
      options_(options),
      clock_(std::move(clock)) {}

Dispatchers::~Dispatchers() { Stop(); }

Result<void> Dispatchers::Start() {
  auto backlog = db_.ReadSync<std::vector<store::OutboxBacklog>>(
      [](store::Connection& c) { return store::FederationStore::Backlog(c); });
  if (!backlog) return tl::unexpected(backlog.error());
  for (const auto& b : *backlog) {
    if (b.pending > 0) Wake(b.dest);
  }
  return {};
}

void Dispatchers::Wake(const std::string& dest) {
  std::shared_ptr<Lane> lane;
  bool fresh = false;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    auto& slot = lanes_[dest];
    if (!slot) {
      slot = std::make_shared<Lane>(io_, dest, options_.delivery);
      fresh = true;
    }
    lane = slot;
  }
  if (fresh) {
    net::co_spawn(lane->strand, Run(lane), net::detached);
    return;
  }
  lane->woken = true;
  net::post(lane->strand, [lane] { lane->timer.cancel(); });
}

void Dispatchers::Stop() {
  std::map<std::string, std::shared_ptr<Lane>> lanes;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    lanes = lanes_;
  }
  for (auto& [dest, lane] : lanes) {
    lane->stopped = true;
    net::post(lane->strand, [lane] {
      lane->timer.cancel();
      if (lane->client) lane->client->Close();
    });
  }
}

net::awaitable<void> Dispatchers::Sleep(Lane& lane, SteadyTime until) {
  if (lane.woken.exchange(false) || lane.stopped) co_return;
  lane.timer.expires_at(until);
  auto [ec] = co_await lane.timer.async_wait(net::as_tuple(net::use_awaitable));
  (void)ec;  // cancelled by Wake or Stop: either way, look again
}

net::awaitable<void> Dispatchers::Run(std::shared_ptr<Lane> lane) {
  while (!lane->stopped) {
    const SteadyTime now = std::chrono::steady_clock::now();
    if (!lane->policy.MayAttempt(now)) {
      co_await Sleep(*lane, lane->policy.next_attempt_at());
      continue;
    }
    lane->woken = false;
    const bool delivered = co_await DeliverOnce(*lane);
    if (delivered) continue;  // there may be more: keep going while the peer keeps up
    SteadyTime until =
        now + (lane->blocked ? std::chrono::milliseconds(kBlockedRecheck) : options_.idle_recheck);
    if (lane->policy.consecutive_failures() > 0) until = lane->policy.next_attempt_at();
    co_await Sleep(*lane, until);
  }
}

// One batch: read, send, verify receipts, mark delivered. Returns true if anything was delivered.
net::awaitable<bool> Dispatchers::DeliverOnce(Lane& lane) {
  const std::int64_t now_ms = clock_().time_since_epoch().count();
  auto directory = state_.directory();
  const federation::NodeEntry* node = lane.Destination(directory.get(), now_ms);
  if (node == nullptr) co_return false;
  const int max_batch = static_cast<int>(directory->document().policy.max_batch);
  const std::string dest = lane.dest;
  const std::int64_t after = lane.sent_through;
  // A failure while this batch is in flight (recording an earlier batch's receipts) resets the
  // start of the next batch; this batch's success must not move it past what failed.
  const std::uint64_t generation = lane.generation;
  auto rows = co_await db_.Read<std::vector<store::OutboxRow>>(
      [&dest, max_batch, after](store::Connection& c) {
        return store::FederationStore::PendingOutbox(c, dest, max_batch, after);
      });
  if (!rows) {
    lane.Record("reading the outbox: " + rows.error().message);
    co_return false;
  }
  if (rows->empty()) co_return false;

  if (auto ready = lane.EnsureClient(*node, identity_); !ready) {
    lane.Fail(ready.error().message, std::nullopt);
    co_return false;
  }
  std::string body = JoinEnvelopes(*rows);
  std::string target = "/federation/v1/inbox";
  std::string content_type = "application/x-ndjson";
  federation::PeerHeaders headers;
  if (std::string ids = FormatRequestIds(*rows); !ids.empty()) {
    headers.emplace_back(kRequestIdsHeader, std::move(ids));
  }
  auto response = co_await lane.client->Request(federation::PeerMethod::kPost, std::move(target),
                                                std::move(body), std::move(content_type),
                                                std::move(headers), options_.request_timeout);
  if (!response) {
    lane.Fail(response.error().message, std::nullopt);
    co_return false;
  }
  if (response->status != 200) {
    std::optional<std::chrono::milliseconds> retry_after;
    if (response->retry_after) retry_after = *response->retry_after;
    lane.Fail("HTTP " + std::to_string(response->status) + " from " + lane.dest + ": " +
                  response->body.substr(0, 300),
              retry_after);
    co_return false;
  }

  std::string first_error;
  auto delivered = CheckReceipts(*rows, response->body, *directory, state_.self_id(), lane.dest,
                                 now_ms, first_error);
  if (!delivered.empty()) {
    // Recording the receipts overlaps with sending the next batch; only a fully delivered batch
    // moves the start of the next one.
    if (first_error.empty() && generation == lane.generation) {
      lane.sent_through = rows->back().seq;
    }
    net::co_spawn(lane.strand, RecordDelivered(lane, std::move(delivered)), net::detached);
  }
  if (!first_error.empty()) {
    lane.Fail(first_error, std::nullopt);
    co_return false;
  }
  lane.policy.OnSuccess();
  lane.Record("");
  co_return true;
}

net::awaitable<void> Dispatchers::RecordDelivered(
    Lane& lane, std::vector<std::pair<std::int64_t, std::string>> delivered) {
  const std::int64_t at = clock_().time_since_epoch().count();
  const std::string dest = lane.dest;
  auto marked =
      co_await db_.Write<int>([&dest, &delivered, at](store::Connection& c) -> Result<int> {
        for (const auto& [seq, receipt] : delivered) {
          if (auto r = store::FederationStore::MarkDelivered(c, dest, seq, receipt, at); !r) {
            return tl::unexpected(r.error());
          }
        }
        return 0;
      });
  if (!marked) {
    lane.Fail("recording receipts: " + marked.error().message, std::nullopt);
    co_return;
  }
  std::lock_guard lock(lane.mu);
  lane.last_delivery_at = at;
  ++lane.batches_sent;
}

net::awaitable<Result<std::vector<PeerStatus>>> Dispatchers::Status() {
  auto backlog = co_await db_.Read<std::vector<store::OutboxBacklog>>(
      [](store::Connection& c) { return store::FederationStore::Backlog(c); });
  if (!backlog) co_return tl::unexpected(backlog.error());
  std::vector<PeerStatus> out;
  std::lock_guard lock(mu_);
  for (const auto& b : *backlog) {
    PeerStatus s;
    s.dest = b.dest;
    s.pending = b.pending;
    s.oldest_pending_at = b.oldest_pending_at;
    s.delivered = b.delivered;
    if (auto it = lanes_.find(b.dest); it != lanes_.end()) {
      const Lane& lane = *it->second;
      std::lock_guard lane_lock(lane.mu);
      s.breaker = std::string(federation::Name(lane.breaker));
      s.consecutive_failures = lane.failures;
      s.last_error = lane.last_error;
      s.last_delivery_at = lane.last_delivery_at;
      s.batches_sent = lane.batches_sent;
    }
    out.push_back(std::move(s));
  }
  co_return out;
}

}  // namespace simpul::fed
