// A gap in a sender's stream is pulled from the sender, end to end: the test speaks as a member
// node (kl:kemenkes) with that node's own enrolled keys and certificate — delivering seq 2 before
// seq 1 to a real regency node, and serving seq 1 on its own mutual-TLS stream endpoint — so the
// order of events is under the test's control. The pulled envelope keeps the sender's request id
// (X-Simpul-Request-Ids on the stream response) in the receiver's log.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_future.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "crypto/key_file.hpp"
#include "crypto/tls_context.hpp"
#include "crypto/tls_identity.hpp"
#include "crypto/uuid.hpp"
#include "federation/envelope.hpp"
#include "federation/peer_client.hpp"
#include "node/http/metrics.hpp"
#include "node/http/router.hpp"
#include "node/http/server.hpp"
#include "tests/integration/federation_fixture.hpp"

namespace simpul::testing {
namespace {

namespace net = boost::asio;
using nlohmann::json;

constexpr const char* kSender = "kl:kemenkes";
constexpr const char* kReceiver = "kab:32.04";

// A case.forward from kl:kemenkes to kab:32.04 at `seq` of its stream, filed just now.
std::string Forward(const crypto::Ed25519KeyPair& key, std::int64_t seq, const std::string& prev,
                    std::int64_t dir_version, const std::string& tracking_id) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  return SealedForward(key, kSender, kReceiver, seq, prev, dir_version, tracking_id, now);
}

TEST(FederationGapTest, MissingEnvelopeIsPulledFromTheSenderAndAppliedInOrder) {
  Federation fed;
  fed.Build({{kReceiver, "32.04", {"--class", "regency"}},
             {kSender, "", {"--class", "ministry", "--categories", "kesehatan"}}});
  if (::testing::Test::HasFatalFailure()) return;
  fed.StartAll({kSender});
  if (::testing::Test::HasFatalFailure()) return;

  // kl:kemenkes's own keys and certificate, as enrolled.
  const auto keys = fed.node(kSender).dir() / "data" / "keys";
  auto msg_key = crypto::ReadKeyFile(keys / "msg.key");
  ASSERT_TRUE(msg_key) << msg_key.error().message;
  auto identity = crypto::TlsIdentity::ReadFiles(keys / "federation.crt", keys / "federation.key");
  ASSERT_TRUE(identity) << identity.error().message;
  const auto kab_keys = fed.node(kReceiver).dir() / "data" / "keys";
  auto kab_identity =
      crypto::TlsIdentity::ReadFiles(kab_keys / "federation.crt", kab_keys / "federation.key");
  ASSERT_TRUE(kab_identity);

  NodeApi kab(fed.node(kReceiver).port());
  ApiReply peers = kab.Get("/api/v1/federation/peers", fed.Token(kReceiver));
  ASSERT_EQ(peers.status, 200) << peers.body;
  const std::int64_t dir_version = peers.json["directory"]["version"];
  const std::string first = Forward(*msg_key, 1, "", dir_version, "KLKEMENKES-000001");
  const std::string second = Forward(*msg_key, 2, federation::EnvelopeHash(first).value(),
                                     dir_version, "KLKEMENKES-000002");
  const std::string first_msg_id = json::parse(first).at("msg_id");
  const std::string kPullId = "kemenkes-intake-17";

  // kl:kemenkes's stream endpoint, served at its enrolled address with its certificate.
  net::io_context io;
  http::Metrics metrics;
  http::Router router([](std::string) -> net::awaitable<Result<service::Principal>> {
    co_return Fail(ErrorCode::kUnauthenticated, "no sessions here");
  });
  std::atomic<int> pulls{0};
  std::string asked;
  std::mutex mu;
  router.Add({http::Method::kGet, "/federation/v1/stream", http::Access::Peer(), "stream",
              [&](http::ApiRequest& req) -> net::awaitable<http::ApiResponse> {
                {
                  std::lock_guard lock(mu);
                  asked = req.Query("from").value_or("") + ".." + req.Query("to").value_or("");
                }
                ++pulls;
                auto pulled = http::ApiResponse::Text(200, "application/x-ndjson", first + "\n");
                // The request of ours that queued seq 1, as a real node's stream names it.
                pulled.headers.emplace_back("X-Simpul-Request-Ids", first_msg_id + "=" + kPullId);
                co_return pulled;
              }});
  http::HttpServer server(io, router, metrics, http::ServerLimits{});
  const std::string kab_pin = kab_identity->spki_sha256_hex();
  auto ctx = crypto::MakeServerContext(
      *identity, [kab_pin](std::string_view spki) { return spki == kab_pin; });
  ASSERT_TRUE(ctx);
  net::ssl::context tls(ctx->release());
  const std::string endpoint = fed.Endpoint(kSender);
  const auto port = static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
  auto bound = server.Listen("127.0.0.1", port, &tls);
  ASSERT_TRUE(bound) << bound.error().message;
  server.Start();
  std::thread serving([&io] { io.run(); });

  // Deliver seq 2 alone: held, with a receipt; the regency then pulls seq 1 from us.
  auto client = federation::PeerClient::Create(io.get_executor(), *identity,
                                               fed.Endpoint(kReceiver), kab_pin);
  ASSERT_TRUE(client);
  std::string target = "/federation/v1/inbox", body = second + "\n", type = "application/x-ndjson";
  auto sent = net::co_spawn(io,
                            (*client)->Request(federation::PeerMethod::kPost, std::move(target),
                                               std::move(body), std::move(type),
                                               std::chrono::milliseconds(5000)),
                            net::use_future)
                  .get();
  ASSERT_TRUE(sent) << sent.error().message;
  ASSERT_EQ(sent->status, 200) << sent->body;
  EXPECT_NE(sent->body.find("\"status\":\"held\""), std::string::npos) << sent->body;

  const bool both = Federation::Eventually([&] {
    return kab.Case("KLKEMENKES-000001", fed.Token(kReceiver)).status == 200 &&
           kab.Case("KLKEMENKES-000002", fed.Token(kReceiver)).status == 200;
  });
  server.Stop();
  io.stop();
  serving.join();
  ASSERT_TRUE(both) << fed.node(kReceiver).LogTail();
  EXPECT_EQ(pulls.load(), 1);
  EXPECT_EQ(asked, "1..1");
  // Applied in stream order, each once.
  json first_case = kab.Case("KLKEMENKES-000001", fed.Token(kReceiver)).json;
  EXPECT_EQ(first_case["federation"]["upstream"], kSender);
  const std::string log = fed.node(kReceiver).LogTail(200000);
  EXPECT_NE(log.find("gap_pulled"), std::string::npos);
  // The pulled envelope's log line names the request that queued it at the sender.
  std::string applied;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("envelope_applied") != std::string::npos &&
        line.find(first_msg_id) != std::string::npos) {
      applied = line;
    }
  }
  EXPECT_NE(applied.find(kPullId), std::string::npos) << log;
}

}  // namespace
}  // namespace simpul::testing
