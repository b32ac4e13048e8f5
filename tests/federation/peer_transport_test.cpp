// Federation transport end to end on loopback with real TLS 1.3: a node's HttpServer and Router
// as the server (mutual TLS through crypto::MakeServerContext) and PeerClient as the client.

#include "federation/peer_client.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "crypto/tls_context.hpp"
#include "crypto/tls_identity.hpp"
#include "node/http/metrics.hpp"
#include "node/http/router.hpp"
#include "node/http/server.hpp"

namespace simpul::federation {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

crypto::TlsIdentity NewIdentity(std::string_view node_id) {
  return crypto::TlsIdentity::Generate(node_id, std::chrono::system_clock::now()).value();
}

// An asio context that adopted a crypto context: the way a node builds its federation listener.
net::ssl::context Adopt(Result<crypto::SslCtx> ctx) {
  return net::ssl::context(ctx.value().release());
}

std::string Url(std::uint16_t port, std::string_view base_path = "") {
  return "https://127.0.0.1:" + std::to_string(port) + std::string(base_path);
}

// Connects to 127.0.0.1:`port` with `tls` (plain TCP when null), sends one POST to the inbox and
// reads one response. Returns the first error; success only if a whole response arrived.
boost::system::error_code RawPost(std::uint16_t port, net::ssl::context* tls) {
  net::io_context io;
  boost::system::error_code result = net::error::timed_out;
  const tcp::endpoint to(net::ip::make_address("127.0.0.1"), port);
  auto exchange = [&](auto& stream) -> net::awaitable<boost::system::error_code> {
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/federation/v1/inbox", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.body() = "{}";
    req.prepare_payload();
    auto [wec, wn] = co_await bhttp::async_write(stream, req, net::as_tuple(net::use_awaitable));
    if (wec) co_return wec;
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    auto [rec, rn] =
        co_await bhttp::async_read(stream, buffer, res, net::as_tuple(net::use_awaitable));
    co_return rec;
  };
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        constexpr auto kTuple = net::as_tuple(net::use_awaitable);
        if (tls == nullptr) {
          beast::tcp_stream stream(io);
          stream.expires_after(3s);
          auto [cec] = co_await stream.async_connect(to, kTuple);
          result = cec;
          if (!cec) result = co_await exchange(stream);
          co_return;
        }
        beast::ssl_stream<beast::tcp_stream> stream(io, *tls);
        beast::get_lowest_layer(stream).expires_after(3s);
        auto [cec] = co_await beast::get_lowest_layer(stream).async_connect(to, kTuple);
        if (cec) {
          result = cec;
          co_return;
        }
        auto [hec] = co_await stream.async_handshake(net::ssl::stream_base::client, kTuple);
        result = hec;
        if (!hec) result = co_await exchange(stream);
      },
      net::detached);
  io.run_for(5s);
  return result;
}

class PeerTransportTest : public ::testing::Test {
 protected:
  void TearDown() override {
    client_.reset();
    if (server_) server_->Stop();
    work_.reset();
    io_.stop();
    if (io_thread_.joinable()) io_thread_.join();
  }

  // Starts the federation listener on 127.0.0.1 that accepts client certificates with pin
  // `accepted_client_pin`.
  void StartServer(std::string accepted_client_pin, http::ServerLimits limits = {}) {
    server_tls_.emplace(Adopt(crypto::MakeServerContext(
        server_id_, [this, pin = std::move(accepted_client_pin)](std::string_view spki) {
          handshakes_.fetch_add(1);
          return spki == pin;
        })));
    router_.Add({http::Method::kPost, "/federation/v1/inbox", http::Access::Peer(), "inbox",
                 [this](http::ApiRequest& req) -> net::awaitable<http::ApiResponse> {
                   {
                     std::lock_guard lock(mu_);
                     seen_peers_.push_back(req.peer_spki);
                   }
                   co_return http::ApiResponse::Text(200, "application/json", "echo:" + req.body);
                 }});
    router_.Add({http::Method::kGet, "/big", http::Access::Peer(), "big",
                 [](http::ApiRequest&) -> net::awaitable<http::ApiResponse> {
                   co_return http::ApiResponse::Text(200, "text/plain", std::string(4096, 'x'));
                 }});
    router_.Add({http::Method::kGet, "/busy", http::Access::Peer(), "busy",
                 [](http::ApiRequest&) -> net::awaitable<http::ApiResponse> {
                   http::ApiResponse r = http::ApiResponse::Text(503, "text/plain", "later");
                   r.headers.emplace_back("Retry-After", "7");
                   co_return r;
                 }});
    server_ = std::make_unique<http::HttpServer>(io_, router_, metrics_, limits);
    port_ = server_->Listen("127.0.0.1", 0, &*server_tls_).value();
    server_->Start();
    StartIo();
  }

  void StartIo() {
    if (!io_thread_.joinable()) io_thread_ = std::thread([this] { io_.run(); });
  }

  std::unique_ptr<PeerClient> NewClient(const crypto::TlsIdentity& identity, std::string url,
                                        std::string pin, PeerClientOptions options = {}) {
    return PeerClient::Create(net::make_strand(io_), identity, url, std::move(pin), options)
        .value();
  }

  // Runs one request of `client` on the io thread and waits for it, at most 10 s.
  Result<PeerResponse> Call(PeerClient& client, PeerMethod method, std::string target,
                            std::string body = "{}", std::chrono::milliseconds timeout = 5s) {
    std::string content_type = "application/json";
    std::future<Result<PeerResponse>> done =
        net::co_spawn(io_,
                      client.Request(method, std::move(target), std::move(body),
                                     std::move(content_type), timeout),
                      net::use_future);
    if (done.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "request did not finish";
      client.Close();
      done.wait();
    }
    return done.get();
  }

  std::size_t handled() {
    std::lock_guard lock(mu_);
    return seen_peers_.size();
  }

  net::io_context io_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_{
      net::make_work_guard(io_)};
  std::thread io_thread_;
  crypto::TlsIdentity server_id_ = NewIdentity("kab:32.04");
  crypto::TlsIdentity client_id_ = NewIdentity("prov:32");
  crypto::TlsIdentity stranger_id_ = NewIdentity("kota:32.73");
  std::optional<net::ssl::context> server_tls_;
  std::atomic<int> handshakes_{0};  // TLS handshakes the server verified: one per connection
  std::mutex mu_;
  std::vector<std::string> seen_peers_;  // peer_spki of every request the inbox handler ran
  http::Router router_{[](std::string) -> net::awaitable<Result<service::Principal>> {
    co_return Fail(ErrorCode::kUnauthenticated, "no sessions here");
  }};
  http::Metrics metrics_;
  std::unique_ptr<http::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::unique_ptr<PeerClient> client_;
};

TEST_F(PeerTransportTest, MutualTlsRoundTripGivesTheHandlerTheClientPin) {
  StartServer(client_id_.spki_sha256_hex());
  client_ = NewClient(client_id_, Url(port_, "/federation/"), server_id_.spki_sha256_hex());
  Result<PeerResponse> r = Call(*client_, PeerMethod::kPost, "/v1/inbox", R"({"batch":[]})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"(echo:{"batch":[]})");
  EXPECT_EQ(r->content_type, "application/json");
  EXPECT_FALSE(r->retry_after);
  std::lock_guard lock(mu_);
  EXPECT_EQ(seen_peers_, std::vector{client_id_.spki_sha256_hex()});
}

TEST_F(PeerTransportTest, ServerRefusesClientWhosePinItDoesNotAccept) {
  StartServer(client_id_.spki_sha256_hex());
  client_ = NewClient(stranger_id_, Url(port_), server_id_.spki_sha256_hex());
  Result<PeerResponse> r = Call(*client_, PeerMethod::kPost, "/federation/v1/inbox");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().message;
  EXPECT_GE(handshakes_.load(), 1);
  EXPECT_EQ(handled(), 0u);
}

TEST_F(PeerTransportTest, ClientRefusesServerWithAnotherPinUntilSetPinFixesIt) {
  StartServer(client_id_.spki_sha256_hex());
  client_ = NewClient(client_id_, Url(port_), stranger_id_.spki_sha256_hex());
  Result<PeerResponse> refused = Call(*client_, PeerMethod::kPost, "/federation/v1/inbox");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(refused.error().message.find("does not match the directory"), std::string::npos);
  EXPECT_EQ(handled(), 0u);

  client_->SetPin(server_id_.spki_sha256_hex());
  Result<PeerResponse> ok = Call(*client_, PeerMethod::kPost, "/federation/v1/inbox");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(handled(), 1u);
}

TEST_F(PeerTransportTest, KeepAliveReusesOneConnectionUntilThePinChanges) {
  StartServer(client_id_.spki_sha256_hex());
  client_ = NewClient(client_id_, Url(port_), server_id_.spki_sha256_hex());
  ASSERT_TRUE(Call(*client_, PeerMethod::kPost, "/federation/v1/inbox"));
  ASSERT_TRUE(Call(*client_, PeerMethod::kPost, "/federation/v1/inbox"));
  EXPECT_EQ(handshakes_.load(), 1);
  EXPECT_EQ(handled(), 2u);
  // A directory update re-verifies the peer on a new connection, even with an unchanged pin.
  client_->SetPin(server_id_.spki_sha256_hex());
  ASSERT_TRUE(Call(*client_, PeerMethod::kPost, "/federation/v1/inbox"));
  EXPECT_EQ(handshakes_.load(), 2);
  client_->Close();
  ASSERT_TRUE(Call(*client_, PeerMethod::kPost, "/federation/v1/inbox"));
  EXPECT_EQ(handshakes_.load(), 3);
  EXPECT_EQ(handled(), 4u);
}

TEST_F(PeerTransportTest, ReconnectsOnceWhenTheServerClosedTheIdleConnection) {
  http::ServerLimits limits;
  limits.idle_timeout = 1s;
  StartServer(client_id_.spki_sha256_hex(), limits);
  client_ = NewClient(client_id_, Url(port_), server_id_.spki_sha256_hex());
  ASSERT_TRUE(Call(*client_, PeerMethod::kPost, "/federation/v1/inbox"));
  // Wait (bounded) for the server to drop the idle connection.
  for (int i = 0; i < 500 && metrics_.open_connections() > 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(metrics_.open_connections(), 0);
  Result<PeerResponse> r = Call(*client_, PeerMethod::kPost, "/federation/v1/inbox");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(handshakes_.load(), 2);
  EXPECT_EQ(handled(), 2u);
}

TEST_F(PeerTransportTest, ResolvesHostNames) {
  StartServer(client_id_.spki_sha256_hex());
  client_ = NewClient(client_id_, "https://localhost:" + std::to_string(port_),
                      server_id_.spki_sha256_hex());
  Result<PeerResponse> r = Call(*client_, PeerMethod::kPost, "/federation/v1/inbox");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
}

TEST_F(PeerTransportTest, Tls12OnlyClientCannotConnect) {
  StartServer(client_id_.spki_sha256_hex());
  net::ssl::context tls12(net::ssl::context::tls_client);
  SSL_CTX* native = tls12.native_handle();
  ASSERT_EQ(SSL_CTX_set_max_proto_version(native, TLS1_2_VERSION), 1);
  ASSERT_EQ(SSL_CTX_use_certificate(native, client_id_.certificate()), 1);
  ASSERT_EQ(SSL_CTX_use_PrivateKey(native, client_id_.private_key()), 1);
  tls12.set_verify_mode(net::ssl::verify_none);
  EXPECT_TRUE(RawPost(port_, &tls12));
  EXPECT_EQ(handled(), 0u);
}

TEST_F(PeerTransportTest, ClientWithoutCertificateAndPlainHttpAreRefused) {
  StartServer(client_id_.spki_sha256_hex());
  net::ssl::context no_cert(net::ssl::context::tls_client);
  no_cert.set_verify_mode(net::ssl::verify_none);
  EXPECT_TRUE(RawPost(port_, &no_cert));
  EXPECT_TRUE(RawPost(port_, nullptr));
  EXPECT_EQ(handled(), 0u);
  // The listener still serves a proper peer afterwards.
  client_ = NewClient(client_id_, Url(port_), server_id_.spki_sha256_hex());
  EXPECT_TRUE(Call(*client_, PeerMethod::kPost, "/federation/v1/inbox"));
}

TEST_F(PeerTransportTest, ServerThatNeverAnswersTimesOut) {
  // A listening socket that is never accepted from: the kernel completes TCP connects, nothing
  // ever answers the TLS ClientHello.
  tcp::acceptor silent(io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  StartIo();
  client_ =
      NewClient(client_id_, Url(silent.local_endpoint().port()), server_id_.spki_sha256_hex());
  const auto started = std::chrono::steady_clock::now();
  Result<PeerResponse> r = Call(*client_, PeerMethod::kPost, "/federation/v1/inbox", "{}", 300ms);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3s);
}

TEST_F(PeerTransportTest, ConnectionRefusedNamesThePhaseAndUrl) {
  tcp::acceptor closed(io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = closed.local_endpoint().port();
  closed.close();
  StartIo();
  client_ = NewClient(client_id_, Url(port), server_id_.spki_sha256_hex());
  Result<PeerResponse> r = Call(*client_, PeerMethod::kPost, "/federation/v1/inbox");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().message.rfind("connect to " + Url(port) + ": ", 0), 0u) << r.error().message;
}

TEST_F(PeerTransportTest, OversizedResponseIsTooLargeAndTheNextRequestWorks) {
  StartServer(client_id_.spki_sha256_hex());
  PeerClientOptions options;
  options.max_response_body_bytes = 1024;
  client_ = NewClient(client_id_, Url(port_), server_id_.spki_sha256_hex(), options);
  Result<PeerResponse> r = Call(*client_, PeerMethod::kGet, "/big", "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_TRUE(Call(*client_, PeerMethod::kPost, "/federation/v1/inbox"));
}

TEST_F(PeerTransportTest, ResponseCarriesRetryAfter) {
  StartServer(client_id_.spki_sha256_hex());
  client_ = NewClient(client_id_, Url(port_), server_id_.spki_sha256_hex());
  Result<PeerResponse> r = Call(*client_, PeerMethod::kGet, "/busy", "");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->retry_after, std::chrono::seconds(7));
}

// A TLS server that answers the first request of its only connection fully (keep-alive) and the
// second with half a response before closing, counting the requests it read.
class HalfAnsweringServer {
 public:
  explicit HalfAnsweringServer(const crypto::TlsIdentity& identity)
      : tls_(Adopt(crypto::MakeServerContext(identity, [](std::string_view) { return true; }))),
        acceptor_(io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~HalfAnsweringServer() {
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // ends a blocking accept, if any
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int requests() const { return requests_.load(); }

 private:
  void Serve() {
    boost::system::error_code ec;
    net::ssl::stream<tcp::socket> stream(io_, tls_);
    acceptor_.accept(stream.next_layer(), ec);
    if (!ec) stream.handshake(net::ssl::stream_base::server, ec);
    beast::flat_buffer buffer;
    for (int i = 0; i < 2 && !ec; ++i) {
      bhttp::request<bhttp::string_body> req;
      bhttp::read(stream, buffer, req, ec);
      if (ec) break;
      requests_.fetch_add(1);
      const std::string full = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      const std::string half = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc";
      net::write(stream, net::buffer(i == 0 ? full : half), ec);
    }
    stream.next_layer().close(ec);
  }

  net::io_context io_;
  net::ssl::context tls_;
  tcp::acceptor acceptor_;
  std::atomic<int> requests_{0};
  std::thread thread_;
};

TEST_F(PeerTransportTest, NeverResendsAfterPartOfTheResponseArrived) {
  HalfAnsweringServer half(server_id_);
  StartIo();
  client_ = NewClient(client_id_, Url(half.port()), server_id_.spki_sha256_hex());
  ASSERT_TRUE(Call(*client_, PeerMethod::kPost, "/federation/v1/inbox"));
  Result<PeerResponse> r = Call(*client_, PeerMethod::kPost, "/federation/v1/inbox", "{}", 2s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  // A resend would open a new connection, which this server never accepts: the failure would be
  // a handshake timeout instead.
  EXPECT_EQ(r.error().message.rfind("read response from", 0), 0u) << r.error().message;
  EXPECT_EQ(half.requests(), 2);
}

TEST(PeerClientCreateTest, RejectsMalformedEndpointsAndEmptyPins) {
  net::io_context io;
  const crypto::TlsIdentity id = NewIdentity("prov:32");
  for (std::string_view url :
       {"http://127.0.0.1:8443", "https://", "https://[::1", "https://[nope]:1", "https://h:0",
        "https://h:99999", "https://h:", "https://a b", "https://u@h", "https://h/x?q=1"}) {
    auto client = PeerClient::Create(io.get_executor(), id, url, "pin");
    ASSERT_FALSE(client) << url;
    EXPECT_EQ(client.error().code, ErrorCode::kInvalidArgument) << url;
  }
  for (std::string_view url :
       {"https://[::1]:8443/base/", "https://kab-3204.example", "https://10.0.0.7:8443"}) {
    auto client = PeerClient::Create(io.get_executor(), id, url, "pin");
    ASSERT_TRUE(client) << url << ": " << client.error().message;
    EXPECT_EQ((*client)->url(), url);
  }
  auto no_pin = PeerClient::Create(io.get_executor(), id, "https://h:1", "");
  ASSERT_FALSE(no_pin);
  EXPECT_EQ(no_pin.error().code, ErrorCode::kInvalidArgument);
}

TEST(RetryAfterTest, ParsesDeltaSecondsAndImfFixdate) {
  using std::chrono::seconds;
  // Sunday, 1 March 2026, 12:00:00 UTC.
  const auto now = std::chrono::sys_days(std::chrono::year(2026) / 3 / 1) + std::chrono::hours(12);
  EXPECT_EQ(ParseRetryAfter("120", now), seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), seconds(0));
  EXPECT_EQ(ParseRetryAfter("Sun, 01 Mar 2026 12:01:30 GMT", now), seconds(90));
  EXPECT_EQ(ParseRetryAfter("Sat, 28 Feb 2026 23:59:59 GMT", now), seconds(0));  // past: 0
  const auto later = now + std::chrono::milliseconds(500);
  EXPECT_EQ(ParseRetryAfter("Sun, 01 Mar 2026 12:00:10 GMT", later), seconds(9));  // floored
}

TEST(RetryAfterTest, RejectsGarbage) {
  const auto now = std::chrono::system_clock::now();
  for (std::string_view bad : {"", "  ", "abc", "-5", "1.5", "12s", "99999999999", "4294967296",
                               "Sunday, 01-Mar-26 12:01:30 GMT", "Sun Mar  1 12:01:30 2026",
                               "Sun, 31 Feb 2026 12:00:00 GMT", "Sun, 01 Mar 2026 25:00:00 GMT",
                               "Sun, 01 Mar 2026 12:00:00 UTC", "Xyz, 01 Mar 2026 12:00:00 GMT",
                               "Sun, 01 Foo 2026 12:00:00 GMT", "Sun, 0x Mar 2026 12:00:00 GMT"}) {
    EXPECT_FALSE(ParseRetryAfter(bad, now)) << bad;
  }
}

}  // namespace
}  // namespace simpul::federation
