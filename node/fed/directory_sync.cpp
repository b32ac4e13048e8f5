#include "node/fed/directory_sync.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <mutex>

#include <nlohmann/json.hpp>

#include "crypto/key_file.hpp"
#include "federation/directory.hpp"
#include "federation/peer_client.hpp"
#include "node/coord/own_entry.hpp"
#include "node/coord/registry.hpp"
#include "node/log.hpp"
#include "node/store/federation_store.hpp"

namespace simpul::fed {

namespace net = boost::asio;

namespace {

constexpr std::chrono::seconds kFetchTimeout{30};

// "https://host:port/federation/v1/directory" → {"https://host:port", "/federation/v1/directory"}.
std::pair<std::string, std::string> SplitUrl(const std::string& url) {
  const std::size_t scheme = url.find("://");
  const std::size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return {url, "/"};
  return {url.substr(0, path), url.substr(path)};
}

}  // namespace

struct DirectorySync::Impl {
  Impl(net::io_context& io, const NodeConfig& c, FederationState& s, store::Database& d,
       const crypto::TlsIdentity& i, service::Clock k)
      : config(c),
        state(s),
        db(d),
        identity(i),
        clock(std::move(k)),
        strand(net::make_strand(io)),
        timer(strand) {}

  const NodeConfig& config;
  FederationState& state;
  store::Database& db;
  const crypto::TlsIdentity& identity;
  service::Clock clock;
  net::strand<net::io_context::executor_type> strand;
  net::steady_timer timer;
  std::unique_ptr<federation::PeerClient> client;
  std::string client_pin;
  std::atomic<bool> stopped{false};
  mutable std::mutex mu;
  DirectorySyncCounters counters;

  std::int64_t NowMs() const { return clock().time_since_epoch().count(); }
  bool coordinator() const { return config.role == NodeRole::kCoordinator; }

  void Count(bool ok, bool changed, const std::string& error) {
    std::lock_guard lock(mu);
    ++counters.polls;
    if (!ok) {
      ++counters.failures;
      counters.last_error = error;
    } else if (changed) {
      ++counters.accepted;
      counters.last_error.clear();
    } else {
      ++counters.unchanged;
      counters.last_error.clear();
    }
  }

  Result<std::optional<store::DirectoryRow>> Latest() {
    return db.ReadSync<std::optional<store::DirectoryRow>>(
        [](store::Connection& c) { return store::FederationStore::LatestDirectory(c); });
  }

  net::awaitable<Result<std::string>> Get(std::string target, bool conditional);
  net::awaitable<Result<bool>> Fetch();
  net::awaitable<Result<bool>> Coordinate();
  net::awaitable<Result<std::optional<store::DirectoryRow>>> LatestAsync() {
    co_return co_await db.Read<std::optional<store::DirectoryRow>>(
        [](store::Connection& c) { return store::FederationStore::LatestDirectory(c); });
  }
  // Stores (when `store_it`) and puts `dir` in force.
  net::awaitable<Result<bool>> Install(federation::Directory dir, bool store_it);
};

DirectorySync::DirectorySync(net::io_context& io, const NodeConfig& config, FederationState& state,
                             store::Database& db, const crypto::TlsIdentity& identity,
                             service::Clock clock)
    : impl_(std::make_shared<Impl>(io, config, state, db, identity, std::move(clock))) {}

DirectorySync::~DirectorySync() { Stop(); }

DirectorySyncCounters DirectorySync::counters() const {
  std::lock_guard lock(impl_->mu);
  return impl_->counters;
}

Result<void> DirectorySync::LoadStored() {
  auto& anchor = impl_->state.anchor();
  if (!anchor) return {};
  auto latest = impl_->Latest();
  if (!latest) return tl::unexpected(latest.error());
  if (!*latest) return {};
  auto dir = federation::ReopenDirectory((*latest)->bytes, *anchor);
  if (!dir) {
    return Fail(dir.error().code, "stored directory version " + std::to_string((*latest)->version) +
                                      " no longer verifies: " + dir.error().message);
  }
  impl_->state.SetDirectory(std::make_shared<const federation::Directory>(std::move(*dir)));
  return {};
}

net::awaitable<Result<bool>> DirectorySync::Impl::Install(federation::Directory dir,
                                                          bool store_it) {
  if (store_it) {
    store::DirectoryRow row{dir.version(), dir.Etag(), dir.signed_bytes(), NowMs()};
    auto stored = co_await db.Write<int>([&row](store::Connection& c) -> Result<int> {
      if (auto r = store::FederationStore::InsertDirectory(c, row); !r) {
        return tl::unexpected(r.error());
      }
      return 0;
    });
    if (!stored) co_return tl::unexpected(stored.error());
  }
  LogEvent(spdlog::level::info, "directory_accepted",
           {{"version", dir.version()},
            {"etag", dir.Etag()},
            {"expires_at", dir.document().expires_at},
            {"nodes", dir.document().nodes.size()}});
  state.SetDirectory(std::make_shared<const federation::Directory>(std::move(dir)));
  co_return true;
}

net::awaitable<Result<std::string>> DirectorySync::Impl::Get(std::string target, bool conditional) {
  const auto& anchor = *state.anchor();
  auto [endpoint, base] = SplitUrl(anchor.directory_url);
  auto current = state.directory();
  std::string pin(federation::kAnyServerPin);
  if (current != nullptr) {
    if (const auto* coord = current->Find(anchor.coordinator)) pin = coord->tls_spki_sha256;
  }
  if (!client) {
    auto made = federation::PeerClient::Create(strand, identity, endpoint, pin);
    if (!made) co_return tl::unexpected(made.error());
    client = std::move(*made);
    client_pin = pin;
  } else if (client_pin != pin) {
    client->SetPin(pin);
    client_pin = pin;
  }
  client->SetIfNoneMatch(conditional && current ? current->Etag() : std::string());
  std::string full = base + target;
  std::string body, type;
  auto response =
      co_await client->Request(federation::PeerMethod::kGet, std::move(full), std::move(body),
                               std::move(type), std::chrono::milliseconds(kFetchTimeout));
  if (!response) co_return tl::unexpected(response.error());
  if (response->status == 304) co_return std::string();
  if (response->status != 200) {
    co_return Fail(ErrorCode::kUnavailable, "directory fetch: HTTP " +
                                                std::to_string(response->status) + ": " +
                                                response->body.substr(0, 200));
  }
  co_return std::move(response->body);
}

net::awaitable<Result<bool>> DirectorySync::Impl::Fetch() {
  if (!state.anchor()) {
    co_return Fail(ErrorCode::kUnavailable,
                   "no trust anchor installed: run `simpulctl trust install <anchor.json>`");
  }
  std::string latest_target;  // named: GCC 12 mishandles temporaries passed to coroutines
  auto bytes = co_await Get(std::move(latest_target), true);
  if (!bytes) co_return tl::unexpected(bytes.error());
  if (bytes->empty()) co_return false;  // 304: unchanged
  const auto& anchor = *state.anchor();
  auto current = state.directory();
  if (current && *bytes == current->signed_bytes()) co_return false;  // unchanged, sent in full
  const std::int64_t now = NowMs();
  std::optional<const federation::Directory*> cur;
  if (current) cur = current.get();
  auto next = federation::VerifyDirectory(*bytes, anchor, cur, now);
  if (!next && current && next.error().message.find("version gap") != std::string::npos) {
    // Fell behind: fetch every version in between and check each link of the chain.
    auto latest = federation::ReopenDirectory(*bytes, anchor);
    if (!latest) co_return tl::unexpected(latest.error());
    std::vector<std::string> chain;
    for (auto v = current->version() + 1; v < latest->version(); ++v) {
      std::string version_target = "/versions/" + std::to_string(v);
      auto one = co_await Get(std::move(version_target), false);
      if (!one) co_return tl::unexpected(one.error());
      chain.push_back(std::move(*one));
    }
    chain.push_back(std::move(*bytes));
    next = federation::VerifyDirectoryChain(chain, anchor, *current, now);
  }
  if (!next) {
    LogEvent(spdlog::level::err, "directory_rejected",
             {{"error", next.error().message}, {"code", ErrorCodeName(next.error().code)}});
    co_return tl::unexpected(next.error());
  }
  co_return co_await Install(std::move(*next), true);
}

net::awaitable<Result<bool>> DirectorySync::Impl::Coordinate() {
  // Re-sign before half the lifetime is gone, so nodes polling late still get a current one.
  auto current = state.directory();
  const std::int64_t now = NowMs();
  const auto lifetime =
      std::chrono::duration_cast<std::chrono::milliseconds>(config.federation.directory_lifetime);
  if (current == nullptr || current->document().expires_at - now < lifetime.count() / 2) {
    auto keys = coord::ReadOwnKeys(config);
    if (!keys) co_return tl::unexpected(keys.error());
    auto entry = coord::CoordinatorEntry(config, *keys);
    if (!entry) co_return tl::unexpected(entry.error());
    auto signing = crypto::ReadKeyFile(config.DirectoryKeyPath());
    if (!signing) co_return tl::unexpected(signing.error());
    coord::PublishInput input{*entry, *signing, now, lifetime, coord::PolicyFromConfig(config)};
    auto published = co_await db.Write<coord::PublishedDirectory>(
        [&input](store::Connection& c) { return coord::Publish(c, input); });
    if (!published) co_return tl::unexpected(published.error());
    LogEvent(spdlog::level::info, "directory_published",
             {{"version", published->version}, {"expires_at", published->expires_at}});
  }
  auto latest = co_await LatestAsync();
  if (!latest) co_return tl::unexpected(latest.error());
  if (!*latest || (current && (*latest)->version == current->version())) co_return false;
  auto dir = federation::ReopenDirectory((*latest)->bytes, *state.anchor());
  if (!dir) co_return tl::unexpected(dir.error());
  co_return co_await Install(std::move(*dir), false);
}

net::awaitable<Result<bool>> DirectorySync::RunOnce() {
  auto impl = impl_;
  // Not a conditional expression: GCC 12 miscompiles co_await inside one.
  Result<bool> changed = false;
  if (impl->coordinator()) {
    changed = co_await impl->Coordinate();
  } else {
    changed = co_await impl->Fetch();
  }
  impl->Count(changed.has_value(), changed.value_or(false),
              changed ? std::string() : changed.error().message);
  if (changed && *changed && on_accepted_) on_accepted_();
  if (!changed) {
    LogEvent(spdlog::level::warn, "directory_sync_failed", {{"error", changed.error().message}});
  }
  co_return changed;
}

void DirectorySync::Start() {
  auto impl = impl_;
  net::co_spawn(
      impl->strand,
      [this, impl]() -> net::awaitable<void> {
        while (!impl->stopped) {
          co_await RunOnce();
          const auto interval = impl->coordinator() ? std::min<std::chrono::seconds>(
                                                          impl->config.federation.poll_interval,
                                                          std::chrono::seconds(5))
                                                    : impl->config.federation.poll_interval;
          impl->timer.expires_after(interval);
          auto [ec] = co_await impl->timer.async_wait(net::as_tuple(net::use_awaitable));
          (void)ec;
        }
      },
      net::detached);
}

void DirectorySync::Stop() {
  impl_->stopped = true;
  auto impl = impl_;
  net::post(impl->strand, [impl] {
    impl->timer.cancel();
    if (impl->client) impl->client->Close();
  });
}

}  // namespace simpul::fed
