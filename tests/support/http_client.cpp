#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace simpul::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

constexpr std::uint64_t kMaxResponseBytes = 64 << 20;

Error Unavailable(std::string_view what, const error_code& ec) {
  return Error{ErrorCode::kUnavailable, std::string(what) + ": " + ec.message()};
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (beast::iequals(key, name)) return value;
  }
  return std::nullopt;
}

// Runs each exchange as async operations on a private io_context, so that the tcp_stream's
// deadline applies and a response can be read while the request is still being written.
struct HttpClient::Impl {
  net::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  std::uint16_t port;
  std::chrono::milliseconds timeout;
  bool connected = false;

  Impl(std::uint16_t p, std::chrono::milliseconds t) : port(p), timeout(t) {}

  void Close() {
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
    buffer.clear();
    connected = false;
  }

  Result<void> Connect() {
    if (connected) return {};
    error_code result = net::error::would_block;
    stream.expires_after(timeout);
    stream.async_connect(tcp::endpoint(net::ip::address_v4::loopback(), port),
                         [&](error_code ec) { result = ec; });
    io.restart();
    io.run();
    if (result) {
      Close();
      return tl::unexpected(Unavailable("connect to 127.0.0.1:" + std::to_string(port), result));
    }
    connected = true;
    return {};
  }

  // Writes with `start_write(handler)` while reading one response.
  template <class StartWrite>
  Result<HttpResponse> Exchange(StartWrite start_write) {
    if (auto ok = Connect(); !ok) return tl::unexpected(ok.error());
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    error_code write_ec = net::error::would_block;
    error_code read_ec = net::error::would_block;
    stream.expires_after(timeout);
    start_write([&](error_code ec, std::size_t) { write_ec = ec; });
    bhttp::async_read(stream, buffer, parser, [&](error_code ec, std::size_t) {
      read_ec = ec;
      // A server that answers early (413 after the header) closes without reading the rest:
      // stop writing it.
      if (!ec && write_ec == net::error::would_block) stream.socket().cancel();
    });
    io.restart();
    io.run();
    if (read_ec) {
      Close();
      return tl::unexpected(Unavailable("reading the response", read_ec));
    }
    HttpResponse response;
    const auto& message = parser.get();
    response.status = static_cast<int>(message.result_int());
    response.body = message.body();
    for (const auto& field : message) {
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    if (write_ec || !message.keep_alive()) Close();
    return response;
  }
};

HttpClient::HttpClient(std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(port, timeout)) {}

HttpClient::~HttpClient() = default;

void HttpClient::Close() { impl_->Close(); }

Result<HttpResponse> HttpClient::Request(std::string_view method, std::string_view target,
                                         std::string_view body, const HttpHeaders& headers) {
  const bhttp::verb verb = bhttp::string_to_verb(method);
  if (verb == bhttp::verb::unknown) {
    return Fail(ErrorCode::kInvalidArgument, "unknown method " + std::string(method));
  }
  bhttp::request<bhttp::string_body> request{verb, target, 11};
  request.set(bhttp::field::host, "127.0.0.1:" + std::to_string(impl_->port));
  bool has_type = false;
  for (const auto& [key, value] : headers) {
    request.set(key, value);
    has_type = has_type || beast::iequals(key, "Content-Type");
  }
  if (!body.empty() && !has_type) request.set(bhttp::field::content_type, "application/json");
  request.body() = std::string(body);
  request.keep_alive(true);
  request.prepare_payload();
  return impl_->Exchange(
      [&](auto handler) { bhttp::async_write(impl_->stream, request, handler); });
}

Result<HttpResponse> HttpClient::SendRaw(std::string_view bytes) {
  impl_->Close();
  return impl_->Exchange([&](auto handler) {
    net::async_write(impl_->stream, net::buffer(bytes.data(), bytes.size()), handler);
  });
}

}  // namespace simpul::testing
