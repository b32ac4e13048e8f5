#pragma once
// The HTTP(S) listener of a node. Each connection is one coroutine on the io_context: read the
// header (with a timeout and a header size limit), pick the route, read the body under that
// route's size limit, dispatch, write the response, repeat while keep-alive. A slow or silent
// client is cut off by the timeouts; a flood is bounded by the connection limits (per listener and
// per client address), which count a connection from accept, before any TLS handshake.
//
// Ownership: the server borrows the io_context, router and metrics, which must outlive it.
// Thread safety: Listen/Start/Stop from one thread; sessions run on the io_context's threads.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "crypto/result.hpp"
#include "node/http/metrics.hpp"
#include "node/http/router.hpp"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace simpul::http {

struct ServerLimits {
  std::size_t max_body_bytes = 1 << 20;  // routes may raise it (Route::max_body_bytes)
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::seconds header_timeout{10};  // to receive a complete header
  std::chrono::seconds body_timeout{30};    // to receive the body after the header
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds idle_timeout{60};  // between keep-alive requests
  std::size_t max_connections = 4096;     // open at once on this listener, TLS handshakes included
  // Open at once from one client address. Clients behind one NAT, or every client behind a
  // reverse proxy, share an address: raise it there.
  std::size_t max_connections_per_client = 128;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, const Router& router, Metrics& metrics,
             ServerLimits limits);
  ~HttpServer();

  // Binds address:port (port 0 picks a free one) and returns the bound port. With `tls` set the
  // listener speaks only HTTPS; the context alone decides protocol versions and client
  // authentication (the server sets nothing on it), so it may be the public listener's or one that
  // adopted a crypto::MakeServerContext SSL_CTX (TLS 1.3, mutual TLS: requests then carry
  // ApiRequest::peer_spki). Fails kUnavailable when the address cannot be bound.
  Result<std::uint16_t> Listen(const std::string& address, std::uint16_t port,
                               boost::asio::ssl::context* tls);
  void Start();
  // Stops accepting; sessions end after their current exchange.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace simpul::http
