#include "tests/soak/fault_proxy.hpp"

#include <array>
#include <atomic>
#include <vector>

#include <boost/asio.hpp>

namespace simpul::soak {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Executor = net::io_context::executor_type;

// Closes `socket`; with `reset`, SO_LINGER 0 first, so the peer gets an RST instead of a FIN.
void Close(tcp::socket& socket, bool reset) {
  boost::system::error_code ec;
  if (reset) socket.set_option(tcp::socket::linger(true, 0), ec);
  socket.close(ec);
}

}  // namespace

const char* Name(LinkMode mode) {
  switch (mode) {
    case LinkMode::kPass:
      return "pass";
    case LinkMode::kCut:
      return "cut";
    case LinkMode::kDelay:
      return "delay";
    case LinkMode::kReset:
      return "reset";
  }
  return "?";
}

struct FaultProxy::Io {
  net::io_context context{1};
  net::executor_work_guard<Executor> work = net::make_work_guard(context);
};

// One proxied connection: the client's socket and ours to the target. Touched only on the I/O
// thread.
struct Connection {
  explicit Connection(tcp::socket c) : client(std::move(c)), upstream(client.get_executor()) {}
  void Close(bool reset) {
    soak::Close(client, reset);
    soak::Close(upstream, reset);
  }
  tcp::socket client, upstream;
};

struct ProxyLink {
  ProxyLink(net::io_context& io, std::uint16_t target_port)
      : acceptor(io), target(net::ip::address_v4::loopback(), target_port) {}

  tcp::acceptor acceptor;
  const tcp::endpoint target;
  std::atomic<LinkMode> mode{LinkMode::kPass};
  std::atomic<std::int64_t> delay_ms{0};
  std::atomic<std::uint64_t> accepted{0}, refused{0}, broken{0};
  std::vector<std::weak_ptr<Connection>> open;  // I/O thread only

  // Ends every open connection (RST with `reset`), on the I/O thread.
  void BreakOpen(bool reset) {
    for (auto& weak : open) {
      if (auto conn = weak.lock()) {
        conn->Close(reset);
        ++broken;
      }
    }
    open.clear();
  }

  void Remember(const std::shared_ptr<Connection>& conn) {
    std::erase_if(open, [](const std::weak_ptr<Connection>& w) { return w.expired(); });
    open.push_back(conn);
  }
};

namespace {

// Copies `from` to `to` until either side fails or closes, delaying each chunk while the link is
// in delay mode; then closes both sides.
net::awaitable<void> Pump(std::shared_ptr<ProxyLink> link, std::shared_ptr<Connection> conn,
                          tcp::socket& from, tcp::socket& to) {
  std::array<char, 16 * 1024> buffer;
  boost::system::error_code ec;
  for (;;) {
    const std::size_t n = co_await from.async_read_some(
        net::buffer(buffer), net::redirect_error(net::use_awaitable, ec));
    if (ec) break;
    if (link->mode.load() == LinkMode::kDelay) {
      net::steady_timer timer(to.get_executor(), std::chrono::milliseconds(link->delay_ms.load()));
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    co_await net::async_write(to, net::buffer(buffer.data(), n),
                              net::redirect_error(net::use_awaitable, ec));
    if (ec) break;
  }
  conn->Close(false);
}

net::awaitable<void> Serve(std::shared_ptr<ProxyLink> link, tcp::socket client) {
  auto conn = std::make_shared<Connection>(std::move(client));
  boost::system::error_code ec;
  co_await conn->upstream.async_connect(link->target, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    conn->Close(false);
    co_return;
  }
  link->Remember(conn);
  auto executor = co_await net::this_coro::executor;
  net::co_spawn(executor, Pump(link, conn, conn->upstream, conn->client), net::detached);
  co_await Pump(link, conn, conn->client, conn->upstream);
}

net::awaitable<void> Accept(std::shared_ptr<ProxyLink> link) {
  auto executor = co_await net::this_coro::executor;
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await link->acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (!link->acceptor.is_open()) co_return;
      continue;
    }
    ++link->accepted;
    const LinkMode mode = link->mode.load();
    if (mode == LinkMode::kCut || mode == LinkMode::kReset) {
      ++link->refused;
      Close(socket, mode == LinkMode::kReset);
      continue;
    }
    net::co_spawn(executor, Serve(link, std::move(socket)), net::detached);
  }
}

}  // namespace

FaultProxy::FaultProxy() : io_(std::make_unique<Io>()) {
  thread_ = std::thread([this] { io_->context.run(); });
}

// Pending coroutines and the links' sockets go with the io_context, which outlives links_.
FaultProxy::~FaultProxy() {
  io_->work.reset();
  io_->context.stop();
  thread_.join();
}

Result<void> FaultProxy::AddLink(const std::string& name, std::uint16_t listen_port,
                                 std::uint16_t target_port) {
  auto link = std::make_shared<ProxyLink>(io_->context, target_port);
  boost::system::error_code ec;
  const tcp::endpoint at(net::ip::address_v4::loopback(), listen_port);
  link->acceptor.open(at.protocol(), ec);
  if (!ec) link->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) link->acceptor.bind(at, ec);
  if (!ec) link->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable, "proxy for " + name + ": cannot listen on port " +
                                             std::to_string(listen_port) + ": " + ec.message());
  }
  {
    std::lock_guard lock(mu_);
    if (!links_.emplace(name, link).second) {
      return Fail(ErrorCode::kConflict, "proxy link " + name + " exists");
    }
  }
  net::co_spawn(io_->context, Accept(link), net::detached);
  return {};
}

void FaultProxy::Set(const std::string& name, LinkMode mode, std::chrono::milliseconds delay) {
  std::shared_ptr<ProxyLink> link;
  {
    std::lock_guard lock(mu_);
    auto it = links_.find(name);
    if (it == links_.end()) return;
    link = it->second;
  }
  link->delay_ms = delay.count();
  link->mode = mode;
  if (mode == LinkMode::kCut || mode == LinkMode::kReset) {
    net::post(io_->context, [link, mode] { link->BreakOpen(mode == LinkMode::kReset); });
  }
}

void FaultProxy::HealAll() {
  std::lock_guard lock(mu_);
  for (auto& [name, link] : links_) link->mode = LinkMode::kPass;
}

LinkStats FaultProxy::Stats(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = links_.find(name);
  if (it == links_.end()) return {};
  return {it->second->accepted.load(), it->second->refused.load(), it->second->broken.load()};
}

}  // namespace simpul::soak
