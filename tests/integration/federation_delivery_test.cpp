// Delivery guarantees of the federation with real processes: a receiver that is down while a
// thousand cases are forwarded, a sender killed mid-delivery, and a key rotation under traffic —
// in each, every envelope arrives exactly once and in order, checked in the receiver's SQLite
// inbox itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "crypto/tls_identity.hpp"
#include "federation/peer_client.hpp"
#include "tests/integration/federation_fixture.hpp"
#include "tests/integration/sqlite_read.hpp"

namespace simpul::testing {
namespace {

using nlohmann::json;

class FederationDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fed_.Build({
        {"kab:32.04", "32.04", {"--class", "regency"}},
        {"kl:pupr", "", {"--class", "ministry", "--categories", "infrastruktur"}},
    });
    if (HasFatalFailure()) return;
    fed_.StartAll();
  }

  // Files and verifies one complaint at the ministry; returns its tracking id.
  std::string FileVerified(NodeApi& api, const std::string& token) {
    ApiReply filed = api.Submit(SampleComplaint());
    EXPECT_EQ(filed.status, 201) << filed.body << fed_.node("kl:pupr").LogTail(4000);
    const std::string id = filed.json.value("tracking_id", "");
    EXPECT_EQ(api.Act(token, id, "verify").status, 200);
    return id;
  }

  // The receiver's inbox from `sender`: exactly `n` envelopes, seq 1..n, applied in arrival
  // order, and one case per forward.
  void ExpectExactlyOnceInOrder(const std::string& receiver, const std::string& sender,
                                std::int64_t n) {
    const auto db = fed_.node(receiver).database_path();
    const std::string from = "sender = '" + sender + "'";
    EXPECT_EQ(Scalar(db, "SELECT count(*) FROM fed_inbox WHERE " + from), n);
    EXPECT_EQ(Scalar(db, "SELECT count(DISTINCT seq) FROM fed_inbox WHERE " + from), n);
    EXPECT_EQ(Scalar(db, "SELECT min(seq) FROM fed_inbox WHERE " + from), 1);
    EXPECT_EQ(Scalar(db, "SELECT max(seq) FROM fed_inbox WHERE " + from), n);
    EXPECT_EQ(Scalar(db, "SELECT count(*) FROM fed_inbox WHERE " + from + " AND state = 'applied'"),
              n);
    auto seqs = Column(db, "SELECT seq FROM fed_inbox WHERE " + from + " ORDER BY id");
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end())) << "applied out of order";
    EXPECT_EQ(Scalar(db, "SELECT count(*) FROM fed_streams_in WHERE sender = '" + sender +
                             "' AND last_seq = " + std::to_string(n)),
              1);
  }

  std::int64_t Pending(const std::string& node) {
    return Scalar(fed_.node(node).database_path(),
                  "SELECT count(*) FROM fed_outbox WHERE delivered_at IS NULL");
  }

  Federation fed_;
};

TEST_F(FederationDeliveryTest, ThousandForwardsWhileTheReceiverIsDownArriveExactlyOnceInOrder) {
  constexpr int kCases = 1000;
  auto stopped = fed_.node("kab:32.04").Stop();
  ASSERT_TRUE(stopped) << stopped.error().message;
  NodeApi pupr(fed_.node("kl:pupr").port());
  const std::string token = fed_.Token("kl:pupr");
  for (int i = 0; i < kCases; ++i) {
    const std::string id = FileVerified(pupr, token);
    ApiReply r = pupr.Act(token, id, "forward", {{"target_node", "kab:32.04"}});
    ASSERT_EQ(r.status, 200) << i << ": " << r.body << fed_.node("kl:pupr").LogTail();
  }
  // The operator sees the backlog and why it is not moving.
  ApiReply peers = pupr.Get("/api/v1/federation/peers", token);
  ASSERT_EQ(peers.status, 200) << peers.body;
  ASSERT_EQ(peers.json["peers"].size(), 1u) << peers.body;
  EXPECT_EQ(peers.json["peers"][0]["dest"], "kab:32.04");
  EXPECT_EQ(peers.json["peers"][0]["pending"], kCases);
  EXPECT_FALSE(peers.json["peers"][0]["last_error"].get<std::string>().empty()) << peers.body;
  ApiReply metrics = pupr.Get("/metrics");
  EXPECT_NE(metrics.body.find("simpul_fed_outbox_pending{dest=\"kab:32.04\"} 1000"),
            std::string::npos);

  auto restarted = fed_.node("kab:32.04").Start();
  ASSERT_TRUE(restarted) << restarted.error().message;
  ASSERT_TRUE(
      Federation::Eventually([&] { return Pending("kl:pupr") == 0; }, std::chrono::seconds(60)))
      << Pending("kl:pupr") << " still pending\n"
      << fed_.node("kl:pupr").LogTail();
  ExpectExactlyOnceInOrder("kab:32.04", "kl:pupr", kCases);
  EXPECT_EQ(Scalar(fed_.node("kab:32.04").database_path(), "SELECT count(*) FROM cases"), kCases);
  // Every delivered envelope holds the receiver's signed receipt.
  EXPECT_EQ(Scalar(fed_.node("kl:pupr").database_path(),
                   "SELECT count(*) FROM fed_outbox WHERE receipt IS NOT NULL"),
            kCases);
}

TEST_F(FederationDeliveryTest, SenderKilledMidDeliveryLosesAndDoublesNothing) {
  constexpr int kCases = 300;
  NodeApi pupr(fed_.node("kl:pupr").port());
  std::string token = fed_.Token("kl:pupr");
  std::vector<std::string> ids;
  for (int i = 0; i < kCases; ++i) ids.push_back(FileVerified(pupr, token));
  std::vector<std::string> acknowledged;
  for (int i = 0; i < kCases; ++i) {
    if (i == kCases / 2) fed_.node("kl:pupr").Kill();  // mid-stream, deliveries in flight
    if (!fed_.node("kl:pupr").running()) break;
    ApiReply r = pupr.Act(token, ids[i], "forward", {{"target_node", "kab:32.04"}});
    if (r.status == 200) acknowledged.push_back(ids[i]);
  }
  ASSERT_GE(acknowledged.size(), static_cast<std::size_t>(kCases / 2 - 1));
  auto restarted = fed_.node("kl:pupr").Start();
  ASSERT_TRUE(restarted) << restarted.error().message;
  // The rest are forwarded after the restart.
  NodeApi again(fed_.node("kl:pupr").port());
  token =
      NodeApi(fed_.node("kl:pupr").port()).Login("admin", fed_.node("kl:pupr").admin_password());
  for (int i = static_cast<int>(acknowledged.size()); i < kCases; ++i) {
    ApiReply r = again.Act(token, ids[i], "forward", {{"target_node", "kab:32.04"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  ASSERT_TRUE(
      Federation::Eventually([&] { return Pending("kl:pupr") == 0; }, std::chrono::seconds(60)))
      << fed_.node("kl:pupr").LogTail();
  const auto sent = Scalar(fed_.node("kl:pupr").database_path(), "SELECT count(*) FROM fed_outbox");
  EXPECT_EQ(sent, kCases);
  ExpectExactlyOnceInOrder("kab:32.04", "kl:pupr", kCases);
  const auto kab_db = fed_.node("kab:32.04").database_path();
  EXPECT_EQ(Scalar(kab_db, "SELECT count(*) FROM cases"), kCases);
  EXPECT_EQ(Scalar(kab_db, "SELECT count(DISTINCT tracking_id) FROM cases"), kCases);
}

TEST_F(FederationDeliveryTest, KeyRotationUnderTrafficLosesNoMessage) {
  constexpr int kCases = 60;
  NodeApi pupr(fed_.node("kl:pupr").port());
  NodeApi kab(fed_.node("kab:32.04").port());
  const std::string pupr_token = fed_.Token("kl:pupr");
  const std::string kab_token = fed_.Token("kab:32.04");
  std::vector<std::string> ids;
  for (int i = 0; i < kCases; ++i) {
    ids.push_back(FileVerified(pupr, pupr_token));
    ASSERT_EQ(pupr.Act(pupr_token, ids.back(), "forward", {{"target_node", "kab:32.04"}}).status,
              200);
  }
  ASSERT_TRUE(Federation::Eventually([&] { return Pending("kl:pupr") == 0; }));

  // The regency accepts cases (each acceptance an envelope signed by its message key) while its
  // key is rotated: next key published, promoted by the node, activated, old one retired.
  auto& node = fed_.node("kab:32.04");
  auto& coord = fed_.coordinator();
  auto rotate = node.Ctl({"keys", "rotate", "--json"});
  ASSERT_TRUE(rotate && rotate->exit_code == 0) << (rotate ? rotate->out : "");
  const std::string new_kid = json::parse(rotate->out)["kid"];
  const std::string request = (node.dir() / "rotate.json").string();
  int accepted = 0;
  auto accept_some = [&](int n) {
    for (int i = 0; i < n && accepted < kCases; ++i, ++accepted) {
      ASSERT_EQ(kab.Act(kab_token, ids[accepted], "verify").status, 200);
    }
  };
  accept_some(15);
  ASSERT_EQ(node.Ctl({"enroll", "--out", request})->exit_code, 0);
  ASSERT_EQ(coord.Ctl({"directory", "update", request})->exit_code, 0);
  accept_some(15);
  // The node promotes the next key once it sees it in the directory.
  ASSERT_TRUE(Federation::Eventually([&] {
    return node.LogTail(200000).find("message_key_promoted") != std::string::npos;
  })) << node.LogTail();
  accept_some(15);
  ASSERT_EQ(coord.Ctl({"directory", "activate-key", "kab:32.04", new_kid})->exit_code, 0);
  accept_some(kCases);
  ASSERT_EQ(accepted, kCases);
  ASSERT_TRUE(
      Federation::Eventually([&] { return Pending("kab:32.04") == 0; }, std::chrono::seconds(30)))
      << node.LogTail();
  ExpectExactlyOnceInOrder("kl:pupr", "kab:32.04", kCases);
  // Envelopes signed by both keys arrived.
  const auto pupr_db = fed_.node("kl:pupr").database_path();
  EXPECT_EQ(Scalar(pupr_db,
                   "SELECT count(*) FROM fed_inbox WHERE sender = 'kab:32.04' AND "
                   "envelope LIKE '%\"kid\":\"" +
                       new_kid + "\"%'") > 0,
            true);
  EXPECT_EQ(Scalar(pupr_db,
                   "SELECT count(*) FROM fed_inbox WHERE sender = 'kab:32.04' AND "
                   "envelope NOT LIKE '%\"kid\":\"" +
                       new_kid + "\"%'") > 0,
            true);
}

// A receiver that misses envelopes pulls them from the sender's stream endpoint; a node can only
// read its own stream. The test speaks as kab:32.04 (and as kl:pupr itself) with their real
// federation certificates.
TEST_F(FederationDeliveryTest, StreamEndpointServesOnlyTheCallersOwnStream) {
  auto stopped = fed_.node("kab:32.04").Stop();
  ASSERT_TRUE(stopped) << stopped.error().message;
  NodeApi pupr(fed_.node("kl:pupr").port());
  const std::string token = fed_.Token("kl:pupr");
  for (int i = 0; i < 3; ++i) {
    const std::string id = FileVerified(pupr, token);
    ASSERT_EQ(pupr.Act(token, id, "forward", {{"target_node", "kab:32.04"}}).status, 200);
  }
  // kl:pupr's endpoint and pin, from its own config and certificate.
  auto pull = [&](const std::string& as,
                  const std::string& target) -> Result<federation::PeerResponse> {
    const auto keys = fed_.node(as).dir() / "data" / "keys";
    auto identity =
        crypto::TlsIdentity::ReadFiles(keys / "federation.crt", keys / "federation.key");
    if (!identity) return tl::unexpected(identity.error());
    const auto pupr_keys = fed_.node("kl:pupr").dir() / "data" / "keys";
    auto server =
        crypto::TlsIdentity::ReadFiles(pupr_keys / "federation.crt", pupr_keys / "federation.key");
    if (!server) return tl::unexpected(server.error());
    const std::string endpoint = fed_.Endpoint("kl:pupr");
    boost::asio::io_context io;
    auto client = federation::PeerClient::Create(io.get_executor(), *identity, endpoint,
                                                 server->spki_sha256_hex());
    if (!client) return tl::unexpected(client.error());
    std::string path = target, body, type;
    auto done = boost::asio::co_spawn(
        io,
        (*client)->Request(federation::PeerMethod::kGet, std::move(path), std::move(body),
                           std::move(type), std::chrono::milliseconds(5000)),
        boost::asio::use_future);
    io.run();
    return done.get();
  };
  auto mine = pull("kab:32.04", "/federation/v1/stream?from=2&to=3");
  ASSERT_TRUE(mine) << mine.error().message;
  ASSERT_EQ(mine->status, 200) << mine->body;
  // Exactly seqs 2 and 3 of kl:pupr's stream to kab:32.04, byte for byte as stored.
  EXPECT_EQ(std::count(mine->body.begin(), mine->body.end(), '\n'), 2);
  EXPECT_NE(mine->body.find("\"seq\":2"), std::string::npos);
  EXPECT_NE(mine->body.find("\"seq\":3"), std::string::npos);
  EXPECT_EQ(mine->body.find("\"seq\":1,"), std::string::npos);
  // Each with the id of the staff request that queued it, as on a delivery.
  using nlohmann::json;
  const std::string ids = mine->Header("X-Simpul-Request-Ids");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), '='), 2) << ids;
  std::istringstream pulled(mine->body);
  for (std::string line; std::getline(pulled, line);) {
    EXPECT_NE(ids.find(json::parse(line).at("msg_id").get<std::string>() + "="), std::string::npos)
        << ids;
  }
  // The sender asking for "its own" stream to itself gets nothing of kab's.
  auto other = pull("kl:pupr", "/federation/v1/stream?from=1&to=3");
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(other->status, 200);
  EXPECT_TRUE(other->body.empty()) << other->body;
  auto bad = pull("kab:32.04", "/federation/v1/stream?from=3&to=1");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

// A certificate the directory does not pin is refused by a real node's federation listener, even
// for a known node id; and a client pinning the directory's SPKI refuses a server that presents
// another certificate.
TEST_F(FederationDeliveryTest, CertificatesThatDoNotMatchTheDirectoryAreRefused) {
  auto& kab = fed_.node("kab:32.04");
  const auto keys = kab.dir() / "data" / "keys";
  auto kab_identity =
      crypto::TlsIdentity::ReadFiles(keys / "federation.crt", keys / "federation.key");
  ASSERT_TRUE(kab_identity) << kab_identity.error().message;
  const std::string endpoint = fed_.Endpoint("kab:32.04");
  auto call = [&](const crypto::TlsIdentity& as, const std::string& pin) {
    boost::asio::io_context io;
    auto client = federation::PeerClient::Create(io.get_executor(), as, endpoint, pin);
    EXPECT_TRUE(client);
    std::string path = "/federation/v1/inbox", body, type = "application/x-ndjson";
    auto done = boost::asio::co_spawn(
        io,
        (*client)->Request(federation::PeerMethod::kPost, std::move(path), std::move(body),
                           std::move(type), std::chrono::milliseconds(5000)),
        boost::asio::use_future);
    io.run();
    return done.get();
  };
  // An impostor claiming to be kl:pupr with a key of its own.
  auto impostor = crypto::TlsIdentity::Generate("kl:pupr", std::chrono::system_clock::now());
  ASSERT_TRUE(impostor);
  auto refused = call(*impostor, kab_identity->spki_sha256_hex());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable) << refused.error().message;
  // The real kl:pupr certificate, but expecting another server key than kab's: refused by the
  // client before anything is sent.
  const auto pupr_keys = fed_.node("kl:pupr").dir() / "data" / "keys";
  auto pupr =
      crypto::TlsIdentity::ReadFiles(pupr_keys / "federation.crt", pupr_keys / "federation.key");
  ASSERT_TRUE(pupr);
  auto wrong_pin = call(*pupr, impostor->spki_sha256_hex());
  ASSERT_FALSE(wrong_pin);
  EXPECT_EQ(wrong_pin.error().code, ErrorCode::kUnauthenticated) << wrong_pin.error().message;
  // With the directory's pins both ways the exchange goes through (an empty batch).
  auto ok = call(*pupr, kab_identity->spki_sha256_hex());
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, 200) << ok->body;
}

}  // namespace
}  // namespace simpul::testing
