// Delivery guarantees of the federation with real processes: a receiver that is down while a
// thousand cases are forwarded, a sender killed mid-delivery, and a key rotation under traffic —
// in each, every envelope arrives exactly once and in order, checked in the receiver's SQLite
// inbox itself.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "tests/integration/federation_fixture.hpp"

namespace simpul::testing {
namespace {

using nlohmann::json;

// Runs `sql` read-only against the database at `path`; returns the first column of every row.
std::vector<std::int64_t> Column(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  std::vector<std::int64_t> out;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close_v2(raw);
    return out;
  }
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) out.push_back(sqlite3_column_int64(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close_v2(raw);
  return out;
}

std::int64_t Scalar(const std::filesystem::path& path, const std::string& sql) {
  auto v = Column(path, sql);
  return v.empty() ? -1 : v.front();
}

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

}  // namespace
}  // namespace simpul::testing
