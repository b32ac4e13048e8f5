#include "tests/soak/fault_proxy.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "tests/bench/two_node_federation.hpp"

namespace simpul::soak {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// An echo server on a loopback port: every connection gets back what it sends.
class EchoServer {
 public:
  EchoServer() : acceptor_(io_, tcp::endpoint(net::ip::address_v4::loopback(), 0)) {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~EchoServer() {
    io_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      Echo(std::make_shared<tcp::socket>(std::move(socket)),
           std::make_shared<std::string>(4096, 0));
      Accept();
    });
  }
  static void Echo(std::shared_ptr<tcp::socket> s, std::shared_ptr<std::string> buf) {
    s->async_read_some(net::buffer(*buf), [s, buf](boost::system::error_code ec, std::size_t n) {
      if (ec) return;
      net::async_write(*s, net::buffer(buf->data(), n),
                       [s, buf](boost::system::error_code werr, std::size_t) {
                         if (!werr) Echo(s, buf);
                       });
    });
  }

  net::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

class FaultProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto port = bench::FreeLoopbackPort();
    ASSERT_TRUE(port);
    proxy_port_ = *port;
    ASSERT_TRUE(proxy_.AddLink("peer", proxy_port_, echo_.port()));
  }

  // A blocking client connection to the proxy; reads give up after 5 s.
  tcp::socket Connect() {
    tcp::socket s(io_);
    s.connect(tcp::endpoint(net::ip::address_v4::loopback(), proxy_port_));
    struct timeval tv = {5, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return s;
  }

  // Writes `text` and reads until as many bytes came back; the error code of the first failure.
  static boost::system::error_code RoundTrip(tcp::socket& s, const std::string& text) {
    boost::system::error_code ec;
    net::write(s, net::buffer(text), ec);
    if (ec) return ec;
    std::string back(text.size(), 0);
    net::read(s, net::buffer(back), ec);
    if (!ec && back != text) return net::error::invalid_argument;
    return ec;
  }

  // The error the next read on `s` ends with (eof for a FIN, connection_reset for an RST).
  static boost::system::error_code NextReadError(tcp::socket& s) {
    char c;
    boost::system::error_code ec;
    s.read_some(net::buffer(&c, 1), ec);
    return ec;
  }

  net::io_context io_;
  EchoServer echo_;
  FaultProxy proxy_;
  std::uint16_t proxy_port_ = 0;
};

TEST_F(FaultProxyTest, PassForwardsBytesBothWays) {
  auto s = Connect();
  EXPECT_FALSE(RoundTrip(s, "hello through the proxy"));
  EXPECT_FALSE(RoundTrip(s, "and again"));
  EXPECT_EQ(proxy_.Stats("peer").accepted, 1u);
}

TEST_F(FaultProxyTest, CutClosesOpenConnectionsAndRefusesNewOnes) {
  auto open = Connect();
  ASSERT_FALSE(RoundTrip(open, "before the cut"));
  proxy_.Set("peer", LinkMode::kCut);
  EXPECT_EQ(NextReadError(open), net::error::eof);
  auto fresh = Connect();
  EXPECT_EQ(NextReadError(fresh), net::error::eof);
  EXPECT_EQ(proxy_.Stats("peer").refused, 1u);
  EXPECT_EQ(proxy_.Stats("peer").broken, 1u);

  proxy_.Set("peer", LinkMode::kPass);
  auto healed = Connect();
  EXPECT_FALSE(RoundTrip(healed, "after the cut"));
}

TEST_F(FaultProxyTest, ResetAbortsConnectionsWithRst) {
  auto open = Connect();
  ASSERT_FALSE(RoundTrip(open, "before the reset"));
  proxy_.Set("peer", LinkMode::kReset);
  EXPECT_EQ(NextReadError(open), net::error::connection_reset);
  auto fresh = Connect();
  EXPECT_EQ(NextReadError(fresh), net::error::connection_reset);
}

TEST_F(FaultProxyTest, DelayHoldsEveryChunk) {
  auto s = Connect();
  auto start = Clock::now();
  ASSERT_FALSE(RoundTrip(s, "fast"));
  const auto fast = Clock::now() - start;
  proxy_.Set("peer", LinkMode::kDelay, milliseconds(150));
  start = Clock::now();
  ASSERT_FALSE(RoundTrip(s, "slow"));
  const auto slow = Clock::now() - start;
  // Delayed once on the way in and once on the way back.
  EXPECT_GE(slow, milliseconds(300));
  EXPECT_LT(fast, milliseconds(150));
}

}  // namespace
}  // namespace simpul::soak
