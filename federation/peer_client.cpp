#include "federation/peer_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <exception>
#include <mutex>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "crypto/tls_context.hpp"
#include "crypto/tls_identity.hpp"

namespace simpul::federation {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using Stream = beast::ssl_stream<beast::tcp_stream>;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);

// The parts of a peer endpoint URL a connection needs.
struct Endpoint {
  std::string url;          // as given, for messages
  std::string host;         // without IPv6 brackets
  std::string port;         // decimal
  std::string host_header;  // the Host header: host, bracketed if IPv6, and ":port" unless 443
  std::string base_path;    // "" or "/a/b", never ending in '/'
  bool host_is_ip = false;
};

bool IsDnsName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

Result<Endpoint> ParseEndpoint(std::string_view url) {
  auto bad = [url](std::string_view why) {
    return Fail(ErrorCode::kInvalidArgument,
                "peer endpoint URL \"" + std::string(url) + "\" " + std::string(why));
  };
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme) return bad("does not start with https://");
  const std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (path.find_first_of("?#") != std::string_view::npos) return bad("has a query or fragment");
  if (std::any_of(path.begin(), path.end(), [](char c) { return c <= 0x20 || c >= 0x7f; })) {
    return bad("has a space or control character in its path");
  }
  Endpoint ep;
  ep.url = std::string(url);
  std::string_view host;
  std::string_view port = "443";
  std::string_view after_host;
  boost::system::error_code ec;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("has an unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    after_host = authority.substr(close + 1);
    net::ip::make_address_v6(std::string(host), ec);
    if (ec) return bad("has a malformed IPv6 literal");
    ep.host_is_ip = true;
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) after_host = authority.substr(colon);
    net::ip::make_address_v4(std::string(host), ec);
    ep.host_is_ip = !ec;
    if (!ep.host_is_ip && !IsDnsName(host)) return bad("has no valid host");
  }
  if (!after_host.empty()) {
    port = after_host.substr(1);
    const bool digits =
        after_host.front() == ':' && !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535) {
      return bad("has an invalid port");
    }
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  ep.host = std::string(host);
  ep.port = std::string(port);
  ep.base_path = std::string(path);
  const bool ipv6 = ep.host.find(':') != std::string::npos;
  ep.host_header = ipv6 ? "[" + ep.host + "]" : ep.host;
  if (ep.port != "443") ep.host_header += ":" + ep.port;
  return ep;
}

bhttp::verb VerbOf(PeerMethod method) {
  switch (method) {
    case PeerMethod::kGet:
      return bhttp::verb::get;
    case PeerMethod::kPost:
      return bhttp::verb::post;
    case PeerMethod::kPut:
      return bhttp::verb::put;
    case PeerMethod::kDelete:
      return bhttp::verb::delete_;
  }
  return bhttp::verb::get;
}

std::string Describe(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return "timed out";
  return ec.message();
}

// Whether `ec` says the peer had closed the connection (as a server closing an idle keep-alive
// connection does), as opposed to a timeout, a TLS failure or a malformed response.
bool ClosedByPeer(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof ||
         ec == net::ssl::error::stream_truncated || ec == net::error::connection_reset ||
         ec == net::error::connection_aborted || ec == net::error::broken_pipe;
}

// The outcome of sending one request on an open connection.
struct Attempt {
  Result<PeerResponse> result;
  bool closed_before_response = false;  // failed because the peer had closed, before any byte
  bool keep_alive = false;              // the connection may carry another request
};

}  // namespace

struct PeerClient::Impl {
  // The expected pin, shared with the verifier inside the SSL context.
  struct Pin {
    std::mutex mu;
    std::string spki;
  };

  Impl(net::any_io_executor ex, Endpoint ep, PeerClientOptions opts, std::shared_ptr<Pin> p,
       net::ssl::context ctx)
      : executor(std::move(ex)),
        endpoint(std::move(ep)),
        options(opts),
        pin(std::move(p)),
        tls(std::move(ctx)) {}

  const net::any_io_executor executor;
  const Endpoint endpoint;
  const PeerClientOptions options;
  const std::shared_ptr<Pin> pin;
  std::atomic<std::uint64_t> pin_generation{0};  // incremented by SetPin
  net::ssl::context tls;

  // Only on `executor`:
  std::optional<Stream> stream;
  beast::flat_buffer buffer;
  std::uint64_t stream_pin_generation = 0;  // pin_generation when `stream` was opened
  bool busy = false;
  std::string if_none_match;  // entity tag sent with GET requests; guarded by pin->mu

  net::awaitable<Result<PeerResponse>> Exchange(bhttp::verb verb, std::string target,
                                                std::string body, std::string content_type,
                                                PeerHeaders headers,
                                                std::chrono::milliseconds timeout);
  net::awaitable<Result<void>> Connect(Clock::time_point deadline);
  net::awaitable<Result<std::vector<tcp::endpoint>>> Resolve(Clock::time_point deadline);
  net::awaitable<Attempt> Send(const bhttp::request<bhttp::string_body>& request,
                               Clock::time_point deadline);

  // Drops the connection. Not while an operation on it is pending: use Abort then.
  void Disconnect() {
    if (stream) {
      beast::get_lowest_layer(*stream).close();
      stream.reset();
    }
    buffer.clear();
  }
  // Closes the socket so that pending operations fail; the Request running them disconnects.
  void Abort() {
    if (!busy) {
      Disconnect();
    } else if (stream) {
      beast::get_lowest_layer(*stream).close();
    }
  }
};

PeerClient::PeerClient(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

PeerClient::~PeerClient() = default;

Result<std::unique_ptr<PeerClient>> PeerClient::Create(net::any_io_executor executor,
                                                       const crypto::TlsIdentity& identity,
                                                       std::string_view endpoint_url,
                                                       std::string spki_pin,
                                                       PeerClientOptions options) {
  if (spki_pin.empty()) return Fail(ErrorCode::kInvalidArgument, "empty SPKI pin for a peer");
  Result<Endpoint> endpoint = ParseEndpoint(endpoint_url);
  if (!endpoint) return tl::unexpected(endpoint.error());
  auto pin = std::make_shared<Impl::Pin>();
  pin->spki = std::move(spki_pin);
  Result<crypto::SslCtx> ctx = crypto::MakeClientContext(identity, [pin](std::string_view spki) {
    std::lock_guard lock(pin->mu);
    return pin->spki == kAnyServerPin || spki == pin->spki;
  });
  if (!ctx) return tl::unexpected(ctx.error());
  // Adopted as it is: setting verify modes or options on it would undo the pinning.
  net::ssl::context tls(ctx->release());
  auto impl = std::make_shared<Impl>(std::move(executor), std::move(*endpoint), options,
                                     std::move(pin), std::move(tls));
  return std::unique_ptr<PeerClient>(new PeerClient(std::move(impl)));
}

void PeerClient::SetPin(std::string spki_pin) {
  {
    std::lock_guard lock(impl_->pin->mu);
    impl_->pin->spki = std::move(spki_pin);
  }
  impl_->pin_generation.fetch_add(1);
}

void PeerClient::Close() {
  net::post(impl_->executor, [impl = impl_] { impl->Abort(); });
}

const std::string& PeerClient::url() const { return impl_->endpoint.url; }

std::string PeerResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (beast::iequals(key, name)) return value;
  }
  return "";
}

void PeerClient::SetIfNoneMatch(std::string etag) {
  std::lock_guard lock(impl_->pin->mu);
  impl_->if_none_match = std::move(etag);
}

net::awaitable<Result<PeerResponse>> PeerClient::Request(PeerMethod method, std::string target,
                                                         std::string body, std::string content_type,
                                                         std::chrono::milliseconds timeout) {
  PeerHeaders none;
  co_return co_await Request(method, std::move(target), std::move(body), std::move(content_type),
                             std::move(none), timeout);
}

net::awaitable<Result<PeerResponse>> PeerClient::Request(PeerMethod method, std::string target,
                                                         std::string body, std::string content_type,
                                                         PeerHeaders headers,
                                                         std::chrono::milliseconds timeout) {
  // The exchange runs on the client's executor, whichever executor the caller runs on; `impl`
  // keeps the connection alive until it has finished.
  std::shared_ptr<Impl> impl = impl_;
  try {
    net::awaitable<Result<PeerResponse>> exchange =
        impl->Exchange(VerbOf(method), std::move(target), std::move(body), std::move(content_type),
                       std::move(headers), timeout);
    co_return co_await net::co_spawn(impl->executor, std::move(exchange), net::use_awaitable);
  } catch (const std::exception& e) {
    co_return Fail(ErrorCode::kInternal,
                   "request to " + impl->endpoint.url + " failed: " + std::string(e.what()));
  }
}

net::awaitable<Result<PeerResponse>> PeerClient::Impl::Exchange(
    bhttp::verb verb, std::string target, std::string body, std::string content_type,
    PeerHeaders headers, std::chrono::milliseconds timeout) {
  if (target.empty() || target.front() != '/' ||
      std::any_of(target.begin(), target.end(), [](char c) { return c <= 0x20 || c >= 0x7f; })) {
    co_return Fail(ErrorCode::kInvalidArgument, "request target \"" + target + "\" is not a path");
  }
  if (busy) {
    co_return Fail(ErrorCode::kInternal,
                   "PeerClient for " + endpoint.url + " used by two requests at once");
  }
  busy = true;
  struct BusyGuard {
    bool& busy;
    ~BusyGuard() { busy = false; }
  } guard{busy};
  const Clock::time_point deadline = Clock::now() + timeout;

  bhttp::request<bhttp::string_body> request{verb, endpoint.base_path + target, 11};
  request.set(bhttp::field::host, endpoint.host_header);
  request.set(bhttp::field::user_agent, "simpul");
  if (!content_type.empty()) request.set(bhttp::field::content_type, content_type);
  for (const auto& [name, value] : headers) request.set(name, value);
  std::string entity_tag;
  {
    std::lock_guard lock(pin->mu);
    entity_tag = if_none_match;
  }
  if (verb == bhttp::verb::get && !entity_tag.empty()) {
    request.set(bhttp::field::if_none_match, "\"" + entity_tag + "\"");
  }
  request.body() = std::move(body);
  request.keep_alive(true);
  request.prepare_payload();

  try {
    for (int attempt = 0;; ++attempt) {
      const bool reused = stream.has_value() && stream_pin_generation == pin_generation.load();
      if (!reused) {
        Disconnect();  // a connection opened under an older pin is not reused
        Result<void> connected = co_await Connect(deadline);
        if (!connected) {
          Disconnect();
          co_return tl::unexpected(connected.error());
        }
      }
      Attempt sent = co_await Send(request, deadline);
      if (sent.result && sent.keep_alive) co_return std::move(sent.result);
      Disconnect();
      if (!sent.result && reused && sent.closed_before_response && attempt == 0) continue;
      co_return std::move(sent.result);
    }
  } catch (const std::exception& e) {
    Disconnect();
    co_return Fail(ErrorCode::kInternal,
                   "request to " + endpoint.url + " failed: " + std::string(e.what()));
  }
}

net::awaitable<Result<std::vector<tcp::endpoint>>> PeerClient::Impl::Resolve(
    Clock::time_point deadline) {
  const auto port = static_cast<std::uint16_t>(std::stoi(endpoint.port));
  if (endpoint.host_is_ip) {
    co_return std::vector<tcp::endpoint>{tcp::endpoint(net::ip::make_address(endpoint.host), port)};
  }
  // The resolver has no deadline of its own: a timer cancels it. The timer's handler may run
  // after this frame is gone, so it shares ownership of the resolver.
  auto resolver = std::make_shared<tcp::resolver>(executor);
  net::steady_timer timer(executor, deadline);
  timer.async_wait([resolver](const boost::system::error_code& timer_ec) {
    if (!timer_ec) resolver->cancel();
  });
  const std::string_view host = endpoint.host;
  const std::string_view service = endpoint.port;
  auto [rec, results] = co_await resolver->async_resolve(host, service, kTuple);
  timer.cancel();
  if (rec) {
    const std::string why = rec == net::error::operation_aborted ? "timed out" : rec.message();
    co_return Fail(ErrorCode::kUnavailable, "resolve " + endpoint.url + ": " + why);
  }
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  co_return endpoints;
}

net::awaitable<Result<void>> PeerClient::Impl::Connect(Clock::time_point deadline) {
  Result<std::vector<tcp::endpoint>> endpoints = co_await Resolve(deadline);
  if (!endpoints) co_return tl::unexpected(endpoints.error());
  stream.emplace(executor, tls);
  // Read before the handshake: if SetPin runs during it, this connection is not reused.
  stream_pin_generation = pin_generation.load();
  // SNI carries DNS names only (RFC 6066 §3).
  if (!endpoint.host_is_ip &&
      SSL_set_tlsext_host_name(stream->native_handle(), endpoint.host.c_str()) != 1) {
    co_return Fail(ErrorCode::kInternal, "cannot set SNI for " + endpoint.url);
  }
  auto& socket_layer = beast::get_lowest_layer(*stream);
  socket_layer.expires_at(deadline);
  auto [cec, connected_to] = co_await socket_layer.async_connect(*endpoints, kTuple);
  if (cec)
    co_return Fail(ErrorCode::kUnavailable, "connect to " + endpoint.url + ": " + Describe(cec));
  boost::system::error_code ignored;
  socket_layer.socket().set_option(tcp::no_delay(true), ignored);
  socket_layer.expires_at(deadline);
  auto [hec] = co_await stream->async_handshake(net::ssl::stream_base::client, kTuple);
  if (hec) {
    if (SSL_get_verify_result(stream->native_handle()) == X509_V_ERR_APPLICATION_VERIFICATION) {
      co_return Fail(ErrorCode::kUnauthenticated,
                     "peer certificate SPKI does not match the directory (" + endpoint.url + ")");
    }
    co_return Fail(ErrorCode::kUnavailable,
                   "TLS handshake with " + endpoint.url + ": " + Describe(hec));
  }
  co_return Result<void>();
}

net::awaitable<Attempt> PeerClient::Impl::Send(const bhttp::request<bhttp::string_body>& request,
                                               Clock::time_point deadline) {
  Attempt out;
  auto& socket_layer = beast::get_lowest_layer(*stream);
  socket_layer.expires_at(deadline);
  auto [wec, written] = co_await bhttp::async_write(*stream, request, kTuple);
  if (wec) {
    out.result =
        Fail(ErrorCode::kUnavailable, "send request to " + endpoint.url + ": " + Describe(wec));
    out.closed_before_response = ClosedByPeer(wec);
    co_return out;
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_response_body_bytes);
  socket_layer.expires_at(deadline);
  auto [rec, read] = co_await bhttp::async_read(*stream, buffer, parser, kTuple);
  if (rec == bhttp::error::body_limit) {
    out.result =
        Fail(ErrorCode::kTooLarge, "response from " + endpoint.url + " exceeds " +
                                       std::to_string(options.max_response_body_bytes) + " bytes");
    co_return out;
  }
  if (rec) {
    out.result =
        Fail(ErrorCode::kUnavailable, "read response from " + endpoint.url + ": " + Describe(rec));
    out.closed_before_response = ClosedByPeer(rec) && !parser.got_some() && buffer.size() == 0;
    co_return out;
  }
  auto& message = parser.get();
  PeerResponse response;
  response.status = static_cast<int>(message.result_int());
  response.content_type = std::string(message[bhttp::field::content_type]);
  if (message.count(bhttp::field::etag) > 0) {
    std::string etag(message[bhttp::field::etag]);
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
      etag = etag.substr(1, etag.size() - 2);
    }
    response.etag = std::move(etag);
  }
  if (message.count(bhttp::field::retry_after) > 0) {
    response.retry_after =
        ParseRetryAfter(message[bhttp::field::retry_after], std::chrono::system_clock::now());
  }
  for (const auto& field : message) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(message.body());
  // Bytes beyond the response would be read as the next one: do not reuse such a connection.
  out.keep_alive = message.keep_alive() && buffer.size() == 0;
  out.result = std::move(response);
  co_return out;
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value,
                                                    std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto number = [&](std::string_view digits) -> std::optional<std::int64_t> {
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), is_digit)) return {};
    std::int64_t n = 0;
    for (char c : digits) n = n * 10 + (c - '0');
    return n;
  };
  if (!value.empty() && value.size() <= 10 && std::all_of(value.begin(), value.end(), is_digit)) {
    const std::int64_t seconds = *number(value);
    if (seconds > std::int64_t{1} << 31) return std::nullopt;
    return std::chrono::seconds(seconds);
  }
  // IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT", exactly 29 characters.
  constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                     "Fri", "Sat", "Sun"};
  constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (value.size() != 29 || value.substr(3, 2) != ", " || value[7] != ' ' || value[11] != ' ' ||
      value[16] != ' ' || value[19] != ':' || value[22] != ':' || value.substr(25) != " GMT") {
    return std::nullopt;
  }
  if (std::find(kDays.begin(), kDays.end(), value.substr(0, 3)) == kDays.end()) return std::nullopt;
  const auto month = std::find(kMonths.begin(), kMonths.end(), value.substr(8, 3));
  const auto day = number(value.substr(5, 2));
  const auto year = number(value.substr(12, 4));
  const auto hour = number(value.substr(17, 2));
  const auto minute = number(value.substr(20, 2));
  const auto second = number(value.substr(23, 2));
  if (month == kMonths.end() || !day || !year || !hour || !minute || !second || *hour > 23 ||
      *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{
      std::chrono::year(static_cast<int>(*year)),
      std::chrono::month(static_cast<unsigned>(month - kMonths.begin() + 1)),
      std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  const auto at = std::chrono::sys_days(date) + std::chrono::hours(*hour) +
                  std::chrono::minutes(*minute) + std::chrono::seconds(*second);
  const auto delay = std::chrono::floor<std::chrono::seconds>(at - now);
  return std::max(delay, std::chrono::seconds(0));
}

}  // namespace simpul::federation
