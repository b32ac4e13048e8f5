// Escalation of an overdue case across the federation, end to end with real processes, real
// mutual TLS and real SQLite files: a regency (kab:32.04, whose parent is prov:32) holds a case
// whose verify deadline passed weeks ago. Its sweeper escalates the case to the province, and —
// once the coordinator threshold is lowered and the regency restarted — to the coordinator, without
// escalating to the province again. The regency's case history and the receivers' escalation
// APIs (JSON and CSV) and metrics show it.
//
// How the case is overdue without any test clock: SLA clocks run from the citizen's submission,
// not from the hand-over between nodes (CaseService::ReceiveForwardInWriter), so a complaint that
// reaches the regency weeks after it was filed arrives already overdue. The test speaks as the
// ministry kl:kemenkes with that node's own enrolled keys and certificate (as
// federation_gap_test does) and forwards a complaint submitted 40 days ago. Thresholds and the
// sweep interval are ordinary config ([escalation], [sla] sweep_interval_s).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "crypto/key_file.hpp"
#include "crypto/tls_identity.hpp"
#include "crypto/uuid.hpp"
#include "federation/envelope.hpp"
#include "federation/peer_client.hpp"
#include "tests/integration/federation_fixture.hpp"

namespace simpul::testing {
namespace {

namespace net = boost::asio;
using nlohmann::json;

constexpr const char* kMinistry = "kl:kemenkes";
constexpr const char* kRegency = "kab:32.04";
constexpr const char* kProvince = "prov:32";
constexpr const char* kCaseId = "KLKEMENKES-000001";

class FederationEscalationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fed_.Build({{kProvince, "32", {"--class", "province"}},
                {kRegency, "32.04", {"--class", "regency", "--parent", kProvince}},
                {kMinistry, "", {"--class", "ministry", "--categories", "kesehatan"}}});
    if (HasFatalFailure()) return;
    // Sweep every second; escalate to the province after 5 working days and, for now, to the
    // coordinator only after 250.
    std::ofstream(fed_.node(kRegency).config_path(), std::ios::app)
        << "\n[sla]\nsweep_interval_s = 1\n"
        << "\n[escalation]\nparent_after_days = 5\ncoordinator_after_days = 250\n";
    fed_.StartAll({kMinistry});
  }

  // Delivers, as kl:kemenkes, the forward of a complaint submitted 40 days ago to the regency.
  void ForwardLateComplaint() {
    const auto keys = fed_.node(kMinistry).dir() / "data" / "keys";
    auto msg_key = crypto::ReadKeyFile(keys / "msg.key");
    ASSERT_TRUE(msg_key) << msg_key.error().message;
    auto identity =
        crypto::TlsIdentity::ReadFiles(keys / "federation.crt", keys / "federation.key");
    ASSERT_TRUE(identity) << identity.error().message;
    const auto kab_keys = fed_.node(kRegency).dir() / "data" / "keys";
    auto kab_identity =
        crypto::TlsIdentity::ReadFiles(kab_keys / "federation.crt", kab_keys / "federation.key");
    ASSERT_TRUE(kab_identity) << kab_identity.error().message;
    NodeApi kab(fed_.node(kRegency).port());
    ApiReply peers = kab.Get("/api/v1/federation/peers", fed_.Token(kRegency));
    ASSERT_EQ(peers.status, 200) << peers.body;

    const auto filed =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()) -
        std::chrono::days(40);
    const std::string sealed = SealedForward(*msg_key, kMinistry, kRegency, 1, "",
                                             peers.json["directory"]["version"], kCaseId, filed);
    ASSERT_FALSE(sealed.empty());

    net::io_context io;
    auto client = federation::PeerClient::Create(
        io.get_executor(), *identity, fed_.Endpoint(kRegency), kab_identity->spki_sha256_hex());
    ASSERT_TRUE(client) << client.error().message;
    std::string target = "/federation/v1/inbox", body = sealed + "\n",
                type = "application/x-ndjson";
    auto sending =
        net::co_spawn(io,
                      (*client)->Request(federation::PeerMethod::kPost, std::move(target),
                                         std::move(body), std::move(type), std::chrono::seconds(5)),
                      net::use_future);
    io.run();
    auto sent = sending.get();
    ASSERT_TRUE(sent) << sent.error().message;
    ASSERT_EQ(sent->status, 200) << sent->body;
    ASSERT_NE(sent->body.find("\"status\":\"applied\""), std::string::npos) << sent->body;
  }

  std::string CoordinatorToken() {
    if (coordinator_token_.empty()) {
      coordinator_token_ =
          NodeApi(fed_.coordinator().port()).Login("admin", fed_.coordinator().admin_password());
    }
    return coordinator_token_;
  }

  // GET `target` at the province (token of its admin) or the coordinator.
  ApiReply AtProvince(const std::string& target) {
    return NodeApi(fed_.node(kProvince).port()).Get(target, fed_.Token(kProvince));
  }
  ApiReply AtCoordinator(const std::string& target) {
    return NodeApi(fed_.coordinator().port()).Get(target, CoordinatorToken());
  }

  // The regency's escalate events of the case that went beyond it, as {to, escalation}.
  std::vector<std::pair<std::string, std::string>> EscalationsBeyond(const std::string& token) {
    std::vector<std::pair<std::string, std::string>> out;
    ApiReply c = NodeApi(fed_.node(kRegency).port()).Case(kCaseId, token);
    EXPECT_EQ(c.status, 200) << c.body;
    for (const auto& e : c.json["events"]) {
      if (e["action"] == "escalate" && e["detail"].contains("escalation")) {
        EXPECT_FALSE(e["public"].get<bool>());
        out.emplace_back(e["detail"]["to"], e["detail"]["escalation"]);
      }
    }
    return out;
  }

  Federation fed_;
  std::string coordinator_token_;
};

TEST_F(FederationEscalationTest, OverdueCaseGoesToTheProvinceAndThenTheCoordinator) {
  ForwardLateComplaint();
  if (HasFatalFailure()) return;

  // The province records the escalation from its child.
  ApiReply at_province;
  ASSERT_TRUE(Federation::Eventually([&] {
    at_province = AtProvince("/api/v1/federation/escalations");
    return at_province.status == 200 && at_province.json["total"] == 1;
  })) << at_province.body
      << fed_.node(kRegency).LogTail() << fed_.node(kProvince).LogTail();
  const json item = at_province.json["items"][0];
  EXPECT_EQ(item["from_node"], kRegency);
  EXPECT_EQ(item["tracking_id"], kCaseId);
  EXPECT_EQ(item["level"], "parent");
  EXPECT_EQ(item["clock"], "verify");
  EXPECT_EQ(item["state"], "submitted");
  EXPECT_EQ(item["category"], "kesehatan.puskesmas");
  EXPECT_EQ(item["region"], "32.04");
  EXPECT_GE(item["overdue_working_days"].get<int>(), 10);
  EXPECT_EQ(item.dump().find("Puskesmas tutup"), std::string::npos);  // metadata only

  // The regency's history shows the supervisors first, then the province.
  const std::string kab_token = fed_.Token(kRegency);
  ApiReply history = NodeApi(fed_.node(kRegency).port()).Case(kCaseId, kab_token);
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(history.json["state"], "submitted");
  std::vector<std::string> escalated_to;
  for (const auto& e : history.json["events"]) {
    if (e["action"] == "escalate") escalated_to.push_back(e["detail"]["to"]);
  }
  EXPECT_EQ(escalated_to, (std::vector<std::string>{"supervisor", kProvince}));
  EXPECT_EQ(AtCoordinator("/api/v1/monitor/escalations").json["total"], 0);
  // Only the coordinator serves the monitoring route; a bad filter is refused with the reason.
  EXPECT_EQ(AtProvince("/api/v1/monitor/escalations").status, 404);
  ApiReply bad = AtProvince("/api/v1/federation/escalations?since=yesterday");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.error_message().find("since"), std::string::npos) << bad.body;

  // The operator lowers the coordinator threshold and restarts the regency.
  ASSERT_TRUE(fed_.node(kRegency).Stop());
  {
    std::ifstream in(fed_.node(kRegency).config_path());
    std::stringstream text;
    text << in.rdbuf();
    std::string config = text.str();
    const std::string old_threshold = "coordinator_after_days = 250";
    config.replace(config.find(old_threshold), old_threshold.size(), "coordinator_after_days = 10");
    std::ofstream(fed_.node(kRegency).config_path(), std::ios::trunc) << config;
  }
  ASSERT_TRUE(fed_.node(kRegency).Start());

  ApiReply monitor;
  ASSERT_TRUE(Federation::Eventually([&] {
    monitor = AtCoordinator("/api/v1/monitor/escalations?from=kab:32.04");
    return monitor.status == 200 && monitor.json["total"] == 1;
  })) << monitor.body
      << fed_.node(kRegency).LogTail() << fed_.coordinator().LogTail();
  EXPECT_EQ(monitor.json["items"][0]["level"], "coordinator");
  EXPECT_EQ(monitor.json["items"][0]["tracking_id"], kCaseId);
  EXPECT_EQ(AtCoordinator("/api/v1/federation/escalations").json["total"], 1);
  EXPECT_EQ(AtCoordinator("/api/v1/monitor/escalations?from=kab:32.73").json["total"], 0);

  // CSV export of the same data.
  auto csv =
      NodeApi(fed_.coordinator().port())
          .http()
          .Request("GET", "/api/v1/monitor/escalations?format=csv", "", Bearer(CoordinatorToken()));
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->Header("Content-Type").value_or("").rfind("text/csv", 0), 0u);
  EXPECT_EQ(csv->body.rfind("id,from_node,msg_id,tracking_id,level,clock,due_at,", 0), 0u)
      << csv->body;
  EXPECT_NE(csv->body.find(",kab:32.04,"), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find("," + std::string(kCaseId) + ",coordinator,verify,"), std::string::npos)
      << csv->body;
  EXPECT_EQ(csv->body.substr(csv->body.size() - 2), "\r\n");

  // Across the restart the province was not escalated to again: once per level.
  const std::string token_after =
      NodeApi(fed_.node(kRegency).port()).Login("admin", fed_.node(kRegency).admin_password());
  EXPECT_EQ(EscalationsBeyond(token_after),
            (std::vector<std::pair<std::string, std::string>>{{kProvince, "parent"},
                                                              {"coord:panrb", "coordinator"}}));
  EXPECT_EQ(AtProvince("/api/v1/federation/escalations").json["total"], 1);

  ApiReply metrics = NodeApi(fed_.node(kRegency).port()).Get("/metrics");
  EXPECT_NE(metrics.body.find("simpul_escalations_sent_total{level=\"parent\"} 1\n"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("simpul_escalations_sent_total{level=\"coordinator\"} 1\n"),
            std::string::npos);
  ApiReply received = NodeApi(fed_.node(kProvince).port()).Get("/metrics");
  EXPECT_NE(received.body.find("simpul_escalations_received_total{level=\"parent\"} 1\n"),
            std::string::npos)
      << received.body;
}

}  // namespace
}  // namespace simpul::testing
