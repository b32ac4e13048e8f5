// Delivery lanes fail closed: with the directory expired (or the destination missing from it)
// nothing is sent — no connection is even attempted — while the outbox keeps accepting work, and
// the operator sees why in the lane's status.
#include "node/fed/dispatcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

#include "crypto/tls_identity.hpp"
#include "tests/node/fed/fed_test_fixture.hpp"

namespace simpul::fed::testing {
namespace {

// A loopback port nothing listens on (bound, read, closed).
std::uint16_t ClosedLoopbackPort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  return acceptor.local_endpoint().port();
}

class DispatcherTest : public FedTest {
 protected:
  void TearDown() override {
    if (dispatchers_) dispatchers_->Stop();
    work_.reset();
    lanes_io_.stop();
    if (runner_.joinable()) runner_.join();
  }

  // Queues a case.status to `dest` through the outbox, as a staff action would.
  void Enqueue(const std::string& dest) {
    auto queued = db_->WriteSync<std::string>([&](store::Connection& c) {
      return outbox_->Enqueue(c, OutgoingMessage{MessageType::kCaseStatus, dest, "PROV32-000001",
                                                 R"({"state":"verified"})"});
    });
    ASSERT_TRUE(queued) << queued.error().message;
  }

  void StartLanes() {
    auto identity =
        crypto::TlsIdentity::Generate(std::string(kSelf), std::chrono::system_clock::now());
    ASSERT_TRUE(identity);
    identity_.emplace(std::move(*identity));
    DispatchOptions options;
    options.delivery.base = std::chrono::milliseconds(10);
    options.delivery.cap = std::chrono::milliseconds(20);
    dispatchers_ =
        std::make_unique<Dispatchers>(lanes_io_, *state_, *db_, *identity_, options, clock_);
    runner_ = std::thread([this] { lanes_io_.run(); });
  }

  PeerStatus StatusOf(const std::string& dest) {
    auto status =
        boost::asio::co_spawn(lanes_io_, dispatchers_->Status(), boost::asio::use_future).get();
    EXPECT_TRUE(status) << status.error().message;
    for (const auto& s : *status) {
      if (s.dest == dest) return s;
    }
    ADD_FAILURE() << "no status for " << dest;
    return {};
  }

  boost::asio::io_context lanes_io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      lanes_io_.get_executor()};
  std::optional<crypto::TlsIdentity> identity_;
  std::unique_ptr<Dispatchers> dispatchers_;
  std::thread runner_;
};

TEST_F(DispatcherTest, ExpiredDirectoryStopsDeliveryButNotQueuing) {
  auto doc = Document();
  doc.issued_at = NowMs() - 48 * federation::testing::kHour;
  doc.expires_at = NowMs() - 1;  // expired a millisecond ago
  NodeOf(doc, kRegency).endpoint = "https://127.0.0.1:" + std::to_string(ClosedLoopbackPort());
  UseDirectory(doc);
  Enqueue(std::string(kRegency));
  StartLanes();
  dispatchers_->Wake(std::string(kRegency));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Enqueue(std::string(kRegency));  // outbound work keeps queuing
  dispatchers_->Wake(std::string(kRegency));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  const PeerStatus s = StatusOf(std::string(kRegency));
  EXPECT_EQ(s.pending, 2);
  EXPECT_EQ(s.delivered, 0);
  EXPECT_NE(s.last_error.find("directory is missing or expired"), std::string::npos)
      << s.last_error;
  // Nothing was attempted: no connection failures, breaker closed.
  EXPECT_EQ(s.consecutive_failures, 0);
  EXPECT_EQ(s.breaker, "closed");
}

TEST_F(DispatcherTest, DestinationMissingFromTheDirectoryWaits) {
  Enqueue("lem:ombudsman");  // a valid node id the directory does not list
  StartLanes();
  dispatchers_->Wake("lem:ombudsman");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const PeerStatus s = StatusOf("lem:ombudsman");
  EXPECT_EQ(s.pending, 1);
  EXPECT_NE(s.last_error.find("not in the directory"), std::string::npos) << s.last_error;
  EXPECT_EQ(s.consecutive_failures, 0);
}

TEST_F(DispatcherTest, UnreachablePeerBacksOffAndOpensTheBreakerWithoutDroppingAnything) {
  // The regency's endpoint: a loopback port nothing listens on.
  auto doc = Document();
  NodeOf(doc, kRegency).endpoint = "https://127.0.0.1:" + std::to_string(ClosedLoopbackPort());
  UseDirectory(doc);
  Enqueue(std::string(kRegency));
  StartLanes();
  dispatchers_->Wake(std::string(kRegency));
  PeerStatus s;
  for (int i = 0; i < 100 && s.consecutive_failures < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    s = StatusOf(std::string(kRegency));
  }
  EXPECT_NE(s.breaker, "closed") << s.last_error;
  EXPECT_NE(s.last_error.find("connect"), std::string::npos) << s.last_error;
  EXPECT_GE(s.consecutive_failures, 5);
  EXPECT_FALSE(s.last_error.empty());
  EXPECT_EQ(s.pending, 1);
  EXPECT_EQ(s.delivered, 0);
}

}  // namespace
}  // namespace simpul::fed::testing
