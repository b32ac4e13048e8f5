#include "node/http/server.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include "crypto/random.hpp"
#include "crypto/tls_context.hpp"
#include "node/log.hpp"

namespace simpul::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);

Method MethodOf(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

// Bytes asked for by the first read of a request on an idle connection.
constexpr std::size_t kFirstReadBytes = 4096;

// Requests that are HTTP but malformed: a bad target or header field (a NUL or other control
// character in it), or an ambiguous body length — conflicting or repeated Content-Length and
// Transfer-Encoding, malformed chunks. Answered with 400 and a closed connection, so no byte after
// them can be read as another request (no request smuggling). Bytes that are not HTTP at all (bad
// method or version) get no answer.
bool IsMalformedRequest(const boost::system::error_code& ec) {
  return ec == bhttp::error::bad_target || ec == bhttp::error::bad_field ||
         ec == bhttp::error::bad_value || ec == bhttp::error::bad_obs_fold ||
         ec == bhttp::error::bad_content_length || ec == bhttp::error::multiple_content_length ||
         ec == bhttp::error::bad_transfer_encoding || ec == bhttp::error::bad_chunk ||
         ec == bhttp::error::bad_chunk_extension;
}

ApiResponse MalformedRefusal(const boost::system::error_code& ec) {
  return ApiResponse::FromError(
      {ErrorCode::kInvalidArgument, "malformed request: " + ec.message()});
}

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// Fills path and query of `req` from the request target. Fails for targets that are not
// origin-form (absolute URLs, "*", malformed percent escapes).
Result<void> ParseTarget(std::string_view target, ApiRequest& req) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return Fail(ErrorCode::kInvalidArgument, "malformed request target");
  req.path = url->path();
  if (req.path.find('\0') != std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument, "NUL in request path");
  }
  for (auto param : url->params()) req.query[param.key] = param.value;
  return {};
}

template <class Body>
ApiRequest ToApiRequest(const bhttp::request<Body>& msg, const std::string& remote,
                        const std::string& peer_spki,
                        const std::function<std::string()>& new_request_id) {
  ApiRequest req;
  req.method = MethodOf(msg.method());
  req.content_type = std::string(msg[bhttp::field::content_type]);
  auto auth = msg[bhttp::field::authorization];
  if (auth.size() > 7 && beast::iequals(auth.substr(0, 7), "Bearer ")) {
    req.bearer_token = std::string(auth.substr(7));
  }
  auto rid = msg["X-Request-Id"];
  req.request_id = ValidRequestId(rid) ? std::string(rid) : new_request_id();
  req.origin_request_ids = std::string(msg["X-Simpul-Request-Ids"]);
  req.remote = remote;
  req.peer_spki = peer_spki;
  auto inm = msg[bhttp::field::if_none_match];
  if (inm.size() >= 2 && inm.front() == '"' && inm.back() == '"') {
    req.if_none_match = std::string(inm.substr(1, inm.size() - 2));
  }
  return req;
}

bhttp::response<bhttp::string_body> ToBeast(ApiResponse&& r, const ApiRequest& req,
                                            unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::server, "simpul");
  res.set(bhttp::field::content_type, r.content_type);
  res.set("X-Content-Type-Options", "nosniff");
  res.set(bhttp::field::cache_control, "no-store");
  if (!req.request_id.empty()) res.set("X-Request-Id", req.request_id);
  for (auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  if (req.method == Method::kHead) res.body().clear();
  return res;
}

// What the connection limits count: connections open now, on the listener and per address.
// Thread-safe: sessions end on any of the io_context's threads. Shared with the sessions, whose
// coroutine frames the io_context may destroy after the server (and the metrics) are gone: the
// server detaches it first, and a detached count touches nothing but itself.
class ConnectionCounts {
 public:
  ConnectionCounts(Metrics& metrics, std::size_t max_total, std::size_t max_per_client)
      : metrics_(&metrics), max_total_(max_total), max_per_client_(max_per_client) {}

  // Counts a new connection from `client`, or refuses it (counted in the metrics) when a limit
  // is reached.
  bool Admit(const std::string& client) {
    std::lock_guard lock(mu_);
    if (metrics_ == nullptr) return false;
    if (total_ >= max_total_) {
      metrics_->ConnectionRejected(false);
      return false;
    }
    auto& mine = per_client_[client];
    if (mine >= max_per_client_) {
      metrics_->ConnectionRejected(true);
      return false;
    }
    ++mine;
    ++total_;
    metrics_->ConnectionOpened();
    return true;
  }
  void Release(const std::string& client) {
    std::lock_guard lock(mu_);
    auto it = per_client_.find(client);
    if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
    --total_;
    if (metrics_ != nullptr) metrics_->ConnectionClosed();
  }
  // The server is going away: stop reporting to its metrics.
  void Detach() {
    std::lock_guard lock(mu_);
    metrics_ = nullptr;
  }

 private:
  Metrics* metrics_;  // null once detached
  const std::size_t max_total_;
  const std::size_t max_per_client_;
  std::mutex mu_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> per_client_;  // only addresses with a connection
};

// One admitted connection; released when the session that owns it ends.
class ConnectionSlot {
 public:
  ConnectionSlot(std::shared_ptr<ConnectionCounts> counts, std::string client)
      : counts_(std::move(counts)), client_(std::move(client)) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept = default;
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ~ConnectionSlot() {
    if (counts_ != nullptr) counts_->Release(client_);
  }
  const std::string& client() const { return client_; }

 private:
  std::shared_ptr<ConnectionCounts> counts_;  // null once moved from
  std::string client_;
};

}  // namespace

struct HttpServer::Impl {
  net::io_context& io;
  const Router& router;
  Metrics& metrics;
  ServerLimits limits;
  tcp::acceptor acceptor;
  net::ssl::context* tls = nullptr;
  std::shared_ptr<ConnectionCounts> counts;
  // Request ids are a random per-process prefix and a counter: unique, and cheap per request.
  const std::string request_id_prefix = crypto::RandomToken(6);
  std::atomic<std::uint64_t> request_counter{0};

  std::string NewRequestId() {
    return request_id_prefix + "-" +
           std::to_string(request_counter.fetch_add(1, std::memory_order_relaxed));
  }

  Impl(net::io_context& io_in, const Router& r, Metrics& m, ServerLimits l)
      : io(io_in),
        router(r),
        metrics(m),
        limits(l),
        acceptor(io_in),
        counts(std::make_shared<ConnectionCounts>(m, l.max_connections,
                                                  l.max_connections_per_client)) {}

  net::awaitable<void> Accept();
  net::awaitable<void> ServeTls(tcp::socket socket, ConnectionSlot slot);
  net::awaitable<void> ServePlain(tcp::socket socket, ConnectionSlot slot);
  template <class Stream>
  net::awaitable<void> Serve(Stream& stream, std::string remote, std::string peer_spki);
  template <class Stream>
  net::awaitable<bool> ServeOne(Stream& stream, beast::flat_buffer& buffer,
                                const std::string& remote, const std::string& peer_spki);
  template <class Stream>
  net::awaitable<void> Reply(Stream& stream, ApiResponse r, const ApiRequest& req, unsigned version,
                             bool keep_alive, std::string_view route,
                             std::chrono::steady_clock::time_point started);
};

HttpServer::HttpServer(net::io_context& io, const Router& router, Metrics& metrics,
                       ServerLimits limits)
    : impl_(std::make_unique<Impl>(io, router, metrics, limits)) {}

HttpServer::~HttpServer() { impl_->counts->Detach(); }

Result<std::uint16_t> HttpServer::Listen(const std::string& address, std::uint16_t port,
                                         net::ssl::context* tls) {
  boost::system::error_code ec;
  auto ip = net::ip::make_address(address, ec);
  if (ec)
    return Fail(ErrorCode::kInvalidArgument, "listen address " + address + ": " + ec.message());
  tcp::endpoint ep(ip, port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable, "cannot listen on " + address + ":" +
                                             std::to_string(port) + ": " + ec.message() +
                                             " (is another process using the port?)");
  }
  impl_->tls = tls;
  return a.local_endpoint().port();
}

void HttpServer::Start() {
  net::co_spawn(impl_->acceptor.get_executor(), impl_->Accept(), net::detached);
}

void HttpServer::Stop() {
  net::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
  });
}

net::awaitable<void> HttpServer::Impl::Accept() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(io), kTuple);
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;  // e.g. EMFILE: try again; the connection limits keep this rare
    boost::system::error_code ep_ec;
    auto peer = socket.remote_endpoint(ep_ec);
    std::string remote = ep_ec ? "unknown" : peer.address().to_string();
    if (!counts->Admit(remote)) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    ConnectionSlot slot(counts, std::move(remote));
    socket.set_option(tcp::no_delay(true), ep_ec);
    auto executor = socket.get_executor();
    if (tls != nullptr) {
      net::co_spawn(executor, ServeTls(std::move(socket), std::move(slot)), net::detached);
    } else {
      net::co_spawn(executor, ServePlain(std::move(socket), std::move(slot)), net::detached);
    }
  }
}

net::awaitable<void> HttpServer::Impl::ServeTls(tcp::socket socket, ConnectionSlot slot) {
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
  beast::get_lowest_layer(stream).expires_after(limits.header_timeout);
  auto [hs] = co_await stream.async_handshake(net::ssl::stream_base::server, kTuple);
  if (hs) co_return;
  // Only contexts from crypto::MakeServerContext verify client certificates; with any other (the
  // public listener's) or without a verified certificate the request carries no peer.
  Result<std::string> verified_peer = crypto::PeerSpkiSha256Hex(stream.native_handle());
  std::string peer_spki = verified_peer ? std::move(*verified_peer) : std::string();
  co_await Serve(stream, slot.client(), std::move(peer_spki));
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  co_await stream.async_shutdown(kTuple);
}

net::awaitable<void> HttpServer::Impl::ServePlain(tcp::socket socket, ConnectionSlot slot) {
  beast::tcp_stream stream(std::move(socket));
  std::string no_peer;
  co_await Serve(stream, slot.client(), std::move(no_peer));
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

template <class Stream>
net::awaitable<void> HttpServer::Impl::Serve(Stream& stream, std::string remote,
                                             std::string peer_spki) {
  beast::flat_buffer buffer;
  try {
    while (co_await ServeOne(stream, buffer, remote, peer_spki)) {
    }
  } catch (const std::exception& e) {
    LogEvent(spdlog::level::warn, "http_session_error", {{"error", e.what()}});
  }
}

template <class Stream>
net::awaitable<void> HttpServer::Impl::Reply(Stream& stream, ApiResponse r, const ApiRequest& req,
                                             unsigned version, bool keep_alive,
                                             std::string_view route,
                                             std::chrono::steady_clock::time_point started) {
  const int status = r.status;
  auto res = ToBeast(std::move(r), req, version, keep_alive);
  beast::get_lowest_layer(stream).expires_after(limits.write_timeout);
  co_await bhttp::async_write(stream, res, kTuple);
  auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  metrics.ObserveRequest(route, status, latency);
  if (spdlog::should_log(spdlog::level::debug)) {
    LogEvent(spdlog::level::debug, "http_request",
             {{"request_id", req.request_id},
              {"route", route},
              {"status", status},
              {"latency_us", latency.count()}});
  }
}

// Serves one request. Returns whether the connection stays open for another.
template <class Stream>
net::awaitable<bool> HttpServer::Impl::ServeOne(Stream& stream, beast::flat_buffer& buffer,
                                                const std::string& remote,
                                                const std::string& peer_spki) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  // No limit while reading the header: Beast would fail a Content-Length above it with no reply,
  // and the route, which may raise the limit, is not known yet. Checked below, before the body.
  parser.body_limit(boost::none);
  auto& socket_layer = beast::get_lowest_layer(stream);
  if (buffer.size() == 0) {
    // Idle until the request's first bytes; from then on the whole header must arrive within
    // header_timeout, so a client dribbling it cannot hold the connection for the idle time.
    socket_layer.expires_after(limits.idle_timeout);
    auto [fec, fn] = co_await stream.async_read_some(buffer.prepare(kFirstReadBytes), kTuple);
    if (fec) co_return false;
    buffer.commit(fn);
  }
  socket_layer.expires_after(limits.header_timeout);
  auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
  if (hec) {
    ApiRequest none;
    if (hec == bhttp::error::header_limit) {
      ApiResponse too_large =
          ApiResponse::FromError({ErrorCode::kTooLarge, "request header too large"});
      co_await Reply(stream, std::move(too_large), none, 11, false, "unmatched",
                     std::chrono::steady_clock::now());
    } else if (IsMalformedRequest(hec)) {
      ApiResponse bad = MalformedRefusal(hec);
      co_await Reply(stream, std::move(bad), none, 11, false, "unmatched",
                     std::chrono::steady_clock::now());
    }
    co_return false;  // timeout, close, or a malformed header: drop the connection
  }
  const auto started = std::chrono::steady_clock::now();
  const auto& header = parser.get();
  ApiRequest req = ToApiRequest(header, remote, peer_spki, [this] { return NewRequestId(); });
  const unsigned version = header.version();
  auto target_ok = ParseTarget(header.target(), req);
  const Route* route = target_ok ? router.Match(req.method, req.path, &req.params) : nullptr;
  // GCC 12 mis-destroys temporaries inside co_await expressions, so every argument of a co_await
  // below is a named local.
  const std::size_t body_limit =
      route && route->max_body_bytes ? route->max_body_bytes : limits.max_body_bytes;
  const std::string route_name = route ? route->name : std::string("unmatched");
  if (target_ok && !header[bhttp::field::transfer_encoding].empty() && !parser.chunked()) {
    // Beast reads a body framed by an unknown transfer coding as empty, so its bytes would be
    // taken for the next request: refuse rather than risk request smuggling (RFC 9112 §6.1).
    target_ok = Fail(ErrorCode::kInvalidArgument, "unsupported Transfer-Encoding; use chunked");
  }
  if (!target_ok) {
    ApiResponse bad = ApiResponse::FromError(target_ok.error());
    co_await Reply(stream, std::move(bad), req, version, false, route_name, started);
    co_return false;
  }
  auto too_large = [body_limit] {
    return ApiResponse::FromError(
        {ErrorCode::kTooLarge, "request body exceeds " + std::to_string(body_limit) + " bytes"});
  };
  if (parser.content_length() && *parser.content_length() > body_limit) {
    ApiResponse refusal = too_large();
    co_await Reply(stream, std::move(refusal), req, version, false, route_name, started);
    co_return false;
  }
  parser.body_limit(body_limit);
  socket_layer.expires_after(limits.body_timeout);
  if (beast::iequals(header[bhttp::field::expect], "100-continue")) {
    // Clients such as curl wait for this before sending a large body.
    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, version};
    auto [cec, cn] = co_await bhttp::async_write(stream, go_on, kTuple);
    if (cec) co_return false;
  }
  auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
  if (bec == bhttp::error::body_limit) {
    ApiResponse refusal = too_large();
    co_await Reply(stream, std::move(refusal), req, version, false, route_name, started);
    co_return false;
  }
  if (IsMalformedRequest(bec)) {
    ApiResponse bad = MalformedRefusal(bec);
    co_await Reply(stream, std::move(bad), req, version, false, route_name, started);
    co_return false;
  }
  if (bec) co_return false;
  const bool keep_alive = parser.get().keep_alive();
  req.body = std::move(parser.get().body());
  ApiResponse response;
  try {
    response = co_await router.Dispatch(req, route);
  } catch (const std::exception& e) {
    LogEvent(spdlog::level::err, "handler_exception",
             {{"request_id", req.request_id}, {"error", e.what()}});
    response = ApiResponse::FromError({ErrorCode::kInternal, "internal error; see the node log"});
  }
  co_await Reply(stream, std::move(response), req, version, keep_alive, route_name, started);
  co_return keep_alive;
}

}  // namespace simpul::http
