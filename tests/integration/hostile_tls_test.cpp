// The wire-level cases of the hostile-input catalogue over TLS, against a real simpuld serving
// HTTPS: connections that never finish a handshake, a header dribbled after the handshake,
// ambiguous framing, NUL bytes and an oversized header; and the connection limits, which count a
// connection from accept — before its handshake — per listener and per client address. Each case
// checks that nothing changed (cases and transparency-log leaves in the node's SQLite file) and
// that the node still serves.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "tests/integration/hostile_requests.hpp"
#include "tests/integration/node_api.hpp"
#include "tests/integration/raw_connection.hpp"
#include "tests/integration/sqlite_read.hpp"
#include "tests/support/node_process.hpp"

namespace simpul::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::string_literals::operator""s;

constexpr seconds kHeaderTimeout{1};
constexpr int kMaxConnections = 12;
constexpr int kMaxPerClient = 4;
const std::string kLimits =
    "[limits]\nheader_timeout_s = 1\nbody_timeout_s = 1\nidle_timeout_s = 30\n"
    "max_connections = 12\nmax_connections_per_client = 4\n";
// A cut-off due at `timeout` counts as on time within this much more (a loaded 2-core machine).
constexpr seconds kSlack{3};

const RawConnectionOptions kTls{"127.0.0.1", true};
// Another client: the server tells clients apart by address, and all of 127/8 is loopback.
RawConnectionOptions TlsFrom(const std::string& source) { return {source, true}; }

class HostileTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto created = NodeProcess::Create({.extra_config = kLimits});
    ASSERT_TRUE(created) << created.error().message;
    auto https = (*created)->UseHttps();
    ASSERT_TRUE(https) << https.error().message;
    auto started = (*created)->Start();
    ASSERT_TRUE(started) << started.error().message;
    node_ = std::move(*created).release();
    // A complaint filed over TLS is counted: so a smuggled one would be seen.
    const std::string body = SampleComplaint().dump();
    RawConnection c(node_->port(), kTls);
    ASSERT_TRUE(c.connected()) << "TLS handshake with the node failed: " << node_->LogTail();
    c.Send(
        "POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Connection: close\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
    ASSERT_EQ(FirstStatus(c.Read(seconds(10))), 201) << node_->LogTail();
    ASSERT_EQ(Cases(), 1);
  }
  static void TearDownTestSuite() {
    delete node_;
    node_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(node_, nullptr) << "the node did not start";
    cases_before_ = Cases();
    leaves_before_ = Leaves();
    ASSERT_GE(cases_before_, 1);
    ASSERT_GT(leaves_before_, 0);
  }

  static std::int64_t Cases() {
    return Scalar(node_->database_path(), "SELECT count(*) FROM cases");
  }
  static std::int64_t Leaves() {
    return Scalar(node_->database_path(), "SELECT count(*) FROM tlog_leaves");
  }

  // The status of GET `target` on a fresh TLS connection from `options.source` (0: no answer).
  static int Get(const std::string& target, std::string* body = nullptr,
                 RawConnectionOptions options = kTls) {
    RawConnection c(node_->port(), options);
    if (!c.connected()) return 0;
    c.Send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string got = c.Read(seconds(5));
    if (body != nullptr) *body = got;
    return FirstStatus(got);
  }

  // Whether GET /healthz from `options.source` is answered 200 within 10 s (the server frees a
  // slot once it notices the close).
  static bool ServedAgain(RawConnectionOptions options) {
    const auto deadline = RawConnection::Clock::now() + seconds(10);
    for (int attempt = 0; attempt < 100 && RawConnection::Clock::now() < deadline; ++attempt) {
      if (Get("/healthz", nullptr, options) == 200) return true;
    }
    return false;
  }

  // simpul_http_rejected_connections_total{limit="<limit>"} from /metrics, or -1.
  static double Rejected(const std::string& limit) {
    std::string metrics;
    if (Get("/metrics", &metrics) != 200) return -1;
    std::smatch m;
    const std::regex line("simpul_http_rejected_connections_total\\{limit=\"" + limit +
                          "\"\\} ([0-9.e+]+)");
    return std::regex_search(metrics, m, line) ? std::stod(m[1]) : -1;
  }

  void ExpectNothingChanged() {
    EXPECT_EQ(Cases(), cases_before_) << "no case may be added";
    EXPECT_EQ(Leaves(), leaves_before_) << "the transparency log may not grow";
    EXPECT_EQ(Get("/healthz"), 200) << node_->LogTail();
  }

  // Sends `bytes` on a fresh TLS connection; expects one `status` answer and a closed connection.
  void ExpectOneAnswerAndClose(const std::string& what, const std::string& bytes, int status) {
    RawConnection c(node_->port(), kTls);
    ASSERT_TRUE(c.connected()) << what;
    ASSERT_TRUE(c.Send(bytes)) << what;
    const std::string got = c.Read(seconds(5));
    EXPECT_EQ(FirstStatus(got), status) << what << ": " << got;
    EXPECT_TRUE(c.closed_by_server()) << what << ": the connection is closed";
    EXPECT_EQ(ResponseCount(got), 1) << what << ": " << got;
  }

  static NodeProcess* node_;
  std::int64_t cases_before_ = 0;
  std::int64_t leaves_before_ = 0;
};

NodeProcess* HostileTlsTest::node_ = nullptr;

TEST_F(HostileTlsTest, ConnectionsThatNeverFinishTheHandshakeAreCutOff) {
  // One sends nothing; one sends the start of a ClientHello record and stalls.
  RawConnection silent(node_->port());
  RawConnection partial(node_->port());
  ASSERT_TRUE(silent.connected() && partial.connected());
  ASSERT_TRUE(partial.Send("\x16\x03\x01\x00\xc8\x01\x00\x00"s));
  const auto started = RawConnection::Clock::now();
  EXPECT_TRUE(silent.WaitForClose(kHeaderTimeout + kSlack)) << "silent connection left open";
  EXPECT_TRUE(partial.WaitForClose(kHeaderTimeout + kSlack)) << "stalled handshake left open";
  EXPECT_LT(RawConnection::Clock::now() - started, kHeaderTimeout + kSlack);
  ExpectNothingChanged();
}

TEST_F(HostileTlsTest, HeaderDribbledAfterTheHandshakeIsCutOff) {
  RawConnection slow(node_->port(), kTls);
  ASSERT_TRUE(slow.connected());
  const std::string header = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(64, 'a');
  const auto started = RawConnection::Clock::now();
  std::size_t sent = 0;
  while (sent < header.size() && slow.Send(header.substr(sent, 1))) {
    ++sent;
    if (slow.WaitForClose(milliseconds(200))) break;
  }
  EXPECT_TRUE(slow.closed_by_server()) << "sent " << sent << " bytes";
  EXPECT_LT(RawConnection::Clock::now() - started, kHeaderTimeout + kSlack);
  ExpectNothingChanged();
}

TEST_F(HostileTlsTest, AmbiguousFramingIsRefusedAndNothingIsSmuggled) {
  for (const auto& [what, bytes] : AmbiguousFramings()) ExpectOneAnswerAndClose(what, bytes, 400);
  ExpectNothingChanged();
}

TEST_F(HostileTlsTest, NulAndOversizedHeadersAreRefused) {
  const std::string body = SampleComplaint().dump();
  ExpectOneAnswerAndClose("NUL in a header",
                          "POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nX-Note: a\0b\r\n"
                          "Content-Type: application/json\r\nContent-Length: "s +
                              std::to_string(body.size()) + "\r\n\r\n" + body,
                          400);
  ExpectOneAnswerAndClose("NUL in the target", "GET /health\0z HTTP/1.1\r\nHost: x\r\n\r\n"s, 400);
  ExpectOneAnswerAndClose(
      "a 20 KB header",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(20000, 'a') + "\r\n\r\n", 413);
  ExpectNothingChanged();
}

TEST_F(HostileTlsTest, OneClientCannotTakeEverySlot) {
  const double rejected_before = Rejected("client");
  ASSERT_GE(rejected_before, 0);
  // One client holds its whole share with idle TLS connections (idle time 30 s).
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < kMaxPerClient; ++i) {
    held.push_back(std::make_unique<RawConnection>(node_->port(), TlsFrom("127.0.0.3")));
    ASSERT_TRUE(held.back()->connected()) << i;
  }
  // Its next connection is closed at accept, with or without a handshake...
  RawConnection over(node_->port(), TlsFrom("127.0.0.3"));
  EXPECT_FALSE(over.connected()) << "a connection over the per-client limit completed TLS";
  RawConnection bare(node_->port(), {"127.0.0.3", false});
  EXPECT_TRUE(bare.WaitForClose(kSlack)) << "a connection over the per-client limit was kept";
  // ...while other clients are served, and the refusals are counted.
  EXPECT_EQ(Get("/healthz", nullptr, TlsFrom("127.0.0.4")), 200) << node_->LogTail();
  EXPECT_GE(Rejected("client"), rejected_before + 2);
  // Once it lets go, the client is served again (the server notices the closes first).
  held.clear();
  EXPECT_TRUE(ServedAgain(TlsFrom("127.0.0.3"))) << node_->LogTail();
  ExpectNothingChanged();
}

TEST_F(HostileTlsTest, HandshakesInProgressCountAgainstTheListenerLimit) {
  const double rejected_before = Rejected("listener");
  ASSERT_GE(rejected_before, 0);
  // Connections that never start TLS, from three clients, each within its own share, fill the
  // listener (the test holds no other connection open).
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < kMaxConnections; ++i) {
    const std::string source = "127.0.0." + std::to_string(10 + i % 3);
    idle.push_back(std::make_unique<RawConnection>(node_->port(), RawConnectionOptions{source}));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  RawConnection over(node_->port(), {"127.0.0.20", false});
  EXPECT_TRUE(over.WaitForClose(kSlack)) << "a connection over the listener limit was kept";
  // The idle ones are cut off at the header timeout, and the listener serves again.
  for (auto& c : idle) EXPECT_TRUE(c->WaitForClose(kHeaderTimeout + kSlack));
  EXPECT_TRUE(ServedAgain(kTls)) << node_->LogTail();
  EXPECT_GE(Rejected("listener"), rejected_before + 1)
      << "a connection before its handshake must count against max_connections";
  ExpectNothingChanged();
}

}  // namespace
}  // namespace simpul::testing
