#pragma once
// The HTTPS client a node uses to talk to one peer node (DESIGN.md §3, Transport): TLS 1.3,
// mutual TLS with the node's own certificate, and the server accepted only if the SPKI of its
// certificate equals the pin the directory publishes for it. One keep-alive connection, opened on
// first use and again after any error.
//
//   Result<std::unique_ptr<PeerClient>> peer = PeerClient::Create(
//       net::make_strand(io), identity, "https://kab-3204.example:8443", directory_pin);
//   std::string target = "/federation/v1/inbox";  // named locals: see Request
//   Result<PeerResponse> r = co_await (*peer)->Request(PeerMethod::kPost, std::move(target),
//                                                       std::move(batch), std::move(type), 10s);
//
// Threading: every exchange runs on the executor given to Create (make it a strand); one
// PeerClient runs one request at a time, and a second Request while one is in flight fails with
// kInternal. SetPin may be called from any thread. The PeerClient must outlive its Requests.
// Ownership: it borrows nothing; it keeps its own references to the identity's certificate and key.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "crypto/result.hpp"

namespace simpul::crypto {
class TlsIdentity;
}

namespace simpul::federation {

enum class PeerMethod { kGet, kPost, kPut, kDelete };

// Extra request headers, name and value.
using PeerHeaders = std::vector<std::pair<std::string, std::string>>;

struct PeerClientOptions {
  std::size_t max_response_body_bytes = 8 << 20;
};

// A complete HTTP response of any status; what a status means is the caller's business.
struct PeerResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  std::optional<std::chrono::seconds> retry_after;
  std::string etag;  // the ETag header without quotes; empty when absent  // from Retry-After, when
                     // present and valid
  std::vector<std::pair<std::string, std::string>> headers;  // all of them, as received

  // The value of header `name` (compared case-insensitively); "" when absent.
  std::string Header(std::string_view name) const;
};

// A pin that accepts any server certificate. Only for fetching content that is authenticated
// by its own signature — the signed directory before this node knows the coordinator's pin.
inline constexpr std::string_view kAnyServerPin = "*";

class PeerClient {
 public:
  // A client for the peer at `endpoint_url` ("https://host[:port][/base-path]", host a DNS name,
  // an IPv4 literal or a bracketed IPv6 literal, port 443 by default) whose certificate must
  // have the SPKI pin `spki_pin`. Makes no connection yet. Fails with kInvalidArgument for a
  // malformed URL or an empty pin, kInternal if OpenSSL cannot build the context.
  static Result<std::unique_ptr<PeerClient>> Create(boost::asio::any_io_executor executor,
                                                    const crypto::TlsIdentity& identity,
                                                    std::string_view endpoint_url,
                                                    std::string spki_pin,
                                                    PeerClientOptions options = {});
  ~PeerClient();
  PeerClient(const PeerClient&) = delete;
  PeerClient& operator=(const PeerClient&) = delete;

  // Sends one request to endpoint base path + `target` (which starts with '/') and reads the
  // whole response; the resolve, connect, handshake, write and read together must finish within
  // `timeout`. Reuses the open connection; if that connection turns out to have been closed by
  // the peer before any byte of the response arrived, the request is sent once more on a new
  // connection (never after part of a response arrived). Fails with
  //   kUnauthenticated  the server's certificate does not have the expected pin;
  //   kTooLarge         the response body exceeds the limit in PeerClientOptions;
  //   kUnavailable      resolving, connecting, TLS (including the server refusing our
  //                     certificate), writing, reading or the timeout; the message names the
  //                     phase and the URL, e.g. "connect to https://10.0.0.7:8443: Connection
  //                     refused";
  //   kInvalidArgument  `target` is not a path; kInternal when called while a Request is running.
  // After any failure the connection is closed. Never throws.
  // GCC 12: pass named locals (std::move them), never temporaries, into these parameters.
  boost::asio::awaitable<Result<PeerResponse>> Request(PeerMethod method, std::string target,
                                                       std::string body, std::string content_type,
                                                       std::chrono::milliseconds timeout);
  // The same with extra request headers (names and values the caller has checked for CR/LF).
  boost::asio::awaitable<Result<PeerResponse>> Request(PeerMethod method, std::string target,
                                                       std::string body, std::string content_type,
                                                       PeerHeaders headers,
                                                       std::chrono::milliseconds timeout);

  // Changes the expected pin (the directory changed). The next Request connects afresh and
  // accepts only a server with the new pin. Thread-safe.
  // Sends `etag` as If-None-Match with every later GET (a conditional fetch: 304 when
  // unchanged). Thread-safe; takes effect for requests started after it ran on the executor.
  void SetIfNoneMatch(std::string etag);
  void SetPin(std::string spki_pin);

  // Closes the connection (on the executor, soon after the call; a running Request then fails
  // with kUnavailable). The next Request connects again. Thread-safe.
  void Close();

  // The endpoint URL as given to Create.
  const std::string& url() const;

 private:
  struct Impl;
  explicit PeerClient(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// The value of a Retry-After header as a delay from `now`: delta-seconds ("120") or an
// IMF-fixdate HTTP-date ("Sun, 06 Nov 1994 08:49:37 GMT"); a date in the past gives 0. Returns
// nullopt for anything else (other date formats, garbage, numbers beyond 2^31 seconds).
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value,
                                                    std::chrono::system_clock::time_point now);

}  // namespace simpul::federation
