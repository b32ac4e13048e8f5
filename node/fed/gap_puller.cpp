#include "node/fed/gap_puller.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include "federation/peer_client.hpp"
#include "node/fed/request_trace.hpp"
#include "node/log.hpp"

namespace simpul::fed {

namespace net = boost::asio;

GapPuller::GapPuller(net::io_context& io, FederationState& state, Inbox& inbox,
                     const crypto::TlsIdentity& identity)
    : io_(io), state_(state), inbox_(inbox), identity_(identity) {}

std::uint64_t GapPuller::pulled() const {
  std::lock_guard lock(mu_);
  return pulled_;
}

void GapPuller::Pull(const std::string& sender, std::int64_t from, std::int64_t to) {
  if (from > to) return;
  {
    std::lock_guard lock(mu_);
    if (!running_.insert(sender).second) return;
  }
  net::co_spawn(net::make_strand(io_), Run(sender, from, to), net::detached);
}

net::awaitable<void> GapPuller::Run(std::string sender, std::int64_t from, std::int64_t to) {
  struct Done {
    GapPuller* self;
    std::string sender;
    ~Done() {
      std::lock_guard lock(self->mu_);
      self->running_.erase(sender);
    }
  } done{this, sender};
  auto directory = state_.directory();
  const federation::NodeEntry* node = directory ? directory->Find(sender) : nullptr;
  if (node == nullptr) co_return;
  auto executor = co_await net::this_coro::executor;
  auto client =
      federation::PeerClient::Create(executor, identity_, node->endpoint, node->tls_spki_sha256);
  if (!client) co_return;
  std::string target =
      "/federation/v1/stream?from=" + std::to_string(from) + "&to=" + std::to_string(to);
  std::string body, type;
  auto response =
      co_await (*client)->Request(federation::PeerMethod::kGet, std::move(target), std::move(body),
                                  std::move(type), std::chrono::milliseconds(30000));
  if (!response || response->status != 200) {
    std::string why = "HTTP ";
    if (response) {
      why += std::to_string(response->status);
    } else {
      why = response.error().message;
    }
    LogEvent(spdlog::level::warn, "gap_pull_failed",
             {{"sender", sender}, {"from", from}, {"to", to}, {"error", why}});
    co_return;
  }
  std::string peer = sender;
  std::string envelopes = std::move(response->body);
  // Pulled, not posted: no request of ours to name, but the sender names its own as on a delivery.
  InboxTrace trace;
  trace.origin_request_ids = ParseRequestIds(response->Header(kRequestIdsHeader));
  auto outcomes = co_await inbox_.Receive(std::move(peer), std::move(envelopes), std::move(trace));
  std::size_t applied = 0;
  if (outcomes) {
    for (const auto& o : *outcomes) applied += o.status == "applied" ? 1 : 0;
  }
  {
    std::lock_guard lock(mu_);
    pulled_ += applied;
  }
  LogEvent(spdlog::level::info, "gap_pulled",
           {{"sender", sender}, {"from", from}, {"to", to}, {"applied", applied}});
}

}  // namespace simpul::fed
